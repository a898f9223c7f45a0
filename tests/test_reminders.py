"""Contact reminders: Next contact, who is overdue and by how many days, checked against a
reading of the contract worked out here (`expected_next_contact` in conftest, `reference`
below), on workbooks built with XlsxWriter and on plain rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (
    CONTACT_DAYS,
    EXAMPLE,
    TEMPLATE_HEADERS,
    build_partners_workbook,
    digest,
    expected_next_contact,
    expected_results,
    header_columns,
    scores,
)
from office import Office, soffice_or_skip
from partnersheet.cli import main
from partnersheet.core.inputs import read_inputs
from partnersheet.core.model import Band, Inputs, Settings
from partnersheet.core.reminders import next_contact
from partnersheet.core.review import plan_review
from partnersheet.core.sheets import SheetData

DAY = dt.date(2026, 11, 22)
BAND = {b.value: b for b in Band}
SETTINGS = Settings()

#: Scores giving each band with the default weights and thresholds.
BAND_SCORES: dict[str, dict[str, int | None]] = {
    "Strong": scores(5, 5, 5, 5, 5, 5, 5),  # 100
    "Keep": scores(3, 3, 3, 3, 3, 3, 3),  # 50
    "Improve": scores(3, 3, 3, 2, 2, 2, 2),  # 35.7
    "Ditch": scores(1, 1, 1, 1, 1, 1, 1),  # 0
}
UNSCORED = scores(*[None] * 7)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


def reviewed_json(path: Path, day: dt.date = DAY) -> dict[str, Any]:
    result = run("review", str(path), "--json", "--dry-run", "--date", day.isoformat())
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


# --- the reference -------------------------------------------------------------------------


def reference(
    partners: Sequence[Mapping[str, object]],
    day: dt.date,
    days: Mapping[str, int] = CONTACT_DAYS,
) -> tuple[dict[str, dt.date | None], list[tuple[str, int]], int]:
    """Each partner's Next contact; who is overdue on `day` with the days, most overdue
    first and, on equal days, in the ranking's order (score, fees, referrals received,
    name); and how many ranked partners have no Last contact."""
    expected = expected_results(partners)
    due: dict[str, dt.date | None] = {}
    for partner in partners:
        name = str(partner["Partner"])
        last = partner.get("Last contact")
        due[name] = expected_next_contact(
            last if isinstance(last, dt.date) else None, expected[name].band, days
        )

    def ranking_order(partner: Mapping[str, object]) -> tuple[Any, ...]:
        name = str(partner["Partner"])
        return (
            -(expected[name].weighted_score or 0),
            -float(partner.get("Fees received") or 0),  # type: ignore[arg-type]
            -int(partner.get("Referrals received") or 0),  # type: ignore[call-overload]
            " ".join(name.split()).casefold(),
        )

    late = []
    for partner in sorted(partners, key=ranking_order):
        name = str(partner["Partner"])
        when = due[name]
        if when is not None and day.toordinal() > when.toordinal():
            late.append((name, day.toordinal() - when.toordinal()))
    late.sort(key=lambda item: -item[1])
    missing = sum(
        1
        for p in partners
        if expected[str(p["Partner"])].rank is not None and p.get("Last contact") is None
    )
    return due, late, missing


def as_found(document: Mapping[str, Any]) -> tuple[dict[str, str | None], list[tuple[str, int]]]:
    next_contacts = {p["partner"]: p["next_contact"] for p in document["partners"]}
    overdue = [(o["partner"], o["days_overdue"]) for o in document["overdue"]]
    return next_contacts, overdue


def iso(due: Mapping[str, dt.date | None]) -> dict[str, str | None]:
    return {name: None if d is None else d.isoformat() for name, d in due.items()}


# --- at the edges, for every band -------------------------------------------------------------


def edge_partners() -> list[dict[str, object]]:
    """For each band a partner due today and one a day late, and a Ditch partner long
    silent; plus one with a Last contact after the day, one with none, one unranked."""
    partners: list[dict[str, object]] = []
    for band, days in (("Strong", 30), ("Keep", 60), ("Improve", 90)):
        partners.append(
            {
                "Partner": f"{band} due",
                "Last contact": DAY - dt.timedelta(days),
                **BAND_SCORES[band],
            }
        )
        partners.append(
            {
                "Partner": f"{band} late",
                "Last contact": DAY - dt.timedelta(days + 1),
                **BAND_SCORES[band],
            }
        )
    partners += [
        {"Partner": "Ditch silent", "Last contact": dt.date(2020, 1, 1), **BAND_SCORES["Ditch"]},
        {"Partner": "Keep ahead", "Last contact": DAY + dt.timedelta(3), **BAND_SCORES["Keep"]},
        {"Partner": "Keep unknown", **BAND_SCORES["Keep"]},
        {"Partner": "Not scored", "Last contact": dt.date(2020, 1, 1), **UNSCORED},
    ]
    return partners


def test_due_today_is_not_overdue_and_a_day_late_is(tmp_path: Path) -> None:
    partners = edge_partners()
    path = build_partners_workbook(tmp_path / "partners.xlsx", partners, headers=TEMPLATE_HEADERS)
    document = reviewed_json(path)
    due, late, missing = reference(partners, DAY)
    assert as_found(document) == (iso(due), late)
    assert document["no_last_contact"] == missing == 1
    # Worked out by hand, so the reference itself is checked too.
    assert late == [("Strong late", 1), ("Keep late", 1), ("Improve late", 1)]
    assert due["Strong due"] == due["Keep due"] == due["Improve due"] == DAY
    assert due["Ditch silent"] is None and due["Not scored"] is None
    assert due["Keep ahead"] == DAY + dt.timedelta(63)


@pytest.mark.parametrize(
    "days",
    [
        {"Strong": 30, "Keep": 60, "Improve": 90},
        {"Strong": 0, "Keep": 60, "Improve": 90},
        {"Strong": 1, "Keep": 0, "Improve": 7},
        {"Strong": 0, "Keep": 0, "Improve": 0},
        {"Strong": 365, "Keep": 1000, "Improve": 1},
    ],
    ids=["defaults", "no Strong reminder", "no Keep reminder", "none at all", "long and short"],
)
def test_next_contact_follows_each_bands_setting(tmp_path: Path, days: dict[str, int]) -> None:
    partners: list[dict[str, object]] = []
    lasts = [
        dt.date(2024, 2, 29),
        dt.date(2026, 1, 31),
        dt.date(2026, 11, 21),
        dt.date(2026, 12, 1),
    ]
    for band, band_scores in BAND_SCORES.items():
        for n, last in enumerate(lasts):
            partners.append(
                {
                    "Partner": f"{band} {n}",
                    "Last contact": last,
                    "Fees received": 100 * n,
                    **band_scores,
                }
            )
    settings = {f"Contact {band} every": value for band, value in days.items()}
    path = build_partners_workbook(
        tmp_path / "partners.xlsx", partners, headers=TEMPLATE_HEADERS, settings=settings
    )
    document = reviewed_json(path)
    due, late, missing = reference(partners, DAY, days)
    assert as_found(document) == (iso(due), late)
    assert document["no_last_contact"] == missing == 0
    for band, value in days.items():
        band_due = [due[f"{band} {n}"] for n in range(len(lasts))]
        assert (band_due == [None] * len(lasts)) == (value == 0), band
    assert all(due[f"Ditch {n}"] is None for n in range(len(lasts)))


def test_next_contact_is_a_date_cell_in_the_workbook(tmp_path: Path) -> None:
    partners = edge_partners()
    path = build_partners_workbook(tmp_path / "partners.xlsx", partners, headers=TEMPLATE_HEADERS)
    assert run("review", str(path), "--date", DAY.isoformat()).exit_code == 0
    sheet = openpyxl.load_workbook(path)["Partners"]
    columns = header_columns(sheet, 1)
    due, _, _ = reference(partners, DAY)
    for row in range(2, 2 + len(partners)):
        name = sheet.cell(row, columns["Partner"]).value
        cell = sheet.cell(row, columns["Next contact"])
        want = due[name]
        if want is None:
            assert cell.value is None, name
        else:
            assert cell.value == dt.datetime.combine(want, dt.time()), name
            assert cell.number_format == "yyyy-mm-dd"
    # Next contact is the last computed column, right after Status and Trend.
    assert columns["Next contact"] == columns["Trend"] + 1 == columns["Status"] + 2


def test_the_last_day_of_the_calendar_gives_no_next_contact() -> None:
    assert next_contact(dt.date(9999, 12, 20), BAND["Keep"], SETTINGS) is None
    assert next_contact(dt.date(9999, 10, 1), BAND["Keep"], SETTINGS) == dt.date(9999, 11, 30)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["check"], ["review"], ["review", "--output", "out.xlsx"], ["overdue"], ["overdue", "--json"]],
)
def test_bad_days_and_dates_are_each_reported_and_nothing_is_written(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    partners = [
        {"Partner": "Ann", "Last contact": "last week", "Owner": "Sam", **BAND_SCORES["Keep"]},
        {"Partner": "Bob", "Last contact": dt.date(2026, 1, 1), **BAND_SCORES["Strong"]},
    ]
    path = build_partners_workbook(
        tmp_path / "partners.xlsx",
        partners,
        headers=TEMPLATE_HEADERS,
        settings={
            "Contact Strong every": -1,
            "Contact Keep every": 2.5,
            "Contact Improve every": 0,
        },
    )
    before = digest(path)
    result = run(*command, "partners.xlsx")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        'Partners!K2: Last contact is "last week"; enter a date, such as 2026-11-22\n'
        "Settings!B2: Contact Strong every is -1; enter a whole number of days, 0 or more (0 "
        "for no reminders)\n"
        "Settings!B3: Contact Keep every is 2.5; enter a whole number of days, 0 or more (0 for "
        "no reminders)\n",
    )
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.xlsx"]


# --- the Review sheet -------------------------------------------------------------------------


def overdue_section(path: Path) -> list[tuple[Any, ...]]:
    """The Review's rows from "Overdue for contact" to the next heading, columns A to F."""
    sheet = openpyxl.load_workbook(path)["Review"]
    rows = [tuple(c.value for c in row[:6]) for row in sheet.iter_rows()]
    start = next(n for n, row in enumerate(rows) if row[0] == "Overdue for contact")
    section = []
    for row in rows[start + 1 :]:
        if str(row[0]).startswith(("By owner", "Weighted scores", "Partners still to score")):
            break
        if any(v is not None for v in row):
            section.append(row)
    return section


def test_the_review_lists_who_is_overdue(tmp_path: Path) -> None:
    partners = edge_partners()
    partners[1]["Owner"] = "Sam Turner"  # Strong late
    path = build_partners_workbook(tmp_path / "partners.xlsx", partners, headers=TEMPLATE_HEADERS)
    assert run("review", str(path), "--date", DAY.isoformat()).exit_code == 0
    day = dt.datetime.combine(DAY, dt.time())
    assert overdue_section(path) == [
        (None, "Partner", "Band", "Last contact", "Days overdue", "Owner"),
        (None, "Strong late", "Strong", day - dt.timedelta(31), 1, "Sam Turner"),
        (None, "Keep late", "Keep", day - dt.timedelta(61), 1, None),
        (None, "Improve late", "Improve", day - dt.timedelta(91), 1, None),
        (
            "1 ranked partner has no Last contact, so no reminder: type when you were last in "
            "touch on the Partners sheet.",
            None,
            None,
            None,
            None,
            None,
        ),
    ]
    sheet = openpyxl.load_workbook(path)["Review"]
    dates = [row[3] for row in sheet.iter_rows() if isinstance(row[3].value, dt.datetime)]
    assert [d.number_format for d in dates] == ["yyyy-mm-dd"] * 3


def test_the_review_says_when_nobody_is_overdue(tmp_path: Path) -> None:
    partners = [
        {"Partner": "Ann", "Last contact": DAY, **BAND_SCORES["Strong"]},
        {"Partner": "Bob", "Last contact": dt.date(2020, 1, 1), **BAND_SCORES["Ditch"]},
        {"Partner": "Cy", **UNSCORED},
    ]
    path = build_partners_workbook(tmp_path / "partners.xlsx", partners, headers=TEMPLATE_HEADERS)
    assert run("review", str(path), "--date", DAY.isoformat()).exit_code == 0
    assert [row[0] for row in overdue_section(path)] == [
        "None: nobody is overdue for contact.",
        "Every ranked partner has a Last contact.",
    ]
    nobody_ranked = build_partners_workbook(
        tmp_path / "unranked.xlsx", [{"Partner": "Cy", **UNSCORED}], headers=TEMPLATE_HEADERS
    )
    assert run("review", str(nobody_ranked), "--date", DAY.isoformat()).exit_code == 0
    assert [row[0] for row in overdue_section(nobody_ranked)] == [
        "None: nobody is overdue for contact."
    ]


def test_the_review_lists_the_fifty_most_overdue(tmp_path: Path) -> None:
    partners = [
        {
            "Partner": f"Partner {n:02d}",
            "Last contact": DAY - dt.timedelta(61 + n),
            **BAND_SCORES["Keep"],
        }
        for n in range(53)
    ]
    path = build_partners_workbook(tmp_path / "partners.xlsx", partners, headers=TEMPLATE_HEADERS)
    document = reviewed_json(path)
    assert [o["days_overdue"] for o in document["overdue"]] == list(range(53, 0, -1))
    assert run("review", str(path), "--date", DAY.isoformat()).exit_code == 0
    section = overdue_section(path)
    listed = [row[1] for row in section[1:] if row[1] is not None]
    assert listed == [f"Partner {n:02d}" for n in range(52, 2, -1)]  # the 50 most overdue
    assert [row[0] for row in section if row[0] is not None] == [
        "And 3 more: the Next contact column on the Partners sheet shows when each partner is "
        "due, and partnersheet overdue lists them all.",
        "Every ranked partner has a Last contact.",
    ]


# --- on plain rows: any dates, any days -----------------------------------------------------------

ROW_HEADERS = ("Partner", "Fees received", "Last contact", *scores(*[0] * 7))


def plain_inputs(partners: Sequence[Mapping[str, object]], days: Mapping[str, int]) -> Inputs:
    rows: dict[int, tuple[Any, ...]] = {1: ROW_HEADERS}
    for number, partner in enumerate(partners, start=2):
        rows[number] = tuple(partner.get(h) for h in ROW_HEADERS)
    setting_rows: dict[int, tuple[Any, ...]] = {1: ("Setting", "Value")}
    for number, (band, value) in enumerate(days.items(), start=2):
        setting_rows[number] = (f"Contact {band} every", value)
    sheets = [SheetData("Partners", rows), SheetData("Settings", setting_rows)]
    return read_inputs({s.title: s for s in sheets}, [s.title for s in sheets])


@st.composite
def contact_cases(draw: st.DrawFn) -> tuple[list[dict[str, object]], dict[str, int], dt.date]:
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
    days = {band: draw(st.integers(0, 400)) for band in ("Strong", "Keep", "Improve")}
    count = draw(st.integers(1, 8))
    partners: list[dict[str, object]] = []
    for n in range(count):
        band = draw(st.sampled_from([*BAND_SCORES, "unscored"]))
        last = draw(st.one_of(st.none(), st.dates(day - dt.timedelta(800), day + dt.timedelta(30))))
        partners.append(
            {
                "Partner": f"Partner {n}",
                "Fees received": draw(st.integers(0, 3)),
                "Last contact": last,
                **(UNSCORED if band == "unscored" else BAND_SCORES[band]),
            }
        )
    return partners, days, day


@settings(max_examples=80, deadline=None)
@given(contact_cases())
def test_any_dates_and_days_agree_with_the_reference(
    case: tuple[list[dict[str, object]], dict[str, int], dt.date],
) -> None:
    partners, days, day = case
    result = plan_review(plain_inputs(partners, days), day)
    due, late, missing = reference(partners, day, days)
    assert {p.name: p.next_contact for p in result.partners} == due
    assert [(o.partner.name, o.days_overdue) for o in result.reminders.overdue] == late
    assert result.reminders.no_last_contact == missing
    assert all(o.days_overdue >= 1 for o in result.reminders.overdue)


# --- typed in LibreOffice ---------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_last_contact_and_an_owner_typed_in_libreoffice(tmp_path: Path) -> None:
    saved = tmp_path / "partners.xlsx"
    with Office(soffice_or_skip()) as office, office.open(EXAMPLE) as document:
        # Sarah Lindqvist (row 6, Keep) has neither; a date is typed as a person types it,
        # and LibreOffice makes it a date.
        assert document.value("Partners", "A6") == "Sarah Lindqvist"
        assert document.value("Partners", "K6") is None
        document.set_formula("Partners", "K6", "2026-08-20")
        document.set_value("Partners", "L6", "  sam  TURNER ")
        assert document.value("Partners", "K6") == 46254  # the day number of 2026-08-20
        document.save_as(saved)
    result = run("overdue", str(saved), "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Overdue for contact on 2026-11-22: 3 partners.\n"
        "Sarah Lindqvist (Keep, Sam Turner): last contact 2026-08-20, 34 days overdue.\n"
        "Priya Shah (Strong, Hannah Reid): last contact 2026-10-08, 15 days overdue.\n"
        "Dr Helen Okafor (Keep, Sam Turner): last contact 2026-09-18, 5 days overdue.\n"
    )
    assert run("review", str(saved), "--date", "2026-11-22").exit_code == 0
    sheet = openpyxl.load_workbook(saved)["Partners"]
    columns = header_columns(sheet, 1)
    assert sheet.cell(6, columns["Next contact"]).value == dt.datetime(2026, 10, 19)


@pytest.mark.libreoffice
def test_a_last_contact_libreoffice_keeps_as_text_is_reported(tmp_path: Path) -> None:
    saved = tmp_path / "partners.xlsx"
    with Office(soffice_or_skip()) as office, office.open(EXAMPLE) as document:
        document.set_value("Partners", "K6", "last week")
        document.save_as(saved)
    before = digest(saved)
    for command in ("check", "review", "overdue"):
        result = run(command, str(saved))
        assert (result.exit_code, result.stdout, result.stderr) == (
            1,
            "",
            'Partners!K6: Last contact is "last week"; enter a date, such as 2026-11-22\n',
        ), command
    assert digest(saved) == before
