"""What History says about each partner: its scores at earlier reviews, its trend, and how
its band has changed since the last review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from .model import Band, HistoryRow, normalise_name

#: A trend uses a partner's scores at up to this many earlier reviews, and this one.
TREND_REVIEWS = 5
#: With fewer scores than this (this review's included) a partner has no trend.
TREND_MINIMUM = 3
#: The trend is given in points per this many days.
DAYS_A_MONTH = 30
#: A trend of this many points a month or more is Rising; of minus this or less, Falling.
TREND_STEP = 1.0

_TENTH = Decimal("0.1")

#: Each band by its name as names are matched, to read the bands History holds.
_BANDS = {normalise_name(band.value): band for band in Band}

#: The bands from the weakest up, to tell a move up from a move down.
_BAND_ORDER = (Band.DITCH, Band.IMPROVE, Band.KEEP, Band.STRONG)


class Direction(Enum):
    RISING = "Rising"
    FALLING = "Falling"
    STEADY = "Steady"


@dataclass(frozen=True)
class Trend:
    """How a partner's weighted score has moved over its recent reviews."""

    direction: Direction
    #: The least-squares slope of score against date, in points per 30 days, 1 decimal.
    per_month: float
    #: How many reviews (this one included) it is drawn from.
    reviews: int

    @property
    def signed(self) -> str:
        """The points a month with their sign: +2.1, -1.3, 0.0."""
        return "0.0" if self.per_month == 0 else f"{self.per_month:+.1f}"

    @property
    def text(self) -> str:
        """As the Partners sheet's Trend column shows it: `Rising (+2.1 a month)`."""
        return f"{self.direction.value} ({self.signed} a month)"

    @property
    def short_text(self) -> str:
        """As the Review's ranking shows it: `Rising +2.1`."""
        return f"{self.direction.value} {self.signed}"


@dataclass(frozen=True)
class BandChange:
    """A ranked partner whose band is not the one it had at the last review."""

    partner: str
    before: Band
    after: Band

    @property
    def upward(self) -> bool:
        return _BAND_ORDER.index(self.after) > _BAND_ORDER.index(self.before)

    @property
    def text(self) -> str:
        return f"{self.partner}: {self.before.value} → {self.after.value}"


@dataclass(frozen=True)
class EarlierReviews:
    """The reviews in History before this one: their dates, oldest first, and each
    partner's weighted score and band at each date (by name as names are matched)."""

    dates: tuple[dt.date, ...]
    scores: Mapping[str, Mapping[dt.date, float]]
    bands: Mapping[str, Mapping[dt.date, str]]

    @property
    def latest(self) -> dt.date | None:
        return self.dates[-1] if self.dates else None

    def score(self, name: str, day: dt.date) -> float | None:
        return self.scores.get(normalise_name(name), {}).get(day)

    def band(self, name: str, day: dt.date) -> Band | None:
        """The band History records for the partner on that day; None when it records none
        (or one partnersheet does not know)."""
        return _BANDS.get(normalise_name(self.bands.get(normalise_name(name), {}).get(day, "")))


def earlier_reviews(history: Iterable[HistoryRow], reviewed_on: dt.date) -> EarlierReviews:
    """What History holds from before `reviewed_on` (rows of that day itself are this
    review's own, from an earlier run, and do not count). Where History has two rows of one
    partner on one day, the lower one counts."""
    dates: set[dt.date] = set()
    scores: dict[str, dict[dt.date, float]] = {}
    bands: dict[str, dict[dt.date, str]] = {}
    for row in history:
        day = row.reviewed_on
        if day >= reviewed_on:
            continue
        dates.add(day)
        name = normalise_name(row.partner)
        if row.weighted_score is not None:
            scores.setdefault(name, {})[day] = row.weighted_score
        bands.setdefault(name, {})[day] = row.band
    return EarlierReviews(tuple(sorted(dates)), scores, bands)


def slope_per_month(points: Sequence[tuple[dt.date, float]]) -> Decimal:
    """The least-squares slope of score against date, in points per 30 days, unrounded.

    Worked out in decimals from the scores as written (48.1, not the float nearest it), so
    that a slope of exactly 0.95 rounds up as it should. Needs two points or more on
    different days."""
    days = [day.toordinal() for day, _ in points]
    scores = [Decimal(repr(score)) for _, score in points]
    count = len(points)
    total = sum(scores, Decimal(0))
    products = sum((d * s for d, s in zip(days, scores, strict=True)), Decimal(0))
    moved = count * products - sum(days) * total
    spread = count * sum(d * d for d in days) - sum(days) ** 2
    return DAYS_A_MONTH * moved / spread


def trend(name: str, score: float, reviewed_on: dt.date, earlier: EarlierReviews) -> Trend | None:
    """The partner's trend over the latest `TREND_REVIEWS` earlier review dates and this
    review; None with fewer than `TREND_MINIMUM` scores (a partner missing from a review has
    one score fewer)."""
    points = [
        (day, found)
        for day in earlier.dates[-TREND_REVIEWS:]
        if (found := earlier.score(name, day)) is not None
    ]
    points.append((reviewed_on, score))
    if len(points) < TREND_MINIMUM:
        return None
    per_month = float(slope_per_month(points).quantize(_TENTH, rounding=ROUND_HALF_UP))
    if per_month >= TREND_STEP:
        direction = Direction.RISING
    elif per_month <= -TREND_STEP:
        direction = Direction.FALLING
    else:
        direction = Direction.STEADY
    return Trend(direction, per_month, len(points))


def band_changes(
    ranked: Iterable[tuple[str, Band]], earlier: EarlierReviews
) -> tuple[BandChange, ...]:
    """Each ranked partner (name and band, in rank order) whose band differs from its band
    at the latest earlier review; upward ones first, then the others, each in rank order.
    A partner absent from that review has no change."""
    latest = earlier.latest
    if latest is None:
        return ()
    changes = []
    for name, now in ranked:
        before = earlier.band(name, latest)
        if before is not None and before is not now:
            changes.append(BandChange(name, before, now))
    return (*(c for c in changes if c.upward), *(c for c in changes if not c.upward))
