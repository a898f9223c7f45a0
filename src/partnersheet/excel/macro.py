"""The parts that make a fresh workbook macro-enabled: the VBA project and Recalculate buttons.

openpyxl writes a workbook's macros and form controls from its `vba_archive`, a zip holding
the parts to carry over. Here that archive is made from scratch: the VBA project built by
`vba`, and one VML drawing per sheet that holds a button. Everything else is ordinary
openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.model import STATUS_NAME
from .vba import RECALCULATE_MACRO, partnersheet_vba_project

#: The sheet xlwings' VBA module reads its settings from.
XLWINGS_SETTINGS_SHEET = "xlwings.conf"

#: Settings for xlwings' RunPython, by the key xlwings looks up. The interpreter is left to
#: each machine's own xlwings configuration (or a row the installer adds here).
XLWINGS_SETTINGS: tuple[tuple[str, str | bool], ...] = (
    # partnersheet is imported from where it is installed, never from the workbook's folder.
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
    # No console window opens, let alone stays open.
    ("SHOW CONSOLE", False),
    ("USE UDF SERVER", False),
)

#: Where the Partners sheet reports how the last Recalculate went.
STATUS_CELL = "B1"
STATUS_PROMPT = "Type or change scores, then click Recalculate. How it went shows here."

REVIEW_PROMPT = (
    "Click Recalculate (top right) to score and rank your partners; the review appears here."
)

_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)


@dataclass(frozen=True)
class ButtonPlace:
    """Where a form button sits: cell corners (0-based column and row) and pixel offsets."""

    left_column: int
    left_offset: int
    top_row: int
    top_offset: int
    right_column: int
    right_offset: int
    bottom_row: int
    bottom_offset: int

    @property
    def anchor(self) -> str:
        return ", ".join(
            str(n)
            for n in (
                self.left_column,
                self.left_offset,
                self.top_row,
                self.top_offset,
                self.right_column,
                self.right_offset,
                self.bottom_row,
                self.bottom_offset,
            )
        )


#: In column A of the row above the Partners table.
PARTNERS_BUTTON = ButtonPlace(0, 6, 0, 5, 0, 150, 0, 35)
#: Over columns H and I of the Review's first two rows, clear of its title.
REVIEW_BUTTON = ButtonPlace(7, 4, 0, 3, 8, 64, 1, 17)


def button_vml(place: ButtonPlace, *, drawing: int, caption: str, macro: str) -> str:
    """A VML drawing holding one form button that runs `macro`.

    `drawing` numbers the drawing within the workbook; shape ids must not collide.
    """
    shape_id = 1024 * drawing + 1
    return (
        f"<xml {_VML_NAMESPACES}>"
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{drawing}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" '
        'path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/>'
        '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
        '<o:lock v:ext="edit" shapetype="t"/>'
        "</v:shapetype>"
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t201" '
        'style="position:absolute;z-index:1;mso-wrap-style:tight" o:button="t" '
        'fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
        '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
        '<o:lock v:ext="edit" rotation="t"/>'
        '<v:textbox style="mso-direction-alt:auto" o:singleclick="f">'
        '<div style="text-align:center"><font face="Calibri" size="220" color="#000000">'
        f"{escape(caption)}</font></div>"
        "</v:textbox>"
        '<x:ClientData ObjectType="Button">'
        f"<x:Anchor>{place.anchor}</x:Anchor>"
        "<x:PrintObject>False</x:PrintObject>"
        "<x:AutoFill>False</x:AutoFill>"
        f"<x:FmlaMacro>{escape(macro)}</x:FmlaMacro>"
        "<x:TextHAlign>Center</x:TextHAlign>"
        "<x:TextVAlign>Center</x:TextVAlign>"
        "</x:ClientData>"
        "</v:shape>"
        "</xml>"
    )


def add_macro_parts(workbook: Workbook) -> None:
    """Make a fresh partnersheet workbook macro-enabled, with its Recalculate buttons.

    The workbook's first sheet is Partners, with its header on row 2.
    """
    partners = workbook.worksheets[0]
    _status_line(workbook, partners)
    review = workbook["Review"]
    review["A3"].value = REVIEW_PROMPT
    settings = workbook.create_sheet(XLWINGS_SETTINGS_SHEET)
    for row, (key, value) in enumerate(XLWINGS_SETTINGS, start=1):
        settings.cell(row=row, column=1, value=key)
        settings.cell(row=row, column=2, value=value)
    settings.column_dimensions["A"].width = 32
    settings.sheet_state = "hidden"

    workbook.code_name = "ThisWorkbook"
    code_names = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        code_name = f"Sheet{number}"
        sheet.sheet_properties.codeName = code_name
        code_names.append(code_name)

    parts: dict[str, bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _ROOT_RELS.encode(),
        "xl/vbaProject.bin": partnersheet_vba_project(code_names),
    }
    # The button runs the macro of this workbook, whatever the file is called.
    macro = f"[0]!{RECALCULATE_MACRO}"
    for drawing, (sheet, place) in enumerate(
        ((partners, PARTNERS_BUTTON), (review, REVIEW_BUTTON)), start=1
    ):
        name = f"xl/drawings/vmlDrawing{drawing}.vml"
        vml = button_vml(place, drawing=drawing, caption="Recalculate", macro=macro)
        parts[name] = vml.encode()
        sheet.legacy_drawing = name
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    workbook.vba_archive = zipfile.ZipFile(archive)


def _status_line(workbook: Workbook, partners: Worksheet) -> None:
    partners.row_dimensions[1].height = 30
    status = partners[STATUS_CELL]
    status.value = STATUS_PROMPT
    status.font = Font(name="Calibri", italic=True, color="595959")
    status.alignment = Alignment(vertical="center")
    reference = f"{partners.title}!$B$1"
    workbook.defined_names[STATUS_NAME] = DefinedName(STATUS_NAME, attr_text=reference)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.'
    'vmlDrawing"/>'
    "</Types>"
)

_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)
