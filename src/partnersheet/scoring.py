"""Weighted scores, ranks, bands, what to work on, and each partner's status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Band, Ingredient, MissingScores, Partner, Settings, Weights


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
    shown = Decimal(format(value, ".15g"))
    return float(shown.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


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
    rounded: list[float | None] = []
    statuses: list[str] = []
    for partner in partners:
        unscored = partner.unscored
        raw: float | None = weighted_score(partner, weights, settings)
        if len(unscored) == len(Ingredient):
            status = "Not ranked: no ingredient is scored yet"
            raw = None
        elif unscored and settings.missing_scores is MissingScores.DO_NOT_RANK:
            status = f"Not ranked: {_labels(unscored)} not scored"
            raw = None
        elif raw is None:
            status = "Not ranked: only ingredients weighted 0 are scored"
        elif unscored:
            status = f"Provisional: {_labels(unscored)} not scored"
        else:
            status = "OK"
        rounded.append(None if raw is None else excel_round(raw))
        statuses.append(status)

    ordered = sorted((s for s in rounded if s is not None), reverse=True)
    first_rank: dict[float, int] = {}
    for position, ranked_score in enumerate(ordered, start=1):
        first_rank.setdefault(ranked_score, position)

    results = []
    for partner, value, status in zip(partners, rounded, statuses, strict=True):
        hours = partner.hours_per_month
        per_hour = excel_round(value / hours) if value is not None and hours else None
        results.append(
            Score(
                partner=partner,
                weighted_score=value,
                rank=first_rank[value] if value is not None else None,
                band=band(value, settings) if value is not None else None,
                work_on=work_on(partner, weights, settings),
                score_per_hour=per_hour,
                status=status,
            )
        )
    return tuple(results)
