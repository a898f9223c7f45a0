"""The .xlsx/.xlsm file adapter: read a workbook into plain rows, write a review back.

The only module (with `template`) that knows openpyxl. It decides nothing about partners:
it reads cells for `inputs.read_inputs` and applies a `ReviewResult` exactly as planned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from .errors import CannotWrite, UnreadableWorkbook
from .formula_results import FormulaResults, keep_formula_results
from .inputs import SHEET_NAMES, SheetData, UncalculatedFormula, find_sheet
from .model import HISTORY_HEADERS, CellValue
from .review import ComputedCells, HistoryPlan, ReviewResult
from .review_sheet import CENTRED_COLUMNS, LineKind, ReviewLayout

#: Excel's limit on the characters in one cell.
CELL_TEXT_LIMIT = 32_767

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass
class LoadedBook:
    """A workbook loaded for review, and its sheets as plain rows."""

    path: Path
    workbook: Workbook
    sheets: dict[str, SheetData]
    titles: tuple[str, ...]
    macro_enabled: bool
    #: The saved results of the formulas in our input sheets, to write back on save.
    formula_results: FormulaResults


# --- opening ---------------------------------------------------------------------------


def identify(path: Path) -> bool:
    """Check the file is an .xlsx or .xlsm workbook; return whether it is macro-enabled.

    Raises `UnreadableWorkbook` with one plain sentence for anything else.
    """
    name = path.name
    if not path.exists():
        raise UnreadableWorkbook(f"{name}: there is no such file; check the name and folder.")
    if path.is_dir():
        raise UnreadableWorkbook(f"{name} is a folder, not a workbook; give the .xlsx file's name.")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableWorkbook(
            f"{name} cannot be read ({error.strerror or error}); check you have permission "
            "to open it."
        ) from None
    if not head:
        raise UnreadableWorkbook(f"{name} is empty (0 bytes); it is not a workbook.")
    if head == _OLE_MAGIC:
        if _is_encrypted(path):
            raise UnreadableWorkbook(
                f"{name} is protected with a password; open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, and clear it), save, "
                "and run partnersheet again."
            )
        raise UnreadableWorkbook(
            f"{name} is an old-style Excel 97-2003 workbook (.xls); open it in Excel or "
            "LibreOffice and save it as an Excel Workbook (.xlsx)."
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(
            f"{name} is not an Excel workbook, or it is damaged or cut short; open it in Excel "
            "to check, and save it as an Excel Workbook (.xlsx)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            content_types = b""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(1_000_000)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise UnreadableWorkbook(
            f"{name} is damaged or cut short; open it in Excel to repair it, or use a backup."
        ) from None
    if b"opendocument" in mimetype:
        raise UnreadableWorkbook(
            f"{name} is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook "
            "(.xlsx) and run partnersheet on that."
        )
    if "xl/workbook.bin" in names:
        raise UnreadableWorkbook(
            f"{name} is an Excel Binary Workbook (.xlsb); save it as an Excel Workbook (.xlsx) "
            "or Excel Macro-Enabled Workbook (.xlsm)."
        )
    if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        raise UnreadableWorkbook(
            f"{name} is a zip file but not an Excel workbook; give partnersheet an .xlsx or "
            ".xlsm file."
        )
    # What makes a workbook macro-enabled is its content type, not its name.
    return b"macroenabled.main+xml" in content_types.lower()


def _is_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE file holding an "EncryptionInfo" stream; the stream names
    # sit in the directory, which small files keep near the start and large ones anywhere.
    with path.open("rb") as handle:
        data = handle.read(64 * 1024 * 1024)
    return _ENCRYPTION_STREAM in data


def load_book(path: Path) -> LoadedBook:
    """Load a workbook for review; raise `UnreadableWorkbook` when it cannot be read."""
    macro_enabled = identify(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it does not read (e.g. some extensions).
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, keep_vba=macro_enabled, keep_links=True)
    except UnreadableWorkbook:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableWorkbook(_load_failure(path, error)) from None
    titles = tuple(workbook.sheetnames)
    wanted = [t for name in SHEET_NAMES if (t := find_sheet(titles, name)) is not None]
    sheets: dict[str, SheetData] = {}
    formulas: dict[str, set[tuple[int, int]]] = {}
    for title in wanted:
        if find_sheet([title], "Review"):
            continue
        sheets[title], found = _sheet_data(workbook[title])
        if found:
            formulas[title] = found
    results = _resolve_formulas(path, sheets, formulas) if formulas else {}
    return LoadedBook(path, workbook, sheets, titles, macro_enabled, results)


def _load_failure(path: Path, error: BaseException) -> str:
    """One sentence for a workbook openpyxl could not load."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return (
            f"{path.name} contains XML with entity or document-type declarations, which "
            "partnersheet refuses for safety (they are how 'XML bomb' files attack programs); "
            "open it in Excel, save it as a new workbook, and use that."
        )
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f" ({type(error).__name__}: {first_line})" if first_line else ""
    return (
        f"{path.name} could not be read as a workbook{detail}; open it in Excel and save it "
        "again, or use a backup."
    )


def _sheet_data(ws: Worksheet) -> tuple[SheetData, set[tuple[int, int]]]:
    """A sheet's values by row, from the cells it really has (never its whole used range)."""
    by_row: dict[int, dict[int, Any]] = {}
    formulas: set[tuple[int, int]] = set()
    for (row, column), cell in ws._cells.items():
        value = cell._value
        if value is None:
            continue
        if cell.data_type == "f":
            formulas.add((row, column))
        by_row.setdefault(row, {})[column] = value
    rows: dict[int, tuple[Any, ...]] = {}
    for row in sorted(by_row):
        cells = by_row[row]
        values = [None] * max(cells)
        for column, value in cells.items():
            values[column - 1] = value
        rows[row] = tuple(values)
    return SheetData(ws.title, rows), formulas


def _resolve_formulas(
    path: Path, sheets: dict[str, SheetData], formulas: dict[str, set[tuple[int, int]]]
) -> FormulaResults:
    """Replace formula cells by the results the spreadsheet saved with them.

    Returns those results, so that saving can put them back (openpyxl drops them).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    results: FormulaResults = {}
    try:
        for title, cells in formulas.items():
            by_row: dict[int, list[int]] = {}
            for row_number, column in cells:
                by_row.setdefault(row_number, []).append(column)
            rows = {r: list(v) for r, v in sheets[title].rows.items()}
            found: dict[tuple[int, int], Any] = {}
            for row_number, values in enumerate(
                cached[title].iter_rows(
                    max_row=max(by_row), max_col=max(c for _, c in cells), values_only=True
                ),
                start=1,
            ):
                for column in by_row.get(row_number, ()):
                    value = values[column - 1] if column <= len(values) else None
                    formula = rows[row_number][column - 1]
                    if value is None:
                        rows[row_number][column - 1] = UncalculatedFormula(str(formula))
                    else:
                        rows[row_number][column - 1] = value
                        found[(row_number, column)] = value
            sheets[title] = SheetData(title, {r: tuple(v) for r, v in rows.items()})
            results[title] = found
    finally:
        cached.close()
    return results


# --- writing ---------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_COMPUTED_FILL = PatternFill("solid", fgColor="D9E1F2")
_QUESTION_FILL = PatternFill("solid", fgColor="DCE6F1")
_THIN = Side(style="thin", color="B4BCCB")


def put(cell: Cell, value: CellValue) -> None:
    """Write a value; text always stays text, never a formula, and fits in a cell."""
    if isinstance(value, str):
        if len(value) > CELL_TEXT_LIMIT:
            value = value[: CELL_TEXT_LIMIT - 1] + "…"
        cell.value = value
        cell.data_type = "s"
        return
    cell.value = value
    if isinstance(value, dt.date | dt.datetime):
        cell.number_format = "yyyy-mm-dd"


def apply_review(book: LoadedBook, result: ReviewResult) -> None:
    """Write the computed columns, the Review sheet and History into the loaded workbook."""
    workbook = book.workbook
    active = workbook.active.title if workbook.active is not None else None
    _write_computed(workbook[result.computed.sheet], result.computed)
    _write_review(workbook, result.review_sheet, result.computed.sheet)
    _write_history(workbook, result.history)
    keep = active if active in workbook.sheetnames else result.computed.sheet
    workbook.active = workbook.sheetnames.index(keep)
    # Exactly one selected tab: a replaced Review would otherwise lose its selection.
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = ws.title == keep


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
    if existing is not None:
        index = workbook.sheetnames.index(existing)
        workbook.remove(workbook[existing])
    else:
        index = workbook.sheetnames.index(partners_title) + 1
    ws = workbook.create_sheet("Review", index)
    for number, width in enumerate(layout.column_widths, start=1):
        ws.column_dimensions[get_column_letter(number)].width = width
    last = layout.last_column
    styles: dict[tuple[LineKind, int, str | None], StyleArray] = {}
    for line in layout.lines:
        spread = line.kind in (
            LineKind.HEADING,
            LineKind.QUESTION,
            LineKind.TABLE_HEADER,
            LineKind.LIST_HEADER,
            LineKind.LIST_ROW,
        )
        width = last if spread else len(line.cells)
        for column in range(1, width + 1):
            value = line.cells[column - 1] if column <= len(line.cells) else None
            number_format = line.formats[column - 1] if column <= len(line.formats) else None
            cell = ws.cell(line.row, column)
            if value is not None and value != "":
                put(cell, value)
            # Styling a cell through openpyxl's descriptors is slow; copy a styled one's.
            key = (line.kind, column, number_format)
            if key not in styles:
                _style_cell(cell, line.kind, column)
                if number_format:
                    cell.number_format = number_format
                styles[key] = copy(cell._style)
            else:
                cell._style = copy(styles[key])
        if line.merge_from is not None:
            ws.merge_cells(
                start_row=line.row, start_column=line.merge_from, end_row=line.row, end_column=last
            )
        if line.height is not None:
            ws.row_dimensions[line.row].height = line.height
    if layout.chart is not None:
        spec = layout.chart
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = spec.title
        chart.legend = None
        chart.width, chart.height = spec.width_cm, spec.height_cm
        values = Reference(
            ws, min_col=spec.value_column, min_row=spec.first_row, max_row=spec.last_row
        )
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
    for row in layout.page_breaks:
        ws.row_breaks.append(Break(id=row - 1))
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _font(**style: Any) -> Font:
    return Font(name="Calibri", **style)


_TOP_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="top", horizontal="center")
_HEADING_RULE = Border(bottom=Side(style="medium", color="1F3864"))


def _style_cell(cell: Cell, kind: LineKind, column: int) -> None:
    """Style one cell of a Review line by its kind and column."""
    first = column == 1
    if kind is LineKind.TITLE and first:
        cell.font = _font(size=16, bold=True, color="1F3864")
    elif kind is LineKind.NOTE and first:
        cell.font = _font(italic=True, color="666666")
        cell.alignment = _TOP_WRAP
    elif kind is LineKind.HEADING:
        cell.border = _HEADING_RULE
        if first:
            cell.font = _font(size=13, bold=True, color="1F3864")
    elif kind is LineKind.QUESTION:
        cell.fill = _QUESTION_FILL
        if first:
            cell.font = _font(bold=True, color="1F3864")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    elif kind is LineKind.ANSWER and first:
        cell.alignment = _TOP_WRAP
    elif kind in (LineKind.TABLE_HEADER, LineKind.LIST_HEADER):
        cell.font = _font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        horizontal = "center" if kind is LineKind.TABLE_HEADER else "left"
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal=horizontal)
    elif kind is LineKind.TABLE_ROW:
        cell.alignment = _CENTRED if column in CENTRED_COLUMNS else _TOP_WRAP
        cell.border = Border(bottom=_THIN)
    elif kind is LineKind.LIST_ROW:
        cell.border = Border(bottom=_THIN)


def _write_history(workbook: Workbook, plan: HistoryPlan) -> None:
    if plan.title is None:
        ws = workbook.create_sheet("History")
        ws.column_dimensions["A"].width = 12
        ws.column_dimensions["B"].width = 24
        ws.column_dimensions["C"].width = 15
        ws.column_dimensions["E"].width = 10
        ws.column_dimensions["F"].width = 90
        ws.freeze_panes = "A2"
    else:
        ws = workbook[plan.title]
    if plan.write_header:
        for column, header in zip(plan.columns, HISTORY_HEADERS, strict=True):
            cell = ws.cell(plan.header_row, column)
            put(cell, header)
            cell.font = Font(bold=True)
    for offset, values in enumerate(plan.rows):
        for column, value in zip(plan.columns, values, strict=True):
            cell = ws.cell(plan.first_row + offset, column)
            put(cell, value)
            if column == plan.columns[2] and value is not None:
                cell.number_format = "0.0"
    for row in range(plan.last_row + 1, plan.clear_through + 1):
        for column in plan.columns:
            if (row, column) in ws._cells:
                ws.cell(row, column).value = None


# --- saving ----------------------------------------------------------------------------


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(
        prefix=".~partnersheet-", suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def save_book(
    workbook: Workbook,
    target: Path,
    *,
    like: Path | None = None,
    formula_results: FormulaResults | None = None,
) -> None:
    """Save to a new file beside `target`, then replace it, so a failed save harms nothing.

    `like` is the file whose permissions the result keeps (the original workbook);
    `formula_results` are saved formula results to keep with their formulas.
    """
    if target.is_symlink():
        # Replace the workbook the link points to; replacing the link would leave it as it was.
        target = target.resolve()
    if not target.parent.exists():
        raise CannotWrite(
            f"the folder {target.parent} does not exist; create it or choose another."
        )
    try:
        with _temporary_beside(target) as temporary:
            workbook.save(temporary)
            if formula_results:
                parts = {
                    workbook[title].path.lstrip("/"): cells
                    for title, cells in formula_results.items()
                    if title in workbook.sheetnames and cells
                }
                keep_formula_results(temporary, parts)
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            source = like if like is not None and like.exists() else target
            if source.exists():
                shutil.copymode(source, temporary)
            else:
                os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, target)
    except PermissionError as error:
        raise CannotWrite(
            f"{target.name} could not be written ({error.strerror or error}); check you may "
            "write to that folder and that the file is not open elsewhere. Nothing was changed."
        ) from None
    except OSError as error:
        raise CannotWrite(
            f"{target.name} could not be written ({error.strerror or error}). Nothing was changed."
        ) from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
