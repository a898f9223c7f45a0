"""Close calls: runner-ups, margins and the smallest weight change that overturns an answer,
checked against a brute-force reference written from the contract (`answers_reference`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answers_reference import INGREDIENTS, Rules, Someone, decimal_text, sureness
from partnersheet.core.close_calls import weight_changes
from partnersheet.core.model import Ingredient, IngredientWeight, Weights
from partnersheet.core.review import ReviewResult, plan_review
from test_review import inputs_for, row

TODAY = dt.date(2026, 11, 22)
QUESTIONS = ("most_important", "least_effective", "less_time")
#: The Settings' defaults: Score what is there, Close call within 50.
DEFAULTS = Rules()


def someone(name: str, scores: Sequence[int | None], **extra: Any) -> Someone:
    return Someone(name, tuple(scores), **extra)


def workbook_row(p: Someone) -> tuple[Any, ...]:
    return row(p.name, p.scores, hours=p.hours, fees=p.fees, received=p.received)


def reviewed(
    partners: Sequence[Someone],
    weights: Sequence[float] = (1,) * 7,
    rules: Rules = DEFAULTS,
) -> ReviewResult:
    setting_values = {
        "Lowest score": rules.low,
        "Highest score": rules.high,
        "Missing scores": rules.missing,
        "Close call within": rules.within,
    }
    inputs = inputs_for(
        [workbook_row(p) for p in partners],
        weights={name: (w, "") for name, w in zip(INGREDIENTS, weights, strict=True)},
        settings=setting_values,
    )
    return plan_review(inputs, TODAY)


def what_review_says(result: ReviewResult) -> list[tuple[Any, ...]]:
    """(answer, runner-up, margin, close call) of each question, from `--json`."""
    document = result.to_json()
    found = []
    for key in QUESTIONS:
        answer = document[key]
        if answer is None:
            found.append((None, None, None, None))
            continue
        call = answer["close_call"]
        found.append(
            (
                answer["partner"],
                answer["runner_up"],
                None if answer["margin"] is None else f"{answer['margin']:.1f}",
                None
                if call is None
                else (call["ingredient"], call["weight"], call["new_weight"], call["answer"]),
            )
        )
    return found


def what_reference_says(
    partners: Sequence[Someone], weights: Sequence[float], rules: Rules
) -> list[tuple[Any, ...]]:
    found = []
    for sure in sureness(partners, weights, rules):
        call = sure.close_call
        found.append(
            (
                sure.answer,
                sure.runner_up,
                None if sure.margin is None else decimal_text(sure.margin, 1),
                None
                if call is None
                else (
                    call.ingredient,
                    float(call.weight),
                    float(decimal_text(call.new_weight, 2)),
                    call.answer,
                ),
            )
        )
    return found


def agree(
    partners: Sequence[Someone], weights: Sequence[float] = (1,) * 7, rules: Rules = DEFAULTS
) -> list[tuple[Any, ...]]:
    """The review's certainty of each answer, asserted equal to the reference's."""
    said = what_review_says(reviewed(partners, weights, rules))
    assert said == what_reference_says(partners, weights, rules)
    return said


def sentence(result: ReviewResult, key: str) -> str:
    return str(result.to_json()[key]["answer"])


# --- the changes tried -------------------------------------------------------------------------


def weights_of(*values: float) -> Weights:
    return Weights({i: IngredientWeight(i, w) for i, w in zip(Ingredient, values, strict=True)})


def test_changes_are_tried_smallest_first_down_before_up_in_the_sheets_order() -> None:
    changes = weight_changes(weights_of(2, 0, 1, 1, 1, 1, 1), 20)
    tried = [(c.ingredient.label, c.new_weight) for c in changes]
    assert tried[:4] == [("Trust", 1.8), ("Trust", 2.2), ("Opportunity", 0.9), ("Opportunity", 1.1)]
    assert len(tried) == 2 * 2 * 6  # two sizes, down and up, six weights above 0
    assert "Friendship" not in {name for name, _ in tried}  # weighted 0: never tried
    assert tried[12] == ("Trust", 1.6)  # 20% comes after every 10%


@pytest.mark.parametrize(
    ("within", "sizes"), [(0, 0), (9, 0), (10, 1), (50, 5), (55, 5), (100, 10)]
)
def test_close_call_within_sets_how_far_the_weights_move(within: int, sizes: int) -> None:
    assert len(weight_changes(weights_of(1, 1, 1, 1, 1, 1, 1), within)) == 7 * 2 * sizes


def test_a_change_of_the_whole_weight_takes_it_to_0() -> None:
    changes = weight_changes(weights_of(2, 1, 1, 1, 1, 1, 1), 100)
    assert (changes[-14].ingredient, changes[-14].new_weight) == (Ingredient.TRUST, 0.0)


# --- hand-made cases ---------------------------------------------------------------------------

# Ann and Bea score 50.0 alike; Ann has the higher fees, so she is first.
ANN = someone("Ann", (4, 2, 3, 3, 3, 3, 3), fees=1000, hours=4)
BEA = someone("Bea", (3, 3, 3, 3, 3, 3, 3), fees=500, hours=2)
CAL = someone("Cal", (2, 2, 2, 2, 2, 2, 2), hours=1)


def test_a_tie_broken_by_fees_is_a_close_call() -> None:
    said = agree([ANN, BEA, CAL])
    # Trust counted 0.9: Ann 13.7 / 27.6 = 49.6, Bea 13.8 / 27.6 = 50.0.
    assert said[0] == ("Ann", "Bea", "0.0", ("Trust", 1, 0.9, "Bea"))
    assert said[1] == ("Cal", "Bea", "25.0", None)
    result = reviewed([ANN, BEA, CAL])
    assert sentence(result, "most_important").endswith(
        " Close call: if Trust counted 0.9 instead of 1, Bea would be your most important "
        "partnership (on the same score now)."
    )
    assert sentence(result, "least_effective").endswith(
        " A clear answer: Bea is next, 25.0 points higher."
    )


def test_a_weight_of_0_is_never_tried() -> None:
    # Ann and Bea differ only on Trust, weighted 0: no change of weight can part them, and the
    # higher fees keep Bea first.
    ann = someone("Ann", (5, 4, 4, 4, 4, 4, 4), fees=100)
    bea = someone("Bea", (1, 4, 4, 4, 4, 4, 4), fees=200)
    said = agree([ann, bea, CAL], weights=(0, 1, 1, 1, 1, 1, 1))
    assert said[0] == ("Bea", "Ann", "0.0", None)
    result = reviewed([ann, bea, CAL], weights=(0, 1, 1, 1, 1, 1, 1))
    assert sentence(result, "most_important").endswith(
        " A clear answer: Ann is next, on the same score: the tie-break decides."
    )


def test_close_call_within_0_turns_close_calls_off() -> None:
    rules = Rules(within=0)
    said = agree([ANN, BEA, CAL], rules=rules)
    assert [s[3] for s in said] == [None, None, None]
    assert said[0][:3] == ("Ann", "Bea", "0.0")  # runner-ups and margins are still given
    result = reviewed([ANN, BEA, CAL], rules=rules)
    assert sentence(result, "least_effective").endswith(" Bea is next, 25.0 points higher.")
    assert "clear answer" not in sentence(result, "least_effective")


def test_close_call_within_100_tries_a_weight_of_0() -> None:
    # Ann is scored on Trust alone: 100 whatever its weight, unless it is 0, when she is not
    # ranked at all. Only that change gives a different answer.
    ann = someone("Ann", (5, None, None, None, None, None, None))
    bea = someone("Bea", (4, 4, 4, 4, 4, 4, 4))
    assert agree([ann, bea, CAL], rules=Rules(within=90))[0] == ("Ann", "Bea", "25.0", None)
    said = agree([ann, bea, CAL], rules=Rules(within=100))
    assert said[0] == ("Ann", "Bea", "25.0", ("Trust", 1, 0, "Bea"))
    result = reviewed([ann, bea, CAL], rules=Rules(within=100))
    assert "Close call: if Trust counted 0 instead of 1, Bea would be your most important" in (
        sentence(result, "most_important")
    )


def test_a_partner_not_ranked_is_never_an_answer() -> None:
    nobody = someone("Dee", (None,) * 7, fees=10**6, hours=1)
    assert agree([ANN, BEA, CAL, nobody]) == agree([ANN, BEA, CAL])


def test_do_not_rank_leaves_out_a_partner_with_a_blank() -> None:
    eve = someone("Eve", (5, 5, 5, None, 5, 5, 5), hours=8)
    rules = Rules(missing="Do not rank")
    said = agree([ANN, BEA, CAL, eve], rules=rules)
    assert "Eve" not in {name for answer in said for name in answer[:2]}
    # Scored on what is there, Eve is first.
    assert agree([ANN, BEA, CAL, eve])[0][0] == "Eve"


def test_count_as_lowest_counts_a_blank_in_every_change() -> None:
    eve = someone("Eve", (5, 5, 5, None, 5, 5, 5), hours=8, fees=1)
    agree([ANN, BEA, CAL, eve], rules=Rules(missing="Count as lowest"))


def test_a_less_time_close_call() -> None:
    top = someone("Top", (5, 5, 5, 5, 5, 5, 5), hours=20)
    bea = someone("Bea", (3, 3, 3, 3, 3, 3, 3), hours=4)  # 50.0: 12.5 an hour
    cal = someone("Cal", (4, 2, 2, 2, 2, 2, 2), hours=2.5)  # 32.1: 12.8 an hour
    said = agree([top, bea, cal])
    answer, runner_up, margin, call = said[2]
    assert (answer, runner_up, margin) == ("Bea", "Cal", "0.3")
    assert call is not None and call[3] == "Cal"
    assert "would be the one to spend less time with" in sentence(
        reviewed([top, bea, cal]), "less_time"
    )


def test_the_most_important_partner_changing_moves_the_less_time_answer() -> None:
    # Under a change that makes Bea the most important, Ann (the most important now, and
    # given the most hours) becomes the one to spend less time with.
    ann = someone("Ann", (5, 5, 5, 5, 5, 5, 4), hours=30, fees=0)
    bea = someone("Bea", (4, 5, 5, 5, 5, 5, 5), hours=1, fees=0)
    cal = someone("Cal", (3, 3, 3, 3, 3, 3, 3), hours=1)
    said = agree([ann, bea, cal])
    assert said[0][0] == "Ann" and said[0][3] is not None
    assert said[2][0] == "Cal"


def test_one_ranked_partner_has_no_runner_up_and_no_sentence_about_it() -> None:
    result = reviewed([ANN])
    said = agree([ANN])
    assert said[0] == ("Ann", None, None, None)
    assert "next" not in sentence(result, "most_important")
    assert "Close call" not in sentence(result, "most_important")


# --- random workbooks --------------------------------------------------------------------------

SCORE = st.one_of(st.none(), st.integers(1, 5))
WEIGHT = st.sampled_from((0, 0.5, 1, 1, 1.5, 2, 3))


@st.composite
def workbooks(draw: st.DrawFn, most: int = 7) -> tuple[list[Someone], tuple[float, ...], Rules]:
    count = draw(st.integers(1, most))
    partners = [
        Someone(
            name=f"P{n}",
            scores=tuple(draw(st.lists(SCORE, min_size=7, max_size=7))),
            hours=draw(st.one_of(st.none(), st.sampled_from((0, 0.5, 1, 2, 3, 4, 8)))),
            fees=draw(st.one_of(st.none(), st.sampled_from((0, 500, 1000)))),
            received=draw(st.one_of(st.none(), st.integers(0, 2))),
        )
        for n in range(count)
    ]
    weights = tuple(draw(st.lists(WEIGHT, min_size=7, max_size=7)))
    if not any(weights):
        weights = (1, *weights[1:])
    rules = Rules(
        missing=draw(st.sampled_from(("Score what is there", "Count as lowest", "Do not rank"))),
        within=draw(st.sampled_from((0, 10, 30, 50, 100))),
    )
    return partners, weights, rules


@given(workbooks())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_review_agrees_with_brute_force(
    workbook: tuple[list[Someone], tuple[float, ...], Rules],
) -> None:
    agree(*workbook)


@given(workbooks(most=60))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_review_agrees_with_brute_force_on_larger_workbooks(
    workbook: tuple[list[Someone], tuple[float, ...], Rules],
) -> None:
    # Most partners here are far from every answer: the review rescores only those that
    # could be one, and must still agree.
    agree(*workbook)


def test_the_reference_sees_a_close_call() -> None:
    # The comparison above would pass on anything if neither side ever found a close call.
    found = what_reference_says([ANN, BEA, CAL], (1,) * 7, Rules())
    assert found[0][3] == ("Trust", 1.0, 0.9, "Bea")
