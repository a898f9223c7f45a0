"""The live Excel adapter: what the Recalculate button and xlwings Lite run.

`recalculate(book)` reads the sheets partnersheet needs from an xlwings `Book`, one range read
per sheet, runs the same core as `partnersheet review`, and writes the plan back in block
writes: one per run of adjacent computed columns, one for the whole Review sheet, one per run
of History columns. When the workbook has a problem nothing of the review is written: the
problems go to a message box and to the status cell.

Only xlwings' public `Book` API is used, so the same code runs in desktop Excel (through
`RunPython`), in xlwings Lite, and on xlwings' remote engine in the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.inputs import read_inputs
from ..core.model import (
    CELL_TEXT_LIMIT,
    DATE_FORMAT,
    HISTORY_HEADERS,
    STATUS_NAME,
    CellValue,
    fitted_text,
)
from ..core.plans import HISTORY_SCORE_FORMAT, HISTORY_WIDTHS, ComputedCells, HistoryPlan
from ..core.review import ReviewResult, plan_review
from ..core.review_charts import Axis, BlockPart, CellBlock, ChartKind, ChartSpec, DataBlock
from ..core.review_lines import ReviewLine
from ..core.review_sheet import ReviewLayout
from ..core.review_style import (
    COMPUTED_FILL,
    FONT,
    SPREAD_KINDS,
    CellStyle,
    Rule,
    block_style,
    cell_style,
)
from ..core.sheets import READ_SHEETS, SheetData, column_letter, find_sheet
from ..errors import PartnersheetError, Problem, WorkbookProblems

#: The title of partnersheet's message boxes.
TITLE = "partnersheet"

#: More cells than this in one sheet's used range means stray cells far outside the table;
#: reading them all would stall Excel.
MAX_CELLS = 4_000_000

#: Problems listed in the message box; the rest are counted.
LISTED_PROBLEMS = 12

_POINTS_PER_CM = 72 / 2.54


def main() -> None:
    """Recalculate the workbook whose button was clicked (`RunPython` calls this)."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        recalculate(book)
    except Exception as error:  # the button must never show a traceback
        book.app.alert(
            f"partnersheet could not finish: {_one_line(error)}\n\n"
            "Save a copy of the workbook and run `partnersheet review` on it to see more.",
            title=TITLE,
            mode="critical",
        )


def recalculate(book: Any, *, reviewed_on: dt.date | None = None) -> ReviewResult | None:
    """Review the partners in an xlwings `Book` and write the result into it.

    Returns the review, or None when the workbook has problems: they are then shown in a
    message box and in the status cell, and nothing else is written. The review date is
    today, in the machine's local time, unless `reviewed_on` is given.
    """
    day = reviewed_on or dt.date.today()
    try:
        titles = tuple(sheet.name for sheet in book.sheets)
        inputs = read_inputs(_read_sheets(book, titles), titles)
        result = plan_review(inputs, day)
    except WorkbookProblems as problems:
        _report(book, problems.problems, day)
        return None
    except PartnersheetError as error:
        _report(book, (Problem("Partners", "", str(error)),), day)
        return None
    _write_computed(book.sheets[result.computed.sheet], result.computed)
    _write_review(book, result.review_sheet)
    _write_history(book, result.history)
    _write_status(book, result.status_text)
    return result


# --- reading ---------------------------------------------------------------------------


def _read_sheets(book: Any, titles: Sequence[str]) -> dict[str, SheetData]:
    sheets: dict[str, SheetData] = {}
    for name in READ_SHEETS:
        title = find_sheet(titles, name)
        if title is not None:
            sheets[title] = _sheet_data(book.sheets[title])
    return sheets


def _sheet_data(sheet: Any) -> SheetData:
    """A sheet's values by row, in one read of its used range."""
    used = sheet.used_range
    top, left = used.row, used.column
    height, width = used.shape
    if height * width > MAX_CELLS:
        last = f"{column_letter(left + width - 1)}{top + height - 1}"
        raise WorkbookProblems(
            [
                Problem(
                    sheet.name,
                    last,
                    f"the sheet's used range reaches {last}, far beyond any table; delete the "
                    "empty rows and columns past your data (select them, right-click, Delete), "
                    "save, and click Recalculate again",
                )
            ]
        )
    values = used.options(ndim=2, err_to_str=True).value
    padding = (None,) * (left - 1)
    rows: dict[int, tuple[CellValue, ...]] = {}
    for offset, row in enumerate(values):
        if any(value is not None and value != "" for value in row):
            rows[top + offset] = padding + tuple(_from_excel(value) for value in row)
    return SheetData(sheet.name, rows)


def _from_excel(value: Any) -> CellValue:
    # Excel holds every number as a float; a whole one reads as the file adapter reads it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == "":
        return None
    return value  # type: ignore[no-any-return]


# --- writing ---------------------------------------------------------------------------


def _to_excel(value: CellValue) -> Any:
    """A value to write; text always stays text (never a formula, number or date)."""
    if isinstance(value, str):
        # A leading apostrophe makes Excel keep what follows as typed text.
        return "'" + fitted_text(value, CELL_TEXT_LIMIT - 1)
    return value


def _runs(columns: Sequence[int]) -> Iterator[list[int]]:
    """Column numbers grouped into runs of adjacent columns, left to right."""
    run: list[int] = []
    for column in sorted(columns):
        if run and column != run[-1] + 1:
            yield run
            run = []
        run.append(column)
    if run:
        yield run


def _write_computed(sheet: Any, computed: ComputedCells) -> None:
    for column, header in computed.new_headers:
        cell = sheet.range((computed.header_row, column))
        cell.value = _to_excel(header)
        _apply_style(cell, CellStyle(bold=True, italic=True, fill=COMPUTED_FILL, wrap=True))
        cell.column_width = 14
    if not computed.rows:
        return
    first, last = computed.rows[0][0], computed.rows[-1][0]
    blank: tuple[CellValue, ...] = (None,) * len(computed.columns)
    by_row = dict(computed.rows)
    index = {column: i for i, (column, _) in enumerate(computed.columns)}
    for run in _runs(list(index)):
        block = [
            [_to_excel(by_row.get(row, blank)[index[column]]) for column in run]
            for row in range(first, last + 1)
        ]
        sheet.range((first, run[0])).value = block
    for column, kind in computed.columns:
        number_format = ComputedCells.number_format(kind)
        if number_format:
            sheet.range((first, column), (last, column)).number_format = number_format


def _write_review(book: Any, layout: ReviewLayout) -> None:
    titles = [sheet.name for sheet in book.sheets]
    existing = find_sheet(titles, "Review")
    if existing is None:
        # After the last sheet, as the file adapter adds it: no other sheet moves.
        sheet = book.sheets.add("Review", after=book.sheets[len(book.sheets) - 1])
    else:
        # Clear rather than delete, so the sheet keeps its place and its Recalculate button.
        sheet = book.sheets[existing]
        # Last first: a chart is known by its place among the sheet's charts.
        for chart in reversed(list(sheet.charts)):
            chart.delete()
        used = sheet.used_range
        used.unmerge()
        sheet.clear()
        used.rows.autofit()
        if existing != "Review":
            sheet.name = "Review"
    last, used = layout.last_column, layout.used
    grid: list[list[Any]] = [[None] * used.right for _ in range(used.bottom)]
    for line in layout.lines:
        for column, value in enumerate(line.cells[:last]):
            if value is not None and value != "":
                grid[line.row - 1][column] = _to_excel(value)
    for table in layout.blocks:
        for row, _, values, _ in table.lines():
            for offset, value in enumerate(values):
                if value is not None:
                    grid[row - 1][table.left - 1 + offset] = _to_excel(value)
    if layout.lines:
        sheet.range((1, 1)).value = grid
    for number, width in (*enumerate(layout.column_widths, start=1), *layout.side_widths):
        sheet.range((1, number)).column_width = width
    for block in _blocks(layout.lines):
        _style_block(sheet, block, last)
    for table in layout.blocks:
        _style_table(sheet, table)
    for spec in layout.charts:
        _add_chart(sheet, spec)
    area = layout.print_area
    sheet.page_setup.print_area = f"$A$1:${column_letter(area.right)}${area.bottom}"


#: The chart type xlwings draws each kind of chart as.
_CHART_TYPES = {
    ChartKind.BAR: "bar_clustered",
    ChartKind.LINE: "line_markers",
    ChartKind.SCATTER: "xy_scatter",
}


def _cells(sheet: Any, block: CellBlock) -> Any:
    return sheet.range((block.top, block.left), (block.bottom, block.right))


def _add_chart(sheet: Any, spec: ChartSpec) -> None:
    """One chart of the Review, from the cells its spec names.

    xlwings cannot label points with text from cells, and before 0.37.5 cannot colour one
    series (partnersheet works with 0.30 and later), so the scatter chart's Less time
    answer takes the second colour of Excel's palette, and its points carry no names (the
    table beside it has them)."""
    chart = sheet.charts.add(
        width=spec.width_cm * _POINTS_PER_CM,
        height=spec.height_cm * _POINTS_PER_CM,
        chart_type=_CHART_TYPES[spec.kind],
        anchor=sheet.range((spec.anchor_row, 1)),
    )
    chart.set_source_data(_cells(sheet, spec.series), plot_by="rows" if spec.by_rows else "columns")
    chart.set_x_axis_values(_cells(sheet, spec.categories))
    chart.title = spec.title
    chart.legend.visible = spec.legend
    if spec.kind is ChartKind.BAR:
        chart.category_axis.reverse_order = True  # rank 1 at the top
    _set_axis(chart.value_axis, spec.value_axis)
    if spec.x_axis is not None:
        _set_axis(chart.category_axis, spec.x_axis)


def _set_axis(target: Any, axis: Axis) -> None:
    if axis.title:
        target.title = axis.title
    if axis.minimum is not None:
        target.minimum_scale = axis.minimum
    if axis.maximum is not None:
        target.maximum_scale = axis.maximum
    if axis.major_unit is not None:
        target.major_unit = axis.major_unit
    target.number_format = axis.number_format


def _style_table(sheet: Any, table: DataBlock) -> None:
    """A chart data table's title, header and rows, one call per look."""
    for row, part, _, formats in table.lines()[:2]:
        _style_table_rows(sheet, table, row, row, part, formats)
    if table.rows:
        _style_table_rows(sheet, table, table.top + 2, table.bottom, BlockPart.ROW, table.formats)


def _style_table_rows(
    sheet: Any,
    table: DataBlock,
    top: int,
    bottom: int,
    part: BlockPart,
    formats: Sequence[str | None],
) -> None:
    styles = [block_style(part, column) for column in range(1, len(formats) + 1)]
    _set_looks(sheet, top, bottom, table.left, styles, formats)


@dataclass(frozen=True)
class _Block:
    """Adjacent Review lines drawn alike."""

    lines: tuple[ReviewLine, ...]

    @property
    def first(self) -> ReviewLine:
        return self.lines[0]

    @property
    def last_row(self) -> int:
        return self.lines[-1].row


def _blocks(lines: Sequence[ReviewLine]) -> Iterator[_Block]:
    """Review lines grouped so that each group can be styled with one call per style."""

    def key(line: ReviewLine) -> tuple[Any, ...]:
        return (line.kind, line.formats, len(line.cells), line.merge_from, line.height)

    group: list[ReviewLine] = []
    for line in lines:
        if group and (line.row != group[-1].row + 1 or key(line) != key(group[-1])):
            yield _Block(tuple(group))
            group = []
        group.append(line)
    if group:
        yield _Block(tuple(group))


def _style_block(sheet: Any, block: _Block, last: int) -> None:
    line = block.first
    top, bottom = line.row, block.last_row
    width = last if line.kind in SPREAD_KINDS else len(line.cells)
    styles = [cell_style(line.kind, column) for column in range(1, width + 1)]
    formats = [line.formats[i] if i < len(line.formats) else None for i in range(width)]
    _set_looks(sheet, top, bottom, 1, styles, formats)
    if line.merge_from is not None:
        sheet.range((top, line.merge_from), (bottom, last)).merge(across=True)
    if line.height is not None:
        sheet.range((top, 1), (bottom, 1)).row_height = line.height


def _set_looks(
    sheet: Any,
    top: int,
    bottom: int,
    left: int,
    styles: Sequence[CellStyle],
    formats: Sequence[str | None],
) -> None:
    """Give rows `top` to `bottom`, from column `left`, a look per column: one call per
    formatting attribute and run of columns that share it."""
    for setting, values in (
        (_set_font, [(s.bold, s.italic, s.size, s.colour) for s in styles]),
        (_set_fill, [s.fill for s in styles]),
        (_set_wrap, [s.wrap for s in styles]),
        (_set_horizontal, [s.horizontal for s in styles]),
        (_set_vertical, [s.vertical for s in styles]),
        (_set_rule, [s.rule for s in styles]),
        (_set_number_format, list(formats)),
    ):
        for first, end, value in _value_runs(values):
            cells = sheet.range((top, left + first - 1), (bottom, left + end - 1))
            setting(cells, value)


def _value_runs(values: Sequence[Any]) -> Iterator[tuple[int, int, Any]]:
    """(first column, last column, value) of each run of equal values that is not a default."""
    column = 1
    while column <= len(values):
        value = values[column - 1]
        end = column
        while end < len(values) and values[end] == value:
            end += 1
        if value not in (None, False, (False, False, None, None)):
            yield column, end, value
        column = end + 1


def _apply_style(cells: Any, style: CellStyle) -> None:
    _set_font(cells, (style.bold, style.italic, style.size, style.colour))
    if style.fill:
        _set_fill(cells, style.fill)
    if style.wrap:
        _set_wrap(cells, True)


def _set_font(cells: Any, look: tuple[bool, bool, float | None, str | None]) -> None:
    bold, italic, size, colour = look
    if not (bold or italic or size or colour):
        return
    font = cells.font
    font.name = FONT
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if size:
        font.size = size
    if colour:
        font.color = f"#{colour}"


def _set_fill(cells: Any, colour: str) -> None:
    cells.color = f"#{colour}"


def _set_wrap(cells: Any, wrap: bool) -> None:
    cells.wrap_text = wrap


def _set_horizontal(cells: Any, alignment: str) -> None:
    cells.horizontal_alignment = alignment


def _set_vertical(cells: Any, alignment: str) -> None:
    cells.vertical_alignment = alignment


def _set_rule(cells: Any, rule: tuple[Rule, str]) -> None:
    weight, colour = rule
    edge = cells.borders["edge_bottom"]
    edge.line_style = "continuous"
    edge.weight = "medium" if weight is Rule.MEDIUM else "thin"
    edge.color = f"#{colour}"


def _set_number_format(cells: Any, number_format: str) -> None:
    cells.number_format = number_format


def _write_history(book: Any, plan: HistoryPlan) -> None:
    if plan.title is None:
        sheet = book.sheets.add("History", after=book.sheets[len(book.sheets) - 1])
        for column, width in HISTORY_WIDTHS.items():
            sheet.range((1, column)).column_width = width
        sheet.freeze_panes.freeze_at("A2")
    else:
        sheet = book.sheets[plan.title]
    position = {column: i for i, column in enumerate(plan.columns)}
    for run in _runs(plan.columns):
        if plan.write_header:
            header = sheet.range((plan.header_row, run[0]), (plan.header_row, run[-1]))
            header.value = [[_to_excel(HISTORY_HEADERS[position[c]]) for c in run]]
            header.font.bold = True
        if plan.rows:
            sheet.range((plan.first_row, run[0])).value = [
                [_to_excel(values[position[c]]) for c in run] for values in plan.rows
            ]
        if plan.clear_through > plan.last_row:
            sheet.range((plan.last_row + 1, run[0]), (plan.clear_through, run[-1])).clear_contents()
    if plan.rows:
        date_column, score_column = plan.columns[0], plan.columns[2]
        sheet.range(
            (plan.first_row, date_column), (plan.last_row, date_column)
        ).number_format = DATE_FORMAT
        sheet.range(
            (plan.first_row, score_column), (plan.last_row, score_column)
        ).number_format = HISTORY_SCORE_FORMAT


# --- reporting -------------------------------------------------------------------------


def _status_cell(book: Any) -> Any | None:
    for name in book.names:
        if name.name.rsplit("!", 1)[-1].casefold() == STATUS_NAME.casefold():
            return name.refers_to_range
    return None


def _write_status(book: Any, text: str) -> None:
    cell = _status_cell(book)
    if cell is not None:
        cell.value = _to_excel(text)


def problems_text(problems: Sequence[Problem]) -> str:
    """What the message box says when the workbook has problems."""
    count = len(problems)
    lines = [str(p) for p in problems[:LISTED_PROBLEMS]]
    if count > LISTED_PROBLEMS:
        lines.append(f"…and {count - LISTED_PROBLEMS} more.")
    what = "a problem" if count == 1 else f"{count} problems"
    return (
        f"The workbook has {what}, so nothing was recalculated:\n\n"
        + "\n".join(lines)
        + "\n\nFix the cells named, then click Recalculate again."
    )


def _report(book: Any, problems: Sequence[Problem], day: dt.date) -> None:
    count = len(problems)
    what = "1 problem" if count == 1 else f"{count} problems"
    first = "" if not problems else f" The first: {problems[0]}"
    _write_status(book, f"Not recalculated on {day.isoformat()}: {what}.{first}")
    book.app.alert(problems_text(problems), title=TITLE, mode="critical")


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
