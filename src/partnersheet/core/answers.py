"""The four answers of the review, each in a sentence a non-technical reader understands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .conflicts import CompetitorGroup, Conflicts
from .model import (
    INGREDIENT_COUNT,
    Band,
    ConflictKind,
    Ingredient,
    Settings,
    Verdict,
    Weights,
    format_number,
    join_and,
    normalise_name,
)
from .review_sheet import long_date
from .scoring import Score


@dataclass(frozen=True)
class PartnerResult(Score):
    """One partner after the review: its score, and what the review adds to it."""

    #: The Conflicts cell's items.
    conflicts: tuple[str, ...]
    #: Weighted score now minus at the previous review; None when there is nothing to compare.
    change: float | None
    #: When the partner is next due for contact (Last contact plus its band's days).
    next_contact: dt.date | None

    @property
    def name(self) -> str:
        return self.partner.name


@dataclass(frozen=True)
class MostImportant:
    """The answer to the first question: the most important partnership, and how to make
    it better."""

    partner: PartnerResult
    sentence: str


@dataclass(frozen=True)
class LeastEffective:
    """The answer to the second question: the least effective partnership, and whether to
    ditch or fix it."""

    partner: PartnerResult
    verdict: Verdict
    sentence: str


@dataclass(frozen=True)
class ConflictItem:
    """One conflict for the Review's third question."""

    kind: ConflictKind
    partners: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class LessTime:
    """The answer to the fourth question: the partnership to spend less time with when you
    need more chargeable hours, and what its hours would be worth a year if charged."""

    partner: PartnerResult
    hours_per_month: float
    value_per_year: float
    sentence: str


NO_RANKED = (
    f"No partner is ranked yet: score the {INGREDIENT_COUNT} ingredients for your partners "
    "on the Partners sheet, then review again."
)
NO_CONFLICTS = (
    "None: no two partners compete with each other, none refers work to your competitors, "
    "and none is on your Competitors sheet."
)
NO_LESS_TIME = (
    "No answer yet: fill in Hours per month on the Partners sheet for the partners you "
    "spend time with (other than your most important one)."
)


def band_text(band: Band | None) -> str | None:
    return None if band is None else band.value


def _score_text(result: PartnerResult) -> str:
    if result.weighted_score is None or result.band is None:
        return "not ranked"
    return f"{result.weighted_score:.1f}, {result.band.value}"


def _change_words(change: float | None) -> str:
    if change is None:
        return ""
    if change > 0:
        return f"up {change:.1f}"
    if change < 0:
        return f"down {-change:.1f}"
    return "unchanged"


def _advice(ingredients: Sequence[Ingredient], weights: Weights) -> str:
    """'work on X.' followed by the Weights sheet's advice for each ingredient named."""
    text = f"work on {join_and([i.label for i in ingredients])}."
    for ingredient in ingredients:
        action = weights.action(ingredient)
        if action:
            prefix = f"{ingredient.label}: " if len(ingredients) > 1 else ""
            text += f" {prefix}{_sentence(action)}"
    return text


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


# --- 1 and 2 ------------------------------------------------------------------------------


def most_important(
    ranked: Sequence[PartnerResult], weights: Weights, previous: dt.date | None
) -> MostImportant | None:
    """The first of the partners in order of importance."""
    if not ranked:
        return None
    top = ranked[0]
    trend = _change_words(top.change)
    since = f", {trend} since {long_date(previous)}" if trend and previous else ""
    text = (
        f"{top.name} is your most important partnership: ranked 1 with a weighted score of "
        f"{_score_text(top)}{since}."
    )
    if top.work_on:
        text += f" To make it even more effective, {_advice(top.work_on, weights)}"
    else:
        text += " It is already scored the highest on every ingredient: keep it that way."
    return MostImportant(top, text)


def least_effective(ranked: Sequence[PartnerResult], weights: Weights) -> LeastEffective | None:
    """The last of the partners in order of importance, and whether to ditch it."""
    if not ranked:
        return None
    bottom = ranked[-1]
    received = bottom.partner.referrals_received or 0
    if bottom.band is Band.DITCH and received == 0:
        text = (
            f"{bottom.name} is your least effective partnership ({_score_text(bottom)}) and "
            "sent you no referrals in the last 12 months. Verdict: ditch it, and give the "
            "time to partnerships that work."
        )
        return LeastEffective(bottom, Verdict.DITCH, text)
    referrals = (
        f"sent you {received} referral{'s' if received != 1 else ''} in the last 12 months"
        if received
        else "sent you no referrals in the last 12 months"
    )
    text = (
        f"{bottom.name} is your least effective partnership ({_score_text(bottom)}) and "
        f"{referrals}. Verdict: focus on making it effective"
    )
    text += f": {_advice(bottom.work_on, weights)}" if bottom.work_on else "."
    return LeastEffective(bottom, Verdict.FOCUS, text)


# --- 3 ------------------------------------------------------------------------------------


def conflict_items(
    conflicts: Conflicts, by_row: Mapping[int, PartnerResult]
) -> tuple[ConflictItem, ...]:
    """Each conflict for the Review: competing groups, leaks, competitors among the
    partners, and referrals sent to competing partners."""
    items = [_group_item(group, by_row) for group in conflicts.groups]
    for leak in conflicts.leaks:
        if leak.competitor is not None:
            detail = f"{leak.partner.name} refers work to your competitor {leak.competitor.name}."
        else:
            detail = (
                f"{leak.partner.name} refers work to {leak.name}, who is not on your "
                "Competitors sheet: add them there if they compete with you."
            )
        items.append(ConflictItem(ConflictKind.REFERS_TO_COMPETITOR, (leak.partner.name,), detail))
    for found in conflicts.competitor_partners:
        if found.by_organisation:
            detail = (
                f"{found.partner.name} works for {found.competitor.name}, which is on your "
                "Competitors sheet."
            )
        else:
            detail = (
                f"{found.partner.name} is on your Competitors sheet and also listed as a partner."
            )
        items.append(ConflictItem(ConflictKind.IS_A_COMPETITOR, (found.partner.name,), detail))
    for group in conflicts.groups:
        sent_to = [m for m in group.members if (m.referrals_sent or 0) > 0]
        if len(sent_to) >= 2:
            listed = join_and([f"{m.name} ({m.referrals_sent})" for m in sent_to])
            both = "both " if len(sent_to) == 2 else ""
            detail = (
                f"You sent referrals to {both}{listed}, who compete with each other ({group.name})."
            )
            names = tuple(m.name for m in sent_to)
            items.append(ConflictItem(ConflictKind.REFERRALS_TO_COMPETING_PARTNERS, names, detail))
    return tuple(items)


def _group_item(group: CompetitorGroup, by_row: Mapping[int, PartnerResult]) -> ConflictItem:
    members = [by_row[m.row] for m in group.members]
    described = join_and([_member_text(m) for m in members])
    return ConflictItem(
        ConflictKind.COMPETING_PARTNERS,
        tuple(m.name for m in members),
        f"{described} compete with each other ({group.name}); {_growth(members)}",
    )


def _member_text(member: PartnerResult) -> str:
    trend = _change_words(member.change)
    return f"{member.partner.name} ({_score_text(member)}{', ' + trend if trend else ''})"


def _growth(members: Sequence[PartnerResult]) -> str:
    changes = [(m.change, m.name) for m in members if m.change is not None]
    if len(changes) < 2:
        return "the next review will show whose relationship is growing faster."
    best = max(c for c, _ in changes)
    leaders = [name for c, name in changes if c == best]
    if len(leaders) == len(changes):
        if best == 0:
            if len(changes) == 2:
                return "neither relationship has changed since the last review."
            return "none of these relationships has changed since the last review."
        if len(changes) == 2:
            return "both relationships are changing at the same pace."
        return "all these relationships are changing at the same pace."
    return f"your relationship with {join_and(leaders)} is growing faster."


# --- 4 ------------------------------------------------------------------------------------


def _money(amount: float, currency: str) -> str:
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency}{text}"


def less_time(
    ranked: Sequence[PartnerResult],
    most: MostImportant | None,
    settings: Settings,
    *,
    settings_sheet: bool = True,
) -> LessTime | None:
    """Of the ranked partners given hours, other than the most important, the one with the
    lowest score per hour; ties go to lower fees, then to the name."""
    top = most.partner if most is not None else None
    candidates = [
        p
        for p in ranked
        if p is not top and (p.partner.hours_per_month or 0) > 0 and p.score_per_hour is not None
    ]
    if not candidates:
        return None
    chosen = min(
        candidates,
        key=lambda p: (p.score_per_hour, p.partner.fees_received or 0.0, normalise_name(p.name)),
    )
    hours = chosen.partner.hours_per_month or 0
    value = hours * 12 * settings.chargeable_rate
    text = (
        f"Spend less time with {chosen.name}: {format_number(hours)} hours a month give the "
        f"lowest weighted score per hour ({chosen.score_per_hour:.1f}) of the partners you "
        f"give time to. That frees {format_number(hours * 12)} hours a year"
    )
    if settings.chargeable_rate > 0:
        text += (
            f", worth {_money(value, settings.currency)} a year at your chargeable rate of "
            f"{_money(settings.chargeable_rate, settings.currency)} an hour."
        )
    elif settings_sheet:
        text += "; set your Chargeable rate on the Settings sheet to see what it is worth."
    else:
        text += (
            "; add a Settings sheet with a row Chargeable rate (partnersheet new writes one) "
            "to see what it is worth."
        )
    return LessTime(chosen, hours, value, text)
