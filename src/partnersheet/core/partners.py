"""The Partners sheet: its columns found by header, each row read into a `Partner`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..errors import Problem
from .model import (
    COMPUTED_COLUMNS,
    INGREDIENTS,
    INPUT_HEADERS,
    PARTNERS_HEADERS,
    REQUIRED_HEADERS,
    Agreement,
    Column,
    Header,
    Partner,
    PartnersLayout,
    Settings,
    join_and,
    normalise_name,
)
from .sheets import (
    HeaderRow,
    Row,
    SheetData,
    UncalculatedFormula,
    as_choice,
    as_date,
    as_number,
    as_whole,
    column_letter,
    duplicate_headers,
    find_header_row,
    merged_problems,
    not_negative,
    rows_below,
    shown,
    split_names,
)

#: The first day spreadsheets hold as a date (day 1 of Excel's calendar).
FIRST_SPREADSHEET_DATE = dt.date(1900, 1, 1)


def read_partners(
    data: SheetData, settings: Settings, problems: list[Problem]
) -> tuple[tuple[Partner, ...], PartnersLayout] | None:
    """Every partner row of the sheet, and where things are; None when the sheet's header
    row cannot be used (the problem is recorded)."""
    layout = find_partners_layout(data, problems)
    if layout is None:
        return None
    reader = _PartnerReader(data.title, layout.columns, settings, problems)
    partners = []
    for number in layout.rows:
        row = Row(data.title, number, data.rows[number], problems)
        partner = reader.read(row)
        if partner is not None:
            partners.append(partner)
    return tuple(partners), layout


def find_partners_layout(data: SheetData, problems: list[Problem]) -> PartnersLayout | None:
    """The header row and the column of each known header; None when a needed one is missing."""
    found = find_header_row(data, Column.PARTNER.label)
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
    problems.extend(duplicate_headers(data, found.row, (h.label for h in PARTNERS_HEADERS)))
    problems.extend(_merged(data, found))
    columns = {
        header: found.columns[normalise_name(header.label)]
        for header in PARTNERS_HEADERS
        if normalise_name(header.label) in found.columns
    }
    missing = [h.label for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        problems.append(
            Problem(
                data.title,
                f"{column_letter(found.next_free)}{found.row}",
                f"the header row has no column for {join_and(missing)}; add "
                f"{'a column headed' if len(missing) == 1 else 'columns headed'} "
                f"{join_and(missing)} to row {found.row} (leave the cells blank if "
                "you have no score yet)",
            )
        )
        return None
    return PartnersLayout(
        title=data.title,
        header_row=found.row,
        columns=columns,
        next_free_column=found.next_free,
        rows=tuple(rows_below(data, found.row)),
    )


def _merged(data: SheetData, found: HeaderRow) -> list[Problem]:
    """Merged cells over the columns partnersheet reads, or the computed columns it writes
    (where they are, or will be added right of the headers)."""
    columns = {
        found.columns[normalise_name(h.label)]: h.label
        for h in PARTNERS_HEADERS
        if normalise_name(h.label) in found.columns
    }
    missing = [c for c in COMPUTED_COLUMNS if normalise_name(c.label) not in found.columns]
    columns |= {found.next_free + n: c.label for n, c in enumerate(missing)}
    return merged_problems(data, found.row, columns, "partner")


class _PartnerReader:
    """Reads partner rows, given where the columns are; remembers the names seen."""

    def __init__(
        self,
        title: str,
        columns: Mapping[Header, int],
        settings: Settings,
        problems: list[Problem],
    ) -> None:
        self.title = title
        self.columns = columns
        self.settings = settings
        self.problems = problems
        self.inputs = [columns[h] for h in INPUT_HEADERS if h in columns]
        low, high = settings.lowest_score, settings.highest_score

        def fits(score: int) -> bool:
            # A scale that is itself wrong is reported once, on Settings, rather than against
            # every score.
            return high <= low or low <= score <= high

        #: How each score is read: its column, conversion, name, advice and check.
        self.score_readings = [
            (columns[i], as_whole, i.label, f"enter a whole number from {low} to {high}", fits)
            for i in INGREDIENTS
        ]
        #: Each name as compared → the row it is first listed in.
        self.first_row_of: dict[str, int] = {}
        #: Each owner as compared → the owner as first written.
        self.owner_as_first_written: dict[str, str] = {}

    def read(self, row: Row) -> Partner | None:
        """The partner of this row; None for a row with nothing in its input cells."""
        if row.is_blank(self.inputs):
            return None
        name = self._name(row)
        scores = tuple(row.read(*reading) for reading in self.score_readings)
        column = self.columns.get
        agreement = row.read(
            column(Column.AGREEMENT),
            lambda value: as_choice(value, Agreement),
            "Agreement",
            "choose Written, Verbal or None, or leave it blank",
        )
        organisation = row.text(column(Column.ORGANISATION))
        offers = row.text(column(Column.OFFERS))
        competitor_group = row.text(column(Column.COMPETITOR_GROUP))
        also_refers_to = split_names(row.text(column(Column.ALSO_REFERS_TO)))
        hours_per_month = row.read(
            column(Column.HOURS_PER_MONTH),
            as_number,
            "Hours per month",
            "enter the hours a month you spend on this partner, 0 or more",
            not_negative,
        )
        referrals_sent = row.read(
            column(Column.REFERRALS_SENT),
            as_whole,
            "Referrals sent",
            "enter a whole number, 0 or more",
            not_negative,
        )
        referrals_received = row.read(
            column(Column.REFERRALS_RECEIVED),
            as_whole,
            "Referrals received",
            "enter a whole number, 0 or more",
            not_negative,
        )
        fees_received = row.read(
            column(Column.FEES_RECEIVED),
            as_number,
            "Fees received",
            "enter an amount, 0 or more, without the currency sign",
            not_negative,
        )
        last_contact = self._last_contact(row)
        owner = row.text(column(Column.OWNER))
        if owner:
            owner = self.owner_as_first_written.setdefault(normalise_name(owner), owner)
        return Partner(
            row=row.row,
            name=name,
            organisation=organisation,
            offers=offers,
            competitor_group=competitor_group,
            also_refers_to=also_refers_to,
            agreement=agreement,
            hours_per_month=hours_per_month,
            referrals_sent=referrals_sent,
            referrals_received=referrals_received,
            fees_received=fees_received,
            last_contact=last_contact,
            owner=owner,
            scores=scores,
            notes=row.text(column(Column.NOTES)),
        )

    def _last_contact(self, row: Row) -> dt.date | None:
        """The date of the last contact; a problem when it is not a date a spreadsheet can
        show (one before 1900 can only have been typed as text, and its Next contact could
        not be written as a date)."""
        column = self.columns.get(Column.LAST_CONTACT)
        advice = "enter a date, such as 2026-11-22"
        last_contact = row.read(column, as_date, "Last contact", advice)
        if last_contact is not None and last_contact < FIRST_SPREADSHEET_DATE:
            row.problem(
                column,
                f"Last contact is {shown(row.raw(column))}, before 1900, which a spreadsheet "
                f"cannot hold as a date; {advice}",
            )
            return None
        return last_contact

    def _name(self, row: Row) -> str:
        """The partner's name; a problem when it is missing or already listed."""
        column = self.columns[Column.PARTNER]
        name = row.text(column)
        if not name:
            if not isinstance(row.raw(column), UncalculatedFormula):
                row.problem(
                    column,
                    "this row has details but no partner name; type the partner's name, "
                    "or clear the row",
                )
            return name
        key = normalise_name(name)
        if key in self.first_row_of:
            row.problem(
                column,
                f'"{name}" is already listed in row {self.first_row_of[key]}; list each '
                "partner once: merge the two rows or tell the names apart",
            )
        else:
            self.first_row_of[key] = row.row
        return name
