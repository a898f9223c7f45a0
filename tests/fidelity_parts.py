"""Workbooks holding every kind of content openpyxl used to drop, for tests/test_fidelity.py.

Each kind is built into a real workbook: with XlsxWriter where it can make it, otherwise by
adding small parts written here by hand from the Office Open XML schemas (clearly minimal,
only what makes the feature recognisable). Each kind is built on a user sheet (Notes) and,
where it can live on a sheet's cells, on the Partners sheet itself, in its user columns or
cells: Ann Patel's name (A2) and Notes cell (S2), the Trust column (L2:L5) and a column of
the user's own, Extra (T2:T5), after which a review adds its computed columns.

Also here: the other workbooks the contract is tested on (a Partners sheet laid out by a
person, a table on Partners, a calculation chain, the calculation settings Excel writes,
a History from an older partnersheet), and the readers of a package the tests use.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from openpyxl.utils import column_index_from_string

from conftest import (
    COMPUTED,
    PARTNER_HEADERS,
    SMALL_PARTNERS,
    Formula,
    build_partners_workbook,
    write_rows,
)

#: A 1×1 PNG.
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"

#: A column of the user's own on Partners, after Notes: T.
EXTRA = "Extra"
HEADERS: tuple[str, ...] = (*PARTNER_HEADERS, EXTRA)
PARTNERS = "xl/worksheets/sheet1.xml"
NOTES = "xl/worksheets/sheet2.xml"


# --- reading a package ------------------------------------------------------------------------


def parts_of(path: Path) -> dict[str, bytes]:
    """Every zip entry of a file, by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def rels_name(part: str) -> str:
    """Where a part's relationships are: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def resolve(source: str, target: str) -> str:
    """A relationship's target as a part name, relative to the part that holds it."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    mode: str

    @property
    def kind(self) -> str:
        """The last part of the type: "worksheet", "drawing", ..."""
        return self.type.rpartition("/")[2]


def rels_of(parts: dict[str, bytes], part: str) -> list[Rel]:
    """The relationships of `part` ("" for the package's own), in order."""
    name = rels_name(part) if part else "_rels/.rels"
    if name not in parts:
        return []
    root = ElementTree.fromstring(parts[name])
    return [
        Rel(e.get("Id", ""), e.get("Type", ""), e.get("Target", ""), e.get("TargetMode", ""))
        for e in root
        if e.tag == f"{{{PACKAGE_RELS}}}Relationship"
    ]


def related(parts: dict[str, bytes], part: str, kind: str) -> list[str]:
    """The parts `part` refers to by relationships of this kind."""
    return [
        resolve(part, rel.target)
        for rel in rels_of(parts, part)
        if rel.kind == kind and rel.mode != "External"
    ]


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    part: str


def workbook_part(parts: dict[str, bytes]) -> str:
    (part,) = related(parts, "", "officeDocument")
    return part


def sheet_entries(parts: dict[str, bytes]) -> list[SheetEntry]:
    """The sheets workbook.xml lists, in order, with the part each is in."""
    workbook = workbook_part(parts)
    targets = {rel.id: resolve(workbook, rel.target) for rel in rels_of(parts, workbook)}
    root = ElementTree.fromstring(parts[workbook])
    return [
        SheetEntry(
            e.get("name", ""),
            int(e.get("sheetId", "0")),
            e.get(f"{{{OFFICE_RELS}}}id", ""),
            targets.get(e.get(f"{{{OFFICE_RELS}}}id", ""), ""),
        )
        for e in root.iter(f"{{{MAIN}}}sheet")
    ]


def sheet_part(parts: dict[str, bytes], title: str) -> str | None:
    return next((s.part for s in sheet_entries(parts) if s.name == title), None)


def sheet_related(parts: dict[str, bytes], title: str, kind: str) -> list[str]:
    part = sheet_part(parts, title)
    return related(parts, part, kind) if part else []


# --- a worksheet's XML, taken apart ------------------------------------------------------------

_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?row\s*>)", re.S)
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_CELL_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]+)(\d+)["']""")
_COLS = re.compile(rb"<(?:[\w.-]+:)?cols\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?cols\s*>)", re.S)
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b[^>]*?/?>")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?/>")


@dataclass(frozen=True)
class SheetXml:
    """A worksheet part: what precedes its cells, its rows and cells as written, what
    follows them."""

    head: bytes
    #: row number → the row's attributes as written
    rows: dict[int, bytes]
    #: (row, column) → the cell's XML as written
    cells: dict[tuple[int, int], bytes]
    tail: bytes

    @classmethod
    def of(cls, xml: bytes) -> SheetXml:
        start = _SHEET_DATA.search(xml)
        assert start is not None, "a worksheet without sheetData"
        if start.group(1):
            body, end = b"", start.end()
        else:
            close = _SHEET_DATA_END.search(xml, start.end())
            assert close is not None
            body, end = xml[start.end() : close.start()], close.end()
        rows: dict[int, bytes] = {}
        cells: dict[tuple[int, int], bytes] = {}
        number = 0
        for row in _ROW.finditer(body):
            found = _ROW_NUMBER.search(row.group(1))
            number = int(found.group(1)) if found else number + 1
            rows[number] = row.group(1).strip()
            column = 0
            for cell in _CELL.finditer(row.group(2) or b""):
                ref = _CELL_REF.search(cell.group(1))
                column = column_index_from_string(ref.group(1).decode()) if ref else column + 1
                cells[(number, column)] = cell.group(0)
        return cls(xml[: start.start()], rows, cells, xml[end:])

    def columns_described(self) -> list[bytes]:
        found = _COLS.search(self.head)
        return _COL.findall(found.group(0)) if found else []

    def head_without_extent(self) -> bytes:
        """The head without the used range and the column descriptions, which a review may
        widen."""
        return _COLS.sub(b"", _DIMENSION.sub(b"", self.head))


def shared_strings(parts: dict[str, bytes]) -> list[str]:
    found = related(parts, workbook_part(parts), "sharedStrings")
    if not found:
        return []
    root = ElementTree.fromstring(parts[found[0]])
    return [
        "".join(t.text or "" for t in item.iter(f"{{{MAIN}}}t") if not _in_phonetic(item, t))
        for item in root.iter(f"{{{MAIN}}}si")
    ]


def _in_phonetic(item: ElementTree.Element, text: ElementTree.Element) -> bool:
    return any(text in list(run.iter()) for run in item.iter(f"{{{MAIN}}}rPh"))


def cell_text(cell: bytes, strings: list[str]) -> str | None:
    """The text a cell holds (a shared string, an inline string or a formula's text result);
    None for a number or an empty cell."""
    kind = re.search(rb"""^<[^>]*?\bt\s*=\s*["'](\w+)["']""", cell)
    if kind is None:
        return None
    if kind.group(1) == b"s":
        value = re.search(rb"<(?:\w+:)?v>(\d+)</", cell)
        return strings[int(value.group(1))] if value else None
    if kind.group(1) == b"inlineStr":
        texts = re.findall(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", cell, re.S)
        return unescape(b"".join(texts).decode("utf-8"), {"&quot;": '"', "&apos;": "'"})
    if kind.group(1) == b"str":
        value = re.search(rb"<(?:\w+:)?v>(.*?)</", cell, re.S)
        return unescape(value.group(1).decode(), {"&quot;": '"', "&apos;": "'"}) if value else ""
    return None


@dataclass(frozen=True)
class PartnersLayout:
    part: str
    header_row: int
    #: header → column number
    headers: dict[str, int]

    @property
    def computed(self) -> set[int]:
        return {column for header, column in self.headers.items() if header in COMPUTED}


def partners_layout(parts: dict[str, bytes]) -> PartnersLayout:
    """Where the Partners table is: its header row (the one with a Partner header) and
    headers."""
    part = sheet_part(parts, "Partners")
    assert part is not None, "no Partners sheet"
    sheet = SheetXml.of(parts[part])
    strings = shared_strings(parts)
    for row in sorted(sheet.rows)[:20]:
        headers = {
            text.strip(): column
            for (number, column), cell in sheet.cells.items()
            if number == row and (text := cell_text(cell, strings))
        }
        if "Partner" in headers:
            return PartnersLayout(part, row, headers)
    raise AssertionError("Partners has no header row")


def status_cell(parts: dict[str, bytes]) -> tuple[str, int, int] | None:
    """The sheet, row and column of the cell named PartnersheetStatus, if any."""
    root = ElementTree.fromstring(parts[workbook_part(parts)])
    for name in root.iter(f"{{{MAIN}}}definedName"):
        if name.get("name", "").casefold() != "partnersheetstatus":
            continue
        found = re.fullmatch(r"=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)", name.text or "")
        assert found is not None, name.text
        sheet = found.group(1).replace("''", "'") if found.group(1) else found.group(2)
        return sheet, int(found.group(4)), column_index_from_string(found.group(3))
    return None


def sheet_values(parts: dict[str, bytes], title: str) -> dict[tuple[int, int], str | None]:
    part = sheet_part(parts, title)
    assert part is not None, f"no sheet {title}"
    strings = shared_strings(parts)
    return {ref: cell_text(cell, strings) for ref, cell in SheetXml.of(parts[part]).cells.items()}


_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attributes(tag: bytes) -> dict[str, str]:
    return {
        m.group(1).decode(): unescape((m.group(2) or m.group(3) or b"").decode())
        for m in _ATTRIBUTE.finditer(tag)
    }


def calc_chain_entries(xml: bytes) -> list[tuple[int, str]]:
    """(sheet id, cell) of each entry of a calculation chain, the sheet carried over from
    the entry before where an entry leaves it out."""
    entries = []
    sheet = 0
    for tag in re.findall(rb"<(?:[\w.-]+:)?c\b[^>]*?/>", xml):
        found = attributes(tag)
        sheet = int(found.get("i", sheet))
        entries.append((sheet, found["r"]))
    return entries


def content_type(parts: dict[str, bytes], name: str) -> str | None:
    root = ElementTree.fromstring(parts["[Content_Types].xml"])
    for element in root.iter(f"{{{CONTENT_TYPES}}}Override"):
        if element.get("PartName", "").lstrip("/").lower() == name.lower():
            return element.get("ContentType")
    extension = name.rpartition(".")[2].lower()
    for element in root.iter(f"{{{CONTENT_TYPES}}}Default"):
        if element.get("Extension", "").lower() == extension:
            return element.get("ContentType")
    return None


def owner_of_rels(name: str) -> str:
    """The part a relationships part belongs to: xl/_rels/workbook.xml.rels → xl/workbook.xml."""
    folder, _, base = name.rpartition("_rels/")
    return f"{folder}{base[: -len('.rels')]}" if base != ".rels" else ""


# --- adding parts XlsxWriter cannot write ------------------------------------------------------

#: The children of a worksheet, in the order the schema requires them.
SHEET_ORDER = (
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
#: The children of a workbook, in the schema's order.
WORKBOOK_ORDER = (
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def insert_child(xml: str, order: Sequence[str], name: str, element: str, root: str) -> str:
    """`element` (a child called `name`) put in its place among the root's children."""
    for later in order[order.index(name) + 1 :]:
        found = re.search(rf"<{later}[\s/>]", xml)
        if found is not None:
            return xml[: found.start()] + element + xml[found.start() :]
    end = xml.rindex(f"</{root}>")
    return xml[:end] + element + xml[end:]


def with_extension(xml: str, extension: str, root: str, order: Sequence[str]) -> str:
    """An <ext> added to the root's extension list, which is made when there is none."""
    if "</extLst></" + root + ">" in xml:
        end = xml.rindex("</extLst>")
        return xml[:end] + extension + xml[end:]
    return insert_child(xml, order, "extLst", f"<extLst>{extension}</extLst>", root)


@dataclass
class Additions:
    """Parts to add to a package, with their content types and relationships, and the
    elements that refer to them."""

    parts: dict[str, str | bytes] = field(default_factory=dict)
    #: part name → content type
    types: dict[str, str] = field(default_factory=dict)
    #: file extension → content type, for extensions the package has no default for
    defaults: dict[str, str] = field(default_factory=dict)
    #: source part → (id, type, target relative to the source's folder)
    rels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: sheet part → <ext> elements for its extension list
    extensions: dict[str, list[str]] = field(default_factory=dict)
    #: sheet part → (child name, element) to put in its place (<drawing r:id=.../>, ...)
    elements: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: (child name, element) to put in workbook.xml (<pivotCaches>, ...)
    workbook_elements: list[tuple[str, str]] = field(default_factory=list)
    #: <ext> elements for workbook.xml's extension list
    workbook_extensions: list[str] = field(default_factory=list)

    def merged(self, other: Additions) -> Additions:
        merged = Additions()
        for mine, theirs, into in [
            (self.parts, other.parts, merged.parts),
            (self.types, other.types, merged.types),
            (self.defaults, other.defaults, merged.defaults),
        ]:
            into.update(mine)
            into.update(theirs)
        for mine_lists, theirs_lists, into_lists in [
            (self.rels, other.rels, merged.rels),
            (self.extensions, other.extensions, merged.extensions),
            (self.elements, other.elements, merged.elements),
        ]:
            for key in [*mine_lists, *theirs_lists]:
                into_lists[key] = [*mine_lists.get(key, []), *theirs_lists.get(key, [])]
        merged.workbook_elements = [*self.workbook_elements, *other.workbook_elements]
        merged.workbook_extensions = [*self.workbook_extensions, *other.workbook_extensions]
        return merged


_EMPTY_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PACKAGE_RELS}"></Relationships>'
)


def add_to_package(path: Path, additions: Additions) -> Path:
    """The package at `path` with the additions, written back in its place."""
    parts = parts_of(path)
    for name, content in additions.parts.items():
        parts[name] = content.encode("utf-8") if isinstance(content, str) else content
    types = parts["[Content_Types].xml"].decode("utf-8")
    added_types = "".join(
        f'<Default Extension="{extension}" ContentType="{kind}"/>'
        for extension, kind in additions.defaults.items()
        if f'Extension="{extension}"' not in types
    ) + "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>'
        for name, kind in additions.types.items()
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", added_types + "</Types>").encode()
    for source, relationships in additions.rels.items():
        name = rels_name(source)
        existing = parts.get(name, b"").decode("utf-8") or _EMPTY_RELS
        added = "".join(
            f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"/>'
            for rel_id, kind, target in relationships
        )
        parts[name] = existing.replace("</Relationships>", added + "</Relationships>").encode()
    for sheet in {*additions.elements, *additions.extensions}:
        xml = parts[sheet].decode("utf-8")
        for name, element in additions.elements.get(sheet, []):
            xml = insert_child(xml, SHEET_ORDER, name, element, "worksheet")
        for extension in additions.extensions.get(sheet, []):
            xml = with_extension(xml, extension, "worksheet", SHEET_ORDER)
        parts[sheet] = xml.encode("utf-8")
    if additions.workbook_elements or additions.workbook_extensions:
        xml = parts["xl/workbook.xml"].decode("utf-8")
        for name, element in additions.workbook_elements:
            xml = insert_child(xml, WORKBOOK_ORDER, name, element, "workbook")
        for extension in additions.workbook_extensions:
            xml = with_extension(xml, extension, "workbook", WORKBOOK_ORDER)
        parts["xl/workbook.xml"] = xml.encode("utf-8")
    return write_parts(path, parts)


# --- where each kind goes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """The user cells of one sheet a kind is put on."""

    sheet: str
    part: str
    #: a cell for text
    text: str
    #: a cell to comment on
    name: str
    #: four cells, one above the other, free for the kind
    column: tuple[str, str, str, str]
    #: a range of four numbers already there
    numbers: str
    #: where a drawn object's top left corner goes (0-based column, row)
    anchor: tuple[int, int]
    #: a range of a label column and a number column, headers first (for a pivot table)
    source: str
    source_fields: tuple[str, str]


SPOTS = {
    "Partners": Spot(
        sheet="Partners",
        part=PARTNERS,
        text="S2",  # Ann Patel's Notes
        name="A2",  # Ann Patel's name
        column=("T2", "T3", "T4", "T5"),  # Extra
        numbers="L2:L5",  # Trust
        anchor=(2, 7),  # C8, below the partners
        source="S1:T5",  # Notes and Extra
        source_fields=("Notes", EXTRA),
    ),
    "Notes": Spot(
        sheet="Notes",
        part=NOTES,
        text="A9",
        name="A1",
        column=("C2", "C3", "C4", "C5"),
        numbers="B2:B5",
        anchor=(5, 1),  # F2
        source="A1:B5",
        source_fields=("Band", "Hours"),
    ),
}
#: The labels and numbers of a pivot table's source, under its two headers.
SOURCE_ROWS = (("Strong", 4), ("Keep", 2), ("Strong", 6), ("Keep", 1))


def book_with(
    path: Path,
    where: str,
    fill: Callable[[Any, Any], None] | None = None,
    *,
    partners: Sequence[dict[str, object]] = SMALL_PARTNERS,
    headers: Sequence[str] = HEADERS,
) -> Path:
    """The small partners workbook, with a user column Extra on Partners and the user sheets
    Notes and Lists; `fill(book, sheet)` puts a kind on the sheet `where`."""

    def extra(book: Any) -> None:
        notes = book.add_worksheet("Notes")
        write_rows(book, notes, 1, [["Band", "Hours"], *(list(row) for row in SOURCE_ROWS)])
        notes.write_row("A7", [3, 1, 4, 1, 5])
        book.add_worksheet("Lists").write_column("A1", [1, 2, 3, 4, 5])
        if where == "Partners" and headers == HEADERS:
            # The pivot table's source on Partners: labels in Notes, numbers in Extra.
            sheet = book.get_worksheet_by_name("Partners")
            for row, (label, number) in enumerate(SOURCE_ROWS, start=1):
                sheet.write_string(row, headers.index("Notes"), label)
                sheet.write_number(row, headers.index(EXTRA), number)
        if fill is not None:
            fill(book, book.get_worksheet_by_name(where))

    return build_partners_workbook(path, partners, headers=headers, extra=extra)


def anchor_xml(anchor: tuple[int, int], content: str, width: int = 3, height: int = 4) -> str:
    column, row = anchor
    return (
        f"<xdr:twoCellAnchor><xdr:from><xdr:col>{column}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>"
        f"{column + width}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + height}</xdr:row>"
        f"<xdr:rowOff>0</xdr:rowOff></xdr:to>{content}<xdr:clientData/></xdr:twoCellAnchor>"
    )


def drawing_on(spot: Spot, content: str, number: int = 9) -> Additions:
    """A drawing (of one anchored object) on the spot's sheet."""
    name = f"xl/drawings/drawing{number}.xml"
    drawing = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{XDR}" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:mc="{MC}">{content}</xdr:wsDr>'
    )
    return Additions(
        parts={name: drawing},
        types={name: DRAWING_TYPE},
        rels={spot.part: [(f"rIdDrawing{number}", f"{OFFICE_RELS}/drawing", f"../{name[3:]}")]},
        elements={spot.part: [("drawing", f'<drawing r:id="rIdDrawing{number}"/>')]},
    )


# --- the kinds openpyxl used to lose -----------------------------------------------------------

#: A kind's builder: (path, where) → the workbook.
Builder = Callable[[Path, str], Path]


def text_box(path: Path, where: str) -> Path:
    column, row = SPOTS[where].anchor
    return book_with(
        path, where, lambda b, s: s.insert_textbox(row, column, "Call Ann before the summer.")
    )


def sparklines(path: Path, where: str) -> Path:
    def fill(book: Any, sheet: Any) -> None:
        if where == "Partners":
            # One sparkline a partner, in Extra, over the partner's seven scores.
            sheet.add_sparkline(
                "T2",
                {
                    "location": ["T2", "T3", "T4", "T5"],
                    "range": [f"Partners!L{row}:R{row}" for row in range(2, 6)],
                    "markers": True,
                },
            )
        else:
            sheet.add_sparkline("F7", {"range": "Notes!A7:E7"})

    return book_with(path, where, fill)


def rich_text(path: Path, where: str) -> Path:
    def fill(book: Any, sheet: Any) -> None:
        bold = book.add_format({"bold": True, "font_color": "#C00000"})
        sheet.write_rich_string(SPOTS[where].text, "Call Ann ", bold, "before", " the summer.")

    return book_with(path, where, fill)


def resized_comment(path: Path, where: str) -> Path:
    # Three times as wide and twice as high as XlsxWriter's default box.
    return book_with(
        path,
        where,
        lambda b, s: s.write_comment(
            SPOTS[where].name, "A long note.", {"x_scale": 3, "y_scale": 2, "author": "Sam"}
        ),
    )


def dynamic_array(path: Path, where: str) -> Path:
    def fill(book: Any, sheet: Any) -> None:
        if where == "Partners":
            # Extra spills the Trust scores sorted, highest first, with the results saved.
            sheet.write_dynamic_array_formula("T2:T5", "=SORT(L2:L5,1,-1)", None, 5)
            for cell, value in zip(("T3", "T4", "T5"), (4, 3, 2), strict=True):
                sheet.write_number(cell, value)
        else:
            sheet.write_row("A9", [3, 1, 2])
            sheet.write_dynamic_array_formula("A11:C11", "=SORT(A9:C9,1,1,TRUE)", None, 1)
            sheet.write_number("B11", 2)
            sheet.write_number("C11", 3)

    return book_with(path, where, fill)


def data_bars_2010(path: Path, where: str) -> Path:
    return book_with(
        path,
        where,
        lambda b, s: s.conditional_format(
            SPOTS[where].numbers,
            {"type": "data_bar", "bar_solid": True, "bar_border_color": "#C00000"},
        ),
    )


def cell_picture(path: Path, where: str) -> Path:
    return book_with(
        path,
        where,
        lambda b, s: s.embed_image(SPOTS[where].column[0], "logo.png", {"image_data": picture()}),
    )


def picture() -> io.BytesIO:
    return io.BytesIO(PICTURE)


def threaded_comment(path: Path, where: str) -> Path:
    # Excel keeps a plain comment beside each threaded one for older versions: XlsxWriter
    # writes that; the thread itself and the list of people are added by hand.
    spot = SPOTS[where]
    book_with(
        path,
        where,
        lambda b, s: s.write_comment(
            spot.name,
            "[Threaded comment]\n\nYour version of Excel allows you to read this threaded "
            "comment; however, any edits to it will get removed if the file is opened in a "
            "newer version of Excel.\n\nComment:\n    Call Ann.",
            {"author": "tc={6C2A5E4B-0000-4000-8000-000000000002}"},
        ),
    )
    person = "{6C2A5E4B-0000-4000-8000-000000000001}"
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/threadedComments/threadedComment1.xml": (
                    f'<ThreadedComments xmlns="{TC}"><threadedComment ref="{spot.name}" '
                    f'dT="2026-11-22T10:00:00.00" personId="{person}" '
                    'id="{6C2A5E4B-0000-4000-8000-000000000002}"><text>Call Ann.</text>'
                    "</threadedComment></ThreadedComments>"
                ),
                "xl/persons/person.xml": (
                    f'<personList xmlns="{TC}"><person displayName="Sam" id="{person}" '
                    'userId="Sam" providerId="None"/></personList>'
                ),
            },
            types={
                "xl/threadedComments/threadedComment1.xml": (
                    "application/vnd.ms-excel.threadedcomments+xml"
                ),
                "xl/persons/person.xml": "application/vnd.ms-excel.person+xml",
            },
            rels={
                spot.part: [
                    (
                        "rIdThread1",
                        "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                        "../threadedComments/threadedComment1.xml",
                    )
                ],
                "xl/workbook.xml": [
                    (
                        "rIdPersons",
                        "http://schemas.microsoft.com/office/2017/10/relationships/person",
                        "persons/person.xml",
                    )
                ],
            },
        ),
    )


def slicer(path: Path, where: str) -> Path:
    # A table slicer on the Band column of a table on Notes, shown on the sheet `where`: the
    # slicer (with its place in a drawing, and the text box older Excel shows instead), its
    # cache, the sheet's list of slicers and the workbook's list of slicer caches.
    spot = SPOTS[where]
    book_with(
        path,
        where,
        lambda b, s: b.get_worksheet_by_name("Notes").add_table(
            "A1:B5", {"columns": [{"header": "Band"}, {"header": "Hours"}], "name": "Bands"}
        ),
    )
    graphic = (
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Band"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/drawing/2010/slicer"><sle:slicer '
        'xmlns:sle="http://schemas.microsoft.com/office/drawing/2010/slicer" name="Band"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame>"
    )
    fallback = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="Band slicer"/>'
        '<xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="1828800" cy="2524125"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>A slicer: "
        "use a newer Excel.</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
    )
    shown = (
        '<mc:AlternateContent><mc:Choice xmlns:sle15="http://schemas.microsoft.com/office/'
        f'drawing/2012/slicer" Requires="sle15">{anchor_xml(spot.anchor, graphic)}</mc:Choice>'
        f"<mc:Fallback>{anchor_xml(spot.anchor, fallback)}</mc:Fallback></mc:AlternateContent>"
    )
    additions = Additions(
        parts={
            "xl/slicers/slicer1.xml": (
                f'<slicers xmlns="{X14}"><slicer name="Band" cache="Slicer_Band" '
                'caption="Band" rowHeight="241300"/></slicers>'
            ),
            "xl/slicerCaches/slicerCache1.xml": (
                f'<slicerCacheDefinition xmlns="{X14}" xmlns:x="{MAIN}" name="Slicer_Band" '
                f'sourceName="Band"><extLst><x:ext xmlns:x15="{X15}" '
                'uri="{2F2917AC-EB37-4324-AD4E-5DD8C200BD13}"><x15:tableSlicerCache '
                'tableId="1" column="1"/></x:ext></extLst></slicerCacheDefinition>'
            ),
        },
        types={
            "xl/slicers/slicer1.xml": "application/vnd.ms-excel.slicer+xml",
            "xl/slicerCaches/slicerCache1.xml": "application/vnd.ms-excel.slicerCache+xml",
        },
        rels={
            spot.part: [
                (
                    "rIdSlicer1",
                    "http://schemas.microsoft.com/office/2007/relationships/slicer",
                    "../slicers/slicer1.xml",
                )
            ],
            "xl/workbook.xml": [
                (
                    "rIdSlicerCache1",
                    "http://schemas.microsoft.com/office/2007/relationships/slicerCache",
                    "slicerCaches/slicerCache1.xml",
                )
            ],
        },
        extensions={
            spot.part: [
                f'<ext xmlns:x15="{X15}" uri="{{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}}">'
                '<x15:slicerList><x15:slicer r:id="rIdSlicer1"/></x15:slicerList></ext>'
            ]
        },
        workbook_extensions=[
            f'<ext xmlns:x15="{X15}" uri="{{46BE6895-7355-4a93-B00E-2C351335B9C9}}">'
            '<x15:slicerCaches><x14:slicerCache xmlns:x14="'
            f'{X14}" r:id="rIdSlicerCache1"/></x15:slicerCaches></ext>'
        ],
    )
    return add_to_package(path, additions.merged(drawing_on(spot, shown)))


def timeline(path: Path, where: str) -> Path:
    spot = SPOTS[where]
    book_with(path, where)
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/timelines/timeline1.xml": (
                    f'<timelines xmlns="{X15}"><timeline name="Last contact" '
                    'cache="NativeTimeline_Last_contact" caption="Last contact" level="2" '
                    'selectionLevel="2"/></timelines>'
                ),
                "xl/timelineCaches/timelineCache1.xml": (
                    f'<timelineCacheDefinition xmlns="{X15}" '
                    'name="NativeTimeline_Last_contact" sourceName="Last contact"/>'
                ),
            },
            types={
                "xl/timelines/timeline1.xml": "application/vnd.ms-excel.timeline+xml",
                "xl/timelineCaches/timelineCache1.xml": (
                    "application/vnd.ms-excel.timelineCache+xml"
                ),
            },
            rels={
                spot.part: [
                    (
                        "rIdTimeline1",
                        "http://schemas.microsoft.com/office/2011/relationships/timeline",
                        "../timelines/timeline1.xml",
                    )
                ],
                "xl/workbook.xml": [
                    (
                        "rIdTimelineCache1",
                        "http://schemas.microsoft.com/office/2011/relationships/timelineCache",
                        "timelineCaches/timelineCache1.xml",
                    )
                ],
            },
            extensions={
                spot.part: [
                    f'<ext xmlns:x15="{X15}" uri="{{7E03D99C-DC04-49d9-9315-930204A7B6E9}}">'
                    '<x15:timelineRefs><x15:timelineRef r:id="rIdTimeline1"/>'
                    "</x15:timelineRefs></ext>"
                ]
            },
            workbook_extensions=[
                f'<ext xmlns:x15="{X15}" uri="{{D0CA8CA8-9F24-4464-BF8E-62219DCF47F9}}">'
                '<x15:timelineCacheRefs><x15:timelineCacheRef r:id="rIdTimelineCache1"/>'
                "</x15:timelineCacheRefs></ext>"
            ],
        ),
    )


def custom_xml(path: Path, where: str) -> Path:
    # Data a document library (or an add-in) keeps with the workbook, and its properties.
    book_with(path, "Notes")
    return add_to_package(
        path,
        Additions(
            parts={
                "customXml/item1.xml": (
                    '<partners xmlns="urn:partnersheet:test"><owner>Sam</owner></partners>'
                ),
                "customXml/itemProps1.xml": (
                    '<ds:datastoreItem ds:itemID="{6C2A5E4B-0000-4000-8000-000000000003}" '
                    'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                    "<ds:schemaRefs/></ds:datastoreItem>"
                ),
            },
            types={
                "customXml/itemProps1.xml": (
                    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
                )
            },
            rels={
                "customXml/item1.xml": [
                    ("rIdProps1", f"{OFFICE_RELS}/customXmlProps", "itemProps1.xml")
                ],
                "xl/workbook.xml": [
                    ("rIdCustom1", f"{OFFICE_RELS}/customXml", "../customXml/item1.xml")
                ],
            },
        ),
    )


def validation_2010(path: Path, where: str) -> Path:
    # A list drawn from another sheet, in the form Excel 2010 writes it: on Partners, the
    # Trust scores chosen from Lists.
    spot = SPOTS[where]
    book_with(path, where)
    sqref = spot.numbers
    return add_to_package(
        path,
        Additions(
            extensions={
                spot.part: [
                    f'<ext xmlns:x14="{X14}" uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}">'
                    f'<x14:dataValidations xmlns:xm="{XM}" count="1"><x14:dataValidation '
                    'type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
                    "<x14:formula1><xm:f>Lists!$A$1:$A$5</xm:f></x14:formula1>"
                    f"<xm:sqref>{sqref}</xm:sqref></x14:dataValidation></x14:dataValidations>"
                    "</ext>"
                ]
            }
        ),
    )


def future_extension(path: Path, where: str) -> Path:
    # An extension no program knows (its URI made up here): openpyxl dropped every one.
    spot = SPOTS[where]
    book_with(path, where)
    return add_to_package(
        path,
        Additions(
            extensions={
                spot.part: [
                    '<ext uri="{6C2A5E4B-0000-4000-8000-00000000CAFE}" '
                    'xmlns:future="urn:partnersheet:future"><future:setting on="1"/></ext>'
                ]
            }
        ),
    )


#: An ActiveX check box's persisted properties (MS-OFORMS 2.2.5.1 MorphDataControl, then
#: 2.2.1.1 TextPropsControl): each with version 2.0 and an empty property mask, so that every
#: property has its default. A stand-in for the bytes Excel writes, enough to be one.
ACTIVEX_BINARY = bytes.fromhex("0002080000000000000000000002040000000000")
#: Forms.CheckBox.1
CHECKBOX_CLASS = "{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"


def activex(path: Path, where: str) -> Path:
    # An ActiveX check box as Excel writes one: the control's persisted properties (an XML
    # part and its binary stream), the sheet's <controls> (inside mc:AlternateContent, as
    # only Excel 2010 and later read the anchor) and the VML shape older Excel draws it with.
    spot = SPOTS[where]
    column, row = spot.anchor
    book_with(path, where)
    anchor = (
        f'<anchor moveWithCells="1"><from><xdr:col>{column}</xdr:col><xdr:colOff>0</xdr:colOff>'
        f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></from><to><xdr:col>{column + 2}"
        f"</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + 1}</xdr:row><xdr:rowOff>0"
        "</xdr:rowOff></to></anchor>"
    )
    controls = (
        f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x14"><controls>'
        f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x14">'
        '<control shapeId="1025" r:id="rIdControl1" name="CheckBox1">'
        f'<controlPr xmlns:xdr="{XDR}" defaultSize="0" autoLine="0" autoPict="0">{anchor}'
        '</controlPr></control></mc:Choice><mc:Fallback><control shapeId="1025" '
        'r:id="rIdControl1" name="CheckBox1"/></mc:Fallback></mc:AlternateContent>'
        "</controls></mc:Choice></mc:AlternateContent>"
    )
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout '
        'v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype '
        'id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" '
        'fillok="f" o:connecttype="rect"/><o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
        '<v:shape id="CheckBox1" o:spid="_x0000_s1025" type="#_x0000_t201" style="position:'
        'absolute;margin-left:96pt;margin-top:15pt;width:96pt;height:18pt;z-index:1" '
        'filled="f" stroked="f" o:insetmode="auto"><x:ClientData ObjectType="Pict">'
        f"<x:SizeWithCells/><x:Anchor>{column}, 0, {row}, 0, {column + 2}, 0, {row + 1}, 0"
        "</x:Anchor><x:CF>Pict</x:CF><x:AutoPict/></x:ClientData></v:shape></xml>"
    )
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/activeX/activeX1.xml": (
                    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                    f'<ax:ocx ax:classid="{CHECKBOX_CLASS}" ax:persistence="persistStreamInit" '
                    'r:id="rId1" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
                    f'xmlns:r="{OFFICE_RELS}"/>'
                ),
                "xl/activeX/activeX1.bin": ACTIVEX_BINARY,
                "xl/drawings/vmlDrawing9.vml": vml,
            },
            types={
                "xl/activeX/activeX1.xml": "application/vnd.ms-office.activeX+xml",
                "xl/activeX/activeX1.bin": "application/vnd.ms-office.activeX",
            },
            defaults={"vml": "application/vnd.openxmlformats-officedocument.vmlDrawing"},
            rels={
                "xl/activeX/activeX1.xml": [
                    (
                        "rId1",
                        "http://schemas.microsoft.com/office/2006/relationships/"
                        "activeXControlBinary",
                        "activeX1.bin",
                    )
                ],
                spot.part: [
                    ("rIdVml9", f"{OFFICE_RELS}/vmlDrawing", "../drawings/vmlDrawing9.vml"),
                    ("rIdControl1", f"{OFFICE_RELS}/control", "../activeX/activeX1.xml"),
                ],
            },
            elements={
                spot.part: [
                    ("legacyDrawing", '<legacyDrawing r:id="rIdVml9"/>'),
                    ("controls", controls),
                ]
            },
        ),
    )


def cell_checkbox(path: Path, where: str) -> Path:
    # The check boxes in cells of Excel 2024: a cell holding TRUE or FALSE whose cell format
    # has an extension (xfpb:xfComplement) pointing into the feature property bags that say
    # it is a check box. XlsxWriter writes them as Excel does (insert_checkbox).
    def fill(book: Any, sheet: Any) -> None:
        for cell, ticked in zip(SPOTS[where].column, (True, False, True, False), strict=True):
            sheet.insert_checkbox(cell, ticked)

    return book_with(path, where, fill)


def pivot_table(path: Path, where: str) -> Path:
    # A pivot table on Notes (H1:I4) summing the numbers of a source range by its labels; the
    # source is on the sheet `where` (on Partners: its Notes and Extra columns). XlsxWriter
    # cannot make one: the cache definition, its records and the table are written here,
    # and the cells the pivot table shows are written into Notes as Excel saves them.
    spot = SPOTS[where]
    label, number = spot.source_fields

    def fill(book: Any, sheet: Any) -> None:
        shown = [
            ("Row Labels", f"Sum of {number}"),
            ("Keep", 3),
            ("Strong", 10),
            ("Grand Total", 13),
        ]
        notes = book.get_worksheet_by_name("Notes")
        for row, (text, value) in enumerate(shown):
            notes.write_string(row, 7, text)
            notes.write(row, 8, value)

    book_with(path, where, fill)
    sheet, ref = spot.sheet, spot.source
    records = "".join(
        f'<r><x v="{0 if text == "Strong" else 1}"/><n v="{value}"/></r>'
        for text, value in SOURCE_ROWS
    )
    definition = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheDefinition '
        f'xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}" r:id="rId1" refreshedBy="Sam" '
        'refreshedDate="46348.5" createdVersion="6" refreshedVersion="6" '
        f'minRefreshableVersion="3" recordCount="{len(SOURCE_ROWS)}"><cacheSource '
        f'type="worksheet"><worksheetSource ref="{ref}" sheet="{sheet}"/></cacheSource>'
        f'<cacheFields count="2"><cacheField name="{label}" numFmtId="0"><sharedItems '
        'count="2"><s v="Strong"/><s v="Keep"/></sharedItems></cacheField><cacheField '
        f'name="{number}" numFmtId="0"><sharedItems containsSemiMixedTypes="0" '
        'containsString="0" containsNumber="1" containsInteger="1" minValue="1" maxValue="6"/>'
        "</cacheField></cacheFields></pivotCacheDefinition>"
    )
    table = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotTableDefinition '
        f'xmlns="{MAIN}" name="PivotTable1" cacheId="7" applyNumberFormats="0" '
        'applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0" '
        'applyAlignmentFormats="0" applyWidthHeightFormats="1" dataCaption="Values" '
        'updatedVersion="6" minRefreshableVersion="3" useAutoFormatting="1" itemPrintTitles="1" '
        'createdVersion="6" indent="0" outline="1" outlineData="1" multipleFieldFilters="0">'
        '<location ref="H1:I4" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
        '<pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="3">'
        '<item x="1"/><item x="0"/><item t="default"/></items></pivotField><pivotField '
        'dataField="1" showAll="0"/></pivotFields><rowFields count="1"><field x="0"/>'
        '</rowFields><rowItems count="3"><i><x/></i><i><x v="1"/></i><i t="grand"><x/></i>'
        '</rowItems><colItems count="1"><i/></colItems><dataFields count="1"><dataField '
        f'name="Sum of {number}" fld="1" baseField="0" baseItem="0"/></dataFields>'
        '<pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" showColHeaders="1" '
        'showRowStripes="0" showColStripes="0" showLastColumn="1"/></pivotTableDefinition>'
    )
    pivot = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivot"
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/pivotCache/pivotCacheDefinition1.xml": definition,
                "xl/pivotCache/pivotCacheRecords1.xml": (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<pivotCacheRecords xmlns="{MAIN}" count="{len(SOURCE_ROWS)}">{records}'
                    "</pivotCacheRecords>"
                ),
                "xl/pivotTables/pivotTable1.xml": table,
            },
            types={
                "xl/pivotCache/pivotCacheDefinition1.xml": f"{pivot}CacheDefinition+xml",
                "xl/pivotCache/pivotCacheRecords1.xml": f"{pivot}CacheRecords+xml",
                "xl/pivotTables/pivotTable1.xml": f"{pivot}Table+xml",
            },
            rels={
                "xl/workbook.xml": [
                    (
                        "rIdPivotCache1",
                        f"{OFFICE_RELS}/pivotCacheDefinition",
                        "pivotCache/pivotCacheDefinition1.xml",
                    )
                ],
                "xl/pivotCache/pivotCacheDefinition1.xml": [
                    ("rId1", f"{OFFICE_RELS}/pivotCacheRecords", "pivotCacheRecords1.xml")
                ],
                NOTES: [
                    ("rIdPivot1", f"{OFFICE_RELS}/pivotTable", "../pivotTables/pivotTable1.xml")
                ],
                "xl/pivotTables/pivotTable1.xml": [
                    (
                        "rId1",
                        f"{OFFICE_RELS}/pivotCacheDefinition",
                        "../pivotCache/pivotCacheDefinition1.xml",
                    )
                ],
            },
            workbook_elements=[
                (
                    "pivotCaches",
                    '<pivotCaches><pivotCache cacheId="7" r:id="rIdPivotCache1"/></pivotCaches>',
                )
            ],
        ),
    )


# --- how to see each kind in a workbook ----------------------------------------------------------


def _sheet(parts: dict[str, bytes], where: str) -> bytes:
    part = sheet_part(parts, where)
    assert part is not None, f"no sheet {where}"
    return parts[part]


def _linked(parts: dict[str, bytes], where: str, kind: str) -> bytes:
    """The parts the sheet `where` refers to by relationships of this kind, joined."""
    return b"".join(parts.get(part, b"") for part in sheet_related(parts, where, kind))


def _cell(parts: dict[str, bytes], where: str, ref: str) -> bytes:
    found = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', _sheet(parts, where))
    return found.group(0) if found else b""


def _workbook_linked(parts: dict[str, bytes], kind: str) -> bytes:
    return b"".join(parts.get(p, b"") for p in related(parts, workbook_part(parts), kind))


def _cell_format(parts: dict[str, bytes], index: int) -> bytes:
    styles = _workbook_linked(parts, "styles")
    found = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles, re.S)
    assert found is not None
    formats = re.findall(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", found.group(1), re.S)
    return formats[index] if index < len(formats) else b""


def has_text_box(parts: dict[str, bytes], where: str) -> bool:
    return b"<drawing " in _sheet(parts, where) and b"Call Ann before the summer" in _linked(
        parts, where, "drawing"
    )


def has_sparklines(parts: dict[str, bytes], where: str) -> bool:
    sheet = _sheet(parts, where)
    location = b"<xm:sqref>T5</xm:sqref>" if where == "Partners" else b"<xm:sqref>F7</xm:sqref>"
    return b"<x14:sparklineGroup " in sheet and location in sheet


def has_rich_text(parts: dict[str, bytes], where: str) -> bool:
    strings = _workbook_linked(parts, "sharedStrings")
    run = re.search(rb"<si><r><t[^>]*>Call Ann </t></r><r><rPr>.*?<t>before</t>", strings)
    return run is not None and b't="s"' in _cell(parts, where, SPOTS[where].text)


def has_resized_comment(parts: dict[str, bytes], where: str) -> bool:
    return b"width:288pt;height:111pt" in _linked(
        parts, where, "vmlDrawing"
    ) and b"A long note." in _linked(parts, where, "comments")


def has_dynamic_array(parts: dict[str, bytes], where: str) -> bool:
    anchor = "T2" if where == "Partners" else "A11"
    cell = _cell(parts, where, anchor)
    return (
        b'cm="1"' in cell
        and b"_xlfn._xlws.SORT" in cell
        and b"dynamicArrayProperties" in _workbook_linked(parts, "sheetMetadata")
    )


def has_data_bars_2010(parts: dict[str, bytes], where: str) -> bool:
    sheet = _sheet(parts, where)
    return b"<x14:dataBar " in sheet and f"<xm:sqref>{SPOTS[where].numbers}".encode() in sheet


def has_cell_picture(parts: dict[str, bytes], where: str) -> bool:
    return b'vm="1"' in _cell(parts, where, SPOTS[where].column[0]) and any(
        name.startswith("xl/richData/") for name in parts
    )


def has_threaded_comment(parts: dict[str, bytes], where: str) -> bool:
    thread = _linked(parts, where, "threadedComment")
    ref = f'ref="{SPOTS[where].name}"'.encode()
    return ref in thread and b"Call Ann." in thread and b"Sam" in _workbook_linked(parts, "person")


def has_slicer(parts: dict[str, bytes], where: str) -> bool:
    return (
        b"<x15:slicerList>" in _sheet(parts, where)
        and b'cache="Slicer_Band"' in _linked(parts, where, "slicer")
        and b"sle:slicer" in _linked(parts, where, "drawing")
        and b"tableSlicerCache" in _workbook_linked(parts, "slicerCache")
    )


def has_timeline(parts: dict[str, bytes], where: str) -> bool:
    return b"<x15:timelineRefs>" in _sheet(parts, where) and b"Last contact" in _linked(
        parts, where, "timeline"
    )


def has_custom_xml(parts: dict[str, bytes], where: str) -> bool:
    items = related(parts, workbook_part(parts), "customXml")
    return bool(items) and all(b"<owner>Sam</owner>" in parts[item] for item in items)


def has_validation_2010(parts: dict[str, bytes], where: str) -> bool:
    sheet = _sheet(parts, where)
    return b"<x14:dataValidation " in sheet and b"Lists!$A$1:$A$5" in sheet


def has_future_extension(parts: dict[str, bytes], where: str) -> bool:
    return b"urn:partnersheet:future" in _sheet(parts, where)


def has_activex(parts: dict[str, bytes], where: str) -> bool:
    controls = sheet_related(parts, where, "control")
    return (
        b"<controls>" in _sheet(parts, where)
        and len(controls) == 1
        and CHECKBOX_CLASS.encode() in parts[controls[0]]
        and [parts[p] for p in related(parts, controls[0], "activeXControlBinary")]
        == [ACTIVEX_BINARY]
        and b'ObjectType="Pict"' in _linked(parts, where, "vmlDrawing")
    )


def has_cell_checkbox(parts: dict[str, bytes], where: str) -> bool:
    cell = _cell(parts, where, SPOTS[where].column[0])
    style = re.search(rb'\bs="(\d+)"', cell)
    return (
        b't="b"' in cell
        and style is not None
        and b"<xfpb:xfComplement " in _cell_format(parts, int(style.group(1)))
        and b'<bag type="Checkbox"/>' in _workbook_linked(parts, "FeaturePropertyBag")
    )


def has_pivot_table(parts: dict[str, bytes], where: str) -> bool:
    tables = sheet_related(parts, "Notes", "pivotTable")
    if len(tables) != 1:
        return False
    caches = related(parts, tables[0], "pivotCacheDefinition")
    source = f'<worksheetSource ref="{SPOTS[where].source}" sheet="{where}"/>'.encode()
    return (
        b'<location ref="H1:I4"' in parts[tables[0]]
        and len(caches) == 1
        and source in parts[caches[0]]
        and b"<pivotCacheRecords "
        in b"".join(parts[p] for p in related(parts, caches[0], "pivotCacheRecords"))
        and b'<pivotCache cacheId="7"' in parts[workbook_part(parts)]
    )


@dataclass(frozen=True)
class Kind:
    """A kind of content openpyxl used to drop, how to build it, and how to see it."""

    name: str
    build: Builder
    present: Callable[[dict[str, bytes], str], bool]
    #: The sheets it is built on ("workbook" for what belongs to no sheet).
    wheres: tuple[str, ...] = ("Notes", "Partners")


KINDS = (
    Kind("text-box", text_box, has_text_box),
    Kind("sparklines", sparklines, has_sparklines),
    Kind("rich-text", rich_text, has_rich_text),
    Kind("resized-comment", resized_comment, has_resized_comment),
    Kind("dynamic-array", dynamic_array, has_dynamic_array),
    Kind("data-bars-2010", data_bars_2010, has_data_bars_2010),
    Kind("cell-picture", cell_picture, has_cell_picture),
    Kind("threaded-comment", threaded_comment, has_threaded_comment),
    Kind("slicer", slicer, has_slicer),
    Kind("timeline", timeline, has_timeline),
    Kind("custom-xml", custom_xml, has_custom_xml, ("workbook",)),
    Kind("validation-2010", validation_2010, has_validation_2010),
    Kind("future-extension", future_extension, has_future_extension),
    Kind("activex", activex, has_activex),
    Kind("cell-checkbox", cell_checkbox, has_cell_checkbox),
    Kind("pivot-table", pivot_table, has_pivot_table),
)


# --- other workbooks the contract is tested on ----------------------------------------------------


def laid_out(path: Path) -> Path:
    """A Partners sheet a person has laid out: styled headers and cells, a formula column of
    their own with its saved results, row heights, column widths and a column style, frozen
    panes, a filter, a conditional format, a validation, hyperlinks (to a web page and to
    another sheet), a picture, a comment, print settings and a tab colour; a defined name,
    a chart on Notes and a hidden sheet."""

    def fill(book: Any, sheet: Any) -> None:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 2})
        for column, text in enumerate(HEADERS):
            sheet.write_string(0, column, text, header)
        money = book.add_format({"num_format": "£#,##0;[Red]-£#,##0"})
        sheet.write_number("J2", 6000, money)
        for row, hours in ((2, 4), (3, 2), (4, 6), (5, 0)):
            sheet.write_formula(f"T{row}", f"=G{row}*12", money, hours * 12)
        sheet.set_row(0, 32)
        sheet.set_row(2, 24)
        sheet.set_column("A:A", 22)
        sheet.set_column("B:B", 26)
        sheet.set_column("S:S", 40, book.add_format({"italic": True}))
        # A width for the columns a review fills in, but for the last of them.
        sheet.set_column("U:Z", 11)
        sheet.freeze_panes(1, 1)
        sheet.autofilter("A1:T5")
        sheet.conditional_format(
            "G2:G5",
            {
                "type": "cell",
                "criteria": ">",
                "value": 3,
                "format": book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"}),
            },
        )
        sheet.data_validation(
            "L2:R5",
            {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5},
        )
        sheet.write_url("B2", "https://example.com/patel", string="Patel Accountancy")
        sheet.write_url("S3", "internal:Notes!A1", string="See Notes")
        sheet.insert_image("C8", "logo.png", {"image_data": picture()})
        sheet.write_comment("A3", "Check with the accountant.", {"author": "Sam"})
        sheet.set_landscape()
        sheet.repeat_rows(0)
        sheet.set_header("&CPartners")
        sheet.set_tab_color("#4472C4")
        book.define_name("Rate", "=Notes!$B$2")
        chart = book.add_chart({"type": "column"})
        chart.add_series({"values": "=Notes!$B$2:$B$5"})
        book.get_worksheet_by_name("Notes").insert_chart("D2", chart)
        book.add_worksheet("Hidden").hide()

    return book_with(path, "Partners", fill)


def table_on_partners(path: Path) -> Path:
    """The partners in an Excel table (with its filter buttons and style)."""

    def fill(book: Any, sheet: Any) -> None:
        sheet.add_table(
            0,
            0,
            len(SMALL_PARTNERS),
            len(HEADERS) - 1,
            {
                "name": "PartnerTable",
                "style": "Table Style Light 9",
                "columns": [{"header": header} for header in HEADERS],
            },
        )

    return book_with(path, "Partners", fill)


CALC_CHAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
#: Partners with a Weighted score column of their own, after Extra: U.
CHAIN_HEADERS: tuple[str, ...] = (*HEADERS, "Weighted score")


def calc_chain(path: Path, *, only_replaced: bool = False) -> Path:
    """A calculation chain, as Excel saves one: a formula in the Weighted score column
    (U2, which a review replaces by its value) and, unless `only_replaced`, formulas of the
    user's own on Partners (T2) and on Notes (D2), which stay."""
    partners = [dict(partner) for partner in SMALL_PARTNERS]
    partners[0]["Weighted score"] = Formula("=1+1", 2)
    if not only_replaced:
        partners[0][EXTRA] = Formula("=G2*12", 48)

    def fill(book: Any, sheet: Any) -> None:
        if not only_replaced:
            sheet.write_formula("D2", "=B2*12", None, 48)

    book_with(path, "Notes", fill, partners=partners, headers=CHAIN_HEADERS)
    entries = '<c r="U2" i="1" l="1"/>' + ("" if only_replaced else '<c r="T2"/><c r="D2" i="2"/>')
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/calcChain.xml": (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<calcChain xmlns="{MAIN}">{entries}</calcChain>'
                )
            },
            types={"xl/calcChain.xml": CALC_CHAIN_TYPE},
            rels={"xl/workbook.xml": [("rIdChain", f"{OFFICE_RELS}/calcChain", "calcChain.xml")]},
        ),
    )


#: A formula on Notes (D2) saved with a wrong result, which only a recalculation corrects.
DECOY = Formula("=2*21", 7)


def with_calc_settings(path: Path, settings: str) -> Path:
    """The small workbook with workbook.xml's calculation settings as given, and a formula on
    Notes saved with a wrong result."""
    book_with(path, "Notes", lambda b, s: s.write_formula("D2", DECOY.text, None, DECOY.cached))
    parts = parts_of(path)
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    assert re.search(r"<calcPr\b[^>]*/>", workbook)
    parts["xl/workbook.xml"] = re.sub(r"<calcPr\b[^>]*/>", settings, workbook).encode()
    return write_parts(path, parts)


#: History as an older partnersheet wrote it: two reviews of the small workbook's partners.
OLDER_HISTORY: tuple[tuple[object, ...], ...] = (
    ("2026-08-14", "Ann Patel", 80.0, 1, "Strong", "all 1"),
    ("2026-08-14", "Bea Ltd", 45.5, 2, "Improve", "all 1"),
    ("2026-10-02", "Ann Patel", 83.3, 1, "Strong", "all 1"),
    ("2026-10-02", "Bea Ltd", 50.0, 2, "Keep", "all 1"),
)


#: A column of the user's own in History: its header, and a note on two earlier rows.
NOTE_HEADER = "My note"
NOTES_IN_HISTORY = {2: "Met at the conference", 4: "Asked for a referral"}


def older_history(path: Path, columns: int, note_column: int) -> Path:
    """The small workbook with a History of the first `columns` of its six headers, and a
    column of the user's own (My note) at column `note_column`."""
    headers = ("Reviewed on", "Partner", "Weighted score", "Rank", "Band", "Weights")[:columns]
    rows = [[dt.date.fromisoformat(str(row[0])), *row[1:columns]] for row in OLDER_HISTORY]

    def fill(book: Any, sheet: Any) -> None:
        history = book.add_worksheet("History")
        write_rows(book, history, 1, [list(headers), *rows])
        history.write_string(0, note_column - 1, NOTE_HEADER)
        for row, note in NOTES_IN_HISTORY.items():
            history.write_string(row - 1, note_column - 1, note)

    return book_with(path, "Notes", fill)


def inline_strings(path: Path) -> Path:
    """The small workbook with its text in the cells (inline strings) and no shared strings
    part, as some programs write it."""
    book_with(path, "Notes")
    parts = parts_of(path)
    (strings_part,) = related(parts, "xl/workbook.xml", "sharedStrings")
    strings = shared_strings(parts)
    for sheet in sheet_entries(parts):

        def inline(found: re.Match[bytes]) -> bytes:
            text = strings[int(found.group(2))].replace("&", "&amp;").replace("<", "&lt;")
            return found.group(1) + b'"inlineStr"><is><t>' + text.encode() + b"</t></is></c>"

        parts[sheet.part] = re.sub(
            rb'(<c r="[A-Z]+\d+"(?: s="\d+")? t=)"s"><v>(\d+)</v></c>', inline, parts[sheet.part]
        )
        assert b't="s"' not in parts[sheet.part]
    del parts[strings_part]
    for name, pattern in [
        ("xl/_rels/workbook.xml.rels", rb"<Relationship [^>]*?/sharedStrings\"[^>]*/>"),
        ("[Content_Types].xml", rb'<Override PartName="/xl/sharedStrings.xml"[^>]*/>'),
    ]:
        parts[name], found = re.subn(pattern, b"", parts[name])
        assert found == 1, name
    return write_parts(path, parts)


def prefixed(path: Path) -> Path:
    """The small workbook with the spreadsheet namespace written with a prefix (x:) in the
    workbook, its sheets, styles and shared strings, as the Open XML SDK writes it."""
    book_with(path, "Notes")
    parts = parts_of(path)
    workbook = workbook_part(parts)
    names = [
        workbook,
        *(sheet.part for sheet in sheet_entries(parts)),
        *related(parts, workbook, "styles"),
        *related(parts, workbook, "sharedStrings"),
    ]
    for name in names:
        xml = parts[name].replace(f'xmlns="{MAIN}"'.encode(), f'xmlns:x="{MAIN}"'.encode())
        parts[name] = re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", xml)
    return write_parts(path, parts)


def without_references(path: Path) -> Path:
    """The small workbook with the rows and cells of Partners written without their
    references (r="..."), which the format allows: each row follows the one before, each
    cell the one before (the gaps filled with empty cells)."""
    book_with(path, "Notes")
    parts = parts_of(path)
    xml = parts[PARTNERS]
    table = SheetXml.of(xml)
    assert sorted(table.rows) == list(range(1, len(table.rows) + 1))
    rows = []
    for number in sorted(table.rows):
        cells = {c: cell for (r, c), cell in table.cells.items() if r == number}
        written = b"".join(
            re.sub(rb' r="[A-Z]+\d+"', b"", cells.get(c, b"<c/>"))
            for c in range(1, max(cells, default=0) + 1)
        )
        attributes = re.sub(rb'\br="\d+"\s*', b"", table.rows[number])
        rows.append(b"<row " + attributes + b">" + written + b"</row>")
    start = xml.index(b"<sheetData")
    data = b"<sheetData>" + b"".join(rows) + b"</sheetData>"
    parts[PARTNERS] = xml[:start] + data + table.tail
    assert b' r="' not in data
    return write_parts(path, parts)


def shared_formulas(path: Path) -> Path:
    """The small workbook with a column of the user's own on Partners (Extra, T2:T5) holding
    one formula shared by its four cells, as Excel saves a formula filled down."""

    def fill(book: Any, sheet: Any) -> None:
        for row, hours in ((2, 4), (3, 2), (4, 6), (5, 0)):
            sheet.write_formula(f"T{row}", f"=G{row}*12", None, hours * 12)

    book_with(path, "Partners", fill)
    parts = parts_of(path)
    xml = parts[PARTNERS]
    xml = xml.replace(b"<f>G2*12</f>", b'<f t="shared" ref="T2:T5" si="0">G2*12</f>')
    for row in (3, 4, 5):
        xml = xml.replace(f"<f>G{row}*12</f>".encode(), b'<f t="shared" si="0"/>')
    assert xml.count(b'si="0"') == 4
    parts[PARTNERS] = xml
    return write_parts(path, parts)


def dates_from_1904(path: Path) -> Path:
    """The small workbook counting its dates from 1904, as old Mac workbooks do."""
    book_with(path, "Notes")
    parts = parts_of(path)
    workbook = parts["xl/workbook.xml"]
    assert b"<workbookPr " in workbook
    parts["xl/workbook.xml"] = workbook.replace(b"<workbookPr ", b'<workbookPr date1904="1" ')
    return write_parts(path, parts)


#: A user sheet whose name needs quoting, and escaping in XML.
STATUS_SHEET = "Status & notes"


def status_elsewhere(path: Path) -> Path:
    """The small workbook with its status cell (the cell named PartnersheetStatus) on a user
    sheet of its own, beside text of the user's."""

    def fill(book: Any, sheet: Any) -> None:
        status = book.add_worksheet(STATUS_SHEET)
        status.write_string("A1", "Last review:")
        status.write_string("A2", "Keep this sheet.")
        book.define_name("PartnersheetStatus", f"='{STATUS_SHEET}'!$B$1")

    return book_with(path, "Notes", fill)


#: What Excel writes in workbook.xml besides the sheets: where the file was last saved, the
#: revision it is at, and extensions of the workbook's settings.
EXCEL_WORKBOOK_HEAD = (
    f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x15"><x15ac:absPath '
    'url="C:\\Users\\Sam\\Documents\\" xmlns:x15ac="http://schemas.microsoft.com/office/'
    'spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><xr:revisionPtr '
    'revIDLastSave="0" documentId="8_{6C2A5E4B-0000-4000-8000-000000000004}" '
    'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" '
    'xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
)
EXCEL_WORKBOOK_EXTENSIONS = (
    f'<ext uri="{{140A7094-0E35-4892-8432-C4D2E57EDEB5}}" xmlns:x15="{X15}"><x15:workbookPr '
    'chartTrackingRefBase="1"/></ext><ext uri="{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}" '
    'xmlns:xcalcf="http://schemas.microsoft.com/office/spreadsheetml/2018/calcfeatures">'
    '<xcalcf:calcFeatures><xcalcf:feature name="microsoft.com:RD"/><xcalcf:feature '
    'name="microsoft.com:FV"/></xcalcf:calcFeatures></ext>'
)
EXCEL_STYLES_EXTENSIONS = (
    f'<extLst><ext uri="{{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}}" xmlns:x14="{X14}">'
    '<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext><ext '
    f'uri="{{9260A510-F301-46a8-8635-F512D64BE5F5}}" xmlns:x15="{X15}"><x15:timelineStyles '
    'defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst>'
)
#: A printer's settings (a DEVMODE structure) as Excel keeps them: opaque bytes.
PRINTER_SETTINGS = b"Sam's printer\x00" + bytes(range(256)) * 2


def as_excel_saves(path: Path) -> Path:
    """The small workbook with what Excel writes around it: the file's last place and
    revision, workbook and style extensions, the revision ids of sheets and views, the
    printer settings of Partners and custom document properties."""
    book_with(path, "Notes")
    parts = parts_of(path)
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    workbook = workbook.replace(
        f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}">',
        f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}" xmlns:mc="{MC}" '
        'mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/'
        'spreadsheetml/2010/11/main" xmlns:xr="http://schemas.microsoft.com/office/'
        'spreadsheetml/2014/revision" xmlns:xr6="http://schemas.microsoft.com/office/'
        'spreadsheetml/2016/revision6" xmlns:xr10="http://schemas.microsoft.com/office/'
        'spreadsheetml/2016/revision10" xmlns:xr2="http://schemas.microsoft.com/office/'
        'spreadsheetml/2015/revision2">',
    )
    assert "xmlns:xr2" in workbook
    workbook = re.sub(
        r"(<workbookPr\b[^>]*/>)", r"\1" + EXCEL_WORKBOOK_HEAD.replace("\\", "\\\\"), workbook
    )
    workbook = re.sub(r"<calcPr\b[^>]*/>", '<calcPr calcId="191029"/>', workbook)
    workbook = workbook.replace(
        "<workbookView ", '<workbookView xr2:uid="{6C2A5E4B-0000-4000-8000-000000000005}" '
    )
    parts["xl/workbook.xml"] = with_extension(
        workbook, EXCEL_WORKBOOK_EXTENSIONS, "workbook", WORKBOOK_ORDER
    ).encode("utf-8")
    styles = parts["xl/styles.xml"].decode("utf-8")
    parts["xl/styles.xml"] = styles.replace(
        "</styleSheet>", EXCEL_STYLES_EXTENSIONS + "</styleSheet>"
    ).encode("utf-8")
    partners = (
        parts[PARTNERS]
        .decode("utf-8")
        .replace("<sheetView ", '<sheetView zoomScale="90" zoomScaleNormal="90" ')
    )
    parts[PARTNERS] = partners.encode("utf-8")
    write_parts(path, parts)
    custom = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
    return add_to_package(
        path,
        Additions(
            parts={
                "xl/printerSettings/printerSettings1.bin": PRINTER_SETTINGS,
                "docProps/custom.xml": (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
                    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
                    'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
                    'pid="2" name="Client"><vt:lpwstr>Sam</vt:lpwstr></property></Properties>'
                ),
            },
            types={"docProps/custom.xml": custom},
            defaults={
                "bin": "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"
            },
            rels={
                PARTNERS: [
                    (
                        "rIdPrinter1",
                        f"{OFFICE_RELS}/printerSettings",
                        "../printerSettings/printerSettings1.bin",
                    )
                ],
                "": [
                    (
                        "rIdCustom",
                        f"{OFFICE_RELS}/custom-properties",
                        "docProps/custom.xml",
                    )
                ],
            },
            elements={
                PARTNERS: [
                    (
                        "pageSetup",
                        '<pageSetup paperSize="9" orientation="landscape" r:id="rIdPrinter1"/>',
                    )
                ]
            },
        ),
    )


def empty_history(path: Path) -> Path:
    """The small workbook with a History sheet the user added, with nothing in it yet."""
    return book_with(path, "Notes", lambda b, s: b.add_worksheet("History"))


def users_review(path: Path) -> Path:
    """The small workbook with a Review sheet of the user's own: text, a picture and a
    comment on it, and a chart of Notes."""

    def fill(book: Any, sheet: Any) -> None:
        review = book.add_worksheet("Review")
        review.write_string("A1", "My own review")
        review.insert_image("C3", "logo.png", {"image_data": picture()})
        review.write_comment("A1", "Written by hand.", {"author": "Sam"})
        chart = book.add_chart({"type": "line"})
        chart.add_series({"values": "=Notes!$B$2:$B$5"})
        review.insert_chart("E3", chart)

    return book_with(path, "Notes", fill)
