"""How each cell of the Review sheet looks, for every adapter to draw the same way.

Plain data only: the .xlsx adapter turns a `CellStyle` into openpyxl styles, the live Excel
adapter into xlwings formatting calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .review_charts import BlockPart
from .review_lines import RANKING_COLUMNS, LineKind

FONT = "Calibri"
NAVY = "1F3864"
GREY = "666666"
WHITE = "FFFFFF"
HEADER_FILL = NAVY
QUESTION_FILL = "DCE6F1"
#: The fill of a computed column's header on the Partners sheet, when partnersheet adds it.
COMPUTED_FILL = "D9E1F2"
RULE_COLOUR = "B4BCCB"


class Rule(Enum):
    """A line under a cell."""

    THIN = "thin"
    MEDIUM = "medium"


@dataclass(frozen=True)
class CellStyle:
    """The look of one Review cell; None means the spreadsheet's default."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    #: Font colour, as six hex digits.
    colour: str | None = None
    #: Fill colour, as six hex digits.
    fill: str | None = None
    wrap: bool = False
    #: "left" or "center".
    horizontal: str | None = None
    #: "top" or "center".
    vertical: str | None = None
    #: The line under the cell, and its colour.
    rule: tuple[Rule, str] | None = None


def cell_style(kind: LineKind, column: int) -> CellStyle:
    """The style of column `column` (1 = A) of a Review line of kind `kind`."""
    first = column == 1
    if kind is LineKind.TITLE and first:
        return CellStyle(bold=True, size=16, colour=NAVY)
    if kind is LineKind.NOTE and first:
        return CellStyle(italic=True, colour=GREY, wrap=True, vertical="top")
    if kind is LineKind.HEADING:
        rule = (Rule.MEDIUM, NAVY)
        if first:
            return CellStyle(bold=True, size=13, colour=NAVY, rule=rule)
        return CellStyle(rule=rule)
    if kind is LineKind.QUESTION:
        if first:
            return CellStyle(
                bold=True, colour=NAVY, fill=QUESTION_FILL, wrap=True, vertical="center"
            )
        return CellStyle(fill=QUESTION_FILL)
    if kind is LineKind.ANSWER and first:
        return CellStyle(wrap=True, vertical="top")
    if kind in (LineKind.TABLE_HEADER, LineKind.LIST_HEADER):
        horizontal = "center" if kind is LineKind.TABLE_HEADER else "left"
        return CellStyle(
            bold=True,
            colour=WHITE,
            fill=HEADER_FILL,
            wrap=True,
            horizontal=horizontal,
            vertical="center",
        )
    if kind is LineKind.TABLE_ROW:
        return CellStyle(
            wrap=True,
            horizontal="center" if RANKING_COLUMNS[column - 1].centred else None,
            vertical="top",
            rule=(Rule.THIN, RULE_COLOUR),
        )
    if kind is LineKind.LIST_ROW:
        # Left, as the list's headers are: a date or a count kept clear of the text after it.
        return CellStyle(horizontal="left", rule=(Rule.THIN, RULE_COLOUR))
    return CellStyle()


#: Review line kinds whose style runs across every column, not just the cells with values.
SPREAD_KINDS = frozenset(
    {
        LineKind.HEADING,
        LineKind.QUESTION,
        LineKind.TABLE_HEADER,
        LineKind.LIST_HEADER,
        LineKind.LIST_ROW,
    }
)


def block_style(part: BlockPart, column: int) -> CellStyle:
    """The style of column `column` (1 = the table's first) of a chart data table's row."""
    if part is BlockPart.TITLE:
        return CellStyle(bold=True, colour=NAVY)
    if part is BlockPart.HEADER:
        return CellStyle(
            bold=True,
            colour=WHITE,
            fill=HEADER_FILL,
            wrap=True,
            horizontal="left" if column == 1 else "center",
            vertical="center",
        )
    return CellStyle(rule=(Rule.THIN, RULE_COLOUR))
