"""The macro-enabled workbook `partnersheet new book.xlsm` writes, read back as Excel would.

Excel is not here. What is checked instead: the VBA project read back with olevba (the macro
the buttons name exists and calls partnersheet), the buttons' VML, the package's content
types and code names, that a review keeps all of it byte for byte, and that LibreOffice, a
real office suite, loads the project and binds both buttons to the macro.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

from partnersheet.cli import main
from partnersheet.excel.macro import STATUS_CELL, STATUS_PROMPT, XLWINGS_SETTINGS_SHEET
from partnersheet.excel.vba import BUTTON_MODULE, RECALCULATE_MACRO, RUN_PYTHON

MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(params=[False, True], ids=["template", "example"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / "partners.xlsm"
    run("new", str(path), *(["--example"] if request.param else []))
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def vba_modules(path: Path) -> dict[str, tuple[str, str]]:
    """Module name → (olevba's file name for it, its code)."""
    parser = VBA_Parser(str(path))
    try:
        found = {}
        for _, stream, filename, code in parser.extract_macros():
            found[stream.split("/")[-1]] = (filename, code.replace("\r\n", "\n"))
        return found
    finally:
        parser.close()


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet title → its part name, from the workbook's relationships."""
    content = parts(path)
    workbook = content["xl/workbook.xml"].decode()
    rels = content["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*?Id="(rId\d+)"', rels)}
    found = {}
    for title, rid in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="(rId\d+)"', workbook):
        found[title] = "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
    return found


def button_drawings(path: Path) -> dict[str, str]:
    """Sheet title → the VML drawing its legacyDrawing names."""
    content = parts(path)
    found = {}
    for title, part in sheet_parts(path).items():
        xml = content[part].decode()
        if "<legacyDrawing" not in xml:
            continue
        rel_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        rels = content[rel_name].decode()
        (target,) = re.findall(r'Target="([^"]+vmlDrawing\d+\.vml)"', rels)
        found[title] = target.lstrip("/")
    return found


def test_the_package_is_macro_enabled(book: Path) -> None:
    content = parts(book)
    types = content["[Content_Types].xml"].decode()
    assert f'PartName="/xl/workbook.xml" ContentType="{MACRO_CONTENT_TYPE}"' in types
    assert "application/vnd.ms-office.vbaProject" in types
    rels = content["xl/_rels/workbook.xml.rels"].decode()
    assert "relationships/vbaProject" in rels
    assert 'Target="vbaProject.bin"' in rels or 'Target="/xl/vbaProject.bin"' in rels


def test_the_button_macro_calls_partnersheet(book: Path) -> None:
    modules = vba_modules(book)
    filename, code = modules[BUTTON_MODULE]
    assert filename.endswith(".bas")
    sub = rf"^Sub {RECALCULATE_MACRO}\(\)\n(.*\n)*?\s+{re.escape(RUN_PYTHON)}\n"
    assert re.search(sub, code, re.M)
    assert "partnersheet.excel.main()" in code


def test_the_project_carries_the_installed_xlwings_module(book: Path) -> None:
    _, code = vba_modules(book)["xlwings"]
    assert f"'Version: {xlwings.__version__}\n" in code
    assert "Function RunPython(" in code or "Sub RunPython(" in code


def test_code_names_match_the_document_modules(book: Path) -> None:
    modules = vba_modules(book)
    content = parts(book)
    assert '<workbookPr codeName="ThisWorkbook"' in content["xl/workbook.xml"].decode()
    assert modules["ThisWorkbook"][0].endswith(".cls")
    for title, part in sheet_parts(book).items():
        (code_name,) = re.findall(r'<sheetPr codeName="([^"]+)"', content[part].decode())
        assert modules[code_name][0].endswith(".cls"), title


def test_both_buttons_run_the_macro(book: Path) -> None:
    drawings = button_drawings(book)
    assert sorted(drawings) == ["Partners", "Review"]
    content = parts(book)
    for title, part in drawings.items():
        vml = content[part].decode()
        assert vml.count('<x:ClientData ObjectType="Button">') == 1, title
        assert f"<x:FmlaMacro>[0]!{RECALCULATE_MACRO}</x:FmlaMacro>" in vml
        assert ">Recalculate</font>" in vml
    idmap = re.compile(r'<o:idmap v:ext="edit" data="(\d+)"')
    ids = {idmap.findall(content[part].decode())[0] for part in drawings.values()}
    assert len(ids) == 2, "each drawing needs its own shape ids"


def test_status_line_and_xlwings_settings(book: Path) -> None:
    workbook = openpyxl.load_workbook(book, keep_vba=True)
    partners = workbook["Partners"]
    assert partners[STATUS_CELL].value == STATUS_PROMPT
    assert partners["A2"].value == "Partner", "the table starts on row 2"
    assert partners.freeze_panes == "B3"
    assert workbook.defined_names["PartnersheetStatus"].attr_text == "Partners!$B$1"
    settings = workbook[XLWINGS_SETTINGS_SHEET]
    assert settings.sheet_state == "hidden"
    values = {row[0]: row[1] for row in settings.iter_rows(values_only=True)}
    assert values == {
        "ADD_WORKBOOK_TO_PYTHONPATH": "False",
        "SHOW CONSOLE": False,
        "USE UDF SERVER": False,
    }


def test_new_writes_the_same_bytes_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsm", tmp_path / "b.xlsm"
    run("new", str(first), "--example")
    run("new", str(second), "--example")
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("in_place", [True, False], ids=["in place", "--output"])
def test_review_keeps_the_project_and_the_buttons(book: Path, in_place: bool) -> None:
    before = parts(book)
    output = book if in_place else book.with_name("reviewed.xlsm")
    for day in ("2026-11-20", "2026-11-22"):
        args = ["review", str(book), "--date", day]
        run(*args, *([] if in_place else ["--output", str(output)]))
    after = parts(output)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert button_drawings(output) == button_drawings(book if not in_place else output)
    for title, part in button_drawings(output).items():
        assert after[part] == before[part], title
    assert vba_modules(output).keys() == vba_modules(book).keys()
    workbook = openpyxl.load_workbook(output, keep_vba=True)
    assert workbook.sheetnames[:2] == ["Partners", "Review"]
    assert workbook["Review"].sheet_properties.codeName == "Sheet2"
    assert workbook["Partners"][STATUS_CELL].value.startswith("Reviewed on 2026-11-22: ")
    types = after["[Content_Types].xml"].decode()
    assert MACRO_CONTENT_TYPE in types


@pytest.mark.libreoffice
def test_libreoffice_loads_the_project_and_binds_both_buttons(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "partners.xlsm"
    run("new", str(path), "--example")
    run("review", str(path), "--date", "2026-11-22")
    profile = (tmp_path / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless"]
    subprocess.run(
        [*command, "--convert-to", "ods", "--outdir", str(tmp_path / "out"), str(path)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    converted = tmp_path / "out" / "partners.ods"
    assert converted.exists(), "LibreOffice could not load the macro-enabled workbook"
    content = parts(converted)
    module = content[f"Basic/VBAProject/{BUTTON_MODULE}.xml"].decode()
    assert "partnersheet.excel.main()" in module
    assert "Basic/VBAProject/xlwings.xml" in content
    xml = content["content.xml"].decode()
    binding = f"vnd.sun.star.script:VBAProject.{BUTTON_MODULE}.{RECALCULATE_MACRO}?"
    assert xml.count(binding) == 2, "both Recalculate buttons run the macro"
    assert xml.count('form:label="Recalculate"') == 2
