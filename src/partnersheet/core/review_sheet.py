"""The Review sheet's content and shape, line by line, for any adapter to draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from .model import DATE_FORMAT, INGREDIENT_COUNT, CellValue
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

#: The Review lists at most this many partners overdue for contact, the most overdue; the
#: Next contact column and `partnersheet overdue` have them all. (A longer list is no
#: morning's work, and at 10,000 partners half overdue it made a review 10% slower.)
LISTED_OVERDUE = 50

#: The chart shows at most this many partners, the strongest; more bars cannot be read.
CHART_LIMIT = 40

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
#: Review's width, within those margins. A4 holds the least: LibreOffice draws the Review
#: 842 points wide and fits it into 734, leaving 509 of the page's height, which hold 584
#: points of rows (Letter holds 647, and Excel's narrower columns more); a little is kept
#: to spare.
PAGE_POINTS = 570.0


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
    overdue: Sequence[tuple[CellValue, ...]] = (),
    overdue_count: int = 0,
    no_last_contact: int = 0,
    owners: Sequence[tuple[str, str]] = (),
    still_to_score: Sequence[tuple[str, str]],
) -> ReviewLayout:
    """Lay out the Review: the four questions, the ranking, who is overdue for contact, each
    owner's partners, the chart, who is still to score.

    `overdue` holds the Partner, Band, Last contact, days overdue and Owner of the most overdue
    partners, at least the `LISTED_OVERDUE` first of the `overdue_count` there are; `owners`
    each owner's summary line and answer to question 4.
    """
    sheet = _Sheet()
    _add_introduction(sheet, reviewed_on, previous_review)
    _add_answers(sheet, answers)
    first = _add_ranking(sheet, ranking)
    _add_overdue(
        sheet, overdue[:LISTED_OVERDUE], overdue_count, no_last_contact if ranking else None
    )
    _add_owners(sheet, owners)
    chart = _add_chart(sheet, first, len(ranking)) if ranking else None
    if chart is None:
        sheet.add(LineKind.BLANK)
    _add_still_to_score(sheet, still_to_score)
    breaks = page_breaks(sheet.lines, sheet.together)
    return ReviewLayout(tuple(sheet.lines), COLUMN_WIDTHS, chart, breaks)


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


def _add_ranking(sheet: _Sheet, ranking: Sequence[tuple[CellValue, ...]]) -> int:
    """The ranking table, or a line saying there is none; returns the row of its first
    partner."""
    ranking_row = sheet.next_row
    sheet.add(LineKind.HEADING, ["Ranking"])
    if not ranking:
        sheet.paragraph(LineKind.ANSWER, "No partner is ranked yet.")
        return sheet.next_row
    sheet.add(LineKind.TABLE_HEADER, RANKING_HEADERS, height=row_height(3))
    first = sheet.next_row
    sheet.keep_together(ranking_row, first)  # the heading, the header and a first partner
    for values in ranking:
        sheet.add(
            LineKind.TABLE_ROW, values, formats=RANKING_FORMATS, height=ranking_row_height(values)
        )
    # The ranking follows the answers on the first page and runs on over the pages it needs.
    return first


#: The list of partners overdue for contact: Partner, Band, Last contact, days overdue and
#: Owner, under the ranking's columns B to F (the owner last, where a long name has room).
OVERDUE_HEADERS = ("", "Partner", "Band", "Last contact", "Days overdue", "Owner")
OVERDUE_FORMATS = (None, None, None, DATE_FORMAT, "0", None)


def _add_overdue(
    sheet: _Sheet,
    overdue: Sequence[tuple[CellValue, ...]],
    count: int,
    no_last_contact: int | None,
) -> None:
    """The most overdue partners (`count` in all), most overdue first, and how many ranked
    partners have no Last contact (None when no partner is ranked)."""
    sheet.add(LineKind.BLANK)
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
    if no_last_contact is None:
        return
    if no_last_contact == 0:
        counted = "Every ranked partner has a Last contact."
    else:
        has = "partner has" if no_last_contact == 1 else "partners have"
        counted = (
            f"{no_last_contact} ranked {has} no Last contact, so no reminder: type when you "
            "were last in touch on the Partners sheet."
        )
    sheet.paragraph(LineKind.ANSWER, counted)


def _add_owners(sheet: _Sheet, owners: Sequence[tuple[str, str]]) -> None:
    """Each owner's line, and their own answer to question 4; nothing without owners."""
    if not owners:
        return
    sheet.add(LineKind.BLANK)
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


def _add_chart(sheet: _Sheet, first: int, ranked: int) -> ChartSpec:
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
    sheet.keep_together(chart_row)  # a chart split over two pages cannot be read
    return chart


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
