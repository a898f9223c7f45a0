"""The LibreOffice helper in tests/office.py: edits made through UNO land in the saved file.

Skipped without LibreOffice and its Python bridge on a person's machine; a failure in CI.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from office import Office, soffice_or_skip

pytestmark = pytest.mark.libreoffice

HEADER = ["Partner", "Organisation", "Trust", "Notes"]
ROWS = [["Ann Patel", "Patel Accountancy", 3], ["Bea Ltd", "Bea", 5], ["Cal Rao", "Rao & Co", 4]]


@pytest.fixture(scope="module")
def office() -> Iterator[Office]:
    """One LibreOffice for the module: starting one takes seconds."""
    with Office(soffice_or_skip()) as running:
        yield running


def partners_workbook(path: Path) -> Path:
    """A small workbook written by openpyxl: a Partners sheet, a header row and three rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Partners"
    for row in [HEADER, *ROWS]:
        sheet.append(row)
    book.save(path)
    return path


def test_edits_land_in_the_saved_workbook(office: Office, tmp_path: Path) -> None:
    source = partners_workbook(tmp_path / "partners.xlsx")
    saved = tmp_path / "edited.xlsx"
    with office.open(source) as document:
        document.set_value("Partners", "B2", "Ann & Co")
        document.set_value("Partners", "C4", 1)
        document.set_value("Partners", "D2", "=1+1")  # typed as text, not as a formula
        document.add_comment("Partners", "A2", "Met at the spring fair")
        document.sort("Partners", "A1:D4", "C", descending=True)
        document.merge("Partners", "E2:E3")
        assert document.save_as(saved) == saved.resolve()

    book = openpyxl.load_workbook(saved)
    sheet = book["Partners"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(max_col=4)]
    assert rows == [
        HEADER,
        ["Bea Ltd", "Bea", 5, None],
        ["Ann Patel", "Ann & Co", 3, "=1+1"],
        ["Cal Rao", "Rao & Co", 1, None],
    ]
    assert sheet["D3"].data_type == "s"
    # The comment moved with Ann's row.
    assert sheet["A3"].comment is not None
    assert sheet["A3"].comment.text == "Met at the spring fair"
    assert [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.comment] == ["A3"]
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["E2:E3"]


def test_saved_as_xlsm_is_macro_enabled(office: Office, tmp_path: Path) -> None:
    source = partners_workbook(tmp_path / "partners.xlsx")
    saved = tmp_path / "edited.xlsm"
    saved.write_bytes(b"replaced")
    with office.open(source) as document:
        document.set_value("Partners", "C2", 2)
        document.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        content_types = archive.read("[Content_Types].xml").decode("utf-8")
    assert "macroEnabled" in content_types
    book = openpyxl.load_workbook(saved, read_only=True)
    try:
        assert book["Partners"]["C2"].value == 2
    finally:
        book.close()


def test_values_formulas_and_rows_read_back(office: Office, tmp_path: Path) -> None:
    source = partners_workbook(tmp_path / "partners.xlsx")
    with office.open(source) as document:
        assert document.value("Partners", "A1") == "Partner"
        assert document.value("Partners", "C3") == 5
        assert document.value("Partners", "D2") is None
        document.set_formula("Partners", "D2", "=SUM(C2:C4)")
        document.set_formula("Partners", "D3", '=A2&"!"')
        assert document.value("Partners", "D2") == 12
        assert document.value("Partners", "D3") == "Ann Patel!"
        document.set_value("Partners", "D2", None)
        assert document.value("Partners", "D2") is None

        document.insert_rows("Partners", 3, 2)
        column = [document.value("Partners", f"A{row}") for row in range(1, 7)]
        assert column == ["Partner", "Ann Patel", None, None, "Bea Ltd", "Cal Rao"]
        document.delete_rows("Partners", 2, 3)
        column = [document.value("Partners", f"A{row}") for row in range(1, 5)]
        assert column == ["Partner", "Bea Ltd", "Cal Rao", None]

        with pytest.raises(KeyError, match="Review"):
            document.value("Review", "A1")
        with pytest.raises(ValueError, match=r"\.csv"):
            document.save_as(tmp_path / "partners.csv")


def test_a_missing_file_is_a_clear_error(office: Office, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"cannot open .*missing\.xlsx"):
        office.open(tmp_path / "missing.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(partners_workbook(tmp_path / "whole.xlsx").read_bytes()[:300])
    with pytest.raises(RuntimeError, match=r"cannot open .*broken\.xlsx"):
        office.open(broken)


def test_an_office_that_cannot_start_is_a_clear_error(tmp_path: Path) -> None:
    soffice_or_skip()  # the bridge must be importable to get as far as starting
    with (
        pytest.raises(RuntimeError, match="cannot start LibreOffice"),
        Office(str(tmp_path / "no-soffice")),
    ):
        pass
    quitter = tmp_path / "soffice"
    quitter.write_text("#!/bin/sh\necho 'no display' >&2\nexit 3\n", encoding="utf-8")
    quitter.chmod(0o755)
    with (
        pytest.raises(RuntimeError, match=r"exited with code 3 .*\n.*no display"),
        Office(str(quitter)),
    ):
        pass
