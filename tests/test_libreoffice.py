"""A real spreadsheet program opens what partnersheet writes, and recalculates it.

LibreOffice exits 0 even when it cannot load a file, so each conversion checks for the file
it should have written, and that the file is a workbook with the same sheets. Conversions use
one LibreOffice profile per test run that recalculates every formula when a file is opened,
so the results LibreOffice saves are its own, not the ones stored in the file.

Without LibreOffice the tests are skipped on a person's machine, and fail in CI (where the
environment variable CI is set), which must install it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import (
    ARTIFACTS,
    COMPUTED,
    EXAMPLE,
    INGREDIENTS,
    PARTNER_HEADERS,
    ROOT,
    SMALL_PARTNERS,
    Formula,
    build_partners_workbook,
    expected_results,
    header_columns,
    scores,
    write_rows,
)
from office import recalculating_profile, soffice_or_skip
from partnersheet.cli import main
from partnersheet.files.charts import ANSWER_COLOUR, POINT_COLOUR

pytestmark = pytest.mark.libreoffice

REVIEW_DATE = "2026-11-22"


XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
#: Seconds one conversion may take; a few is usual.
CONVERSION_TIMEOUT = 240


def required(program: str, *names: str) -> str:
    """The program's path; skipped on a person's machine without it, a failure in CI."""
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    reason = f"{program} ({names[0]}) is not on the PATH"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must install it (see .ci/run)")
    pytest.skip(f"{reason}; install it to run these tests")


@pytest.fixture(scope="module")
def soffice() -> str:
    return soffice_or_skip(uno=False)


@pytest.fixture(scope="session")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh LibreOffice user profile that recalculates every formula on load."""
    return recalculating_profile(tmp_path_factory.mktemp("libreoffice-profile"))


def convert(soffice: str, profile: Path, workbook: Path, to: str, folder: Path) -> Path:
    """Have LibreOffice open `workbook` and save it as `to` in `folder`; fail when it did not."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(folder),
                str(workbook),
            ],
            capture_output=True,
            text=True,
            timeout=CONVERSION_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice did not finish {workbook.name} in {CONVERSION_TIMEOUT} s")
    converted = folder / f"{workbook.stem}.{to.split(':')[0]}"
    if not converted.exists() or converted.stat().st_size == 0:
        pytest.fail(
            f"LibreOffice could not open {workbook.name} (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return converted


def resaved_by_libreoffice(soffice: str, profile: Path, workbook: Path, folder: Path) -> Path:
    """`workbook` opened, recalculated and saved as .xlsx by LibreOffice; the copy must be a
    workbook openpyxl reads, with the same sheets."""
    resaved = convert(soffice, profile, workbook, XLSX_FILTER, folder)
    ours = openpyxl.load_workbook(workbook, read_only=True)
    try:
        theirs = openpyxl.load_workbook(resaved, read_only=True)
    except Exception as error:  # any failure to read it is the finding
        pytest.fail(f"LibreOffice's copy of {workbook.name} is not a workbook: {error!r}")
    try:
        assert theirs.sheetnames == ours.sheetnames
    finally:
        ours.close()
        theirs.close()
    return resaved


def test_a_workbook_libreoffice_cannot_load_is_caught(
    soffice: str, profile: Path, tmp_path: Path
) -> None:
    whole = build_partners_workbook(tmp_path / "whole.xlsx", SMALL_PARTNERS)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:3000])
    with pytest.raises(pytest.fail.Exception, match=r"LibreOffice could not open cut\.xlsx"):
        convert(soffice, profile, cut, XLSX_FILTER, tmp_path / "resaved")


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def reviewed(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(source, target)
    run("review", str(target), "--date", REVIEW_DATE)
    return target


# --- what `new` writes, and the same reviewed ---------------------------------------------------

#: (suffix, example): every kind of workbook `partnersheet new` writes.
NEW_WORKBOOKS = [
    pytest.param(".xlsx", False, id="xlsx-template"),
    pytest.param(".xlsx", True, id="xlsx-example"),
    pytest.param(".xlsm", False, id="xlsm-template"),
    pytest.param(".xlsm", True, id="xlsm-example"),
]


def new_workbook(folder: Path, suffix: str, example: bool) -> Path:
    path = folder / f"{'example' if example else 'template'}{suffix}"
    result = CliRunner().invoke(
        main, ["new", str(path), *(["--example"] if example else [])], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize(("suffix", "example"), NEW_WORKBOOKS)
def test_libreoffice_opens_what_new_writes(
    soffice: str, profile: Path, tmp_path: Path, suffix: str, example: bool
) -> None:
    path = new_workbook(tmp_path, suffix, example)
    resaved_by_libreoffice(soffice, profile, path, tmp_path / "resaved")


@pytest.mark.parametrize(("suffix", "example"), NEW_WORKBOOKS)
def test_libreoffice_opens_the_reviewed_new_workbook(
    soffice: str, profile: Path, tmp_path: Path, suffix: str, example: bool
) -> None:
    path = new_workbook(tmp_path, suffix, example)
    run("review", str(path), "--date", REVIEW_DATE)
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        assert {"Review", "History"} <= set(book.sheetnames)
    finally:
        book.close()
    resaved_by_libreoffice(soffice, profile, path, tmp_path / "resaved")


# --- reviewed workbooks, cell by cell ------------------------------------------------------------


@pytest.fixture
def reviewed_example(tmp_path: Path) -> Path:
    return reviewed(EXAMPLE, tmp_path, "example.xlsx")


@pytest.fixture
def reviewed_xlsxwriter_book(tmp_path: Path) -> Path:
    built = build_partners_workbook(
        tmp_path / "built.xlsx",
        SMALL_PARTNERS,
        settings={"Chargeable rate": 100},
        competitors=[("Acme Coaching", "Acme")],
    )
    return reviewed(built, tmp_path, "xlsxwriter.xlsx")


def many_partners(count: int) -> list[dict[str, object]]:
    """`count` partners with varied scores, hours, groups and leakage."""
    partners: list[dict[str, object]] = []
    for n in range(count):
        partner: dict[str, object] = {
            "Partner": f"Partner {n + 1:03d}",
            "Organisation": f"Firm {n % 37}",
            "Hours per month": n % 7,
            "Referrals sent": n % 3,
            "Referrals received": n % 5,
            "Fees received": (n * 137) % 5000,
            **scores(*[None if (n + k) % 11 == 0 else 1 + (n * (k + 2)) % 5 for k in range(7)]),
        }
        if n % 9 == 0:
            partner["Competitor group"] = f"Group {n % 4}"
        if n % 13 == 0:
            partner["Also refers to"] = "Acme"
        partners.append(partner)
    return partners


@pytest.fixture
def reviewed_200_partners(tmp_path: Path) -> Path:
    built = build_partners_workbook(
        tmp_path / "built.xlsx",
        many_partners(200),
        settings={"Chargeable rate": 120},
        competitors=[("Acme Coaching", "Acme")],
    )
    return reviewed(built, tmp_path, "partners-200.xlsx")


REVIEWED_BOOKS = ["reviewed_example", "reviewed_xlsxwriter_book", "reviewed_200_partners"]


@pytest.mark.parametrize("workbook", ["reviewed_example", "reviewed_xlsxwriter_book"])
def test_libreoffice_prints_the_reviewed_workbook(
    soffice: str, profile: Path, workbook: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(workbook)
    pdf = convert(soffice, profile, path, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def values_by_cell(sheet: Any) -> dict[str, Any]:
    """Coordinate → value of every cell holding something (an empty text counts as nothing)."""
    return {
        cell.coordinate: cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None and cell.value != ""
    }


@pytest.mark.parametrize("workbook", REVIEWED_BOOKS)
def test_libreoffice_reads_every_sheet_and_value(
    soffice: str, profile: Path, workbook: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(workbook)
    resaved = resaved_by_libreoffice(soffice, profile, path, tmp_path / "resaved")
    ours = openpyxl.load_workbook(path, data_only=True)
    theirs = openpyxl.load_workbook(resaved, data_only=True)
    for title in ("Partners", "Review", "History"):
        assert values_by_cell(theirs[title]) == values_by_cell(ours[title]), title


# --- formulas in the inputs, recalculated -------------------------------------------------------

#: A formula whose stored result is wrong on purpose: LibreOffice must correct it.
DECOY = Formula("=2*21", 7)
DECOY_RESULT = 42
#: A user column on Partners, beside the inputs, holding the decoy.
CHECK_COLUMN = "Check"
#: Sheets whose formula results partnersheet reads, and keeps.
INPUT_SHEETS = ("Partners", "Weights", "Settings", "Competitors", "History")


def column_of(header: str) -> str:
    return openpyxl.utils.get_column_letter(PARTNER_HEADERS.index(header) + 1)


def formula_partners() -> list[dict[str, object]]:
    """Partners whose inputs are partly formulas, each stored with its right result."""
    trust, hours = column_of("Trust"), column_of("Hours per month")
    return [
        {
            "Partner": "Ann Patel",
            "Organisation": Formula('="Patel "&"Accountancy"', "Patel Accountancy"),
            "Hours per month": Formula(f"={trust}2*0+6", 6),
            "Referrals sent": 2,
            "Referrals received": Formula("=COUNTA(Sources!A2:A4)", 3),
            "Fees received": Formula("=Sources!B2*4", 6000),
            **scores(Formula("=2+3", 5), 4, 5, 4, 3, 5, Formula("=MAX(4,5)", 5)),
            CHECK_COLUMN: DECOY,
        },
        {
            "Partner": "Bea Ltd",
            "Competitor group": "Leadership coaching",
            "Hours per month": Formula("=1.5*2", 3),
            "Referrals received": 1,
            **scores(3, Formula("=ROUND(3.6,0)", 4), 4, 3, 2, Formula("=IF(1>2,1,3)", 3), 3),
        },
        {
            # A name that looks like a formula: written back as text everywhere.
            "Partner": "=1+1",
            "Competitor group": "leadership coaching",
            "Also refers to": "Acme",
            "Hours per month": Formula(f"={hours}3*4", 12),
            "Referrals received": 0,
            **scores(2, 1, 2, 2, 1, 2, Formula("=1", 1)),
        },
        {"Partner": "Dee Rao", **scores(4, 3, None, None, None, None, None)},
    ]


def add_sources_sheet(book: Any) -> None:
    """A user sheet the Partners formulas refer to."""
    write_rows(
        book,
        book.add_worksheet("Sources"),
        1,
        [["Source", "Amount"], ["Web", 1500], ["Event", 900], ["Friend", 400]],
    )


@dataclass(frozen=True)
class Recalculated:
    """A workbook with formulas in its inputs: as built, as reviewed, as LibreOffice saved it."""

    built: Path
    reviewed: Path
    resaved: Path


@pytest.fixture(scope="module")
def recalculated(
    soffice: str, profile: Path, tmp_path_factory: pytest.TempPathFactory
) -> Recalculated:
    folder = tmp_path_factory.mktemp("formulas")
    built = build_partners_workbook(
        folder / "built.xlsx",
        formula_partners(),
        headers=[*PARTNER_HEADERS, CHECK_COLUMN],
        weights={name: Formula("=1+1", 2) if name == "Opportunity" else 1 for name in INGREDIENTS},
        settings={"Chargeable rate": Formula("=50*2", 100), "Keep from": Formula("=100/2", 50)},
        competitors=[("Acme Coaching", "Acme")],
        extra=add_sources_sheet,
    )
    path = reviewed(built, folder, "formulas.xlsx")
    resaved = resaved_by_libreoffice(soffice, profile, path, folder / "resaved")
    return Recalculated(built, path, resaved)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet title → the XML of its worksheet part."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    with zipfile.ZipFile(path) as archive:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
        parts = {}
        for sheet in workbook.findall("m:sheets/m:sheet", ns):
            target = targets[sheet.get(f"{{{ns['r']}}}id")]
            name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[sheet.get("name", "")] = archive.read(name).decode("utf-8")
    return parts


_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+[0-9]+)"[^>]*?(?:/>|>(?P<body>.*?)</c>)', re.DOTALL)


def formula_cells(xml: str) -> Iterator[str]:
    """The references of the cells in a worksheet part that hold a formula."""
    for match in _CELL.finditer(xml):
        if "<f" in (match["body"] or ""):
            yield match["ref"]


def written_cells(path: Path) -> dict[str, set[str]]:
    """Sheet title → the cells partnersheet writes in a reviewed workbook."""
    book = openpyxl.load_workbook(path)
    partners = book["Partners"]
    computed = [c for h, c in header_columns(partners, 1).items() if h in COMPUTED]
    assert len(computed) == len(COMPUTED)
    cells = {
        "Partners": {
            f"{openpyxl.utils.get_column_letter(c)}{r}"
            for c in computed
            for r in range(1, partners.max_row + 1)
        }
    }
    for title in ("Review", "History"):
        sheet = book[title]
        cells[title] = {c.coordinate for row in sheet.iter_rows() for c in row}
        assert values_by_cell(sheet), f"{title} is empty"
    return cells


def test_no_cell_partnersheet_writes_is_a_formula(recalculated: Recalculated) -> None:
    parts = sheet_parts(recalculated.reviewed)
    for title, cells in written_cells(recalculated.reviewed).items():
        found = set(formula_cells(parts[title])) & cells
        assert not found, f"{title}: formulas in {sorted(found)}"
    # The formula-looking name is text in every sheet partnersheet writes.
    book = openpyxl.load_workbook(recalculated.reviewed)
    named = [
        cell for title in ("Review", "History") for row in book[title].iter_rows() for cell in row
    ]
    assert any(c.value == "=1+1" and c.data_type == "s" for c in named)


def formula_results(path: Path) -> dict[tuple[str, str], Any]:
    """(sheet, cell) → the stored result of every formula cell in `path`."""
    results = {}
    for title, xml in sheet_parts(path).items():
        refs = list(formula_cells(xml))
        if refs:
            sheet = openpyxl.load_workbook(path, data_only=True)[title]
            results |= {(title, ref): sheet[ref].value for ref in refs}
    return results


def test_libreoffice_recalculates_every_formula_to_the_value_partnersheet_used(
    recalculated: Recalculated,
) -> None:
    decoy = ("Partners", f"{openpyxl.utils.get_column_letter(len(PARTNER_HEADERS) + 1)}2")
    built = formula_results(recalculated.built)
    kept = formula_results(recalculated.reviewed)
    recalculated_by_libreoffice = formula_results(recalculated.resaved)
    assert decoy in built and len(built) >= 15
    # Every formula survives the review and LibreOffice's save, at the same cell.
    assert set(kept) == set(built) == set(recalculated_by_libreoffice)
    for where, stored in built.items():
        if where == decoy:
            continue
        if where[0] in INPUT_SHEETS:
            assert kept[where] == stored, where
        assert recalculated_by_libreoffice[where] == stored, where


def test_libreoffice_really_recalculates_on_load(recalculated: Recalculated) -> None:
    cell = f"{openpyxl.utils.get_column_letter(len(PARTNER_HEADERS) + 1)}2"
    # The wrong stored result is in the file built, and partnersheet keeps it as it was...
    for path in (recalculated.built, recalculated.reviewed):
        assert openpyxl.load_workbook(path, data_only=True)["Partners"][cell].value == DECOY.cached
    # ...and LibreOffice, made to recalculate, replaces it by the formula's real result.
    resaved = openpyxl.load_workbook(recalculated.resaved, data_only=True)
    assert resaved["Partners"][cell].value == DECOY_RESULT


def test_libreoffice_computes_nothing_different_from_partnersheet(
    recalculated: Recalculated,
) -> None:
    ours = openpyxl.load_workbook(recalculated.reviewed, data_only=True)
    theirs = openpyxl.load_workbook(recalculated.resaved, data_only=True)
    for title, cells in written_cells(recalculated.reviewed).items():
        mine = {ref: v for ref, v in values_by_cell(ours[title]).items() if ref in cells}
        read = {ref: v for ref, v in values_by_cell(theirs[title]).items() if ref in cells}
        assert read == mine, title
    # partnersheet scored the partners by the formulas' results, as the contract says.
    partners = ours["Partners"]
    columns = header_columns(partners, 1)
    given = [
        {
            name: cached(value)
            for name, value in partner.items()
            if name in (*INGREDIENTS, "Partner", "Hours per month")
        }
        for partner in formula_partners()
    ]
    expected = expected_results(given, {"Opportunity": 2})
    for row in range(2, 2 + len(given)):
        name = partners.cell(row, columns["Partner"]).value
        got = [partners.cell(row, columns[h]).value for h in ("Weighted score", "Score per hour")]
        assert got == [expected[name].weighted_score, expected[name].score_per_hour], name


def cached(value: object) -> object:
    return value.cached if isinstance(value, Formula) else value


# --- the Review sheet as a person sees it -------------------------------------------------------


def load_render_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_review", ROOT / "scripts" / "render_review.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ink(page: Path) -> float:
    """The share of a rendered page's pixels that are not (nearly) white."""
    with Image.open(page) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:240]) / (grey.width * grey.height)


@pytest.mark.parametrize("workbook", REVIEWED_BOOKS)
def test_review_sheet_renders_to_png(
    soffice: str, workbook: str, request: pytest.FixtureRequest
) -> None:
    required("Poppler", "pdftoppm")
    path: Path = request.getfixturevalue(workbook)
    folder = ARTIFACTS / workbook
    shutil.rmtree(folder, ignore_errors=True)
    pages = load_render_script().render(path, folder)
    assert pages, f"no PNG rendered into {folder}"
    for page in pages:
        assert page.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(page) as image:
            assert image.format == "PNG"
            assert image.width > 100 and image.height > 100
        assert ink(page) > 0.001, f"{page} is blank"
    assert ink(pages[0]) > 0.02, f"{pages[0]} is nearly blank"
    assert (folder / "Review.pdf").exists()


# --- the Review's printed pages ---------------------------------------------------------------


def on_paper(path: Path, paper: int, folder: Path) -> Path:
    """A copy of a reviewed workbook whose Review prints on `paper` (Excel's paper number)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        review = review_part(source)
        for info in source.infolist():
            data = source.read(info)
            if info.filename == review:
                data = data.replace(b"<pageSetup ", f'<pageSetup paperSize="{paper}" '.encode())
            copy.writestr(info, data)
    return target


def review_part(archive: zipfile.ZipFile) -> str:
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rel_id = re.search(r'<sheet name="Review"[^>]*r:id="(\w+)"', workbook)
    assert rel_id is not None
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    target = re.search(rf'Id="{rel_id.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rel_id.group(1)}"', rels
    )
    assert target is not None
    return "xl/" + target.group(1).removeprefix("/xl/")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext lays it out: one line of the page to a line."""
    done = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.split("\f")[:-1]


@pytest.mark.parametrize(("paper", "name"), [(9, "A4"), (1, "Letter")])
def test_the_review_of_the_example_prints_as_a_person_wants(
    reviewed_example: Path, paper: int, name: str
) -> None:
    required("Poppler", "pdftoppm")
    path = on_paper(reviewed_example, paper, reviewed_example.parent / name)
    folder = ARTIFACTS / f"review-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    load_render_script().render(path, folder)
    pages = page_texts(folder / "Review.pdf")
    review = openpyxl.load_workbook(path)["Review"]
    last = [row[1] for row in review.iter_rows(values_only=True) if row[0] == 8]  # rank 8

    # Four pages: the answers and the whole ranking on the first; the band changes, who is
    # overdue for contact and each owner's partners on the second; the bar chart and the line
    # chart on the third; the scatter chart and who is still to score on the fourth. Each
    # chart is on the page of its heading, whole.
    assert len(pages) == 4, [page[:80] for page in pages]
    first = pages[0]
    for heading in ("1. Which is", "2. Which is", "3. Which", "4. If you", "Ranking"):
        assert heading in first
    assert last == ["Fiona Mackay"] and "Fiona Mackay" in first.split("Ranking")[1]
    assert pages[1].lstrip().startswith("Band changes since the last review\n")
    assert "Priya Shah" in pages[1].split("Overdue for contact")[1]
    assert "By owner" in pages[1] and "No owner: 2 partners" in pages[1]
    charts = {
        "Weighted scores": "Weighted score (0 to 100)\n",
        "Weighted score over time": "Weighted score (0 to 100) at each review",
        "Time you give and what it is worth": "Weighted score against hours a month",
    }
    for heading, title in charts.items():
        (page,) = [p for p in pages if f"{heading}\n" in p]
        assert title in page.split(heading, 1)[1], heading
    assert pages[2].lstrip().startswith("Weighted scores\n")
    assert "Weighted score over time\n" in pages[2]
    assert pages[3].lstrip().startswith("Time you give and what it is worth\n")
    assert "Partners still to score" in pages[3]
    # The chart data tables beside the charts are not printed.
    assert not any("the numbers" in page for page in pages)

    # No heading ends a page: each has what it heads below it on the same page.
    headings = {"Ranking", "Band changes since the last review", "Overdue for contact"}
    headings |= {"By owner", "Partners still to score", *charts}
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[-1] not in headings, f"page {number} ends with the heading {lines[-1]!r}"

    # Each paragraph shows the lines it was given, none wrapped further (which would hide the
    # last one), in a row just tall enough for them (no blank line under the text).
    shown = [line.strip() for page in pages for line in page.splitlines()]
    for row in review.iter_rows():
        cell = row[0]
        if cell.coordinate not in review.merged_cells or not isinstance(cell.value, str):
            continue
        lines = cell.value.split("\n")
        for line in lines:
            assert line.strip() in shown, f"{cell.coordinate}: {line!r} was wrapped again"
        height = review.row_dimensions[cell.row].height
        assert height == round(len(lines) * 14.4 + 1.6, 1), cell.coordinate


def pixels_near(page: Path, colour: str, tolerance: int = 40) -> int:
    """How many pixels of a rendered page are close to a colour (six hex digits)."""
    target = tuple(int(colour[n : n + 2], 16) for n in (0, 2, 4))
    with Image.open(page) as image:
        data = image.convert("RGB").tobytes()
    return sum(
        1
        for n in range(0, len(data), 3)
        if all(abs(data[n + k] - target[k]) <= tolerance for k in range(3))
    )


def test_the_line_and_scatter_charts_render(reviewed_example: Path) -> None:
    required("Poppler", "pdftoppm")
    folder = ARTIFACTS / "review-charts"
    shutil.rmtree(folder, ignore_errors=True)
    pngs = load_render_script().render(reviewed_example, folder)
    pages = page_texts(folder / "Review.pdf")
    (over_time,) = [n for n, page in enumerate(pages) if "Weighted score over time\n" in page]
    (time_given,) = [n for n, page in enumerate(pages) if "Time you give and what" in page]
    # The line chart's axis names each review date (the table beside it is not printed, so
    # they can only come from the chart), and its legend the partners.
    line = pages[over_time].split("Weighted score over time", 1)[1]
    for text in ("21 Nov 2025", "14 Aug 2026", "22 Nov 2026", "Dr Helen Okafor"):
        assert text in line, text
    # The scatter chart: its axis titles, its legend, and its points labelled by name.
    scatter = pages[time_given].split("Time you give and what it is worth", 1)[1]
    for text in ("Hours per month", "Spend less time with", "Gareth Price", "Fiona Mackay"):
        assert text in scatter, text
    for page in (pngs[over_time], pngs[time_given]):
        assert ink(page) > 0.02, f"{page} is nearly blank"
    # The Less time answer's own colour is on the scatter chart's page, and on no other.
    answer = [pixels_near(page, ANSWER_COLOUR) for page in pngs]
    assert answer[time_given] > 20 and sum(answer) == answer[time_given], answer
    assert pixels_near(pngs[time_given], POINT_COLOUR) > 100
