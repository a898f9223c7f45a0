"""The review: four answers, the computed columns, the Review sheet's content and History.

`plan_review` is the whole core in one call. Its `ReviewResult` says exactly what to write
where, so every adapter (the .xlsx file, the live Excel book) applies it without deciding
anything of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from .answers import (
    NO_CONFLICTS,
    NO_LESS_TIME,
    NO_RANKED,
    Certainty,
    ConflictItem,
    LeastEffective,
    LessTime,
    MostImportant,
    PartnerResult,
    band_text,
    certainty,
    conflict_items,
    least_effective,
    less_time,
    less_time_order,
    most_important,
    weight_text,
)
from .close_calls import CloseCall, Picks, close_calls, importance_key
from .conflicts import CompetitorGroup, Conflicts, find_conflicts
from .model import CellValue, Inputs, Settings, Weights, normalise_name
from .owners import OwnerSummary, owner_summaries
from .plans import ComputedCells, HistoryPlan, computed_cells, history_plan
from .reminders import OverdueContact, Reminders, next_contact, reminders
from .review_charts import ScoresOverTime, TimeGiven, TimePoint
from .review_sheet import (
    LISTED_OVERDUE,
    OVER_TIME_DATES,
    OVER_TIME_LINES,
    TIME_GIVEN_LIMIT,
    ReviewLayout,
    build_review_sheet,
)
from .scoring import Score, excel_round, score_partners
from .sheets import find_sheet
from .trends import BandChange, EarlierReviews, band_changes, earlier_reviews, trend


@dataclass(frozen=True)
class ReviewResult:
    """Everything a review decided."""

    reviewed_on: dt.date
    #: The review this one is compared with, if any.
    previous_review: dt.date | None
    settings: Settings
    weights: Weights
    #: Every partner: ranked ones by rank, then the ones not ranked, in sheet order.
    partners: tuple[PartnerResult, ...]
    most_important: MostImportant | None
    least_effective: LeastEffective | None
    conflicts: tuple[ConflictItem, ...]
    less_time: LessTime | None
    #: Ranked partners whose band differs from the last review's: upward ones first.
    band_changes: tuple[BandChange, ...]
    #: Who is overdue for contact on the review date.
    reminders: Reminders
    #: Each owner's partners and answer to question 4; empty when no partner has an Owner.
    owners: tuple[OwnerSummary, ...]
    computed: ComputedCells
    review_sheet: ReviewLayout
    history: HistoryPlan

    @property
    def ranked(self) -> tuple[PartnerResult, ...]:
        return tuple(p for p in self.partners if p.ranked)

    @property
    def still_to_score(self) -> tuple[PartnerResult, ...]:
        return tuple(p for p in self.partners if p.provisional)

    @property
    def status_text(self) -> str:
        """The line for the workbook's status cell after this review."""
        ranked, waiting = len(self.ranked), len(self.still_to_score)
        count = len(self.partners)
        return (
            f"Reviewed on {self.reviewed_on.isoformat()}: {count} "
            f"partner{'' if count == 1 else 's'}, {ranked} ranked, {waiting} still to score. "
            "The answers are on the Review sheet."
        )

    def to_json(self) -> dict[str, Any]:
        """The document `partnersheet review --json` prints."""
        most, least, less = self.most_important, self.least_effective, self.less_time
        return {
            "reviewed_on": self.reviewed_on.isoformat(),
            "previous_review": self.previous_review.isoformat() if self.previous_review else None,
            "partners": [_partner_json(p) for p in self.partners],
            "most_important": None
            if most is None
            else {
                "partner": most.partner.name,
                "weighted_score": most.partner.weighted_score,
                "work_on": [i.label for i in most.partner.work_on],
                **_certainty_json(most.certainty),
                "answer": most.sentence,
            },
            "least_effective": None
            if least is None
            else {
                "partner": least.partner.name,
                "weighted_score": least.partner.weighted_score,
                "verdict": least.verdict.value,
                "work_on": [i.label for i in least.partner.work_on],
                **_certainty_json(least.certainty),
                "answer": least.sentence,
            },
            "conflicts": [
                {
                    "kind": c.kind.value,
                    "partners": list(c.partners),
                    "detail": c.detail,
                    "advice": c.advice,
                }
                for c in self.conflicts
            ],
            "less_time": None
            if less is None
            else {**_less_time_json(less), **_certainty_json(less.certainty)},
            "band_changes": [
                {"partner": c.partner, "from": c.before.value, "to": c.after.value}
                for c in self.band_changes
            ],
            "overdue": [o.to_json() for o in self.reminders.overdue],
            "no_last_contact": self.reminders.no_last_contact,
            "owners": [
                o.to_json(None if o.less_time is None else _less_time_json(o.less_time))
                for o in self.owners
            ],
        }


def _less_time_json(less: LessTime) -> dict[str, Any]:
    return {
        "partner": less.partner.name,
        "hours_per_month": _plain(less.hours_per_month),
        "value_per_year": _plain(less.value_per_year),
        "score_per_hour": less.partner.score_per_hour,
        "answer": less.sentence,
    }


def _certainty_json(sure: Certainty) -> dict[str, Any]:
    call = sure.close_call
    return {
        "runner_up": sure.runner_up.name if sure.runner_up is not None else None,
        "margin": sure.margin,
        "close_call": None
        if call is None
        else {
            "ingredient": call.ingredient.label,
            "weight": _plain(call.weight),
            "new_weight": _plain(float(weight_text(call.new_weight))),
            "answer": call.answer,
        },
    }


def _partner_json(p: PartnerResult) -> dict[str, Any]:
    return {
        "partner": p.name,
        "row": p.partner.row,
        "weighted_score": p.weighted_score,
        "rank": p.rank,
        "band": band_text(p.band),
        "work_on": [i.label for i in p.work_on],
        "conflicts": list(p.conflicts),
        "score_per_hour": p.score_per_hour,
        "status": p.status,
        "change": p.change,
        "trend": None
        if p.trend is None
        else {"direction": p.trend.direction.value, "per_month": p.trend.per_month},
        "next_contact": p.next_contact.isoformat() if p.next_contact else None,
        "owner": p.partner.owner or None,
    }


def _plain(number: float) -> float | int:
    """A whole number as an int in JSON (4, not 4.0)."""
    return int(number) if float(number).is_integer() else number


@dataclass(frozen=True)
class Scored:
    """Every partner scored, with its conflicts, change, trend and Next contact."""

    conflicts: Conflicts
    earlier: EarlierReviews
    #: In the sheet's order.
    results: list[PartnerResult]
    #: The ranked partners, most important first.
    ranked: list[PartnerResult]

    @property
    def ordered(self) -> tuple[PartnerResult, ...]:
        """Every partner: the ranked ones by rank, then the others in the sheet's order."""
        return (*self.ranked, *(r for r in self.results if not r.ranked))


def score_all(inputs: Inputs, reviewed_on: dt.date) -> Scored:
    """Score every partner and rank them, as a review does before it answers anything."""
    settings = inputs.settings
    conflicts = find_conflicts(inputs.partners, inputs.competitors)
    earlier = earlier_reviews(inputs.history, reviewed_on)
    results = [
        _result(score, conflicts.by_row.get(score.partner.row, ()), earlier, reviewed_on, settings)
        for score in score_partners(inputs.partners, inputs.weights, settings)
    ]
    return Scored(conflicts, earlier, results, importance_order(results))


def plan_review(inputs: Inputs, reviewed_on: dt.date) -> ReviewResult:
    """Score, find conflicts, answer the four questions and lay out what to write."""
    settings, weights = inputs.settings, inputs.weights
    scored = score_all(inputs, reviewed_on)
    conflicts, earlier, results, ranked = (
        scored.conflicts,
        scored.earlier,
        scored.results,
        scored.ranked,
    )
    previous_review = earlier.latest
    ordered = scored.ordered
    settings_sheet = find_sheet(inputs.sheet_titles, "Settings") is not None
    most, least, less = _answers(inputs, ranked, previous_review, settings_sheet=settings_sheet)
    conflict_list = conflict_items(conflicts, {r.partner.row: r for r in results})
    changes = band_changes(((r.name, r.band) for r in ranked if r.band is not None), earlier)
    contacts = reminders(ranked, reviewed_on)
    owners = owner_summaries(ordered, most, settings, settings_sheet=settings_sheet)
    layout = build_review_sheet(
        reviewed_on=reviewed_on,
        previous_review=previous_review,
        answers=(
            most.sentence if most else NO_RANKED,
            least.sentence if least else NO_RANKED,
            tuple(c.text for c in conflict_list) or (NO_CONFLICTS,),
            less.sentence if less else NO_LESS_TIME,
        ),
        ranking=[_ranking_row(r, previous_review) for r in ranked],
        band_changes=[c.text for c in changes],
        over_time=scores_over_time(ranked, conflicts.groups, earlier, reviewed_on),
        time_given=time_given(ranked, less.partner if less else None),
        overdue=[_overdue_row(o) for o in contacts.overdue[:LISTED_OVERDUE]],
        overdue_count=len(contacts.overdue),
        no_last_contact=contacts.no_last_contact,
        owners=[(o.summary, o.less_time_sentence) for o in owners],
        still_to_score=[(r.name, r.status) for r in ordered if r.provisional],
    )
    return ReviewResult(
        reviewed_on=reviewed_on,
        previous_review=previous_review,
        settings=settings,
        weights=weights,
        partners=ordered,
        most_important=most,
        least_effective=least,
        conflicts=conflict_list,
        less_time=less,
        band_changes=changes,
        reminders=contacts,
        owners=owners,
        computed=computed_cells(inputs, {r.partner.row: _computed_values(r) for r in results}),
        review_sheet=layout,
        history=history_plan(inputs, reviewed_on, history_rows(ranked, reviewed_on, weights)),
    )


def _answers(
    inputs: Inputs,
    ranked: Sequence[PartnerResult],
    previous_review: dt.date | None,
    *,
    settings_sheet: bool,
) -> tuple[MostImportant | None, LeastEffective | None, LessTime | None]:
    """The answers to questions 1, 2 and 4, each with its runner-up and close call."""
    settings, weights = inputs.settings, inputs.weights
    top = ranked[0] if ranked else None
    bottom = ranked[-1] if ranked else None
    less_first, less_next = (*less_time_order(ranked, top), None, None)[:2]
    calls = close_calls(
        [(r.partner, r.weighted_score or 0.0) for r in ranked],
        weights,
        settings,
        Picks(
            top.partner if top else None,
            bottom.partner if bottom else None,
            less_first.partner if less_first else None,
        ),
    )
    second = ranked[1] if len(ranked) > 1 else None
    before_last = ranked[-2] if len(ranked) > 1 else None
    most = most_important(ranked, weights, previous_review, _sure(top, second, calls[0], settings))
    least = least_effective(ranked, weights, _sure(bottom, before_last, calls[1], settings))
    less = less_time(
        less_first,
        settings,
        settings_sheet=settings_sheet,
        sure=_sure(less_first, less_next, calls[2], settings, per_hour=True),
    )
    return most, least, less


def _sure(
    answer: PartnerResult | None,
    runner_up: PartnerResult | None,
    call: CloseCall | None,
    settings: Settings,
    *,
    per_hour: bool = False,
) -> Certainty:
    if answer is None:
        return Certainty()
    return certainty(answer, runner_up, call, settings, per_hour=per_hour)


def _result(
    score: Score,
    conflicts: tuple[str, ...],
    earlier: EarlierReviews,
    reviewed_on: dt.date,
    settings: Settings,
) -> PartnerResult:
    """The partner's score with its conflicts, its change since the previous review, its
    trend and when it is next due for contact."""
    name, now = score.partner.name, score.weighted_score
    before = earlier.score(name, earlier.latest) if earlier.latest else None
    change = None
    if now is not None and before is not None:
        change = excel_round(now - before)
    values = {field: getattr(score, field) for field in _SCORE_FIELDS}
    return PartnerResult(
        **values,
        conflicts=conflicts,
        change=change,
        trend=None if now is None else trend(name, now, reviewed_on, earlier),
        next_contact=next_contact(score.partner.last_contact, score.band, settings),
    )


_SCORE_FIELDS = tuple(f.name for f in fields(Score))


def importance_order(results: Sequence[PartnerResult]) -> list[PartnerResult]:
    """The ranked partners, most important first: the strongest, then on equal scores the
    one with more fees, then more referrals received, then by name."""
    return sorted(
        (r for r in results if r.weighted_score is not None),
        key=lambda r: importance_key(r.partner, r.weighted_score or 0.0),
    )


def scores_over_time(
    ranked: Sequence[PartnerResult],
    groups: Sequence[CompetitorGroup],
    earlier: EarlierReviews,
    reviewed_on: dt.date,
) -> ScoresOverTime | None:
    """The line chart's partners and scores: the five most important and every member of a
    competitor group, at most `OVER_TIME_LINES` of them in rank order, over the latest
    `OVER_TIME_DATES` review dates (this one the last); None with only this review."""
    dates = (*earlier.dates[-(OVER_TIME_DATES - 1) :], reviewed_on)
    if len(dates) < 2 or not ranked:
        return None
    competing = {member.row for group in groups for member in group.members}
    shown = [r for n, r in enumerate(ranked) if n < 5 or r.partner.row in competing]
    lines = tuple(
        (r.name, (*(earlier.score(r.name, day) for day in dates[:-1]), r.weighted_score))
        for r in shown[:OVER_TIME_LINES]
    )
    return ScoresOverTime(dates, lines)


def time_given(ranked: Sequence[PartnerResult], less: PartnerResult | None) -> TimeGiven | None:
    """The scatter chart's partners: the ranked partners given hours, in rank order; the
    `TIME_GIVEN_LIMIT` given the most hours when there are more (the Less time answer always
    among them). None when no ranked partner has hours."""
    given = [r for r in ranked if (r.partner.hours_per_month or 0) > 0]
    if not given:
        return None
    most_hours = sorted(given, key=lambda r: -(r.partner.hours_per_month or 0))
    kept = {r.partner.row for r in most_hours[:TIME_GIVEN_LIMIT]}
    if less is not None and less.partner.row not in kept:
        kept.discard(most_hours[TIME_GIVEN_LIMIT - 1].partner.row)
        kept.add(less.partner.row)
    points = tuple(
        TimePoint(r.name, r.partner.hours_per_month or 0, r.weighted_score or 0.0, r is less)
        for r in given
        if r.partner.row in kept
    )
    return TimeGiven(points, len(given))


def _computed_values(result: PartnerResult) -> tuple[CellValue, ...]:
    """The partner's computed cells, in the order of COMPUTED_COLUMNS."""
    return (
        result.weighted_score,
        result.rank,
        band_text(result.band),
        ", ".join(i.label for i in result.work_on) or None,
        "; ".join(result.conflicts) or None,
        result.score_per_hour,
        result.status,
        result.trend.text if result.trend else None,
        result.next_contact,
    )


def _ranking_row(result: PartnerResult, previous_review: dt.date | None) -> tuple[CellValue, ...]:
    """The partner's row of the Review's ranking."""
    change: CellValue = result.change
    if previous_review is not None and change is None:
        change = "new"
    return (
        result.rank,
        result.name,
        result.weighted_score,
        change,
        result.trend.short_text if result.trend else None,
        band_text(result.band),
        ", ".join(i.label for i in result.work_on) or None,
        "; ".join(result.conflicts) or None,
        result.partner.hours_per_month,
        result.score_per_hour,
    )


def _overdue_row(overdue: OverdueContact) -> tuple[CellValue, ...]:
    """The partner's row of the Review's list of who is overdue for contact."""
    return (
        overdue.partner.name,
        overdue.band.value,
        overdue.last_contact,
        overdue.days_overdue,
        overdue.partner.partner.owner or None,
    )


def history_rows(
    ranked: Sequence[Score], reviewed_on: dt.date, weights: Weights
) -> list[tuple[CellValue, ...]]:
    """A review's History rows, one per ranked partner: by rank, then by name."""
    weights_text = weights.short_text()
    by_rank = sorted(
        ranked, key=lambda s: (-(s.weighted_score or 0.0), normalise_name(s.partner.name))
    )
    return [
        (reviewed_on, s.partner.name, s.weighted_score, s.rank, band_text(s.band), weights_text)
        for s in by_rank
    ]
