"""The Review's charts as DrawingML: the drawing that places them, and each chart.

A chart refers to the Review's cells and also carries their values, so that a program that
only previews the file (and does not calculate) shows it filled in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ..core.model import CellValue
from ..core.review_charts import Axis, CellBlock, ChartKind, ChartSpec
from ..core.sheets import column_letter, quoted_title
from ..core.text_width import text_pixels
from .cells import number_text
from .xmltext import escape_attribute, escape_text

_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_MAIN_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: English Metric Units in a centimetre, the unit drawings are measured in.
_EMU_PER_CM = 360_000

#: The colours of the series, in turn (ten, for the line chart's ten partners at most).
#: No red among them: red marks the Less time answer on the scatter chart.
SERIES_COLOURS = (
    "1F77B4",
    "FF7F0E",
    "2CA02C",
    "9467BD",
    "8C564B",
    "E377C2",
    "7F7F7F",
    "BCBD22",
    "17BECF",
    "393B79",
)
#: The scatter chart's partners, and the Less time answer in a colour of its own.
POINT_COLOUR = "4472C4"
ANSWER_COLOUR = "C00000"

#: How the line chart labels its review dates.
DATE_LABEL = "d mmm yyyy"

#: What a chart's cells hold: the values of a row or column of cells, in order.
Values = Callable[[CellBlock], list[CellValue]]


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


# --- pieces ---------------------------------------------------------------------------------


def _range(sheet: str, block: CellBlock) -> str:
    quoted = quoted_title(sheet)
    first = f"${column_letter(block.left)}${block.top}"
    last = f"${column_letter(block.right)}${block.bottom}"
    return escape_text(f"{quoted}!{first}" + ("" if first == last else f":{last}"))


def _text_points(values: Sequence[CellValue]) -> str:
    points = "".join(
        f'<c:pt idx="{n}"><c:v>{escape_text("" if v is None else str(v))}</c:v></c:pt>'
        for n, v in enumerate(values)
    )
    return f'<c:ptCount val="{len(values)}"/>{points}'


def _number_points(values: Sequence[float | None]) -> str:
    points = "".join(
        f'<c:pt idx="{n}"><c:v>{number_text(v)}</c:v></c:pt>'
        for n, v in enumerate(values)
        if v is not None
    )
    return f'<c:ptCount val="{len(values)}"/>{points}'


def _numbers(values: Sequence[CellValue], serial: Callable[[dt.date], float]) -> list[float | None]:
    """Cell values as a chart stores them: numbers, dates as day numbers, the rest blank."""
    found: list[float | None] = []
    for value in values:
        if isinstance(value, dt.date):
            found.append(serial(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.append(float(value))
        else:
            found.append(None)
    return found


def _text_ref(sheet: str, block: CellBlock, values: Sequence[CellValue]) -> str:
    return (
        f"<c:strRef><c:f>{_range(sheet, block)}</c:f>"
        f"<c:strCache>{_text_points(values)}</c:strCache></c:strRef>"
    )


def _number_ref(sheet: str, block: CellBlock, numbers: Sequence[float | None], fmt: str) -> str:
    return (
        f"<c:numRef><c:f>{_range(sheet, block)}</c:f><c:numCache>"
        f"<c:formatCode>{escape_text(fmt)}</c:formatCode>{_number_points(numbers)}"
        "</c:numCache></c:numRef>"
    )


def _rich(text: str, size: int, *, bold: bool = False) -> str:
    """A piece of text in its own size, as titles and labels carry it."""
    weight = ' b="1"' if bold else ' b="0"'
    return (
        f'<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size * 100}"{weight}/>'
        f'</a:pPr><a:r><a:rPr lang="en-GB" sz="{size * 100}"{weight}/>'
        f"<a:t>{escape_text(text)}</a:t></a:r></a:p></c:rich>"
    )


def _title(text: str, size: int = 12) -> str:
    return f'<c:title><c:tx>{_rich(text, size, bold=True)}</c:tx><c:overlay val="0"/></c:title>'


def _text_size(size: int) -> str:
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size * 100}"/></a:pPr>'
        '<a:endParaRPr lang="en-GB"/></a:p></c:txPr>'
    )


def _fill(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'


def _shows(*, value: bool) -> str:
    return (
        f'<c:showLegendKey val="0"/><c:showVal val="{int(value)}"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
    )


def _scale(axis: Axis, *, reverse: bool = False) -> str:
    limits = "".join(
        f'<c:{name} val="{number_text(value)}"/>'
        for name, value in (("max", axis.maximum), ("min", axis.minimum))
        if value is not None
    )
    return (
        f'<c:scaling><c:orientation val="{"maxMin" if reverse else "minMax"}"/>{limits}</c:scaling>'
    )


def _value_axis(axis_id: int, crosses: int, axis: Axis, position: str, *, across: str) -> str:
    """A value axis; `across` is where the other axis crosses it ("autoZero" or "max")."""
    title = (
        f'<c:title><c:tx>{_rich(axis.title, 9)}</c:tx><c:overlay val="0"/></c:title>'
        if axis.title
        else ""
    )
    unit = f'<c:majorUnit val="{number_text(axis.major_unit)}"/>' if axis.major_unit else ""
    return (
        f'<c:valAx><c:axId val="{axis_id}"/>{_scale(axis)}<c:delete val="0"/>'
        f'<c:axPos val="{position}"/><c:majorGridlines><c:spPr><a:ln w="6350">'
        f"{_fill('D9D9D9')}</a:ln></c:spPr></c:majorGridlines>{title}"
        f'<c:numFmt formatCode="{escape_attribute(axis.number_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_text_size(9)}<c:crossAx val="{crosses}"/><c:crosses val="{across}"/>'
        f'<c:crossBetween val="between"/>{unit}</c:valAx>'
    )


def _category_axis(
    axis_id: int, crosses: int, *, reverse: bool, position: str, number_format: str = "General"
) -> str:
    """A category axis; labels as they are (`auto` 0: dates are not made a time axis)."""
    return (
        f'<c:catAx><c:axId val="{axis_id}"/>{_scale(Axis(), reverse=reverse)}'
        f'<c:delete val="0"/><c:axPos val="{position}"/>'
        f'<c:numFmt formatCode="{escape_attribute(number_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'{_text_size(9)}<c:crossAx val="{crosses}"/><c:crosses val="autoZero"/>'
        '<c:auto val="0"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
        '<c:noMultiLvlLbl val="0"/></c:catAx>'
    )


def _name(sheet: str, spec: ChartSpec, index: int, values: Values) -> str:
    (row, column), _ = spec.series_cells(index)
    cell = CellBlock(row, column, row, column)
    return f"<c:tx>{_text_ref(sheet, cell, values(cell))}</c:tx>"


def _point_labels(names: Sequence[CellValue], sides: Sequence[str | None]) -> str:
    """A label with its partner's name beside each point drawn (on the side given), and
    none elsewhere."""
    labels = "".join(
        f'<c:dLbl><c:idx val="{n}"/><c:tx>{_rich(str(name), LABEL_POINTS)}</c:tx>'
        f'<c:dLblPos val="{side}"/>{_shows(value=True)}</c:dLbl>'
        for n, (name, side) in enumerate(zip(names, sides, strict=True))
        if side is not None and name is not None
    )
    return f'<c:dLbls>{labels}<c:dLblPos val="r"/>{_shows(value=False)}</c:dLbls>'


# --- where the scatter chart's labels go --------------------------------------------------

#: The size of the points' labels, in points.
LABEL_POINTS = 8
#: Roughly what of the scatter chart is its plot area, in centimetres: the chart less its
#: title, axis labels and titles, and the legend below.
_PLOT_MARGINS_CM = (2.3, 0.6, 1.3, 2.6)  # left, right, top, bottom
_LABEL_HEIGHT_CM = LABEL_POINTS * 1.25 * 2.54 / 72
_MARKER_CM = 0.15
_GAP_CM = 0.1

_Box = tuple[float, float, float, float]  # left, bottom, right, top, in centimetres


def _overlap(one: _Box, other: _Box) -> float:
    width = min(one[2], other[2]) - max(one[0], other[0])
    height = min(one[3], other[3]) - max(one[1], other[1])
    return width * height if width > 0 and height > 0 else 0.0


def _cost(box: _Box, taken: Sequence[_Box], plot: tuple[float, float]) -> float:
    """How much a label's box overlaps what is placed already, or runs out of the plot."""
    width, height = plot
    outside = (
        max(0.0, -box[0]) + max(0.0, box[2] - width) + max(0.0, -box[1]) + max(0.0, box[3] - height)
    )
    return outside + sum(_overlap(box, other) for other in taken)


def label_sides(
    points: Sequence[tuple[float, float, str] | None], spec: ChartSpec, first: int | None = None
) -> list[str | None]:
    """Which side of its point each label goes (r, l, t or b), so that no label overlaps
    another or a point: each point in turn (`first`, the Less time answer, before the
    others) takes the first side that is clear. A point with no clear side goes unlabelled
    (the table beside the chart names it), but `first` takes the side that overlaps least.
    `points` are (hours, score, name), None where no point is drawn."""
    x_axis = spec.x_axis or Axis()
    x_max = x_axis.maximum or max((p[0] for p in points if p), default=1.0) or 1.0
    y_max = spec.value_axis.maximum or 100.0
    left, right, top, bottom = _PLOT_MARGINS_CM
    plot = (spec.width_cm - left - right, spec.height_cm - top - bottom)
    centres = [(p[0] / x_max * plot[0], p[1] / y_max * plot[1]) if p else None for p in points]
    taken: list[_Box] = [
        (x - _MARKER_CM, y - _MARKER_CM, x + _MARKER_CM, y + _MARKER_CM)
        for found in centres
        if found
        for x, y in (found,)
    ]
    sides: list[str | None] = [None] * len(points)
    order = [
        *([first] if first is not None else []),
        *(n for n in range(len(points)) if n != first),
    ]
    for index in order:
        point, centre = points[index], centres[index]
        if point is None or centre is None:
            continue
        boxes = _label_boxes(centre, point[2])
        costs = {name: _cost(box, taken, plot) for name, box in boxes.items()}
        side = min(costs, key=lambda name: (costs[name] > 0, costs[name]))
        if costs[side] > 0 and index != first:
            continue
        taken.append(boxes[side])
        sides[index] = side
    return sides


def _label_boxes(centre: tuple[float, float], name: str) -> dict[str, _Box]:
    """Where a label would be on each side of its point."""
    x, y = centre
    w = text_pixels(name) * LABEL_POINTS / 11 * 2.54 / 96
    h, near = _LABEL_HEIGHT_CM, _MARKER_CM + _GAP_CM
    return {
        "r": (x + near, y - h / 2, x + near + w, y + h / 2),
        "l": (x - near - w, y - h / 2, x - near, y + h / 2),
        "t": (x - w / 2, y + near, x + w / 2, y + near + h),
        "b": (x - w / 2, y - near - h, x + w / 2, y - near),
    }


def _where_drawn(sides: Sequence[str | None], scores: Sequence[float | None]) -> list[str | None]:
    """The label sides of the points one series draws (those with a score)."""
    return [side if score is not None else None for side, score in zip(sides, scores, strict=True)]


def _bar(sheet: str, spec: ChartSpec, values: Values, serial: Serial) -> tuple[str, str]:
    """The ranking's bars: one a partner, the strongest at the top, its score on it."""
    _, cells = spec.series_cells(0)
    series = (
        f'<c:ser><c:idx val="0"/><c:order val="0"/>{_name(sheet, spec, 0, values)}'
        f"<c:spPr>{_fill(SERIES_COLOURS[0])}</c:spPr>"
        f"<c:cat>{_text_ref(sheet, spec.categories, values(spec.categories))}</c:cat>"
        f"<c:val>{_number_ref(sheet, cells, _numbers(values(cells), serial), '0.0')}</c:val>"
        "</c:ser>"
    )
    labels = f"<c:dLbls>{_text_size(9)}{_shows(value=True)}</c:dLbls>"
    plot = (
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'{series}{labels}<c:gapWidth val="60"/><c:axId val="10"/><c:axId val="100"/>'
        "</c:barChart>"
    )
    axes = _category_axis(10, 100, reverse=True, position="l") + _value_axis(
        100, 10, spec.value_axis, "b", across="max"
    )
    return plot, axes


def _line(sheet: str, spec: ChartSpec, values: Values, serial: Serial) -> tuple[str, str]:
    """One line a partner, its score at each review date."""
    dates = _numbers(values(spec.categories), serial)
    category = f"<c:cat>{_number_ref(sheet, spec.categories, dates, DATE_LABEL)}</c:cat>"
    series = []
    for index in range(spec.series_count):
        _, cells = spec.series_cells(index)
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        series.append(
            f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
            f"{_name(sheet, spec, index, values)}"
            f'<c:spPr><a:ln w="22225" cap="rnd">{_fill(colour)}<a:round/></a:ln></c:spPr>'
            f'<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>{_fill(colour)}'
            f"<a:ln>{_fill(colour)}</a:ln></c:spPr></c:marker>{category}"
            f"<c:val>{_number_ref(sheet, cells, _numbers(values(cells), serial), '0.0')}</c:val>"
            '<c:smooth val="0"/></c:ser>'
        )
    plot = (
        '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
        f'{"".join(series)}<c:marker val="1"/><c:axId val="10"/><c:axId val="100"/>'
        "</c:lineChart>"
    )
    # One label a review date, spaced evenly: a time axis would label days or months.
    axes = _category_axis(10, 100, reverse=False, position="b", number_format=DATE_LABEL) + (
        _value_axis(100, 10, spec.value_axis, "l", across="autoZero")
    )
    return plot, axes


def _scatter(sheet: str, spec: ChartSpec, values: Values, serial: Serial) -> tuple[str, str]:
    """One point a partner, hours across and score up, each labelled with its name; the
    second series (the Less time answer) in a colour of its own."""
    hours = _numbers(values(spec.categories), serial)
    names = values(spec.labels) if spec.labels is not None else [None] * len(hours)
    x_values = f"<c:xVal>{_number_ref(sheet, spec.categories, hours, '0.0')}</c:xVal>"
    scores = [_numbers(values(spec.series_cells(n)[1]), serial) for n in range(spec.series_count)]
    drawn = [
        next((s for s in column if s is not None), None) for column in zip(*scores, strict=True)
    ]
    answer = scores[-1] if len(scores) > 1 else []
    sides = label_sides(
        [
            (x, y, str(name)) if x is not None and y is not None and name is not None else None
            for x, y, name in zip(hours, drawn, names, strict=True)
        ],
        spec,
        first=next((n for n, y in enumerate(answer) if y is not None), None),
    )
    series = []
    for index, series_scores in enumerate(scores):
        colour = POINT_COLOUR if index == 0 else ANSWER_COLOUR
        _, cells = spec.series_cells(index)
        series.append(
            f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
            f"{_name(sheet, spec, index, values)}"
            '<c:spPr><a:ln w="19050"><a:noFill/></a:ln></c:spPr>'
            f'<c:marker><c:symbol val="circle"/><c:size val="{7 if index == 0 else 11}"/>'
            f"<c:spPr>{_fill(colour)}<a:ln>{_fill(colour)}</a:ln></c:spPr></c:marker>"
            f"{_point_labels(names, _where_drawn(sides, series_scores))}"
            f"{x_values}<c:yVal>{_number_ref(sheet, cells, series_scores, '0.0')}</c:yVal>"
            '<c:smooth val="0"/></c:ser>'
        )
    plot = (
        '<c:scatterChart><c:scatterStyle val="lineMarker"/><c:varyColors val="0"/>'
        f'{"".join(series)}<c:axId val="10"/><c:axId val="100"/></c:scatterChart>'
    )
    x_axis = spec.x_axis or Axis()
    axes = _value_axis(10, 100, x_axis, "b", across="autoZero") + _value_axis(
        100, 10, spec.value_axis, "l", across="autoZero"
    )
    return plot, axes


#: A date as the day number the workbook stores.
Serial = Callable[[dt.date], float]

_PLOTS = {ChartKind.BAR: _bar, ChartKind.LINE: _line, ChartKind.SCATTER: _scatter}


def chart_xml(spec: ChartSpec, sheet: str, values: Values, serial: Serial) -> bytes:
    """One chart of the Review, drawn from the cells of `sheet` that `spec` names; `values`
    gives what those cells hold, and `serial` turns a date into its day number."""
    plot, axes = _PLOTS[spec.kind](sheet, spec, values, serial)
    below = spec.kind is ChartKind.SCATTER  # the plot keeps the whole width for the labels
    legend = (
        f'<c:legend><c:legendPos val="{"b" if below else "r"}"/><c:overlay val="0"/>'
        f"{_text_size(9)}</c:legend>"
        if spec.legend
        else ""
    )
    chart = (
        f'<c:roundedCorners val="0"/><c:chart>{_title(spec.title)}'
        f'<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>{plot}{axes}</c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
    )
    return (
        f'{_DECLARATION}<c:chartSpace xmlns:c="{_CHART_NS}" xmlns:a="{_MAIN_NS}" '
        f'xmlns:r="{_RELATIONSHIPS_NS}">{chart}</c:chartSpace>'
    ).encode()
