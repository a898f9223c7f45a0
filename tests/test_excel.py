"""The Recalculate path: `partnersheet.excel` on xlwings' real `Book` API (its remote engine).

Each test builds the JSON an xlwings client inside Excel sends for a real workbook file, runs
`recalculate` on it, and checks the actions xlwings would have Excel perform. Replaying those
actions on a copy of the file must give, cell for cell, what `partnersheet review` writes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from conftest import EXAMPLE, ROOT, build_partners_workbook, scores
from partnersheet import excel
from partnersheet.cli import main
from partnersheet.excel import live
from remote_excel import payload, replay, sheet_values
from test_roundtrip import build_rich_workbook

DAY = dt.date(2026, 11, 22)


def remote_book(path: Path) -> Any:
    return xw.Book(json=payload(path))


def actions_of(book: Any) -> list[dict[str, Any]]:
    return list(book.json()["actions"])


def cli_review(path: Path, day: dt.date = DAY) -> None:
    result = CliRunner().invoke(
        main, ["review", str(path), "--date", day.isoformat()], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output


def reviewed_earlier(tmp_path: Path) -> Path:
    path = tmp_path / "earlier.xlsx"
    shutil.copy(EXAMPLE, path)
    cli_review(path, dt.date(2026, 10, 1))
    return path


def reviewed_today(tmp_path: Path) -> Path:
    path = tmp_path / "today.xlsx"
    shutil.copy(EXAMPLE, path)
    cli_review(path)
    return path


def user_columns(tmp_path: Path) -> Path:
    """Computed columns missing, a user column among the inputs, and gaps between partners."""
    headers = ("Notes", "Partner", "My column", "Hours per month", *scores(*[0] * 7))
    partners = [
        {
            "Partner": "Ann",
            "Notes": "n",
            "My column": "x",
            "Hours per month": 3,
            **scores(5, 4, 3, 2, 1, 2, 3),
        },
        {},
        {"Partner": "=Bob", "My column": 7, **scores(1, 2, 3, 4, 5, 4, 3)},
        {"Partner": "Cy", **scores(None, None, 3, 4, None, None, None)},
    ]
    return build_partners_workbook(tmp_path / "columns.xlsx", partners, headers=headers)


def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    shutil.copy(ROOT / "workbook_template.xlsx", path)
    return path


def example(tmp_path: Path) -> Path:
    path = tmp_path / "example.xlsx"
    shutil.copy(EXAMPLE, path)
    return path


def rich(tmp_path: Path) -> Path:
    return build_rich_workbook(tmp_path / "rich.xlsx")


def macro_example(tmp_path: Path) -> Path:
    """The macro-enabled example: a status line above the table, Review there already."""
    path = tmp_path / "example.xlsm"
    result = CliRunner().invoke(main, ["new", str(path), "--example"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


WORKBOOKS: dict[str, Callable[[Path], Path]] = {
    "example": example,
    "example reviewed on an earlier day": reviewed_earlier,
    "example reviewed today already": reviewed_today,
    "template, no partners": template,
    "user columns and gaps": user_columns,
    "rich workbook": rich,
    "macro-enabled example": macro_example,
}


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_recalculate_writes_what_review_writes(tmp_path: Path, case: str) -> None:
    source = WORKBOOKS[case](tmp_path)
    by_command = tmp_path / f"command{source.suffix}"
    shutil.copy(source, by_command)
    cli_review(by_command)

    book = remote_book(source)
    result = excel.recalculate(book, reviewed_on=DAY)
    assert result is not None
    replayed = replay(actions_of(book), source, tmp_path / f"replayed{source.suffix}")

    assert replayed.alerts == []
    assert sheet_values(replayed_path := tmp_path / f"replayed{source.suffix}") == sheet_values(
        by_command
    ), f"{replayed_path.name} differs from partnersheet review's result"
    charts = len(result.review_sheet.charts)
    assert replayed.charts_added == ({"Review": charts} if charts else {})


def test_next_contact_and_the_overdue_list_are_dates_in_both(tmp_path: Path) -> None:
    source = example(tmp_path)
    by_command = tmp_path / "command.xlsx"
    shutil.copy(source, by_command)
    cli_review(by_command)
    book = remote_book(source)
    assert excel.recalculate(book, reviewed_on=DAY) is not None
    replay(actions_of(book), source, tmp_path / "replayed.xlsx")
    replayed = sheet_values(tmp_path / "replayed.xlsx")
    assert replayed == sheet_values(by_command)

    partners = replayed["Partners"]
    header = {value: column for (row, column), value in partners.items() if row == 1}
    next_contact = {
        partners[(row, header["Partner"])]: value
        for (row, column), value in partners.items()
        if row > 1 and column == header["Next contact"]
    }
    assert next_contact["Priya Shah"] == dt.date(2026, 11, 7)  # 2026-10-08 + 30, Strong
    assert next_contact["Dr Helen Okafor"] == dt.date(2026, 11, 17)  # 2026-09-18 + 60, Keep
    assert "Sarah Lindqvist" not in next_contact and "Fiona Mackay" not in next_contact
    review = replayed["Review"]
    overdue = [
        tuple(review.get((row, column)) for column in range(2, 7))
        for (row, column), value in review.items()
        if column == 4 and isinstance(value, dt.date)
    ]
    assert overdue == [
        ("Priya Shah", "Strong", dt.date(2026, 10, 8), 15, "Hannah Reid"),
        ("Dr Helen Okafor", "Keep", dt.date(2026, 9, 18), 5, "Sam Turner"),
    ]


def test_few_range_writes(tmp_path: Path) -> None:
    book = remote_book(example(tmp_path))
    excel.recalculate(book, reviewed_on=DAY)
    counts = Counter(action["func"] for action in actions_of(book))
    # One block for the computed columns, one for the Review, one for History.
    assert counts["setValues"] == 3
    assert counts["addSheet"] == 0  # the example has its Review and History already
    assert counts["addChart"] == 3  # the scores, the scores over time, the time given


def test_replaces_the_review_and_its_chart(tmp_path: Path) -> None:
    book = remote_book(reviewed_earlier(tmp_path))
    excel.recalculate(book, reviewed_on=DAY)
    funcs = [action["func"] for action in actions_of(book)]
    assert "addSheet" not in funcs
    assert funcs.count("deleteChart") == 3
    deleted = [a["args"][0] for a in actions_of(book) if a["func"] == "deleteChart"]
    assert deleted == [2, 1, 0]  # last first, each by its place
    assert funcs.index("deleteChart") < funcs.index("sheetClear") < funcs.index("addChart")


def test_text_is_written_as_text(tmp_path: Path) -> None:
    book = remote_book(user_columns(tmp_path))
    excel.recalculate(book, reviewed_on=DAY)
    written = [
        value
        for action in actions_of(book)
        if action["func"] == "setValues"
        for row in action["values"]
        for value in row
        if isinstance(value, str) and value
    ]
    assert "'=Bob" in written
    dates = {value for value in written if not value.startswith("'")}
    assert dates == {DAY.isoformat()}, "only dates may go without the text mark"


def problems_book(tmp_path: Path) -> Path:
    partners = [
        {"Partner": "Ann", **scores(5, 4, 9, 2, 1, 2, 3)},
        {"Partner": "Ann", **scores(1, 2, 3, 4, 5, 4, 3)},
    ]
    return build_partners_workbook(tmp_path / "problems.xlsx", partners)


def test_problems_go_to_a_message_box_and_nothing_is_written(tmp_path: Path) -> None:
    path = problems_book(tmp_path)
    checked = CliRunner().invoke(main, ["check", str(path)])
    assert checked.exit_code == 1
    book = remote_book(path)
    assert excel.recalculate(book, reviewed_on=DAY) is None
    actions = actions_of(book)
    assert [a["func"] for a in actions] == ["alert"]
    message = actions[0]["args"][0]
    for line in checked.stderr.splitlines():
        assert line in message
    assert message.startswith("The workbook has 2 problems, so nothing was recalculated")
    assert actions[0]["args"][1] == "partnersheet"


def test_a_status_cell_reports_success_and_problems(tmp_path: Path) -> None:
    def named_status(book: Any) -> None:
        book.define_name("PartnersheetStatus", "=Partners!$AZ$1")

    partners = [{"Partner": "Ann", **scores(5, 4, 3, 2, 1, 2, 3)}]
    path = build_partners_workbook(tmp_path / "ok.xlsx", partners, extra=named_status)
    book = remote_book(path)
    excel.recalculate(book, reviewed_on=DAY)
    status = [a for a in actions_of(book) if a["func"] == "setValues" and a["start_column"] == 51]
    assert [a["values"] for a in status] == [
        [
            [
                "'Reviewed on 2026-11-22: 1 partner, 1 ranked, 0 still to score. "
                "The answers are on the Review sheet."
            ]
        ]
    ]

    bad = [{"Partner": "Ann", **scores(5, 4, 9, 2, 1, 2, 3)}]
    path = build_partners_workbook(tmp_path / "bad.xlsx", bad, extra=named_status)
    book = remote_book(path)
    excel.recalculate(book, reviewed_on=DAY)
    actions = actions_of(book)
    assert [a["func"] for a in actions] == ["setValues", "alert"]
    assert actions[0]["values"][0][0].startswith(
        "'Not recalculated on 2026-11-22: 1 problem. The first: Partners!"
    )


def test_a_stray_cell_far_away_is_a_problem_not_a_stall(tmp_path: Path) -> None:
    def stray(book: Any) -> None:
        book.get_worksheet_by_name("Partners").write_string(1_048_575, 16_383, "stray")

    partners = [{"Partner": "Ann", **scores(5, 4, 3, 2, 1, 2, 3)}]
    path = build_partners_workbook(tmp_path / "stray.xlsx", partners, extra=stray)
    # Seventeen billion values cannot be built here; the used range's address is what counts.
    book = xw.Book(json=payload(path, cut=40))
    assert excel.recalculate(book, reviewed_on=DAY) is None
    alert = actions_of(book)[-1]
    assert "Partners!XFD1048576: the sheet's used range reaches XFD1048576" in alert["args"][0]


def test_main_runs_the_calling_book_and_never_shows_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = remote_book(example(tmp_path))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    excel.main()
    funcs = Counter(a["func"] for a in actions_of(book))
    assert funcs["setValues"] == 3 and funcs["alert"] == 0

    broken = remote_book(example(tmp_path))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: broken))

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full\nmore detail")

    monkeypatch.setattr(live, "plan_review", fail)
    excel.main()
    actions = actions_of(broken)
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0].startswith(
        "partnersheet could not finish: RuntimeError: the disk is full\n"
    )
    assert "Traceback" not in actions[0]["args"][0]


def a1(block: Any) -> str:
    return (
        f"${get_column_letter(block.left)}${block.top}:"
        f"${get_column_letter(block.right)}${block.bottom}"
    )


def test_the_charts_are_drawn_from_the_cells_the_command_draws_them_from(tmp_path: Path) -> None:
    book = remote_book(reviewed_earlier(tmp_path))
    result = excel.recalculate(book, reviewed_on=DAY)
    assert result is not None
    specs = result.review_sheet.charts
    actions = actions_of(book)
    added = [a["args"] for a in actions if a["func"] == "addChart"]
    assert [args[1] for args in added] == ["BarClustered", "LineMarkers", "XYScatter"]
    assert [args[3] for args in added] == [a1(spec.series) for spec in specs]
    assert [args[8] for args in added] == ["Columns", "Rows", "Columns"]
    x_values = [a["args"][2] for a in actions if a["func"] == "setChartXAxisValues"]
    assert x_values == [a1(spec.categories) for spec in specs]
    # No series is coloured (xlwings before 0.37.5 cannot) and no point labelled (xlwings
    # cannot take names from cells): the Less time answer is the second series, unlabelled.
    assert "setChartSeries" not in {a["func"] for a in actions}


def test_the_print_area_is_the_one_the_command_sets(tmp_path: Path) -> None:
    source = example(tmp_path)
    book = remote_book(source)
    result = excel.recalculate(book, reviewed_on=DAY)
    assert result is not None
    (area,) = [a["args"] for a in actions_of(book) if a["func"] == "setPrintArea"]
    by_command = tmp_path / "command.xlsx"
    shutil.copy(source, by_command)
    cli_review(by_command)
    assert f"'Review'!{area[0]}" == openpyxl.load_workbook(by_command)["Review"].print_area
