"""What a review writes into the Partners and History sheets, cell by cell, for any adapter
to apply as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import (
    COMPUTED_COLUMNS,
    DATE_FORMAT,
    HISTORY_HEADERS,
    CellValue,
    Column,
    HistoryRow,
    Inputs,
    PartnersLayout,
)
from .sheets import find_sheet

#: The number format of the computed columns that hold a score.
_SCORE_FORMAT = "0.0"


@dataclass(frozen=True)
class ComputedCells:
    """The Partners sheet's computed columns, cell by cell."""

    sheet: str
    header_row: int
    #: Column number and header of each computed column, in the contract's order.
    columns: tuple[tuple[int, Column], ...]
    #: Headers to write because the column was missing.
    new_headers: tuple[tuple[int, str], ...]
    #: Row number → the values for `columns`; rows that hold no partner get blanks.
    rows: tuple[tuple[int, tuple[CellValue, ...]], ...]

    @staticmethod
    def number_format(column: Column) -> str | None:
        if column in (Column.WEIGHTED_SCORE, Column.SCORE_PER_HOUR):
            return _SCORE_FORMAT
        if column is Column.NEXT_CONTACT:
            return DATE_FORMAT
        return None


@dataclass(frozen=True)
class HistoryPlan:
    """How the History sheet changes: earlier rows stay, today's are replaced or added."""

    #: The workbook's History sheet, or None to add one named "History".
    title: str | None
    header_row: int
    #: Column number of each of `HISTORY_HEADERS`.
    columns: tuple[int, ...]
    write_header: bool
    #: The first row written; rows above it are left alone.
    first_row: int
    rows: tuple[tuple[CellValue, ...], ...]
    #: Rows after the written ones, up to this one, are cleared (same-day rows replaced).
    clear_through: int

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1


#: The number format of History's Weighted score column.
HISTORY_SCORE_FORMAT = _SCORE_FORMAT
#: The width of each column of a History sheet partnersheet adds, by column number.
HISTORY_WIDTHS: Mapping[int, float] = {1: 12.0, 2: 24.0, 3: 15.0, 5: 10.0, 6: 90.0}


def computed_columns(layout: PartnersLayout) -> tuple[tuple[int, Column], ...]:
    """Where each computed column is on the Partners sheet: where its header is, or, for a
    column the sheet lacks, the next free column right of the headers."""
    columns: list[tuple[int, Column]] = []
    next_free = layout.next_free_column
    for column in COMPUTED_COLUMNS:
        number = layout.columns.get(column)
        if number is None:
            number = next_free
            next_free += 1
        columns.append((number, column))
    return tuple(columns)


def computed_cells(
    inputs: Inputs, values_of_row: Mapping[int, tuple[CellValue, ...]]
) -> ComputedCells:
    """The computed columns, given each partner's values in the order of COMPUTED_COLUMNS."""
    layout = inputs.layout
    columns = computed_columns(layout)
    new_headers = tuple(
        (number, column.label) for number, column in columns if column not in layout.columns
    )
    blank: tuple[CellValue, ...] = (None,) * len(columns)
    rows = tuple((row, values_of_row.get(row, blank)) for row in layout.rows)
    return ComputedCells(layout.title, layout.header_row, columns, new_headers, rows)


def history_plan(
    inputs: Inputs, reviewed_on: dt.date, new_rows: Sequence[tuple[CellValue, ...]]
) -> HistoryPlan:
    """History's rows: `new_rows`, today's, in place of any rows of the same day."""
    layout = inputs.history_layout
    if layout is None:
        # An empty History sheet is written into: adding another would give "History1".
        return HistoryPlan(
            title=find_sheet(inputs.sheet_titles, "History"),
            header_row=1,
            columns=tuple(range(1, len(HISTORY_HEADERS) + 1)),
            write_header=True,
            first_row=2,
            rows=tuple(new_rows),
            clear_through=0,
        )
    columns = list(layout.columns)
    # A header the sheet lacks goes in the first column right of History's own whose
    # header cell is empty: never over a column of the user's.
    next_free = max(columns) + 1
    for index, column in enumerate(columns):
        if column == 0:
            while next_free in layout.filled_headers:
                next_free += 1
            columns[index] = next_free
            next_free += 1
    # The review's rows go where their date belongs: they replace the same day's and come
    # before later days' (a review run for an earlier day), which move down after them.
    moved = [h for h in inputs.history if h.reviewed_on >= reviewed_on]
    if moved:
        first_row = min(h.row for h in moved)
        after = [h for h in inputs.history if h.row > first_row and h.reviewed_on != reviewed_on]
        earlier = tuple(history_values(h) for h in after if h.reviewed_on < reviewed_on)
        later = tuple(history_values(h) for h in after if h.reviewed_on > reviewed_on)
        first = next(h for h in inputs.history if h.row == first_row)
        if first.reviewed_on > reviewed_on:
            later = (history_values(first), *later)
    else:
        first_row = layout.last_row + 1
        earlier = later = ()
    return HistoryPlan(
        title=layout.title,
        header_row=layout.header_row,
        columns=tuple(columns),
        write_header=0 in layout.columns,
        first_row=first_row,
        rows=(*earlier, *new_rows, *later),
        clear_through=layout.last_row,
    )


def history_values(row: HistoryRow) -> tuple[CellValue, ...]:
    """A History row's values as a review writes them, in the order of HISTORY_HEADERS."""
    return (
        row.reviewed_on,
        row.partner,
        row.weighted_score,
        row.rank,
        row.band or None,
        row.weights or None,
    )
