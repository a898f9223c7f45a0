"""The Review sheet as a worksheet part, written whole from its layout."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..core.model import CellValue
from ..core.review_charts import BlockPart, CellBlock
from ..core.review_lines import LineKind, ReviewLine
from ..core.review_sheet import PAGE_MARGINS, ReviewLayout
from ..core.review_style import SPREAD_KINDS, block_style
from ..core.sheets import column_letter, find_sheet, quoted_title
from ..errors import CannotWrite
from .cells import cell_xml, number_text, serial
from .changes import Writing, folder_of_sheets
from .charts import chart_xml, drawing_xml
from .looks import look_of, review_look
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
    10,000 partners has 100,000 cells and a few dozen looks.)
    """

    def __init__(self, styles: StyleBook) -> None:
        self.styles = styles
        self.found: dict[tuple[LineKind, tuple[str | None, ...], int], list[int]] = {}
        self.found_in_blocks: dict[tuple[BlockPart, tuple[str | None, ...]], list[int]] = {}

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

    def of_block_row(self, part: BlockPart, formats: tuple[str | None, ...]) -> list[int]:
        """The style of each cell of a row of a chart data table."""
        key = (part, formats)
        if key not in self.found_in_blocks:
            self.found_in_blocks[key] = [
                self.styles.xf(0, look_of(block_style(part, column), number_format))
                for column, number_format in enumerate(formats, start=1)
            ]
        return self.found_in_blocks[key]


#: A cell beside the printed lines, in a chart data table: column, value and style.
_SideCell = tuple[int, CellValue, int]


def _side_cells(layout: ReviewLayout, styles: _Styles) -> dict[int, list[_SideCell]]:
    """The chart data tables' cells, by row."""
    by_row: dict[int, list[_SideCell]] = {}
    for block in layout.blocks:
        for row, part, values, formats in block.lines():
            looks = styles.of_block_row(part, formats)
            by_row.setdefault(row, []).extend(
                (block.left + n, value, look)
                for n, (value, look) in enumerate(zip(values, looks, strict=True))
            )
    return by_row


def _row_xml(
    row: int,
    line: ReviewLine | None,
    side: list[_SideCell],
    last: int,
    styles: _Styles,
    writing: tuple[StringTable, bool],
) -> str:
    strings, date1904 = writing
    cells = []
    if line is not None:
        width = last if line.kind in SPREAD_KINDS else len(line.cells)
        for column, style in enumerate(styles.of_line(line, width), start=1):
            value: CellValue = line.cells[column - 1] if column <= len(line.cells) else None
            cells.append(
                cell_xml(
                    "",
                    row,
                    column,
                    None if value == "" else value,
                    style,
                    strings,
                    date1904=date1904,
                )
            )
    for column, value, style in sorted(side, key=lambda cell: cell[0]):
        cells.append(cell_xml("", row, column, value, style, strings, date1904=date1904))
    height = ""
    if line is not None and line.height is not None:
        height = f' ht="{number_text(line.height)}" customHeight="1"'
    content = "".join(cells)
    if not content and not height:
        return ""
    return f'<row r="{row}"{height}>{content}</row>'


def review_sheet_xml(
    layout: ReviewLayout, writing: Writing, options: ReviewPartOptions
) -> Iterator[bytes]:
    """The Review worksheet, a piece at a time: its lines, the chart data tables beside
    them, widths, merges, page set-up and charts."""
    last = layout.last_column
    looks = _Styles(writing.styles)
    date1904 = writing.book.package.date1904
    used = layout.used
    code_name = f' codeName="{options.code_name}"' if options.code_name else ""
    selected = ' tabSelected="1"' if options.selected else ""
    widths = (*enumerate(layout.column_widths, start=1), *layout.side_widths)
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{number_text(width)}" customWidth="1"/>'
        for n, width in widths
    )
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_RELATIONSHIPS_NS}">'
        f'<sheetPr{code_name}><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{column_letter(used.right)}{used.bottom}"/>'
        f'<sheetViews><sheetView showGridLines="0"{selected} workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
    ).encode()
    side = _side_cells(layout, looks)
    strings = (writing.strings, date1904)
    by_row = {line.row: line for line in layout.lines}
    for row in range(1, used.bottom + 1):
        yield _row_xml(row, by_row.get(row), side.get(row, []), last, looks, strings).encode()
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


def cell_values(layout: ReviewLayout) -> Callable[[CellBlock], list[CellValue]]:
    """What the Review's cells hold: for a row or column of cells, their values in order."""
    lines = {line.row: line.cells for line in layout.lines}
    tables: dict[tuple[int, int], CellValue] = {}
    for block in layout.blocks:
        for row, _, cells, _ in block.lines():
            tables.update(((row, block.left + n), value) for n, value in enumerate(cells))

    def value(row: int, column: int) -> CellValue:
        written = lines.get(row, ())
        if column <= len(written):
            return written[column - 1]
        return tables.get((row, column))

    def values(block: CellBlock) -> list[CellValue]:
        return [
            value(row, column)
            for row in range(block.top, block.bottom + 1)
            for column in range(block.left, block.right + 1)
        ]

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
    if layout.charts:
        drawing_id = old_drawing_ids[0] if old_drawing_ids else new_id(relationship_ids(rels))
        drawing = _chart_parts(writing, part, title or "Review", layout)
        rels = with_relationship(
            rels, drawing_id, "drawing", posixpath.relpath(drawing, posixpath.dirname(part))
        )
    else:
        _chart_parts(writing, part, title or "Review", layout)
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
    area = layout.print_area
    changes.print_area = (
        title or "Review",
        f"{quoted_title(title or 'Review')}!$A$1:${column_letter(area.right)}${area.bottom}",
    )


def _chart_parts(writing: Writing, sheet_part: str, title: str, layout: ReviewLayout) -> str:
    """The drawing and charts of the Review, in the parts the earlier Review's were in where
    there were any; the earlier ones not needed now are taken out. Returns the drawing."""
    changes = writing.changes
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
    specs = layout.charts
    keep_drawing = old_drawings[:1] if specs else []
    keep_charts = old_charts[: len(specs)]
    for gone in [*old_drawings[len(keep_drawing) :], *old_charts[len(keep_charts) :]]:
        changes.remove(gone)
        if changes.exists(relationships_part(gone)):
            changes.remove(relationships_part(gone))
    if not specs:
        return ""
    drawing = keep_drawing[0] if keep_drawing else changes.new_part("xl/drawings", "drawing")
    drawing_rels = RELATIONSHIPS_XML
    anchors = []
    values = cell_values(layout)
    date1904 = writing.book.package.date1904
    for number, spec in enumerate(specs, start=1):
        if number <= len(keep_charts):
            chart = keep_charts[number - 1]
        else:
            chart = changes.new_part("xl/charts", "chart")
        relationship = f"rId{number}"
        drawing_rels = with_relationship(
            drawing_rels,
            relationship,
            "chart",
            posixpath.relpath(chart, posixpath.dirname(drawing)),
        )
        anchors.append((spec, relationship))
        content = chart_xml(spec, title, values, lambda day: serial(day, date1904=date1904))
        changes.put(chart, content, CHART_TYPE)
    changes.put(drawing, drawing_xml(anchors), DRAWING_TYPE)
    changes.put(relationships_part(drawing), drawing_rels.encode())
    return drawing
