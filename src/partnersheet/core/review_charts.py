"""The Review's charts: what each one shows and where its numbers are, for any adapter to draw.

A chart's numbers are cells of the Review, so that it can be drawn from them wherever it is
drawn: the bar chart's are the ranking's; the line and scatter charts' are small tables to
the right of the printed page (`DataBlock`), beside each chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .model import CellValue


class ChartKind(Enum):
    BAR = "bar"
    LINE = "line"
    SCATTER = "scatter"


@dataclass(frozen=True)
class CellBlock:
    """A rectangle of the Review's cells: its first and last row and column (1 = A)."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def rows(self) -> int:
        return self.bottom - self.top + 1

    @property
    def columns(self) -> int:
        return self.right - self.left + 1


@dataclass(frozen=True)
class Axis:
    """A value axis: its title, and its scale where it is fixed."""

    title: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    major_unit: float | None = None
    number_format: str = "0"


@dataclass(frozen=True)
class ChartSpec:
    """One chart of the Review: what it draws, from which cells, and where it goes."""

    kind: ChartKind
    title: str
    #: The chart's top-left corner is column A of this row.
    anchor_row: int
    width_cm: float
    height_cm: float
    #: The series: each column of the block (or each row, when `by_rows`) is one, its first
    #: cell the series' name and the others its values.
    series: CellBlock
    by_rows: bool
    #: One cell a point: the category labels (bar, line) or the x values (scatter).
    categories: CellBlock
    value_axis: Axis
    #: The horizontal axis of a scatter chart (its x values are numbers).
    x_axis: Axis | None = None
    #: One cell a point: names to label the points with (scatter).
    labels: CellBlock | None = None
    legend: bool = False

    @property
    def series_count(self) -> int:
        return self.series.rows if self.by_rows else self.series.columns

    def series_cells(self, index: int) -> tuple[tuple[int, int], CellBlock]:
        """The cell holding series `index`'s name (row, column), and its values' cells."""
        block = self.series
        if self.by_rows:
            row = block.top + index
            return (row, block.left), CellBlock(row, block.left + 1, row, block.right)
        column = block.left + index
        return (block.top, column), CellBlock(block.top + 1, column, block.bottom, column)


class BlockPart(Enum):
    """The rows of a `DataBlock`, each drawn its own way."""

    TITLE = "title"
    HEADER = "header"
    ROW = "row"


@dataclass(frozen=True)
class DataBlock:
    """A small table of a chart's numbers, to the right of the Review's printed columns: a
    title, a header row, and the rows."""

    top: int
    left: int
    title: str
    header: tuple[CellValue, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    #: The number format of each column's cells, in the header and in the rows.
    header_formats: tuple[str | None, ...]
    formats: tuple[str | None, ...]

    @property
    def bottom(self) -> int:
        return self.top + 1 + len(self.rows)

    @property
    def right(self) -> int:
        return self.left + len(self.header) - 1

    def lines(
        self,
    ) -> list[tuple[int, BlockPart, tuple[CellValue, ...], tuple[str | None, ...]]]:
        """Each row of the block: its row number, what it is, its values from `left` and
        their number formats."""
        return [
            (self.top, BlockPart.TITLE, (self.title,), (None,)),
            (self.top + 1, BlockPart.HEADER, self.header, self.header_formats),
            *(
                (self.top + 2 + n, BlockPart.ROW, values, self.formats)
                for n, values in enumerate(self.rows)
            ),
        ]


@dataclass(frozen=True)
class ScoresOverTime:
    """What the line chart shows: review dates, oldest first and this review last, and the
    weighted score of each partner shown at each date (None where it has none)."""

    dates: tuple[dt.date, ...]
    lines: tuple[tuple[str, tuple[float | None, ...]], ...]


@dataclass(frozen=True)
class TimePoint:
    """One partner on the scatter chart."""

    partner: str
    hours_per_month: float
    weighted_score: float
    #: Whether it is the Less time answer.
    less_time: bool = False


@dataclass(frozen=True)
class TimeGiven:
    """What the scatter chart shows: partners given hours, in rank order, and how many
    ranked partners have hours in all."""

    points: tuple[TimePoint, ...]
    total: int
