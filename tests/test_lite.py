"""The xlwings Lite route: the script `partnersheet lite` prints, run on xlwings' real API."""

from __future__ import annotations

import datetime as dt
import email
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import xlwings as xw
from click.testing import CliRunner

from conftest import EXAMPLE, ROOT
from partnersheet import __version__, excel
from partnersheet.cli import main
from partnersheet.excel import live
from partnersheet.excel.lite import BUTTON_CELL, BUTTON_SHAPE, requirements, script
from remote_excel import payload


def test_lite_prints_the_script_the_requirements_and_the_button() -> None:
    result = CliRunner().invoke(main, ["lite"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == (
        "# ---- main.py: paste into the xlwings Lite editor's main.py tab ----\n"
        + script()
        + "# ---- requirements.txt: paste into its requirements.txt tab ----\n"
        + requirements()
        + "# ---- the button ----\n"
        + f"# On the Partners sheet, insert a shape (Insert > Shapes), type {BUTTON_SHAPE} on "
        f"it, name it {BUTTON_SHAPE} in the Name Box, and link it to {BUTTON_CELL} "
        "(right-click > Link > This Document). Clicking it runs the review.\n"
    )


def test_lite_writes_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "lite"
    result = CliRunner().invoke(main, ["lite", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "main.py").read_text() == script()
    assert (folder / "requirements.txt").read_text() == (
        f"xlwings=={xw.__version__}\npartnersheet=={__version__}\n"
    )


def test_lite_says_when_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["lite", "--output", str(blocker / "lite")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {blocker / 'lite'}: could not write the files (")
    assert "Traceback" not in result.output


def lite_function(tmp_path: Path) -> Any:
    """The script's function, decorated by xlwings' own `script` as Lite does."""
    path = tmp_path / "main.py"
    path.write_text(script())
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["recalculate"]


def test_the_lite_script_runs_the_same_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = tmp_path / "partners.xlsx"
    shutil.copy(EXAMPLE, workbook)
    day = dt.date(2026, 11, 22)

    class Today(dt.date):
        @classmethod
        def today(cls) -> Today:
            return cls(day.year, day.month, day.day)

    by_lite = xw.Book(json=payload(workbook))
    # Today's date as the live adapter asks for it; datetime.date itself stays as it is, as
    # xlwings uses it to know a date it is given to write.
    monkeypatch.setattr(live, "dt", SimpleNamespace(date=Today))
    lite_function(tmp_path)(by_lite)
    monkeypatch.undo()

    direct = xw.Book(json=payload(workbook))
    excel.recalculate(direct, reviewed_on=day)
    assert by_lite.json() == direct.json()
    assert len(direct.json()["actions"]) > 100


def test_the_lite_script_names_its_button() -> None:
    assert f'button="[{BUTTON_SHAPE}]{BUTTON_CELL}"' in script()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so no build folder is left in the source tree.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = folder.glob("partnersheet-*.whl")
    return found


def test_the_package_is_pure_python_so_lite_can_install_it(wheel: Path) -> None:
    assert wheel.name == f"partnersheet-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = email.message_from_bytes(
            archive.read(f"partnersheet-{__version__}.dist-info/METADATA")
        )
    assert "partnersheet/excel/lite/main.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dll"))]
    # Lite installs pure-Python wheels from PyPI and has its own builds of Pillow and
    # xlwings: every dependency must be one of those.
    requires = {
        r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].strip()
        for r in metadata.get_all("Requires-Dist") or []
        if "extra ==" not in r
    }
    assert requires == {"openpyxl", "click", "xlwings"}
