"""The review plan: the four answers, its JSON, the computed cells, History and the Review."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from partnersheet.core.inputs import read_inputs
from partnersheet.core.model import (
    COMPUTED_COLUMNS,
    CellValue,
    Column,
    ConflictKind,
    Inputs,
    Verdict,
)
from partnersheet.core.review import ReviewResult, plan_review
from partnersheet.core.review_charts import ChartKind
from partnersheet.core.review_lines import RANKING_HEADERS, LineKind
from partnersheet.core.review_sheet import CHART_LIMIT, QUESTIONS
from partnersheet.core.sheets import SheetData

INGREDIENT_NAMES = (
    "Trust",
    "Friendship",
    "Opportunity",
    "Credibility",
    "Regular communication",
    "Shared goals",
    "Values alignment",
)
HEADERS = (
    "Partner",  # A
    "Organisation",  # B
    "Competitor group",  # C
    "Also refers to",  # D
    "Hours per month",  # E
    "Referrals sent",  # F
    "Referrals received",  # G
    "Fees received",  # H
    *INGREDIENT_NAMES,  # I to O
)
HISTORY_HEADER = ("Reviewed on", "Partner", "Weighted score", "Rank", "Band", "Weights")
TODAY = dt.date(2026, 11, 22)

Scores = Sequence[int | None]

# Scores giving known weighted scores with all weights 1 on the 1 to 5 scale.
S100: Scores = (5, 5, 5, 5, 5, 5, 5)
S75: Scores = (4, 4, 4, 4, 4, 4, 4)
S61: Scores = (5, 4, 3, 2, 1, 5, 4)  # 60.7
S50: Scores = (3, 3, 3, 3, 3, 3, 3)
S25: Scores = (2, 2, 2, 2, 2, 2, 2)
S18: Scores = (2, 2, 2, 2, 2, 1, 1)  # 17.9


# --- helpers ---------------------------------------------------------------------------------


def row(
    name: str,
    scores: Scores = S50,
    *,
    organisation: str | None = None,
    group: str | None = None,
    refers_to: str | None = None,
    hours: float | None = None,
    sent: int | None = None,
    received: int | None = None,
    fees: float | None = None,
) -> tuple[CellValue, ...]:
    return (name, organisation, group, refers_to, hours, sent, received, fees, *scores)


def inputs_for(
    partners: Sequence[Sequence[CellValue]],
    *,
    header: Sequence[str] = HEADERS,
    header_row: int = 1,
    weights: Mapping[str, tuple[float, str]] | None = None,
    settings: Mapping[str, CellValue] | None = None,
    competitors: Sequence[Sequence[CellValue]] = (),
    history: Mapping[int, Sequence[CellValue]] | None = None,
) -> Inputs:
    rows: dict[int, Sequence[CellValue]] = {header_row: tuple(header)}
    rows.update(enumerate(partners, start=header_row + 1))
    sheets = [SheetData("Partners", rows)]
    if weights is not None:
        weight_rows: dict[int, Sequence[CellValue]] = {1: ("Ingredient", "Weight", "Action")}
        for number, name in enumerate(INGREDIENT_NAMES, start=2):
            weight, action = weights.get(name, (1, ""))
            weight_rows[number] = (name, weight, action)
        sheets.append(SheetData("Weights", weight_rows))
    if settings is not None:
        setting_rows = {1: ("Setting", "Value"), **dict(enumerate(settings.items(), start=2))}
        sheets.append(SheetData("Settings", setting_rows))
    if competitors:
        competitor_rows = {1: ("Competitor", "Also known as")}
        competitor_rows.update(enumerate(competitors, start=2))  # type: ignore[arg-type]
        sheets.append(SheetData("Competitors", competitor_rows))
    if history is not None:
        sheets.append(SheetData("History", dict(history)))
    return read_inputs({s.title: s for s in sheets}, [s.title for s in sheets])


def review(partners: Sequence[Sequence[CellValue]], **options: Any) -> ReviewResult:
    date = options.pop("date", TODAY)
    return plan_review(inputs_for(partners, **options), date)


def history_rows(*entries: tuple[dt.date, str, float, int, str]) -> dict[int, tuple[Any, ...]]:
    rows: dict[int, tuple[Any, ...]] = {1: HISTORY_HEADER}
    for number, entry in enumerate(entries, start=2):
        rows[number] = (*entry, "Trust 1, ...")
    return rows


def lines_of(result: ReviewResult, kind: LineKind) -> list[tuple[CellValue, ...]]:
    return [line.cells for line in result.review_sheet.lines if line.kind is kind]


# --- question 1: most important ----------------------------------------------------------------


def test_most_important_is_the_top_score() -> None:
    result = review([row("Low", S25), row("Top", S75), row("Mid", S50)])
    assert result.most_important is not None
    assert result.most_important.partner.name == "Top"
    assert result.least_effective is not None
    assert result.least_effective.partner.name == "Low"
    assert [p.name for p in result.ranked] == ["Top", "Mid", "Low"]


@pytest.mark.parametrize(
    ("partners", "most", "least"),
    [
        pytest.param(
            [row("Ann", fees=100), row("Bea", fees=200), row("Cal", fees=150)],
            "Bea",
            "Ann",
            id="more fees first",
        ),
        pytest.param(
            [row("Ann", fees=100, received=1), row("Bea", fees=100, received=5)],
            "Bea",
            "Ann",
            id="then more referrals received",
        ),
        pytest.param(
            [row("Ann", received=2, fees=50), row("Bea", received=9)],
            "Ann",
            "Bea",
            id="fees before referrals",
        ),
        pytest.param(
            [row("cal"), row("Bea"), row("ann")],
            "ann",
            "cal",
            id="then name, ignoring case",
        ),
        pytest.param(
            [row("Ann", fees=None, received=None), row("Bea", fees=0, received=1)],
            "Bea",
            "Ann",
            id="blank counts as zero",
        ),
        pytest.param(
            [row("Ann", S50, fees=10_000), row("Bea", S61)],
            "Bea",
            "Ann",
            id="score before fees",
        ),
    ],
)
def test_ties_are_broken_by_fees_referrals_then_name(
    partners: list[tuple[CellValue, ...]], most: str, least: str
) -> None:
    result = review(partners)
    assert result.most_important is not None
    assert result.least_effective is not None
    assert result.most_important.partner.name == most
    assert result.least_effective.partner.name == least
    # The ranking, the Review table and the JSON list follow the same order.
    order = [p.name for p in result.ranked]
    assert order[0] == most and order[-1] == least
    assert [r[1] for r in lines_of(result, LineKind.TABLE_ROW)][: len(order)] == order


def test_most_important_names_work_on_and_its_action() -> None:
    weights = {
        "Regular communication": (2.0, "Put a monthly call in both diaries."),
        "Trust": (1.0, "Follow up every referral together."),
    }
    result = review([row("Ann", (5, 5, 5, 5, 3, 5, 5)), row("Bea", S25)], weights=weights)
    most = result.most_important
    assert most is not None
    assert [i.label for i in most.partner.work_on] == ["Regular communication"]
    assert "Regular communication" in most.sentence
    assert "Put a monthly call in both diaries." in most.sentence
    assert "Follow up every referral together." not in most.sentence
    assert result.to_json()["most_important"]["work_on"] == ["Regular communication"]


def test_most_important_with_nothing_to_work_on() -> None:
    result = review([row("Ann", S100)])
    assert result.most_important is not None
    assert result.most_important.partner.work_on == ()
    assert result.to_json()["most_important"]["work_on"] == []


def test_one_ranked_partner_is_most_important_and_least_effective() -> None:
    result = review([row("Ann", S61), row("Bea", (None,) * 7)])
    assert result.most_important is not None
    assert result.least_effective is not None
    assert result.most_important.partner.name == "Ann"
    assert result.least_effective.partner.name == "Ann"


# --- question 2: least effective -----------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "received", "verdict"),
    [
        (S25, None, Verdict.DITCH),  # Band Ditch, no referrals (blank)
        (S25, 0, Verdict.DITCH),
        (S18, 0, Verdict.DITCH),
        (S25, 1, Verdict.FOCUS),  # Ditch band, but it sends you work
        (S25, 7, Verdict.FOCUS),
        ((3, 3, 3, 2, 2, 2, 2), 0, Verdict.FOCUS),  # 35.7: Improve
        (S50, 0, Verdict.FOCUS),
    ],
)
def test_least_effective_verdict(scores: Scores, received: int | None, verdict: Verdict) -> None:
    result = review([row("Top", S100, received=3), row("Bottom", scores, received=received)])
    least = result.least_effective
    assert least is not None
    assert least.partner.name == "Bottom"
    assert least.verdict is verdict
    assert result.to_json()["least_effective"]["verdict"] == verdict.value
    if verdict is Verdict.DITCH:
        assert "ditch it" in least.sentence
    else:
        assert "focus on making it effective" in least.sentence
        assert "work on" in least.sentence


def test_least_effective_tie_takes_the_last_of_the_order() -> None:
    # Equal scores: the least effective has fewer fees, then fewer referrals, then the
    # later name.
    result = review(
        [
            row("Ann", S25, fees=10),
            row("Bea", S25, fees=0, received=2),
            row("Cal", S25, fees=0, received=2),
            row("Dee", S25, fees=0, received=3),
        ]
    )
    assert result.least_effective is not None
    assert result.least_effective.partner.name == "Cal"
    assert result.most_important is not None
    assert result.most_important.partner.name == "Ann"


# --- question 3: conflicts -------------------------------------------------------------------


def conflicted() -> ReviewResult:
    return review(
        [
            row("Ann", S75, group="Coaching", sent=2, refers_to="acme"),
            row("Bea", S50, group="coaching", sent=1),
            row("Cal", S25, group="Coaching"),
            row("Acme", S61, refers_to="Zed Partners"),
            row("Dee", S50, organisation="Bright Minds", group="Tax", sent=4),
            row("Eve", S50, group=" tax ", sent=0),
        ],
        competitors=[("Acme Coaching Ltd", "Acme"), ("Bright Minds",)],
    )


def test_conflict_items_and_kinds() -> None:
    result = conflicted()
    found = [(c.kind, c.partners) for c in result.conflicts]
    assert found == [
        (ConflictKind.COMPETING_PARTNERS, ("Ann", "Bea", "Cal")),
        (ConflictKind.COMPETING_PARTNERS, ("Dee", "Eve")),
        (ConflictKind.REFERS_TO_COMPETITOR, ("Ann",)),
        (ConflictKind.REFERS_TO_COMPETITOR, ("Acme",)),
        (ConflictKind.IS_A_COMPETITOR, ("Acme",)),
        (ConflictKind.IS_A_COMPETITOR, ("Dee",)),
        (ConflictKind.REFERRALS_TO_COMPETING_PARTNERS, ("Ann", "Bea")),
    ]
    kinds = [c["kind"] for c in result.to_json()["conflicts"]]
    assert kinds == [
        "competing partners",
        "competing partners",
        "refers to competitor",
        "refers to competitor",
        "is a competitor",
        "is a competitor",
        "referrals to competing partners",
    ]


def test_conflict_details_name_the_people() -> None:
    details = [c.detail for c in conflicted().conflicts]
    assert "Ann" in details[0] and "Bea" in details[0] and "Cal" in details[0]
    assert "(Coaching)" in details[0]
    assert "Acme Coaching Ltd" in details[2]
    assert "Zed Partners" in details[3]
    assert "Bright Minds" in details[5]
    assert "Ann (2)" in details[6] and "Bea (1)" in details[6]


def test_conflicts_cells_and_review_answers_agree() -> None:
    result = conflicted()
    by_name = {p.name: p.conflicts for p in result.partners}
    assert by_name["Ann"] == (
        "Competes with Bea, Cal (Coaching)",
        "Refers work to your competitor Acme Coaching Ltd",
    )
    assert by_name["Acme"] == (
        "Refers work to Zed Partners (not on your Competitors sheet)",
        "Is on your Competitors sheet",
    )
    assert by_name["Dee"] == (
        "Competes with Eve (Tax)",
        "Works for your competitor Bright Minds",
    )
    answers = [line for line in result.review_sheet.lines if line.kind is LineKind.ANSWER]
    texts = [str(line.cells[0]).replace("\n", " ") for line in answers]
    for item in result.conflicts:
        assert f"• {item.detail} {item.advice}" in texts


def test_referrals_to_one_member_only_is_not_a_conflict_of_its_own() -> None:
    result = review(
        [row("Ann", S75, group="Coaching", sent=3), row("Bea", S50, group="Coaching", sent=0)]
    )
    assert [c.kind for c in result.conflicts] == [ConflictKind.COMPETING_PARTNERS]


def test_competing_partners_show_whose_relationship_grows_faster() -> None:
    earlier = dt.date(2026, 10, 1)
    history = history_rows((earlier, "Ann", 70.0, 1, "Keep"), (earlier, "Bea", 40.0, 2, "Improve"))
    result = review(
        [row("Ann", S75, group="Coaching"), row("Bea", S50, group="Coaching")], history=history
    )
    (item,) = result.conflicts
    assert "Bea (50.0, Keep, up 10.0)" in item.detail
    assert "Ann (75.0, Strong, up 5.0)" in item.detail
    assert "growing faster" in item.detail
    assert item.detail.endswith("your relationship with Bea is growing faster.")


def test_no_conflicts() -> None:
    result = review([row("Ann", S75), row("Bea", S50, group="Tax")])
    assert result.conflicts == ()
    assert result.to_json()["conflicts"] == []
    answers = [str(c[0]).replace("\n", " ") for c in lines_of(result, LineKind.ANSWER)]
    assert any(a.startswith("None") for a in answers)


# --- question 4: less time ---------------------------------------------------------------------


def test_less_time_is_the_lowest_score_per_hour_other_than_the_most_important() -> None:
    result = review(
        [
            row("Top", S100, hours=20),  # 5.0 an hour, but the most important
            row("Ann", S75, hours=5),  # 15.0
            row("Bea", S50, hours=4),  # 12.5
            row("Cal", S25, hours=None),
            row("Dee", S25, hours=0),
            row("Eve", (None,) * 7, hours=40),
        ],
        settings={"Chargeable rate": 150, "Currency": "$"},
    )
    less = result.less_time
    assert less is not None
    assert less.partner.name == "Bea"
    assert less.hours_per_month == 4
    assert less.value_per_year == 4 * 12 * 150
    assert "$7,200" in less.sentence
    document = result.to_json()["less_time"]
    assert document["partner"] == "Bea"
    assert document["hours_per_month"] == 4
    assert document["value_per_year"] == 7200
    assert document["score_per_hour"] == 12.5


def test_less_time_ties_go_to_lower_fees() -> None:
    result = review(
        [
            row("Top", S100, hours=1),
            row("Ann", S50, hours=2, fees=500),
            row("Bea", S50, hours=2, fees=100),
            row("Cal", S50, hours=2, fees=300),
        ]
    )
    assert result.less_time is not None
    assert result.less_time.partner.name == "Bea"


def test_less_time_value_with_fractional_hours_and_no_rate() -> None:
    result = review([row("Top", S100), row("Ann", S50, hours=1.5)])
    less = result.less_time
    assert less is not None
    assert less.partner.name == "Ann"
    assert less.value_per_year == 0
    assert result.to_json()["less_time"]["hours_per_month"] == 1.5
    assert "Chargeable rate" in less.sentence


@pytest.mark.parametrize(
    "partners",
    [
        pytest.param([row("Top", S100, hours=10), row("Ann", S50)], id="only the top has hours"),
        pytest.param([row("Top", S100), row("Ann", S50, hours=0)], id="zero hours"),
        pytest.param([row("Top", S100), row("Ann", (None,) * 7, hours=3)], id="not ranked"),
        pytest.param([row("Top", S100, hours=3)], id="one partner"),
    ],
)
def test_no_less_time_answer(partners: list[tuple[CellValue, ...]]) -> None:
    result = review(partners)
    assert result.less_time is None
    assert result.to_json()["less_time"] is None


# --- nobody ranked -----------------------------------------------------------------------------


def test_no_ranked_partner_leaves_every_answer_empty() -> None:
    result = review(
        [row("Ann", (None,) * 7, group="Tax", hours=2), row("Bea", (None,) * 7, group="tax")]
    )
    assert (result.most_important, result.least_effective, result.less_time) == (None, None, None)
    document = json.loads(json.dumps(result.to_json()))
    assert document["most_important"] is None
    assert document["least_effective"] is None
    assert document["less_time"] is None
    # Conflicts do not need scores.
    assert [c["kind"] for c in document["conflicts"]] == ["competing partners"]
    assert [p["rank"] for p in document["partners"]] == [None, None]
    assert [p["weighted_score"] for p in document["partners"]] == [None, None]
    assert result.review_sheet.charts == ()
    assert result.history.rows == ()


def test_no_partners_at_all() -> None:
    result = review([])
    document = result.to_json()
    assert document["partners"] == []
    assert document["conflicts"] == []
    assert document["most_important"] is None


# --- the JSON document ----------------------------------------------------------------------------


def test_json_shape_follows_the_contract() -> None:
    result = review(
        [
            row("Ann", S61, hours=4, fees=2000, group="Coaching"),
            row("Bea", S25, hours=2, group="Coaching"),
            row("Cal", (5, None, 5, 5, 5, 5, 5)),
            row("Dee", (None,) * 7),
        ],
        settings={"Chargeable rate": 150},
    )
    document = json.loads(json.dumps(result.to_json()))
    assert document["reviewed_on"] == "2026-11-22"
    assert {"partners", "most_important", "least_effective", "conflicts", "less_time"} <= set(
        document
    )
    first = document["partners"][0]
    assert {
        "partner",
        "weighted_score",
        "rank",
        "band",
        "work_on",
        "conflicts",
        "score_per_hour",
        "status",
        "change",
    } <= set(first)
    by_name = {p["partner"]: p for p in document["partners"]}
    assert by_name["Cal"] == {
        **by_name["Cal"],
        "partner": "Cal",
        "weighted_score": 100.0,
        "rank": 1,
        "band": "Strong",
        "work_on": ["Friendship"],
        "conflicts": [],
        "score_per_hour": None,
        "status": "Provisional: Friendship not scored",
        "change": None,
    }
    assert by_name["Ann"]["weighted_score"] == 60.7
    assert by_name["Ann"]["score_per_hour"] == 15.2
    assert by_name["Ann"]["conflicts"] == ["Competes with Bea (Coaching)"]
    assert by_name["Dee"]["status"] == "Not ranked: no ingredient is scored yet"
    assert isinstance(by_name["Ann"]["rank"], int)
    assert isinstance(by_name["Ann"]["work_on"], list)
    # Ranked partners by rank, then the ones not ranked.
    assert [p["partner"] for p in document["partners"]] == ["Cal", "Ann", "Bea", "Dee"]
    assert document["most_important"]["partner"] == "Cal"
    assert isinstance(document["most_important"]["work_on"], list)
    assert document["least_effective"] == {
        **document["least_effective"],
        "partner": "Bea",
        "verdict": "Ditch",
    }
    assert document["conflicts"][0] == {
        "kind": "competing partners",
        "partners": ["Ann", "Bea"],
        "detail": result.conflicts[0].detail,
        "advice": (
            "Tell both openly that you work with the other, send each the work that suits "
            "them best, and let the relationship that grows decide."
        ),
    }
    assert document["less_time"]["partner"] == "Bea"  # 25.0 / 2 = 12.5 an hour
    # v2: how sure each answer is, each partner's trend, the band changes.
    sure = {
        key: (document[key]["runner_up"], document[key]["margin"], document[key]["close_call"])
        for key in ("most_important", "least_effective", "less_time")
    }
    assert sure == {
        "most_important": ("Ann", 39.3, None),
        "least_effective": ("Ann", 35.7, None),
        "less_time": ("Ann", 2.7, None),  # 15.2 an hour against 12.5
    }
    assert [p["trend"] for p in document["partners"]] == [None] * 4
    assert document["band_changes"] == []
    assert document["less_time"]["value_per_year"] == 3600


def test_change_is_null_without_an_earlier_review() -> None:
    result = review([row("Ann", S61), row("Bea", S50)])
    assert result.previous_review is None
    assert [p["change"] for p in result.to_json()["partners"]] == [None, None]


# --- History ---------------------------------------------------------------------------------


def test_first_review_writes_the_header_and_one_row_per_ranked_partner() -> None:
    result = review(
        [
            row("Bea", S50),
            row("Ann", S75),
            row("Cal", S50, fees=100),  # first of the two in the Review, not in History
            row("Dee", (None,) * 7),
        ],
        weights={"Friendship": (0.5, ""), "Opportunity": (2, "")},
    )
    plan = result.history
    assert plan.title is None
    assert plan.write_header is True
    assert (plan.header_row, plan.first_row) == (1, 2)
    assert plan.columns == (1, 2, 3, 4, 5, 6)
    weights = (
        "Trust 1, Friendship 0.5, Opportunity 2, Credibility 1, Regular communication 1, "
        "Shared goals 1, Values alignment 1"
    )
    assert plan.rows == (
        (TODAY, "Ann", 75.0, 1, "Strong", weights),
        (TODAY, "Bea", 50.0, 2, "Keep", weights),
        (TODAY, "Cal", 50.0, 2, "Keep", weights),
    )
    assert plan.last_row == 4
    assert plan.clear_through <= plan.last_row


def test_an_empty_history_sheet_is_written_into_not_added_again() -> None:
    inputs = inputs_for([row("Ann", S75)], history={})
    plan = plan_review(inputs, TODAY).history
    assert plan.title == "History"
    assert plan.write_header is True
    assert (plan.header_row, plan.first_row) == (1, 2)


def test_a_later_review_appends_and_compares() -> None:
    earlier = dt.date(2026, 10, 1)
    history = history_rows((earlier, "Ann", 70.0, 1, "Keep"), (earlier, "Bea", 52.5, 2, "Keep"))
    result = review([row("Ann", S75), row("Bea", S50), row("Cal", S25)], history=history)
    plan = result.history
    assert plan.title == "History"
    assert plan.write_header is False
    assert plan.first_row == 4
    assert [r[0] for r in plan.rows] == [TODAY, TODAY, TODAY]
    assert [r[1] for r in plan.rows] == ["Ann", "Bea", "Cal"]
    assert plan.clear_through < plan.first_row
    assert result.previous_review == earlier
    assert {p.name: p.change for p in result.partners} == {"Ann": 5.0, "Bea": -2.5, "Cal": None}
    ranking = {r[1]: r[3] for r in lines_of(result, LineKind.TABLE_ROW) if len(r) > 3}
    assert ranking == {"Ann": 5.0, "Bea": -2.5, "Cal": "new"}
    assert [p["change"] for p in result.to_json()["partners"]] == [5.0, -2.5, None]


def test_change_is_rounded_like_the_scores() -> None:
    earlier = dt.date(2026, 10, 1)
    history = history_rows((earlier, "Ann", 60.6, 1, "Keep"))
    result = review([row("Ann", S61)], history=history)
    assert result.partners[0].change == 0.1


def test_partner_names_match_history_ignoring_case_and_spaces() -> None:
    earlier = dt.date(2026, 10, 1)
    history = history_rows((earlier, "  ann   SMITH", 50.0, 1, "Keep"))
    result = review([row("Ann Smith", S75)], history=history)
    assert result.partners[0].change == 25.0


def test_same_day_review_replaces_that_days_rows() -> None:
    earlier = dt.date(2026, 10, 1)
    history = history_rows(
        (earlier, "Ann", 70.0, 1, "Keep"),
        (earlier, "Bea", 40.0, 2, "Improve"),
        (TODAY, "Ann", 72.0, 1, "Keep"),
        (TODAY, "Bea", 45.0, 2, "Keep"),
        (TODAY, "Cal", 10.0, 3, "Ditch"),
    )
    result = review([row("Ann", S75), row("Bea", S50)], history=history)
    plan = result.history
    assert plan.first_row == 4
    assert [r[1] for r in plan.rows] == ["Ann", "Bea"]
    assert plan.last_row == 5
    assert plan.clear_through == 6  # the third row of the earlier run is cleared
    # Compared with the latest EARLIER day, not with this day's first run.
    assert result.previous_review == earlier
    assert {p.name: p.change for p in result.partners} == {"Ann": 5.0, "Bea": 10.0}


def test_review_dated_in_the_past_compares_with_the_day_before_it() -> None:
    january, march = dt.date(2026, 1, 5), dt.date(2026, 3, 1)
    history = history_rows((january, "Ann", 40.0, 1, "Improve"), (march, "Ann", 90.0, 1, "Strong"))
    result = review([row("Ann", S75)], history=history, date=dt.date(2026, 2, 1))
    assert result.previous_review == january
    assert result.partners[0].change == 35.0
    plan = result.history
    # February's row goes before March's, which moves down: History stays in date order.
    assert plan.first_row == 3
    assert [row[:5] for row in plan.rows] == [
        (dt.date(2026, 2, 1), "Ann", 75.0, 1, "Strong"),
        (march, "Ann", 90.0, 1, "Strong"),
    ]


def test_review_dated_before_every_review_has_nothing_to_compare() -> None:
    history = history_rows((dt.date(2026, 3, 1), "Ann", 90.0, 1, "Strong"))
    result = review([row("Ann", S75)], history=history, date=dt.date(2026, 2, 1))
    assert result.previous_review is None
    assert result.partners[0].change is None


def test_same_day_in_the_past_keeps_the_later_days() -> None:
    january, february, march = dt.date(2026, 1, 5), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    history = history_rows(
        (january, "Ann", 40.0, 1, "Improve"),
        (february, "Ann", 45.0, 1, "Improve"),
        (february, "Bea", 20.0, 2, "Ditch"),
        (march, "Ann", 90.0, 1, "Strong"),
    )
    result = review([row("Ann", S75)], history=history, date=february)
    plan = result.history
    assert plan.first_row == 3
    # February's new rows take the place of the old ones, before March's: date order holds.
    assert [(r[0], r[1], r[2]) for r in plan.rows] == [
        (february, "Ann", 75.0),
        (march, "Ann", 90.0),
    ]
    assert plan.clear_through == 5
    assert result.previous_review == january
    assert result.partners[0].change == 35.0


def test_history_below_a_title_with_missing_columns() -> None:
    history = {
        1: ("Review history",),
        3: ("Partner", "Reviewed on", "Weighted score"),
        4: ("Ann", dt.date(2026, 10, 1), 70.0),
    }
    result = review([row("Ann", S75)], history=history)
    plan = result.history
    assert plan.header_row == 3
    assert plan.write_header is True
    # Found columns are kept where they are; missing ones are added to the right.
    assert plan.columns == (2, 1, 3, 4, 5, 6)
    assert plan.first_row == 5
    assert result.partners[0].change == 5.0


# --- computed cells --------------------------------------------------------------------------


def test_computed_columns_are_added_at_the_right_end() -> None:
    header = (*HEADERS, "My notes")  # the user's column is P, so computed ones start at Q
    result = review([row("Ann", S61, hours=4), row("Bea", (None,) * 7)], header=header)
    computed = result.computed
    assert computed.sheet == "Partners"
    assert computed.header_row == 1
    expected = [(17 + n, column) for n, column in enumerate(COMPUTED_COLUMNS)]
    assert list(computed.columns) == expected
    assert list(computed.new_headers) == [(n, c.value) for n, c in expected]
    assert computed.rows == (
        (2, (60.7, 1, "Keep", "Regular communication", None, 15.2, "OK", None, None)),
        (
            3,
            (
                None,
                None,
                None,
                "Trust, Friendship",
                None,
                None,
                "Not ranked: no ingredient is scored yet",
                None,
                None,
            ),
        ),
    )


def test_existing_computed_columns_are_reused_wherever_they_are() -> None:
    header = ("Rank", *HEADERS, "Status", "My notes", "Conflicts")
    partners = [(None, *row("Ann", S61, group="Tax")), (None, *row("Bea", S50, group="tax"))]
    result = review(partners, header=header)
    columns = dict((c, n) for n, c in result.computed.columns)
    assert columns[Column.RANK] == 1
    assert columns[Column.STATUS] == 17
    assert columns[Column.CONFLICTS] == 19
    new = dict(result.computed.new_headers)
    assert new == {
        20: "Weighted score",
        21: "Band",
        22: "Work on",
        23: "Score per hour",
        24: "Trend",
        25: "Next contact",
    }
    assert [n for n, _ in result.computed.columns] == [20, 1, 21, 22, 19, 23, 17, 24, 25]
    first = dict(
        zip([c for _, c in result.computed.columns], result.computed.rows[0][1], strict=True)
    )
    assert first[Column.RANK] == 1
    assert first[Column.CONFLICTS] == "Competes with Bea (Tax)"


def test_rows_that_are_not_partners_get_blanks() -> None:
    header = (
        *HEADERS,
        "Weighted score",
        "Rank",
        "Band",
        "Work on",
        "Conflicts",
        "Score per hour",
        "Status",
        "Trend",
        "Next contact",
        "Mine",
    )
    stale = (None,) * len(HEADERS) + (
        *(55.0, 3, "Keep", "Trust", None, None, "OK", None, None),
        "keep me",
    )
    result = review([row("Ann", S61), stale, row("Bea", S50)], header=header)
    computed = result.computed
    assert computed.new_headers == ()
    assert dict(computed.rows)[3] == (None,) * 9
    assert [r for r, _ in computed.rows] == [2, 3, 4]
    assert dict(computed.rows)[4][0] == 50.0


def test_conflicts_and_work_on_cells_are_joined() -> None:
    result = review(
        [row("Ann", (5, 3, 5, 3, 5, 5, 5), refers_to="Acme; Zed")],
        competitors=[("Acme",)],
    )
    values = dict(
        zip([c for _, c in result.computed.columns], result.computed.rows[0][1], strict=True)
    )
    assert values[Column.WORK_ON] == "Friendship, Credibility"
    assert values[Column.CONFLICTS] == (
        "Refers work to your competitor Acme; Refers work to Zed (not on your Competitors sheet)"
    )


# --- the Review sheet ------------------------------------------------------------------------


def test_review_has_the_four_questions_in_order_each_answered() -> None:
    result = conflicted()
    lines = result.review_sheet.lines
    assert [line.row for line in lines] == list(range(1, len(lines) + 1))
    questions = [line for line in lines if line.kind is LineKind.QUESTION]
    assert [q.cells[0] for q in questions] == list(QUESTIONS)
    for question in questions:
        assert lines[question.row].kind is LineKind.ANSWER  # the line after it
    answers = [str(c[0]).replace("\n", " ") for c in lines_of(result, LineKind.ANSWER)]
    assert result.most_important is not None and result.least_effective is not None
    assert result.most_important.sentence in answers
    assert result.least_effective.sentence in answers


def test_review_says_when_it_was_made_and_that_edits_are_lost() -> None:
    result = review([row("Ann", S61)])
    text = " ".join(str(c) for line in result.review_sheet.lines[:3] for c in line.cells)
    assert "22 November 2026" in text or "2026-11-22" in text
    assert "edits" in text.lower() and "lost" in text.lower()


def test_ranking_table_in_rank_order() -> None:
    earlier = dt.date(2026, 10, 1)
    history = history_rows((earlier, "Ann", 70.0, 2, "Keep"))
    result = review(
        [
            row("Bea", S50, hours=2),
            row("Ann", S75, hours=5, group="Tax"),
            row("Cal", S50, group="Tax"),
            row("Dee", (None,) * 7),
        ],
        history=history,
    )
    lines = result.review_sheet.lines
    (header_index,) = [n for n, line in enumerate(lines) if line.cells == tuple(RANKING_HEADERS)]
    assert lines[header_index].kind is LineKind.TABLE_HEADER
    table = [line.cells for line in lines[header_index + 1 : header_index + 4]]
    assert table == [
        (
            1,
            "Ann",
            75.0,
            5.0,
            None,
            "Strong",
            "Trust, Friendship",
            "Competes with Cal (Tax)",
            5,
            15.0,
        ),
        (2, "Bea", 50.0, "new", None, "Keep", "Trust, Friendship", None, 2, 25.0),
        (
            2,
            "Cal",
            50.0,
            "new",
            None,
            "Keep",
            "Trust, Friendship",
            "Competes with Ann (Tax)",
            None,
            None,
        ),
    ]
    assert lines[header_index + 4].kind is not LineKind.TABLE_ROW


def test_chart_points_at_the_ranking_rows() -> None:
    result = review([row("Bea", S50), row("Ann", S75), row("Cal", S25), row("Dee", (None,) * 7)])
    (chart,) = result.review_sheet.charts  # no History, no hours: only the bar chart
    assert chart.kind is ChartKind.BAR
    by_row = {line.row: line for line in result.review_sheet.lines}
    names, scores = chart.categories, chart.series
    rows = range(names.top, names.bottom + 1)
    assert [by_row[r].kind for r in rows] == [LineKind.TABLE_ROW] * 3
    assert [by_row[r].cells[names.left - 1] for r in rows] == ["Ann", "Bea", "Cal"]
    # The series is the Weighted score column, its header the series' name.
    assert (scores.top, scores.bottom) == (names.top - 1, names.bottom)
    assert [by_row[r].cells[scores.left - 1] for r in range(scores.top, scores.bottom + 1)] == [
        "Weighted score",
        75.0,
        50.0,
        25.0,
    ]
    assert by_row[names.top - 1].cells == tuple(RANKING_HEADERS)
    # The chart sits below the table, over blank lines.
    assert chart.anchor_row > names.bottom
    assert by_row[chart.anchor_row].kind is LineKind.BLANK


def test_chart_shows_at_most_the_strongest_partners() -> None:
    many = [row(f"Partner {n:02d}", S50, fees=n) for n in range(CHART_LIMIT + 5)]
    result = review(many)
    (chart,) = result.review_sheet.charts
    assert chart.categories.rows == CHART_LIMIT
    by_row = {line.row: line for line in result.review_sheet.lines}
    assert by_row[chart.categories.top].cells[1] == f"Partner {CHART_LIMIT + 4:02d}"


def test_partners_still_to_score() -> None:
    result = review(
        [
            row("Ann", S75),
            row("Bea", (5, None, 5, None, 5, 5, 5)),
            row("Cal", (None,) * 7),
        ],
        settings={"Missing scores": "Score what is there"},
    )
    lines = result.review_sheet.lines
    (heading,) = [line for line in lines if line.cells == ("Partners still to score",)]
    assert heading.kind is LineKind.HEADING
    below = [line.cells for line in lines[heading.row :] if line.kind is LineKind.LIST_ROW]
    assert [tuple(c for c in cells if c) for cells in below] == [
        ("Bea", "Provisional: Friendship, Credibility not scored"),
        ("Cal", "Not ranked: no ingredient is scored yet"),
    ]
    assert [p.name for p in result.still_to_score] == ["Bea", "Cal"]


def test_nobody_still_to_score() -> None:
    result = review([row("Ann", S75), row("Bea", S50)])
    lines = result.review_sheet.lines
    (heading,) = [line for line in lines if line.cells == ("Partners still to score",)]
    assert [line.kind for line in lines[heading.row :]] == [LineKind.ANSWER]
    assert result.still_to_score == ()


def test_do_not_rank_lists_the_partner_with_what_is_missing() -> None:
    result = review(
        [row("Ann", S75), row("Bea", (5, None, 5, 5, 5, 5, 5))],
        settings={"Missing scores": "Do not rank"},
    )
    assert [p.name for p in result.ranked] == ["Ann"]
    (bea,) = result.still_to_score
    assert bea.status == "Not ranked: Friendship not scored"


def test_the_review_lists_twenty_conflicts_and_counts_the_rest() -> None:
    partners = [row(f"P{n}", S75, refers_to=f"Rival {n}") for n in range(25)]
    result = review(partners)
    assert len(result.conflicts) == 25  # the JSON keeps every one
    answers = [line.cells[0] for line in result.review_sheet.lines if line.kind is LineKind.ANSWER]
    bullets = [str(text) for text in answers if str(text).startswith("• ")]
    assert len(bullets) == 21
    assert bullets[-1] == "• And 5 more: see the Conflicts column on the Partners sheet."
