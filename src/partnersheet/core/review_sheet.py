"""The Review sheet's content and shape, line by line, for any adapter to draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .model import DATE_FORMAT, INGREDIENT_COUNT, CellValue
from .review_charts import (
    Axis,
    CellBlock,
    ChartKind,
    ChartSpec,
    DataBlock,
    ScoresOverTime,
    TimeGiven,
)
from .review_lines import (
    COLUMN_WIDTHS,
    RANKING_COLUMNS,
    RANKING_FORMATS,
    RANKING_HEADERS,
    LineKind,
    ReviewLine,
    SheetLines,
    long_date,
    ranking_row_height,
    row_height,
)

QUESTIONS = (
    "1. Which is your most important partnership, and what would make it even more effective?",
    "2. Which is your least effective partnership: ditch it, or focus on making it effective?",
    "3. Which partnerships bring you into conflict?",
    "4. If you needed more chargeable time, which relationship would you spend less time with?",
)


#: The Review lists at most this many conflicts; the Partners sheet has them all.
LISTED_CONFLICTS = 20

#: The Review lists at most this many partners overdue for contact, the most overdue; the
#: Next contact column and `partnersheet overdue` have them all. (A longer list is no
#: morning's work, and at 10,000 partners half overdue it made a review 10% slower.)
LISTED_OVERDUE = 50

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

_CM_PER_ROW = 0.53
#: The tallest a chart is drawn, in cm: a chart must fit on one printed page, with its
#: heading, to be read (A4 landscape, fitted to the Review's width, holds about 21 cm).
MAX_CHART_CM = 17.0

#: The height of the space between the Review's parts, in points: half a line.
SPACE_POINTS = 8.0

#: The most page breaks the Review sets; Excel keeps at most 1,026.
MAX_PAGE_BREAKS = 1000

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


def build_review_sheet(
    *,
    reviewed_on: dt.date,
    previous_review: dt.date | None,
    answers: tuple[str, str, Sequence[str], str],
    ranking: Sequence[tuple[CellValue, ...]],
    band_changes: Sequence[str] = (),
    overdue: Sequence[tuple[CellValue, ...]] = (),
    overdue_count: int = 0,
    no_last_contact: int = 0,
    owners: Sequence[tuple[str, str]] = (),
    over_time: ScoresOverTime | None = None,
    time_given: TimeGiven | None = None,
    still_to_score: Sequence[tuple[str, str]],
) -> ReviewLayout:
    """Lay out the Review: the four questions, the ranking, the band changes, who is overdue
    for contact, each owner's partners, the charts, who is still to score.

    `overdue` holds the Partner, Band, Last contact, days overdue and Owner of the most overdue
    partners, at least the `LISTED_OVERDUE` first of the `overdue_count` there are; `owners`
    each owner's summary line and answer to question 4.
    """
    sheet = SheetLines()
    _add_introduction(sheet, reviewed_on, previous_review)
    _add_answers(sheet, answers)
    _add_ranking(sheet, ranking)
    _add_band_changes(sheet, band_changes, previous_review)
    _add_overdue(
        sheet, overdue[:LISTED_OVERDUE], overdue_count, no_last_contact if ranking else None
    )
    _add_owners(sheet, owners)
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


def _add_introduction(sheet: SheetLines, reviewed_on: dt.date, previous: dt.date | None) -> None:
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


def _add_answers(sheet: SheetLines, answers: tuple[str, str, Sequence[str], str]) -> None:
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


def _add_ranking(sheet: SheetLines, ranking: Sequence[tuple[CellValue, ...]]) -> None:
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


#: The list of partners overdue for contact: Partner, Band, Last contact, days overdue and
#: Owner, under the ranking's columns B to F (the owner last, where a long name has room).
OVERDUE_HEADERS = ("", "Partner", "Band", "Last contact", "Days overdue", "Owner")
OVERDUE_FORMATS = (None, None, None, DATE_FORMAT, "0", None)


def _add_overdue(
    sheet: SheetLines,
    overdue: Sequence[tuple[CellValue, ...]],
    count: int,
    no_last_contact: int | None,
) -> None:
    """The most overdue partners (`count` in all), most overdue first, and how many ranked
    partners have no Last contact (None when no partner is ranked)."""
    heading_row = sheet.next_row
    sheet.add(LineKind.HEADING, ["Overdue for contact"])
    if overdue:
        sheet.add(LineKind.LIST_HEADER, OVERDUE_HEADERS, height=row_height(2))
        for values in overdue:
            sheet.add(LineKind.LIST_ROW, ["", *values], formats=OVERDUE_FORMATS)
        sheet.keep_together(heading_row, heading_row + 2)
        if count > len(overdue):
            sheet.paragraph(
                LineKind.ANSWER,
                f"And {count - len(overdue):,} more: the Next contact column on the "
                "Partners sheet shows when each partner is due, and partnersheet overdue lists "
                "them all.",
            )
    else:
        sheet.paragraph(LineKind.ANSWER, "None: nobody is overdue for contact.")
        sheet.keep_together(heading_row)
    if no_last_contact is not None:
        sheet.paragraph(LineKind.ANSWER, _no_last_contact_line(no_last_contact))
    sheet.add(LineKind.BLANK)


def _no_last_contact_line(no_last_contact: int) -> str:
    if no_last_contact == 0:
        return "Every ranked partner has a Last contact."
    has = "partner has" if no_last_contact == 1 else "partners have"
    return (
        f"{no_last_contact} ranked {has} no Last contact, so no reminder: type when you "
        "were last in touch on the Partners sheet."
    )


def _add_owners(sheet: SheetLines, owners: Sequence[tuple[str, str]]) -> None:
    """Each owner's line, and their own answer to question 4; nothing without owners."""
    if not owners:
        return
    heading_row = sheet.next_row
    sheet.add(LineKind.HEADING, ["By owner"])
    sheet.paragraph(
        LineKind.NOTE,
        "Each owner's partners, and question 4 asked of them alone: which relationship that "
        "owner could spend less time with (never your most important partnership).",
    )
    for number, (summary, less_time) in enumerate(owners):
        if number:
            sheet.add(LineKind.BLANK, height=SPACE_POINTS)
        first_row = sheet.next_row
        # Drawn as a question's bar: each owner's part is their own question 4.
        sheet.paragraph(LineKind.QUESTION, summary)
        sheet.paragraph(LineKind.ANSWER, less_time)
        sheet.keep_together(heading_row if number == 0 else first_row)
    sheet.add(LineKind.BLANK)


def _add_band_changes(
    sheet: SheetLines, changes: Sequence[str], previous_review: dt.date | None
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


def _chart_heading(sheet: SheetLines, title: str) -> int:
    """A chart's heading; returns its row."""
    row = sheet.next_row
    sheet.add(LineKind.HEADING, [title])
    return row


def _chart_room(sheet: SheetLines, heading_row: int, height_cm: float) -> None:
    """The blank lines a chart of this height covers, kept on one page with its heading
    (a chart split over two pages cannot be read)."""
    for _ in range(math.ceil(height_cm / _CM_PER_ROW) + 1):
        sheet.add(LineKind.BLANK)
    sheet.keep_together(heading_row)


def _add_bar_chart(sheet: SheetLines, ranking: Sequence[tuple[CellValue, ...]]) -> None:
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
    height_cm = min(MAX_CHART_CM, max(6.0, 2.0 + 0.6 * shown))
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


def _add_over_time(sheet: SheetLines, over_time: ScoresOverTime) -> None:
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


def _add_time_given(sheet: SheetLines, time_given: TimeGiven) -> None:
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


def _add_still_to_score(sheet: SheetLines, still_to_score: Sequence[tuple[str, str]]) -> None:
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
