"""The review: four answers, the computed columns, the Review sheet's content and History.

`plan_review` is the whole core in one call. Its `ReviewResult` says exactly what to write
where, so every adapter (the .xlsx file, the live Excel book) applies it without deciding
anything of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import attrgetter, is_not, itemgetter, ne, not_, setitem
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
    built_all,
    collector_paused,
    format_number,
    join_and,
    normalised_names,
)
from .review_sheet import ReviewLayout, build_review_sheet
from .scoring import Score, excel_round, score_fields


@dataclass(frozen=True)
class PartnerResult(Score):
    """One partner after the review: its score, and what the review adds to it."""

    #: The Conflicts cell's items.
    conflicts: tuple[str, ...]
    #: Weighted score now minus at the previous review; None when there is nothing to compare.
    change: float | None

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

        def partner(p: PartnerResult) -> dict[str, Any]:
            return {
                "partner": p.name,
                "row": p.partner.row,
                "weighted_score": p.weighted_score,
                "rank": p.rank,
                "band": p.band.value if p.band else None,
                "work_on": [i.label for i in p.work_on],
                "conflicts": list(p.conflicts),
                "score_per_hour": p.score_per_hour,
                "status": p.status,
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
            "less_time": None
            if less is None
            else {
                "partner": less.partner.name,
                "hours_per_month": _plain(less.hours_per_month),
                "value_per_year": _plain(less.value_per_year),
                "score_per_hour": less.partner.score_per_hour,
                "answer": less.sentence,
            },
        }


def _plain(number: float) -> float | int:
    """A whole number as an int in JSON (4, not 4.0)."""
    return int(number) if float(number).is_integer() else number


@collector_paused(lasting=True)  # many small objects, none of them in a cycle
def plan_review(inputs: Inputs, reviewed_on: dt.date) -> ReviewResult:
    """Score, find conflicts, answer the four questions and lay out what to write."""
    settings, weights = inputs.settings, inputs.weights
    partners = inputs.partners
    found = score_fields(partners, weights, settings)
    conflicts = find_conflicts(partners, inputs.competitors)
    previous_review, previous_scores = _previous_review(inputs, reviewed_on)

    # The review works a column at a time: each a list in the order of `partners`, most
    # taken out by operations that run in C, so a large sheet costs little per partner.
    positions = range(len(found))
    names = list(map(attrgetter("name"), partners))
    rows = list(map(attrgetter("row"), partners))
    hours = list(map(attrgetter("hours_per_month"), partners))
    # Each name in the form names are compared in.
    compared = list(normalised_names(names))
    values = list(map(itemgetter("weighted_score"), found))
    ranks = list(map(itemgetter("rank"), found))
    per_hour = list(map(itemgetter("score_per_hour"), found))
    statuses = list(map(itemgetter("status"), found))
    bands = list(map(_BAND_TEXTS.__getitem__, map(itemgetter("band"), found)))
    work_ons = list(map(itemgetter("work_on"), found))
    for ingredients in set(work_ons) - _WORK_ON_TEXTS.keys():
        _work_on_text(ingredients)
    work_on_texts = list(map(_WORK_ON_TEXTS.__getitem__, work_ons))
    items = list(map(conflicts.by_row.get, rows, repeat(())))
    conflict_texts = ["; ".join(cell) or None for cell in items]
    changes = _changes(values, compared, previous_scores)

    # Each result is its Score's fields and then the review's, PartnerResult's own fields.
    deque(map(setitem, found, repeat("conflicts"), items), maxlen=0)
    deque(map(setitem, found, repeat("change"), changes), maxlen=0)
    results = built_all(PartnerResult, found)

    # The order of importance: strongest first; ties by more fees, then more referrals,
    # then name (as compared). Each sort is stable, so sorting by each key in turn, the
    # last first, gives the order of sorting by all of them at once.
    is_ranked = list(map(is_not, values, repeat(None)))
    by_name = sorted(compress(positions, is_ranked), key=compared.__getitem__)
    # (A blank fee as 0.0: a column of floats alone is compared the quickest.)
    fees = [fee or 0.0 for fee in map(attrgetter("fees_received"), partners)]
    received = [sent or 0 for sent in map(attrgetter("referrals_received"), partners)]
    importance = sorted(by_name, key=received.__getitem__, reverse=True)
    importance.sort(key=fees.__getitem__, reverse=True)
    importance.sort(key=values.__getitem__, reverse=True)
    unranked = list(compress(positions, map(not_, is_ranked)))
    ranked = list(map(results.__getitem__, importance))
    ordered = (*ranked, *map(results.__getitem__, unranked))
    # Question 4's candidates: ranked partners given hours (see `_less_time`).
    spending = [
        (per_hour[i], fees[i], compared[i], i)
        for i in importance
        if (hours[i] or 0) > 0 and per_hour[i] is not None
    ]

    def column(cells: list[Any], order: list[int]) -> Iterator[Any]:
        """A column's cells in another order (positions in `partners`)."""
        return map(cells.__getitem__, order)

    shown_changes = (
        changes if previous_review is None else ["new" if c is None else c for c in changes]
    )
    ranking = list(
        zip(
            column(ranks, importance),
            column(names, importance),
            column(values, importance),
            column(shown_changes, importance),
            column(bands, importance),
            column(work_on_texts, importance),
            column(conflict_texts, importance),
            column(hours, importance),
            column(per_hour, importance),
            strict=True,
        )
    )
    # History's rows: by rank, then name; ranks follow the weighted score.
    by_rank = sorted(by_name, key=values.__getitem__, reverse=True)
    history_rows = tuple(
        zip(
            repeat(reviewed_on),
            column(names, by_rank),
            column(values, by_rank),
            column(ranks, by_rank),
            column(bands, by_rank),
            repeat(weights.short_text()),
        )
    )
    # Partners still to score, in the order of `ordered`.
    order = [*importance, *unranked]
    waiting = list(compress(order, map(ne, column(statuses, order), repeat("OK"))))
    computed_of_row = dict(
        zip(
            rows,
            zip(
                values, ranks, bands, work_on_texts, conflict_texts, per_hour, statuses, strict=True
            ),
            strict=True,
        )
    )

    most = _most_important(ranked, weights, previous_review)
    least = _least_effective(ranked, weights)
    conflict_items = _conflict_items(conflicts, dict(zip(rows, results, strict=True)))
    less = _less_time(results, spending, most, settings)
    computed = _computed_cells(inputs, computed_of_row)
    history = _history_plan(inputs, reviewed_on, history_rows)
    layout = build_review_sheet(
        reviewed_on=reviewed_on,
        previous_review=previous_review,
        answers=(
            most.sentence if most else _NO_RANKED,
            least.sentence if least else _NO_RANKED,
            tuple(c.detail for c in conflict_items) or (_NO_CONFLICTS,),
            less.sentence if less else _NO_LESS_TIME,
        ),
        ranking=ranking,
        still_to_score=list(zip(column(names, waiting), column(statuses, waiting), strict=True)),
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


def _changes(
    values: list[float | None], compared: list[str], previous: Mapping[str, float]
) -> list[float | None]:
    """Each weighted score minus the same partner's at the previous review (`previous`, by
    name as compared); None where either is missing."""
    changes: list[float | None] = [None] * len(values)
    if not previous:
        return changes
    rounded: dict[float, float] = {}
    for index, value, before in zip(count(), values, map(previous.get, compared)):
        if value is None or before is None:
            continue
        difference = value - before
        if not difference:  # a zero is rounded afresh: its sign matters
            changes[index] = excel_round(difference)
            continue
        change = rounded.get(difference)
        if change is None:
            change = rounded[difference] = excel_round(difference)
        changes[index] = change
    return changes


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
    names = normalised_names([partner for partner, _ in scores])
    return latest, {name: score for name, (_, score) in zip(names, scores, strict=True)}


# --- the four answers --------------------------------------------------------------------


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _score_text(result: PartnerResult) -> str:
    if result.weighted_score is None or result.band is None:
        return "not ranked"
    return f"{result.weighted_score:.1f}, {_BAND_TEXTS[result.band]}"


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
    if top.work_on:
        text += f" To make it even more effective, {_advice(top.work_on, weights)}"
    else:
        text += " It is already scored the highest on every ingredient: keep it that way."
    return MostImportant(top, text)


def _least_effective(ranked: Sequence[PartnerResult], weights: Weights) -> LeastEffective | None:
    if not ranked:
        return None
    bottom = ranked[-1]
    received = bottom.partner.referrals_received or 0
    if bottom.band is Band.DITCH and received == 0:
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
        if bottom.work_on:
            text += f": {_advice(bottom.work_on, weights)}"
        else:
            text += "."
    return LeastEffective(bottom, verdict, text)


def _conflict_items(
    conflicts: Conflicts, by_row: Mapping[int, PartnerResult]
) -> tuple[ConflictItem, ...]:
    items: list[ConflictItem] = []

    def item(kind: ConflictKind, partners: tuple[str, ...], detail: str) -> ConflictItem:
        # Made as `built` makes it, without its checks: the dict is exactly its fields.
        made = object.__new__(ConflictItem)
        object.__setattr__(made, "__dict__", {"kind": kind, "partners": partners, "detail": detail})
        return made

    name_of = attrgetter("name")
    for group in conflicts.groups:
        members = list(map(by_row.__getitem__, map(attrgetter("row"), group.members)))
        described = join_and(list(map(_member_text, members)))
        items.append(
            item(
                ConflictKind.COMPETING_PARTNERS,
                tuple(map(name_of, members)),
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
                    tuple(map(name_of, sent_to)),
                    f"You sent referrals to {both}{listed}, who compete with each other "
                    f"({group.name}).",
                )
            )
    return tuple(items)


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
    rows = tuple(zip(layout.rows, map(found, layout.rows, repeat(blank)), strict=True))
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
    inputs: Inputs, reviewed_on: dt.date, new_rows: tuple[tuple[CellValue, ...], ...]
) -> HistoryPlan:
    """History's rows: `new_rows`, today's, in place of any rows of the same day."""
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
