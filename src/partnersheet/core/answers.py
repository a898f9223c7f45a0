"""The four answers of the review, each in a sentence a non-technical reader understands."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from .close_calls import CloseCall, less_time_key
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
)
from .review_lines import long_date
from .scoring import Score, excel_round
from .trends import Direction, Trend


@dataclass(frozen=True)
class PartnerResult(Score):
    """One partner after the review: its score, and what the review adds to it."""

    #: The Conflicts cell's items.
    conflicts: tuple[str, ...]
    #: Weighted score now minus at the previous review; None when there is nothing to compare.
    change: float | None
    #: How the score has moved over the recent reviews; None with fewer than three.
    trend: Trend | None
    #: When the partner is next due for contact (Last contact plus its band's days).
    next_contact: dt.date | None

    @property
    def name(self) -> str:
        return self.partner.name


class Question(Enum):
    """The three questions whose answer is one partner, each with how its sentences end."""

    MOST_IMPORTANT = ("would be your most important partnership", "points behind")
    LEAST_EFFECTIVE = ("would be your least effective partnership", "points higher")
    LESS_TIME = ("would be the one to spend less time with", "points per hour higher")

    def __init__(self, would: str, apart: str) -> None:
        self.would = would
        #: How the runner-up stands against the answer, after the margin.
        self.apart = apart


@dataclass(frozen=True)
class Certainty:
    """How sure an answer is: who is next, how far behind, and the smallest change of one
    weight that would change the answer."""

    runner_up: PartnerResult | None = None
    #: How far apart the answer and the runner-up are on what decides the question.
    margin: float | None = None
    close_call: CloseCall | None = None
    #: Whether close calls were looked for (`Close call within` above 0).
    looked: bool = True


@dataclass(frozen=True)
class MostImportant:
    """The answer to the first question: the most important partnership, and how to make
    it better."""

    partner: PartnerResult
    sentence: str
    certainty: Certainty = Certainty()


@dataclass(frozen=True)
class LeastEffective:
    """The answer to the second question: the least effective partnership, and whether to
    ditch or fix it."""

    partner: PartnerResult
    verdict: Verdict
    sentence: str
    certainty: Certainty = Certainty()


@dataclass(frozen=True)
class ConflictItem:
    """One conflict for the Review's third question."""

    kind: ConflictKind
    partners: tuple[str, ...]
    detail: str

    @property
    def advice(self) -> str:
        """What you can do to reduce the tension: one sentence for each kind of conflict."""
        return CONFLICT_ADVICE[self.kind]

    @property
    def text(self) -> str:
        """The conflict as the Review lists it, with its advice."""
        return f"{self.detail} {self.advice}"


#: Question 3's second half: what you can do to reduce the tensions, by kind of conflict.
CONFLICT_ADVICE: Mapping[ConflictKind, str] = {
    ConflictKind.COMPETING_PARTNERS: (
        "Tell both openly that you work with the other, send each the work that suits them "
        "best, and let the relationship that grows decide."
    ),
    ConflictKind.REFERS_TO_COMPETITOR: (
        "Talk it through with them and agree which work comes to you and which goes elsewhere."
    ),
    ConflictKind.IS_A_COMPETITOR: (
        "Decide whether the partnership is worth it and, if it is, agree its limits in writing."
    ),
    ConflictKind.REFERRALS_TO_COMPETING_PARTNERS: (
        "Tell each of them why they got the work they got, before either asks."
    ),
}


@dataclass(frozen=True)
class LessTime:
    """The answer to the fourth question: the partnership to spend less time with when you
    need more chargeable hours, and what its hours would be worth a year if charged."""

    partner: PartnerResult
    hours_per_month: float
    value_per_year: float
    sentence: str
    certainty: Certainty = Certainty()


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


# --- how sure an answer is -------------------------------------------------------------


def weight_text(weight: float) -> str:
    """A weight as the close-call sentence shows it: at most 2 decimals, no trailing zeros."""
    return f"{excel_round(weight, 2):.2f}".rstrip("0").rstrip(".")


def certainty(
    answer: PartnerResult,
    runner_up: PartnerResult | None,
    close_call: CloseCall | None,
    settings: Settings,
    *,
    per_hour: bool = False,
) -> Certainty:
    """The answer's runner-up, margin and close call; the margin in weighted score points, or
    in score per hour."""
    margin = None
    if runner_up is not None:
        if per_hour:
            apart = (runner_up.score_per_hour or 0.0) - (answer.score_per_hour or 0.0)
        else:
            apart = (runner_up.weighted_score or 0.0) - (answer.weighted_score or 0.0)
        margin = excel_round(abs(apart))
    return Certainty(runner_up, margin, close_call, looked=settings.close_call_within > 0)


def certainty_sentence(question: Question, sure: Certainty) -> str:
    """The sentence an answer ends with: its close call, or who is next and how far behind;
    nothing when there is neither."""
    runner, margin = sure.runner_up, sure.margin
    apart = ""
    if runner is not None and margin is not None:
        apart = (
            f"{margin:.1f} {question.apart}"
            if margin
            else f"on the same score{' per hour' if question is Question.LESS_TIME else ''}"
        )
    call = sure.close_call
    if call is not None:
        now = f" ({apart} now)" if runner is not None and call.answer == runner.name else ""
        return (
            f"Close call: if {call.ingredient.label} counted {weight_text(call.new_weight)} "
            f"instead of {weight_text(call.weight)}, {call.answer} {question.would}{now}."
        )
    if runner is None:
        return ""
    tie = ": the tie-break decides" if not margin else ""
    next_one = f"{runner.name} is next, {apart}{tie}."
    return f"A clear answer: {next_one}" if sure.looked else next_one


def _ending(question: Question, sure: Certainty) -> str:
    sentence = certainty_sentence(question, sure)
    return f" {sentence}" if sentence else ""


# --- 1 and 2 ------------------------------------------------------------------------------


def most_important(
    ranked: Sequence[PartnerResult],
    weights: Weights,
    previous: dt.date | None,
    sure: Certainty = Certainty(),
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
    return MostImportant(top, text + _ending(Question.MOST_IMPORTANT, sure), sure)


def least_effective(
    ranked: Sequence[PartnerResult], weights: Weights, sure: Certainty = Certainty()
) -> LeastEffective | None:
    """The last of the partners in order of importance, and whether to ditch it."""
    if not ranked:
        return None
    bottom = ranked[-1]
    received = bottom.partner.referrals_received or 0
    ending = _ending(Question.LEAST_EFFECTIVE, sure)
    if bottom.band is Band.DITCH and received == 0:
        text = (
            f"{bottom.name} is your least effective partnership ({_score_text(bottom)}) and "
            "sent you no referrals in the last 12 months. Verdict: ditch it, and give the "
            "time to partnerships that work."
        )
        return LeastEffective(bottom, Verdict.DITCH, text + ending, sure)
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
    return LeastEffective(bottom, Verdict.FOCUS, text + ending, sure)


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
    words = [_score_text(member), _change_words(member.change), _trend_words(member.trend)]
    return f"{member.partner.name} ({', '.join(w for w in words if w)})"


def _trend_words(trend: Trend | None) -> str:
    if trend is None:
        return ""
    if trend.direction is Direction.STEADY:
        return "steady"
    return f"{trend.direction.value.lower()} {abs(trend.per_month):.1f} a month"


def _growth(members: Sequence[PartnerResult]) -> str:
    """Whose relationship is growing faster: by the trend over recent reviews where two
    members or more have one, else by the change since the last review."""
    trends = [(m.trend.per_month, m.name) for m in members if m.trend is not None]
    if len(trends) >= 2:
        return f"over recent reviews, {_faster(trends, 'is moving')}"
    changes = [(m.change, m.name) for m in members if m.change is not None]
    if len(changes) < 2:
        return "the next review will show whose relationship is growing faster."
    return _faster(changes, "has changed since the last review")


def _faster(paces: Sequence[tuple[float, str]], moving: str) -> str:
    """Which of the relationships grows fastest, given each one's pace."""
    best = max(pace for pace, _ in paces)
    leaders = [name for pace, name in paces if pace == best]
    if len(leaders) == len(paces):
        if best == 0:
            if len(paces) == 2:
                return f"neither relationship {moving}."
            return f"none of these relationships {moving}."
        if len(paces) == 2:
            return "both relationships are changing at the same pace."
        return "all these relationships are changing at the same pace."
    return f"your relationship with {join_and(leaders)} is growing faster."


# --- 4 ------------------------------------------------------------------------------------


def _money(amount: float, currency: str) -> str:
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency}{text}"


def less_time_order(
    ranked: Sequence[PartnerResult], top: PartnerResult | None, count: int = 2
) -> list[PartnerResult]:
    """The first `count` partners in order for the Less time answer: of the ranked partners
    given hours, other than the most important (`top`), the lowest score per hour first;
    ties go to lower fees, then to the name."""
    candidates = [
        p
        for p in ranked
        if p is not top and (p.partner.hours_per_month or 0) > 0 and p.score_per_hour is not None
    ]
    return heapq.nsmallest(
        count, candidates, key=lambda p: less_time_key(p.partner, p.score_per_hour or 0.0)
    )


def less_time(
    chosen: PartnerResult | None,
    settings: Settings,
    *,
    settings_sheet: bool = True,
    sure: Certainty = Certainty(),
) -> LessTime | None:
    """The Less time answer for the partner `less_time_order` put first, with the hours it
    frees and their worth."""
    if chosen is None:
        return None
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
    return LessTime(chosen, hours, value, text + _ending(Question.LESS_TIME, sure), sure)
