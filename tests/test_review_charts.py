"""The Review's three charts: what each shows, the cells it is drawn from, the chart parts
written into the file, and the Review's print area that leaves their tables out."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import range_boundaries

from conftest import EXAMPLE, SMALL_PARTNERS, build_partners_workbook
from partnersheet.cli import main
from partnersheet.core.review import ReviewResult
from partnersheet.core.review_charts import CellBlock, ChartKind, ChartSpec
from partnersheet.core.review_sheet import OVER_TIME_LINES, SIDE_COLUMN, TIME_GIVEN_LIMIT, axis_step
from partnersheet.files.charts import ANSWER_COLOUR, POINT_COLOUR, label_sides
from partnersheet.files.review_part import cell_values
from partnersheet.files.workbook import review_workbook
from test_review import S25, S50, S75, S100, history_rows, review, row

DAY = dt.date(2026, 11, 22)
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def example_review() -> ReviewResult:
    return review_workbook(EXAMPLE, reviewed_on=DAY, dry_run=True)


def chart(result: ReviewResult, kind: ChartKind) -> ChartSpec:
    (found,) = [c for c in result.review_sheet.charts if c.kind is kind]
    return found


def cells(result: ReviewResult, block: CellBlock) -> list[Any]:
    return cell_values(result.review_sheet)(block)


# --- what each chart shows --------------------------------------------------------------------


def test_the_example_has_three_charts_in_order_each_below_its_heading() -> None:
    result = example_review()
    layout = result.review_sheet
    assert [c.kind for c in layout.charts] == [ChartKind.BAR, ChartKind.LINE, ChartKind.SCATTER]
    headings = {line.row: line.cells[0] for line in layout.lines if line.cells}
    assert [headings[c.anchor_row - 1] for c in layout.charts] == [
        "Weighted scores",
        "Weighted score over time",
        "Time you give and what it is worth",
    ]
    texts = [str(line.cells[0]) for line in layout.lines if line.cells]
    order = [
        "Ranking",
        "Band changes since the last review",
        "Weighted scores",
        "Weighted score over time",
        "Time you give and what it is worth",
        "Partners still to score",
    ]
    assert [texts.index(t) for t in order] == sorted(texts.index(t) for t in order)


def test_the_line_chart_shows_the_top_five_and_the_competing_partners_over_the_reviews() -> None:
    result = example_review()
    line = chart(result, ChartKind.LINE)
    assert line.by_rows
    dates = cells(result, line.categories)
    assert dates == [
        dt.date(2025, 11, 21),
        dt.date(2026, 2, 20),
        dt.date(2026, 5, 15),
        dt.date(2026, 8, 14),
        DAY,
    ]
    names = [cells(result, line.series_cells(n)[1]) for n in range(line.series_count)]
    series = {
        cells(result, CellBlock(r, c, r, c))[0]: values
        for ((r, c), _), values in zip(
            (line.series_cells(n) for n in range(line.series_count)), names, strict=True
        )
    }
    # The five most important, Dr Helen Okafor among them, competing with Tom Whitaker.
    assert list(series) == [
        "Priya Shah",
        "James Osei",
        "Tom Whitaker",
        "Sarah Lindqvist",
        "Dr Helen Okafor",
    ]
    assert series["Priya Shah"] == [95.0, 95.0, 91.7, 91.7, 88.3]
    assert series["James Osei"][0] is None  # not yet a partner then
    assert series["Sarah Lindqvist"] == [None, None, None, None, 70.0]
    assert line.categories.left > result.review_sheet.last_column  # beside the printed page


def partners_in_groups(count: int) -> list[tuple[Any, ...]]:
    return [
        row(f"P{n:02d}", S75 if n < 3 else S50, group="Tax" if n >= 3 else None, fees=100 - n)
        for n in range(count)
    ]


def test_the_line_chart_has_ten_lines_at_most_the_strongest() -> None:
    history = history_rows(
        *((DAY - dt.timedelta(30), f"P{n:02d}", 50.0, 1, "Keep") for n in range(20))
    )
    result = review(partners_in_groups(20), history=history, date=DAY)
    line = chart(result, ChartKind.LINE)
    assert line.series_count == OVER_TIME_LINES
    names = [
        cells(result, CellBlock(r, c, r, c))[0] for (r, c), _ in map(line.series_cells, range(10))
    ]
    assert names == [f"P{n:02d}" for n in range(10)]


def test_the_line_chart_takes_the_twelve_latest_review_dates() -> None:
    days = [DAY - dt.timedelta(days=30 * n) for n in range(1, 16)]
    history = history_rows(*((day, "Ann", 50.0, 1, "Keep") for day in reversed(days)))
    result = review([row("Ann", S50)], history=history, date=DAY)
    line = chart(result, ChartKind.LINE)
    assert cells(result, line.categories) == [*sorted(days)[-11:], DAY]


def test_no_line_chart_with_only_this_review() -> None:
    result = review([row("Ann", S50, hours=2)])
    assert [c.kind for c in result.review_sheet.charts] == [ChartKind.BAR, ChartKind.SCATTER]


def test_the_scatter_chart_shows_partners_given_hours_the_answer_in_its_own_series() -> None:
    result = example_review()
    scatter = chart(result, ChartKind.SCATTER)
    assert scatter.series_count == 2
    (name_cell, scores), (answer_cell, answers) = map(scatter.series_cells, range(2))
    assert cells(result, CellBlock(*name_cell, *name_cell)) == ["Weighted score"]
    assert cells(result, CellBlock(*answer_cell, *answer_cell)) == ["Spend less time with"]
    names = cells(result, scatter.labels) if scatter.labels else []
    hours = cells(result, scatter.categories)
    values = zip(hours, cells(result, scores), cells(result, answers), strict=True)
    points = dict(zip(names, values, strict=True))
    assert points["Gareth Price"] == (12, None, 55.0)  # the Less time answer
    assert points["Priya Shah"] == (4, 88.3, None)
    assert len(points) == 8  # every ranked partner has hours
    assert scatter.x_axis is not None and scatter.x_axis.maximum == 14  # 12 hours and room


def test_the_scatter_chart_keeps_the_partners_given_most_hours_and_the_answer() -> None:
    partners = [row(f"P{n:02d}", S100, hours=10 + n % 5) for n in range(TIME_GIVEN_LIMIT + 10)]
    # The Less time answer (25.0 in 5 hours: 5.0 an hour), given fewer hours than the others.
    partners.append(row("Low", S25, hours=5))
    result = review(partners)
    scatter = chart(result, ChartKind.SCATTER)
    names = cells(result, scatter.labels) if scatter.labels else []
    assert len(names) == TIME_GIVEN_LIMIT and "Low" in names
    headings = [str(line.cells[0]) for line in result.review_sheet.lines if line.cells]
    assert "Time you give and what it is worth (the 40 you give most hours, of 51)" in headings


def test_no_scatter_chart_without_hours() -> None:
    result = review([row("Ann", S50), row("Bea", S25)])
    assert [c.kind for c in result.review_sheet.charts] == [ChartKind.BAR]


@pytest.mark.parametrize(
    ("span", "step"), [(0.5, 1), (10, 1), (11, 2), (20, 2), (21, 5), (60, 10), (101, 20)]
)
def test_the_axis_of_hours_has_ten_steps_at_most(span: float, step: float) -> None:
    assert axis_step(span) == step


def test_the_tables_sit_beside_the_printed_page_and_are_not_printed() -> None:
    layout = example_review().review_sheet
    assert layout.blocks and all(b.left == SIDE_COLUMN for b in layout.blocks)
    gap = SIDE_COLUMN - 1  # the column between the printed page and the tables
    assert set(cell_values(layout)(CellBlock(1, gap, layout.used.bottom, gap))) == {None}
    assert layout.print_area == CellBlock(1, 1, layout.last_row, layout.last_column)
    assert layout.used.right > layout.print_area.right


# --- the point labels ---------------------------------------------------------------------------


def test_labels_take_a_free_side_and_crowded_ones_are_left_off() -> None:
    spec = chart(example_review(), ChartKind.SCATTER)
    lone = label_sides([(12.0, 55.0, "Gareth Price")], spec)
    assert lone == ["r"]
    # Two points at one place: the second label goes to another side.
    pair = label_sides([(2.0, 60.0, "Ann Patel"), (2.0, 60.0, "Bea Jones")], spec)
    assert pair[0] == "r" and pair[1] in ("l", "t", "b")
    # Ten points at one place: four sides, so six go unlabelled; the answer is never one.
    crowd = [(2.0, 60.0, f"Partner {n}") for n in range(10)]
    sides = label_sides(crowd, spec, first=9)
    assert sides.count(None) == 6 and sides[9] is not None
    # A label never leaves the plot: at the right edge, a point's label goes left or up.
    assert label_sides([(14.0, 50.0, "At the edge")], spec) != ["r"]


# --- the chart parts in the file ---------------------------------------------------------------


def reviewed_example(tmp_path: Path) -> Path:
    path = tmp_path / "partners.xlsx"
    shutil.copy(EXAMPLE, path)
    result = CliRunner().invoke(main, ["review", str(path), "--date", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    return path


def chart_parts(path: Path) -> list[ET.Element]:
    with zipfile.ZipFile(path) as archive:
        drawing = ET.fromstring(archive.read("xl/drawings/_rels/drawing1.xml.rels"))
        targets = [r.get("Target", "") for r in drawing]
        return [
            ET.fromstring(archive.read("xl/charts/" + target.rsplit("/", 1)[1]))
            for target in sorted(targets)
        ]


def written(sheet: Any, reference: str) -> list[Any]:
    """The values of the cells a chart's reference names, in order."""
    address = reference.removeprefix("'Review'!").replace("$", "")
    left, top, right, bottom = range_boundaries(
        address if ":" in address else f"{address}:{address}"
    )
    return [
        cell.value
        for line in sheet.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right)
        for cell in line
    ]


def test_the_file_holds_a_bar_a_line_and_a_scatter_chart(tmp_path: Path) -> None:
    plots = [
        [child.tag.removeprefix(C) for child in chart_xml.find(f"{C}chart/{C}plotArea") or []]
        for chart_xml in chart_parts(reviewed_example(tmp_path))
    ]
    assert [p[1] for p in plots] == ["barChart", "lineChart", "scatterChart"]


def test_each_chart_refers_to_the_reviews_cells_and_carries_their_values(tmp_path: Path) -> None:
    path = reviewed_example(tmp_path)
    review_sheet = openpyxl.load_workbook(path)["Review"]
    for chart_xml in chart_parts(path):
        for reference in chart_xml.iter(f"{C}numRef"):
            address = reference.findtext(f"{C}f") or ""
            cached = {
                int(p.get("idx", "")): float(p.findtext(f"{C}v") or "nan")
                for p in reference.iter(f"{C}pt")
            }
            values = written(review_sheet, address)
            if isinstance(values[0], dt.date):  # dates are held as day numbers
                values = [(v - dt.datetime(1899, 12, 30)).days for v in values]
            assert {n: v for n, v in enumerate(values) if v is not None} == cached, address
        for reference in chart_xml.iter(f"{C}strRef"):
            address = reference.findtext(f"{C}f") or ""
            cached_text = [p.findtext(f"{C}v") for p in reference.iter(f"{C}pt")]
            assert cached_text == written(review_sheet, address), address


def test_the_scatter_chart_labels_its_points_and_colours_the_answer(tmp_path: Path) -> None:
    scatter = chart_parts(reviewed_example(tmp_path))[2]
    series = list(scatter.iter(f"{C}ser"))
    colours = [s.find(f"{C}marker/{C}spPr/{A}solidFill/{A}srgbClr").get("val") for s in series]  # type: ignore[union-attr]
    assert colours == [POINT_COLOUR, ANSWER_COLOUR]
    labels = [
        "".join(t.text or "" for t in label.iter(f"{A}t"))
        for s in series
        for label in s.iter(f"{C}dLbl")
    ]
    assert "Gareth Price" in labels and "Priya Shah" in labels
    assert len(labels) == len(set(labels)) == 8


def test_the_print_area_is_the_printed_columns(tmp_path: Path) -> None:
    path = reviewed_example(tmp_path)
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
    names = re.findall(
        r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">([^<]*)<', workbook
    )
    last = openpyxl.load_workbook(path)["Review"].max_row
    assert names == [(str(sheets.index("Review")), names[0][1])]
    found = re.fullmatch(r"'Review'!\$A\$1:\$J\$(\d+)", names[0][1])
    assert found is not None and int(found.group(1)) <= last
    # A second review replaces it rather than adding another.
    assert CliRunner().invoke(main, ["review", str(path), "--date", DAY.isoformat()]).exit_code == 0
    with zipfile.ZipFile(path) as archive:
        again = archive.read("xl/workbook.xml").decode()
    assert again.count("_xlnm.Print_Area") == 1


def test_a_workbook_without_defined_names_gets_the_print_area(tmp_path: Path) -> None:
    path = build_partners_workbook(tmp_path / "partners.xlsx", SMALL_PARTNERS)
    with zipfile.ZipFile(path) as archive:
        assert b"definedName" not in archive.read("xl/workbook.xml")
    assert CliRunner().invoke(main, ["review", str(path), "--date", DAY.isoformat()]).exit_code == 0
    last = review_workbook(path, reviewed_on=DAY, dry_run=True).review_sheet.last_row
    assert openpyxl.load_workbook(path)["Review"].print_area == f"'Review'!$A$1:$J${last}"
