"""Editing some cells of a worksheet's XML, leaving every other byte of it as it was.

Only the rows that hold a cell to change are taken apart; in them, only those cells are
written anew. Every other row, cell, attribute and element (column widths, panes, filters,
conditional formats, validations, hyperlinks, drawings, comments, extensions) is copied as
it stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ..core.model import CellValue
from ..errors import CannotWrite
from .cells import cell_xml
from .references import reference, split_range
from .sheet_xml import Row as SheetRow
from .sheet_xml import Table, cell_end, cell_starts, column_of, find_sheet_data
from .sheet_xml import rows as sheet_rows
from .strings import StringTable
from .styles import Look, StyleBook

_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b([^>]*?)/?>")
_S = re.compile(rb"""\ss\s*=\s*["']([0-9]*)["']""")
_REF = re.compile(rb"""\bref\s*=\s*["']([^"']*)["']""")
_DIMENSION = re.compile(rb"""(<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["'])([^"']*)(["'])""")
_COLS = re.compile(rb"<([\w.-]+:)?cols\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?cols\s*>)", re.S)
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b[^>]*?/?>")
_MIN_MAX = re.compile(rb"""\b(min|max)\s*=\s*["']([0-9]+)["']""")


class CellEdit(NamedTuple):
    """A cell's new value, and what of its look to set (None keeps its style as it is)."""

    value: CellValue
    look: Look | None = None


class RowEdits(Mapping[int, Mapping[int, CellEdit]]):
    """The edits of a sheet by row: rows made from a plan only when they are written (so that
    a large sheet's edits are never all held at once), and single cells added."""

    def __init__(
        self,
        planned: Iterable[int] = (),
        make: Callable[[int], dict[int, CellEdit]] = lambda row: {},
    ) -> None:
        self.planned = set(planned)
        self.make = make
        self.added: dict[int, dict[int, CellEdit]] = {}

    def add(self, row: int, column: int, edit: CellEdit) -> None:
        self.added.setdefault(row, {})[column] = edit

    def __getitem__(self, row: int) -> Mapping[int, CellEdit]:
        if row not in self.planned and row not in self.added:
            raise KeyError(row)
        cells = self.make(row) if row in self.planned else {}
        return {**cells, **self.added.get(row, {})}

    def __contains__(self, row: object) -> bool:
        return row in self.planned or row in self.added

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self.planned | self.added.keys()))

    def __len__(self) -> int:
        return len(self.planned | self.added.keys())


@dataclass
class SheetEdits:
    """The cells to write into one sheet, and the columns partnersheet adds to it."""

    title: str
    rows: RowEdits = field(default_factory=RowEdits)
    #: Every column an edit is in.
    columns: set[int] = field(default_factory=set)
    #: The width of each column partnersheet adds, when the sheet does not describe it yet.
    new_columns: dict[int, float] = field(default_factory=dict)

    def add(self, row: int, column: int, edit: CellEdit) -> None:
        self.rows.add(row, column, edit)
        self.columns.add(column)


@dataclass
class Edited:
    """What editing a sheet found: the cells whose formulas it replaced."""

    formulas_replaced: list[str] = field(default_factory=list)


def edit_sheet(
    xml: bytes,
    edits: SheetEdits,
    styles: StyleBook,
    strings: StringTable,
    edited: Edited,
    *,
    date1904: bool,
) -> Iterator[bytes]:
    """The sheet's XML with the edits made, a piece at a time; `edited` learns the cells
    whose formulas they replaced.

    Raises `CannotWrite` (before the first piece) when a formula spans cells partnersheet
    writes and cells it does not, which the edit would break.
    """
    found = find_sheet_data(xml)
    if found is None:
        raise CannotWrite(
            f"the sheet {edits.title} has no table of cells partnersheet can write into."
        )
    if b"<!--" in xml or b"<![CDATA[" in xml:
        raise CannotWrite(
            f"the sheet {edits.title} holds XML comments or character data sections, which "
            "partnersheet does not edit; open the workbook in Excel, save it, and review again."
        )
    _check_formula_ranges(xml, found, edits)
    return _pieces(
        xml, found, edits, _RowEditor(found.prefix, edits, styles, strings, edited, date1904)
    )


def _pieces(xml: bytes, found: Table, edits: SheetEdits, rows: _RowEditor) -> Iterator[bytes]:
    yield _with_columns(_with_dimension(xml[: found.start], edits), edits, found.prefix)
    if found.empty:
        yield xml[found.start : found.body_start][:-2].rstrip() + b">"
        yield from rows.rows(xml, found.body_start, found.body_end)
        yield f"</{found.prefix}sheetData>".encode()
    else:
        yield xml[found.start : found.body_start]
        yield from rows.rows(xml, found.body_start, found.body_end)
        yield xml[found.body_end : found.end]
    yield xml[found.end :]


class _RowEditor:
    """Goes through the rows of a sheet's table, writing the edited ones anew."""

    def __init__(
        self,
        prefix: str,
        edits: SheetEdits,
        styles: StyleBook,
        strings: StringTable,
        edited: Edited,
        date1904: bool,
    ) -> None:
        self.prefix = prefix
        self.edits = edits
        self.styles = styles
        self.strings = strings
        self.edited = edited
        self.date1904 = date1904

    def rows(self, xml: bytes, start: int, stop: int) -> Iterator[bytes]:
        """The table's rows, each as it was or edited, with the new rows in their places."""
        pending = list(self.edits.rows)
        waiting = 0  # pending[waiting] is the next edited row not yet written
        position = start
        for row in sheet_rows(xml, start, stop):
            yield xml[position : row.start]
            position = row.end
            while waiting < len(pending) and pending[waiting] < row.number:
                yield self._new_row(pending[waiting])
                waiting += 1
            if waiting < len(pending) and pending[waiting] == row.number:
                waiting += 1
                yield self._edited_row(row, xml)
            else:
                yield xml[row.start : row.end]
        yield xml[position:stop]
        for number in pending[waiting:]:
            yield self._new_row(number)

    def _cell(self, row: int, column: int, edit: CellEdit, style: int) -> bytes:
        if edit.look is not None:
            style = self.styles.xf(style, edit.look)
        text = cell_xml(
            self.prefix, row, column, edit.value, style, self.strings, date1904=self.date1904
        )
        return text.encode()

    def _new_row(self, row: int) -> bytes:
        edits = self.edits.rows[row]
        cells = b"".join(self._cell(row, column, edits[column], 0) for column in sorted(edits))
        if not cells:
            return b""
        p = self.prefix
        return f'<{p}row r="{row}">'.encode() + cells + f"</{p}row>".encode()

    def _edited_row(self, row: SheetRow, body: bytes) -> bytes:
        edits = self.edits.rows[row.number]
        kept, cells, rest = _cells_of(row.inner, row.number, min(edits))
        written = {column: text for column, _, text in cells}
        for column, start_tag, text in cells:
            edit = edits.get(column)
            if edit is None:
                continue
            if _FORMULA.search(text, len(start_tag)):
                self.edited.formulas_replaced.append(reference(row.number, column))
            found = _S.search(start_tag)
            style = int(found.group(1) or 0) if found else 0
            written[column] = self._cell(row.number, column, edit, style)
        for column, edit in edits.items():
            if column not in written:
                written[column] = self._cell(row.number, column, edit, 0)
        tag = row.start_tag(body)
        if tag.endswith(b"/>"):
            tag = tag[:-2].rstrip() + b">"
        cells_text = b"".join(written[column] for column in sorted(written))
        closing = f"</{self.prefix}row>".encode()
        return tag + kept + cells_text + rest + closing


def _cells_of(
    inner: bytes, row: int, first_edited: int
) -> tuple[bytes, list[tuple[int, bytes, bytes]], bytes]:
    """A row's content in three: the cells left of the first column edited, as they are;
    each cell from there on, in order, as (column, start tag, whole element); and what
    follows the last cell (an extension list, if any).

    Cells stand in the order of their columns, so only those from the right end back to
    the first edited column are looked at (a row's computed cells are mostly at its end).
    A row whose cells do not all name their place is looked at whole.
    """
    starts = cell_starts(inner)
    if not starts:
        return b"", [], inner.strip()
    found: list[tuple[int, int, int]] = []
    boundary = 0
    for start, tag_end in reversed(starts):
        column = column_of(inner[start:tag_end])
        if not column:
            return _all_cells_of(inner, starts, row)
        if column < first_edited:
            boundary = cell_end(inner, tag_end)
            break
        found.append((column, start, tag_end))
    found.reverse()
    cells = []
    end = boundary
    for column, start, tag_end in found:
        end = cell_end(inner, tag_end)
        cells.append((column, inner[start:tag_end], inner[start:end]))
    return inner[:boundary], cells, inner[end:].strip()


def _all_cells_of(
    inner: bytes, starts: list[tuple[int, int]], row: int
) -> tuple[bytes, list[tuple[int, bytes, bytes]], bytes]:
    """`_cells_of` for a row some of whose cells leave out their reference, each then being
    in the column after the cell before it. Such a cell is kept as it is: a cell written
    anew names its column, and one put in goes where the columns leave a gap, never just
    before a cell that leaves its reference out."""
    cells: list[tuple[int, bytes, bytes]] = []
    column = 0
    end = 0
    for start, tag_end in starts:
        end = cell_end(inner, tag_end)
        start_tag = inner[start:tag_end]
        column = column_of(start_tag) or column + 1
        cells.append((column, start_tag, inner[start:end]))
    return b"", cells, inner[end:].strip()


def _check_formula_ranges(xml: bytes, table: Table, edits: SheetEdits) -> None:
    """Refuse edits that would cut through a formula spanning several cells (a shared
    formula, an array or a dynamic array's spill): it must be wholly partnersheet's cells
    or wholly the user's."""
    if xml.find(b"ref=", table.body_start, table.body_end) < 0:
        return  # no formula in the table spans cells
    for found in _FORMULA.finditer(xml, table.body_start, table.body_end):
        ref = _REF.search(found.group(1))
        if ref is None:
            continue
        top, left, bottom, right = split_range(ref.group(1).decode())
        columns = [c for c in range(left, right + 1) if c in edits.columns]
        if not columns:
            continue
        ours = sum(
            1
            for row in range(top, bottom + 1)
            if row in edits.rows
            for column in columns
            if column in edits.rows[row]
        )
        if 0 < ours < (bottom - top + 1) * (right - left + 1):
            raise CannotWrite(
                f"{edits.title}!{ref.group(1).decode()}: a formula there spans cells "
                "partnersheet fills and cells of your own; clear it from the cells "
                "partnersheet fills (or move it) and review again. Nothing was written."
            )


def _with_dimension(head: bytes, edits: SheetEdits) -> bytes:
    """The sheet's stated used range, widened to take in the cells written."""
    found = _DIMENSION.search(head)
    if found is None or not edits.columns or not len(edits.rows):
        return head
    top, left, bottom, right = split_range(found.group(2).decode())
    last_row = max(edits.rows)
    last_column = max(edits.columns)
    if last_row <= bottom and last_column <= right:
        return head
    widened = f"{reference(top, left)}:{reference(max(bottom, last_row), max(right, last_column))}"
    return head[: found.start(2)] + widened.encode() + head[found.end(2) :]


def _col(prefix: str, column: int, width: float) -> bytes:
    bounds = f'min="{column}" max="{column}"'
    return f'<{prefix}col {bounds} width="{width:g}" customWidth="1"/>'.encode()


def _with_columns(head: bytes, edits: SheetEdits, prefix: str) -> bytes:
    """The sheet's column descriptions, with one for each new column none describes yet."""
    found = _COLS.search(head)
    described: list[tuple[int, int, bytes]] = []
    if found is not None:
        for col in _COL.finditer(found.group(2) or b""):
            bounds = dict(_MIN_MAX.findall(col.group(0)))
            low, high = int(bounds.get(b"min", 0)), int(bounds.get(b"max", 0))
            described.append((low, high, col.group(0)))
    added = [
        (column, column, _col(prefix, column, width))
        for column, width in sorted(edits.new_columns.items())
        if not any(low <= column <= high for low, high, _ in described)
    ]
    if not added:
        return head
    cols = b"".join(text for _, _, text in sorted(described + added, key=lambda c: c[:2]))
    if found is None:
        return head + f"<{prefix}cols>".encode() + cols + f"</{prefix}cols>".encode()
    tag = re.match(rb"<[^>]*?/?>", found.group(0))
    assert tag is not None
    opening = tag.group(0)[:-2].rstrip() + b">" if tag.group(0).endswith(b"/>") else tag.group(0)
    closing = f"</{prefix}cols>".encode()
    return head[: found.start()] + opening + cols + closing + head[found.end() :]
