"""The Review sheet's content and shape, line by line, for any adapter to draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from .model import INGREDIENT_COUNT, CellValue
from .review_charts import (
    Axis,
    CellBlock,
    ChartKind,
    ChartSpec,
    DataBlock,
    ScoresOverTime,
    TimeGiven,
)
from .text_width import wrap

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
    RankingColumn("Trend, points a month", 12.0, centred=True),
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
#: The line chart shows at most this many review dates, and this many partners.
OVER_TIME_DATES = 12
OVER_TIME_LINES = 10
#: The scatter chart shows at most this many partners: those you give the most hours.
TIME_GIVEN_LIMIT = 40

#: The ranking's columns of the partners' names and weighted scores.
_PARTNER_COLUMN = 2
_SCORE_COLUMN = 3

_LINE_POINTS = 15.0
_CM_PER_ROW = 0.53

#: The height of the space between the Review's parts, in points: half a line.
SPACE_POINTS = 8.0

#: The most page breaks the Review sets; Excel keeps at most 1,026.
MAX_PAGE_BREAKS = 1000

#: Excel's tallest row, in points.
MAX_ROW_HEIGHT = 409.0

#: The printed page's margins, in inches: left, right, top, bottom, header and footer.
PAGE_MARGINS = (0.75, 0.75, 0.6, 0.6, 0.3, 0.3)
#: How much of the sheet, in row points, one printed page holds: landscape, fitted to the
#: Review's width, within those margins. A4 holds the least: LibreOffice draws a column of
#: width w 5.58 w points wide (the nine columns of total width 151 that the Review had
#: before its Trend column, 842 points), and fits them into 734, leaving 509 of the page's
#: height; so a page holds 509 × 5.58 / 734 = 3.87 points of rows for each unit of width
#: (584 for 151; 630 for the ten columns of 163 now). Letter holds more, and Excel's
#: narrower columns more still; a little is kept to spare (3.78 a unit: 570 for 151).
PAGE_POINTS = round(3.775 * sum(COLUMN_WIDTHS))


def long_date(day: dt.date) -> str:
    """A date as the Review writes it: 22 November 2026."""
    return f"{day.day} {day:%B %Y}"


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


#: The chart data tables start in this column, right of the printed columns and a gap.
SIDE_COLUMN = len(RANKING_COLUMNS) + 2
#: The widths of the gap and of the chart data tables' columns: names, then numbers.
GAP_WIDTH = 3.0
SIDE_NAME_WIDTH = 24.0
SIDE_NUMBER_WIDTH = 11.0

#: The format of a date in a chart data table.
SIDE_DATE_FORMAT = "d mmm yyyy"


@dataclass(frozen=True)
class ReviewLayout:
    """The Review sheet as it is to be written: its lines, column widths, charts with the
    tables of their numbers, and page breaks."""

    lines: tuple[ReviewLine, ...]
    column_widths: tuple[float, ...]
    charts: tuple[ChartSpec, ...] = ()
    #: Printed pages break above these rows.
    page_breaks: tuple[int, ...] = ()
    #: The tables of the charts' numbers, right of the printed columns.
    blocks: tuple[DataBlock, ...] = ()

    @property
    def last_column(self) -> int:
        """The last printed column."""
        return len(self.column_widths)

    @property
    def last_row(self) -> int:
        """The last row of the printed lines."""
        return max((line.row for line in self.lines), default=1)

    @property
    def side_widths(self) -> tuple[tuple[int, float], ...]:
        """The width of each column right of the printed ones that the tables use."""
        right = max((block.right for block in self.blocks), default=0)
        if right < SIDE_COLUMN:
            return ()
        return (
            (SIDE_COLUMN - 1, GAP_WIDTH),
            (SIDE_COLUMN, SIDE_NAME_WIDTH),
            *((n, SIDE_NUMBER_WIDTH) for n in range(SIDE_COLUMN + 1, right + 1)),
        )

    @property
    def used(self) -> CellBlock:
        """Every cell the Review uses, the tables' included."""
        return CellBlock(
            1,
            1,
            max([self.last_row, *(b.bottom for b in self.blocks)]),
            max([self.last_column, *(b.right for b in self.blocks)]),
        )

    @property
    def print_area(self) -> CellBlock:
        """What is printed: the lines across the printed columns (not the tables)."""
        return CellBlock(1, 1, self.last_row, self.last_column)


#: The height of each line of wrapped text, in points, and what its row adds.
_WRAPPED_LINE_POINTS = 14.4
_ROW_PADDING_POINTS = 1.6


def row_height(lines: int) -> float:
    """The height in points of a row showing this many lines of Calibri 11."""
    return min(MAX_ROW_HEIGHT, round(lines * _WRAPPED_LINE_POINTS + _ROW_PADDING_POINTS, 1))


def ranking_row_height(values: Sequence[CellValue]) -> float | None:
    """The height of a ranking row: its tallest cell's; None for one line. (A number is
    never wrapped: only text can need more lines.)"""
    if all(v is None for v in values):
        raise ValueError("a ranking row holds no value")
    tallest = max(
        (
            len(wrap(v, c.width))
            for v, c in zip(values, RANKING_COLUMNS, strict=True)
            if isinstance(v, str)
        ),
        default=1,
    )
    return row_height(tallest) if tallest > 1 else None


@dataclass
class _Sheet:
    """The Review's lines as they are added, and the runs of them a printed page should not
    split (a question and its answer, a chart and its heading): first and last row."""

    lines: list[ReviewLine] = field(default_factory=list)
    together: dict[int, int] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    blocks: list[DataBlock] = field(default_factory=list)

    @property
    def next_row(self) -> int:
        return len(self.lines) + 1

    def add(self, kind: LineKind, cells: Sequence[CellValue] = (), **extra: object) -> None:
        self.lines.append(ReviewLine(self.next_row, kind, tuple(cells), **extra))  # type: ignore[arg-type]

    def paragraph(self, kind: LineKind, text: str) -> None:
        """A line of text across the whole width, as tall as its wrapped text.

        The text is broken into lines here, where they fit Excel's columns, so every
        spreadsheet program shows the same lines in a row just tall enough for them (left
        to wrap by itself, LibreOffice fits more on a line than Excel, and a row made for
        Excel would show a blank line under the text).
        """
        lines = wrap(text, sum(COLUMN_WIDTHS))
        self.add(kind, ["\n".join(lines)], merge_from=1, height=row_height(len(lines)))

    def keep_together(self, first_row: int, last_row: int | None = None) -> None:
        """Keep the lines from `first_row` to `last_row` (the last one added, unless given)
        on one printed page."""
        self.together[first_row] = last_row or self.next_row - 1


def build_review_sheet(
    *,
    reviewed_on: dt.date,
    previous_review: dt.date | None,
    answers: tuple[str, str, Sequence[str], str],
    ranking: Sequence[tuple[CellValue, ...]],
    band_changes: Sequence[str] = (),
    over_time: ScoresOverTime | None = None,
    time_given: TimeGiven | None = None,
    still_to_score: Sequence[tuple[str, str]],
) -> ReviewLayout:
    """Lay out the Review: the four questions, the ranking, the band changes, the charts,
    who is still to score."""
    sheet = _Sheet()
    _add_introduction(sheet, reviewed_on, previous_review)
    _add_answers(sheet, answers)
    _add_ranking(sheet, ranking)
    _add_band_changes(sheet, band_changes, previous_review)
    _add_bar_chart(sheet, ranking)
    if over_time is not None:
        _add_over_time(sheet, over_time)
    if time_given is not None:
        _add_time_given(sheet, time_given)
    _add_still_to_score(sheet, still_to_score)
    breaks = page_breaks(sheet.lines, sheet.together)
    return ReviewLayout(
        tuple(sheet.lines), COLUMN_WIDTHS, tuple(sheet.charts), breaks, tuple(sheet.blocks)
    )


def page_breaks(lines: Sequence[ReviewLine], together: dict[int, int]) -> tuple[int, ...]:
    """The rows above which printed pages break: where a page of A4, the shorter of A4 and
    Letter, is full, or above a run of lines to keep together that does not fit on the
    rest of the page (and fits on a page of its own).

    Every break is set in the sheet, so a page holds the same rows on either paper (Letter
    leaves a little more room at its foot) and nothing is left to where each program would
    break by itself. Excel keeps at most 1,026 breaks: a longer ranking breaks by itself
    after the first `MAX_PAGE_BREAKS` pages.
    """
    breaks: list[int] = []
    used = 0.0
    for index, line in enumerate(lines):
        needed = line.points
        if line.row in together:
            run = sum(other.points for other in lines[index : together[line.row]])
            if run <= PAGE_POINTS:
                needed = run
        if used > 0 and used + needed > PAGE_POINTS:
            breaks.append(line.row)
            used = 0.0
            if len(breaks) == MAX_PAGE_BREAKS:
                break
        used += line.points
    return tuple(breaks)


def _add_introduction(sheet: _Sheet, reviewed_on: dt.date, previous: dt.date | None) -> None:
    sheet.add(LineKind.TITLE, [f"Partnership review, {long_date(reviewed_on)}"], height=24.0)
    compared = (
        f"Changes are since the review of {long_date(previous)}."
        if previous
        else "This is the first review: changes show from the next one."
    )
    sheet.paragraph(
        LineKind.NOTE,
        f"Made by partnersheet on {long_date(reviewed_on)} from the Partners sheet. {compared} "
        "This sheet is replaced on every review: edits made here are lost.",
    )
    sheet.add(LineKind.BLANK, height=SPACE_POINTS)


def _add_answers(sheet: _Sheet, answers: tuple[str, str, Sequence[str], str]) -> None:
    for question, answer in zip(QUESTIONS, answers, strict=True):
        question_row = sheet.next_row
        sheet.paragraph(LineKind.QUESTION, question)
        for item in [answer] if isinstance(answer, str) else _listed(answer):
            sheet.paragraph(LineKind.ANSWER, item)
        # The question stays with the first line of its answer; a long list may run on.
        sheet.keep_together(question_row, question_row + 1)
        sheet.add(LineKind.BLANK, height=SPACE_POINTS)


def _listed(items: Sequence[str]) -> list[str]:
    """Several answers as a list, up to `LISTED_CONFLICTS` of them."""
    if len(items) == 1:
        return list(items)
    listed = [f"• {item}" for item in items[:LISTED_CONFLICTS]]
    if len(items) > LISTED_CONFLICTS:
        listed.append(
            f"• And {len(items) - LISTED_CONFLICTS} more: see the Conflicts column on the "
            "Partners sheet."
        )
    return listed


def _add_ranking(sheet: _Sheet, ranking: Sequence[tuple[CellValue, ...]]) -> None:
    """The ranking table; where there is no ranking, a line saying so."""
    ranking_row = sheet.next_row
    sheet.add(LineKind.HEADING, ["Ranking"])
    if not ranking:
        sheet.paragraph(LineKind.ANSWER, "No partner is ranked yet.")
        sheet.add(LineKind.BLANK)
        return
    sheet.add(LineKind.TABLE_HEADER, RANKING_HEADERS, height=row_height(3))
    first = sheet.next_row
    sheet.keep_together(ranking_row, first)  # the heading, the header and a first partner
    for values in ranking:
        sheet.add(
            LineKind.TABLE_ROW, values, formats=RANKING_FORMATS, height=ranking_row_height(values)
        )
    # The ranking follows the answers on the first page and runs on over the pages it needs.
    sheet.add(LineKind.BLANK)


def _add_band_changes(
    sheet: _Sheet, changes: Sequence[str], previous_review: dt.date | None
) -> None:
    """Each ranked partner whose band changed since the last review, as `changes` lists
    them; a line saying none did."""
    heading_row = sheet.next_row
    sheet.add(LineKind.HEADING, ["Band changes since the last review"])
    if previous_review is None:
        sheet.paragraph(LineKind.ANSWER, "None yet: this is the first review.")
    elif not changes:
        sheet.paragraph(
            LineKind.ANSWER,
            f"None: every partner ranked at the review of {long_date(previous_review)} keeps "
            "its band.",
        )
    else:
        listed = [f"• {change}" for change in changes[:LISTED_CONFLICTS]]
        if len(changes) > LISTED_CONFLICTS:
            listed.append(
                f"• And {len(changes) - LISTED_CONFLICTS} more: compare the Band column of the "
                "Partners sheet with History."
            )
        for item in listed:
            sheet.paragraph(LineKind.ANSWER, item)
    sheet.keep_together(heading_row, heading_row + 1)
    sheet.add(LineKind.BLANK)


def _chart_heading(sheet: _Sheet, title: str) -> int:
    """A chart's heading; returns its row."""
    row = sheet.next_row
    sheet.add(LineKind.HEADING, [title])
    return row


def _chart_room(sheet: _Sheet, heading_row: int, height_cm: float) -> None:
    """The blank lines a chart of this height covers, kept on one page with its heading
    (a chart split over two pages cannot be read)."""
    for _ in range(math.ceil(height_cm / _CM_PER_ROW) + 1):
        sheet.add(LineKind.BLANK)
    sheet.keep_together(heading_row)


def _add_bar_chart(sheet: _Sheet, ranking: Sequence[tuple[CellValue, ...]]) -> None:
    """The bar chart of the strongest partners' scores, drawn from the ranking table."""
    if not ranking:
        return
    first = next(line.row for line in sheet.lines if line.kind is LineKind.TABLE_ROW)
    ranked = len(ranking)
    shown = min(ranked, CHART_LIMIT)
    title = "Weighted scores" + (
        f" (the strongest {CHART_LIMIT} of {ranked})" if ranked > CHART_LIMIT else ""
    )
    heading_row = _chart_heading(sheet, title)
    height_cm = max(6.0, 2.0 + 0.6 * shown)
    last = first + shown - 1
    sheet.charts.append(
        ChartSpec(
            kind=ChartKind.BAR,
            title="Weighted score (0 to 100)",
            anchor_row=sheet.next_row,
            width_cm=22.0,
            height_cm=height_cm,
            series=CellBlock(first - 1, _SCORE_COLUMN, last, _SCORE_COLUMN),
            by_rows=False,
            categories=CellBlock(first, _PARTNER_COLUMN, last, _PARTNER_COLUMN),
            value_axis=Axis(minimum=0, maximum=100, major_unit=10),
        )
    )
    _chart_room(sheet, heading_row, height_cm)


def _add_over_time(sheet: _Sheet, over_time: ScoresOverTime) -> None:
    """The line chart of the partners' scores at each review, with its numbers beside it."""
    heading_row = _chart_heading(sheet, "Weighted score over time")
    dates = over_time.dates
    block = DataBlock(
        top=heading_row,
        left=SIDE_COLUMN,
        title="Weighted score over time: the numbers",
        header=("Partner", *dates),
        rows=tuple((name, *scores) for name, scores in over_time.lines),
        header_formats=(None, *(SIDE_DATE_FORMAT for _ in dates)),
        formats=(None, *("0.0" for _ in dates)),
    )
    sheet.blocks.append(block)
    header_row = block.top + 1
    height_cm = 8.0
    sheet.charts.append(
        ChartSpec(
            kind=ChartKind.LINE,
            title="Weighted score (0 to 100) at each review",
            anchor_row=sheet.next_row,
            width_cm=22.0,
            height_cm=height_cm,
            series=CellBlock(header_row + 1, block.left, block.bottom, block.right),
            by_rows=True,
            categories=CellBlock(header_row, block.left + 1, header_row, block.right),
            value_axis=Axis(minimum=0, maximum=100, major_unit=20),
            legend=True,
        )
    )
    _chart_room(sheet, heading_row, height_cm)


def _add_time_given(sheet: _Sheet, time_given: TimeGiven) -> None:
    """The scatter chart of hours a month against weighted score, the Less time answer in
    a series of its own, with its numbers beside it."""
    shown = len(time_given.points)
    title = "Time you give and what it is worth" + (
        f" (the {shown} you give most hours, of {time_given.total})"
        if time_given.total > shown
        else ""
    )
    heading_row = _chart_heading(sheet, title)
    block = DataBlock(
        top=heading_row,
        left=SIDE_COLUMN,
        title="Time you give and what it is worth: the numbers",
        header=("Partner", "Hours per month", "Weighted score", "Spend less time with"),
        rows=tuple(
            (
                p.partner,
                p.hours_per_month,
                None if p.less_time else p.weighted_score,
                p.weighted_score if p.less_time else None,
            )
            for p in time_given.points
        ),
        header_formats=(None, None, None, None),
        formats=(None, "0.0", "0.0", "0.0"),
    )
    sheet.blocks.append(block)
    header_row, left = block.top + 1, block.left
    height_cm = 10.0
    # Room to the right of the most hours, for that point's label.
    span = 1.1 * max(p.hours_per_month for p in time_given.points)
    step = axis_step(span)
    sheet.charts.append(
        ChartSpec(
            kind=ChartKind.SCATTER,
            title="Weighted score against hours a month",
            anchor_row=sheet.next_row,
            width_cm=22.0,
            height_cm=height_cm,
            series=CellBlock(header_row, left + 2, block.bottom, left + 3),
            by_rows=False,
            categories=CellBlock(header_row + 1, left + 1, block.bottom, left + 1),
            value_axis=Axis(title="Weighted score", minimum=0, maximum=100, major_unit=20),
            x_axis=Axis(
                title="Hours per month",
                minimum=0,
                maximum=step * math.ceil(span / step),
                major_unit=step,
            ),
            labels=CellBlock(header_row + 1, left, block.bottom, left),
            legend=True,
        )
    )
    _chart_room(sheet, heading_row, height_cm)


def axis_step(span: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that divides `span` into ten steps or
    fewer."""
    magnitude = 10 ** max(0, math.floor(math.log10(span / 10))) if span > 10 else 1
    return float(next(f * magnitude for f in (1, 2, 5, 10) if span <= 10 * f * magnitude))


def _add_still_to_score(sheet: _Sheet, still_to_score: Sequence[tuple[str, str]]) -> None:
    heading_row = sheet.next_row
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
    sheet.keep_together(heading_row, heading_row + 2)
