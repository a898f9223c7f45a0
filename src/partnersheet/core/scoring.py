"""Weighted scores, ranks, bands, what to work on, and each partner's status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import INGREDIENTS, Band, Ingredient, MissingScores, Partner, Settings, Weights


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


def score_per_hour(score: float, hours: float | None) -> float | None:
    """The weighted score for each hour a month, 1 decimal; None without hours."""
    return excel_round(score / hours) if hours else None


def weighted_score(partner: Partner, weights: Weights, settings: Settings) -> float | None:
    """The unrounded 0–100 score over the ingredients counted; None when nothing counts."""
    return _raw_score(partner.scores, weights.in_order(), settings)


def counted_sums(
    scores: Sequence[int | None], weights: Sequence[float], settings: Settings
) -> tuple[float, float]:
    """Σ weight × (score − Lowest) and Σ weight over the ingredients counted, for scores and
    weights in the order of the ingredients."""
    low = settings.lowest_score
    count_lowest = settings.missing_scores is MissingScores.COUNT_AS_LOWEST
    total = weight_sum = 0.0
    for score, weight in zip(scores, weights, strict=True):
        if score is None:
            if not count_lowest:
                continue
            score = low
        total += weight * (score - low)
        weight_sum += weight
    return total, weight_sum


def _raw_score(
    scores: Sequence[int | None], weights: Sequence[float], settings: Settings
) -> float | None:
    """`weighted_score` of scores and weights in the order of the ingredients."""
    total, weight_sum = counted_sums(scores, weights, settings)
    if weight_sum == 0:
        return None
    # Float noise can stray a hair past the ends (100.00000000000001); the formula cannot.
    scale = settings.highest_score - settings.lowest_score
    return min(100.0, max(0.0, 100 * total / (scale * weight_sum)))


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
    return _work_on(partner.scores, weights.in_order(), settings)


def _work_on(
    scores: Sequence[int | None], weights: Sequence[float], settings: Settings
) -> tuple[Ingredient, ...]:
    """`work_on` of scores and weights in the order of the ingredients."""
    low, high = settings.lowest_score, settings.highest_score
    gains = [
        weight * (high - (low if score is None else score))
        for score, weight in zip(scores, weights, strict=True)
    ]
    best = max(gains)
    if best <= 0:
        return ()
    return tuple(i for i, gain in zip(INGREDIENTS, gains, strict=True) if gain == best)[:2]


def _status_and_score(
    partner: Partner, weights: Sequence[float], settings: Settings
) -> tuple[str, float | None]:
    """The partner's Status, and its rounded weighted score when it is ranked."""
    unscored = partner.unscored
    labels = ", ".join(i.label for i in unscored)
    if len(unscored) == len(INGREDIENTS):
        return "Not ranked: no ingredient is scored yet", None
    if unscored and settings.missing_scores is MissingScores.DO_NOT_RANK:
        return f"Not ranked: {labels} not scored", None
    score = ranked_score(partner, weights, settings)
    if score is None:
        return "Not ranked: only ingredients weighted 0 are scored", None
    return (f"Provisional: {labels} not scored" if unscored else "OK"), score


def ranked_score(partner: Partner, weights: Sequence[float], settings: Settings) -> float | None:
    """The partner's rounded weighted score under these weights (in the order of the
    ingredients); None when the rules leave it unranked."""
    scores = partner.scores
    if all(score is None for score in scores):
        return None
    if settings.missing_scores is MissingScores.DO_NOT_RANK and None in scores:
        return None
    raw = _raw_score(scores, weights, settings)
    return None if raw is None else excel_round(raw)


def ranks(scores: Iterable[float]) -> dict[float, int]:
    """Each weighted score's rank: one more than the number of higher scores, so equal
    scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores, reverse=True)
    rank_of: dict[float, int] = {}
    for position, score in enumerate(ordered, start=1):
        rank_of.setdefault(score, position)
    return rank_of


def score_partners(
    partners: Sequence[Partner], weights: Weights, settings: Settings
) -> tuple[Score, ...]:
    """Score every partner, in the order given."""
    weight_list = weights.in_order()
    statuses = [_status_and_score(p, weight_list, settings) for p in partners]
    rank_of = ranks(score for _, score in statuses if score is not None)
    scores = []
    for partner, (status, value) in zip(partners, statuses, strict=True):
        hours = partner.hours_per_month
        scores.append(
            Score(
                partner=partner,
                weighted_score=value,
                rank=None if value is None else rank_of[value],
                band=None if value is None else band(value, settings),
                work_on=_work_on(partner.scores, weight_list, settings),
                score_per_hour=None if value is None else score_per_hour(value, hours),
                status=status,
            )
        )
    return tuple(scores)
