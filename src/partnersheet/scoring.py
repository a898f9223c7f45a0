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
    if digits == 1 and 1e-4 < abs(value) < 1e12:
        # Python's round() rounds the exact value to the nearest float of one decimal. The
        # 15 digits shown differ from the exact value by at most 5e-15 of it, so unless
        # the value lies within that of a tie (x.x5) both round to the same side; the
        # margin here is far wider than that and than the error of measuring it.
        nearest = round(value, 1)
        if abs(abs(value - nearest) - 0.05) > 1e-12 * abs(value):
            return nearest
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
    tables = _Tables(weight_list, low, high, count_lowest)
    found = []
    for partner in partners:
        scores = partner.scores
        # The scores in the workbook's order, without hashing each ingredient when the
        # mapping is in that order already (as read from a workbook).
        if type(scores) is dict and tuple(scores) == _INGREDIENTS:
            values = tuple(scores.values())
        else:
            values = _score_values(partner)
        outcome = outcomes.get(values)
        if outcome is None:
            counted = tables.counted(values)
            if counted is None:
                total, weight_sum, gains = _counted(values, weight_list, low, high, count_lowest)
            else:
                total, weight_sum, gains = counted
            raw = (
                None
                if weight_sum == 0
                else min(100.0, max(0.0, 100 * total / ((high - low) * weight_sum)))
            )
            if None in values:
                unscored = tuple(i for i, s in zip(_INGREDIENTS, values, strict=True) if s is None)
            else:
                unscored = ()
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
            outcome = outcomes[values] = (_rounded(raw, roundings), status, _focus(gains))
        found.append(outcome)

    ordered = sorted((o[0] for o in found if o[0] is not None), reverse=True)
    first_rank: dict[float, int] = {}
    for position, ranked_score in enumerate(ordered, start=1):
        first_rank.setdefault(ranked_score, position)
    bands: dict[float, Band] = {}

    results = []
    # Each Score is made as `built` makes it, without its checks: the dict below is
    # exactly Score's fields, in order.
    new, set_fields = object.__new__, object.__setattr__
    for partner, (value, status, ingredients) in zip(partners, found, strict=True):
        hours = partner.hours_per_month
        if value is None:
            rank = the_band = per_hour = None
        else:
            rank = first_rank[value]
            the_band = bands.get(value)
            if the_band is None:
                the_band = bands[value] = band(value, settings)
            if hours:
                per_hour = value / hours
                per_hour = roundings.get(per_hour) or _rounded(per_hour, roundings)
            else:
                per_hour = None
        score = new(Score)
        set_fields(
            score,
            "__dict__",
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
        results.append(score)
    return tuple(results)


def _counted(
    values: tuple[int | None, ...],
    weight_list: tuple[float, ...],
    low: int,
    high: int,
    count_lowest: bool,
) -> tuple[float, float, tuple[float, ...]]:
    """The sums of `weighted_score` and the gains of `work_on`, for one partner's scores."""
    total = weight_sum = 0.0
    gains = []
    for score, weight in zip(values, weight_list, strict=True):
        if score is None:
            gains.append(weight * (high - low))
            if not count_lowest:
                continue
            score = low
        else:
            gains.append(weight * (high - score))
        total += weight * (score - low)
        weight_sum += weight
    return total, weight_sum, tuple(gains)


class _Tables:
    """`_counted` by looking up each ingredient's terms, worked out once per possible score.

    A blank that is not counted adds 0.0 to both sums where `_counted` skips it: the same
    result, since the sums start at 0.0 and so are never -0.0, and x + 0.0 is x for every
    other x. Each sum is added up left to right, in the same order as `_counted`.
    """

    def __init__(
        self, weight_list: tuple[float, ...], low: int, high: int, count_lowest: bool
    ) -> None:
        self.usable = len(weight_list) == 7 and 0 < high - low <= _TABLED_SCALE
        self.terms: list[dict[int | None, tuple[float, float, float]]] = []
        if not self.usable:
            return
        for weight in weight_list:
            terms: dict[int | None, tuple[float, float, float]] = {
                score: (weight * (score - low), weight, weight * (high - score))
                for score in range(low, high + 1)
            }
            blank_gain = weight * (high - low)
            terms[None] = (
                (weight * 0, weight, blank_gain) if count_lowest else (0.0, 0.0, blank_gain)
            )
            self.terms.append(terms)

    def counted(
        self, values: tuple[int | None, ...]
    ) -> tuple[float, float, tuple[float, ...]] | None:
        """What `_counted` gives, or None for a score outside the tables."""
        if not self.usable or len(values) != 7:
            return None
        t0, t1, t2, t3, t4, t5, t6 = self.terms
        try:
            a0, b0, g0 = t0[values[0]]
            a1, b1, g1 = t1[values[1]]
            a2, b2, g2 = t2[values[2]]
            a3, b3, g3 = t3[values[3]]
            a4, b4, g4 = t4[values[4]]
            a5, b5, g5 = t5[values[5]]
            a6, b6, g6 = t6[values[6]]
        except (KeyError, TypeError):
            return None
        total = 0.0 + a0 + a1 + a2 + a3 + a4 + a5 + a6
        weight_sum = 0.0 + b0 + b1 + b2 + b3 + b4 + b5 + b6
        return total, weight_sum, (g0, g1, g2, g3, g4, g5, g6)


#: The widest scale whose terms are tabled; a wider one is summed score by score.
_TABLED_SCALE = 100


def _focus(gains: tuple[float, ...]) -> tuple[Ingredient, ...]:
    """The first two ingredients with the largest gain; none when no gain is possible."""
    best = max(gains)
    if best <= 0:
        return ()
    first = gains.index(best)
    if gains.count(best) == 1:
        return (_INGREDIENTS[first],)
    return (_INGREDIENTS[first], _INGREDIENTS[gains.index(best, first + 1)])


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
