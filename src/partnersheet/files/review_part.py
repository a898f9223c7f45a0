"""The Review sheet as a worksheet part, written whole from its layout."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.model import CellValue
from ..core.review_sheet import PAGE_MARGINS, LineKind, ReviewLayout, ReviewLine
from ..core.review_style import SPREAD_KINDS
from ..core.sheets import column_letter, find_sheet
from ..errors import CannotWrite
from .cells import cell_xml, number_text
from .changes import Changes, Writing, folder_of_sheets
from .charts import bar_chart_xml, drawing_xml
from .looks import review_look
from .package import read_relationships, relationships_part
from .shared_parts import (
    CHART_TYPE,
    DRAWING_TYPE,
    RELATIONSHIPS_XML,
    WORKSHEET_TYPE,
    has_relationships,
    new_id,
    relationship_ids,
    with_relationship,
    without_relationships,
)
from .strings import StringTable
from .styles import StyleBook

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class ReviewPartOptions:
    """What the Review's part keeps of the sheet it replaces, and what it refers to."""

    #: The code name the workbook's VBA project knows the sheet by.
    code_name: str | None = None
    #: Whether its tab is the selected one.
    selected: bool = False
    #: The relationship id of the drawing holding the chart.
    drawing: str | None = None
    #: The relationship id of the legacy drawing (a macro workbook's Recalculate button).
    legacy_drawing: str | None = None


class _Styles:
    """The style of each kind of Review cell, worked out once for all its cells.

    (Finding a style among the workbook's is most of the cost of a cell; a Review of
    10,000 partners has 90,000 cells and a few dozen looks.)
    """

    def __init__(self, styles: StyleBook) -> None:
        self.styles = styles
        self.found: dict[tuple[LineKind, tuple[str | None, ...], int], list[int]] = {}

    def of_line(self, line: ReviewLine, width: int) -> list[int]:
        """The style of each of a line's cells, from column A to column `width`."""
        key = (line.kind, line.formats, width)
        if key not in self.found:
            formats = [*line.formats[:width], *(None,) * (width - len(line.formats))]
            self.found[key] = [
                self.styles.xf(0, review_look(line.kind, column, number_format))
                for column, number_format in enumerate(formats, start=1)
            ]
        return self.found[key]


def _row_xml(
    line: ReviewLine, last: int, styles: _Styles, strings: StringTable, date1904: bool
) -> str:
    width = last if line.kind in SPREAD_KINDS else len(line.cells)
    cells = []
    for column, style in enumerate(styles.of_line(line, width), start=1):
        value: CellValue = line.cells[column - 1] if column <= len(line.cells) else None
        cells.append(
            cell_xml(
                "",
                line.row,
                column,
                None if value == "" else value,
                style,
                strings,
                date1904=date1904,
            )
        )
    height = f' ht="{number_text(line.height)}" customHeight="1"' if line.height is not None else ""
    content = "".join(cells)
    if not content and not height:
        return ""
    return f'<row r="{line.row}"{height}>{content}</row>'


def review_sheet_xml(
    layout: ReviewLayout, writing: Writing, options: ReviewPartOptions
) -> Iterator[bytes]:
    """The Review worksheet, a piece at a time: its lines, widths, merges, page set-up and
    chart."""
    last = layout.last_column
    looks = _Styles(writing.styles)
    date1904 = writing.book.package.date1904
    last_row = max((line.row for line in layout.lines), default=1)
    code_name = f' codeName="{options.code_name}"' if options.code_name else ""
    selected = ' tabSelected="1"' if options.selected else ""
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{number_text(width)}" customWidth="1"/>'
        for n, width in enumerate(layout.column_widths, start=1)
    )
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_RELATIONSHIPS_NS}">'
        f'<sheetPr{code_name}><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{column_letter(last)}{last_row}"/>'
        f'<sheetViews><sheetView showGridLines="0"{selected} workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
    ).encode()
    for line in layout.lines:
        yield _row_xml(line, last, looks, writing.strings, date1904).encode()
    yield _after_cells(layout, options).encode()


def _page_margins() -> str:
    left, right, top, bottom, header, footer = PAGE_MARGINS
    return (
        f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
        f'header="{header}" footer="{footer}"/>'
    )


def _after_cells(layout: ReviewLayout, options: ReviewPartOptions) -> str:
    """What follows the Review's cells: merges, page set-up, page breaks and drawings."""
    end = column_letter(layout.last_column)
    merges = [
        f'<mergeCell ref="{column_letter(line.merge_from)}{line.row}:{end}{line.row}"/>'
        for line in layout.lines
        if line.merge_from is not None
    ]
    breaks = "".join(f'<brk id="{row - 1}" max="16383" man="1"/>' for row in layout.page_breaks)
    count = len(layout.page_breaks)
    parts = [
        "</sheetData>",
        f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else "",
        _page_margins(),
        '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
        f'<rowBreaks count="{count}" manualBreakCount="{count}">{breaks}</rowBreaks>'
        if breaks
        else "",
        f'<drawing r:id="{options.drawing}"/>' if options.drawing else "",
        f'<legacyDrawing r:id="{options.legacy_drawing}"/>' if options.legacy_drawing else "",
        "</worksheet>",
    ]
    return "".join(parts)


def column_values(layout: ReviewLayout, column: int, first: int, last: int) -> list[CellValue]:
    """The values of one column of the Review, over rows `first` to `last`."""
    by_row = {line.row: line for line in layout.lines}
    values: list[CellValue] = []
    for row in range(first, last + 1):
        line = by_row.get(row)
        cells = line.cells if line is not None else ()
        values.append(cells[column - 1] if column <= len(cells) else None)
    return values


# --- the Review and its drawing in the package ----------------------------------------------

_CODE_NAME = re.compile(r"<(?:[\w.-]+:)?sheetPr\b[^>]*?\bcodeName\s*=\s*[\"']([^\"']*)[\"']")
_SELECTED = re.compile(r"<(?:[\w.-]+:)?sheetView\b[^>]*?\btabSelected\s*=\s*[\"'](?:1|true)[\"']")
_LEGACY_DRAWING = re.compile(r"<(?:[\w.-]+:)?legacyDrawing\b[^>]*?:id\s*=\s*[\"']([^\"']*)[\"']")


def review_parts(writing: Writing, layout: ReviewLayout) -> None:
    """The Review sheet written whole, in the place of the one there was (keeping its code
    name, its tab's selection and a macro workbook's Recalculate button), or added last."""
    changes, package = writing.changes, writing.book.package
    title = find_sheet(package.titles, "Review")
    old = ""
    if title is not None:
        entry = package.sheet(title)
        if entry.kind != "worksheet" or not entry.part:
            raise CannotWrite(
                f"the sheet {title} is not a worksheet, so partnersheet cannot write the "
                "review there; rename it and review again."
            )
        part, old = entry.part, changes.source.read(entry.part).decode("utf-8")
        changes.rewritten_sheets.add(entry.sheet_id)
    else:
        part = changes.new_part(folder_of_sheets(package), "sheet")
    rels_part = relationships_part(part)
    rels = (
        changes.read(rels_part).decode("utf-8") if changes.exists(rels_part) else RELATIONSHIPS_XML
    )
    rels, old_drawing_ids = without_relationships(rels, {"drawing"})
    drawing_id = None
    if layout.chart is not None:
        drawing_id = old_drawing_ids[0] if old_drawing_ids else new_id(relationship_ids(rels))
        drawing = _chart_parts(changes, part, title or "Review", layout)
        rels = with_relationship(
            rels, drawing_id, "drawing", posixpath.relpath(drawing, posixpath.dirname(part))
        )
    else:
        _chart_parts(changes, part, title or "Review", layout)
    code_name = _CODE_NAME.search(old)
    legacy = _LEGACY_DRAWING.search(old)
    options = ReviewPartOptions(
        code_name=code_name.group(1) if code_name else None,
        selected=_SELECTED.search(old) is not None,
        drawing=drawing_id,
        legacy_drawing=legacy.group(1)
        if legacy and legacy.group(1) in relationship_ids(rels)
        else None,
    )
    changes.put(part, review_sheet_xml(layout, writing, options), WORKSHEET_TYPE)
    if has_relationships(rels):
        changes.put(rels_part, rels.encode())
    elif changes.exists(rels_part):
        changes.remove(rels_part)
    if title is None:
        changes.add_sheet("Review", part)


def _chart_parts(changes: Changes, sheet_part: str, title: str, layout: ReviewLayout) -> str:
    """The drawing and chart of the Review, in the parts the earlier Review's were in where
    there were any; the earlier ones not needed now are taken out. Returns the drawing."""
    old_drawings = (
        [r.part for r in read_relationships(changes.source, sheet_part) if r.kind == "drawing"]
        if sheet_part in changes.source.namelist()
        else []
    )
    old_charts = [
        r.part
        for drawing in old_drawings
        for r in read_relationships(changes.source, drawing)
        if r.kind == "chart"
    ]
    spec = layout.chart
    keep_drawing = old_drawings[:1] if spec is not None else []
    keep_charts = old_charts[:1] if spec is not None else []
    for gone in [*old_drawings[len(keep_drawing) :], *old_charts[len(keep_charts) :]]:
        changes.remove(gone)
        if changes.exists(relationships_part(gone)):
            changes.remove(relationships_part(gone))
    if spec is None:
        return ""
    drawing = keep_drawing[0] if keep_drawing else changes.new_part("xl/drawings", "drawing")
    chart = keep_charts[0] if keep_charts else changes.new_part("xl/charts", "chart")
    drawing_rels = with_relationship(
        RELATIONSHIPS_XML, "rId1", "chart", posixpath.relpath(chart, posixpath.dirname(drawing))
    )
    changes.put(drawing, drawing_xml([(spec, "rId1")]), DRAWING_TYPE)
    changes.put(relationships_part(drawing), drawing_rels.encode())
    first, last = spec.first_row, spec.last_row
    names = column_values(layout, spec.category_column, first, last)
    scores = column_values(layout, spec.value_column, first, last)
    columns = (column_letter(spec.category_column), column_letter(spec.value_column))
    changes.put(chart, bar_chart_xml(spec, title, columns, names, scores), CHART_TYPE)
    return drawing
