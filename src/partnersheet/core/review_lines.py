"""The Review's building blocks: the ranking's columns, the lines of the sheet with their
heights, and the sheet they are added to, one line after another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from .model import CellValue
from .review_charts import ChartSpec, DataBlock
from .text_width import wrap


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

#: The height of a line left at the default height, in points.
_LINE_POINTS = 15.0

#: Excel's tallest row, in points.
MAX_ROW_HEIGHT = 409.0


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
class SheetLines:
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
