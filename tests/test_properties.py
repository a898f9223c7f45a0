"""Properties of the scoring rules that must hold for any workbook."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from partnersheet.core.model import (
    Ingredient,
    IngredientWeight,
    MissingScores,
    Partner,
    Settings,
    Weights,
)
from partnersheet.core.scoring import score_partners, weighted_score, work_on

INGREDIENTS = tuple(Ingredient)
POLICIES = tuple(MissingScores)

Scores = list[int | None]

examples = settings(max_examples=50, deadline=None)


# --- building blocks ----------------------------------------------------------------------------


def make_weights(values: Sequence[float]) -> Weights:
    return Weights(
        {i: IngredientWeight(i, float(v)) for i, v in zip(INGREDIENTS, values, strict=True)}
    )


def make_partners(all_scores: Sequence[Scores]) -> list[Partner]:
    return [
        Partner(row=n + 2, name=f"Partner {n}", scores=tuple(s)) for n, s in enumerate(all_scores)
    ]


def half_up(value: Fraction) -> Fraction:
    magnitude = Fraction(math.floor(abs(value) * 10 + Fraction(1, 2)), 10)
    return magnitude if value >= 0 else -magnitude


@st.composite
def scales(draw: st.DrawFn) -> tuple[int, int]:
    low = draw(st.integers(-3, 3))
    return low, draw(st.integers(low + 1, low + 10))


def score_lists(low: int, high: int, blanks: bool = True) -> st.SearchStrategy[Scores]:
    one = st.one_of(st.none(), st.integers(low, high)) if blanks else st.integers(low, high)
    return st.lists(one, min_size=7, max_size=7)


#: Whole-number weights, at least one above 0 (as the Weights sheet requires).
whole_weights = st.lists(st.integers(0, 6), min_size=7, max_size=7).filter(any)
#: Weights with one decimal, as tenths.
tenth_weights = st.lists(st.integers(0, 40), min_size=7, max_size=7).filter(any)


@st.composite
def workbooks(draw: st.DrawFn, blanks: bool = True, size: int = 6) -> tuple[Settings, list[Scores]]:
    low, high = draw(scales())
    policy = draw(st.sampled_from(POLICIES))
    partners = draw(st.lists(score_lists(low, high, blanks), min_size=1, max_size=size))
    return Settings(lowest_score=low, highest_score=high, missing_scores=policy), partners


# --- a zero weight ------------------------------------------------------------------------------


@examples
@given(data=st.data(), workbook=workbooks(), weights=whole_weights)
def test_scores_of_a_zero_weight_ingredient_change_nothing(
    data: st.DataObject, workbook: tuple[Settings, list[Scores]], weights: list[int]
) -> None:
    setting, all_scores = workbook
    zero = data.draw(st.integers(0, 6), label="ingredient weighted 0")
    weights = [0 if n == zero else w for n, w in enumerate(weights)]
    others = [n for n in range(7) if n != zero]
    if not any(weights[n] for n in others):
        weights[others[0]] = 1
    low, high = setting.lowest_score, setting.highest_score
    # Every partner keeps a score on some other ingredient, so it stays a scored partner.
    for scores in all_scores:
        if all(scores[n] is None for n in others):
            scores[others[0]] = low
    # Any other value for the zero-weight ingredient; a blank too, except where a blank
    # means "do not rank".
    do_not_rank = setting.missing_scores is MissingScores.DO_NOT_RANK
    new_value = (
        st.integers(low, high) if do_not_rank else st.one_of(st.none(), st.integers(low, high))
    )
    changed = []
    for scores in all_scores:
        new = list(scores)
        if not (do_not_rank and scores[zero] is None):
            new[zero] = data.draw(new_value, label="new score")
        changed.append(new)

    before = score_partners(make_partners(all_scores), make_weights(weights), setting)
    after = score_partners(make_partners(changed), make_weights(weights), setting)
    raw_before = [weighted_score(s.partner, make_weights(weights), setting) for s in before]
    raw_after = [weighted_score(s.partner, make_weights(weights), setting) for s in after]

    assert raw_after == raw_before
    assert [s.weighted_score for s in after] == [s.weighted_score for s in before]
    assert [s.rank for s in after] == [s.rank for s in before]
    assert [s.band for s in after] == [s.band for s in before]


@examples
@given(data=st.data(), workbook=workbooks(blanks=False), weights=whole_weights)
def test_a_zero_weight_ingredient_is_as_if_it_were_not_there(
    data: st.DataObject, workbook: tuple[Settings, list[Scores]], weights: list[int]
) -> None:
    setting, all_scores = workbook
    zero = data.draw(st.integers(0, 6), label="ingredient weighted 0")
    weights = [0 if n == zero else w for n, w in enumerate(weights)]
    if not any(weights):
        weights[(zero + 1) % 7] = 1
    low, high = setting.lowest_score, setting.highest_score
    for scores, result in zip(
        all_scores,
        score_partners(make_partners(all_scores), make_weights(weights), setting),
        strict=True,
    ):
        kept = [(s, w) for n, (s, w) in enumerate(zip(scores, weights, strict=True)) if n != zero]
        assert all(s is not None for s, _ in kept)
        total = sum(Fraction(w) * (s - low) for s, w in kept if s is not None)
        exact = 100 * total / ((high - low) * sum(w for _, w in kept))
        assert result.weighted_score == float(half_up(exact))


# --- scaling every weight -------------------------------------------------------------------------


@examples
@given(
    workbook=workbooks(),
    weights=whole_weights,
    factor=st.sampled_from([2, 3, 7, 10, 100, 0.5, 0.25, 1.5, 0.125]),
)
def test_scaling_every_weight_changes_nothing(
    workbook: tuple[Settings, list[Scores]], weights: list[int], factor: float
) -> None:
    setting, all_scores = workbook
    partners = make_partners(all_scores)
    plain = score_partners(partners, make_weights(weights), setting)
    scaled = score_partners(partners, make_weights([w * factor for w in weights]), setting)
    assert [s.weighted_score for s in scaled] == [s.weighted_score for s in plain]
    assert [s.rank for s in scaled] == [s.rank for s in plain]
    assert [s.band for s in scaled] == [s.band for s in plain]
    assert [s.work_on for s in scaled] == [s.work_on for s in plain]
    assert [s.status for s in scaled] == [s.status for s in plain]


# --- monotone and bounded ------------------------------------------------------------------------


@examples
@given(data=st.data(), scale=scales(), weights=tenth_weights, policy=st.sampled_from(POLICIES))
def test_a_higher_score_never_lowers_the_weighted_score(
    data: st.DataObject, scale: tuple[int, int], weights: list[int], policy: MissingScores
) -> None:
    low, high = scale
    setting = Settings(lowest_score=low, highest_score=high, missing_scores=policy)
    scores = data.draw(score_lists(low, high), label="scores")
    can_rise = [n for n, s in enumerate(scores) if s is not None and s < high]
    assume(can_rise)
    which = data.draw(st.sampled_from(can_rise), label="ingredient raised")
    current = scores[which]
    assert current is not None
    raised = list(scores)
    raised[which] = data.draw(st.integers(current + 1, high), label="raised to")
    tenths = make_weights([w / 10 for w in weights])

    (before,), (after,) = (
        score_partners(make_partners([s]), tenths, setting) for s in (scores, raised)
    )
    assert before.ranked is after.ranked
    if before.weighted_score is not None and after.weighted_score is not None:
        assert after.weighted_score >= before.weighted_score
        raw_before = weighted_score(before.partner, tenths, setting)
        raw_after = weighted_score(after.partner, tenths, setting)
        assert raw_before is not None and raw_after is not None
        assert raw_after >= raw_before


@examples
@given(data=st.data(), scale=scales(), weights=tenth_weights)
def test_filling_a_blank_never_lowers_the_score_when_blanks_count_as_lowest(
    data: st.DataObject, scale: tuple[int, int], weights: list[int]
) -> None:
    low, high = scale
    setting = Settings(
        lowest_score=low, highest_score=high, missing_scores=MissingScores.COUNT_AS_LOWEST
    )
    scores = data.draw(
        score_lists(low, high).filter(lambda s: None in s and s != [None] * 7), label="s"
    )
    filled = [s if s is not None else data.draw(st.integers(low, high)) for s in scores]
    tenths = make_weights([w / 10 for w in weights])
    (before,), (after,) = (
        score_partners(make_partners([s]), tenths, setting) for s in (scores, filled)
    )
    if before.weighted_score is not None:
        assert after.weighted_score is not None
        assert after.weighted_score >= before.weighted_score


@examples
@given(workbook=workbooks(), weights=tenth_weights)
def test_weighted_score_is_within_0_and_100(
    workbook: tuple[Settings, list[Scores]], weights: list[int]
) -> None:
    setting, all_scores = workbook
    tenths = make_weights([w / 10 for w in weights])
    for result in score_partners(make_partners(all_scores), tenths, setting):
        raw = weighted_score(result.partner, tenths, setting)
        if result.weighted_score is None:
            continue
        assert raw is not None
        assert 0 <= raw <= 100
        assert 0 <= result.weighted_score <= 100
        assert result.score_per_hour is None  # no hours given


@examples
@given(workbook=workbooks(), weights=tenth_weights)
def test_rounded_score_is_the_exact_formula_rounded_half_up(
    workbook: tuple[Settings, list[Scores]], weights: list[int]
) -> None:
    setting, all_scores = workbook
    low, high = setting.lowest_score, setting.highest_score
    tenths = make_weights([w / 10 for w in weights])
    for scores, result in zip(
        all_scores, score_partners(make_partners(all_scores), tenths, setting), strict=True
    ):
        if result.weighted_score is None:
            continue
        counted = [
            (low if s is None else s, Fraction(w, 10))
            for s, w in zip(scores, weights, strict=True)
            if s is not None or setting.missing_scores is MissingScores.COUNT_AS_LOWEST
        ]
        total = sum(w * (s - low) for s, w in counted)
        exact = 100 * total / ((high - low) * sum(w for _, w in counted))
        assert result.weighted_score == float(half_up(exact))


# --- rank and Work on ------------------------------------------------------------------------


@examples
@given(workbook=workbooks(size=12), weights=whole_weights)
def test_rank_agrees_with_score_order(
    workbook: tuple[Settings, list[Scores]], weights: list[int]
) -> None:
    setting, all_scores = workbook
    results = score_partners(make_partners(all_scores), make_weights(weights), setting)
    ranked = [r for r in results if r.ranked]
    scores = [r.weighted_score for r in ranked]
    for result in results:
        assert (result.rank is None) is (result.weighted_score is None)
    for result in ranked:
        assert result.weighted_score is not None
        above = sum(1 for s in scores if s is not None and s > result.weighted_score)
        assert result.rank == 1 + above
    for a in ranked:
        for b in ranked:
            assert a.weighted_score is not None and b.weighted_score is not None
            assert a.rank is not None and b.rank is not None
            assert (a.weighted_score > b.weighted_score) is (a.rank < b.rank)
            assert (a.weighted_score == b.weighted_score) is (a.rank == b.rank)


@examples
@given(scale=scales(), data=st.data(), weights=whole_weights)
def test_work_on_names_the_largest_gains(
    scale: tuple[int, int], data: st.DataObject, weights: list[int]
) -> None:
    low, high = scale
    setting = Settings(lowest_score=low, highest_score=high)
    scores = data.draw(score_lists(low, high), label="scores")
    (partner,) = make_partners([scores])
    gains = [w * (high - (low if s is None else s)) for s, w in zip(scores, weights, strict=True)]
    best = max(gains)
    named = work_on(partner, make_weights(weights), setting)
    if best == 0:
        assert named == ()
    else:
        leaders = [i for i, g in zip(INGREDIENTS, gains, strict=True) if g == best]
        assert named == tuple(leaders[:2])
