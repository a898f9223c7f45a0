"""Read plain rows of cells into checked `Inputs`, collecting every problem with its cell.

Adapters (the openpyxl file, the live Excel book) hand over `SheetData`: the values of a
sheet's rows. Nothing here knows about a spreadsheet library.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat, zip_longest
from operator import itemgetter, le
from typing import Any, TypeVar

from .errors import Problem, WorkbookProblems
from .model import (
    HISTORY_HEADERS,
    INPUT_COLUMNS,
    REQUIRED_COLUMNS,
    Agreement,
    CellValue,
    Column,
    Competitor,
    HistoryLayout,
    HistoryRow,
    Ingredient,
    IngredientWeight,
    Inputs,
    MissingScores,
    Partner,
    PartnersLayout,
    Setting,
    Settings,
    Weights,
    all_tidy,
    built,
    built_all,
    collector_paused,
    format_number,
    join_and,
    normalise_name,
    tidy_text,
)

#: How far down a sheet its header row is looked for.
HEADER_SEARCH_ROWS = 10

SHEET_NAMES = ("Partners", "Weights", "Settings", "Competitors", "Review", "History")


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell with no saved result (the file was never calculated by a spreadsheet)."""

    formula: str


@dataclass(frozen=True)
class SheetData:
    """The values of one sheet: row number → the row's values from column A onwards.

    Only rows holding something need be present; rows may be of different lengths.
    """

    title: str
    rows: Mapping[int, Sequence[CellValue | UncalculatedFormula]] = field(default_factory=dict)


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


@collector_paused(lasting=True)  # many small objects, none of them in a cycle
def read_inputs(sheets: Mapping[str, SheetData], titles: Sequence[str]) -> Inputs:
    """Check and convert the workbook's sheets; raise `WorkbookProblems` listing every problem.

    `sheets` holds our sheets by the workbook's own titles (found with `find_sheet`);
    `titles` lists every sheet of the workbook, in order.
    """
    problems: list[Problem] = []

    def sheet(name: str) -> SheetData | None:
        title = find_sheet(titles, name)
        return sheets.get(title) if title is not None else None

    partners_data = sheet("Partners")
    if partners_data is None:
        # Still read the other sheets, so every problem is reported at once.
        problems.append(
            Problem(
                "Partners",
                "",
                "the workbook has no Partners sheet; add a sheet named Partners "
                "(`partnersheet new` writes a workbook with every sheet ready)",
            )
        )
    weights_data = sheet("Weights")
    settings_data = sheet("Settings")
    competitors_data = sheet("Competitors")
    history_data = sheet("History")

    settings = _read_settings(settings_data, problems) if settings_data else Settings()
    weights = _read_weights(weights_data, problems) if weights_data else Weights()
    competitors = _read_competitors(competitors_data, problems) if competitors_data else ()
    read = _read_partners(partners_data, settings, problems) if partners_data else None
    history: tuple[HistoryRow, ...] = ()
    history_layout = None
    if history_data is not None:
        history, history_layout = _read_history(history_data, problems)
    if problems or read is None:
        order = {title: index for index, title in enumerate(titles)}
        raise WorkbookProblems(sorted(problems, key=lambda p: order.get(p.sheet, -1)))
    partners, layout = read
    return Inputs(
        partners=partners,
        weights=weights,
        settings=settings,
        competitors=competitors,
        history=history,
        layout=layout,
        history_layout=history_layout,
        sheet_titles=tuple(titles),
    )


# --- cells -------------------------------------------------------------------------------


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
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


class _Unfit(Exception):
    """A cell's value does not fit its column."""


def _as_text(value: object) -> str:
    if isinstance(value, UncalculatedFormula):
        raise _Unfit
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


def _as_number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Unfit
    if isinstance(value, str):
        text = value.strip()
        # "1,250" is a thousands separator; "2,5" (a decimal comma) is not guessed at.
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise _Unfit from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise _Unfit
    return number


def _as_whole(value: object) -> int:
    number = _as_number(value)
    if not number.is_integer():
        raise _Unfit
    return int(number)


def _as_date(value: object) -> dt.date:
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
            raise _Unfit from None
    raise _Unfit


T = TypeVar("T")


def _always(_: object) -> bool:
    return True


#: Integers up to this size survive a round trip through a float unchanged.
_EXACT_INT = 2**53

#: The widest scale whose scores are checked all at once, against the set of them.
_PLAIN_SCORE_RANGE = 1000
_INT_OR_NONE = frozenset((int, type(None)))
#: The ingredients in the workbook's order.
_SCORED = tuple(Ingredient)


class _Row:
    """One row of a sheet, reading cells by header and recording problems."""

    def __init__(
        self,
        title: str,
        row: int,
        values: Sequence[CellValue | UncalculatedFormula],
        problems: list[Problem],
    ) -> None:
        self.title = title
        self.row = row
        self.values = values
        self.problems = problems

    def raw(self, column: int | None) -> CellValue | UncalculatedFormula:
        if column is None or column > len(self.values):
            return None
        return self.values[column - 1]

    def cell(self, column: int) -> str:
        return f"{column_letter(column)}{self.row}"

    def problem(self, column: int | None, message: str) -> None:
        where = self.cell(column) if column else str(self.row)
        self.problems.append(Problem(self.title, where, message))

    def read(
        self,
        column: int | None,
        convert: Callable[[object], T],
        what: str,
        advice: str,
        check: Callable[[T], bool] = lambda _: True,
    ) -> T | None:
        """The converted value, None when blank; a problem when it does not fit."""
        value = self.raw(column)
        if _is_blank(value):
            return None
        try:
            converted = convert(value)
        except _Unfit:
            converted = None
        if converted is None or not check(converted):
            self.problem(column, f"{what} is {_shown(value)}; {advice}")
            return None
        return converted

    def text(self, column: int | None) -> str:
        value = self.raw(column)
        if type(value) is str:
            # What `_as_text` makes of text, blank or not, without the detour.
            return " ".join(value.split())
        if _is_blank(value):
            return ""
        try:
            return _as_text(value)
        except _Unfit:
            self.problem(column, f"{_shown(value)} has no saved result; {_RECALCULATE}")
            return ""

    # The readers below give what `read` gives with the converter named, taking the common
    # cases (a plain number, a real date) directly and leaving every other value, and every
    # problem, to `read` itself.

    def number(
        self, column: int | None, what: str, advice: str, check: Callable[[float], bool] = _always
    ) -> float | None:
        """`read` with `_as_number`."""
        value = self.raw(column)
        if value is None:
            return None
        if type(value) is float or type(value) is int:
            number = float(value)
            if math.isfinite(number) and check(number):
                return number
        return self.read(column, _as_number, what, advice, check)

    def whole(
        self, column: int | None, what: str, advice: str, check: Callable[[int], bool] = _always
    ) -> int | None:
        """`read` with `_as_whole`."""
        value = self.raw(column)
        if value is None:
            return None
        if type(value) is int:
            # int(float(value)) is value itself while the float holds it exactly.
            if -_EXACT_INT <= value <= _EXACT_INT and check(value):
                return value
        elif type(value) is float and value.is_integer():
            whole = int(value)
            if check(whole):
                return whole
        return self.read(column, _as_whole, what, advice, check)

    def date(self, column: int | None, what: str, advice: str) -> dt.date | None:
        """`read` with `_as_date`."""
        value = self.raw(column)
        if value is None:
            return None
        if type(value) is dt.datetime:
            return value.date()
        if type(value) is dt.date:
            return value
        return self.read(column, _as_date, what, advice)


_RECALCULATE = (
    "open the workbook in Excel or LibreOffice and save it, so the formula's result is "
    "saved, or type the value instead"
)


def _header_row(data: SheetData, wanted: str) -> tuple[int, dict[str, int], int] | None:
    """The first row among the first ten with a cell reading `wanted`.

    Returns the row number, each normalised header text → its first column, and the
    column after the last filled header cell.
    """
    target = normalise_name(wanted)
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        values = data.rows.get(row, ())
        texts = [normalise_name(v) if isinstance(v, str) else "" for v in values]
        if target in texts:
            headers: dict[str, int] = {}
            last = 0
            for index, text in enumerate(texts, start=1):
                if not _is_blank(values[index - 1]):
                    last = index
                if text:
                    headers.setdefault(text, index)
            return row, headers, last + 1
    return None


def _duplicate_headers(data: SheetData, row: int, known: Iterable[str]) -> list[Problem]:
    wanted = {normalise_name(k) for k in known}
    seen: dict[str, int] = {}
    problems = []
    for index, value in enumerate(data.rows.get(row, ()), start=1):
        if not isinstance(value, str):
            continue
        text = normalise_name(value)
        if text in wanted:
            if text in seen:
                problems.append(
                    Problem(
                        data.title,
                        f"{column_letter(index)}{row}",
                        f'the header "{tidy_text(value)}" is also in column '
                        f"{column_letter(seen[text])}; keep one of the two columns "
                        "or rename the other",
                    )
                )
            else:
                seen[text] = index
    return problems


def _rows_below(data: SheetData, header_row: int) -> list[int]:
    return sorted(r for r in data.rows if r > header_row)


# --- Partners ------------------------------------------------------------------------------


def _read_partners(
    data: SheetData, settings: Settings, problems: list[Problem]
) -> tuple[tuple[Partner, ...], PartnersLayout] | None:
    found = _header_row(data, Column.PARTNER.value)
    if found is None:
        problems.append(
            Problem(
                data.title,
                "A1",
                'no header row with a "Partner" column in the first 10 rows; '
                'type the headers (Partner, Trust, Friendship, ...) in one row, "Partner" '
                "above the partners' names",
            )
        )
        return None
    header_row, headers, next_free = found
    problems.extend(_duplicate_headers(data, header_row, (c.value for c in Column)))
    columns = {
        c: headers[normalise_name(c.value)] for c in Column if normalise_name(c.value) in headers
    }
    missing = [c.value for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem(
                data.title,
                f"{column_letter(next_free)}{header_row}",
                f"the header row has no column for {join_and(missing)}; add "
                f"{'a column headed' if len(missing) == 1 else 'columns headed'} "
                f"{join_and(missing)} to row {header_row} (leave the cells blank if "
                "you have no score yet)",
            )
        )
        return None

    low, high = settings.lowest_score, settings.highest_score
    input_indexes = [columns[c] - 1 for c in INPUT_COLUMNS if c in columns]
    partner_column = columns[Column.PARTNER]
    score_advice = f"enter a whole number from {low} to {high}"

    def score_fits(s: int) -> bool:
        # A scale that is itself wrong is reported once, on Settings, rather than against
        # every score.
        return high <= low or low <= s <= high

    def not_negative(n: float) -> bool:
        return n >= 0

    # The common cells (blank, text, a whole number in range, a real date) are read here
    # directly; every other value goes to the `_Row` readers, which also report problems.
    # A score read directly is an int that `score_fits` and that a float holds exactly.
    fits_from, fits_to = (low, high) if high > low else (-_EXACT_INT, _EXACT_INT)
    fits_from, fits_to = max(fits_from, -_EXACT_INT), min(fits_to, _EXACT_INT)
    score_places = [(i, columns[Column(i.value)], i.label) for i in Ingredient]

    def place(column: Column) -> tuple[int | None, int]:
        """The column's number and its index in a row padded with a blank (-1 when absent)."""
        number = columns.get(column)
        return number, (number - 1 if number is not None else -1)

    organisation_col, organisation_at = place(Column.ORGANISATION)
    offers_col, offers_at = place(Column.OFFERS)
    group_col, group_at = place(Column.COMPETITOR_GROUP)
    refers_col, refers_at = place(Column.ALSO_REFERS_TO)
    agreement_col, agreement_at = place(Column.AGREEMENT)
    hours_col, hours_at = place(Column.HOURS_PER_MONTH)
    sent_col, sent_at = place(Column.REFERRALS_SENT)
    received_col, received_at = place(Column.REFERRALS_RECEIVED)
    fees_col, fees_at = place(Column.FEES_RECEIVED)
    contact_col, contact_at = place(Column.LAST_CONTACT)
    notes_col, notes_at = place(Column.NOTES)
    width = max(columns.values()) + 1
    # Every row is read with at least this many blanks after it, so a short row reads blank
    # past its end and an absent column (index -1) always reads blank.
    padding = (None,) * width
    # The seven scores, and the other known columns, each taken from a row in one call.
    scores_of = itemgetter(*(column - 1 for _, column, _ in score_places))
    details_of = itemgetter(
        agreement_at,
        organisation_at,
        offers_at,
        group_at,
        refers_at,
        hours_at,
        sent_at,
        received_at,
        fees_at,
        contact_at,
        notes_at,
    )
    # The scores a row may hold to be taken as they are: whole numbers in range, or blank.
    # (A bool equals 0 or 1 and a float may equal a whole number, so their types are checked
    # first.) A scale that is itself wrong, or very wide, leaves every score to `row.whole`.
    plain_scores: frozenset[int | None] = (
        frozenset((None, *range(fits_from, fits_to + 1)))
        if high > low and fits_to - fits_from <= _PLAIN_SCORE_RANGE
        else frozenset()
    )
    partner_at = partner_column - 1
    rows = _rows_below(data, header_row)
    layout = PartnersLayout(
        title=data.title,
        header_row=header_row,
        columns=columns,
        next_free_column=next_free,
        rows=tuple(rows),
    )
    # A sheet whose every cell is of a common kind and fits is read a column at a time;
    # any other is read row by row below, which reports each problem in its place.
    by_column = _partners_by_column(
        data, rows, width, partner_at, details_of, scores_of, fits_from, fits_to
    )
    if by_column is not None:
        return by_column, layout
    partners: list[Partner] = []
    first_row_of: dict[str, int] = {}
    all_rows = data.rows
    for row_number in rows:
        values = all_rows[row_number]
        cells = (*values, *padding)
        value = cells[partner_at]
        name = " ".join(value.split()) if type(value) is str else ""
        # A row with a name is not blank; without one, it may still hold details.
        if not name and _all_blank(values, input_indexes):
            continue
        row = _Row(data.title, row_number, values, problems)
        if type(value) is not str:
            name = row.text(partner_column)
        if not name and not isinstance(value, UncalculatedFormula):
            row.problem(
                partner_column,
                "this row has details but no partner name; type the partner's name, "
                "or clear the row",
            )
        else:
            # `name` is tidy already, so this is `normalise_name(name)`.
            key = name.casefold()
            if key in first_row_of:
                row.problem(
                    partner_column,
                    f'"{name}" is already listed in row {first_row_of[key]}; list each '
                    "partner once: merge the two rows or tell the names apart",
                )
            else:
                first_row_of[key] = row_number

        found = scores_of(cells)
        if _INT_OR_NONE.issuperset(map(type, found)) and plain_scores.issuperset(found):
            scores: dict[Ingredient, int | None] = dict(zip(_SCORED, found, strict=True))
        else:
            # Read in the order the problems are reported in.
            scores = {}
            for (ingredient, column, label), value in zip(score_places, found, strict=True):
                if value is None:
                    scores[ingredient] = None
                elif type(value) is int and fits_from <= value <= fits_to:
                    scores[ingredient] = value
                else:
                    scores[ingredient] = row.whole(column, label, score_advice, score_fits)
        # The other cells: the `_Row` readers take the common values directly themselves.
        value = row.raw(agreement_col)
        agreement = _AGREEMENTS.get(normalise_name(value)) if type(value) is str else None
        if agreement is None and value is not None:
            agreement = row.read(
                agreement_col,
                _agreement,
                "Agreement",
                "choose Written, Verbal or None, or leave it blank",
            )
        organisation = row.text(organisation_col)
        offers = row.text(offers_col)
        competitor_group = row.text(group_col)
        also_refers_to = _split_names(row.text(refers_col))
        hours_per_month = row.number(
            hours_col,
            "Hours per month",
            "enter the hours a month you spend on this partner, 0 or more",
            not_negative,
        )
        referrals_sent = row.whole(
            sent_col, "Referrals sent", "enter a whole number, 0 or more", not_negative
        )
        referrals_received = row.whole(
            received_col, "Referrals received", "enter a whole number, 0 or more", not_negative
        )
        fees_received = row.number(
            fees_col,
            "Fees received",
            "enter an amount, 0 or more, without the currency sign",
            not_negative,
        )
        last_contact = row.date(contact_col, "Last contact", "enter a date, such as 2026-11-22")
        notes = row.text(notes_col)
        partners.append(
            built(
                Partner,
                {
                    "row": row_number,
                    "name": name,
                    "organisation": organisation,
                    "offers": offers,
                    "competitor_group": competitor_group,
                    "also_refers_to": also_refers_to,
                    "agreement": agreement,
                    "hours_per_month": hours_per_month,
                    "referrals_sent": referrals_sent,
                    "referrals_received": referrals_received,
                    "fees_received": fees_received,
                    "last_contact": last_contact,
                    "scores": scores,
                    "notes": notes,
                },
            )
        )
    return tuple(partners), layout


#: The exact types a column may hold to be read a column at a time (a bool is not an int,
#: and a subclass of str may read differently).
_TEXT = frozenset((str,))
_TEXT_OR_NONE = frozenset((str, type(None)))
_NUMBER_OR_NONE = frozenset((int, float, type(None)))
_DATETIME_OR_NONE = frozenset((dt.datetime, type(None)))


def _tidy_texts(values: Sequence[Any], *, repeated: bool) -> Sequence[str | None] | None:
    """A column of text and blanks (None), each text as `_text` leaves it; None for a column
    holding anything else (a number or a date, which `_Row.text` converts, or a formula,
    which it reports).

    A column likely to repeat a few texts many times has each distinct text checked once.
    """
    if not _TEXT_OR_NONE.issuperset(map(type, values)):
        return None
    if all_tidy(set(values) - {None} if repeated else values):
        return values
    return [None if value is None else _text(value) for value in values]


def _fit(values: Sequence[Any], kinds: frozenset[object], low: float, high: float) -> bool:
    """Whether every value is of one of these exact types, and every one but blank (None)
    lies from `low` to `high` (NaN does not)."""
    if not kinds.issuperset(map(type, values)):
        return False
    found = set(values)
    found.discard(None)
    return all(map(le, repeat(low), found)) and all(map(le, found, repeat(high)))


def _columns(data: SheetData, rows: list[int], width: int) -> list[tuple[Any, ...]]:
    """The cells of `rows`, a column at a time, read as the row loops read each row padded
    with `width` blanks: a short row reads blank past its end, and so does a column past
    every row's end (the last, index -1, is all blank). (Any: the column readers check each
    column's types at run time.)"""
    all_rows = data.rows
    cells = zip_longest(*map(all_rows.__getitem__, rows))
    columns: list[tuple[Any, ...]] = list(islice(cells, width - 1))
    blank = (None,) * len(rows)
    columns += [blank] * (width - len(columns))
    return columns


def _partners_by_column(
    data: SheetData,
    rows: list[int],
    width: int,
    partner_at: int,
    details_of: itemgetter[tuple[Any, ...]],
    scores_of: itemgetter[tuple[Any, ...]],
    fits_from: int,
    fits_to: int,
) -> tuple[Partner, ...] | None:
    """The partners of `rows`, read a column at a time; None unless every cell is common.

    This gives what `_read_partners` reads row by row, for a sheet where that finds no
    problem and no blank row, and tidies no name: each name is tidy text, not repeated; each
    other text column holds text or blanks; each number column, numbers of its type in
    range; the Last contact column, real dates or blanks. Each column is checked whole by
    operations that run in C, and the partners are then made in one loop. The other
    arguments are those of the row loop: it reads each row padded with `width` blanks;
    `partner_at` is the index of the Partner column, and `details_of` and `scores_of` take
    the other known cells from a padded row (here, from the list of columns, padded alike:
    index -1 is all blank).
    """
    columns = _columns(data, rows, width)

    # Every row has a name, as text that needs no tidying: so no row is blank or lacks a
    # name (a problem), and it is a problem too when a name is repeated.
    names = columns[partner_at]
    if not (_TEXT.issuperset(map(type, names)) and all(names) and all_tidy(names)):
        return None
    if len(set(map(str.casefold, names))) != len(names):
        return None

    (
        agreement_values,
        organisation_values,
        offers_values,
        group_values,
        refers_values,
        hours_values,
        sent_values,
        received_values,
        fees_values,
        contact_values,
        notes_values,
    ) = details_of(columns)
    # Blank cells (None) stay None in these four, and read as "" when a partner is made.
    organisations = _tidy_texts(organisation_values, repeated=False)
    offers = _tidy_texts(offers_values, repeated=True)
    groups = _tidy_texts(group_values, repeated=True)
    notes = _tidy_texts(notes_values, repeated=True)
    if organisations is None or offers is None or groups is None or notes is None:
        return None

    # Agreement and Also refers to are read once per distinct text.
    if not _TEXT_OR_NONE.issuperset(map(type, agreement_values)):
        return None
    agreement_of: dict[str | None, Agreement | None] = {
        t: None if t is None else _AGREEMENTS.get(normalise_name(t)) for t in set(agreement_values)
    }
    # Text naming no agreement is a problem, unless it is blank.
    if any(a is None and t is not None and t.strip() for t, a in agreement_of.items()):
        return None
    agreements = map(agreement_of.__getitem__, agreement_values)
    if not _TEXT_OR_NONE.issuperset(map(type, refers_values)):
        return None
    refers_of: dict[str | None, tuple[str, ...]] = {
        t: () if t is None else _split_names(_text(t)) for t in set(refers_values)
    }
    also_refers_to = map(refers_of.__getitem__, refers_values)

    # Hours and fees are numbers, 0 or more, read as floats; the referrals whole numbers.
    # (The rare float above _EXACT_INT, which the row loop reads the same, is left to it.)
    if not (
        _fit(hours_values, _NUMBER_OR_NONE, 0, _EXACT_INT)
        and _fit(fees_values, _NUMBER_OR_NONE, 0, _EXACT_INT)
        and _fit(sent_values, _INT_OR_NONE, 0, _EXACT_INT)
        and _fit(received_values, _INT_OR_NONE, 0, _EXACT_INT)
        and _DATETIME_OR_NONE.issuperset(map(type, contact_values))
    ):
        return None
    hours = [None if v is None else float(v) for v in hours_values]
    fees = [None if v is None else float(v) for v in fees_values]
    last_contacts = [None if v is None else v.date() for v in contact_values]

    # The scores: whole numbers in range, or blank; each row's made into a dict below with
    # a dict display, several times quicker than dict(zip(_SCORED, ...)).
    score_columns = scores_of(columns)
    if not all(_fit(column, _INT_OR_NONE, fits_from, fits_to) for column in score_columns):
        return None
    trust, friendship, opportunity, credibility, communication, goals, alignment = _SCORED

    values = [
        {
            "row": row_number,
            "name": name,
            "organisation": organisation or "",
            "offers": offer or "",
            "competitor_group": group or "",
            "also_refers_to": refers,
            "agreement": agreement,
            "hours_per_month": hours_per_month,
            "referrals_sent": referrals_sent,
            "referrals_received": referrals_received,
            "fees_received": fees_received,
            "last_contact": last_contact,
            "scores": {
                trust: t,
                friendship: f,
                opportunity: o,
                credibility: c,
                communication: r,
                goals: g,
                alignment: v,
            },
            "notes": note or "",
        }
        for (
            row_number,
            name,
            organisation,
            offer,
            group,
            refers,
            agreement,
            hours_per_month,
            referrals_sent,
            referrals_received,
            fees_received,
            last_contact,
            (t, f, o, c, r, g, v),
            note,
        ) in zip(
            rows,
            names,
            organisations,
            offers,
            groups,
            also_refers_to,
            agreements,
            hours,
            sent_values,
            received_values,
            fees,
            last_contacts,
            zip(*score_columns, strict=True),
            notes,
            strict=True,
        )
    ]
    return built_all(Partner, values)


def _text(value: str) -> str:
    """What `_Row.text` makes of text: `tidy_text`, which is "" for blank text too."""
    return " ".join(value.split())


def _all_blank(values: Sequence[object], indexes: Iterable[int]) -> bool:
    """Whether the cells at these places (0 = column A) are all blank or missing."""
    width = len(values)
    for index in indexes:
        if index < width:
            value = values[index]
            if value is not None and not _is_blank(value):
                return False
    return True


#: Each agreement by its name in the form `_agreement` compares.
_AGREEMENTS = {a.value.casefold(): a for a in Agreement}


def _agreement(value: object) -> Agreement:
    if not isinstance(value, str):
        raise _Unfit
    wanted = normalise_name(value)
    for agreement in Agreement:
        if agreement.value.casefold() == wanted:
            return agreement
    raise _Unfit


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(tidy_text(n) for n in text.replace(";", ",").split(",") if n.strip())


# --- Settings ------------------------------------------------------------------------------


def _is_empty(data: SheetData) -> bool:
    return all(_is_blank(v) for values in data.rows.values() for v in values)


def _table(
    data: SheetData, first: str, needed: Sequence[str], problems: list[Problem]
) -> tuple[int, dict[str, int]] | None:
    """Find a small table's header row and check it has the columns needed."""
    found = _header_row(data, first)
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
    header_row, headers, next_free = found
    missing = [n for n in needed if normalise_name(n) not in headers]
    if missing:
        problems.append(
            Problem(
                data.title,
                f"{column_letter(next_free)}{header_row}",
                f'the header row has no {join_and(missing)} column; add it next to "{first}"',
            )
        )
        return None
    problems.extend(_duplicate_headers(data, header_row, [first, *needed]))
    return header_row, headers


def _read_settings(data: SheetData, problems: list[Problem]) -> Settings:
    if _is_empty(data):
        return Settings()
    table = _table(data, "Setting", ["Value"], problems)
    if table is None:
        return Settings()
    header_row, headers = table
    name_col, value_col = headers["setting"], headers["value"]
    by_name = {normalise_name(s.value): s for s in Setting}
    seen: dict[Setting, int] = {}
    values: dict[Setting, object] = {}
    before = len(problems)
    for row_number in _rows_below(data, header_row):
        row = _Row(data.title, row_number, data.rows[row_number], problems)
        label, raw = row.raw(name_col), row.raw(value_col)
        if _is_blank(label):
            if not _is_blank(raw):
                row.problem(name_col, "this value has no setting name; type the setting's name")
            continue
        setting = by_name.get(normalise_name(str(label)))
        if setting is None:
            row.problem(
                name_col,
                f"{_shown(label)} is not a setting partnersheet knows; use one of "
                f"{', '.join(s.value for s in Setting)} (or delete the row)",
            )
            continue
        if setting in seen:
            row.problem(
                name_col,
                f"{setting.value} is already set in row {seen[setting]}; keep one of the two rows",
            )
            continue
        seen[setting] = row_number
        if _is_blank(raw):
            continue
        reader = _SETTING_READERS[setting]
        value = row.read(value_col, reader[0], setting.value, reader[1], reader[2])
        if value is not None:
            values[setting] = value

    defaults = Settings()
    low = int(values.get(Setting.LOWEST_SCORE, defaults.lowest_score))  # type: ignore[call-overload]
    high = int(values.get(Setting.HIGHEST_SCORE, defaults.highest_score))  # type: ignore[call-overload]
    strong = float(values.get(Setting.STRONG_FROM, defaults.strong_from))  # type: ignore[arg-type]
    keep = float(values.get(Setting.KEEP_FROM, defaults.keep_from))  # type: ignore[arg-type]
    improve = float(values.get(Setting.IMPROVE_FROM, defaults.improve_from))  # type: ignore[arg-type]
    if len(problems) == before:
        if high <= low:
            problems.append(
                Problem(
                    data.title,
                    _setting_cell(seen, value_col, Setting.HIGHEST_SCORE, Setting.LOWEST_SCORE),
                    f"Highest score ({high}) must be above Lowest score ({low}); "
                    "raise Highest score or lower Lowest score",
                )
            )
        if not strong > keep > improve:
            problems.append(
                Problem(
                    data.title,
                    _setting_cell(
                        seen,
                        value_col,
                        Setting.STRONG_FROM,
                        Setting.KEEP_FROM,
                        Setting.IMPROVE_FROM,
                    ),
                    f"the band thresholds must fall: Strong from ({format_number(strong)}) "
                    f"above Keep from ({format_number(keep)}) above Improve from "
                    f"({format_number(improve)}); change them so each is below the one before",
                )
            )
    return Settings(
        lowest_score=low,
        highest_score=high,
        strong_from=strong,
        keep_from=keep,
        improve_from=improve,
        chargeable_rate=float(values.get(Setting.CHARGEABLE_RATE, defaults.chargeable_rate)),  # type: ignore[arg-type]
        currency=str(values.get(Setting.CURRENCY, defaults.currency)),
        missing_scores=values.get(Setting.MISSING_SCORES, defaults.missing_scores),  # type: ignore[arg-type]
    )


def _setting_cell(seen: Mapping[Setting, int], value_col: int, *settings: Setting) -> str:
    """The Value cell of the first of `settings` the sheet sets; "" when it sets none."""
    for setting in settings:
        row = seen.get(setting)
        if row:
            return f"{column_letter(value_col)}{row}"
    return ""


def _missing_scores(value: object) -> MissingScores:
    if not isinstance(value, str):
        raise _Unfit
    wanted = normalise_name(value)
    for choice in MissingScores:
        if choice.value.casefold() == wanted:
            return choice
    raise _Unfit


def _any(_: object) -> bool:
    return True


def _percent(value: object) -> bool:
    return isinstance(value, float | int) and 0 <= value <= 100


_SETTING_READERS: Mapping[
    Setting, tuple[Callable[[object], object], str, Callable[[object], bool]]
] = {
    Setting.LOWEST_SCORE: (_as_whole, "enter a whole number, such as 1", _any),
    Setting.HIGHEST_SCORE: (_as_whole, "enter a whole number, such as 5", _any),
    Setting.STRONG_FROM: (_as_number, "enter a number from 0 to 100, such as 75", _percent),
    Setting.KEEP_FROM: (_as_number, "enter a number from 0 to 100, such as 50", _percent),
    Setting.IMPROVE_FROM: (_as_number, "enter a number from 0 to 100, such as 30", _percent),
    Setting.CHARGEABLE_RATE: (
        _as_number,
        "enter your hourly rate as a number, 0 or more, without the currency sign",
        lambda n: n >= 0,  # type: ignore[operator]
    ),
    Setting.CURRENCY: (_as_text, "enter a currency symbol, such as £", _any),
    Setting.MISSING_SCORES: (
        _missing_scores,
        "choose Score what is there, Count as lowest, or Do not rank",
        _any,
    ),
}


# --- Weights ------------------------------------------------------------------------------


def _read_weights(data: SheetData, problems: list[Problem]) -> Weights:
    if _is_empty(data):
        return Weights()
    table = _table(data, "Ingredient", ["Weight"], problems)
    if table is None:
        return Weights()
    header_row, headers = table
    name_col, weight_col = headers["ingredient"], headers["weight"]
    meaning_col, action_col = headers.get("meaning"), headers.get("action")
    by_name = {normalise_name(i.value): i for i in Ingredient}
    rows: dict[Ingredient, IngredientWeight] = {}
    seen: dict[Ingredient, int] = {}
    before = len(problems)
    for row_number in _rows_below(data, header_row):
        row = _Row(data.title, row_number, data.rows[row_number], problems)
        label = row.raw(name_col)
        if _is_blank(label):
            if not _is_blank(row.raw(weight_col)):
                row.problem(name_col, "this weight has no ingredient; type the ingredient's name")
            continue
        ingredient = by_name.get(normalise_name(str(label)))
        if ingredient is None:
            row.problem(
                name_col,
                f"{_shown(label)} is not one of the seven ingredients; use "
                f"{join_and([i.value for i in Ingredient])}",
            )
            continue
        if ingredient in seen:
            row.problem(
                name_col,
                f"{ingredient.value} is already weighted in row {seen[ingredient]}; "
                "keep one of the two rows",
            )
            continue
        seen[ingredient] = row_number
        weight = row.read(
            weight_col,
            _as_number,
            f"the weight of {ingredient.value}",
            "enter a number, 0 or more (0 leaves the ingredient out)",
            lambda n: n >= 0,
        )
        if weight is None and _is_blank(row.raw(weight_col)):
            row.problem(
                weight_col,
                f"the weight of {ingredient.value} is blank; enter a number, 0 or more "
                "(1 if unsure, 0 leaves the ingredient out)",
            )
        rows[ingredient] = IngredientWeight(
            ingredient,
            weight if weight is not None else 0,
            meaning=row.text(meaning_col),
            action=row.text(action_col),
        )
    missing = [i.value for i in Ingredient if i not in seen]
    if missing:
        problems.append(
            Problem(
                data.title,
                "",
                f"{join_and(missing)} {'is' if len(missing) == 1 else 'are'} missing; add a "
                "row for each of the seven ingredients (weight 1 if unsure)",
            )
        )
    elif len(problems) == before and not any(w.weight > 0 for w in rows.values()):
        problems.append(
            Problem(
                data.title,
                "",
                "every weight is 0; give at least one ingredient a weight above 0",
            )
        )
    if len(rows) < len(Ingredient):
        return Weights()
    return Weights({i: rows[i] for i in Ingredient})


# --- Competitors ------------------------------------------------------------------------


def _read_competitors(data: SheetData, problems: list[Problem]) -> tuple[Competitor, ...]:
    if _is_empty(data):
        return ()
    table = _table(data, "Competitor", [], problems)
    if table is None:
        return ()
    header_row, headers = table
    name_col, alias_col = headers["competitor"], headers.get("also known as")
    competitors = []
    for row_number in _rows_below(data, header_row):
        row = _Row(data.title, row_number, data.rows[row_number], problems)
        name = row.text(name_col)
        aliases = _split_names(row.text(alias_col))
        if not name:
            if aliases:
                row.problem(name_col, "these aliases have no competitor name; type the name")
            continue
        competitors.append(Competitor(name, aliases))
    return tuple(competitors)


# --- History --------------------------------------------------------------------------


def _read_history(
    data: SheetData, problems: list[Problem]
) -> tuple[tuple[HistoryRow, ...], HistoryLayout | None]:
    if _is_empty(data):
        return (), None
    table = _table(data, HISTORY_HEADERS[0], HISTORY_HEADERS[1:3], problems)
    if table is None:
        return (), None
    header_row, headers = table
    columns = tuple(headers.get(normalise_name(h), 0) for h in HISTORY_HEADERS)
    date_col, partner_col, score_col, rank_col, band_col, weights_col = (c or None for c in columns)
    below = _rows_below(data, header_row)
    last_row = below[-1] if below else header_row
    layout = HistoryLayout(
        title=data.title, header_row=header_row, columns=columns, last_row=last_row
    )
    indexes = [c - 1 for c in columns if c]
    advice = "partnersheet keeps this sheet: undo the change, or delete the row"
    # As for Partners: common cells read directly, the rest by the `_Row` readers; a
    # missing column reads the blank padded at the end (-1).
    places = tuple(c - 1 for c in columns)
    date_at, partner_at, score_at, rank_at, band_at, weights_at = places
    width = max(columns) + 1
    padding = (None,) * width
    # A sheet of common cells only is read a column at a time, as for Partners.
    by_column = _history_by_column(data, below, width, places)
    if by_column is not None:
        return by_column, layout
    rows: list[HistoryRow] = []
    # Each review writes the same weights, and bands, on many rows: each text is tidied once.
    tidied: dict[str, str] = {}
    all_rows = data.rows
    for row_number in below:
        values = all_rows[row_number]
        cells = (*values, *padding)
        value = cells[date_at]
        # A row with a date is not blank.
        if type(value) is not dt.datetime and _all_blank(values, indexes):
            continue
        row = _Row(data.title, row_number, values, problems)
        if type(value) is dt.datetime:
            reviewed_on: dt.date | None = value.date()
        else:
            reviewed_on = row.date(date_col, "Reviewed on", advice)
        value = cells[partner_at]
        partner = _text(value) if type(value) is str else row.text(partner_col)
        if reviewed_on is None or not partner:
            if reviewed_on is None and _is_blank(row.raw(date_col)):
                row.problem(date_col, f"this row has no Reviewed on date; {advice}")
            elif not partner:
                row.problem(partner_col, f"this row has no partner; {advice}")
            continue
        value = cells[score_at]
        if type(value) is float and -math.inf < value < math.inf:
            weighted_score: float | None = value
        elif type(value) is int and -_EXACT_INT <= value <= _EXACT_INT:
            weighted_score = float(value)
        else:
            weighted_score = row.number(score_col, "Weighted score", advice)
        value = cells[rank_at]
        if type(value) is int and -_EXACT_INT <= value <= _EXACT_INT:
            rank: int | None = value
        else:
            rank = row.whole(rank_col, "Rank", advice)
        value = cells[band_at]
        if type(value) is str:
            band = tidied.get(value) or tidied.setdefault(value, _text(value))
        else:
            band = row.text(band_col)
        value = cells[weights_at]
        if type(value) is str:
            weights = tidied.get(value) or tidied.setdefault(value, _text(value))
        else:
            weights = row.text(weights_col)
        rows.append(
            built(
                HistoryRow,
                {
                    "row": row_number,
                    "reviewed_on": reviewed_on,
                    "partner": partner,
                    "weighted_score": weighted_score,
                    "rank": rank,
                    "band": band,
                    "weights": weights,
                },
            )
        )
    return tuple(rows), layout


#: The exact types a Reviewed on cell may hold to be read a column at a time.
_DATES = frozenset((dt.datetime, dt.date))


def _history_by_column(
    data: SheetData, rows: list[int], width: int, places: tuple[int, ...]
) -> tuple[HistoryRow, ...] | None:
    """The History rows of `rows`, read a column at a time; None unless every cell is common.

    This gives what `_read_history` reads row by row, for a sheet where that finds no
    problem and no blank row: each Reviewed on is a real date; each partner text, not blank;
    each weighted score an int or a float from -2**53 to 2**53, or blank; each rank an int so,
    or blank; each band and weights text, or blank. As in the row loop, each row is read
    padded with `width` blanks, and `places` are the indexes of the six columns in
    `HISTORY_HEADERS` order (-1, all blank, for a missing one).
    """
    columns = _columns(data, rows, width)
    date_values, partner_values, score_values, rank_values, band_values, weights_values = map(
        columns.__getitem__, places
    )

    # A date in every row: so no row is blank, or lacks its date (a problem).
    kinds = set(map(type, date_values))
    days: Iterable[dt.date]
    if kinds == {dt.datetime}:
        days = map(dt.datetime.date, date_values)
    elif _DATES.issuperset(kinds):
        days = [v.date() if type(v) is dt.datetime else v for v in date_values]
    else:
        return None
    # A partner in every row, as text that is not blank once tidied.
    if not _TEXT.issuperset(map(type, partner_values)):
        return None
    partners = partner_values if all_tidy(partner_values) else list(map(_text, partner_values))
    if not all(partners):
        return None
    # The numbers the row loop takes as they are (NaN and infinity are not in range).
    if not (
        _fit(score_values, _NUMBER_OR_NONE, -_EXACT_INT, _EXACT_INT)
        and _fit(rank_values, _INT_OR_NONE, -_EXACT_INT, _EXACT_INT)
    ):
        return None
    scores = [None if v is None else float(v) for v in score_values]
    # Each review writes the same band and weights texts on many rows; blank reads "".
    bands = _tidy_texts(band_values, repeated=True)
    weights = _tidy_texts(weights_values, repeated=True)
    if bands is None or weights is None:
        return None
    # Each row is made as `built` makes it (HistoryRow has no __post_init__ or __slots__):
    # the dict, its keys the fields in order, taken as its attributes at once; here in bulk,
    # without `built`'s checks for each row.
    values = [
        {
            "row": row_number,
            "reviewed_on": reviewed_on,
            "partner": partner,
            "weighted_score": score,
            "rank": rank,
            "band": band or "",
            "weights": weight or "",
        }
        for row_number, reviewed_on, partner, score, rank, band, weight in zip(
            rows, days, partners, scores, rank_values, bands, weights, strict=True
        )
    ]
    return built_all(HistoryRow, values)
