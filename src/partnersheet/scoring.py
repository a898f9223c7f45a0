"""Weighted scores, ranks, bands, what to work on, and each partner's status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .model import Band, Ingredient, MissingScores, Partner, Settings, Weights, built_all


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
    return built_all(Score, score_fields(partners, weights, settings))


def score_fields(
    partners: Sequence[Partner], weights: Weights, settings: Settings
) -> list[dict[str, Any]]:
    """The fields of each partner's Score, in the order given: a dict of Score's fields in
    order, for the review to extend with its own (a PartnerResult is a Score and more)."""
    if not partners:
        return []
    # The same sums as `weighted_score` and `work_on`, in the same order, over plain tuples:
    # the first four scores and the last three are each looked up as one (see `_Tables`);
    # equal numbers share their rounding, and each pattern of blanks its status.
    weight_list = tuple(weights.weight(i) for i in Ingredient)
    low, high = settings.lowest_score, settings.highest_score
    count_lowest = settings.missing_scores is MissingScores.COUNT_AS_LOWEST
    do_not_rank = settings.missing_scores is MissingScores.DO_NOT_RANK
    tables = _Tables(weight_list, low, high, count_lowest)
    heads, tails = tables.heads, tables.tails
    # Scores outside the tables are summed one by one, and partners with the same such
    # scores share the outcome.
    outcomes: dict[tuple[int | None, ...], tuple[float | None, str, tuple[Ingredient, ...]]] = {}
    labels: dict[tuple[Ingredient, ...], str] = {}
    blanks: dict[int, tuple[str | None, str]] = {0: (None, "OK")}
    roundings: dict[float, float] = {}
    # Each unrounded score's rounding and band. (It is never -0.0, which would share a
    # key with 0.0 but round to -0.0: the clamp gives its own 0.0 for anything not above.)
    placings: dict[float, tuple[float, Band]] = {}
    spread = high - low
    none_ranked = "Not ranked: only ingredients weighted 0 are scored"
    # The ranks are filled in once all are scored.
    results: list[dict[str, Any]] = []
    ranked: list[dict[str, Any]] = []
    ranked_scores: list[float] = []
    for partner in partners:
        scores = partner.scores
        # The scores in the workbook's order, without hashing each ingredient when the
        # mapping is in that order already (as read from a workbook).
        if type(scores) is dict and tuple(scores) == _INGREDIENTS:
            v0, v1, v2, v3, v4, v5, v6 = scores.values()
        else:
            v0, v1, v2, v3, v4, v5, v6 = _score_values(partner)
        head = heads.get((v0, v1, v2, v3)) or tables.head((v0, v1, v2, v3))
        tail = tails.get((v4, v5, v6)) or tables.tail((v4, v5, v6))
        if head is None or tail is None:
            values = (v0, v1, v2, v3, v4, v5, v6)
            outcome = outcomes.get(values)
            if outcome is None:
                outcome = outcomes[values] = _outcome(
                    values, weight_list, low, high, count_lowest, do_not_rank, labels
                )
            raw, status, focus = outcome
        else:
            head_total, head_weight, head_best, head_focus, head_blanks = head
            a4, a5, a6, b4, b5, b6, tail_best, tail_focus, tail_blanks = tail
            blank = blanks.get(head_blanks | tail_blanks)
            if blank is None:
                blank = _blank_status(head_blanks | tail_blanks, do_not_rank, labels, blanks)
            unranked, status = blank
            if unranked is not None:
                raw, status = None, unranked
            else:
                weight_sum = head_weight + b4 + b5 + b6
                if weight_sum == 0:
                    raw, status = None, none_ranked
                else:
                    raw = 100 * (head_total + a4 + a5 + a6) / (spread * weight_sum)
                    # As min(100.0, max(0.0, raw)) gives it, without the calls inside.
                    if not 0.0 < raw < 100.0:
                        raw = min(100.0, max(0.0, raw))
            # The first two ingredients with the largest gain, from those of each part.
            if head_best > tail_best:
                focus = head_focus
            elif tail_best > head_best:
                focus = tail_focus
            elif len(head_focus) == 1:
                focus = head_focus + tail_focus[:1]
            else:
                focus = head_focus
        value: float | None
        if raw is None:
            value = the_band = per_hour = None
        else:
            placing = placings.get(raw)
            if placing is None:
                rounded = excel_round(raw)
                placing = placings[raw] = (rounded, band(rounded, settings))
            value, the_band = placing
            hours = partner.hours_per_month
            if hours:
                per_hour = value / hours
                per_hour = roundings.get(per_hour) or _rounded(per_hour, roundings)
            else:
                per_hour = None
        fields: dict[str, Any] = {
            "partner": partner,
            "weighted_score": value,
            "rank": None,
            "band": the_band,
            "work_on": focus,
            "score_per_hour": per_hour,
            "status": status,
        }
        results.append(fields)
        if value is not None:
            ranked.append(fields)
            ranked_scores.append(value)

    # Equal scores share the rank of the first of them: one more than the count above.
    counts = Counter(ranked_scores)
    first_rank: dict[float, int] = {}
    above = 1
    for ranked_score in sorted(counts, reverse=True):
        first_rank[ranked_score] = above
        above += counts[ranked_score]
    for fields, ranked_score in zip(ranked, ranked_scores, strict=True):
        fields["rank"] = first_rank[ranked_score]
    return results


def _outcome(
    values: tuple[int | None, ...],
    weight_list: tuple[float, ...],
    low: int,
    high: int,
    count_lowest: bool,
    do_not_rank: bool,
    labels: dict[tuple[Ingredient, ...], str],
) -> tuple[float | None, str, tuple[Ingredient, ...]]:
    """The unrounded score, status and focus of one partner's scores, summed one by one."""
    total, weight_sum, gains = _counted(values, weight_list, low, high, count_lowest)
    raw = (
        None if weight_sum == 0 else min(100.0, max(0.0, 100 * total / ((high - low) * weight_sum)))
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
    return raw, status, _focus(gains)


def _blank_status(
    blanks: int,
    do_not_rank: bool,
    labels: dict[tuple[Ingredient, ...], str],
    done: dict[int, tuple[str | None, str]],
) -> tuple[str | None, str]:
    """For the scores blank where `blanks` has a bit set (bit n for ingredient n): the status
    that leaves a partner unranked whatever the sums (None when there is none), and the
    status of one who is ranked; remembered in `done`."""
    unscored = tuple(i for n, i in enumerate(_INGREDIENTS) if blanks >> n & 1)
    if not unscored:
        status: tuple[str | None, str] = (None, "OK")
    elif len(unscored) == len(_INGREDIENTS):
        status = ("Not ranked: no ingredient is scored yet", "")
    elif do_not_rank:
        status = (f"Not ranked: {_cached_labels(labels, unscored)} not scored", "")
    else:
        status = (None, f"Provisional: {_cached_labels(labels, unscored)} not scored")
    done[blanks] = status
    return status


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


#: What `_Tables.head` gives: the first four scores' parts of the sums of `_counted` (added
#: left to right from 0.0), their largest gain and the first two ingredients with it (none
#: when it is not above 0), and the blanks among them as bits (bit n for ingredient n).
_Head = tuple[float, float, float, tuple[Ingredient, ...], int]
#: What `_Tables.tail` gives: the last three scores' terms of each sum, then as `_Head`.
_Tail = tuple[float, float, float, float, float, float, float, tuple[Ingredient, ...], int]


class _Tables:
    """`_counted` and `_focus` by looking up each ingredient's terms, worked out once per
    possible score, and each distinct run of the first four scores and of the last three.

    A blank that is not counted adds 0.0 to both sums where `_counted` skips it: the same
    result, since the sums start at 0.0 and so are never -0.0, and x + 0.0 is x for every
    other x. Each sum is added up left to right, in the same order as `_counted`: the first
    four terms into the head's part, then the tail's three terms one by one.

    The largest gain is that of the head or of the tail, and the first two ingredients
    with it are the head's, then the tail's. (A gain that is not a number would make `max`
    depend on the order, so such weights are not tabled.)
    """

    def __init__(
        self, weight_list: tuple[float, ...], low: int, high: int, count_lowest: bool
    ) -> None:
        self.terms: list[dict[int | None, tuple[float, float, float]]] = []
        self.heads: dict[tuple[int | None, ...], _Head] = {}
        self.tails: dict[tuple[int | None, ...], _Tail] = {}
        if not (len(weight_list) == 7 and 0 < high - low <= _TABLED_SCALE):
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
            if any(gain != gain for _, _, gain in terms.values()):
                self.terms = []
                return
            self.terms.append(terms)

    def head(self, scores: tuple[int | None, ...]) -> _Head | None:
        """The head of these first four scores, or None for a score outside the tables."""
        if not self.terms:
            return None
        t0, t1, t2, t3 = self.terms[:4]
        try:
            s0, s1, s2, s3 = scores
            a0, b0, g0 = t0[s0]
            a1, b1, g1 = t1[s1]
            a2, b2, g2 = t2[s2]
            a3, b3, g3 = t3[s3]
        except (KeyError, TypeError, ValueError):
            return None
        best, focus = _leaders((g0, g1, g2, g3), 0)
        blanks = _blank_bits(scores, 0)
        head = self.heads[scores] = (
            0.0 + a0 + a1 + a2 + a3,
            0.0 + b0 + b1 + b2 + b3,
            best,
            focus,
            blanks,
        )
        return head

    def tail(self, scores: tuple[int | None, ...]) -> _Tail | None:
        """The tail of these last three scores, or None for a score outside the tables."""
        if not self.terms:
            return None
        t4, t5, t6 = self.terms[4:]
        try:
            s4, s5, s6 = scores
            a4, b4, g4 = t4[s4]
            a5, b5, g5 = t5[s5]
            a6, b6, g6 = t6[s6]
        except (KeyError, TypeError, ValueError):
            return None
        best, focus = _leaders((g4, g5, g6), 4)
        tail = self.tails[scores] = (a4, a5, a6, b4, b5, b6, best, focus, _blank_bits(scores, 4))
        return tail


def _leaders(gains: tuple[float, ...], first: int) -> tuple[float, tuple[Ingredient, ...]]:
    """The largest of these gains (of the ingredients from number `first` on), and the first
    two ingredients with it; none when it is not above 0."""
    best = max(gains)
    if best <= 0:
        return best, ()
    return best, tuple(_INGREDIENTS[first + n] for n, g in enumerate(gains) if g == best)[:2]


def _blank_bits(scores: tuple[int | None, ...], first: int) -> int:
    """Bit n set for each blank ingredient n, of those from number `first` on."""
    return sum(1 << (first + n) for n, score in enumerate(scores) if score is None)


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
