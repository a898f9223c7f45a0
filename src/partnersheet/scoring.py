"""Weighted scores, ranks, bands, what to work on, and each partner's status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Band, Ingredient, MissingScores, Partner, Settings, Weights, built


@dataclass(frozen=True)
class Score:
    """What the scoring rules make of one partner."""

    partner: Partner
    #: 0 to 100, rounded to 1 decimal; None when the partner is not ranked.
    weighted_score: float | None
    #: 1 = strongest; equal weighted scores share a rank.
    rank: int | None
    band: Band | None
    #: The one or two ingredients whose improvement would raise the score most.
    work_on: tuple[Ingredient, ...]
    #: Weighted score per hour a month; None without hours or without a score.
    score_per_hour: float | None
    #: `OK`, `Provisional: ... not scored`, or `Not ranked: ...`.
    status: str

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def provisional(self) -> bool:
        return self.status != "OK"


def excel_round(value: float, digits: int = 1) -> float:
    """Round half away from zero, as Excel's ROUND does on the value it shows (15 digits)."""
    shown = format(value, ".15g")
    if 0 <= digits <= 15 and "e" not in shown and "n" not in shown:
        # The same decimal rounding done on the digits themselves: ROUND_HALF_UP looks only
        # at the first digit dropped, and n / 10**digits is the float nearest the decimal
        # result, exactly as float() of the quantized Decimal is.
        whole, _, fraction = shown.partition(".")
        if len(fraction) <= digits:
            return float(shown)
        negative = whole.startswith("-")
        kept = int(whole.lstrip("-") + fraction[:digits])
        if fraction[digits] >= "5":
            kept += 1
        scale: int = 10**digits
        result = kept / scale
        return -result if negative else result
    exact = Decimal(shown)
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def weighted_score(partner: Partner, weights: Weights, settings: Settings) -> float | None:
    """The unrounded 0–100 score over the ingredients counted; None when nothing counts."""
    low, high = settings.lowest_score, settings.highest_score
    total = weight_sum = 0.0
    for ingredient in Ingredient:
        score = partner.score(ingredient)
        if score is None:
            if settings.missing_scores is not MissingScores.COUNT_AS_LOWEST:
                continue
            score = low
        weight = weights.weight(ingredient)
        total += weight * (score - low)
        weight_sum += weight
    if weight_sum == 0:
        return None
    # Float noise can stray a hair past the ends (100.00000000000001); the formula cannot.
    return min(100.0, max(0.0, 100 * total / ((high - low) * weight_sum)))


def band(score: float, settings: Settings) -> Band:
    if score >= settings.strong_from:
        return Band.STRONG
    if score >= settings.keep_from:
        return Band.KEEP
    if score >= settings.improve_from:
        return Band.IMPROVE
    return Band.DITCH


def work_on(partner: Partner, weights: Weights, settings: Settings) -> tuple[Ingredient, ...]:
    """The ingredients with the largest weight × (Highest − score), at most two.

    An unscored ingredient counts as Lowest score. When several share the largest gain the
    first two in the workbook's order are named; nothing when no gain is possible.
    """

    def gain(ingredient: Ingredient) -> float:
        score = partner.score(ingredient)
        counted = settings.lowest_score if score is None else score
        return weights.weight(ingredient) * (settings.highest_score - counted)

    gains = {i: gain(i) for i in Ingredient}
    best = max(gains.values())
    if best <= 0:
        return ()
    return tuple(i for i in Ingredient if gains[i] == best)[:2]


def _labels(ingredients: Sequence[Ingredient]) -> str:
    return ", ".join(i.label for i in ingredients)


def score_partners(
    partners: Sequence[Partner], weights: Weights, settings: Settings
) -> tuple[Score, ...]:
    """Score every partner, in the order given."""
    if not partners:
        return ()
    # The same sums as `weighted_score` and `work_on`, in the same order, over plain tuples;
    # partners with the same scores share the outcome, and equal numbers their rounding.
    weight_list = tuple(weights.weight(i) for i in Ingredient)
    low, high = settings.lowest_score, settings.highest_score
    count_lowest = settings.missing_scores is MissingScores.COUNT_AS_LOWEST
    do_not_rank = settings.missing_scores is MissingScores.DO_NOT_RANK
    labels: dict[tuple[Ingredient, ...], str] = {}
    roundings: dict[float, float] = {}
    outcomes: dict[tuple[int | None, ...], tuple[float | None, str, tuple[Ingredient, ...]]] = {}
    found = []
    for partner in partners:
        values = _score_values(partner)
        outcome = outcomes.get(values)
        if outcome is None:
            total = weight_sum = 0.0
            gains = []
            missing = []
            for score, weight, ingredient in zip(values, weight_list, _INGREDIENTS, strict=True):
                if score is None:
                    missing.append(ingredient)
                    gains.append(weight * (high - low))
                    if not count_lowest:
                        continue
                    score = low
                else:
                    gains.append(weight * (high - score))
                total += weight * (score - low)
                weight_sum += weight
            raw = (
                None
                if weight_sum == 0
                else min(100.0, max(0.0, 100 * total / ((high - low) * weight_sum)))
            )
            unscored = tuple(missing)
            if len(unscored) == len(_INGREDIENTS):
                status = "Not ranked: no ingredient is scored yet"
                raw = None
            elif unscored and do_not_rank:
                status = f"Not ranked: {_cached_labels(labels, unscored)} not scored"
                raw = None
            elif raw is None:
                status = "Not ranked: only ingredients weighted 0 are scored"
            elif unscored:
                status = f"Provisional: {_cached_labels(labels, unscored)} not scored"
            else:
                status = "OK"
            best = max(gains)
            focus = (
                ()
                if best <= 0
                else tuple(i for i, g in zip(_INGREDIENTS, gains, strict=True) if g == best)[:2]
            )
            outcome = outcomes[values] = (_rounded(raw, roundings), status, focus)
        found.append(outcome)

    ordered = sorted((o[0] for o in found if o[0] is not None), reverse=True)
    first_rank: dict[float, int] = {}
    for position, ranked_score in enumerate(ordered, start=1):
        first_rank.setdefault(ranked_score, position)
    bands: dict[float, Band] = {}

    results = []
    for partner, (value, status, ingredients) in zip(partners, found, strict=True):
        hours = partner.hours_per_month
        if value is None:
            rank = the_band = per_hour = None
        else:
            rank = first_rank[value]
            the_band = bands.get(value)
            if the_band is None:
                the_band = bands[value] = band(value, settings)
            per_hour = _rounded(value / hours, roundings) if hours else None
        results.append(
            built(
                Score,
                {
                    "partner": partner,
                    "weighted_score": value,
                    "rank": rank,
                    "band": the_band,
                    "work_on": ingredients,
                    "score_per_hour": per_hour,
                    "status": status,
                },
            )
        )
    return tuple(results)


def _rounded(value: float | None, done: dict[float, float]) -> float | None:
    """`excel_round(value)`, remembered; a zero is rounded afresh, as its sign matters."""
    if value is None:
        return None
    if not value:
        return excel_round(value)
    result = done.get(value)
    if result is None:
        result = done[value] = excel_round(value)
    return result


_INGREDIENTS = tuple(Ingredient)


def _score_values(partner: Partner) -> tuple[int | None, ...]:
    """The partner's scores in the workbook's order of ingredients."""
    scores = partner.scores
    # Read in order without hashing each ingredient when the mapping is already in order.
    if type(scores) is dict and tuple(scores) == _INGREDIENTS:
        return tuple(scores.values())
    return tuple(scores.get(i) for i in _INGREDIENTS)


def _cached_labels(
    cache: dict[tuple[Ingredient, ...], str], ingredients: tuple[Ingredient, ...]
) -> str:
    text = cache.get(ingredients)
    if text is None:
        text = cache[ingredients] = _labels(ingredients)
    return text
