"""How the cells partnersheet writes into a workbook file look, as style entries."""

from __future__ import annotations

from ..core.model import DATE_FORMAT
from ..core.review_lines import LineKind
from ..core.review_style import COMPUTED_FILL, FONT, CellStyle, cell_style
from .styles import Look


def _colour(rgb: str) -> str:
    # As the cells partnersheet wrote have always carried it: no alpha given.
    return f'rgb="00{rgb}"'


def _font(
    *, bold: bool, italic: bool, size: float | None, colour: str | None, name: str | None
) -> str:
    parts = [
        "<b/>" if bold else "",
        "<i/>" if italic else "",
        f'<sz val="{size:g}"/>' if size else "",
        f"<color {_colour(colour)}/>" if colour else "",
        f'<name val="{name}"/>' if name else "",
    ]
    return f"<font>{''.join(parts)}</font>"


def _fill(rgb: str) -> str:
    return f'<fill><patternFill patternType="solid"><fgColor {_colour(rgb)}/></patternFill></fill>'


def look_of(style: CellStyle, number_format: str | None = None) -> Look:
    """A Review cell's look, from the style every adapter draws it with."""
    font = None
    if style.bold or style.italic or style.size or style.colour:
        font = _font(
            bold=style.bold, italic=style.italic, size=style.size, colour=style.colour, name=FONT
        )
    border = None
    if style.rule is not None:
        rule, colour = style.rule
        border = (
            f'<border><left/><right/><top/><bottom style="{rule.value}"><color {_colour(colour)}/>'
            "</bottom><diagonal/></border>"
        )
    alignment = None
    if style.wrap or style.horizontal or style.vertical:
        parts = [
            f'horizontal="{style.horizontal}"' if style.horizontal else "",
            f'vertical="{style.vertical}"' if style.vertical else "",
            'wrapText="1"' if style.wrap else "",
        ]
        alignment = " ".join(p for p in parts if p)
    return Look(
        number_format=number_format,
        font=font,
        fill=_fill(style.fill) if style.fill else None,
        border=border,
        alignment=alignment,
    )


def review_look(kind: LineKind, column: int, number_format: str | None) -> Look:
    return look_of(cell_style(kind, column), number_format)


#: A computed column's header that partnersheet adds to the Partners sheet.
COMPUTED_HEADER = Look(
    font=_font(bold=True, italic=True, size=None, colour=None, name=None),
    fill=_fill(COMPUTED_FILL),
    alignment='vertical="center" wrapText="1"',
)
#: A header partnersheet writes on History.
HISTORY_HEADER = Look(font=_font(bold=True, italic=False, size=None, colour=None, name=None))
#: A date partnersheet writes.
DATE = Look(number_format=DATE_FORMAT)
