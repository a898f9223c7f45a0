"""How sure each answer is: the runner-up, the margin, and the smallest change of one weight
that would give a different answer (a close call).

A change is tried by deciding the answers again under the changed weights with the very
rules of the review (`ranked_score`, `importance_key`, `less_time_key`). Only the partners
that could be one of the answers under some change are scored again (see `_contenders`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import (
    INGREDIENTS,
    Ingredient,
    MissingScores,
    Partner,
    Settings,
    Weights,
    normalise_name,
)
from .scoring import counted_sums, ranked_score, score_per_hour

#: A change of one weight is tried in steps of this share of it (10%).
STEP = 10
#: Room left around a score's range for its rounding to 1 decimal and for float noise.
_SLACK = 0.2


@dataclass(frozen=True)
class WeightChange:
    """One weight changed, the others as they are."""

    ingredient: Ingredient
    weight: float
    new_weight: float
    #: Every weight with the change, in the order of the ingredients.
    weights: tuple[float, ...]


@dataclass(frozen=True)
class CloseCall:
    """The smallest change of one weight that gives a different answer, and that answer."""

    ingredient: Ingredient
    weight: float
    new_weight: float
    #: The partner the rules pick under the changed weight.
    answer: str


@dataclass(frozen=True)
class Picks:
    """The partners the three answers name; None where there is no answer."""

    most_important: Partner | None
    least_effective: Partner | None
    less_time: Partner | None

    def as_tuple(self) -> tuple[Partner | None, Partner | None, Partner | None]:
        return (self.most_important, self.least_effective, self.less_time)


def importance_key(partner: Partner, score: float) -> tuple[float, float, int, str]:
    """Ranked partners sort by this, most important first: the stronger score, then more
    fees, then more referrals received, then the name."""
    return (
        -score,
        -(partner.fees_received or 0.0),
        -(partner.referrals_received or 0),
        normalise_name(partner.name),
    )


def less_time_key(partner: Partner, score_per_hour: float) -> tuple[float, float, str]:
    """The Less time answer is the first by this: the lower score per hour, then lower
    fees, then the name."""
    return (score_per_hour, partner.fees_received or 0.0, normalise_name(partner.name))


def pick(partners: Iterable[Partner], weights: Sequence[float], settings: Settings) -> Picks:
    """The three answers' partners among `partners`, under `weights` (in the order of the
    ingredients), by the review's rules."""
    scored = [
        (partner, score)
        for partner in partners
        if (score := ranked_score(partner, weights, settings)) is not None
    ]
    if not scored:
        return Picks(None, None, None)
    top = min(scored, key=lambda found: importance_key(*found))[0]
    bottom = max(scored, key=lambda found: importance_key(*found))[0]
    per_hour = [
        (partner, per)
        for partner, score in scored
        if partner is not top
        and (partner.hours_per_month or 0) > 0
        and (per := score_per_hour(score, partner.hours_per_month)) is not None
    ]
    less = min(per_hour, key=lambda found: less_time_key(*found))[0] if per_hour else None
    return Picks(top, bottom, less)


def weight_changes(weights: Weights, within: int) -> list[WeightChange]:
    """The changes to try with `Close call within` = `within` percent, in the order they
    are reported: the smallest first; of one size, by ingredient in the sheet's order, the
    change down before the change up. Only weights above 0 are changed."""
    current = weights.in_order()
    changes = []
    for size in range(1, within // STEP + 1):
        for index, (ingredient, weight) in enumerate(zip(INGREDIENTS, current, strict=True)):
            if weight <= 0:
                continue
            for step in (-size, size):
                new = weight * (STEP + step) / STEP
                changed = (*current[:index], new, *current[index + 1 :])
                changes.append(WeightChange(ingredient, weight, new, changed))
    return changes


def close_calls(
    ranked: Sequence[tuple[Partner, float]], weights: Weights, settings: Settings, answers: Picks
) -> tuple[CloseCall | None, CloseCall | None, CloseCall | None]:
    """For each of the three answers, the first change of `weight_changes` under which the
    rules pick a different partner; None when no change does (or there is no answer).

    `ranked` are the ranked partners with their weighted scores: no change of weight ranks
    a partner that is not ranked (only weights above 0 change, and a partner scored only on
    ingredients weighted 0 stays so)."""
    changes = weight_changes(weights, settings.close_call_within)
    current = answers.as_tuple()
    found: list[CloseCall | None] = [None, None, None]
    if not changes or all(a is None for a in current):
        return (None, None, None)
    contenders = _contenders(ranked, weights, settings, answers)
    open_questions = [i for i, answer in enumerate(current) if answer is not None]
    for change in changes:
        picked = pick(contenders, change.weights, settings).as_tuple()
        for question in list(open_questions):
            now, then = current[question], picked[question]
            if then is not None and now is not None and then.row != now.row:
                found[question] = CloseCall(
                    change.ingredient, change.weight, change.new_weight, then.name
                )
                open_questions.remove(question)
        if not open_questions:
            break
    return (found[0], found[1], found[2])


# --- which partners can be an answer ------------------------------------------------------
#
# Under a change of one weight w to w × (1 + r), a partner's score moves from s towards the
# score of that ingredient alone, c: s' = (s + r x c) / (1 + r x), where x is the weight's
# share of the partner's weights. So over r from -R to R (R = Close call within, a share),
# the score stays between its values at -R and R. Working those out is a few sums a
# partner; a cheaper bound first leaves out most partners: |s' - s| ≤ 100 y / (1 - y), with
# y = R × the largest weight ÷ the partner's weights.


@dataclass(frozen=True)
class _Range:
    """The lowest and highest unrounded score a partner takes over all the changes, and
    whether some change leaves it unranked (its only weighted ingredient weighted 0)."""

    low: float
    high: float
    can_drop: bool


#: Room left around a rounded score for the unrounded one, and for float noise.
_ROUNDING = 0.06


def _score_range(partner: Partner, weights: Weights, settings: Settings) -> _Range:
    """The partner's `_Range`, for a ranked partner."""
    current = weights.in_order()
    total, weight_sum = counted_sums(partner.scores, current, settings)
    scale = 100 / (settings.highest_score - settings.lowest_score)
    count_lowest = settings.missing_scores is MissingScores.COUNT_AS_LOWEST
    largest = _largest_share(settings)
    now = scale * total / weight_sum
    low = high = now
    can_drop = False
    for score, weight in zip(partner.scores, current, strict=True):
        if weight <= 0 or (score is None and not count_lowest):
            continue
        points = (settings.lowest_score if score is None else score) - settings.lowest_score
        down = largest
        if weight_sum - largest * weight <= 0:
            can_drop = True  # weighted 0, this ingredient leaves nothing to score
            down = largest - 1 / STEP
        for share in (-down, largest):
            moved = share * weight
            changed = scale * (total + moved * points) / (weight_sum + moved)
            low, high = min(low, changed), max(high, changed)
    return _Range(low, high, can_drop)


def _largest_share(settings: Settings) -> float:
    """The largest change tried, as a share of the weight (0.5 for 50%)."""
    return settings.close_call_within // STEP / STEP


#: A ranked partner, its weighted score, how far a change can move it, its hours a month.
_Bounded = tuple[Partner, float, float, float]


def _bounded(
    ranked: Sequence[tuple[Partner, float]], weights: Weights, settings: Settings
) -> list[_Bounded]:
    """Each ranked partner with a bound on how far any change can move its score (beyond
    its rounding); infinite where a change could take all its weight away."""
    current = weights.in_order()
    largest = _largest_share(settings) * max(current)
    blanks_count = settings.missing_scores is not MissingScores.SCORE_WHAT_IS_THERE
    every_weight = sum(current)
    found = []
    for partner, score in ranked:
        scores = partner.scores
        weight_sum = (
            every_weight
            if blanks_count or None not in scores
            else sum(w for s, w in zip(scores, current, strict=True) if s is not None)
        )
        share = largest / weight_sum
        move = 100 * share / (1 - share) + _ROUNDING if share < 1 else math.inf
        found.append((partner, score, move, partner.hours_per_month or 0))
    return found


def _contenders(
    ranked: Sequence[tuple[Partner, float]], weights: Weights, settings: Settings, answers: Picks
) -> list[Partner]:
    """The partners that could be one of the three answers under some change.

    The most important partner under a change scores at least what the current one scores
    under it, so at least the current one's lowest; the least effective, at most the current
    one's highest. The Less time answer under a change is never after both of any two
    partners that are always ranked (one of them may be the most important): its score per
    hour is at most the second lowest of their highest."""
    floor, ceiling = -math.inf, math.inf
    for answer in (answers.most_important, answers.least_effective):
        if answer is None:
            continue
        found = _score_range(answer, weights, settings)
        if not found.can_drop and answer is answers.most_important:
            floor = found.low - _SLACK
        if not found.can_drop and answer is answers.least_effective:
            ceiling = found.high + _SLACK
    bounded = _bounded(ranked, weights, settings)
    per_hour_ceiling = _per_hour_ceiling(bounded, weights, settings)

    def may_answer(low: float, high: float, hours: float) -> bool:
        return (
            high >= floor
            or low <= ceiling
            or (hours > 0 and (low - _SLACK) / hours - _SLACK <= per_hour_ceiling)
        )

    return [
        partner
        for partner, score, move, hours in bounded
        if may_answer(score - move, score + move, hours)
        and may_answer(*_exact(partner, weights, settings), hours)
    ]


def _exact(partner: Partner, weights: Weights, settings: Settings) -> tuple[float, float]:
    """The partner's lowest and highest score over the changes (where a change leaves it
    unranked, it is never picked under that change)."""
    found = _score_range(partner, weights, settings)
    return found.low, found.high


def _per_hour_ceiling(bounded: Sequence[_Bounded], weights: Weights, settings: Settings) -> float:
    """The second lowest of the highest scores per hour that partners always ranked and
    given hours can reach (infinite with fewer than two): worked out exactly for the
    partners whose bound could put them among the two lowest."""
    given = [found for found in bounded if found[2] < math.inf and found[3] > 0]
    bound = _second_lowest((score + move) / hours + _SLACK for _, score, move, hours in given)
    return _second_lowest(
        (_score_range(partner, weights, settings).high + _ROUNDING) / hours + _SLACK
        for partner, score, _, hours in given
        if score / hours <= bound
    )


def _second_lowest(values: Iterable[float]) -> float:
    """The second lowest of the values; infinite with fewer than two."""
    lowest = heapq.nsmallest(2, values)
    return lowest[1] if len(lowest) == 2 else math.inf
