"""A real spreadsheet program opens what partnersheet writes.

LibreOffice exits 0 even when it cannot load a file, so each test checks for the file it
should have written. Without LibreOffice the tests are skipped on a person's machine, and
fail in CI (where the environment variable CI is set), which must install it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import ARTIFACTS, EXAMPLE, ROOT, SMALL_PARTNERS, build_partners_workbook
from partnersheet.cli import main

pytestmark = pytest.mark.libreoffice


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
    return required("LibreOffice", "soffice", "libreoffice")


def convert(soffice: str, workbook: Path, to: str, folder: Path) -> Path:
    """Have LibreOffice open `workbook` and save it as `to` in `folder`; fail when it did not."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder.parent / f"{folder.name}-profile"
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
        timeout=240,
        check=False,
    )
    converted = folder / f"{workbook.stem}.{to.split(':')[0]}"
    if not converted.exists() or converted.stat().st_size == 0:
        pytest.fail(
            f"LibreOffice could not open {workbook.name} (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return converted


def reviewed(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(source, target)
    result = CliRunner().invoke(main, ["review", str(target), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return target


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


@pytest.mark.parametrize("workbook", ["reviewed_example", "reviewed_xlsxwriter_book"])
def test_libreoffice_prints_the_reviewed_workbook(
    soffice: str, workbook: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(workbook)
    pdf = convert(soffice, path, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("workbook", ["reviewed_example", "reviewed_xlsxwriter_book"])
def test_libreoffice_reads_every_sheet_and_value(
    soffice: str, workbook: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(workbook)
    resaved = convert(soffice, path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "resaved")
    ours, theirs = openpyxl.load_workbook(path), openpyxl.load_workbook(resaved)
    assert theirs.sheetnames == ours.sheetnames
    for title in ("Partners", "Review", "History"):
        mine = [[c for c in row] for row in ours[title].iter_rows(values_only=True)]
        read = [[c for c in row] for row in theirs[title].iter_rows(values_only=True)]
        # LibreOffice may drop trailing empty cells and rows; what is there must agree.
        for number, row in enumerate(mine):
            values = [v for v in row if v is not None]
            again = [v for v in read[number] if v is not None] if number < len(read) else []
            assert again == values, f"{title} row {number + 1}"


def load_render_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_review", ROOT / "scripts" / "render_review.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("workbook", ["reviewed_example", "reviewed_xlsxwriter_book"])
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
        assert page.stat().st_size > 5_000, f"{page} looks blank"
    assert (folder / "Review.pdf").exists()
