"""Trends from History, worked out by hand, and the band changes since the last review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from partnersheet.core.model import Column
from partnersheet.core.review import ReviewResult
from partnersheet.core.review_lines import RANKING_HEADERS, LineKind
from test_review import S25, S50, S75, S100, history_rows, review, row

TODAY = dt.date(2026, 11, 22)


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def trend_of(result: ReviewResult, name: str) -> dict[str, Any] | None:
    (found,) = [p for p in result.to_json()["partners"] if p["partner"] == name]
    trend: dict[str, Any] | None = found["trend"]
    return trend


def scores_history(name: str, *entries: tuple[int, float]) -> dict[int, tuple[Any, ...]]:
    """History rows of one partner: (days before today, weighted score)."""
    return history_rows(*((days_ago(days), name, score, 1, "Keep") for days, score in entries))


def ann_trend(*entries: tuple[int, float]) -> dict[str, Any] | None:
    """Ann's trend, her score today 50.0, her History as given."""
    return trend_of(review([row("Ann", S50)], history=scores_history("Ann", *entries)), "Ann")


# --- the slope --------------------------------------------------------------------------------


def test_three_reviews_a_month_apart() -> None:
    # 48, 49, 50 at -60, -30, 0 days: one point in 30 days.
    assert ann_trend((60, 48.0), (30, 49.0)) == {"direction": "Rising", "per_month": 1.0}


def test_four_reviews_at_uneven_dates() -> None:
    # Days -91, -60, -14, 0; scores 40, 45, 47.5, 50. Sxx = 12077 - 165² / 4 = 5270.75;
    # Sxy = -7005 + 165 × 182.5 / 4 = 523.125; 30 × 523.125 / 5270.75 = 2.98.
    trend = ann_trend((91, 40.0), (60, 45.0), (14, 47.5))
    assert trend == {"direction": "Rising", "per_month": 3.0}


def test_six_reviews_at_most_the_five_latest_earlier_ones() -> None:
    # 45 to 50 a month apart: one point a month. The review before them (0.0, six months
    # ago) is a seventh and does not count; if it did, the slope would be over 5.
    trend = ann_trend((180, 0.0), (150, 45.0), (120, 46.0), (90, 47.0), (60, 48.0), (30, 49.0))
    assert trend == {"direction": "Rising", "per_month": 1.0}


def test_a_partner_missing_from_one_review() -> None:
    history = history_rows(
        (days_ago(90), "Ann", 47.0, 1, "Keep"),
        (days_ago(90), "Bea", 60.0, 2, "Keep"),
        (days_ago(60), "Bea", 61.0, 1, "Keep"),  # Ann missed this review
        (days_ago(30), "Ann", 49.0, 1, "Keep"),
        (days_ago(30), "Bea", 62.0, 2, "Keep"),
    )
    result = review([row("Ann", S50), row("Bea", S75)], history=history)
    # Ann: -90, -30, 0 days; 47, 49, 50. Sxx = 4200, Sxy = 140: 30 × 140 / 4200 = 1.0.
    assert trend_of(result, "Ann") == {"direction": "Rising", "per_month": 1.0}
    # Bea: -90, -60, -30, 0 days; 60, 61, 62, 75. Sxx = 4500, Sxy = 202.5 + 52.5 - 37.5 +
    # 472.5 = 690: 30 × 690 / 4500 = 4.6.
    assert trend_of(result, "Bea") == {"direction": "Rising", "per_month": 4.6}


def test_fewer_than_three_scores_give_no_trend() -> None:
    assert ann_trend((30, 49.0)) is None
    assert ann_trend() is None
    history = history_rows(
        (days_ago(60), "Bea", 40.0, 1, "Keep"), (days_ago(30), "Ann", 49.0, 1, "Keep")
    )
    # Two earlier review dates, but Ann is in only one of them.
    assert trend_of(review([row("Ann", S50)], history=history), "Ann") is None


def test_a_same_day_review_does_not_count_itself() -> None:
    # A review run again today: today's rows in History are this review's own.
    history = scores_history("Ann", (60, 48.0), (30, 49.0), (0, 10.0))
    result = review([row("Ann", S50)], history=history)
    assert trend_of(result, "Ann") == {"direction": "Rising", "per_month": 1.0}


def test_later_reviews_do_not_count_for_a_review_dated_in_the_past() -> None:
    history = scores_history("Ann", (60, 48.0), (30, 49.0), (-30, 90.0))
    assert trend_of(review([row("Ann", S50)], history=history), "Ann") == {
        "direction": "Rising",
        "per_month": 1.0,
    }


def test_a_partner_not_ranked_has_no_trend() -> None:
    history = scores_history("Ann", (60, 48.0), (30, 49.0))
    assert trend_of(review([row("Ann", (None,) * 7)], history=history), "Ann") is None


# --- the three words at their edges -----------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "direction", "per_month"),
    [
        ((48.0, 49.0), "Rising", 1.0),  # exactly +1.0
        ((48.1, 49.0), "Rising", 1.0),  # +0.95, rounded half away from zero
        ((48.2, 49.1), "Steady", 0.9),
        ((50.0, 50.0), "Steady", 0.0),
        ((51.8, 50.9), "Steady", -0.9),
        ((51.9, 51.0), "Falling", -1.0),  # -0.95
        ((52.0, 51.0), "Falling", -1.0),  # exactly -1.0
    ],
)
def test_rising_steady_falling_at_the_edges(
    earlier: tuple[float, float], direction: str, per_month: float
) -> None:
    first, second = earlier
    assert ann_trend((60, first), (30, second)) == {
        "direction": direction,
        "per_month": per_month,
    }


def test_the_trend_in_the_partners_column_and_the_ranking() -> None:
    history = scores_history("Ann", (60, 52.0), (30, 51.0))
    result = review([row("Ann", S50), row("Bea", S25)], history=history)
    columns = [column for _, column in result.computed.columns]
    values = dict(result.computed.rows)[2]
    assert values[columns.index(Column.TREND)] == "Falling (-1.0 a month)"
    assert dict(result.computed.rows)[3][columns.index(Column.TREND)] is None
    lines = result.review_sheet.lines
    (header,) = [line for line in lines if line.cells == tuple(RANKING_HEADERS)]
    trend_column = RANKING_HEADERS.index("Trend, points a month")
    assert trend_column == RANKING_HEADERS.index("Change since last review") + 1
    ann = lines[header.row]  # the line after the header
    assert ann.cells[1] == "Ann" and ann.cells[trend_column] == "Falling -1.0"


def test_competing_partners_are_compared_by_their_trends() -> None:
    history = history_rows(
        (days_ago(60), "Ann", 40.0, 1, "Keep"),
        (days_ago(60), "Bea", 80.0, 2, "Keep"),
        (days_ago(30), "Ann", 45.0, 1, "Keep"),
        (days_ago(30), "Bea", 80.0, 2, "Keep"),
    )
    result = review([row("Ann", S50, group="Tax"), row("Bea", S75, group="Tax")], history=history)
    (item,) = result.conflicts
    # Since the last review Bea fell 5 and Ann rose 5; over the three reviews Ann rises 5 a month.
    assert item.detail == (
        "Ann (50.0, Keep, up 5.0, rising 5.0 a month) and Bea (75.0, Strong, down 5.0, "
        "falling 2.5 a month) compete with each other (Tax); over recent reviews, your "
        "relationship with Ann is growing faster."
    )


# --- band changes -----------------------------------------------------------------------------


def first_cells(result: ReviewResult) -> list[str]:
    return [str(line.cells[0]) if line.cells else "" for line in result.review_sheet.lines]


def band_history() -> dict[int, tuple[Any, ...]]:
    return history_rows(
        (days_ago(60), "Cal", 50.0, 1, "Keep"),
        (days_ago(30), "Ann", 80.0, 1, "Strong"),
        (days_ago(30), "Bea", 60.0, 2, "Keep"),
        (days_ago(30), "Dee", 60.0, 2, "keep"),
        (days_ago(30), "Eve", 10.0, 3, "Ditch"),
        (days_ago(30), "Fay", 40.0, 4, ""),
    )


def test_band_changes_upward_first_then_by_rank() -> None:
    partners = [
        row("Ann", S50),  # Strong → Keep
        row("Bea", S100),  # Keep → Strong
        row("Cal", S100),  # absent from the last review: no change
        row("Dee", S75, fees=10),  # keep → Strong (History's case does not matter)
        row("Eve", S25),  # Ditch → Ditch
        row("Fay", S25),  # no band in History: no change
    ]
    result = review(partners, history=band_history())
    assert result.to_json()["band_changes"] == [
        {"partner": "Bea", "from": "Keep", "to": "Strong"},
        {"partner": "Dee", "from": "Keep", "to": "Strong"},
        {"partner": "Ann", "from": "Strong", "to": "Keep"},
    ]
    texts = first_cells(result)
    start = texts.index("Band changes since the last review")
    assert texts[start + 1 : start + 4] == [
        "• Bea: Keep → Strong",
        "• Dee: Keep → Strong",
        "• Ann: Strong → Keep",
    ]
    assert result.review_sheet.lines[start].kind is LineKind.HEADING


def test_no_band_changes() -> None:
    history = history_rows((days_ago(30), "Ann", 50.0, 1, "Keep"))
    result = review([row("Ann", S50)], history=history)
    assert result.band_changes == ()
    texts = first_cells(result)
    start = texts.index("Band changes since the last review")
    assert texts[start + 1] == (
        "None: every partner ranked at the review of 23 October 2026 keeps its band."
    )
    first = review([row("Ann", S50)])
    texts = first_cells(first)
    start = texts.index("Band changes since the last review")
    assert texts[start + 1] == "None yet: this is the first review."


def test_many_band_changes_list_twenty_and_count_the_rest() -> None:
    partners = [row(f"P{n:02d}", S100) for n in range(25)]
    history = history_rows(*((days_ago(30), f"P{n:02d}", 60.0, 1, "Keep") for n in range(25)))
    result = review(partners, history=history)
    assert len(result.band_changes) == 25
    texts = first_cells(result)
    start = texts.index("Band changes since the last review")
    assert texts[start + 21] == (
        "• And 5 more: compare the Band column of the Partners sheet with History."
    )
