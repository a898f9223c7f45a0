"""The review: four answers, the computed columns, the Review sheet's content and History.

`plan_review` is the whole core in one call. Its `ReviewResult` says exactly what to write
where, so every adapter (the .xlsx file, the live Excel book) applies it without deciding
anything of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from .answers import (
    NO_CONFLICTS,
    NO_LESS_TIME,
    NO_RANKED,
    ConflictItem,
    LeastEffective,
    LessTime,
    MostImportant,
    PartnerResult,
    band_text,
    conflict_items,
    least_effective,
    less_time,
    most_important,
)
from .conflicts import find_conflicts
from .model import CellValue, HistoryRow, Inputs, Settings, Weights, normalise_name
from .owners import OwnerSummary, owner_summaries
from .plans import ComputedCells, HistoryPlan, computed_cells, history_plan
from .reminders import OverdueContact, Reminders, next_contact, reminders
from .review_sheet import LISTED_OVERDUE, ReviewLayout, build_review_sheet
from .scoring import Score, excel_round, score_partners
from .sheets import find_sheet


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
                "answer": most.sentence,
            },
            "least_effective": None
            if least is None
            else {
                "partner": least.partner.name,
                "weighted_score": least.partner.weighted_score,
                "verdict": least.verdict.value,
                "work_on": [i.label for i in least.partner.work_on],
                "answer": least.sentence,
            },
            "conflicts": [
                {"kind": c.kind.value, "partners": list(c.partners), "detail": c.detail}
                for c in self.conflicts
            ],
            "less_time": _less_time_json(less),
            "overdue": [o.to_json() for o in self.reminders.overdue],
            "no_last_contact": self.reminders.no_last_contact,
            "owners": [o.to_json(_less_time_json(o.less_time)) for o in self.owners],
        }


def _less_time_json(less: LessTime | None) -> dict[str, Any] | None:
    if less is None:
        return None
    return {
        "partner": less.partner.name,
        "hours_per_month": _plain(less.hours_per_month),
        "value_per_year": _plain(less.value_per_year),
        "score_per_hour": less.partner.score_per_hour,
        "answer": less.sentence,
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
        "next_contact": p.next_contact.isoformat() if p.next_contact else None,
        "owner": p.partner.owner or None,
    }


def _plain(number: float) -> float | int:
    """A whole number as an int in JSON (4, not 4.0)."""
    return int(number) if float(number).is_integer() else number


def plan_review(inputs: Inputs, reviewed_on: dt.date) -> ReviewResult:
    """Score, find conflicts, answer the four questions and lay out what to write."""
    settings, weights = inputs.settings, inputs.weights
    conflicts = find_conflicts(inputs.partners, inputs.competitors)
    previous_review, previous_scores = _previous_review(inputs.history, reviewed_on)
    results = [
        _result(score, conflicts.by_row.get(score.partner.row, ()), previous_scores, settings)
        for score in score_partners(inputs.partners, weights, settings)
    ]
    ranked = importance_order(results)
    ordered = (*ranked, *(r for r in results if not r.ranked))

    most = most_important(ranked, weights, previous_review)
    least = least_effective(ranked, weights)
    conflict_list = conflict_items(conflicts, {r.partner.row: r for r in results})
    settings_sheet = find_sheet(inputs.sheet_titles, "Settings") is not None
    less = less_time(ranked, most, settings, settings_sheet=settings_sheet)
    contacts = reminders(ranked, reviewed_on)
    owners = owner_summaries(ordered, most, settings, settings_sheet=settings_sheet)
    layout = build_review_sheet(
        reviewed_on=reviewed_on,
        previous_review=previous_review,
        answers=(
            most.sentence if most else NO_RANKED,
            least.sentence if least else NO_RANKED,
            tuple(c.detail for c in conflict_list) or (NO_CONFLICTS,),
            less.sentence if less else NO_LESS_TIME,
        ),
        ranking=[_ranking_row(r, previous_review) for r in ranked],
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
        reminders=contacts,
        owners=owners,
        computed=computed_cells(inputs, {r.partner.row: _computed_values(r) for r in results}),
        review_sheet=layout,
        history=history_plan(inputs, reviewed_on, history_rows(ranked, reviewed_on, weights)),
    )


def _result(
    score: Score,
    conflicts: tuple[str, ...],
    previous_scores: Mapping[str, float],
    settings: Settings,
) -> PartnerResult:
    """The partner's score with its conflicts, its change since the previous review and when
    it is next due for contact."""
    before = previous_scores.get(normalise_name(score.partner.name))
    change = None
    if score.weighted_score is not None and before is not None:
        change = excel_round(score.weighted_score - before)
    values = {name: getattr(score, name) for name in _SCORE_FIELDS}
    due = next_contact(score.partner.last_contact, score.band, settings)
    return PartnerResult(**values, conflicts=conflicts, change=change, next_contact=due)


_SCORE_FIELDS = tuple(f.name for f in fields(Score))


def importance_order(results: Sequence[PartnerResult]) -> list[PartnerResult]:
    """The ranked partners, most important first: the strongest, then on equal scores the
    one with more fees, then more referrals received, then by name."""

    def importance(result: PartnerResult) -> tuple[float, float, int, str]:
        partner = result.partner
        return (
            -(result.weighted_score or 0.0),
            -(partner.fees_received or 0.0),
            -(partner.referrals_received or 0),
            normalise_name(partner.name),
        )

    return sorted((r for r in results if r.ranked), key=importance)


def _previous_review(
    history: Sequence[HistoryRow], reviewed_on: dt.date
) -> tuple[dt.date | None, dict[str, float]]:
    """The latest review before this one, and its weighted scores by partner name."""
    earlier = [h.reviewed_on for h in history if h.reviewed_on < reviewed_on]
    if not earlier:
        return None, {}
    latest = max(earlier)
    return latest, {
        normalise_name(h.partner): h.weighted_score
        for h in history
        if h.reviewed_on == latest and h.weighted_score is not None
    }


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
