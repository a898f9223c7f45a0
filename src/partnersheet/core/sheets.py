"""Sheets as plain rows of values, and reading their cells: found by header, converted,
every problem recorded with its cell.

Adapters (the file reader, the live Excel book) hand over `SheetData`. Nothing here knows
about a spreadsheet library.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from ..errors import Problem
from .model import CellValue, format_number, join_and, normalise_name, tidy_text

#: How far down a sheet its header row is looked for.
HEADER_SEARCH_ROWS = 10

SHEET_NAMES = ("Partners", "Weights", "Settings", "Competitors", "Review", "History")

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

#: The sheets partnersheet reads (the Review sheet is only written).
READ_SHEETS = tuple(name for name in SHEET_NAMES if name != "Review")


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell with no saved result (the file was never calculated by a spreadsheet)."""

    formula: str


#: What a cell holds as an adapter hands it over.
Cell = CellValue | UncalculatedFormula


@dataclass(frozen=True)
class SheetData:
    """The values of one sheet: row number → the row's values from column A onwards.

    Only rows holding something need be present; rows may be of different lengths.
    """

    title: str
    rows: Mapping[int, Sequence[Cell]] = field(default_factory=dict)
    #: Each range of merged cells: (first row, first column, last row, last column).
    merged: tuple[tuple[int, int, int, int], ...] = ()


def find_sheet(titles: Iterable[str], name: str) -> str | None:
    """The workbook's title for one of our sheets: case-insensitive, surrounding spaces ignored."""
    wanted = name.casefold()
    for title in titles:
        if title.strip().casefold() == wanted:
            return title
    return None


def column_letter(column: int) -> str:
    """1 → A, 28 → AB."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quoted_title(title: str) -> str:
    """A sheet's title as a reference to its cells writes it: 'Review', 'Bea''s'."""
    return "'" + title.replace("'", "''") + "'"


# --- converting one value -------------------------------------------------------------------


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: What a number in a cell can be (a bool is an int, so it is looked for first).
_NUMBERS = (int, float)


def shown(value: object) -> str:
    """A cell's value as quoted in a message."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, UncalculatedFormula):
        return f"the formula {value.formula}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        return format_number(value)
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value.isoformat()[:10]}"
    return f'"{value}"'


class Unfit(Exception):
    """A cell's value does not fit its column."""


def as_text(value: object) -> str:
    if isinstance(value, str):
        return tidy_text(value)
    if isinstance(value, UncalculatedFormula):
        raise Unfit
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return tidy_text(str(value))


_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")


def as_number(value: object) -> float:
    if isinstance(value, bool):
        raise Unfit
    if isinstance(value, _NUMBERS):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        # "1,250" is a thousands separator; "2,5" (a decimal comma) is not guessed at.
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise Unfit from None
    else:
        raise Unfit
    if not math.isfinite(number):
        raise Unfit
    return number


def as_whole(value: object) -> int:
    number = as_number(value)
    if not number.is_integer():
        raise Unfit
    return int(number)


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            raise Unfit from None
    raise Unfit


def as_choice(value: object, choices: type[E]) -> E:
    """The choice whose value the text names, case and spaces aside."""
    if not isinstance(value, str):
        raise Unfit
    wanted = normalise_name(value)
    for choice in choices:
        if normalise_name(str(choice.value)) == wanted:
            return choice
    raise Unfit


def split_names(text: str) -> tuple[str, ...]:
    """Names separated by `,` or `;`, each tidied; blank ones left out."""
    return tuple(tidy_text(n) for n in text.replace(";", ",").split(",") if n.strip())


def anything(_: object) -> bool:
    return True


def not_negative(number: float) -> bool:
    return number >= 0


RECALCULATE = (
    "open the workbook in Excel or LibreOffice and save it, so the formula's result is "
    "saved, or type the value instead"
)


# --- reading a row --------------------------------------------------------------------------


class Row:
    """One row of a sheet, reading cells by column number and recording problems."""

    def __init__(
        self, title: str, row: int, values: Sequence[Cell], problems: list[Problem]
    ) -> None:
        self.title = title
        self.row = row
        self.values = values
        self.problems = problems

    def raw(self, column: int | None) -> Cell:
        values = self.values
        return values[column - 1] if column and column <= len(values) else None

    def cell(self, column: int) -> str:
        return f"{column_letter(column)}{self.row}"

    def problem(self, column: int | None, message: str) -> None:
        where = self.cell(column) if column else str(self.row)
        self.problems.append(Problem(self.title, where, message))

    def is_blank(self, columns: Iterable[int]) -> bool:
        """Whether the cells of these columns are all blank."""
        return all(is_blank(self.raw(column)) for column in columns)

    def read(
        self,
        column: int | None,
        convert: Callable[[object], T],
        what: str,
        advice: str,
        check: Callable[[T], bool] = anything,
    ) -> T | None:
        """The converted value, None when blank; a problem when it does not fit."""
        values = self.values
        value = values[column - 1] if column and column <= len(values) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            converted = convert(value)
        except Unfit:
            converted = None
        if converted is None or not check(converted):
            self.problem(column, f"{what} is {shown(value)}; {advice}")
            return None
        return converted

    def text(self, column: int | None) -> str:
        value = self.raw(column)
        if is_blank(value):
            return ""
        try:
            return as_text(value)
        except Unfit:
            self.problem(column, f"{shown(value)} has no saved result; {RECALCULATE}")
            return ""


# --- finding a table ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderRow:
    """A table's header row: where it is and the column of each header text."""

    row: int
    #: Each normalised header text → its first column (1 = A).
    columns: Mapping[str, int]
    #: The column after the last filled header cell.
    next_free: int


def find_header_row(data: SheetData, wanted: str) -> HeaderRow | None:
    """The first row among the first ten with a cell reading `wanted`."""
    target = normalise_name(wanted)
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        values = data.rows.get(row, ())
        texts = [normalise_name(v) if isinstance(v, str) else "" for v in values]
        if target not in texts:
            continue
        columns: dict[str, int] = {}
        last = 0
        for number, (value, text) in enumerate(zip(values, texts, strict=True), start=1):
            if not is_blank(value):
                last = number
            if text:
                columns.setdefault(text, number)
        return HeaderRow(row, columns, last + 1)
    return None


def duplicate_headers(data: SheetData, row: int, known: Iterable[str]) -> list[Problem]:
    """A problem for each known header that is in the header row twice."""
    wanted = {normalise_name(k) for k in known}
    seen: dict[str, int] = {}
    problems = []
    for number, value in enumerate(data.rows.get(row, ()), start=1):
        if not isinstance(value, str) or normalise_name(value) not in wanted:
            continue
        text = normalise_name(value)
        if text not in seen:
            seen[text] = number
            continue
        problems.append(
            Problem(
                data.title,
                f"{column_letter(number)}{row}",
                f'the header "{tidy_text(value)}" is also in column '
                f"{column_letter(seen[text])}; keep one of the two columns or rename the other",
            )
        )
    return problems


def merged_problems(
    data: SheetData, header_row: int, columns: Mapping[int, str], row_noun: str
) -> list[Problem]:
    """A problem for each range of merged cells over the header row or the rows below it,
    in the columns partnersheet reads or writes (`columns`: each one's header). A merged
    title above the header row is no problem, nor are merged cells in your own columns.

    (A merge hides the values of all its cells but the first, which the spreadsheet still
    keeps: they would be read as blanks where the sheet shows one value.)
    """
    problems = []
    for top, left, bottom, right in data.merged:
        covered = [header for column, header in sorted(columns.items()) if left <= column <= right]
        if bottom < header_row or not covered:
            continue
        where = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
        # "each competitor has its own Competitor" says nothing: a name column is per row.
        noun = "row" if row_noun in map(normalise_name, covered) else row_noun
        if top <= header_row and (bottom == header_row or left != right):
            message = (
                "merged cells in the header row; unmerge them so each column has its own "
                f"header ({join_and(covered)})"
            )
        else:
            place = " from the header row down" if top <= header_row else ""
            message = (
                f"merged cells{place}; unmerge them so each {noun} has its own {join_and(covered)}"
            )
        problems.append(Problem(data.title, where, message))
    return problems


def rows_below(data: SheetData, header_row: int) -> list[int]:
    return sorted(r for r in data.rows if r > header_row)


def is_empty(data: SheetData) -> bool:
    return all(is_blank(v) for values in data.rows.values() for v in values)


def find_table(
    data: SheetData,
    first: str,
    needed: Sequence[str],
    problems: list[Problem],
    *,
    optional: Sequence[str] = (),
    row_noun: str = "row",
) -> HeaderRow | None:
    """Find a small table's header row and check it has the columns needed, each once and
    none merged with another (`optional` are the other columns it reads; `row_noun` what
    each of its rows is, for the messages)."""
    found = find_header_row(data, first)
    if found is None:
        problems.append(
            Problem(
                data.title,
                "A1",
                f'no header row with a "{first}" column in the first 10 rows; type the '
                f"headers {join_and([first, *needed])} in one row, or delete the sheet "
                "to use the defaults",
            )
        )
        return None
    missing = [n for n in needed if normalise_name(n) not in found.columns]
    if missing:
        problems.append(
            Problem(
                data.title,
                f"{column_letter(found.next_free)}{found.row}",
                f'the header row has no {join_and(missing)} column; add it next to "{first}"',
            )
        )
        return None
    problems.extend(duplicate_headers(data, found.row, [first, *needed]))
    read = {
        found.columns[normalise_name(h)]: h
        for h in (first, *needed, *optional)
        if normalise_name(h) in found.columns
    }
    problems.extend(merged_problems(data, found.row, read, row_noun))
    return found
