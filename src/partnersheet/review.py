"""The review: four answers, the computed columns, the Review sheet's content and History.

`plan_review` is the whole core in one call. Its `ReviewResult` says exactly what to write
where, so every adapter (the .xlsx file, the live Excel book) applies it without deciding
anything of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .conflicts import Conflicts, find_conflicts
from .inputs import find_sheet
from .model import (
    COMPUTED_COLUMNS,
    HISTORY_HEADERS,
    Band,
    CellValue,
    Column,
    ConflictKind,
    HistoryRow,
    Ingredient,
    Inputs,
    Settings,
    Verdict,
    Weights,
    all_tidy,
    built,
    collector_paused,
    format_number,
    join_and,
    normalise_name,
)
from .review_sheet import ReviewLayout, build_review_sheet
from .scoring import Score, excel_round, score_partners


@dataclass(frozen=True)
class PartnerResult:
    """One partner after the review: its score and what it means."""

    score: Score
    #: The Conflicts cell's items.
    conflicts: tuple[str, ...]
    #: Weighted score now minus at the previous review; None when there is nothing to compare.
    change: float | None

    @property
    def name(self) -> str:
        return self.score.partner.name

    @property
    def weighted_score(self) -> float | None:
        return self.score.weighted_score


@dataclass(frozen=True)
class MostImportant:
    partner: PartnerResult
    sentence: str


@dataclass(frozen=True)
class LeastEffective:
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
    partner: PartnerResult
    hours_per_month: float
    value_per_year: float
    sentence: str


@dataclass(frozen=True)
class ComputedCells:
    """The Partners sheet's computed columns, cell by cell."""

    sheet: str
    header_row: int
    #: Column number and header of each computed column, in the contract's order.
    columns: tuple[tuple[int, Column], ...]
    #: Headers to write because the column was missing.
    new_headers: tuple[tuple[int, str], ...]
    #: Row number → the values for `columns`; rows that hold no partner get blanks.
    rows: tuple[tuple[int, tuple[CellValue, ...]], ...]

    @staticmethod
    def number_format(column: Column) -> str | None:
        if column in (Column.WEIGHTED_SCORE, Column.SCORE_PER_HOUR):
            return "0.0"
        return None


@dataclass(frozen=True)
class HistoryPlan:
    """How the History sheet changes: earlier rows stay, today's are replaced or added."""

    #: The workbook's History sheet, or None to add one named "History".
    title: str | None
    header_row: int
    #: Column number of each of `HISTORY_HEADERS`.
    columns: tuple[int, ...]
    write_header: bool
    #: The first row written; rows above it are left alone.
    first_row: int
    rows: tuple[tuple[CellValue, ...], ...]
    #: Rows after the written ones, up to this one, are cleared (same-day rows replaced).
    clear_through: int

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1


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
    computed: ComputedCells
    review_sheet: ReviewLayout
    history: HistoryPlan

    @property
    def ranked(self) -> tuple[PartnerResult, ...]:
        return tuple(p for p in self.partners if p.score.ranked)

    @property
    def still_to_score(self) -> tuple[PartnerResult, ...]:
        return tuple(p for p in self.partners if p.score.provisional)

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

        def partner(p: PartnerResult) -> dict[str, Any]:
            s = p.score
            return {
                "partner": p.name,
                "row": s.partner.row,
                "weighted_score": s.weighted_score,
                "rank": s.rank,
                "band": s.band.value if s.band else None,
                "work_on": [i.label for i in s.work_on],
                "conflicts": list(p.conflicts),
                "score_per_hour": s.score_per_hour,
                "status": s.status,
                "change": p.change,
            }

        most, least, less = self.most_important, self.least_effective, self.less_time
        return {
            "reviewed_on": self.reviewed_on.isoformat(),
            "previous_review": self.previous_review.isoformat() if self.previous_review else None,
            "partners": [partner(p) for p in self.partners],
            "most_important": None
            if most is None
            else {
                "partner": most.partner.name,
                "weighted_score": most.partner.weighted_score,
                "work_on": [i.label for i in most.partner.score.work_on],
                "answer": most.sentence,
            },
            "least_effective": None
            if least is None
            else {
                "partner": least.partner.name,
                "weighted_score": least.partner.weighted_score,
                "verdict": least.verdict.value,
                "work_on": [i.label for i in least.partner.score.work_on],
                "answer": least.sentence,
            },
            "conflicts": [
                {"kind": c.kind.value, "partners": list(c.partners), "detail": c.detail}
                for c in self.conflicts
            ],
            "less_time": None
            if less is None
            else {
                "partner": less.partner.name,
                "hours_per_month": _plain(less.hours_per_month),
                "value_per_year": _plain(less.value_per_year),
                "score_per_hour": less.partner.score.score_per_hour,
                "answer": less.sentence,
            },
        }


def _plain(number: float) -> float | int:
    """A whole number as an int in JSON (4, not 4.0)."""
    return int(number) if float(number).is_integer() else number


@collector_paused()  # many small objects, none of them in a cycle
def plan_review(inputs: Inputs, reviewed_on: dt.date) -> ReviewResult:
    """Score, find conflicts, answer the four questions and lay out what to write."""
    settings, weights = inputs.settings, inputs.weights
    scores = score_partners(inputs.partners, weights, settings)
    conflicts = find_conflicts(inputs.partners, inputs.competitors)
    previous_review, previous_scores = _previous_review(inputs, reviewed_on)
    # Each name in the form names are compared in, worked out once.
    names = _compared_names([p.name for p in inputs.partners])
    changes: dict[float, float] = {}
    conflicts_of = conflicts.by_row
    # One pass over the partners makes each one's result, its computed cells, its row of the
    # Review's ranking, and its keys for the order of importance (strongest first; ties by
    # more fees, then more referrals, then name) and for question 4 (see `_less_time`). A
    # key ends with the partner's position, which breaks no tie, as names are unique, but
    # keeps sorting from ever comparing results.
    results: list[PartnerResult] = []
    unranked: list[int] = []  # positions
    # Each partner's line of Partners still to score, or None when its status is OK.
    waiting_of: list[tuple[str, str] | None] = []
    result_of_row: dict[int, PartnerResult] = {}
    computed_of_row: dict[int, tuple[CellValue, ...]] = {}
    ranking_of: dict[int, tuple[CellValue, ...]] = {}
    importance: list[tuple[float, float, int, str, int]] = []
    spending: list[tuple[float, float, str, int]] = []
    work_on_text, band_text = _WORK_ON_TEXTS, _BAND_TEXTS
    new, set_fields = object.__new__, object.__setattr__
    for position, score in enumerate(scores):
        partner = score.partner
        value = score.weighted_score
        change = None
        if value is not None and previous_review is not None:
            before = previous_scores.get(names[partner.name])
            if before is not None:
                difference = value - before
                if not difference:  # a zero is rounded afresh: its sign matters
                    change = excel_round(difference)
                else:
                    change = changes.get(difference)
                    if change is None:
                        change = changes[difference] = excel_round(difference)
        items = conflicts_of.get(partner.row, ())
        # Made as `built` makes it, without its checks: the dict is PartnerResult's fields.
        result = new(PartnerResult)
        set_fields(result, "__dict__", {"score": score, "conflicts": items, "change": change})
        results.append(result)
        result_of_row[partner.row] = result
        work_on = work_on_text.get(score.work_on, "")
        if work_on == "":
            work_on = _work_on_text(score.work_on)
        conflicts_text = "; ".join(items) or None
        computed_of_row[partner.row] = (
            value,
            score.rank,
            band_text[score.band],
            work_on,
            conflicts_text,
            score.score_per_hour,
            score.status,
        )
        waiting_of.append(None if score.status == "OK" else (partner.name, score.status))
        if value is None:
            unranked.append(position)
            continue
        name = names[partner.name]
        fees = partner.fees_received or 0
        importance.append((-value, -fees, -(partner.referrals_received or 0), name, position))
        hours = partner.hours_per_month
        if (hours or 0) > 0 and score.score_per_hour is not None:
            spending.append((score.score_per_hour, fees, name, position))
        ranking_of[position] = (
            score.rank,
            partner.name,
            value,
            "new" if change is None and previous_review is not None else change,
            band_text[score.band],
            work_on,
            conflicts_text,
            hours,
            score.score_per_hour,
        )
    importance.sort()
    ranked = [results[key[-1]] for key in importance]
    ordered = (*ranked, *map(results.__getitem__, unranked))

    most = _most_important(ranked, weights, previous_review)
    least = _least_effective(ranked, weights)
    conflict_items = _conflict_items(conflicts, result_of_row)
    less = _less_time(results, spending, most, settings)
    computed = _computed_cells(inputs, computed_of_row)
    history = _history_plan(inputs, reviewed_on, ranking_of, importance, weights)
    layout = build_review_sheet(
        reviewed_on=reviewed_on,
        previous_review=previous_review,
        answers=(
            most.sentence if most else _NO_RANKED,
            least.sentence if least else _NO_RANKED,
            tuple(c.detail for c in conflict_items) or (_NO_CONFLICTS,),
            less.sentence if less else _NO_LESS_TIME,
        ),
        ranking=[ranking_of[key[-1]] for key in importance],
        still_to_score=[
            *filter(None, map(waiting_of.__getitem__, map(itemgetter(-1), importance))),
            *filter(None, map(waiting_of.__getitem__, unranked)),
        ],
    )
    return ReviewResult(
        reviewed_on=reviewed_on,
        previous_review=previous_review,
        settings=settings,
        weights=weights,
        partners=ordered,
        most_important=most,
        least_effective=least,
        conflicts=conflict_items,
        less_time=less,
        computed=computed,
        review_sheet=layout,
        history=history,
    )


_NO_RANKED = (
    "No partner is ranked yet: score the seven ingredients for your partners on the "
    "Partners sheet, then review again."
)
_NO_CONFLICTS = (
    "None: no two partners compete with each other, none refers work to your competitors, "
    "and none is on your Competitors sheet."
)
_NO_LESS_TIME = (
    "No answer yet: fill in Hours per month on the Partners sheet for the partners you "
    "spend time with (other than your most important one)."
)


def _compared_names(names: list[str]) -> dict[str, str]:
    """Each name and `normalise_name` of it: only its case folded when all are tidy."""
    if all_tidy(names):
        return dict(zip(names, map(str.casefold, names), strict=True))
    return {name: normalise_name(name) for name in names}


def _previous_review(
    inputs: Inputs, reviewed_on: dt.date
) -> tuple[dt.date | None, dict[str, float]]:
    earlier = [h.reviewed_on for h in inputs.history if h.reviewed_on < reviewed_on]
    if not earlier:
        return None, {}
    latest = max(earlier)
    scores = [
        (h.partner, h.weighted_score)
        for h in inputs.history
        if h.reviewed_on == latest and h.weighted_score is not None
    ]
    names = _compared_names([partner for partner, _ in scores])
    return latest, {names[partner]: score for partner, score in scores}


# --- the four answers --------------------------------------------------------------------


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _score_text(result: PartnerResult) -> str:
    score = result.score
    if score.weighted_score is None or score.band is None:
        return "not ranked"
    return f"{score.weighted_score:.1f}, {_BAND_TEXTS[score.band]}"


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


def _most_important(
    ranked: Sequence[PartnerResult], weights: Weights, previous: dt.date | None
) -> MostImportant | None:
    if not ranked:
        return None
    top = ranked[0]
    trend = _change_words(top.change)
    since = f", {trend} since {_long_date(previous)}" if trend and previous else ""
    text = (
        f"{top.name} is your most important partnership: ranked 1 with a weighted score of "
        f"{_score_text(top)}{since}."
    )
    if top.score.work_on:
        text += f" To make it even more effective, {_advice(top.score.work_on, weights)}"
    else:
        text += " It is already scored the highest on every ingredient: keep it that way."
    return MostImportant(top, text)


def _least_effective(ranked: Sequence[PartnerResult], weights: Weights) -> LeastEffective | None:
    if not ranked:
        return None
    bottom = ranked[-1]
    received = bottom.score.partner.referrals_received or 0
    if bottom.score.band is Band.DITCH and received == 0:
        verdict = Verdict.DITCH
        text = (
            f"{bottom.name} is your least effective partnership ({_score_text(bottom)}) and "
            "sent you no referrals in the last 12 months. Verdict: ditch it, and give the "
            "time to partnerships that work."
        )
    else:
        verdict = Verdict.FOCUS
        referrals = (
            f"sent you {received} referral{'s' if received != 1 else ''} in the last 12 months"
            if received
            else "sent you no referrals in the last 12 months"
        )
        text = (
            f"{bottom.name} is your least effective partnership ({_score_text(bottom)}) and "
            f"{referrals}. Verdict: focus on making it effective"
        )
        if bottom.score.work_on:
            text += f": {_advice(bottom.score.work_on, weights)}"
        else:
            text += "."
    return LeastEffective(bottom, verdict, text)


def _conflict_items(
    conflicts: Conflicts, by_row: Mapping[int, PartnerResult]
) -> tuple[ConflictItem, ...]:
    items: list[ConflictItem] = []

    def item(kind: ConflictKind, partners: tuple[str, ...], detail: str) -> ConflictItem:
        return built(ConflictItem, {"kind": kind, "partners": partners, "detail": detail})

    for group in conflicts.groups:
        members = [by_row[m.row] for m in group.members]
        described = join_and([_member_text(m) for m in members])
        items.append(
            item(
                ConflictKind.COMPETING_PARTNERS,
                tuple(m.name for m in members),
                f"{described} compete with each other ({group.name}); {_growth(members)}",
            )
        )
    for leak in conflicts.leaks:
        if leak.competitor is not None:
            detail = f"{leak.partner.name} refers work to your competitor {leak.competitor.name}."
        else:
            detail = (
                f"{leak.partner.name} refers work to {leak.name}, who is not on your "
                "Competitors sheet: add them there if they compete with you."
            )
        items.append(item(ConflictKind.REFERS_TO_COMPETITOR, (leak.partner.name,), detail))
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
        items.append(item(ConflictKind.IS_A_COMPETITOR, (found.partner.name,), detail))
    for group in conflicts.groups:
        sent_to = [m for m in group.members if (m.referrals_sent or 0) > 0]
        if len(sent_to) >= 2:
            listed = join_and([f"{m.name} ({m.referrals_sent})" for m in sent_to])
            both = "both " if len(sent_to) == 2 else ""
            items.append(
                item(
                    ConflictKind.REFERRALS_TO_COMPETING_PARTNERS,
                    tuple(m.name for m in sent_to),
                    f"You sent referrals to {both}{listed}, who compete with each other "
                    f"({group.name}).",
                )
            )
    return tuple(items)


def _member_text(member: PartnerResult) -> str:
    trend = _change_words(member.change)
    return f"{member.score.partner.name} ({_score_text(member)}{', ' + trend if trend else ''})"


def _growth(members: Sequence[PartnerResult]) -> str:
    changes = [(m.change, m.name) for m in members if m.change is not None]
    if len(changes) < 2:
        return "the next review will show whose relationship is growing faster."
    best = max(c for c, _ in changes)
    leaders = [name for c, name in changes if c == best]
    if len(leaders) == len(changes):
        return (
            "both relationships are changing at the same pace."
            if len(changes) == 2
            else ("all these relationships are changing at the same pace.")
        )
    return f"your relationship with {join_and(leaders)} is growing faster."


def _money(amount: float, currency: str) -> str:
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency}{text}"


def _less_time(
    results: Sequence[PartnerResult],
    spending: Sequence[tuple[float, float, str, int]],
    most: MostImportant | None,
    settings: Settings,
) -> LessTime | None:
    """The partner, other than the most important, with the lowest score per hour.

    `spending` holds a key for each ranked partner given hours: its score per hour, its
    fees, its name as compared, and its position in `results`. Ties on score per hour go
    to lower fees, then to the name (the position breaks no tie, as names are unique).
    """
    top = most.partner if most is not None else None
    candidates = list(spending)
    while candidates:
        lowest = min(candidates)
        chosen = results[lowest[-1]]
        if chosen is not top:
            break
        candidates.remove(lowest)
    else:
        return None
    hours = chosen.score.partner.hours_per_month or 0
    value = hours * 12 * settings.chargeable_rate
    text = (
        f"Spend less time with {chosen.name}: {format_number(hours)} hours a month give the "
        f"lowest weighted score per hour ({chosen.score.score_per_hour:.1f}) of the partners you "
        f"give time to. That frees {format_number(hours * 12)} hours a year"
    )
    if settings.chargeable_rate > 0:
        text += (
            f", worth {_money(value, settings.currency)} a year at your chargeable rate of "
            f"{_money(settings.chargeable_rate, settings.currency)} an hour."
        )
    else:
        text += "; set your Chargeable rate on the Settings sheet to see what it is worth."
    return LessTime(chosen, hours, value, text)


# --- what to write ---------------------------------------------------------------------


def _computed_cells(
    inputs: Inputs, values_of_row: Mapping[int, tuple[CellValue, ...]]
) -> ComputedCells:
    """The computed columns, given each partner's values in the order of COMPUTED_COLUMNS."""
    layout = inputs.layout
    columns: list[tuple[int, Column]] = []
    new_headers: list[tuple[int, str]] = []
    next_free = layout.next_free_column
    for column in COMPUTED_COLUMNS:
        number = layout.columns.get(column)
        if number is None:
            number = next_free
            next_free += 1
            new_headers.append((number, column.value))
        columns.append((number, column))
    blank: tuple[CellValue, ...] = (None,) * len(columns)
    found = values_of_row.get
    rows = tuple((row, found(row, blank)) for row in layout.rows)
    return ComputedCells(layout.title, layout.header_row, tuple(columns), tuple(new_headers), rows)


#: Each band's text in a cell, and none for no band.
_BAND_TEXTS: dict[Band | None, str | None] = {None: None, **{b: b.value for b in Band}}

#: The Work on text of each choice of ingredients seen (at most 29 of them).
_WORK_ON_TEXTS: dict[tuple[Ingredient, ...], str | None] = {}


def _work_on_text(ingredients: tuple[Ingredient, ...]) -> str | None:
    """The ingredients' names, `, ` between them; None when there are none."""
    text = _WORK_ON_TEXTS.get(ingredients, "")
    if text == "":
        text = _WORK_ON_TEXTS[ingredients] = ", ".join(i.label for i in ingredients) or None
    return text


def _history_plan(
    inputs: Inputs,
    reviewed_on: dt.date,
    ranking_of: Mapping[int, tuple[CellValue, ...]],
    importance: Sequence[tuple[float, float, int, str, int]],
    weights: Weights,
) -> HistoryPlan:
    """History's rows: today's ranked partners by rank, then name.

    `importance` holds each ranked partner's key from `plan_review`: minus its weighted
    score, ..., its name as compared, its position; `ranking_of` its row of the Review's
    ranking (rank, name, weighted score, change, band, ...) by that position. Ranks follow
    the weighted score, so ordering by score and name orders by rank and name.
    """
    weights_text = weights.short_text()
    by_rank = sorted([(key[0], key[3], key[4]) for key in importance])
    new_rows = tuple(
        (reviewed_on, ranked[1], ranked[2], ranked[0], ranked[4], weights_text)
        for ranked in map(ranking_of.__getitem__, map(itemgetter(2), by_rank))
    )
    layout = inputs.history_layout
    if layout is None:
        # An empty History sheet is written into: adding another would give "History1".
        return HistoryPlan(
            title=find_sheet(inputs.sheet_titles, "History"),
            header_row=1,
            columns=tuple(range(1, len(HISTORY_HEADERS) + 1)),
            write_header=True,
            first_row=2,
            rows=new_rows,
            clear_through=0,
        )
    columns = list(layout.columns)
    write_header = 0 in columns
    next_free = max(columns) + 1
    for index, column in enumerate(columns):
        if column == 0:
            columns[index] = next_free
            next_free += 1
    same_day = [h for h in inputs.history if h.reviewed_on == reviewed_on]
    if same_day:
        first_row = min(h.row for h in same_day)
        kept = tuple(
            _history_values(h)
            for h in inputs.history
            if h.row > first_row and h.reviewed_on != reviewed_on
        )
    else:
        first_row = layout.last_row + 1
        kept = ()
    return HistoryPlan(
        title=layout.title,
        header_row=layout.header_row,
        columns=tuple(columns),
        write_header=write_header,
        first_row=first_row,
        # Today's rows take the place of the ones they replace, so History stays in date
        # order when an earlier day is reviewed again.
        rows=new_rows + kept,
        clear_through=layout.last_row,
    )


def _history_values(row: HistoryRow) -> tuple[CellValue, ...]:
    return (
        row.reviewed_on,
        row.partner,
        row.weighted_score,
        row.rank,
        row.band or None,
        row.weights or None,
    )
