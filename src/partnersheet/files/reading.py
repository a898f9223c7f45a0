"""Reading the sheets partnersheet needs from a workbook file, straight from their XML.

Only the parts it needs are parsed (the workbook, its relationships, the styles, the shared
strings and our own sheets), each as a stream; no other sheet is looked at, and nothing is
loaded whole. A formula cell is read by the result the spreadsheet saved with it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from ..core.model import CellValue
from ..core.sheets import READ_SHEETS, Cell, SheetData, UncalculatedFormula, find_sheet
from ..errors import UnreadableWorkbook
from .opening import failure_message, identify, parse_xml, refuse_declarations
from .package import Package, children, descendants, local, read_package

#: Bytes of a part parsed at a time.
_CHUNK = 1024 * 1024

#: (row, column) → the result saved with a formula, for the cells whose formulas were read.
FormulaCells = dict[tuple[int, int], CellValue]


@dataclass(frozen=True)
class WorkbookFile:
    """What a review needs from a workbook file."""

    path: Path
    macro_enabled: bool
    package: Package
    #: Every sheet's title, in the workbook's order.
    titles: tuple[str, ...]
    #: The sheets partnersheet reads, by their titles.
    sheets: dict[str, SheetData]
    #: By sheet title, the formula cells read and their saved results.
    formulas: dict[str, FormulaCells]


def read_workbook(path: Path) -> WorkbookFile:
    """Read the sheets partnersheet reads; raise `UnreadableWorkbook` for a file it cannot."""
    macro_enabled = identify(path)
    try:
        with zipfile.ZipFile(path) as archive:
            refuse_declarations(archive, path)
            package = read_package(archive)
            strings = _shared_strings(archive, package.shared_strings_part)
            styles = _cell_kinds(archive, package.styles_part)
            sheets: dict[str, SheetData] = {}
            formulas: dict[str, FormulaCells] = {}
            for title in _our_sheets(package.titles):
                entry = package.sheet(title)
                if entry.kind != "worksheet" or entry.part not in archive.namelist():
                    sheets[title] = SheetData(title)
                    continue
                reader = _SheetReader(strings, styles, package.date1904)
                with archive.open(entry.part) as source:
                    reader.read(source)
                sheets[title] = SheetData(title, reader.rows())
                formulas[title] = reader.formulas
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ElementTree.ParseError) as error:
        raise UnreadableWorkbook(failure_message(path, error)) from None
    except (ValueError, IndexError, KeyError, StopIteration) as error:
        raise UnreadableWorkbook(failure_message(path, error)) from None
    return WorkbookFile(path, macro_enabled, package, package.titles, sheets, formulas)


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


# --- strings --------------------------------------------------------------------------------

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Characters the format writes as _xHHHH_ (a carriage return is _x000D_)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def rich_text(element: Element) -> str:
    """The text of a string item or inline string: its text, or its runs' text joined
    (phonetic guides left out)."""
    parts = []
    for child in element:
        name = local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in children(child, "t"))
    return _unescape("".join(parts))


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in archive.namelist():
        return []
    strings = []
    with archive.open(part) as source:
        for element in stream(source):
            if local(element.tag) == "si":
                strings.append(rich_text(element))
                element.clear()
    return strings


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

_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def column_number(letters: str) -> int:
    """A → 1, AB → 28."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def split_reference(reference: str) -> tuple[int, int]:
    """ "B7" → (7, 2): the row and column numbers of a cell reference."""
    match = _REFERENCE.fullmatch(reference.strip())
    if match is None:
        raise ValueError(f"{reference!r} is not a cell reference")
    return int(match.group(2)), column_number(match.group(1))


def split_range(reference: str) -> tuple[int, int, int, int]:
    """ "B2:D9" → (2, 2, 9, 4): first row, first column, last row, last column."""
    first, _, last = reference.partition(":")
    top, left = split_reference(first)
    bottom, right = split_reference(last) if last else (top, left)
    return min(top, bottom), min(left, right), max(top, bottom), max(left, right)


class _SheetReader:
    """One pass over a worksheet's XML, keeping the value of every cell that has one."""

    def __init__(self, strings: Sequence[str], kinds: Sequence[int], date1904: bool) -> None:
        self.strings = strings
        self.kinds = kinds
        self.date1904 = date1904
        self.cells: dict[int, dict[int, Cell]] = {}
        self.formulas: FormulaCells = {}
        self.merged: list[tuple[int, int, int, int]] = []
        #: The text of each shared formula, by its index, for the cells that share it.
        self.shared: dict[str, str] = {}
        self.row = 0

    def read(self, source: IO[bytes]) -> None:
        for element in stream(source):
            name = local(element.tag)
            if name == "row":
                self._row(element)
                element.clear()
            elif name == "mergeCell":
                self.merged.append(split_range(element.get("ref", "")))

    def rows(self) -> dict[int, tuple[Cell, ...]]:
        """Each row holding a value: its values from column A on. The cells a merge covers,
        other than its first, read blank (as the spreadsheet shows them)."""
        for top, left, bottom, right in self.merged:
            for number, values in self.cells.items():
                if top <= number <= bottom:
                    for column in list(values):
                        if left <= column <= right and (number, column) != (top, left):
                            del values[column]
        rows = {}
        for number in sorted(self.cells):
            values = self.cells[number]
            if values:
                line: list[Cell] = [None] * max(values)
                for column, value in values.items():
                    line[column - 1] = value
                rows[number] = tuple(line)
        return rows

    def _row(self, element: Element) -> None:
        self.row = int(element.get("r", self.row + 1))
        column = 0
        for cell in element:
            if local(cell.tag) != "c":
                continue
            reference = cell.get("r")
            row, column = split_reference(reference) if reference else (self.row, column + 1)
            value = self._value(cell, row, column)
            if value is not None:
                self.cells.setdefault(row, {})[column] = value

    def _value(self, cell: Element, row: int, column: int) -> Cell:
        """The cell's value; a formula's saved result, or an `UncalculatedFormula`."""
        saved: Element | None = None
        inline: Element | None = None
        formula: Element | None = None
        for child in cell:
            name = local(child.tag)
            if name == "v":
                saved = child
            elif name == "is":
                inline = child
            elif name == "f":
                formula = child
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            value: CellValue = rich_text(inline) if inline is not None else None
        elif saved is None or (saved.text is None and kind != "str"):
            value = None
        else:
            value = self._typed(saved.text or "", kind, cell.get("s"))
        if formula is None:
            return value
        text = self._formula_text(formula)
        if value is None:
            return UncalculatedFormula(f"={text}")
        self.formulas[(row, column)] = value
        return value

    def _typed(self, text: str, kind: str, style: str | None) -> CellValue:
        if kind == "s":
            return self.strings[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return text.strip() not in ("0", "false", "")
        if kind == "d":
            return dt.datetime.fromisoformat(text.strip())
        number: float = float(text) if any(c in text for c in ".eE") else int(text)
        cell_kind = self.kinds[int(style)] if style and int(style) < len(self.kinds) else 0
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
