"""The Review sheet's content and shape, line by line, for any adapter to draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from .model import INGREDIENT_COUNT, CellValue

QUESTIONS = (
    "1. Which is your most important partnership, and what would make it even more effective?",
    "2. Which is your least effective partnership: ditch it, or focus on making it effective?",
    "3. Which partnerships bring you into conflict?",
    "4. If you needed more chargeable time, which relationship would you spend less time with?",
)


@dataclass(frozen=True)
class RankingColumn:
    """One column of the Review's ranking table."""

    header: str
    #: Column width, in characters of "0".
    width: float
    number_format: str | None = None
    centred: bool = False


RANKING_COLUMNS: tuple[RankingColumn, ...] = (
    RankingColumn("Rank", 7.0, centred=True),
    RankingColumn("Partner", 24.0),
    RankingColumn("Weighted score", 10.0, "0.0"),
    RankingColumn("Change since last review", 11.0, "+0.0;-0.0;0.0", centred=True),
    RankingColumn("Band", 9.0, centred=True),
    RankingColumn("Work on", 26.0),
    RankingColumn("Conflicts", 46.0),
    RankingColumn("Hours per month", 9.0, "0.0"),
    RankingColumn("Score per hour", 9.0, "0.0"),
)
RANKING_HEADERS = tuple(c.header for c in RANKING_COLUMNS)
COLUMN_WIDTHS = tuple(c.width for c in RANKING_COLUMNS)
RANKING_FORMATS = tuple(c.number_format for c in RANKING_COLUMNS)

#: The Review lists at most this many conflicts; the Partners sheet has them all.
LISTED_CONFLICTS = 20

#: The chart shows at most this many partners, the strongest; more bars cannot be read.
CHART_LIMIT = 40

_LINE_POINTS = 15.0
_CM_PER_ROW = 0.53

#: Excel's tallest row, in points.
MAX_ROW_HEIGHT = 409.0

#: How much of the sheet, in row points, one printed page holds: landscape, fitted to the
#: Review's width (measured on LibreOffice's rendering of A4 and Letter).
PAGE_POINTS = 540.0


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

    @property
    def points(self) -> float:
        """The height the line takes on the page."""
        return self.height if self.height is not None else _LINE_POINTS


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


def lines_needed(text: str, width: float) -> int:
    """The lines a text wraps to in a column `width` characters wide."""
    # A column width counts characters of "0"; ordinary text runs about 20% narrower.
    capacity = max(1, int(width * 1.2))
    if len(text) <= capacity and "\n" not in text:
        return 1  # as the sum below gives, for most cells, without splitting
    return sum(max(1, math.ceil(len(part) / capacity)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    """The height in points of a row showing this many lines."""
    return min(MAX_ROW_HEIGHT, round(lines * _LINE_POINTS + 3, 1))


def ranking_row_height(values: Sequence[CellValue]) -> float | None:
    """The height of a ranking row: its tallest cell's; None for one line."""
    tallest = max(
        (
            lines_needed(str(v), c.width)
            for v, c in zip(values, RANKING_COLUMNS, strict=True)
            if v is not None
        ),
        default=0,
    )
    if not tallest:
        raise ValueError("a ranking row holds no value")
    return row_height(tallest) if tallest > 1 else None


@dataclass
class _Sheet:
    """The Review's lines as they are added, and where its printed pages break."""

    lines: list[ReviewLine] = field(default_factory=list)
    page_breaks: list[int] = field(default_factory=list)

    @property
    def next_row(self) -> int:
        return len(self.lines) + 1

    def add(self, kind: LineKind, cells: Sequence[CellValue] = (), **extra: object) -> None:
        self.lines.append(ReviewLine(self.next_row, kind, tuple(cells), **extra))  # type: ignore[arg-type]

    def paragraph(self, kind: LineKind, text: str) -> None:
        """A line of text across the whole width, as tall as its wrapped text."""
        width = sum(COLUMN_WIDTHS)
        self.add(kind, [text], merge_from=1, height=row_height(lines_needed(text, width)))

    def points(self, first_row: int = 1) -> float:
        """The height of the lines from `first_row` on."""
        return sum(line.points for line in self.lines[first_row - 1 :])


def build_review_sheet(
    *,
    reviewed_on: dt.date,
    previous_review: dt.date | None,
    answers: tuple[str, str, Sequence[str], str],
    ranking: Sequence[tuple[CellValue, ...]],
    still_to_score: Sequence[tuple[str, str]],
) -> ReviewLayout:
    """Lay out the Review: the four questions, the ranking, the chart, who is still to score."""
    sheet = _Sheet()
    _add_introduction(sheet, reviewed_on, previous_review)
    _add_answers(sheet, answers)
    chart = _add_ranking(sheet, ranking)
    _add_still_to_score(sheet, still_to_score)
    return ReviewLayout(tuple(sheet.lines), COLUMN_WIDTHS, chart, tuple(sheet.page_breaks))


def _add_introduction(sheet: _Sheet, reviewed_on: dt.date, previous: dt.date | None) -> None:
    sheet.add(
        LineKind.TITLE, [f"Partnership review, {reviewed_on.day} {reviewed_on:%B %Y}"], height=24.0
    )
    compared = (
        f"Changes are since the review of {previous.isoformat()}."
        if previous
        else "This is the first review: changes show from the next one."
    )
    sheet.paragraph(
        LineKind.NOTE,
        f"Made by partnersheet on {reviewed_on.isoformat()} from the Partners sheet. {compared} "
        "This sheet is replaced on every review: edits made here are lost.",
    )
    sheet.add(LineKind.BLANK)


def _add_answers(sheet: _Sheet, answers: tuple[str, str, Sequence[str], str]) -> None:
    for question, answer in zip(QUESTIONS, answers, strict=True):
        sheet.paragraph(LineKind.QUESTION, question)
        if isinstance(answer, str):
            sheet.paragraph(LineKind.ANSWER, answer)
        else:
            for item in answer[:LISTED_CONFLICTS]:
                sheet.paragraph(LineKind.ANSWER, f"• {item}" if len(answer) > 1 else item)
            if len(answer) > LISTED_CONFLICTS:
                sheet.paragraph(
                    LineKind.ANSWER,
                    f"• And {len(answer) - LISTED_CONFLICTS} more: see the Conflicts column "
                    "on the Partners sheet.",
                )
        sheet.add(LineKind.BLANK)


def _add_ranking(sheet: _Sheet, ranking: Sequence[tuple[CellValue, ...]]) -> ChartSpec | None:
    """The ranking table and the chart below it; where there is no ranking, a line saying so."""
    ranking_row = sheet.next_row
    page_used = sheet.points()
    sheet.add(LineKind.HEADING, ["Ranking"])
    if not ranking:
        sheet.paragraph(LineKind.ANSWER, "No partner is ranked yet.")
        sheet.add(LineKind.BLANK)
        return None
    sheet.add(LineKind.TABLE_HEADER, RANKING_HEADERS, height=row_height(3))
    first = sheet.next_row
    for values in ranking:
        sheet.add(
            LineKind.TABLE_ROW, values, formats=RANKING_FORMATS, height=ranking_row_height(values)
        )
    # A ranking that would run over the first page's end starts a page of its own, when it
    # fits on one; otherwise the pages break where they fall.
    table = sheet.points(ranking_row)
    if page_used + table > PAGE_POINTS and table <= PAGE_POINTS:
        sheet.page_breaks.append(ranking_row)
        page_used = table
    else:
        page_used = (page_used + table) % PAGE_POINTS
    return _add_chart(sheet, first, len(ranking), page_used)


def _add_chart(sheet: _Sheet, first: int, ranked: int, page_used: float) -> ChartSpec:
    """The bar chart of the strongest partners' scores, on blank lines under its heading."""
    shown = min(ranked, CHART_LIMIT)
    sheet.add(LineKind.BLANK)
    title = "Weighted scores" + (
        f" (the strongest {CHART_LIMIT} of {ranked})" if ranked > CHART_LIMIT else ""
    )
    chart_row = sheet.next_row
    sheet.add(LineKind.HEADING, [title])
    height_cm = max(6.0, 2.0 + 0.6 * shown)
    chart = ChartSpec(
        title="Weighted score (0 to 100)",
        anchor_row=sheet.next_row,
        first_row=first,
        last_row=first + shown - 1,
        category_column=2,
        value_column=3,
        width_cm=22.0,
        height_cm=height_cm,
    )
    for _ in range(math.ceil(height_cm / _CM_PER_ROW) + 1):
        sheet.add(LineKind.BLANK)
    # The chart never breaks across pages: it goes on the next page unless it fits here.
    if page_used + sheet.points(chart_row - 1) > PAGE_POINTS:
        sheet.page_breaks.append(chart_row)
    return chart


def _add_still_to_score(sheet: _Sheet, still_to_score: Sequence[tuple[str, str]]) -> None:
    sheet.add(LineKind.HEADING, ["Partners still to score"])
    if not still_to_score:
        sheet.paragraph(
            LineKind.ANSWER, f"None: every partner has all {INGREDIENT_COUNT} ingredients scored."
        )
        return
    sheet.add(LineKind.LIST_HEADER, ["", "Partner", "Status"])
    # The status runs on over the empty cells to its right: no merge, no wrap.
    for name, status in still_to_score:
        sheet.add(LineKind.LIST_ROW, ["", name, status])
