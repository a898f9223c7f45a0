"""Round trips: a workbook made by another program, reviewed, reloaded and checked cell by cell.

The workbooks are built with XlsxWriter, laid out the way a person might (a title above the
header, their own columns, other sheets), so nothing here relies on partnersheet's own writer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
import xlwings
from click.testing import CliRunner

from conftest import (
    COMPUTED,
    EXAMPLE,
    HISTORY_HEADERS,
    INGREDIENTS,
    PARTNER_HEADERS,
    Formula,
    build_partners_workbook,
    digest,
    expected_next_contact,
    expected_results,
    header_columns,
    new_xlsxwriter_book,
    partner_rows,
    scores,
    sheet_xml,
    write_rows,
    write_value,
)
from partnersheet.cli import main
from partnersheet.excel.vba import partnersheet_vba_project

# --- a workbook laid out by a person ----------------------------------------------------------

#: Another order than the template's, with the user's own "My notes" and "Follow-up by"
#: columns, and one computed column ("Band") already there in the middle.
RICH_HEADERS: tuple[str, ...] = (
    "Organisation",
    "Partner",
    "My notes",
    "Trust",
    "Shared goals",
    "Friendship",
    "Opportunity",
    "Band",
    "Credibility",
    "Regular communication",
    "Values alignment",
    "Hours per month",
    "Competitor group",
    "Also refers to",
    "Referrals received",
    "Referrals sent",
    "Fees received",
    "Last contact",
    "Agreement",
    "Notes",
    "Follow-up by",
)
HEADER_ROW = 3
RICH_WEIGHTS = {
    "Trust": 1,
    "Friendship": 0.5,
    "Opportunity": 2,
    "Credibility": 1,
    "Regular communication": 1,
    "Shared goals": 1,
    "Values alignment": 0,
}
WEIGHTS_TEXT = (
    "Trust 1, Friendship 0.5, Opportunity 2, Credibility 1, Regular communication 1, "
    "Shared goals 1, Values alignment 0"
)
THRESHOLDS = (80, 55, 35)

#: Partner rows by sheet row; row 6 holds only the user's own note, so it is no partner.
RICH_ROWS: dict[int, dict[str, object]] = {
    4: {
        "Partner": "Ann Patel",
        "Organisation": "Patel Accountancy",
        "My notes": "best source of work",
        "Band": "stale",
        "Hours per month": 4,
        "Referrals received": 6,
        "Referrals sent": 2,
        "Fees received": 9000,
        "Last contact": dt.date(2026, 1, 5),
        "Agreement": "Written",
        "Notes": "Met at the chamber breakfast",
        "Follow-up by": "Sam",
        **scores(5, 4, 5, 4, 4, 5, 5),
    },
    5: {
        "Partner": "Bob Stone",
        "Competitor group": "Leadership coaching",
        "Also refers to": "Acme",
        "Hours per month": 3,
        "Referrals received": " 2 ",
        **scores(3, 3, 4, 3, 2, 3, 3),
    },
    6: {"My notes": "ask Bob about Cara", "Band": "stale"},
    7: {
        "Partner": "Cara Diaz",
        "Competitor group": "leadership  coaching",
        "Hours per month": 5,
        "Referrals received": 0,
        **scores(2, 1, 2, 2, 1, 2, 1),
    },
    8: {"Partner": "Dan Wu", **scores(4, None, "4", None, None, None, None)},
    9: {"Partner": "Eve Moss", "Also refers to": "Zed Partners"},
    10: {
        "Partner": "Fay Ng",
        "Organisation": "BP",
        "Hours per month": Formula("=1+1", 2),
        **scores(3, 3, 4, 3, 2, 3, 3),
    },
}
PARTNER_ROWS = {row: values for row, values in RICH_ROWS.items() if "Partner" in values}
EXPECTED_CONFLICTS = {
    "Ann Patel": None,
    "Bob Stone": (
        "Competes with Cara Diaz (Leadership coaching); "
        "Refers work to your competitor Acme Coaching"
    ),
    "Cara Diaz": "Competes with Bob Stone (Leadership coaching)",
    "Dan Wu": None,
    "Eve Moss": "Refers work to Zed Partners (not on your Competitors sheet)",
    "Fay Ng": "Works for your competitor Brightpath",
}


def _as_typed(partner: dict[str, object]) -> dict[str, object]:
    """The values the contract reads: numbers typed as text are numbers, formulas their result."""
    read: dict[str, object] = {}
    for key, value in partner.items():
        if isinstance(value, Formula):
            value = value.cached
        elif key in INGREDIENTS and isinstance(value, str):
            value = int(value)
        read[key] = value
    return read


def build_rich_workbook(path: Path, *, formulas: bool = True) -> Path:
    """The workbook a person might keep: see the module docstring.

    Without `formulas`, the one formula input (Fay Ng's hours) is typed as its result.
    """
    book = new_xlsxwriter_book(path)
    title = book.add_format({"bold": True, "font_size": 14})
    subtitle = book.add_format({"italic": True, "font_color": "#666666"})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 2})
    mine = book.add_format({"italic": True, "bg_color": "#FFF2CC"})
    money = book.add_format({"num_format": "£#,##0"})
    good = book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
    high = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})

    partners = book.add_worksheet("Partners")
    partners.merge_range("A1:F1", "Referral partners 2026", title)
    partners.set_row(0, 28)
    partners.write_string(1, 0, "Scores from 1 to 5; reviewed every month.", subtitle)
    for column, text in enumerate(RICH_HEADERS):
        partners.write_string(HEADER_ROW - 1, column, text, header)
    last = max(RICH_ROWS)
    for row in range(HEADER_ROW + 1, last + 1):
        values = RICH_ROWS.get(row, {})
        if not formulas:
            values = {k: v.cached if isinstance(v, Formula) else v for k, v in values.items()}
        (cells,) = partner_rows([values], RICH_HEADERS)
        for column, value in enumerate(cells):
            name = RICH_HEADERS[column]
            cell_format = mine if name == "My notes" else money if name == "Fees received" else None
            write_value(book, partners, row - 1, column, value, cell_format)
    partners.write_comment(
        "C3", "Only for me: partnersheet must leave it alone.", {"author": "Sam"}
    )
    partners.set_column("B:B", 24)
    partners.set_column("C:C", 30)
    partners.set_column("D:K", 11)
    partners.set_column("T:T", 40)
    partners.freeze_panes(HEADER_ROW, 2)
    partners.autofilter(HEADER_ROW - 1, 0, last - 1, len(RICH_HEADERS) - 1)
    partners.data_validation(
        "D4:G100",
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 5,
            "input_title": "Score",
            "input_message": "1 (lowest) to 5 (highest)",
        },
    )
    partners.data_validation(
        "S4:S100", {"validate": "list", "source": ["Written", "Verbal", "None"]}
    )
    partners.conditional_format(
        "D4:K100", {"type": "cell", "criteria": ">=", "value": 5, "format": good}
    )
    partners.conditional_format("L4:L100", {"type": "3_color_scale"})

    weights = book.add_worksheet("Weights")
    write_rows(
        book,
        weights,
        1,
        [
            ["Ingredient", "Weight", "Action"],
            *(
                [name, weight, f"Talk about {name.lower()}."]
                for name, weight in RICH_WEIGHTS.items()
            ),
        ],
    )
    settings = book.add_worksheet("Settings")
    write_rows(
        book,
        settings,
        1,
        [
            ["Setting", "Value"],
            ["Strong from", THRESHOLDS[0]],
            ["Keep from", THRESHOLDS[1]],
            ["Improve from", THRESHOLDS[2]],
            ["Chargeable rate", 90],
            ["Currency", "€"],
        ],
    )
    competitors = book.add_worksheet("Competitors")
    write_rows(
        book,
        competitors,
        1,
        [["Competitor", "Also known as"], ["Acme Coaching", "Acme"], ["Brightpath", "BP; B.P."]],
    )

    notes = book.add_worksheet("Notes")
    notes.write_string("A1", "Budget", book.add_format({"bold": True}))
    notes.write_comment("A1", "Check with the accountant.", {"author": "Sam"})
    notes.write_string("A2", "Monthly")
    notes.write_number("B2", 1200, money)
    notes.write_string("A3", "Yearly")
    notes.write_formula("B3", "=B2*12", money, 14400)
    notes.write_string("A5", "Next step")
    notes.write_string("B5", "Lunch")
    notes.data_validation("B5:B20", {"validate": "list", "source": "=Lists!$A$1:$A$3"})
    notes.conditional_format(
        "B2:B3", {"type": "cell", "criteria": ">", "value": 1000, "format": high}
    )
    notes.set_column("A:A", 18)
    notes.set_tab_color("#FF9900")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "Budget", "values": "=Notes!$B$2:$B$3"})
    notes.insert_chart("D2", chart)
    notes.activate()

    lists = book.add_worksheet("Lists")
    write_rows(book, lists, 1, [["Call"], ["Email"], ["Lunch"]])
    lists.hide()

    book.define_name("PartnerList", "=Partners!$B$4:$B$100")
    book.define_name("Notes!Budget", "=Notes!$B$2")
    book.close()
    return path


# --- what a workbook holds, to compare before and after ----------------------------------------


def cells(sheet: Any, skip_columns: Collection[int] = ()) -> dict[str, tuple[Any, ...]]:
    """Every cell with a value, a style or a comment: value, type, look and comment."""
    found = {}
    for (_, column), cell in sorted(sheet._cells.items()):
        if column in skip_columns:
            continue
        comment = (cell.comment.text, cell.comment.author) if cell.comment else None
        found[cell.coordinate] = (
            cell.value,
            cell.data_type,
            cell.number_format,
            # Copies, because openpyxl's style proxies only compare equal to themselves.
            copy(cell.font),
            copy(cell.fill),
            copy(cell.border),
            copy(cell.alignment),
            copy(cell.protection),
            comment,
        )
    return found


def validations(sheet: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (
            str(dv.sqref),
            dv.type,
            dv.operator,
            dv.formula1,
            dv.formula2,
            dv.allow_blank,
            dv.promptTitle,
            dv.prompt,
        )
        for dv in sheet.data_validations.dataValidation
    )


def conditional_formats(sheet: Any) -> list[tuple[Any, ...]]:
    found = []
    for rules in sheet.conditional_formatting:
        for rule in rules.rules:
            dxf = rule.dxf
            found.append(
                (
                    str(rules.sqref),
                    rule.type,
                    rule.operator,
                    tuple(rule.formula),
                    repr(dxf.font) if dxf else None,
                    repr(dxf.fill) if dxf else None,
                    repr(rule.colorScale),
                )
            )
    return sorted(found)


def sheet_look(sheet: Any, skip_columns: Collection[int]) -> dict[str, Any]:
    """Everything about a sheet apart from its cells."""
    from openpyxl.utils import column_index_from_string

    return {
        "widths": {
            letter: (dim.min, dim.max, dim.width, dim.hidden)
            for letter, dim in sheet.column_dimensions.items()
            if column_index_from_string(letter) not in skip_columns
        },
        "heights": {row: dim.height for row, dim in sheet.row_dimensions.items() if dim.height},
        "validations": validations(sheet),
        "conditional formats": conditional_formats(sheet),
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
        "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "state": sheet.sheet_state,
        "tab colour": repr(sheet.sheet_properties.tabColor),
        "charts": len(sheet._charts),
        "names": {name: d.attr_text for name, d in sheet.defined_names.items()},
    }


def reviewed(path: Path, output: Path | None, day: str) -> Path:
    args = ["review", str(path), "--date", day]
    if output is not None:
        args += ["--output", str(output)]
    result = CliRunner().invoke(main, args, prog_name="partnersheet", catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    return output or path


@pytest.fixture(params=["in place", "--output"])
def rich_review(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """The rich workbook as built (openpyxl, before) and after one review (openpyxl, after)."""
    path = build_rich_workbook(tmp_path / "partners.xlsx")
    before = openpyxl.load_workbook(path)
    original = digest(path)
    output = tmp_path / "reviewed.xlsx" if request.param == "--output" else None
    result = reviewed(path, output, "2026-01-10")
    if output is not None:
        assert digest(path) == original, "--output changed the input"
    else:
        assert digest(path) != original
    yield before, openpyxl.load_workbook(result)


# --- the rich workbook ---------------------------------------------------------------------


def computed_columns(before: Any) -> set[int]:
    """Columns partnersheet owns on Partners: the computed headers there before, and after
    the last header those it adds."""
    columns = header_columns(before["Partners"], HEADER_ROW)
    owned = {columns[name] for name in COMPUTED if name in columns}
    return owned | set(range(len(RICH_HEADERS) + 1, len(RICH_HEADERS) + 1 + len(COMPUTED)))


def test_sheets_are_kept_in_order_with_review_and_history_added(
    rich_review: tuple[Any, Any],
) -> None:
    before, after = rich_review
    assert before.sheetnames == ["Partners", "Weights", "Settings", "Competitors", "Notes", "Lists"]
    # The sheets there were keep their places (print areas and filters are tied to them).
    assert after.sheetnames == [
        "Partners",
        "Weights",
        "Settings",
        "Competitors",
        "Notes",
        "Lists",
        "Review",
        "History",
    ]
    assert after.active.title == "Notes"
    selected = [s.title for s in after.worksheets if s.sheet_view.tabSelected]
    assert selected in ([], ["Notes"]), "more than one tab selected: Excel would group them"


def test_every_user_cell_is_unchanged(rich_review: tuple[Any, Any]) -> None:
    before, after = rich_review
    for title in before.sheetnames:
        skip = computed_columns(before) if title == "Partners" else set()
        assert cells(after[title], skip) == cells(before[title], skip), title


def test_user_cells_keep_their_look(rich_review: tuple[Any, Any]) -> None:
    # Spelled out, so a failure names what was lost; the cell-by-cell test covers the rest.
    _, after = rich_review
    partners = after["Partners"]
    assert partners["A1"].value == "Referral partners 2026"
    assert partners["A1"].font.b and partners["A1"].font.sz == 14
    assert partners["C4"].value == "best source of work"
    assert partners["C4"].fill.fill_type == "solid"
    assert partners["C4"].fill.fgColor.rgb == "FFFFF2CC"
    assert partners["C4"].font.i
    assert partners["C3"].comment.text == "Only for me: partnersheet must leave it alone."
    assert partners["C3"].comment.author == "Sam"
    assert partners["Q4"].number_format == "£#,##0"
    assert partners.column_dimensions["C"].width == pytest.approx(30.7109375)
    notes = after["Notes"]
    assert notes["A1"].comment.text == "Check with the accountant."
    assert notes["B3"].value == "=B2*12" and notes["B3"].data_type == "f"
    assert after["Lists"].sheet_state == "hidden"


def test_everything_else_on_each_sheet_is_kept(rich_review: tuple[Any, Any]) -> None:
    before, after = rich_review
    for title in before.sheetnames:
        skip = computed_columns(before) if title == "Partners" else set()
        assert sheet_look(after[title], skip) == sheet_look(before[title], skip), title
    partners = sheet_look(after["Partners"], computed_columns(before))
    assert partners["merged"] == ["A1:F1"]
    assert partners["freeze"] == "C4"
    assert partners["filter"] == "A3:U10"
    assert [v[0] for v in partners["validations"]] == ["D4:G100", "S4:S100"]
    assert [c[0] for c in partners["conditional formats"]] == ["D4:K100", "L4:L100"]
    notes = sheet_look(after["Notes"], set())
    assert notes["validations"][0][:4] == ("B5:B20", "list", None, "Lists!$A$1:$A$3")
    assert notes["conditional formats"][0][:4] == ("B2:B3", "cellIs", "greaterThan", ("1000",))
    assert notes["charts"] == 1
    assert notes["names"] == {"Budget": "Notes!$B$2"}


def test_defined_names_are_kept(rich_review: tuple[Any, Any]) -> None:
    before, after = rich_review
    names = {name: d.attr_text for name, d in after.defined_names.items()}
    assert names == {name: d.attr_text for name, d in before.defined_names.items()}
    assert names["PartnerList"] == "Partners!$B$4:$B$100"


def test_computed_columns_follow_the_contract(rich_review: tuple[Any, Any]) -> None:
    _, after = rich_review
    sheet = after["Partners"]
    columns = header_columns(sheet, HEADER_ROW)
    # Band was already there; the others are added after the last header, in the contract's order.
    assert columns["Band"] == 8
    added = [name for name in COMPUTED if name != "Band"]
    assert [columns[name] for name in added] == list(range(22, 22 + len(added)))
    expected = expected_results(
        [_as_typed(p) for p in PARTNER_ROWS.values()], RICH_WEIGHTS, thresholds=THRESHOLDS
    )
    assert {name: e.weighted_score for name, e in expected.items()} == {
        "Ann Patel": 90.4,
        "Bob Stone": 53.8,
        "Cara Diaz": 19.2,
        "Dan Wu": 75.0,
        "Eve Moss": None,
        "Fay Ng": 53.8,
    }
    for row, partner in PARTNER_ROWS.items():
        name = str(partner["Partner"])
        want = expected[name]
        got = {header: sheet.cell(row, columns[header]).value for header in COMPUTED}
        assert got == {
            "Weighted score": want.weighted_score,
            "Rank": want.rank,
            "Band": want.band,
            "Work on": want.work_on,
            "Conflicts": EXPECTED_CONFLICTS[name],
            "Score per hour": want.score_per_hour,
            "Status": want.status,
            "Trend": None,  # a first review: no trend yet
            "Next contact": _midnight(expected_next_contact(_last_contact(partner), want.band)),
        }, name
    # The row with only the user's own note is no partner: its computed cells are cleared.
    assert [sheet.cell(6, columns[h]).value for h in COMPUTED] == [None] * len(COMPUTED)
    assert sheet.cell(6, 3).value == "ask Bob about Cara"
    assert sheet.cell(HEADER_ROW + 8, columns["Status"]).value is None


def _last_contact(partner: Mapping[str, object]) -> dt.date | None:
    value = partner.get("Last contact")
    return value if isinstance(value, dt.date) else None


def _midnight(day: dt.date | None) -> dt.datetime | None:
    """A date as openpyxl reads a date cell back."""
    return None if day is None else dt.datetime.combine(day, dt.time())


def test_review_and_history_are_written(rich_review: tuple[Any, Any]) -> None:
    _, after = rich_review
    review = after["Review"]
    assert review["A1"].value == "Partnership review, 10 January 2026"
    # A paragraph is broken into the lines it shows: read as one text, its lines joined.
    texts = [
        c.value.replace("\n", " ")
        for row in review.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert "edits made here are lost" in texts[1]
    assert any(t.startswith("Ann Patel is your most important partnership") for t in texts)
    assert any(t.startswith("Cara Diaz is your least effective partnership") for t in texts)
    history = after["History"]
    rows = list(history.iter_rows(values_only=True))
    assert rows == [
        HISTORY_HEADERS,
        (dt.datetime(2026, 1, 10), "Ann Patel", 90.4, 1, "Strong", WEIGHTS_TEXT),
        (dt.datetime(2026, 1, 10), "Dan Wu", 75.0, 2, "Keep", WEIGHTS_TEXT),
        (dt.datetime(2026, 1, 10), "Bob Stone", 53.8, 3, "Improve", WEIGHTS_TEXT),
        (dt.datetime(2026, 1, 10), "Fay Ng", 53.8, 3, "Improve", WEIGHTS_TEXT),
        (dt.datetime(2026, 1, 10), "Cara Diaz", 19.2, 5, "Ditch", WEIGHTS_TEXT),
    ]


def _history(path: Path) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)["History"].iter_rows(min_row=2, values_only=True))


def test_history_adds_rows_per_day_and_replaces_the_same_day(tmp_path: Path) -> None:
    # Without the formula input: see test_a_formula_input_can_be_reviewed_twice.
    path = build_rich_workbook(tmp_path / "partners.xlsx", formulas=False)
    reviewed(path, None, "2026-01-10")
    first = _history(path)
    assert [(r[0], r[1], r[2]) for r in first][:1] == [
        (dt.datetime(2026, 1, 10), "Ann Patel", 90.4)
    ]

    # Ann's Trust drops from 5 to 1 and the review is run again the same day.
    book = openpyxl.load_workbook(path)
    trust = header_columns(book["Partners"], HEADER_ROW)["Trust"]
    book["Partners"].cell(4, trust).value = 1
    book.save(path)
    reviewed(path, None, "2026-01-10")
    again = _history(path)
    assert len(again) == len(first) == 5
    assert {r[0] for r in again} == {dt.datetime(2026, 1, 10)}
    ann = next(r for r in again if r[1] == "Ann Patel")
    assert ann[2] == 75.0  # (23.5 - 4) / 26

    result = CliRunner().invoke(
        main, ["review", str(path), "--date", "2026-02-10", "--json"], prog_name="partnersheet"
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["previous_review"] == "2026-01-10"
    assert {p["partner"]: p["change"] for p in document["partners"]} == {
        "Ann Patel": 0.0,
        "Dan Wu": 0.0,
        "Bob Stone": 0.0,
        "Fay Ng": 0.0,
        "Cara Diaz": 0.0,
        "Eve Moss": None,
    }
    later = _history(path)
    assert later[:5] == again
    assert [r[0] for r in later[5:]] == [dt.datetime(2026, 2, 10)] * 5
    assert [r[1:] for r in later[5:]] == [r[1:] for r in again]


def test_a_review_for_an_earlier_day_keeps_history_in_date_order(tmp_path: Path) -> None:
    path = build_rich_workbook(tmp_path / "partners.xlsx", formulas=False)
    reviewed(path, None, "2026-01-10")
    reviewed(path, None, "2026-03-10")
    january, march = _history(path)[:5], _history(path)[5:]
    # A review dated between the two, as with --date for a review that was missed.
    reviewed(path, None, "2026-02-10")
    history = _history(path)
    assert [row[0] for row in history] == [
        *[dt.datetime(2026, 1, 10)] * 5,
        *[dt.datetime(2026, 2, 10)] * 5,
        *[dt.datetime(2026, 3, 10)] * 5,
    ]
    assert history[:5] == january
    assert history[10:] == march
    # And for a day before every review: its rows go first.
    reviewed(path, None, "2025-12-10")
    assert [row[0] for row in _history(path)][:6] == [
        *[dt.datetime(2025, 12, 10)] * 5,
        dt.datetime(2026, 1, 10),
    ]


def test_a_formula_input_can_be_reviewed_twice(tmp_path: Path) -> None:
    path = build_rich_workbook(tmp_path / "partners.xlsx")
    reviewed(path, None, "2026-01-10")
    # openpyxl drops saved results; the review puts back those of the cells it read.
    cached = openpyxl.load_workbook(path, data_only=True)["Partners"]
    assert 2 in [row[0] for row in cached.iter_rows(min_col=12, max_col=12, values_only=True)]
    reviewed(path, None, "2026-01-11")
    assert openpyxl.load_workbook(path)["Partners"]["L10"].value == "=1+1"


# --- text that looks like a formula -------------------------------------------------------------

TRICKY = ("=1+1", "@SUM(A1)", "+1", "-1+2", '=HYPERLINK("http://x","y")')
TRICKY_PARTNERS: tuple[dict[str, object], ...] = (
    {
        "Partner": "=1+1",
        "Notes": "=1+1",
        "Offers": "@SUM(A1)",
        "Fees received": 100,
        **scores(5, 5, 5, 5, 5, 5, 4),
    },
    {
        "Partner": "@SUM(A1)",
        "Also refers to": "@SUM(A1)",
        "Notes": "@SUM(A1)",
        **scores(4, 4, 4, 4, 4, 4, 4),
    },
    {
        "Partner": "+1",
        "Competitor group": "=1+1",
        "Organisation": "+1",
        "Notes": "+1",
        "Hours per month": 2,
        **scores(3, 3, 3, 3, 3, 3, 3),
    },
    {
        "Partner": "-1+2",
        "Competitor group": "=1+1",
        "Notes": "-1+2",
        "Hours per month": 1,
        **scores(2, 2, None, 2, 2, 2, 2),
    },
    {
        "Partner": '=HYPERLINK("http://x","y")',
        "Organisation": "-1+2",
        "Also refers to": "=1+1",
        "Notes": '=HYPERLINK("http://x","y")',
        **scores(1, 1, 1, 1, 1, 1, 1),
    },
)


def build_tricky_workbook(path: Path) -> Path:
    def notes_sheet(book: Any) -> None:
        write_rows(book, book.add_worksheet("Notes"), 1, [[text] for text in TRICKY])

    return build_partners_workbook(
        path,
        TRICKY_PARTNERS,
        competitors=[('=HYPERLINK("http://x","y")', "@SUM(A1); +1")],
        extra=notes_sheet,
    )


def assert_text_never_formula(path: Path) -> None:
    for name, xml in sheet_xml(path).items():
        assert not re.search(r"<(\w+:)?f[\s>/]", xml), f"{name} holds a formula"
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"


@pytest.mark.parametrize("in_place", [True, False], ids=["in place", "--output"])
def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, in_place: bool) -> None:
    path = build_tricky_workbook(tmp_path / "partners.xlsx")
    output = None if in_place else tmp_path / "reviewed.xlsx"
    result = reviewed(path, output, "2026-03-01")
    # Twice more: History's own text is read back and written again, on the same and a later day.
    reviewed(result, None, "2026-03-01")
    reviewed(result, None, "2026-03-02")
    assert_text_never_formula(result)

    book = openpyxl.load_workbook(result)
    partners = book["Partners"]
    columns = header_columns(partners, 1)
    for row, partner in enumerate(TRICKY_PARTNERS, start=2):
        for header, value in partner.items():
            if isinstance(value, str):
                cell = partners.cell(row, columns[header])
                assert (cell.value, cell.data_type) == (value, "s")
    conflicts = {
        partners.cell(row, columns["Partner"]).value: partners.cell(row, columns["Conflicts"]).value
        for row in range(2, 2 + len(TRICKY_PARTNERS))
    }
    assert conflicts == {
        "=1+1": None,
        "@SUM(A1)": (
            'Refers work to your competitor =HYPERLINK("http://x","y"); '
            "Is on your Competitors sheet"
        ),
        "+1": "Competes with -1+2 (=1+1); Is on your Competitors sheet",
        "-1+2": "Competes with +1 (=1+1)",
        '=HYPERLINK("http://x","y")': (
            "Refers work to =1+1 (not on your Competitors sheet); Is on your Competitors sheet"
        ),
    }
    review = {
        c.value for row in book["Review"].iter_rows() for c in row if isinstance(c.value, str)
    }
    assert set(TRICKY) <= review
    history = [r[1] for r in book["History"].iter_rows(min_row=2, values_only=True)]
    ranked = ["=1+1", "@SUM(A1)", "+1", "-1+2", '=HYPERLINK("http://x","y")']
    assert history == ranked * 2
    assert [c.value for c in book["Notes"]["A"]] == list(TRICKY)


def test_json_names_are_the_text_typed(tmp_path: Path) -> None:
    path = build_tricky_workbook(tmp_path / "partners.xlsx")
    result = CliRunner().invoke(
        main, ["review", str(path), "--json", "--dry-run", "--date", "2026-03-01"]
    )
    assert result.exit_code == 0, result.output
    assert [p["partner"] for p in json.loads(result.stdout)["partners"]] == list(TRICKY)


# --- a macro-enabled workbook ------------------------------------------------------------------


def vba_project(folder: Path) -> Path:
    """A real vbaProject.bin: XlsxWriter's own sample when installed with it, or one taken
    out of the macro-enabled workbook xlwings ships, as XlsxWriter's vba_extract does; failing
    both, the one partnersheet builds for its own macro-enabled workbook.
    """
    shipped = sorted(Path(xlsxwriter.__file__).parent.rglob("vbaProject*.bin"))
    if shipped:
        return shipped[0]
    extracted = folder / "vbaProject.bin"
    for source in sorted(Path(xlwings.__file__).parent.glob("*.xlsm")):
        with zipfile.ZipFile(source) as archive:
            if "xl/vbaProject.bin" in archive.namelist():
                extracted.write_bytes(archive.read("xl/vbaProject.bin"))
                return extracted
    extracted.write_bytes(partnersheet_vba_project(["Sheet1"]))
    return extracted


def build_macro_workbook(path: Path, vba: Path) -> Path:
    def macros(book: Any) -> None:
        book.add_vba_project(str(vba))
        book.set_vba_name("ThisWorkbook")
        book.worksheets()[0].set_vba_name("Sheet1")
        book.worksheets()[0].insert_button(
            "W2", {"macro": "Recalculate", "caption": "Recalculate", "width": 120, "height": 30}
        )

    return build_partners_workbook(path, TRICKY_PARTNERS[:2], extra=macros)


@pytest.mark.parametrize("in_place", [True, False], ids=["in place", "--output"])
def test_macros_and_button_survive(tmp_path: Path, in_place: bool) -> None:
    vba = vba_project(tmp_path)
    assert vba.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    path = build_macro_workbook(tmp_path / "partners.xlsm", vba)
    with zipfile.ZipFile(path) as archive:
        macros = archive.read("xl/vbaProject.bin")
    output = None if in_place else tmp_path / "reviewed.xlsm"
    result = reviewed(path, output, "2026-03-01")
    with zipfile.ZipFile(result) as archive:
        assert archive.read("xl/vbaProject.bin") == macros
        types = archive.read("[Content_Types].xml").decode()
        buttons = [
            archive.read(n).decode("utf-8", "replace")
            for n in archive.namelist()
            if n.endswith(".vml")
        ]
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert any("Recalculate" in vml for vml in buttons), "the Recalculate button is gone"
    assert "<legacyDrawing" in sheet_xml(result)["xl/worksheets/sheet1.xml"]
    assert openpyxl.load_workbook(result, keep_vba=True)["Review"]["A1"].value == (
        "Partnership review, 1 March 2026"
    )


def test_macro_workbook_output_must_be_xlsm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    vba = vba_project(tmp_path)
    path = build_macro_workbook(tmp_path / "partners.xlsm", vba)
    original = digest(path)
    result = CliRunner().invoke(
        main, ["review", "partners.xlsm", "--output", "reviewed.xlsx"], prog_name="partnersheet"
    )
    assert result.exit_code == 1
    assert digest(path) == original
    assert not (tmp_path / "reviewed.xlsx").exists()


# --- the template's order, for completeness -------------------------------------------------


def test_template_order_workbook_round_trips(tmp_path: Path) -> None:
    partners = [
        {"Partner": "Ann", **scores(5, 4, 5, 4, 4, 5, 5), "Hours per month": 2},
        {"Partner": "Bob", **scores(1, 2, 1, 2, 1, 2, 1)},
    ]
    path = build_partners_workbook(tmp_path / "partners.xlsx", partners)
    reviewed(path, None, "2026-03-01")
    sheet = openpyxl.load_workbook(path)["Partners"]
    header = [c.value for c in sheet[1]]
    assert header == [*PARTNER_HEADERS, *COMPUTED]
    expected = expected_results(partners)
    assert [c.value for c in sheet[2]][len(PARTNER_HEADERS) :] == [
        expected["Ann"].weighted_score,
        1,
        "Strong",
        "Friendship, Credibility",
        None,
        expected["Ann"].score_per_hour,
        "OK",
        None,  # no trend: a first review
        None,  # no Last contact, so no Next contact
    ]


# --- column widths set over many columns at once ----------------------------------------------


def column_ranges(
    path: Path, sheet: str = "xl/worksheets/sheet1.xml"
) -> list[tuple[int, int, str]]:
    """The <col> elements of a saved sheet: first and last column, width."""
    found = []
    for element in re.findall(r"<col\s[^>]*>", sheet_xml(path)[sheet]):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', element))
        found.append((int(attributes["min"]), int(attributes["max"]), attributes["width"]))
    return sorted(found)


def test_new_columns_inside_a_width_set_for_many_columns(tmp_path: Path) -> None:
    # Selecting columns A:Z and setting one width is common; the computed columns land inside.
    def widths(book: Any) -> None:
        book.worksheets()[0].set_column("A:Z", 12)

    path = build_partners_workbook(
        tmp_path / "partners.xlsx",
        [{"Partner": "Ann", **scores(5, 4, 5, 4, 4, 5, 5)}],
        extra=widths,
    )
    before = column_ranges(path)
    reviewed(path, None, "2026-03-01")
    after = column_ranges(path)
    # Excel repairs (and warns about) a sheet whose column ranges overlap.
    for (_, last, _), (first, _, _) in itertools.pairwise(after):
        assert first > last, f"overlapping column ranges {after}"
    # The computed columns T to Z keep the width set; Trend and Next contact, in AA and AB,
    # get widths of their own.
    assert after == [*before, (27, 27, "14"), (28, 28, "14")]


# --- what openpyxl cannot keep ---------------------------------------------------------------

try:
    import PIL  # noqa: F401

    HAVE_PILLOW = True
except ImportError:
    HAVE_PILLOW = False

#: A 1×1 PNG.
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.mark.xfail(
    not HAVE_PILLOW,
    reason="openpyxl drops pictures when Pillow is not installed, without a word",
    strict=True,
)
def test_a_picture_on_a_user_sheet_survives(tmp_path: Path) -> None:
    picture = tmp_path / "logo.png"
    picture.write_bytes(PICTURE)

    def logo(book: Any) -> None:
        book.add_worksheet("Notes").insert_image("B2", str(picture))

    path = build_partners_workbook(
        tmp_path / "partners.xlsx", [{"Partner": "Ann", **scores(5, 4, 5, 4, 4, 5, 5)}], extra=logo
    )
    reviewed(path, None, "2026-03-01")
    with zipfile.ZipFile(path) as archive:
        assert [n for n in archive.namelist() if n.startswith("xl/media/")] != []


def test_a_text_box_on_a_user_sheet_survives_a_review_in_place(tmp_path: Path) -> None:
    """A review writes only its own parts: a text box on a user's sheet is kept as it was."""

    def text_box(book: Any) -> None:
        book.add_worksheet("Notes").insert_textbox("B2", "Call Ann before the summer.")

    path = build_partners_workbook(
        tmp_path / "partners.xlsx",
        [{"Partner": "Ann", **scores(5, 4, 5, 4, 4, 5, 5)}],
        extra=text_box,
    )
    with zipfile.ZipFile(path) as archive:
        before = {n: archive.read(n) for n in archive.namelist() if n.startswith("xl/drawings/")}

    reviewed(path, None, "2026-03-01")
    with zipfile.ZipFile(path) as archive:
        after = {n: archive.read(n) for n in archive.namelist() if n in before}
    assert after == before
    assert any(b"Call Ann before the summer." in d for d in after.values())


def test_a_replaced_review_that_was_open_stays_the_one_selected_tab(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    reviewed(path, None, "2026-11-22")
    book = openpyxl.load_workbook(path)
    book.active = book.sheetnames.index("Review")
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Review"
    book.save(path)
    reviewed(path, None, "2026-11-23")
    book = openpyxl.load_workbook(path)
    assert book.active.title == "Review"
    assert [ws.title for ws in book.worksheets if ws.sheet_view.tabSelected] == ["Review"]
