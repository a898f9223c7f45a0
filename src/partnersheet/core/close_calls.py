"""How sure each answer is: the runner-up, the margin, and the smallest change of one weight
that would give a different answer (a close call).

A change is tried by deciding the answers again under the changed weights with the very
rules of the review (`ranked_score`, `importance_key`, `less_time_key`). Only the partners
that could be one of the answers under some change are scored again: a weighted score moves
steadily towards the changed ingredient's score as its weight grows, so over all the changes
each partner's score stays between the scores at the largest changes down and up, and a
partner whose whole range stays clear of what the current answers can reach is never picked.
"""

from __future__ import annotations

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
from .scoring import counted_sums, excel_round, ranked_score

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


def score_per_hour(score: float, hours: float | None) -> float | None:
    return excel_round(score / hours) if hours else None


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
    partners: Sequence[Partner], weights: Weights, settings: Settings, answers: Picks
) -> tuple[CloseCall | None, CloseCall | None, CloseCall | None]:
    """For each of the three answers, the first change of `weight_changes` under which the
    rules pick a different partner; None when no change does (or there is no answer)."""
    changes = weight_changes(weights, settings.close_call_within)
    current = answers.as_tuple()
    found: list[CloseCall | None] = [None, None, None]
    if not changes or all(a is None for a in current):
        return (None, None, None)
    contenders = _contenders(partners, weights, settings, answers)
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


@dataclass(frozen=True)
class _Range:
    """The lowest and highest unrounded score a partner takes over all the changes, and
    whether some change leaves it unranked (its only weighted ingredient weighted 0)."""

    low: float
    high: float
    can_drop: bool


def _score_range(partner: Partner, weights: Weights, settings: Settings) -> _Range | None:
    """The partner's `_Range`; None when it is not ranked (no change can rank it: only
    weights above 0 change, and none of them becomes 0 unless it is the last)."""
    current = weights.in_order()
    if ranked_score(partner, current, settings) is None:
        return None
    total, weight_sum = counted_sums(partner.scores, current, settings)
    scale = 100 / (settings.highest_score - settings.lowest_score)
    count_lowest = settings.missing_scores is MissingScores.COUNT_AS_LOWEST
    largest = settings.close_call_within // STEP / STEP
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


def _contenders(
    partners: Sequence[Partner], weights: Weights, settings: Settings, answers: Picks
) -> list[Partner]:
    """The partners that could be one of the three answers under some change.

    The most important partner under a change scores at least what the current one scores
    under it, so at least the current one's lowest; the least effective, at most the current
    one's highest. The Less time answer under a change is never after both of any two
    partners that are always ranked (one of them may be the most important): its score per
    hour is at most the second lowest of their highest."""
    ranges = {p.row: r for p in partners if (r := _score_range(p, weights, settings)) is not None}
    floor, ceiling = -math.inf, math.inf
    top, bottom = answers.most_important, answers.least_effective
    if top is not None and not ranges[top.row].can_drop:
        floor = ranges[top.row].low - _SLACK
    if bottom is not None and not ranges[bottom.row].can_drop:
        ceiling = ranges[bottom.row].high + _SLACK
    per_hour_ceiling = _per_hour_ceiling(partners, ranges)
    contenders = []
    for partner in partners:
        found = ranges.get(partner.row)
        if found is None:
            continue
        hours = partner.hours_per_month or 0
        if (
            found.high >= floor
            or found.low <= ceiling
            or (hours > 0 and (found.low - _SLACK) / hours - _SLACK <= per_hour_ceiling)
        ):
            contenders.append(partner)
    return contenders


def _per_hour_ceiling(partners: Sequence[Partner], ranges: dict[int, _Range]) -> float:
    """The second lowest of the highest scores per hour that partners always ranked and
    given hours can reach; infinite with fewer than two such partners."""
    highest = sorted(
        (found.high + _SLACK) / hours + _SLACK
        for partner in partners
        if (found := ranges.get(partner.row)) is not None
        and not found.can_drop
        and (hours := partner.hours_per_month or 0) > 0
    )
    return highest[1] if len(highest) >= 2 else math.inf
