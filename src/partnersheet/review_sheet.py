"""The Review sheet's content and shape, line by line, for any adapter to draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import chain, compress, count, repeat
from types import NoneType
from typing import cast

from .model import CellValue, collector_paused

QUESTIONS = (
    "1. Which is your most important partnership, and what would make it even more effective?",
    "2. Which is your least effective partnership: ditch it, or focus on making it effective?",
    "3. Which partnerships bring you into conflict?",
    "4. If you needed more chargeable time, which relationship would you spend less time with?",
)

RANKING_HEADERS = (
    "Rank",
    "Partner",
    "Weighted score",
    "Change since last review",
    "Band",
    "Work on",
    "Conflicts",
    "Hours per month",
    "Score per hour",
)
RANKING_FORMATS = (None, None, "0.0", "+0.0;-0.0;0.0", None, None, None, "0.0", "0.0")
#: Ranking columns shown centred: Rank, Change and Band.
CENTRED_COLUMNS = (1, 4, 5)
COLUMN_WIDTHS = (7.0, 24.0, 10.0, 11.0, 9.0, 26.0, 46.0, 9.0, 9.0)

#: The Review lists at most this many conflicts; the Partners sheet has them all.
LISTED_CONFLICTS = 20

#: The chart shows at most this many partners, the strongest; more bars cannot be read.
CHART_LIMIT = 40

_LINE_POINTS = 15.0
_CM_PER_ROW = 0.53


class LineKind(Enum):
    TITLE = "title"
    NOTE = "note"
    HEADING = "heading"
    QUESTION = "question"
    ANSWER = "answer"
    TABLE_HEADER = "table header"
    TABLE_ROW = "table row"
    #: A simple list whose last cell runs on to the right unwrapped.
    LIST_HEADER = "list header"
    LIST_ROW = "list row"
    BLANK = "blank"


@dataclass(frozen=True)
class ReviewLine:
    """One row of the Review sheet."""

    row: int
    kind: LineKind
    #: Values from column A onwards.
    cells: tuple[CellValue, ...]
    #: Number format of each cell, where it has one.
    formats: tuple[str | None, ...] = ()
    #: Merge from this column (1 = A) to the last column, the text wrapping inside.
    merge_from: int | None = None
    #: Row height in points; None leaves the default.
    height: float | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart of weighted scores drawn from the ranking table."""

    title: str
    #: The chart's top-left cell is column A of this row.
    anchor_row: int
    first_row: int
    last_row: int
    category_column: int
    value_column: int
    width_cm: float
    height_cm: float


@dataclass(frozen=True)
class ReviewLayout:
    """The Review sheet as it is to be written: its lines, column widths, chart and page
    breaks."""

    lines: tuple[ReviewLine, ...]
    column_widths: tuple[float, ...]
    chart: ChartSpec | None
    #: Printed pages break above these rows.
    page_breaks: tuple[int, ...] = ()

    @property
    def last_column(self) -> int:
        return len(self.column_widths)


def _lines_needed(text: str, width: float) -> int:
    # A column width counts characters of "0"; ordinary text runs about 20% narrower.
    capacity = max(1, int(width * 1.2))
    return sum(max(1, math.ceil(len(part) / capacity)) for part in text.split("\n"))


#: Excel's tallest row, in points.
MAX_ROW_HEIGHT = 409.0

#: How much of the sheet, in row points, one printed page holds: landscape, fitted to the
#: Review's width (measured on LibreOffice's rendering of A4 and Letter).
PAGE_POINTS = 540.0


def _points(line: ReviewLine) -> float:
    return line.height if line.height is not None else _LINE_POINTS


def _height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, round(lines * _LINE_POINTS + 3, 1))


def _new_lines(
    first_row: int,
    kind: LineKind,
    rows: Sequence[tuple[CellValue, ...]],
    formats: tuple[str | None, ...],
    heights: Iterable[float | None],
) -> list[ReviewLine]:
    """`ReviewLine(row, kind, cells, formats, None, height)` for many rows, made faster.

    The frozen dataclass's __init__ sets each field through object.__setattr__, most of
    the cost of a large ranking; here each instance gets its fields straight into its
    __dict__, in field order, which makes the same object (ReviewLine has no
    __post_init__ and no __slots__).
    """
    # The instances and their __dict__s are made without a loop in Python; only the
    # fields are set in one.
    made: list[ReviewLine] = list(map(object.__new__, repeat(ReviewLine, len(rows))))
    for fields, row, cells, height in zip(
        map(getattr, made, repeat("__dict__")), count(first_row), rows, heights
    ):
        fields["row"] = row
        fields["kind"] = kind
        fields["cells"] = cells
        fields["formats"] = formats
        fields["merge_from"] = None
        fields["height"] = height
    return made


def _tallest_by_row(ranking: Sequence[tuple[CellValue, ...]], widths: Sequence[float]) -> list[int]:
    """The lines each ranking row needs, its tallest cell's, measured cell by cell."""
    # Text that fits on one line of its column needs no measuring: most cells do.
    capacities = [max(1, int(w * 1.2)) for w in widths]
    found: list[int] = []
    for values in ranking:
        tallest = 0
        for v, w, capacity in zip(values, widths, capacities, strict=True):
            if v is None:
                continue
            text = str(v)
            needed = 1 if len(text) <= capacity and "\n" not in text else _lines_needed(text, w)
            if needed > tallest:
                tallest = needed
        if not tallest:
            raise ValueError("a ranking row holds no value")
        found.append(tallest)
    return found


#: The longest text str() gives a float, as "-2.2250738585072014e-308": sign, 17 digits,
#: point and exponent.
_LONGEST_FLOAT_TEXT = 24


def _repeats(column: Sequence[CellValue]) -> bool:
    """Whether a column's values look to repeat, judged from its first hundred: a column of
    a few distinct values is measured faster by its set, one of all different values
    faster without."""
    head = column[:100]
    return len(set(head)) * 2 <= len(head)


def _overflowing(
    column: tuple[CellValue, ...], types: set[type], width: float
) -> dict[CellValue, int] | None:
    """The lines each value of a ranking column needs, for the values needing more than one;
    None when that cannot be told value by value, only cell by cell.

    `types` are the types of the column's cells. Equal values of one of the types str,
    int and float print alike, but for 0.0 and -0.0, and equal values of different types
    may not (1 == 1.0 == True): those are left to the cell-by-cell loop.
    """
    capacity = max(1, int(width * 1.2))
    values = types - {NoneType}
    if values == {int}:
        # An int's text grows with its size: the smallest and the largest bound them all.
        ints = set(column)
        ints.discard(None)
        low, high = min(ints, default=0), max(ints, default=0)  # type: ignore[type-var]
        return {} if -(10 ** (capacity - 1)) < low and high < 10**capacity else None
    if not values <= {str, float} or (float in values and capacity < len(str(-0.0))):
        # (0.0 and -0.0 are equal but print differently: in a column wide enough for both
        # they are left out below, as needing one line.)
        return None
    if values == {float} and capacity >= _LONGEST_FLOAT_TEXT:
        return {}
    keys: Collection[CellValue]
    texts: Collection[str]
    distinct = float in values or _repeats(column)
    if distinct:
        # Each distinct value is measured once: a float's text is made once for all the
        # cells of its value. A zero, 0.0 or -0.0, is on one line, like None: both are left
        # out. (A str is its own text.)
        keys = set(column)
        keys.discard(None)
        if float in values:
            keys.discard(0.0)
            texts = list(map(str, keys))
        else:
            texts = cast(set[str], keys)
    else:
        # (filter drops None, and "", on one line too.)
        keys = texts = cast(
            Collection[str], list(filter(None, column)) if NoneType in types else column
        )
    if not texts:
        return {}
    # Most columns fit on one line throughout: found at once, without a loop in Python.
    broken = "\n" in "".join(texts)
    if not broken and len(max(texts, key=len)) <= capacity:
        return {}
    if not distinct:
        keys = texts = set(texts)  # each distinct text measured once
    # Text on one line, longer than the column, needs _lines_needed's ceil(len / capacity)
    # lines: integer division rounds up exactly so for any text that fits in memory.
    if not broken:
        return {
            key: -(-length // capacity)
            for key, length in zip(keys, map(len, texts), strict=True)
            if length > capacity
        }
    return {
        key: _lines_needed(text, width) if "\n" in text else -(-len(text) // capacity)
        for key, text in zip(keys, texts, strict=True)
        if len(text) > capacity or "\n" in text
    }


def _types(values: Sequence[object]) -> set[type]:
    """The types of `values`. When a few spread over them are all of one type, as mostly,
    counting that type is faster than making the set. (Only a plain list or tuple is
    sampled: any other sequence might not slice.)"""
    if type(values) is list or type(values) is tuple:
        seen = {*map(type, values[:: len(values) // 16 + 1])}
        if len(seen) == 1:
            types = list(map(type, values))
            if types.count(*seen) == len(types):
                return seen
            return set(types)
    return {*map(type, values)}


def _tallest_by_column(
    ranking: Sequence[tuple[CellValue, ...]], widths: Sequence[float]
) -> list[int] | None:
    """`_tallest_by_row`'s answer, found a column at a time from each column's distinct
    values, without str() of every cell; None for a ranking out of the ordinary (rows not
    tuples of a value for each column, values other than str, int and float or ints beside
    floats, or no column without None), left to `_tallest_by_row`."""
    if _types(ranking) != {tuple}:
        return None
    try:
        columns = list(zip(*ranking, strict=True))
    except ValueError:  # rows of different lengths: the row-by-row loop rejects them
        return None
    if len(columns) != len(widths):
        return None
    found: list[tuple[tuple[CellValue, ...], dict[CellValue, int]]] = []
    some_column_full = False
    for column, width in zip(columns, widths, strict=True):
        types = _types(column)
        some_column_full = some_column_full or NoneType not in types
        over = _overflowing(column, types, width)
        if over is None:
            return None
        if over:
            found.append((column, over))
    if not some_column_full:
        return None  # a row might hold no value: the row-by-row loop finds it
    # Every row holds a value in the full column, so needs one line at least; only the
    # rows with an overflowing value need more.
    if not found:
        return [1] * len(ranking)
    # The column with the most overflowing values gives every row its lines at once (None,
    # in this column, and the values not overflowing needing one); then the few cells of
    # the others that overflow raise their rows' lines where they need more.
    found.sort(key=lambda column_over: len(column_over[1]), reverse=True)
    (column, over), *others = found
    tallest = list(map(over.get, column, repeat(1)))
    for column, over in others:
        for i in compress(range(len(column)), map(over.__contains__, column)):
            lines = over[column[i]]
            if lines > tallest[i]:
                tallest[i] = lines
    return tallest


@collector_paused(lasting=True)  # a line for each partner: many small objects, none in a cycle
def build_review_sheet(
    *,
    reviewed_on: dt.date,
    previous_review: dt.date | None,
    answers: tuple[str, str, Sequence[str], str],
    ranking: Sequence[tuple[CellValue, ...]],
    still_to_score: Sequence[tuple[str, str]],
) -> ReviewLayout:
    """Lay out the Review: the four questions, the ranking, the chart, who is still to score."""
    widths = COLUMN_WIDTHS
    full_width = sum(widths)
    lines: list[ReviewLine] = []
    page_breaks: list[int] = []

    def add(kind: LineKind, cells: Sequence[CellValue], **extra: object) -> None:
        lines.append(ReviewLine(len(lines) + 1, kind, tuple(cells), **extra))  # type: ignore[arg-type]

    def paragraph(kind: LineKind, text: str) -> None:
        add(kind, [text], merge_from=1, height=_height(_lines_needed(text, full_width)))

    add(LineKind.TITLE, [f"Partnership review, {reviewed_on.day} {reviewed_on:%B %Y}"], height=24.0)
    compared = (
        f"Changes are since the review of {previous_review.isoformat()}."
        if previous_review
        else "This is the first review: changes show from the next one."
    )
    paragraph(
        LineKind.NOTE,
        f"Made by partnersheet on {reviewed_on.isoformat()} from the Partners sheet. {compared} "
        "This sheet is replaced on every review: edits made here are lost.",
    )
    add(LineKind.BLANK, [])

    most, least, conflicts, less = answers
    for question, answer in zip(QUESTIONS, (most, least, conflicts, less), strict=True):
        paragraph(LineKind.QUESTION, question)
        if isinstance(answer, str):
            paragraph(LineKind.ANSWER, answer)
        else:
            for item in answer[:LISTED_CONFLICTS]:
                paragraph(LineKind.ANSWER, f"• {item}" if len(answer) > 1 else item)
            if len(answer) > LISTED_CONFLICTS:
                paragraph(
                    LineKind.ANSWER,
                    f"• And {len(answer) - LISTED_CONFLICTS} more: see the Conflicts column "
                    "on the Partners sheet.",
                )
        add(LineKind.BLANK, [])

    ranking_row = len(lines) + 1
    page_used = sum(_points(line) for line in lines)
    add(LineKind.HEADING, ["Ranking"])
    chart: ChartSpec | None = None
    if ranking:
        add(LineKind.TABLE_HEADER, RANKING_HEADERS, height=_height(3))
        first = len(lines) + 1
        tallest = _tallest_by_column(ranking, widths)
        # The column by column answer takes only tuples: tuple() would return them as they are.
        rows: Sequence[tuple[CellValue, ...]] = ranking
        if tallest is None:
            tallest = _tallest_by_row(ranking, widths)
            rows = list(map(tuple, ranking))
        # A few distinct heights: each worked out once.
        height_of = {t: _height(t) if t > 1 else None for t in set(tallest)}
        heights = map(height_of.__getitem__, tallest)
        lines += _new_lines(first, LineKind.TABLE_ROW, rows, RANKING_FORMATS, heights)
        # A ranking that would run over the first page's end starts a page of its own, when
        # it fits on one; otherwise the pages break where they fall. (The same points, added
        # in the same order, as summing _points over the table's lines.)
        points_of = {t: _LINE_POINTS if h is None else h for t, h in height_of.items()}
        table = sum(
            chain(
                map(_points, lines[ranking_row - 1 : first - 1]),
                map(points_of.__getitem__, tallest),
            )
        )
        if page_used + table > PAGE_POINTS and table <= PAGE_POINTS:
            page_breaks.append(ranking_row)
            page_used = table
        else:
            page_used = (page_used + table) % PAGE_POINTS
        shown = min(len(ranking), CHART_LIMIT)
        add(LineKind.BLANK, [])
        title = "Weighted scores" + (
            f" (the strongest {CHART_LIMIT} of {len(ranking)})"
            if len(ranking) > CHART_LIMIT
            else ""
        )
        chart_row = len(lines) + 1
        add(LineKind.HEADING, [title])
        height_cm = max(6.0, 2.0 + 0.6 * shown)
        chart = ChartSpec(
            title="Weighted score (0 to 100)",
            anchor_row=len(lines) + 1,
            first_row=first,
            last_row=first + shown - 1,
            category_column=2,
            value_column=3,
            width_cm=22.0,
            height_cm=height_cm,
        )
        for _ in range(math.ceil(height_cm / _CM_PER_ROW) + 1):
            add(LineKind.BLANK, [])
        # The chart never breaks across pages: it goes on the next page unless it fits here.
        if page_used + sum(_points(line) for line in lines[chart_row - 2 :]) > PAGE_POINTS:
            page_breaks.append(chart_row)
    else:
        paragraph(LineKind.ANSWER, "No partner is ranked yet.")
        add(LineKind.BLANK, [])

    add(LineKind.HEADING, ["Partners still to score"])
    if still_to_score:
        add(LineKind.LIST_HEADER, ["", "Partner", "Status"])
        # The status runs on over the empty cells to its right: no merge, no wrap.
        listed = [("", name, status) for name, status in still_to_score]
        lines += _new_lines(len(lines) + 1, LineKind.LIST_ROW, listed, (), repeat(None))
    else:
        paragraph(LineKind.ANSWER, "None: every partner has all seven ingredients scored.")
    return ReviewLayout(tuple(lines), widths, chart, tuple(page_breaks))
