"""The Review sheet's content and shape, line by line, for any adapter to draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from .model import CellValue

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
        # Text that fits on one line of its column needs no measuring: most cells do.
        capacities = [max(1, int(w * 1.2)) for w in widths]
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
            lines.append(
                ReviewLine(
                    len(lines) + 1,
                    LineKind.TABLE_ROW,
                    tuple(values),
                    RANKING_FORMATS,
                    None,
                    _height(tallest) if tallest > 1 else None,
                )
            )
        # A ranking that would run over the first page's end starts a page of its own, when
        # it fits on one; otherwise the pages break where they fall.
        table = sum(_points(line) for line in lines[ranking_row - 1 :])
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
        for name, status in still_to_score:
            # The status runs on over the empty cells to its right: no merge, no wrap.
            add(LineKind.LIST_ROW, ["", name, status])
    else:
        paragraph(LineKind.ANSWER, "None: every partner has all seven ingredients scored.")
    return ReviewLayout(tuple(lines), widths, chart, tuple(page_breaks))
