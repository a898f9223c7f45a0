"""Run `partnersheet.excel` through xlwings' remote engine, and replay what it asks Excel to do.

xlwings' remote engine is the real xlwings `Book` API working on a JSON description of a
workbook, as the xlwings clients inside Excel send it; instead of touching Excel it records
the actions Excel would perform. `payload` builds that JSON from a real workbook file the way
the clients do (values from A1 to the used range's last cell, dates as ISO text, names with
their sheet and address), and `replay` performs the recorded actions on a copy of the file
with openpyxl, so the result can be compared cell by cell with `partnersheet review`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")

#: Actions that only format, move, draw or set up printing: the replay checks them by name
#: only.
FORMAT_ACTIONS = frozenset(
    {
        "setFontProperty",
        "setRangeColor",
        "setWrapText",
        "setHorizontalAlignment",
        "setVerticalAlignment",
        "setBorderProperty",
        "setNumberFormat",
        "setColumnWidth",
        "setRowHeight",
        "rangeMerge",
        "setAutofit",
        "freezePaneAtRange",
        "addChart",
        "setChartSourceData",
        "setChartType",
        "setChartName",
        "setChartTitle",
        "setChartLegend",
        "setChartAxis",
        "setChartPosition",
        "setChartSeries",
        "setChartPlotBy",
        "setChartXAxisValues",
        "setPrintArea",
        "sheetClearFormats",
        "rangeClearFormats",
        "alert",
    }
)


def _client_value(value: Any) -> Any:
    """A cell value as an xlwings client sends it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    return str(value)


def payload(path: Path, *, active: int = 0, cut: int | None = None) -> dict[str, Any]:
    """The JSON an xlwings client inside Excel would send for the workbook at `path`.

    `cut` sends at most that many rows and columns of values (the used range's address
    stays whole), for sheets whose used range is too big to build in a test.
    """
    import xlwings as xw

    book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in book.worksheets:
        cells = [(r, c) for (r, c), cell in ws._cells.items() if cell.value is not None]
        rows = max((r for r, _ in cells), default=0)
        columns = max((c for _, c in cells), default=0)
        values = [
            [_client_value(ws.cell(r, c).value) for c in range(1, min(columns, cut or columns) + 1)]
            for r in range(1, min(rows, cut or rows) + 1)
        ]
        used = f"A1:{get_column_letter(columns)}{rows}" if cells else None
        sheets.append(
            {
                "name": ws.title,
                "values": values or [[]],
                "used_range_address": used,
                "pictures": [],
                "tables": [],
                "charts": [{"name": f"Chart {i + 1}"} for i in range(len(ws._charts))],
            }
        )
    names = []
    for name, definition in book.defined_names.items():
        for title, address in definition.destinations:
            names.append(
                {
                    "name": name,
                    "sheet_index": book.sheetnames.index(title),
                    "address": address.replace("$", ""),
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                    "book_scope": True,
                }
            )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


@dataclass
class Replayed:
    """What replaying the actions did."""

    actions: list[dict[str, Any]]
    charts_added: dict[str, int]
    alerts: list[str]


def _excel_value(value: Any) -> Any:
    """What Excel stores when xlwings writes `value` (text after an apostrophe stays text)."""
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]
        if _ISO_DATE.match(value):
            return dt.datetime.fromisoformat(value)
        return value
    return value


def replay(actions: Sequence[dict[str, Any]], source: Path, target: Path) -> Replayed:
    """Perform `actions` on a copy of `source` saved as `target`, as Excel would."""
    book = openpyxl.load_workbook(source, keep_vba=source.suffix == ".xlsm")
    charts: dict[str, int] = {}
    alerts: list[str] = []

    def sheet(action: dict[str, Any]) -> Worksheet:
        return book.worksheets[action["sheet_position"]]

    for action in actions:
        func, args = action["func"], action["args"]
        if func == "setValues":
            ws = sheet(action)
            for r, row in enumerate(action["values"]):
                for c, value in enumerate(row):
                    cell = ws.cell(action["start_row"] + r + 1, action["start_column"] + c + 1)
                    cell.value = _excel_value(value)
                    if isinstance(value, str) and value.startswith("'"):
                        cell.data_type = "s"
        elif func == "addSheet":
            index, name = args
            book.create_sheet(name, index)
        elif func == "setSheetName":
            sheet(action).title = args[0]
        elif func == "rangeUnmerge":
            ws = sheet(action)
            top, left = action["start_row"] + 1, action["start_column"] + 1
            bottom, right = top + action["row_count"] - 1, left + action["column_count"] - 1
            for merged in list(ws.merged_cells.ranges):
                if not (
                    merged.max_row < top
                    or merged.min_row > bottom
                    or merged.max_col < left
                    or merged.min_col > right
                ):
                    ws.unmerge_cells(str(merged))
        elif func in ("sheetClear", "sheetClearContents"):
            ws = sheet(action)
            assert not ws.merged_cells.ranges, "Excel clears merged cells only as a whole"
            for cell in list(ws._cells.values()):
                cell.value = None
                if func == "sheetClear":  # formats too, so a date format goes with its date
                    cell.number_format = "General"
        elif func in ("rangeClearContents", "rangeClear"):
            ws = sheet(action)
            for r in range(action["row_count"]):
                for c in range(action["column_count"]):
                    row, column = action["start_row"] + r + 1, action["start_column"] + c + 1
                    if (row, column) in ws._cells:
                        ws.cell(row, column).value = None
        elif func == "deleteChart":
            ws = sheet(action)
            ws._charts = []
        elif func == "addChart":
            title = book.worksheets[action["sheet_position"]].title
            charts[title] = charts.get(title, 0) + 1
        elif func == "alert":
            alerts.append(args[0])
        elif func not in FORMAT_ACTIONS:
            raise AssertionError(f"the replay does not know the action {func!r}: {action}")
    book.save(target)
    if book.vba_archive is not None:
        book.vba_archive.close()
    return Replayed(list(actions), charts, alerts)


def sheet_values(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    """Every non-empty value of every sheet (formulas as their text), dates as dates."""
    book = openpyxl.load_workbook(path)
    found: dict[str, dict[tuple[int, int], Any]] = {}
    for ws in book.worksheets:
        cells: dict[tuple[int, int], Any] = {}
        for (row, column), cell in ws._cells.items():
            value = cell.value
            if value is None or value == "":
                continue
            if isinstance(value, dt.datetime) and value.time() == dt.time():
                value = value.date()
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            cells[(row, column)] = value
        found[ws.title] = cells
    return found


def cell_range(address: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of an A1 address."""
    bounds = range_boundaries(address)
    return tuple(int(b) for b in bounds)  # type: ignore[return-value]
