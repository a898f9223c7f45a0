"""A worksheet's table of cells as XML text: where its rows and cells are.

The sheets partnersheet edits have been read (and so parsed as XML) before, and are refused
when they hold comments or character data sections; these searches then meet only elements,
attributes, text and character references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .references import column_number

_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row\b")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")


@dataclass(frozen=True)
class Table:
    """Where a worksheet's table of cells is in its XML."""

    #: The namespace prefix its elements are written with ("x:" or "").
    prefix: str
    #: The table's start tag, from `start` to `body_start`.
    start: int
    body_start: int
    #: Its content (the rows), from `body_start` to `body_end`; its end tag to `end`.
    body_end: int
    end: int
    #: Whether the table was written as an empty element (<sheetData/>).
    empty: bool


def find_sheet_data(xml: bytes) -> Table | None:
    found = _SHEET_DATA.search(xml)
    if found is None:
        return None
    prefix = (found.group(1) or b"").decode()
    if found.group(2):
        return Table(prefix, found.start(), found.end(), found.end(), found.end(), True)
    # The table is most of the part: its end is looked for from the part's end.
    last = xml.rfind(f"</{prefix}sheetData".encode(), found.end())
    closing = _SHEET_DATA_END.match(xml, last) if last >= 0 else None
    if closing is None:
        closing = _SHEET_DATA_END.search(xml, found.end())
    if closing is None:
        return None
    return Table(prefix, found.start(), found.end(), closing.start(), closing.end(), False)


@dataclass(frozen=True)
class Row:
    """One row of a table: its number, where it is, and where its content is."""

    number: int
    start: int
    #: Its start tag runs from `start` to `tag_end` (the ">" or "/>" included).
    tag_end: int
    end: int
    #: Its content (the cells), empty for a row written as an empty element.
    inner: bytes

    def start_tag(self, body: bytes) -> bytes:
        return body[self.start : self.tag_end]


def rows(xml: bytes, start: int, stop: int) -> Iterator[Row]:
    """The rows of a table, whose content runs from `start` to `stop` in the part, in order;
    a row that does not give its number follows the one before."""
    number = 0
    position = start
    while (found := _ROW_START.search(xml, position, stop)) is not None:
        tag_end = xml.index(b">", found.end()) + 1
        tag = xml[found.start() : tag_end]
        given = _R.search(tag)
        number = int(given.group(2)) if given and given.group(2) else number + 1
        if tag.endswith(b"/>"):
            yield Row(number, found.start(), tag_end, tag_end, b"")
            position = tag_end
            continue
        closing = _ROW_END.search(xml, tag_end, stop)
        end = closing.end() if closing else stop
        inner = xml[tag_end : closing.start() if closing else stop]
        yield Row(number, found.start(), tag_end, end, inner)
        position = end


def cell_end(inner: bytes, tag_end: int) -> int:
    """Where a cell ends, given where its start tag ends."""
    if inner[tag_end - 2 : tag_end] == b"/>":
        return tag_end
    found = _CELL_END.search(inner, tag_end)
    return found.end() if found else len(inner)


def cell_starts(inner: bytes) -> list[tuple[int, int]]:
    """Where each cell of a row's content starts, and where its start tag ends."""
    return [
        (found.start(), inner.index(b">", found.end() - 1) + 1)
        for found in _CELL_START.finditer(inner)
    ]


def column_of(tag: bytes) -> int:
    """The column a cell's start tag names; 0 when it names none."""
    given = _R.search(tag)
    return column_number(given.group(1).decode()) if given and given.group(1) else 0
