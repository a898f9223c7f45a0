"""The Review's chart as DrawingML: the drawing that places it, and the chart itself.

The chart refers to the ranking's cells and also carries their values, so that a program
that only previews the file (and does not calculate) shows it filled in.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.model import CellValue
from ..core.review_sheet import ChartSpec
from .cells import number_text
from .xmltext import escape_attribute, escape_text

_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_MAIN_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: English Metric Units in a centimetre, the unit drawings are measured in.
_EMU_PER_CM = 360_000


def drawing_xml(anchors: Sequence[tuple[ChartSpec, str]]) -> bytes:
    """A drawing placing each chart (with its relationship id) at its anchor."""
    frames = "".join(
        _anchor(spec, relationship, number)
        for number, (spec, relationship) in enumerate(anchors, 1)
    )
    root = f'<xdr:wsDr xmlns:xdr="{_DRAWING_NS}" xmlns:a="{_MAIN_NS}">'
    return f"{_DECLARATION}{root}{frames}</xdr:wsDr>".encode()


def _anchor(spec: ChartSpec, relationship: str, number: int) -> str:
    width, height = round(spec.width_cm * _EMU_PER_CM), round(spec.height_cm * _EMU_PER_CM)
    return (
        "<xdr:oneCellAnchor>"
        f"<xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{spec.anchor_row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f'<xdr:ext cx="{width}" cy="{height}"/>'
        '<xdr:graphicFrame macro="">'
        f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" name="Chart {number}"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{_CHART_NS}">'
        f'<c:chart xmlns:c="{_CHART_NS}" xmlns:r="{_RELATIONSHIPS_NS}" r:id="{relationship}"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>"
    )


def _range(sheet: str, column: str, first: int, last: int) -> str:
    quoted = "'" + sheet.replace("'", "''") + "'"
    return escape_text(f"{quoted}!${column}${first}:${column}${last}")


def _text_points(values: Sequence[CellValue]) -> str:
    points = "".join(
        f'<c:pt idx="{n}"><c:v>{escape_text("" if v is None else str(v))}</c:v></c:pt>'
        for n, v in enumerate(values)
    )
    return f'<c:ptCount val="{len(values)}"/>{points}'


def _number_points(values: Sequence[CellValue]) -> str:
    points = "".join(
        f'<c:pt idx="{n}"><c:v>{number_text(v)}</c:v></c:pt>'
        for n, v in enumerate(values)
        if isinstance(v, int | float)
    )
    return f'<c:ptCount val="{len(values)}"/>{points}'


def _title(text: str) -> str:
    return (
        "<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr>"
        f"<a:r><a:t>{escape_text(text)}</a:t></a:r></a:p></c:rich></c:tx>"
        '<c:overlay val="0"/></c:title>'
    )


def bar_chart_xml(
    spec: ChartSpec,
    sheet: str,
    columns: tuple[str, str],
    categories: Sequence[CellValue],
    values: Sequence[CellValue],
) -> bytes:
    """The ranking's bar chart: one bar a partner, the strongest at the top, its score on it.

    `columns` are the letters of the category and value columns; `categories` and `values`
    the cells' contents, kept in the chart for programs that do not calculate.
    """
    category_column, value_column = columns
    first, last = spec.first_row, spec.last_row
    series = (
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        f"<c:cat><c:strRef><c:f>{_range(sheet, category_column, first, last)}</c:f>"
        f"<c:strCache>{_text_points(categories)}</c:strCache></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{_range(sheet, value_column, first, last)}</c:f>"
        f"<c:numCache><c:formatCode>{escape_text('0.0')}</c:formatCode>"
        f"{_number_points(values)}</c:numCache></c:numRef></c:val></c:ser>"
    )
    labels = (
        '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
    )
    axes = (
        '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="100"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/>'
        '<c:max val="100"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>'
        f'<c:numFmt formatCode="{escape_attribute("0")}" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="10"/><c:crosses val="max"/><c:crossBetween val="between"/>'
        '<c:majorUnit val="10"/></c:valAx>'
    )
    chart = (
        f'<c:roundedCorners val="0"/><c:style val="10"/><c:chart>{_title(spec.title)}'
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'{series}{labels}<c:gapWidth val="60"/><c:axId val="10"/><c:axId val="100"/>'
        f'</c:barChart>{axes}</c:plotArea><c:plotVisOnly val="1"/>'
        '<c:dispBlanksAs val="gap"/></c:chart>'
    )
    return (
        f'{_DECLARATION}<c:chartSpace xmlns:c="{_CHART_NS}" xmlns:a="{_MAIN_NS}" '
        f'xmlns:r="{_RELATIONSHIPS_NS}">{chart}</c:chartSpace>'
    ).encode()
