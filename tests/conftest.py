"""Shared helpers: workbooks built with XlsxWriter, so the tests read files partnersheet did
not write, and an independent reading of the contract's scoring rules to check results by."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

# xlwings' remote engine, on which the Recalculate tests run, wants a licence key in the
# environment when xlwings is first imported; its noncommercial key covers this open-source
# project's own tests.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "partners.xlsx"
#: Git-ignored: renders kept for a person to look at.
ARTIFACTS = ROOT / "test-artifacts"

INGREDIENTS: tuple[str, ...] = (
    "Trust",
    "Friendship",
    "Opportunity",
    "Credibility",
    "Regular communication",
    "Shared goals",
    "Values alignment",
)
#: The Partners input headers in the order the template uses, but for Owner: most tests
#: leave it out (it is optional), so their columns stay where the tests expect them.
PARTNER_HEADERS: tuple[str, ...] = (
    "Partner",
    "Organisation",
    "Offers",
    "Competitor group",
    "Also refers to",
    "Agreement",
    "Hours per month",
    "Referrals sent",
    "Referrals received",
    "Fees received",
    "Last contact",
    *INGREDIENTS,
    "Notes",
)
#: Every input header in the template's order, Owner after Last contact.
TEMPLATE_HEADERS: tuple[str, ...] = (
    *PARTNER_HEADERS[: PARTNER_HEADERS.index("Last contact") + 1],
    "Owner",
    *PARTNER_HEADERS[PARTNER_HEADERS.index("Last contact") + 1 :],
)
COMPUTED: tuple[str, ...] = (
    "Weighted score",
    "Rank",
    "Band",
    "Work on",
    "Conflicts",
    "Score per hour",
    "Status",
    "Trend",
    "Next contact",
)
HISTORY_HEADERS: tuple[str, ...] = (
    "Reviewed on",
    "Partner",
    "Weighted score",
    "Rank",
    "Band",
    "Weights",
)


# --- building workbooks with XlsxWriter ----------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell, with the result a spreadsheet would have saved with it."""

    text: str
    cached: float | str | None = None


def new_xlsxwriter_book(path: Path) -> Any:
    """An XlsxWriter workbook that never turns text into a formula or a number by itself."""
    return xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False}
    )


def write_value(
    book: Any, sheet: Any, row: int, column: int, value: object, cell_format: Any = None
) -> None:
    """Write one value (0-based row and column) with the XlsxWriter call its type needs."""
    if value is None:
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
        return
    if isinstance(value, Formula):
        sheet.write_formula(row, column, value.text, cell_format, value.cached)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, dt.date | dt.datetime):
        date_format = cell_format or book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_datetime(row, column, value, date_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


def write_rows(book: Any, sheet: Any, first_row: int, rows: Sequence[Sequence[object]]) -> None:
    """Write rows of values starting at 1-based row `first_row`, column A."""
    for offset, values in enumerate(rows):
        for column, value in enumerate(values):
            write_value(book, sheet, first_row - 1 + offset, column, value)


def partner_rows(
    partners: Sequence[Mapping[str, object]], headers: Sequence[str]
) -> list[list[object]]:
    """Rows of values in `headers` order; a key that is not a header is a mistake in a test."""
    for partner in partners:
        unknown = set(partner) - set(headers)
        assert not unknown, f"no column for {sorted(unknown)}"
    return [[partner.get(header) for header in headers] for partner in partners]


def build_partners_workbook(
    path: Path,
    partners: Sequence[Mapping[str, object]],
    *,
    headers: Sequence[str] = PARTNER_HEADERS,
    weights: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    competitors: Sequence[tuple[str, str]] | None = None,
    history: Sequence[Sequence[object]] | None = None,
    extra: Callable[[Any], None] | None = None,
) -> Path:
    """Write a partners workbook with XlsxWriter: a Partners sheet (headers in row 1) and,
    when given, Weights, Settings, Competitors and History sheets.

    `extra` receives the XlsxWriter workbook before it is closed, to add anything else.
    """
    book = new_xlsxwriter_book(path)
    sheet = book.add_worksheet("Partners")
    write_rows(book, sheet, 1, [list(headers), *partner_rows(partners, headers)])
    if weights is not None:
        write_rows(
            book,
            book.add_worksheet("Weights"),
            1,
            [["Ingredient", "Weight"], *([name, w] for name, w in weights.items())],
        )
    if settings is not None:
        write_rows(
            book,
            book.add_worksheet("Settings"),
            1,
            [["Setting", "Value"], *([name, v] for name, v in settings.items())],
        )
    if competitors is not None:
        write_rows(
            book,
            book.add_worksheet("Competitors"),
            1,
            [["Competitor", "Also known as"], *(list(c) for c in competitors)],
        )
    if history is not None:
        write_rows(book, book.add_worksheet("History"), 1, [list(HISTORY_HEADERS), *history])
    if extra is not None:
        extra(book)
    book.close()
    return path


def scores(*values: int | None) -> dict[str, int | None]:
    """The seven ingredient scores, in the workbook's order."""
    assert len(values) == len(INGREDIENTS)
    return dict(zip(INGREDIENTS, values, strict=True))


# --- a small fixed workbook ----------------------------------------------------------------

#: Four partners whose results are worked out by hand in the tests that use them.
SMALL_PARTNERS: tuple[dict[str, object], ...] = (
    {
        "Partner": "Ann Patel",
        "Organisation": "Patel Accountancy",
        "Hours per month": 4,
        "Referrals sent": 3,
        "Referrals received": 5,
        "Fees received": 6000,
        **scores(5, 4, 5, 4, 4, 5, 5),
    },
    {
        "Partner": "Bea Ltd",
        "Competitor group": "Leadership coaching",
        "Hours per month": 2,
        "Referrals received": 1,
        **scores(3, 3, 4, 3, 2, 3, 3),
    },
    {
        "Partner": "Cal Jones",
        "Competitor group": "leadership  coaching",
        "Also refers to": "Acme",
        "Hours per month": 6,
        "Referrals received": 0,
        **scores(2, 1, 2, 2, 1, 2, 1),
    },
    {"Partner": "Dee Rao", **scores(4, 3, None, None, None, None, None)},
)


@pytest.fixture
def small_workbook(tmp_path: Path) -> Path:
    """partners.xlsx in `tmp_path`: four partners, a rate of 100 an hour, one competitor."""
    return build_partners_workbook(
        tmp_path / "partners.xlsx",
        SMALL_PARTNERS,
        settings={"Chargeable rate": 100},
        competitors=[("Acme Coaching", "Acme")],
    )


# --- looking at files -------------------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_xml(path: Path) -> dict[str, str]:
    """Every worksheet part of a saved workbook, by its name in the zip."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }


def leftovers(folder: Path) -> list[str]:
    """Temporary files a save may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~partnersheet-"))


def header_columns(sheet: Any, row: int) -> dict[str, int]:
    """Header text → column number (1 = A) for the header row `row` of an openpyxl sheet."""
    return {
        cell.value: cell.column
        for cell in sheet[row]
        if isinstance(cell.value, str) and cell.value.strip()
    }


# --- the contract's rules, worked out independently -----------------------------------------


#: Days from a Last contact to the next, by band, as the contract's default Settings give
#: them; a Ditch partner never gets a reminder.
CONTACT_DAYS: dict[str, int] = {"Strong": 30, "Keep": 60, "Improve": 90}


def expected_next_contact(
    last_contact: dt.date | None, band: str | None, days: Mapping[str, int] = CONTACT_DAYS
) -> dt.date | None:
    """The contract's Next contact: Last contact plus its band's days, counted on the day
    numbers of the calendar; None without a date, a band, or days for that band."""
    if last_contact is None or band is None or not days.get(band):
        return None
    return dt.date.fromordinal(last_contact.toordinal() + days[band])


def round_half_away(value: float, digits: int = 1) -> float:
    """Excel's ROUND: halves away from zero, on the decimal number shown."""
    return float(Decimal(repr(value)).quantize(Decimal(10) ** -digits, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Expected:
    """What the contract says a partner's computed columns hold (Score what is there)."""

    weighted_score: float | None
    rank: int | None
    band: str | None
    work_on: str | None
    score_per_hour: float | None
    status: str


def expected_results(
    partners: Sequence[Mapping[str, object]],
    weights: Mapping[str, float] | None = None,
    *,
    low: int = 1,
    high: int = 5,
    thresholds: tuple[float, float, float] = (75, 50, 30),
) -> dict[str, Expected]:
    """Partner name → its computed columns, straight from the contract's formula."""
    weight = {name: 1.0 for name in INGREDIENTS} | dict(weights or {})
    rounded: dict[str, float | None] = {}
    statuses: dict[str, str] = {}
    for partner in partners:
        name = str(partner["Partner"])
        given = {i: partner.get(i) for i in INGREDIENTS}
        counted = [i for i in INGREDIENTS if given[i] is not None]
        missing = [i for i in INGREDIENTS if given[i] is None]
        weight_sum = sum(weight[i] for i in counted)
        if not counted:
            rounded[name], statuses[name] = None, "Not ranked: no ingredient is scored yet"
            continue
        total = sum(weight[i] * (int(given[i]) - low) for i in counted)  # type: ignore[call-overload]
        rounded[name] = round_half_away(100 * total / ((high - low) * weight_sum))
        statuses[name] = f"Provisional: {', '.join(missing)} not scored" if missing else "OK"
    strong, keep, improve = thresholds
    results = {}
    for partner in partners:
        name = str(partner["Partner"])
        score = rounded[name]
        rank = band = None
        if score is not None:
            rank = 1 + sum(1 for s in rounded.values() if s is not None and s > score)
            band = (
                "Strong"
                if score >= strong
                else "Keep"
                if score >= keep
                else "Improve"
                if score >= improve
                else "Ditch"
            )
        gains = {
            i: weight[i] * (high - (low if partner.get(i) is None else int(partner[i])))  # type: ignore[call-overload]
            for i in INGREDIENTS
        }
        best = max(gains.values())
        work_on = ", ".join([i for i in INGREDIENTS if gains[i] == best][:2]) if best > 0 else None
        hours = partner.get("Hours per month")
        per_hour = (
            round_half_away(score / float(hours))  # type: ignore[arg-type]
            if score is not None and hours and not math.isclose(float(hours), 0)  # type: ignore[arg-type]
            else None
        )
        results[name] = Expected(score, rank, band, work_on, per_hour, statuses[name])
    return results
