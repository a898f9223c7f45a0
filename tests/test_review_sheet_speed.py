"""The Review sheet's fast layout gives what the plain one gives: row heights measured cell
by cell and every line made by ReviewLine's own __init__."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnersheet import review_sheet
from partnersheet.model import CellValue
from partnersheet.review_sheet import (
    COLUMN_WIDTHS,
    LineKind,
    ReviewLayout,
    ReviewLine,
    build_review_sheet,
)

DAY = dt.date(2026, 11, 22)
FIELDS = tuple(field.name for field in dataclasses.fields(ReviewLine))


def plain_lines(
    first_row: int,
    kind: LineKind,
    rows: Iterable[tuple[CellValue, ...]],
    formats: tuple[str | None, ...],
    heights: Iterable[float | None],
) -> list[ReviewLine]:
    return [
        ReviewLine(row, kind, cells, formats, None, height)
        for row, cells, height in zip(count(first_row), rows, heights)
    ]


def laid_out(plain: bool, **arguments: Any) -> ReviewLayout | tuple[str, tuple[Any, ...]]:
    """The layout, made the fast way or the plain way; an error as its type and arguments."""
    with pytest.MonkeyPatch.context() as patch:
        if plain:
            patch.setattr(review_sheet, "_tallest_by_column", lambda *_: None)
            patch.setattr(review_sheet, "_new_lines", plain_lines)
        try:
            return build_review_sheet(**arguments)
        except (ValueError, TypeError) as error:
            return type(error).__name__, error.args


def assert_laid_out_alike(
    ranking: Sequence[Any],
    still_to_score: Sequence[tuple[str, str]],
    answers: tuple[str, str, Sequence[str], str] = ("a", "b", ("c",), "d"),
    previous_review: dt.date | None = None,
) -> None:
    arguments: dict[str, Any] = {
        "reviewed_on": DAY,
        "previous_review": previous_review,
        "answers": answers,
        "ranking": ranking,
        "still_to_score": still_to_score,
    }
    fast = laid_out(False, **arguments)
    plain = laid_out(True, **arguments)
    assert repr(fast) == repr(plain)
    if isinstance(fast, ReviewLayout):
        for line in fast.lines:
            # The same object as ReviewLine(...) makes: a plain instance, its fields in order.
            assert type(line) is ReviewLine
            assert tuple(vars(line)) == FIELDS
            again = ReviewLine(**vars(line))
            assert vars(line) == vars(again)
            assert line == again and hash(line) == hash(again)


#: Texts as long as a column holds, or a line or two more: where rounding up matters.
CAPACITIES = [max(1, int(width * 1.2)) for width in COLUMN_WIDTHS]
EDGE_TEXT = st.sampled_from(
    sorted(
        {
            "W" * (c * lines + extra)
            for c in CAPACITIES
            for lines in (1, 2, 3)
            for extra in (-1, 0, 1)
        }
    )
)
TEXT = st.text(alphabet=st.sampled_from(["a", "W", " ", "é", "\n"]), max_size=70) | EDGE_TEXT
ONE_PLACE = st.floats(-1000, 1000).map(lambda value: round(value, 1))
#: Cells as plan_review makes them.
ORDINARY_ROW = st.tuples(
    st.integers(1, 10**4),
    TEXT.filter(lambda text: "\n" not in text),
    ONE_PLACE,
    st.none() | st.just("new") | ONE_PLACE,
    st.none() | st.sampled_from(["Strong", "Keep", "Review", "Ditch", ""]),
    st.none() | st.sampled_from(["Trust", "Shared goals, Values alignment and Credibility"]),
    st.none() | TEXT,
    st.none() | ONE_PLACE,
    st.none() | ONE_PLACE,
)
#: Any cell: odd types and values too.
ANY_CELL = (
    st.none()
    | TEXT
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.sampled_from([0.0, -0.0, 85.7, 1e16, 0.1 + 0.2, True, False, 1, 1.0, "new"])
    | st.sampled_from([dt.date(2026, 1, 2), dt.timedelta(hours=1)])
)
ODD_ROW = (
    st.tuples(*[ANY_CELL] * len(COLUMN_WIDTHS))
    | st.lists(ANY_CELL, min_size=len(COLUMN_WIDTHS), max_size=len(COLUMN_WIDTHS))
    | st.tuples(*[ANY_CELL] * (len(COLUMN_WIDTHS) - 1))
    | st.tuples(*[st.none()] * len(COLUMN_WIDTHS))
)
WAITING = st.lists(st.tuples(TEXT, TEXT), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    ranking=st.lists(ORDINARY_ROW, max_size=30)
    | st.lists(ORDINARY_ROW | ODD_ROW, max_size=12)
    | st.lists(ODD_ROW, max_size=6),
    still_to_score=WAITING,
    conflicts=st.lists(TEXT, min_size=1, max_size=23),
    previous_review=st.none() | st.just(dt.date(2025, 11, 22)),
)
def test_the_fast_layout_is_the_plain_one(
    ranking: list[Any],
    still_to_score: list[tuple[str, str]],
    conflicts: list[str],
    previous_review: dt.date | None,
) -> None:
    assert_laid_out_alike(ranking, still_to_score, ("a", "b", conflicts, "d"), previous_review)


def ordinary_ranking(size: int, seed: int) -> list[tuple[CellValue, ...]]:
    chosen = random.Random(seed)
    ranking: list[tuple[CellValue, ...]] = []
    for rank in range(1, size + 1):
        conflicts = "; ".join(f"Firm {chosen.randrange(99)}" for _ in range(chosen.randrange(9)))
        if not chosen.randrange(50):
            conflicts = "W" * chosen.choice([55, 110, 111, 165])
        ranking.append(
            (
                rank,
                f"Partner {rank:06}",
                round(chosen.uniform(0, 100), 1),
                chosen.choice([None, "new", round(chosen.uniform(-50, 50), 1), -0.0, 0.0]),
                chosen.choice(["Strong", "Keep", "Review", None]),
                chosen.choice(["Trust", "Shared goals, Values alignment and Credibility"]),
                conflicts or None,
                chosen.choice([None, 0.0, 2.0, 4.0, 12.5]),
                chosen.choice([None, round(chosen.uniform(0, 60), 1)]),
            )
        )
    return ranking


@pytest.mark.parametrize("seed", range(6))
def test_a_large_ranking_is_laid_out_alike_with_one_odd_cell(seed: int) -> None:
    # One odd cell among many ordinary ones, where a few cells looked at would miss it.
    ranking = ordinary_ranking(2000, seed)
    waiting = [(f"Partner {n:06}", "Provisional: Trust not scored") for n in range(300)]
    assert_laid_out_alike(ranking, waiting)
    chosen = random.Random(seed)
    odd = chosen.choice([1, True, 100, "x" * 40, "two\nlines", 1.0000000000000002, None])
    row = chosen.randrange(1, len(ranking))
    column = chosen.randrange(len(COLUMN_WIDTHS))
    cells = list(ranking[row])
    cells[column] = odd
    ranking[row] = tuple(cells)
    assert_laid_out_alike(ranking, waiting)


def test_an_ordinary_ranking_takes_the_fast_path() -> None:
    # The comparisons above compare something: ordinary rankings are measured by column.
    for seed in range(3):
        ranking = ordinary_ranking(500, seed)
        assert review_sheet._tallest_by_column(ranking, COLUMN_WIDTHS) is not None


def test_empty_lists_are_laid_out_alike() -> None:
    assert_laid_out_alike([], [])
    assert_laid_out_alike([], [("Ann", "Not scored")])
    assert_laid_out_alike(ordinary_ranking(3, 0), [])
