"""Owners: the colleagues who each look after some of the partners, and each one's own
answer to question 4 (which relationship to spend less time with)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .answers import (
    NO_LESS_TIME,
    LessTime,
    MostImportant,
    PartnerResult,
    less_time,
    less_time_order,
)
from .model import Settings, format_number, normalise_name
from .scoring import excel_round

#: How the Review names the partners whose Owner is blank.
NO_OWNER = "No owner"


@dataclass(frozen=True)
class OwnerSummary:
    """One owner's partners in figures, and the partnership that owner could give less time."""

    #: As first written on the Partners sheet; None for the partners with no owner.
    owner: str | None
    partners: int
    ranked: int
    #: The Hours per month of all the owner's partners, a blank counting as none.
    hours_per_month: float
    #: The plain mean of the ranked partners' weighted scores, 1 decimal; None when none is
    #: ranked.
    average_score: float | None
    #: Question 4 among the owner's ranked partners, never the firm's most important one.
    less_time: LessTime | None

    @property
    def name(self) -> str:
        return self.owner or NO_OWNER

    @property
    def summary(self) -> str:
        """The owner's line in the Review: "Sam Turner: 2 partners, 2 ranked, …"."""
        partners = f"{self.partners} partner{'' if self.partners == 1 else 's'}"
        ranked = f"{self.ranked} ranked" if self.ranked else "none ranked yet"
        hours = format_number(self.hours_per_month)
        text = f"{self.name}: {partners}, {ranked}, {hours} hour"
        text += f"{'' if self.hours_per_month == 1 else 's'} a month"
        if self.average_score is not None:
            text += f", average weighted score {self.average_score:.1f}"
        return text + "."

    @property
    def less_time_sentence(self) -> str:
        return self.less_time.sentence if self.less_time else NO_LESS_TIME

    def to_json(self, less_time_json: dict[str, Any] | None) -> dict[str, Any]:
        hours = self.hours_per_month
        return {
            "owner": self.owner,
            "partners": self.partners,
            "ranked": self.ranked,
            "hours_per_month": int(hours) if float(hours).is_integer() else hours,
            "average_score": self.average_score,
            "less_time": less_time_json,
        }


def owner_summaries(
    partners: Sequence[PartnerResult],
    most: MostImportant | None,
    settings: Settings,
    *,
    settings_sheet: bool = True,
) -> tuple[OwnerSummary, ...]:
    """A summary per owner, by name (case aside), the partners with no owner last; nothing
    when no partner has an Owner. `partners` are in the ranking's order, the ranked first."""
    if not any(p.partner.owner for p in partners):
        return ()
    groups: dict[str, list[PartnerResult]] = {}
    for partner in partners:
        groups.setdefault(normalise_name(partner.partner.owner), []).append(partner)
    order = sorted(key for key in groups if key)
    if "" in groups:
        order.append("")
    return tuple(
        _summary(groups[key], most, settings, settings_sheet=settings_sheet) for key in order
    )


def _summary(
    partners: Sequence[PartnerResult],
    most: MostImportant | None,
    settings: Settings,
    *,
    settings_sheet: bool,
) -> OwnerSummary:
    ranked = [p for p in partners if p.ranked]
    scores = [p.weighted_score for p in ranked if p.weighted_score is not None]
    return OwnerSummary(
        owner=partners[0].partner.owner or None,
        partners=len(partners),
        ranked=len(ranked),
        hours_per_month=math.fsum(p.partner.hours_per_month or 0 for p in partners),
        average_score=excel_round(math.fsum(scores) / len(scores)) if scores else None,
        less_time=less_time(
            next(iter(less_time_order(ranked, most.partner if most else None, 1)), None),
            settings,
            settings_sheet=settings_sheet,
        ),
    )
