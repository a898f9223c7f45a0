"""The .xlsx/.xlsm file adapter: apply a review to the workbook loaded whole with openpyxl.

It decides nothing about partners: it applies a `ReviewResult` exactly as planned.
"""

from __future__ import annotations

import datetime as dt
import warnings
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..core.model import HISTORY_HEADERS, STATUS_NAME, CellValue, fitted_text
from ..core.plans import HISTORY_SCORE_FORMAT, HISTORY_WIDTHS, ComputedCells, HistoryPlan
from ..core.review import ReviewResult
from ..core.review_sheet import ChartSpec, LineKind, ReviewLayout
from ..core.review_style import COMPUTED_FILL, FONT, SPREAD_KINDS, cell_style
from ..core.sheets import find_sheet
from ..errors import UnreadableWorkbook
from .formula_results import keep_formula_results
from .opening import failure_message
from .reading import WorkbookFile
from .saving import replace_file

_COMPUTED_FILL = PatternFill("solid", fgColor=COMPUTED_FILL)


def write_review(book: WorkbookFile, result: ReviewResult, target: Path) -> None:
    """Load the workbook whole, apply the review, and save it to `target` (in the place of
    the workbook, or another file)."""
    path = book.path
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not read (e.g. some extensions).
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, keep_vba=book.macro_enabled, keep_links=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableWorkbook(failure_message(path, error)) from None
    try:
        apply_review(workbook, result)

        def save(temporary: Path) -> None:
            workbook.save(temporary)
            # Each sheet's part is named as it is saved.
            parts = {
                workbook[title].path.lstrip("/"): cells
                for title, cells in book.formulas.items()
                if title in workbook.sheetnames and cells
            }
            if parts:  # otherwise the whole file would be rewritten for nothing
                keep_formula_results(temporary, parts)

        replace_file(target, save, like=path)
    finally:
        # openpyxl keeps a macro-enabled workbook's file open to copy its macros from.
        if workbook.vba_archive is not None:
            workbook.vba_archive.close()


def put(cell: Cell, value: CellValue) -> None:
    """Write a value; text always stays text, never a formula, and fits in a cell."""
    if isinstance(value, str):
        # Control characters are written as the format escapes them (_x0001_).
        text = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", fitted_text(value))
        cell.value = text
        cell.data_type = "s"
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def apply_review(workbook: Workbook, result: ReviewResult) -> None:
    """Write the computed columns, the Review sheet and History into the loaded workbook."""
    active = workbook.active.title if workbook.active is not None else None
    _write_computed(workbook[result.computed.sheet], result.computed)
    _write_review(workbook, result.review_sheet, result.computed.sheet)
    _write_history(workbook, result.history)
    _write_status(workbook, result.status_text)
    keep = active if active in workbook.sheetnames else result.computed.sheet
    workbook.active = workbook.sheetnames.index(keep)
    # Exactly one selected tab: a replaced Review would otherwise lose its selection.
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = ws.title == keep


def _write_status(workbook: Workbook, text: str) -> None:
    """Say how the review went in the workbook's status cell, when it has one."""
    for name, definition in workbook.defined_names.items():
        if name.casefold() != STATUS_NAME.casefold():
            continue
        for title, address in definition.destinations:
            if title in workbook.sheetnames:
                put(workbook[title][address.replace("$", "").split(":")[0]], text)
        return


def _write_computed(ws: Worksheet, computed: ComputedCells) -> None:
    for column, header in computed.new_headers:
        cell = ws.cell(computed.header_row, column)
        put(cell, header)
        cell.font = Font(bold=True, italic=True)
        cell.fill = _COMPUTED_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if not _has_width(ws, column):
            ws.column_dimensions[cell.column_letter].width = 14
    formats = [ComputedCells.number_format(c) for _, c in computed.columns]
    numbers = [c for c, _ in computed.columns]
    for row, values in computed.rows:
        for column, number_format, value in zip(numbers, formats, values, strict=True):
            cell = ws.cell(row, column)
            put(cell, value)
            if number_format and value is not None:
                cell.number_format = number_format


def _has_width(ws: Worksheet, column: int) -> bool:
    """Whether the sheet already describes this column (width or style), alone or in a range.

    A second entry for a column inside a range such as A:Z would overlap it: Excel repairs that.
    """
    return any((d.min or 0) <= column <= (d.max or 0) for d in ws.column_dimensions.values())


def _write_review(workbook: Workbook, layout: ReviewLayout, partners_title: str) -> None:
    existing = find_sheet(workbook.sheetnames, "Review")
    # A macro-enabled workbook's Review carries a Recalculate button (a legacy drawing) and
    # the code name its VBA module goes by: the new Review keeps both.
    legacy_drawing: str | None = None
    code_name: str | None = None
    if existing is not None:
        index = workbook.sheetnames.index(existing)
        old = workbook[existing]
        legacy_drawing = old.legacy_drawing
        code_name = old.sheet_properties.codeName
        workbook.remove(old)
    else:
        index = workbook.sheetnames.index(partners_title) + 1
    ws = workbook.create_sheet("Review", index)
    ws.legacy_drawing = legacy_drawing
    ws.sheet_properties.codeName = code_name
    for number, width in enumerate(layout.column_widths, start=1):
        ws.column_dimensions[get_column_letter(number)].width = width
    last = layout.last_column
    # Styling a cell through openpyxl's descriptors is slow; the first cell of each kind,
    # column and number format is styled so, and the others get a copy of its style.
    styles: dict[LineKind, dict[tuple[int, str | None], StyleArray | None]] = {}
    for line in layout.lines:
        kind, row, values, formats = line.kind, line.row, line.cells, line.formats
        width = last if kind in SPREAD_KINDS else len(values)
        styled = styles.setdefault(kind, {})
        for column in range(1, width + 1):
            value = values[column - 1] if column <= len(values) else None
            number_format = formats[column - 1] if column <= len(formats) else None
            cell = ws.cell(row, column)
            if value is not None and value != "":
                put(cell, value)
            key = (column, number_format)
            if key in styled:
                style = styled[key]
                cell._style = None if style is None else StyleArray(style)
            else:
                _style_cell(cell, kind, column)
                if number_format:
                    cell.number_format = number_format
                styled[key] = copy(cell._style)
        if line.merge_from is not None:
            ws.merge_cells(
                start_row=line.row, start_column=line.merge_from, end_row=line.row, end_column=last
            )
        if line.height is not None:
            ws.row_dimensions[line.row].height = line.height
    if layout.chart is not None:
        _add_chart(ws, layout.chart)
    for row in layout.page_breaks:
        ws.row_breaks.append(Break(id=row - 1))
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _add_chart(ws: Worksheet, spec: ChartSpec) -> None:
    """The bar chart of weighted scores, drawn from the ranking."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = spec.title
    chart.legend = None
    chart.width, chart.height = spec.width_cm, spec.height_cm
    values = Reference(ws, min_col=spec.value_column, min_row=spec.first_row, max_row=spec.last_row)
    categories = Reference(
        ws, min_col=spec.category_column, min_row=spec.first_row, max_row=spec.last_row
    )
    chart.add_data(values, titles_from_data=False)
    chart.set_categories(categories)
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorGridlines = None
    chart.y_axis.number_format = "0"
    chart.y_axis.majorUnit = 10
    # With rank 1 on top the value axis would sit at the top; keep it at the bottom.
    chart.y_axis.crosses = "max"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showCatName = False
    chart.dataLabels.showSerName = False
    chart.dataLabels.showLegendKey = False
    chart.gapWidth = 60
    ws.add_chart(chart, f"A{spec.anchor_row}")


def _style_cell(cell: Cell, kind: LineKind, column: int) -> None:
    """Style one cell of a Review line as `review_style` says, as the Excel adapter does."""
    look = cell_style(kind, column)
    if look.bold or look.italic or look.size or look.colour:
        font: dict[str, Any] = {"name": FONT}
        if look.size:
            font["size"] = look.size
        if look.bold:
            font["bold"] = True
        if look.italic:
            font["italic"] = True
        if look.colour:
            font["color"] = look.colour
        cell.font = Font(**font)
    if look.fill:
        cell.fill = PatternFill("solid", fgColor=look.fill)
    if look.wrap or look.horizontal or look.vertical:
        cell.alignment = Alignment(
            wrap_text=look.wrap or None, vertical=look.vertical, horizontal=look.horizontal
        )
    if look.rule is not None:
        rule, colour = look.rule
        cell.border = Border(bottom=Side(style=rule.value, color=colour))


def _write_history(workbook: Workbook, plan: HistoryPlan) -> None:
    if plan.title is None:
        ws = workbook.create_sheet("History")
        for column, width in HISTORY_WIDTHS.items():
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "A2"
    else:
        ws = workbook[plan.title]
    if plan.write_header:
        for column, header in zip(plan.columns, HISTORY_HEADERS, strict=True):
            cell = ws.cell(plan.header_row, column)
            put(cell, header)
            cell.font = Font(bold=True)
    score_column = plan.columns[2]
    for row, values in enumerate(plan.rows, start=plan.first_row):
        for column, value in zip(plan.columns, values, strict=True):
            cell = ws.cell(row, column)
            put(cell, value)
            if column == score_column and value is not None:
                cell.number_format = HISTORY_SCORE_FORMAT
    for row in range(plan.last_row + 1, plan.clear_through + 1):
        for column in plan.columns:
            ws.cell(row, column).value = None
