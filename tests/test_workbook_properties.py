"""Properties of whole workbooks: random partners, weights and settings, written to a real
file with XlsxWriter and run through the command line.

The workbooks are sometimes wrong on purpose (text in a score, a score out of range, a
duplicate partner, a bad weight, a bad setting), so that the properties cover the path that
reports problems as well as the one that writes a review.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import (
    COMPUTED,
    INGREDIENTS,
    PARTNER_HEADERS,
    build_partners_workbook,
    digest,
    header_columns,
    write_rows,
)
from partnersheet.cli import main

REVIEW_DATE = "2026-11-22"
OWN_COLUMN = "My notes"
OWN_SHEET = "Diary"

examples = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- random workbooks ------------------------------------------------------------------------

#: Letters (some accented), digits, spaces and the punctuation people type in names.
_TEXT = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHZÉéöüß0123456789 -'&.()=@+"),
    min_size=1,
    max_size=16,
)
#: Names that matter: formula-looking text, accents, a trailing space, one that is a number.
_NAMES = st.one_of(
    st.sampled_from(
        ["Ann Patel", "Bea Ltd", "=1+1", "@SUM(A1)", "Zoë Müller", "O'Brien & Co ", "42"]
    ),
    _TEXT,
)
_GROUPS = st.sampled_from([None, "Coaching", " coaching  ", "Tax", "Leadership coaching"])
_ALSO_REFERS_TO = st.sampled_from([None, "Acme", "acme; Beta Ltd", "Nobody Ltd", "Acme, Acme"])
_POLICIES = ["Score what is there", "Count as lowest", "Do not rank"]


@dataclass
class Book:
    """What to write: the sheets of one workbook, before XlsxWriter writes it."""

    partners: list[dict[str, object]]
    low: int = 1
    high: int = 5
    weights: dict[str, object] | None = None
    settings: dict[str, object] | None = None
    competitors: list[tuple[str, str]] | None = None
    diary: list[list[object]] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)


@st.composite
def scales(draw: st.DrawFn) -> tuple[int, int]:
    low = draw(st.integers(0, 2))
    return low, draw(st.integers(low + 1, low + 9))


@st.composite
def partners(draw: st.DrawFn, low: int, high: int) -> dict[str, object]:
    score = st.one_of(st.none(), st.integers(low, high))
    partner: dict[str, object] = {
        "Partner": draw(_NAMES),
        "Organisation": draw(st.one_of(st.none(), st.just("Acme Coaching"), _TEXT)),
        "Competitor group": draw(_GROUPS),
        "Also refers to": draw(_ALSO_REFERS_TO),
        "Agreement": draw(st.sampled_from([None, "Written", "verbal", "None"])),
        "Hours per month": draw(st.one_of(st.none(), st.integers(0, 20), st.just(2.5))),
        "Referrals sent": draw(st.one_of(st.none(), st.integers(0, 6))),
        "Referrals received": draw(st.one_of(st.none(), st.integers(0, 6), st.just(" 3 "))),
        "Fees received": draw(st.one_of(st.none(), st.integers(0, 9000), st.just("1,250"))),
        "Last contact": draw(st.one_of(st.none(), st.dates(dt.date(2024, 1, 1)))),
        "Notes": draw(st.one_of(st.none(), _TEXT)),
        OWN_COLUMN: draw(st.one_of(st.none(), _TEXT, st.integers(-5, 5))),
    }
    for ingredient in INGREDIENTS:
        partner[ingredient] = draw(score)
    return partner


#: What can be wrong in a workbook, and what each does to it.
MISTAKES = (
    "text score",
    "score too high",
    "score too low",
    "duplicate partner",
    "negative weight",
    "text weight",
    "blank weight",
    "unknown setting",
    "thresholds not falling",
)


@st.composite
def books(draw: st.DrawFn) -> Book:
    low, high = draw(scales())
    book = Book(
        partners=draw(st.lists(partners(low, high), min_size=1, max_size=7)),
        low=low,
        high=high,
    )
    if draw(st.booleans()):
        book.weights = {
            name: draw(st.one_of(st.integers(0, 5), st.sampled_from([0.5, 1.5])))
            for name in INGREDIENTS
        }
        if not any(book.weights.values()):
            book.weights["Trust"] = 1
    if draw(st.booleans()) or (low, high) != (1, 5):
        strong, keep, improve = sorted(draw(st.sets(st.integers(1, 99), min_size=3, max_size=3)))[
            ::-1
        ]
        book.settings = {"Lowest score": low, "Highest score": high}
        optional = {
            "Strong from": strong,
            "Keep from": keep,
            "Improve from": improve,
            "Chargeable rate": draw(st.integers(0, 250)),
            "Currency": draw(st.sampled_from(["£", "$", "€", "CHF "])),
            "Missing scores": draw(st.sampled_from(_POLICIES)),
        }
        chosen = draw(st.sets(st.sampled_from(sorted(optional))))
        # Thresholds are written together, or the defaults could stop them falling.
        if chosen & {"Strong from", "Keep from", "Improve from"}:
            chosen |= {"Strong from", "Keep from", "Improve from"}
        book.settings |= {name: optional[name] for name in sorted(chosen)}
    if draw(st.booleans()):
        book.competitors = [("Acme Coaching", "Acme"), ("Beta Ltd", "")]
    book.diary = [["Date", "What"], [dt.date(2026, 3, 1), draw(_TEXT)], [7, "=not a formula"]]
    for mistake in draw(st.lists(st.sampled_from(MISTAKES), max_size=2)):
        make_mistake(draw, book, mistake)
    return book


def make_mistake(draw: st.DrawFn, book: Book, mistake: str) -> None:
    partner = draw(st.sampled_from(book.partners))
    ingredient = draw(st.sampled_from(INGREDIENTS))
    if mistake == "text score":
        partner[ingredient] = draw(st.sampled_from(["five", "4.5", "high", "n/a"]))
    elif mistake == "score too high":
        partner[ingredient] = book.high + draw(st.integers(1, 3))
    elif mistake == "score too low":
        partner[ingredient] = book.low - draw(st.integers(1, 3))
    elif mistake == "duplicate partner":
        twin = dict(draw(st.sampled_from(book.partners)))
        twin["Partner"] = f"  {str(twin['Partner']).upper()} "
        book.partners.append(twin)
    elif mistake in ("negative weight", "text weight", "blank weight"):
        book.weights = book.weights or dict.fromkeys(INGREDIENTS, 1)
        book.weights[ingredient] = {
            "negative weight": -1,
            "text weight": "heavy",
            "blank weight": None,
        }[mistake]
    elif mistake == "unknown setting":
        book.settings = (book.settings or {}) | {"Colour": "blue"}
    elif mistake == "thresholds not falling":
        book.settings = (book.settings or {}) | {"Strong from": 40, "Keep from": 60}
    book.mistakes.append(mistake)


#: Where each mistake is reported: the start of its problem line.
REPORTED_ON = {
    "text score": "Partners!",
    "score too high": "Partners!",
    "score too low": "Partners!",
    "duplicate partner": "Partners!A",
    "negative weight": "Weights!B",
    "text weight": "Weights!B",
    "blank weight": "Weights!B",
    "unknown setting": "Settings!A",
    "thresholds not falling": "Settings!",
}
#: `Sheet!Cell: what is wrong and what to do`, or `Sheet: …` for the sheet as a whole.
PROBLEM_LINE = re.compile(r"^(Partners|Weights|Settings|Competitors|History)(![A-Z]*[0-9]+)?: \S")


def write_book(book: Book, path: Path) -> Path:
    def add_diary(workbook: Any) -> None:
        write_rows(workbook, workbook.add_worksheet(OWN_SHEET), 1, book.diary)

    return build_partners_workbook(
        path,
        book.partners,
        headers=[*PARTNER_HEADERS, OWN_COLUMN],
        weights=book.weights,
        settings=book.settings,
        competitors=book.competitors,
        extra=add_diary,
    )


# --- running the command -----------------------------------------------------------------------


@contextmanager
def written(book: Book) -> Iterator[Path]:
    """The workbook written to a file in a folder of its own, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        yield write_book(book, Path(folder) / "partners.xlsx")


def run(*args: str | Path) -> Result:
    """Run partnersheet; whatever the workbook holds, no traceback and exit 0 or 1."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stderr, "an exit status of 1 with nothing said"
    return result


def review(path: Path) -> Result:
    return run("review", path, "--date", REVIEW_DATE)


def every_cell(path: Path) -> dict[str, dict[str, object]]:
    """Sheet title → coordinate → value, for every cell holding something.

    An empty text counts as nothing: openpyxl writes it as an empty cell, as Excel does.
    """
    workbook = openpyxl.load_workbook(path)
    return {
        sheet.title: {
            cell.coordinate: cell.value
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None and cell.value != ""
        }
        for sheet in workbook.worksheets
    }


# --- the properties ------------------------------------------------------------------------------


@examples
@given(book=books())
def test_a_second_review_on_the_same_day_changes_nothing(book: Book) -> None:
    with written(book) as path:
        built = digest(path)
        first = review(path)
        if first.exit_code == 1:
            assert digest(path) == built
            assert review(path).stderr == first.stderr
            assert digest(path) == built
            return
        once = every_cell(path)
        copy = path.with_name("again.xlsx")
        shutil.copyfile(path, copy)
        second = review(copy)
        assert second.exit_code == 0, second.output
        assert second.stdout.replace("again.xlsx", "partners.xlsx") == first.stdout
        twice = every_cell(copy)
        assert list(twice) == list(once)
        for title in once:
            assert twice[title] == once[title], title


@examples
@given(book=books())
def test_a_review_changes_no_cell_of_the_user(book: Book) -> None:
    with written(book) as path:
        before = every_cell(path)
        built = digest(path)
        if review(path).exit_code == 1:
            assert digest(path) == built
            return
        after = every_cell(path)
        partners = openpyxl.load_workbook(path)["Partners"]
        computed = {
            openpyxl.utils.get_column_letter(column)
            for header, column in header_columns(partners, 1).items()
            if header in COMPUTED
        }
        assert len(computed) == len(COMPUTED)
        assert set(before) <= set(after)
        for title, cells in before.items():
            assert title not in ("Review", "History")
            kept = after[title]
            if title == "Partners":
                kept = {c: v for c, v in kept.items() if c.rstrip("0123456789") not in computed}
            assert kept == cells, title


@examples
@given(book=books())
def test_check_and_review_agree_on_what_is_wrong(book: Book) -> None:
    with written(book) as path:
        checked = run("check", path)
        event("has problems" if checked.exit_code else "no problems")
        reviewed = review(path)
        assert reviewed.exit_code == checked.exit_code, (checked.output, reviewed.output)
        lines = checked.stderr.splitlines()
        if checked.exit_code == 1:
            assert reviewed.stderr.splitlines() == lines
            assert all(PROBLEM_LINE.match(line) for line in lines), lines
        else:
            assert checked.stderr == reviewed.stderr == ""
        # Each kind of mistake made on purpose is reported, on its sheet.
        for mistake in book.mistakes:
            where = REPORTED_ON[mistake]
            assert any(line.startswith(where) for line in lines), (mistake, lines)


@examples
@given(book=books())
def test_no_workbook_makes_a_command_print_a_traceback(book: Book) -> None:
    with written(book) as path:
        dated = ["--date", REVIEW_DATE]
        for args in (
            [],
            ["--dry-run", *dated],
            ["--dry-run", "--json", *dated],
            ["--output", path.with_name("out.xlsx"), *dated],
        ):
            result = run("review" if args else "check", path, *args)
            if "--json" in args and result.exit_code == 0:
                assert json.loads(result.stdout)["reviewed_on"] == REVIEW_DATE
