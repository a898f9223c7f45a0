"""Reading the sheets partnersheet needs from a workbook file, straight from their XML.

Only the parts it needs are parsed (the workbook, its relationships, the styles, the shared
strings and our own sheets), each as a stream; no other sheet is looked at, and nothing is
loaded whole. A formula cell is read by the result the spreadsheet saved with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from ..core.model import CellValue
from ..core.sheets import READ_SHEETS, Cell, SheetData, UncalculatedFormula, find_sheet
from ..errors import UnreadableWorkbook
from .opening import (
    DeclaresEntities,
    check_prolog,
    declarations_message,
    failure_message,
    identify,
    parse_xml,
    refuse_declarations,
)
from .package import Package, children, descendants, read_package
from .references import column_number, split_range
from .sheet_xml import find_sheet_data

#: Bytes of a part parsed at a time.
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class WorkbookFile:
    """What a review needs to know of a workbook file to write into it."""

    path: Path
    macro_enabled: bool
    package: Package
    #: The shared strings, as plain text.
    strings: tuple[str, ...]
    #: The places of those that are formatted (rich text) or carry phonetic guides.
    formatted: frozenset[int]

    @property
    def titles(self) -> tuple[str, ...]:
        """Every sheet's title, in the workbook's order."""
        return self.package.titles

    @property
    def other_kinds(self) -> dict[str, str]:
        """The kind of each sheet that is not a worksheet (a chart sheet, say), by title."""
        return {s.name: s.kind for s in self.package.sheets if s.kind != "worksheet"}


def read_workbook(path: Path) -> tuple[WorkbookFile, dict[str, SheetData]]:
    """The workbook's map, and the sheets partnersheet reads, by their titles; raise
    `UnreadableWorkbook` for a file it cannot read, naming the part that fails."""
    macro_enabled = identify(path)
    try:
        with zipfile.ZipFile(path) as archive:
            refuse_declarations(archive, path)
            with _reading(path, "the list of its sheets (xl/workbook.xml)"):
                package = read_package(archive)
            part = package.shared_strings_part
            with _reading(path, f"its table of shared texts ({part})"):
                strings, formatted = _shared_strings(archive, part)
            with _reading(path, f"its table of styles ({package.styles_part})"):
                kinds = _cell_kinds(archive, package.styles_part)
            looks = (strings, kinds)
            beside = _reader_beside(path, archive, package, looks)
            try:
                sheets = {
                    title: beside.sheet()
                    if beside and title == beside.title
                    else _sheet(path, archive, package, title, looks)
                    for title in _our_sheets(package.titles)
                }
            finally:
                if beside:
                    beside.close()
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableWorkbook(failure_message(path, "its zip directory", error)) from None
    book = WorkbookFile(path, macro_enabled, package, tuple(strings), frozenset(formatted))
    return book, sheets


def _sheet(
    path: Path,
    archive: zipfile.ZipFile,
    package: Package,
    title: str,
    looks: tuple[Sequence[str], Sequence[int]],
) -> SheetData:
    """One of the sheets partnersheet reads, as rows of values (`looks`: the workbook's
    shared texts and the kind of each cell style)."""
    entry = package.sheet(title)
    if entry.kind != "worksheet" or entry.part not in archive.namelist():
        return SheetData(title)
    with _reading(path, f"its sheet {title} ({entry.part})"):
        reader = _SheetReader(*looks, package.date1904)
        reader.read(archive.read(entry.part))
        return SheetData(title, reader.rows(), tuple(reader.merged))


#: A History part at least this large (its XML, unpacked) is read by a second process while
#: this one reads the other sheets. At 100,000 partners History (with two reviews in it) takes
#: about a third as long to read as Partners; below this size the time saved is small.
READ_BESIDE_FROM = 4 * 1024 * 1024


class _ReaderBeside:
    """History, read in a second process started as a copy of this one (so it has the
    workbook's shared texts and styles already), sent back when asked for."""

    def __init__(
        self,
        path: Path,
        package: Package,
        title: str,
        looks: tuple[Sequence[str], Sequence[int]],
    ) -> None:
        self.title = title
        self.read_here = (path, package, title, looks)
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_read_and_send, args=(sending, *self.read_here), daemon=True
        )
        self.process.start()
        sending.close()

    def sheet(self) -> SheetData:
        """The sheet as the other process read it; when it could not (it met a problem, or
        ended early), read here, where a problem is reported as it always is."""
        try:
            sheet = self.receiving.recv()
        except EOFError:
            sheet = None
        self.process.join()
        if isinstance(sheet, SheetData):
            return sheet
        return _sheet_of_file(*self.read_here)

    def close(self) -> None:
        """Let the other process go: stopped, if the sheet was never asked for (reading
        another sheet failed first)."""
        self.receiving.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _read_and_send(
    sending: Connection,
    path: Path,
    package: Package,
    title: str,
    looks: tuple[Sequence[str], Sequence[int]],
) -> None:
    """What the second process does: read one sheet, and send it (None when it cannot)."""
    try:
        sheet = _sheet_of_file(path, package, title, looks)
    except Exception:  # reported by the first process, which reads the sheet again
        sheet = None
    sending.send(sheet)
    sending.close()


def _sheet_of_file(
    path: Path, package: Package, title: str, looks: tuple[Sequence[str], Sequence[int]]
) -> SheetData:
    """One sheet, read from the file on its own (by the process beside, or again here)."""
    with zipfile.ZipFile(path) as archive:
        return _sheet(path, archive, package, title, looks)


def _reader_beside(
    path: Path,
    archive: zipfile.ZipFile,
    package: Package,
    looks: tuple[Sequence[str], Sequence[int]],
) -> _ReaderBeside | None:
    """A second process reading History, when History is large and the system can start
    one as a copy of this process; else None, and every sheet is read here."""
    title = find_sheet(package.titles, "History")
    if title is None or "fork" not in multiprocessing.get_all_start_methods():
        return None
    entry = package.sheet(title)
    if entry.kind != "worksheet" or entry.part not in archive.namelist():
        return None
    if archive.getinfo(entry.part).file_size < READ_BESIDE_FROM:
        return None
    return _ReaderBeside(path, package, title, looks)


@contextlib.contextmanager
def _reading(path: Path, what: str) -> Iterator[None]:
    """Turn a failure to read one part into a sentence that names it."""
    try:
        yield
    except DeclaresEntities:
        raise UnreadableWorkbook(declarations_message(path)) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ElementTree.ParseError,
        ValueError,
        IndexError,
        KeyError,
        StopIteration,
    ) as error:
        raise UnreadableWorkbook(failure_message(path, what, error)) from None


def _our_sheets(titles: Sequence[str]) -> list[str]:
    """The titles of the sheets partnersheet reads."""
    return [title for name in READ_SHEETS if (title := find_sheet(titles, name)) is not None]


def stream(source: IO[bytes]) -> Iterator[Element]:
    """The elements of an XML part as each ends, read a chunk at a time."""
    parser: Any = ElementTree.XMLPullParser(events=("end",))
    while chunk := source.read(_CHUNK):
        parser.feed(chunk)
        for _, element in parser.read_events():
            yield element
    parser.close()
    for _, element in parser.read_events():
        yield element


@dataclass(frozen=True)
class Tags:
    """The tags of a sheet's or a string table's elements, in the part's own namespace (the
    usual one or the strict one), to be compared whole."""

    row: str
    c: str
    v: str
    f: str
    inline: str
    t: str
    r: str
    si: str
    merge_cell: str

    @classmethod
    def of(cls, element: Element) -> Tags:
        """The tags of the part that `element` (any of its elements) is in."""
        tag = element.tag
        ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
        names = ("row", "c", "v", "f", "is", "t", "r", "si", "mergeCell")
        return cls(*(ns + name for name in names))


# --- strings --------------------------------------------------------------------------------

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Characters the format writes as _xHHHH_ (a carriage return is _x000D_)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def rich_text(element: Element, tags: Tags) -> str:
    """The text of a string item or inline string: its text, or its runs' text joined
    (phonetic guides left out)."""
    parts = []
    for child in element:
        if child.tag == tags.t:
            parts.append(child.text or "")
        elif child.tag == tags.r:
            parts.extend(t.text or "" for t in child.iter(tags.t))
    return _unescape("".join(parts))


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> tuple[list[str], set[int]]:
    """The shared strings as plain text, and the places of those that are more than that."""
    if part is None or part not in archive.namelist():
        return [], set()
    strings: list[str] = []
    formatted: set[int] = set()
    tags: Tags | None = None
    with archive.open(part) as source:
        check_prolog(source.read(64 * 1024))
    with archive.open(part) as source:
        for element in stream(source):
            tags = tags or Tags.of(element)
            if element.tag == tags.si:
                if any(child.tag != tags.t for child in element):
                    formatted.add(len(strings))
                strings.append(rich_text(element, tags))
                element.clear()
    return strings, formatted


# --- dates ----------------------------------------------------------------------------------


#: Number formats Excel builds in that show dates or times (27 to 36 and 50 to 58 are the
#: East Asian ones), and the one that shows elapsed time.
_BUILT_IN_DATES = frozenset((*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)))
_BUILT_IN_ELAPSED = frozenset((46,))

#: What a format shows but does not mean: quoted text, escaped and padding characters, and
#: bracketed colours and locales (elapsed-time brackets are kept).
_NOT_MEANING = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)
_ELAPSED = re.compile(r"\[[hms]+\]", re.IGNORECASE)
_DATE_PARTS = re.compile(r"[dmyhs]", re.IGNORECASE)


class CellKind:
    """How a number cell's style says to read it."""

    NUMBER = 0
    DATE = 1
    ELAPSED = 2


def format_kind(code: str) -> int:
    """Whether a number format shows a date or time, elapsed time, or a plain number."""
    first = _NOT_MEANING.sub("", code).split(";")[0]
    if _ELAPSED.search(first):
        return CellKind.ELAPSED
    if _DATE_PARTS.search(first):
        return CellKind.DATE
    return CellKind.NUMBER


def _cell_kinds(archive: zipfile.ZipFile, part: str | None) -> list[int]:
    """The `CellKind` of each cell style, by its index."""
    if part is None or part not in archive.namelist():
        return []
    styles = parse_xml(archive.read(part))
    codes = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in descendants(styles, "numFmt")
    }
    kinds = []
    for cell_xfs in descendants(styles, "cellXfs")[:1]:
        for xf in children(cell_xfs, "xf"):
            number = int(xf.get("numFmtId", "0"))
            if number in codes:
                kinds.append(format_kind(codes[number]))
            elif number in _BUILT_IN_ELAPSED:
                kinds.append(CellKind.ELAPSED)
            else:
                kinds.append(CellKind.DATE if number in _BUILT_IN_DATES else CellKind.NUMBER)
    return kinds


_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def from_serial(serial: float, *, date1904: bool, elapsed: bool) -> CellValue:
    """A date-formatted number as Python's date and time values.

    A whole or fractional day count from the workbook's epoch; a fraction of a day alone is
    a time of day; elapsed time is a duration. Times are rounded to the millisecond.
    """
    if elapsed:
        return dt.timedelta(milliseconds=round(serial * 86_400_000))
    days, fraction = divmod(serial, 1)
    time = dt.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= serial < 1 and time.days == 0:
        return (dt.datetime.min + time).time()
    if not date1904 and 0 < serial < 60:
        days += 1  # Excel's calendar has a 29 February 1900, which never was
    return (_EPOCH_1904 if date1904 else _EPOCH_1900) + dt.timedelta(days=days) + time


# --- a sheet's cells ------------------------------------------------------------------------

#: About how much of a sheet's table is parsed at a time (each piece ends with a whole row).
_PIECE = 1024 * 1024
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_ROOT = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_NAMESPACES = re.compile(rb"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_DIGITS = "0123456789"


def _outline(xml: bytes) -> Element:
    """The sheet's XML parsed without its table of cells: all but the cells, which shows the
    part is well-formed XML around them (the cells are parsed piece by piece)."""
    found = find_sheet_data(xml)
    if found is None:
        raise ValueError("it has no table of cells, as if cut short")
    return ElementTree.fromstring(xml[: found.body_start] + xml[found.body_end :])


def _pieces(xml: bytes) -> Iterator[Element]:
    """The sheet's table, parsed a piece of whole rows at a time: each piece an element whose
    children are rows. (Parsing each piece whole is twice as quick as taking the sheet's
    elements one by one as they are parsed; a piece keeps memory small.)"""
    found = find_sheet_data(xml)
    if found is None:
        return
    root = _ROOT.search(xml)
    declarations = b"".join(_NAMESPACES.findall(root.group(0))) if root else b""
    opening, closing = b"<table" + declarations + b">", b"</table>"
    position, end = found.body_start, found.body_end
    while position < end:
        cut = _ROW_END.search(xml, min(position + _PIECE, end), end)
        stop = cut.end() if cut else end
        yield ElementTree.fromstring(opening + xml[position:stop] + closing)
        position = stop


class _SheetReader:
    """One pass over a worksheet's XML, keeping the value of every cell that has one."""

    def __init__(self, strings: Sequence[str], kinds: Sequence[int], date1904: bool) -> None:
        self.strings = strings
        self.kinds = kinds
        self.date1904 = date1904
        #: Each row's values from column A on, as lists while the sheet is read.
        self.lines: dict[int, list[Cell]] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        #: The text of each shared formula, by its index, for the cells that share it.
        self.shared: dict[str, str] = {}
        self.row = 0

    def read(self, xml: bytes) -> None:
        check_prolog(xml)
        outline = _outline(xml)
        tags = Tags.of(outline)
        for piece in _pieces(xml):
            for row in piece:
                if row.tag == tags.row:
                    self._row(row, tags)
        self.merged = [split_range(merge.get("ref", "")) for merge in outline.iter(tags.merge_cell)]

    def rows(self) -> dict[int, tuple[Cell, ...]]:
        """Each row holding a value: its values from column A on, as the cells hold them (the
        cells a merge hides too: a merge over cells partnersheet reads is reported)."""
        return {
            number: tuple(line)
            for number, line in sorted(self.lines.items())
            if any(value is not None for value in line)
        }

    def _row(self, element: Element, tags: Tags) -> None:
        """The values of one row's cells. (The one loop every cell of a sheet goes through,
        so it keeps to a few plain steps.)"""
        self.row = number = int(element.get("r") or self.row + 1)
        line = self.lines.setdefault(number, [])
        column = 0
        c, v, f = tags.c, tags.v, tags.f
        for cell in element:
            if cell.tag != c:
                continue
            ref = cell.get("r")
            column = column_number(ref.rstrip(_DIGITS)) if ref else column + 1
            saved = formula = None
            for part in cell:  # the saved value and the formula, in one look at the cell
                if part.tag == v:
                    saved = part
                elif part.tag == f:
                    formula = part
            value = self._value(cell, tags, cell.get("t"), saved)
            if formula is not None:
                text = self._formula_text(formula)
                if value is None:
                    value = UncalculatedFormula(f"={text}")
            if value is None:
                continue
            if column == len(line) + 1:
                line.append(value)
            else:
                if column > len(line):
                    line.extend([None] * (column - len(line)))
                line[column - 1] = value

    def _value(self, cell: Element, tags: Tags, kind: str | None, saved: Element | None) -> Cell:
        """A cell's saved value, as its type (`kind`) and style say."""
        if kind == "inlineStr":
            inline = cell.find(tags.inline)
            return rich_text(inline, tags) if inline is not None else None
        if saved is None:
            return None
        text = saved.text
        if kind == "s":
            return self.strings[int(text)] if text is not None else None
        if kind in ("str", "e"):
            return text or ""
        if text is None:
            return None
        if kind == "b":
            return text.strip() not in ("0", "false", "")
        if kind == "d":
            return dt.datetime.fromisoformat(text.strip())
        number: float = float(text) if "." in text or "e" in text or "E" in text else int(text)
        style = cell.get("s")
        index = int(style) if style else 0
        cell_kind = self.kinds[index] if index < len(self.kinds) else CellKind.NUMBER
        if cell_kind == CellKind.NUMBER:
            return number
        try:
            return from_serial(
                number, date1904=self.date1904, elapsed=cell_kind == CellKind.ELAPSED
            )
        except (OverflowError, ValueError):
            return "#VALUE!"

    def _formula_text(self, formula: Element) -> str:
        """A formula's text; a cell that shares another's formula is given that one's."""
        text = formula.text or ""
        index = formula.get("si")
        if formula.get("t") == "shared" and index is not None:
            if text:
                self.shared[index] = text
            else:
                text = self.shared.get(index, "")
        return text
