"""The .xlsx/.xlsm file adapter: read a workbook into plain rows, write a review back.

The only module (with `template`) that knows openpyxl. It decides nothing about partners:
it reads cells for `inputs.read_inputs` and applies a `ReviewResult` exactly as planned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.packaging.relationship import RelationshipList, get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import HYPERLINK_TAG, MERGE_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import HyperlinkList
from openpyxl.worksheet.merge import MergeCells
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import iterparse as guarded_iterparse

from .errors import CannotWrite, UnreadableWorkbook
from .formula_results import FormulaResults, keep_formula_results
from .inputs import SHEET_NAMES, SheetData, UncalculatedFormula, find_sheet
from .model import HISTORY_HEADERS, STATUS_NAME, CellValue, collector_paused
from .review import ComputedCells, HistoryPlan, ReviewResult
from .review_sheet import LineKind, ReviewLayout
from .review_style import COMPUTED_FILL, FONT, SPREAD_KINDS, cell_style

#: Excel's limit on the characters in one cell.
CELL_TEXT_LIMIT = 32_767

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass
class LoadedBook:
    """A workbook loaded for review, and its sheets as plain rows."""

    path: Path
    workbook: Workbook
    sheets: dict[str, SheetData]
    titles: tuple[str, ...]
    macro_enabled: bool
    #: The saved results of the formulas in our input sheets, to write back on save.
    formula_results: FormulaResults


#: The most one part may unpack to. A 100,000-row sheet of 19 columns written by XlsxWriter
#: is 59 MB of XML; this leaves more than eight times that.
MAX_PART_BYTES = 500_000_000
#: The most all parts together may unpack to.
MAX_TOTAL_BYTES = 1_000_000_000


# --- zip bombs ------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"


def check_package(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip that no workbook could be, before anything in it is unpacked.

    Only the zip's directory is read: the sizes its parts declare (zipfile never returns
    more than a part's declared size, so a part cannot unpack to more than it declares),
    whether a part is encrypted, and how it is compressed (a workbook package may only be
    stored or deflated).
    """
    total = 0
    biggest: zipfile.ZipInfo | None = None
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook(
                f"{name} is a password-protected zip file, not an Excel workbook; give "
                "partnersheet the .xlsx or .xlsm file itself."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableWorkbook(
                f"{name} is a zip file compressed in a way Excel never uses, so it is not an "
                "Excel workbook; open the original in Excel and save it as an Excel Workbook "
                "(.xlsx)."
            )
        total += info.file_size
        if biggest is None or info.file_size > biggest.file_size:
            biggest = info
    if biggest is not None and biggest.file_size > MAX_PART_BYTES:
        raise UnreadableWorkbook(
            f"{name} is not opened: its part {biggest.filename} would unpack to "
            f"{_megabytes(biggest.file_size)}, more than the {_megabytes(MAX_PART_BYTES)} "
            "partnersheet allows for one part, so the file is damaged or made to exhaust "
            "memory; use a backup, or ask whoever sent it for a proper copy."
        )
    if total > MAX_TOTAL_BYTES:
        raise UnreadableWorkbook(
            f"{name} is not opened: its parts would unpack to {_megabytes(total)} together, "
            f"more than the {_megabytes(MAX_TOTAL_BYTES)} partnersheet allows, so the file is "
            "damaged or made to exhaust memory; use a backup, or ask whoever sent it for a "
            "proper copy."
        )


# --- opening ---------------------------------------------------------------------------


def identify(path: Path) -> bool:
    """Check the file is an .xlsx or .xlsm workbook; return whether it is macro-enabled.

    Raises `UnreadableWorkbook` with one plain sentence for anything else.
    """
    name = path.name
    if not path.exists():
        raise UnreadableWorkbook(f"{name}: there is no such file; check the name and folder.")
    if path.is_dir():
        raise UnreadableWorkbook(f"{name} is a folder, not a workbook; give the .xlsx file's name.")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableWorkbook(
            f"{name} cannot be read ({error.strerror or error}); check you have permission "
            "to open it."
        ) from None
    if not head:
        raise UnreadableWorkbook(f"{name} is empty (0 bytes); it is not a workbook.")
    if head == _OLE_MAGIC:
        if _is_encrypted(path):
            raise UnreadableWorkbook(
                f"{name} is protected with a password; open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, and clear it), save, "
                "and run partnersheet again."
            )
        raise UnreadableWorkbook(
            f"{name} is an old-style Excel 97-2003 workbook (.xls); open it in Excel or "
            "LibreOffice and save it as an Excel Workbook (.xlsx)."
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(
            f"{name} is not an Excel workbook, or it is damaged or cut short; open it in Excel "
            "to check, and save it as an Excel Workbook (.xlsx)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            # Sizes, passwords and compression first: nothing is unpacked before this.
            check_package(archive, name)
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as part:
                    mimetype = part.read(100)
            content_types = b""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(1_000_000)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise UnreadableWorkbook(
            f"{name} is damaged or cut short; open it in Excel to repair it, or use a backup."
        ) from None
    if b"opendocument" in mimetype:
        raise UnreadableWorkbook(
            f"{name} is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook "
            "(.xlsx) and run partnersheet on that."
        )
    if "xl/workbook.bin" in names:
        raise UnreadableWorkbook(
            f"{name} is an Excel Binary Workbook (.xlsb); save it as an Excel Workbook (.xlsx) "
            "or Excel Macro-Enabled Workbook (.xlsm)."
        )
    if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise UnreadableWorkbook(
            f"{name} is a zip file but not an Excel workbook; give partnersheet an .xlsx or "
            ".xlsm file."
        )
    # What makes a workbook macro-enabled is its content type, not its name.
    return b"macroenabled.main+xml" in content_types.lower()


def _is_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE file holding an "EncryptionInfo" stream. Its name sits in
    # a 128-byte directory entry, which small files keep near the start and large ones
    # anywhere: read the whole file a chunk at a time (memory stays small), and count the
    # name only where an entry starts, so that the same words in a cell of an .xls do not.
    wanted = _ENCRYPTION_STREAM + b"\x00\x00"
    size = 1024 * 1024  # a multiple of 128: entries start at the same offsets in every chunk
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            at = chunk.find(wanted)
            while at >= 0:
                if at % 128 == 0:
                    return True
                at = chunk.find(wanted, at + 1)
    return False


def open_workbook(path: Path, **options: bool) -> Workbook:
    """`openpyxl.load_workbook(path, **options)`, which also closes the file when it fails.

    (openpyxl leaves a workbook it could not read open until the next garbage collection;
    on Windows the file cannot be renamed or deleted until then.)
    """
    reader = ExcelReader(path, **options)
    try:
        reader.read()
    except BaseException:
        # A part being read when it failed would keep the file open past the zip's close.
        handle = reader.archive.fp
        reader.archive.close()
        if handle is not None:
            handle.close()
        raise
    workbook: Workbook = reader.wb
    return workbook


def load_book(path: Path) -> LoadedBook:
    """Load a workbook for review; raise `UnreadableWorkbook` when it cannot be read."""
    macro_enabled = identify(path)
    try:
        with warnings.catch_warnings(), collector_paused():
            # openpyxl warns about features it does not read (e.g. some extensions).
            warnings.simplefilter("ignore")
            workbook = open_workbook(path, keep_vba=macro_enabled, keep_links=True)
    except UnreadableWorkbook:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableWorkbook(_load_failure(path, error)) from None
    titles = tuple(workbook.sheetnames)
    wanted = [t for name in SHEET_NAMES if (t := find_sheet(titles, name)) is not None]
    sheets: dict[str, SheetData] = {}
    formulas: dict[str, set[tuple[int, int]]] = {}
    for title in wanted:
        if find_sheet([title], "Review"):
            continue
        sheets[title], found = _sheet_data(workbook[title])
        if found:
            formulas[title] = found
    results = _resolve_formulas(path, sheets, formulas) if formulas else {}
    return LoadedBook(path, workbook, sheets, titles, macro_enabled, results)


def declarations_message(path: Path) -> str:
    """The sentence for a workbook holding XML with entity or document-type declarations."""
    return (
        f"{path.name} contains XML with entity or document-type declarations, which "
        "partnersheet refuses for safety (they are how 'XML bomb' files attack programs); "
        "open it in Excel, save it as a new workbook, and use that."
    )


#: Where in an XML part a document-type declaration can be: before the root element.
_PROLOG_BYTES = 64 * 1024


def refuse_declarations(path: Path) -> None:
    """Refuse a workbook any of whose XML parts declares a document type or entities.

    A full load meets such a declaration wherever it is; a check that streams only the
    sheets it needs looks at the start of every other part, so that both refuse alike.
    """
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as part:
                start = part.read(_PROLOG_BYTES)
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise UnreadableWorkbook(declarations_message(path))


def _load_failure(path: Path, error: BaseException) -> str:
    """One sentence for a workbook openpyxl could not load."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return declarations_message(path)
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f" ({type(error).__name__}: {first_line})" if first_line else ""
    return (
        f"{path.name} could not be read as a workbook{detail}; open it in Excel and save it "
        "again, or use a backup."
    )


def _sheet_data(ws: Worksheet) -> tuple[SheetData, set[tuple[int, int]]]:
    """A sheet's values by row, from the cells it really has (never its whole used range)."""
    by_row: dict[int, dict[int, Any]] = {}
    formulas: set[tuple[int, int]] = set()
    for (row, column), cell in ws._cells.items():
        value = cell._value
        if value is None:
            continue
        if cell.data_type == "f":
            formulas.add((row, column))
        by_row.setdefault(row, {})[column] = value
    rows: dict[int, tuple[Any, ...]] = {}
    for row in sorted(by_row):
        cells = by_row[row]
        values = [None] * max(cells)
        for column, value in cells.items():
            values[column - 1] = value
        rows[row] = tuple(values)
    return SheetData(ws.title, rows), formulas


def _resolve_formulas(
    path: Path, sheets: dict[str, SheetData], formulas: dict[str, set[tuple[int, int]]]
) -> FormulaResults:
    """Replace formula cells by the results the spreadsheet saved with them.

    Returns those results, so that saving can put them back (openpyxl drops them).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = open_workbook(path, read_only=True, data_only=True, keep_links=False)
    results: FormulaResults = {}
    try:
        for title, cells in formulas.items():
            by_row: dict[int, list[int]] = {}
            for row_number, column in cells:
                by_row.setdefault(row_number, []).append(column)
            rows = {r: list(v) for r, v in sheets[title].rows.items()}
            found: dict[tuple[int, int], Any] = {}
            for row_number, values in enumerate(
                cached[title].iter_rows(
                    max_row=max(by_row), max_col=max(c for _, c in cells), values_only=True
                ),
                start=1,
            ):
                for column in by_row.get(row_number, ()):
                    value = values[column - 1] if column <= len(values) else None
                    formula = rows[row_number][column - 1]
                    if value is None:
                        rows[row_number][column - 1] = UncalculatedFormula(str(formula))
                    else:
                        rows[row_number][column - 1] = value
                        found[(row_number, column)] = value
            sheets[title] = SheetData(title, {r: tuple(v) for r, v in rows.items()})
            results[title] = found
    finally:
        cached.close()
    return results


# --- reading without loading ---------------------------------------------------------------


def read_book(path: Path) -> tuple[dict[str, SheetData], tuple[str, ...]]:
    """Read the sheets partnersheet reads, for a check: the workbook is not loaded.

    Gives exactly the `sheets` and `titles` of `load_book`: the same values, a formula read
    by the result saved with it (an `UncalculatedFormula` when it has none). Only our sheets
    are parsed, straight into values, which on a large workbook is several times faster
    than loading it. Raises `UnreadableWorkbook` as `load_book` does for a workbook that
    cannot be read at all; the parts of the file it does not need are not looked at.
    """
    identify(path)
    try:
        with warnings.catch_warnings(), collector_paused():
            warnings.simplefilter("ignore")
            read = _stream_book(path)
    except UnreadableWorkbook:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableWorkbook(_load_failure(path, error)) from None
    if read is None:
        # Something only a full load reads as it does (e.g. a hyperlink over a whole column).
        book = load_book(path)
        return book.sheets, book.titles
    return read


def _stream_book(path: Path) -> tuple[dict[str, SheetData], tuple[str, ...]] | None:
    """`read_book`'s work; None when the workbook needs a full load to be read the same."""
    workbook = open_workbook(path, read_only=True, keep_links=True)
    try:
        titles = tuple(workbook.sheetnames)
        if not _titles_load_unchanged(titles):
            return None
        sheets: dict[str, SheetData] = {}
        for title in _our_sheets(titles):
            ws = workbook[title]
            if not isinstance(ws, ReadOnlyWorksheet):
                return None
            reader = _SheetReader(workbook, ws._worksheet_path, ws._shared_strings)
            with workbook._archive.open(ws._worksheet_path) as source:
                reader.read(source)
            values = reader.values(workbook._archive)
            if values is None:
                return None
            formulas = {key for key, kind in reader.kinds.items() if kind == "f"}
            if formulas and reader.irregular:
                sheets[title] = _rows_of(title, values)
                _resolve_formulas(path, sheets, {title: formulas})
                continue
            for key in formulas:
                cached = reader.results.get(key)
                values[key] = UncalculatedFormula(str(values[key])) if cached is None else cached
            sheets[title] = _rows_of(title, values)
        return sheets, titles
    finally:
        workbook.close()


def _our_sheets(titles: tuple[str, ...]) -> list[str]:
    """The titles of the sheets partnersheet reads (the Review sheet is only written)."""
    wanted = [t for name in SHEET_NAMES if (t := find_sheet(titles, name)) is not None]
    return [title for title in wanted if not find_sheet([title], "Review")]


def _titles_load_unchanged(titles: tuple[str, ...]) -> bool:
    """Whether a full load keeps every sheet's title as it is (it renames or refuses some)."""
    folded = [title.lower() for title in titles]
    return len(set(folded)) == len(folded) and not any(
        INVALID_TITLE_REGEX.search(title) for title in titles
    )


def _rows_of(title: str, values: dict[tuple[int, int], Any]) -> SheetData:
    """SheetData from the values of a sheet's cells, as `_sheet_data` makes it."""
    by_row: dict[int, dict[int, Any]] = {}
    for (row, column), value in values.items():
        if value is not None:
            by_row.setdefault(row, {})[column] = value
    rows: dict[int, tuple[Any, ...]] = {}
    for row in sorted(by_row):
        cells = by_row[row]
        line = [None] * max(cells)
        for column, value in cells.items():
            line[column - 1] = value
        rows[row] = tuple(line)
    return SheetData(title, rows)


class _SheetReader(WorkSheetParser):  # type: ignore[misc]
    """One pass over a sheet's XML giving what both loads of the full path give.

    Each cell is parsed by openpyxl's own parser, as a full load parses it; a formula cell
    is parsed a second time as a load of saved results (data only) parses it. Merged cells
    and hyperlinks then change the values as a full load changes them.
    """

    col_counter: int
    data_only: bool

    def __init__(self, workbook: Workbook, sheet_path: str, shared_strings: Any) -> None:
        super().__init__(
            None,
            shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        self.sheet_path = sheet_path
        #: (row, column) → value, as a full load's cells hold them.
        self.cells: dict[tuple[int, int], Any] = {}
        #: (row, column) → openpyxl's data type of the cell ("f" for a formula).
        self.kinds: dict[tuple[int, int], str] = {}
        #: (row, column) → the saved result of a formula cell, as a data-only load reads it.
        self.results: dict[tuple[int, int], Any] = {}
        #: Whether rows come out of order, twice, or hold cells of other rows: a data-only
        #: load then pairs results and cells in its own way, which only it can repeat.
        self.irregular = False
        self._next_row = 1
        self._merges: list[str] = []
        self._links: Any = None

    def parse_cell(self, element: Any) -> dict[str, Any]:
        column_before = self.col_counter
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["data_type"] == "f":
            column_after = self.col_counter
            self.col_counter, self.data_only = column_before, True
            try:
                saved = super().parse_cell(element)
            finally:
                self.col_counter, self.data_only = column_after, False
            self.results[(cell["row"], cell["column"])] = saved["value"]
        return cell

    def read(self, source: Any) -> None:
        for element in _elements(source):
            tag = element.tag
            if tag == ROW_TAG:
                number, cells = self.parse_row(element)
                element.clear()
                if number < self._next_row:
                    self.irregular = True
                self._next_row = max(self._next_row, number + 1)
                for cell in cells:
                    key = (cell["row"], cell["column"])
                    if cell["row"] != number:
                        self.irregular = True
                    self.cells[key] = cell["value"]
                    self.kinds[key] = cell["data_type"]
            elif tag == MERGE_TAG:
                self._merges = [c.ref for c in MergeCells.from_tree(element).mergeCell]
                element.clear()
            elif tag == HYPERLINK_TAG:
                self._links = HyperlinkList.from_tree(element)
                element.clear()

    def values(self, archive: zipfile.ZipFile) -> dict[tuple[int, int], Any] | None:
        """The cells' values after merging and linking; None when only a full load can tell."""
        merged: dict[tuple[int, int], str] = {}
        for ref in self._merges:
            cells = CellRange(ref).cells
            next(cells)  # the first cell keeps its value
            for key in cells:
                self.cells[key] = None
                self.kinds[key] = "n"
                merged[key] = ref
        if self._links is not None and self._links.hyperlink and not self._link(archive, merged):
            return None
        return self.cells

    def _link(self, archive: zipfile.ZipFile, merged: dict[tuple[int, int], str]) -> bool:
        """Give blank linked cells the link's address, as a full load does."""
        rels = RelationshipList()
        rels_path = get_rels_path(self.sheet_path)
        if rels_path in archive.namelist():
            rels = get_dependents(archive, rels_path)
        ranges = [CellRange(ref) for ref in self._merges]
        for link in self._links.hyperlink:
            if link.id:
                link.target = rels.get(link.id).Target
            low_column, low_row, high_column, high_row = range_boundaries(link.ref)
            if None in (low_column, low_row, high_column, high_row):
                return False
            places = [
                (row, column)
                for row in range(low_row, high_row + 1)
                for column in range(low_column, high_column + 1)
            ]
            if ":" not in link.ref and places[0] in merged:
                holding = [r for r in ranges if places[0] in r]
                if len(holding) != 1:
                    return False
                places = [(holding[0].min_row, holding[0].min_col)]
            elif ":" in link.ref:
                places = [p for p in places if p not in merged]
            for key in places:
                if self.cells.get(key) is None:
                    text = link.target or link.location
                    probe = Cell(None)
                    probe.value = text
                    self.cells[key] = probe._value
                    self.kinds[key] = probe.data_type
        return True


#: The most of a part's start looked at for what comes before its first element.
_PROLOG_LIMIT = 64 * 1024


def _elements(source: Any) -> Iterator[Any]:
    """The elements of an XML part as they end, parsed safely and as fast as possible.

    A part with no document type declaration has no entities to refuse, so the C parser
    reads it; any other goes through the guarded parser a full load uses, which refuses it
    (or not) exactly as the load would.
    """
    head = source.read(_PROLOG_LIMIT)
    if not _plain_prolog(head):
        yield from (element for _, element in guarded_iterparse(_Rejoined(head, source)))
        return
    parser: Any = ElementTree.XMLPullParser(events=("end",))
    chunk = head
    while chunk:
        parser.feed(chunk)
        for _, element in parser.read_events():
            yield element
        chunk = source.read(1024 * 1024)
    parser.close()
    for _, element in parser.read_events():
        yield element


def _plain_prolog(head: bytes) -> bool:
    """Whether the XML starts with nothing but declarations, comments and white space."""
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(head) and head[position] in b" \t\r\n":
            position += 1
        if head.startswith(b"<?", position):
            closing = b"?>"
        elif head.startswith(b"<!--", position):
            closing = b"-->"
        else:
            following = head[position + 1 : position + 2]
            return head.startswith(b"<", position) and following.isalpha()
        end = head.find(closing, position)
        if end < 0:
            return False
        position = end + len(closing)


class _Rejoined:
    """A file whose first bytes were already read, read again from its start."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        head = self._head
        if not head:
            return bytes(self._rest.read(size))
        if size is None or size < 0:
            self._head = b""
            return head + bytes(self._rest.read())
        self._head = head[size:]
        return head[:size]


# --- writing ---------------------------------------------------------------------------

_COMPUTED_FILL = PatternFill("solid", fgColor=COMPUTED_FILL)


def put(cell: Cell, value: CellValue) -> None:
    """Write a value; text always stays text, never a formula, and fits in a cell."""
    # The common kinds of value are stored as openpyxl's `value` setter stores them, without
    # its checks where they cannot fail (printable text has no control character); anything
    # else goes through the setter itself.
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if len(text) > CELL_TEXT_LIMIT:
            text = text[: CELL_TEXT_LIMIT - 1] + "…"
        if text.isprintable():
            cell._value = text
        else:
            cell.value = text
        cell.data_type = "s"
        return
    if value is None or kind is int or kind is float:
        cell._value = value
        cell.data_type = "n"
        return
    if kind is bool:
        cell._value = value
        cell.data_type = "b"
        return
    if kind is dt.date:
        # The setter would give a plain date the format yyyy-mm-dd too (when it had no date
        # format), so only that one format is ever added to the workbook.
        cell._value = value
        cell.data_type = "d"
        _set_number_format(cell, "yyyy-mm-dd")
        return
    cell.value = value
    if isinstance(value, dt.date | dt.datetime):
        cell.number_format = "yyyy-mm-dd"


#: Where a cell's number format is kept in its style array (StyleArray.numFmtId).
_NUMBER_FORMAT_SLOT = 3
#: The id of a workbook's first number format of its own.
_FIRST_CUSTOM_FORMAT: int = BUILTIN_FORMATS_MAX_SIZE


def _number_format_id(workbook: Workbook, number_format: str) -> int:
    """The id openpyxl gives a number format, adding it to the workbook as its setter does."""
    builtin: int | None = BUILTIN_FORMATS_REVERSE.get(number_format)
    if builtin is not None:
        return builtin
    added: int = workbook._number_formats.add(number_format)
    return added + _FIRST_CUSTOM_FORMAT


def _set_number_format(cell: Cell, number_format: str) -> None:
    """`cell.number_format = number_format`, without the descriptor."""
    style = cell._style
    if style is None:
        style = cell._style = StyleArray()
    style[_NUMBER_FORMAT_SLOT] = _number_format_id(cell.parent.parent, number_format)


def apply_review(book: LoadedBook, result: ReviewResult) -> None:
    """Write the computed columns, the Review sheet and History into the loaded workbook."""
    with collector_paused():
        _apply_review(book, result)


def _apply_review(book: LoadedBook, result: ReviewResult) -> None:
    workbook = book.workbook
    active = workbook.active.title if workbook.active is not None else None
    _write_computed(workbook[result.computed.sheet], result.computed)
    _write_review(workbook, result.review_sheet, result.computed.sheet)
    _write_history(workbook, result.history)
    _write_status(workbook, result.status_text)
    keep = active if active in workbook.sheetnames else result.computed.sheet
    workbook.active = workbook.sheetnames.index(keep)
    # Exactly one selected tab: a replaced Review would otherwise lose its selection.
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = ws.title == keep


def _write_status(workbook: Workbook, text: str) -> None:
    """Say how the review went in the workbook's status cell, when it has one."""
    for name, definition in workbook.defined_names.items():
        if name.casefold() != STATUS_NAME.casefold():
            continue
        for title, address in definition.destinations:
            if title in workbook.sheetnames:
                put(workbook[title][address.replace("$", "").split(":")[0]], text)
        return


def _write_computed(ws: Worksheet, computed: ComputedCells) -> None:
    for column, header in computed.new_headers:
        cell = ws.cell(computed.header_row, column)
        put(cell, header)
        cell.font = Font(bold=True, italic=True)
        cell.fill = _COMPUTED_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if not _has_width(ws, column):
            ws.column_dimensions[cell.column_letter].width = 14
    formats = [ComputedCells.number_format(c) for _, c in computed.columns]
    numbers = [c for c, _ in computed.columns]
    cells = ws._cells
    for row, values in computed.rows:
        for column, number_format, value in zip(numbers, formats, values, strict=True):
            cell = cells.get((row, column))
            if cell is None:
                cell = _new_cell(ws, row, column)
            put(cell, value)
            if number_format and value is not None:
                _set_number_format(cell, number_format)


def _new_cell(ws: Worksheet, row: int, column: int) -> Cell:
    """A cell made as `ws.cell(row, column)` makes one, for a place that has none yet."""
    if not (0 < row < 1048577 and column >= 1):
        return ws.cell(row, column)  # which says what is wrong
    cell = Cell(ws, row=row, column=column)
    ws._cells[(row, column)] = cell
    if row > ws._current_row:
        ws._current_row = row
    return cell


def _has_width(ws: Worksheet, column: int) -> bool:
    """Whether the sheet already describes this column (width or style), alone or in a range.

    A second entry for a column inside a range such as A:Z would overlap it: Excel repairs that.
    """
    return any((d.min or 0) <= column <= (d.max or 0) for d in ws.column_dimensions.values())


def _write_review(workbook: Workbook, layout: ReviewLayout, partners_title: str) -> None:
    existing = find_sheet(workbook.sheetnames, "Review")
    # A macro-enabled workbook's Review carries a Recalculate button (a legacy drawing) and
    # the code name its VBA module goes by: the new Review keeps both.
    legacy_drawing: str | None = None
    code_name: str | None = None
    if existing is not None:
        index = workbook.sheetnames.index(existing)
        old = workbook[existing]
        legacy_drawing = old.legacy_drawing
        code_name = old.sheet_properties.codeName
        workbook.remove(old)
        # Its cells and the sheet refer to each other: let them go now, not at the next
        # garbage collection, so the old Review and the new are not both kept.
        old._cells.clear()
    else:
        index = workbook.sheetnames.index(partners_title) + 1
    ws = workbook.create_sheet("Review", index)
    ws.legacy_drawing = legacy_drawing
    ws.sheet_properties.codeName = code_name
    for number, width in enumerate(layout.column_widths, start=1):
        ws.column_dimensions[get_column_letter(number)].width = width
    last = layout.last_column
    # Styling a cell through openpyxl's descriptors is slow; the first cell of each kind,
    # column and number format is styled so, and the others get a copy of its style.
    styles: dict[LineKind, dict[tuple[int, str | None], StyleArray | None]] = {}
    cells = ws._cells
    for line in layout.lines:
        kind, row, values, formats = line.kind, line.row, line.cells, line.formats
        width = last if kind in SPREAD_KINDS else len(values)
        styled = styles.setdefault(kind, {})
        for column in range(1, width + 1):
            value = values[column - 1] if column <= len(values) else None
            number_format = formats[column - 1] if column <= len(formats) else None
            cell = cells.get((row, column))
            if cell is None:
                cell = _new_cell(ws, row, column)
            if value is not None and value != "":
                put(cell, value)
            key = (column, number_format)
            if key in styled:
                style = styled[key]
                cell._style = None if style is None else StyleArray(style)
            else:
                _style_cell(cell, kind, column)
                if number_format:
                    cell.number_format = number_format
                styled[key] = copy(cell._style)
        if line.merge_from is not None:
            ws.merge_cells(
                start_row=line.row, start_column=line.merge_from, end_row=line.row, end_column=last
            )
        if line.height is not None:
            ws.row_dimensions[line.row].height = line.height
    if layout.chart is not None:
        spec = layout.chart
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = spec.title
        chart.legend = None
        chart.width, chart.height = spec.width_cm, spec.height_cm
        values = Reference(
            ws, min_col=spec.value_column, min_row=spec.first_row, max_row=spec.last_row
        )
        categories = Reference(
            ws, min_col=spec.category_column, min_row=spec.first_row, max_row=spec.last_row
        )
        chart.add_data(values, titles_from_data=False)
        chart.set_categories(categories)
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.y_axis.majorGridlines = None
        chart.y_axis.number_format = "0"
        chart.y_axis.majorUnit = 10
        # With rank 1 on top the value axis would sit at the top; keep it at the bottom.
        chart.y_axis.crosses = "max"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.dataLabels.showCatName = False
        chart.dataLabels.showSerName = False
        chart.dataLabels.showLegendKey = False
        chart.gapWidth = 60
        ws.add_chart(chart, f"A{spec.anchor_row}")
    for row in layout.page_breaks:
        ws.row_breaks.append(Break(id=row - 1))
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _style_cell(cell: Cell, kind: LineKind, column: int) -> None:
    """Style one cell of a Review line as `review_style` says, as the Excel adapter does."""
    look = cell_style(kind, column)
    if look.bold or look.italic or look.size or look.colour:
        font: dict[str, Any] = {"name": FONT}
        if look.size:
            font["size"] = look.size
        if look.bold:
            font["bold"] = True
        if look.italic:
            font["italic"] = True
        if look.colour:
            font["color"] = look.colour
        cell.font = Font(**font)
    if look.fill:
        cell.fill = PatternFill("solid", fgColor=look.fill)
    if look.wrap or look.horizontal or look.vertical:
        cell.alignment = Alignment(
            wrap_text=look.wrap or None, vertical=look.vertical, horizontal=look.horizontal
        )
    if look.rule is not None:
        rule, colour = look.rule
        cell.border = Border(bottom=Side(style=rule.value, color=colour))


def _write_history(workbook: Workbook, plan: HistoryPlan) -> None:
    if plan.title is None:
        ws = workbook.create_sheet("History")
        ws.column_dimensions["A"].width = 12
        ws.column_dimensions["B"].width = 24
        ws.column_dimensions["C"].width = 15
        ws.column_dimensions["E"].width = 10
        ws.column_dimensions["F"].width = 90
        ws.freeze_panes = "A2"
    else:
        ws = workbook[plan.title]
    if plan.write_header:
        for column, header in zip(plan.columns, HISTORY_HEADERS, strict=True):
            cell = ws.cell(plan.header_row, column)
            put(cell, header)
            cell.font = Font(bold=True)
    cells = ws._cells
    score_column = plan.columns[2]
    for row, values in enumerate(plan.rows, start=plan.first_row):
        for column, value in zip(plan.columns, values, strict=True):
            cell = cells.get((row, column))
            if cell is None:
                cell = _new_cell(ws, row, column)
            put(cell, value)
            if column == score_column and value is not None:
                _set_number_format(cell, "0.0")
    for row in range(plan.last_row + 1, plan.clear_through + 1):
        for column in plan.columns:
            if (row, column) in ws._cells:
                ws.cell(row, column).value = None


# --- saving ----------------------------------------------------------------------------


#: A temporary file of ours this old (seconds) was left by a review that was killed.
STALE_TEMPORARY = 15 * 60


def _temporary_prefix(target: Path) -> str:
    # The workbook's name is in the temporary's, so a later review can tell its own leftovers.
    return f".~partnersheet-{target.stem[:80]}-"


def _remove_stale_temporaries(target: Path) -> None:
    """Delete this workbook's temporaries that a killed review left behind."""
    now = time.time()
    try:
        # Names compared as the system compares them (without case on Windows), as glob would.
        prefix = os.path.normcase(_temporary_prefix(target))
        leftovers = [
            item
            for item in target.parent.iterdir()
            if os.path.normcase(item.name).startswith(prefix)
        ]
    except OSError:
        return
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_TEMPORARY:
                leftover.unlink()


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    _remove_stale_temporaries(target)
    handle, name = tempfile.mkstemp(
        prefix=_temporary_prefix(target), suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def save_book(
    workbook: Workbook,
    target: Path,
    *,
    like: Path | None = None,
    formula_results: FormulaResults | None = None,
) -> None:
    """Save to a new file beside `target`, then replace it, so a failed save harms nothing.

    `like` is the file whose permissions the result keeps (the original workbook);
    `formula_results` are saved formula results to keep with their formulas.
    """
    if target.is_symlink():
        # Replace the workbook the link points to; replacing the link would leave it as it was.
        target = target.resolve()
    if not target.parent.exists():
        raise CannotWrite(
            f"the folder {target.parent} does not exist; create it or choose another."
        )
    try:
        with _temporary_beside(target) as temporary:
            with collector_paused():
                workbook.save(temporary)
            if formula_results:
                parts = {
                    workbook[title].path.lstrip("/"): cells
                    for title, cells in formula_results.items()
                    if title in workbook.sheetnames and cells
                }
                if parts:  # otherwise the whole file would be rewritten for nothing
                    keep_formula_results(temporary, parts)
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            source = like if like is not None and like.exists() else target
            if source.exists():
                shutil.copymode(source, temporary)
            else:
                os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, target)
    except PermissionError as error:
        raise CannotWrite(
            f"{target.name} could not be written ({error.strerror or error}); check you may "
            "write to that folder and that the file is not open elsewhere. Nothing was changed."
        ) from None
    except OSError as error:
        raise CannotWrite(
            f"{target.name} could not be written ({error.strerror or error}). Nothing was changed."
        ) from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
