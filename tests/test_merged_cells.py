"""Merged cells, as people make them: a merge over cells partnersheet reads hides values, so it
is refused with the range and what to do; a merged title, or merges in a person's own columns
and sheets, are fine, and a merged whole column costs nothing.

The merges on the bundled example are made by LibreOffice through UNO, as Format > Merge Cells
does; the ones LibreOffice cannot make quickly (a whole column) are written into the sheet's
XML, as Excel saves them.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import (
    EXAMPLE,
    PARTNER_HEADERS,
    SMALL_PARTNERS,
    digest,
    new_xlsxwriter_book,
    partner_rows,
    write_rows,
)
from fidelity_parts import SHEET_ORDER, insert_child, parts_of, sheet_part, write_parts
from office import Office, soffice_or_skip
from partnersheet.cli import main

DAY = "2026-12-02"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def office() -> Iterator[Office]:
    with Office(soffice_or_skip()) as running:
        yield running


def merged_by_libreoffice(office: Office, path: Path, sheet: str, cells: str) -> Path:
    """The example with `cells` merged on `sheet` by LibreOffice, saved as `path`."""
    with office.open(EXAMPLE) as document:
        document.merge(sheet, cells)
        document.save_as(path)
    return path


def with_merge(source: Path, path: Path, sheet: str, cells: str) -> Path:
    """`source` with one more merged range on `sheet`, written into its XML."""
    parts = parts_of(source)
    part = sheet_part(parts, sheet)
    assert part is not None
    xml = parts[part].decode("utf-8")
    element = f'<mergeCell ref="{cells}"/>'
    if "</mergeCells>" in xml:
        xml = xml.replace("</mergeCells>", element + "</mergeCells>")
    else:
        xml = insert_child(
            xml, SHEET_ORDER, "mergeCells", f"<mergeCells>{element}</mergeCells>", "worksheet"
        )
    parts[part] = xml.encode("utf-8")
    return write_parts(path, parts)


def assert_refused(path: Path, message: str) -> None:
    """`check` and `review` both give `message` (one problem, located) and change nothing."""
    before = digest(path)
    for command in (["check"], ["review", "--date", DAY]):
        result = run(command[0], path.name, *command[1:])
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")
    assert digest(path) == before


# --- merges LibreOffice makes over what partnersheet reads ----------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("sheet", "cells", "message"),
    [
        (
            "Partners",
            "M3:M4",
            "Partners!M3:M4: merged cells; unmerge them so each partner has its own Trust",
        ),
        (
            "Partners",
            "M1:N1",
            "Partners!M1:N1: merged cells in the header row; unmerge them so each column has "
            "its own header (Trust and Friendship)",
        ),
        (
            "Partners",
            "A5:A6",
            "Partners!A5:A6: merged cells; unmerge them so each row has its own Partner",
        ),
        (
            # Weighted score and Rank: partnersheet's own columns, which it writes.
            "Partners",
            "U2:V2",
            "Partners!U2:V2: merged cells; unmerge them so each partner has its own Weighted "
            "score and Rank",
        ),
        (
            "Weights",
            "B3:B4",
            "Weights!B3:B4: merged cells; unmerge them so each ingredient has its own Weight",
        ),
        (
            "Weights",
            "C2:D2",
            "Weights!C2:D2: merged cells; unmerge them so each ingredient has its own Meaning "
            "and Action",
        ),
        (
            "Settings",
            "B2:B3",
            "Settings!B2:B3: merged cells; unmerge them so each setting has its own Value",
        ),
        (
            "Competitors",
            "A2:A3",
            "Competitors!A2:A3: merged cells; unmerge them so each row has its own Competitor",
        ),
        (
            "History",
            "C2:C3",
            "History!C2:C3: merged cells; unmerge them so each row has its own Weighted score",
        ),
    ],
)
def test_a_merge_over_cells_partnersheet_reads_is_refused(
    office: Office, tmp_path: Path, sheet: str, cells: str, message: str
) -> None:
    path = merged_by_libreoffice(office, tmp_path / "partners.xlsx", sheet, cells)
    assert_refused(path, message)


@pytest.mark.libreoffice
def test_the_value_a_merge_hides_comes_back_when_unmerged(office: Office, tmp_path: Path) -> None:
    # Tom Whitaker (row 3) and Dr Helen Okafor (row 4) both have Trust 4: merged, the sheet
    # shows one 4, and LibreOffice keeps Helen's 4 hidden in the file.
    path = merged_by_libreoffice(office, tmp_path / "partners.xlsx", "Partners", "M3:M4")
    hidden = openpyxl.load_workbook(path, read_only=True)
    assert hidden["Partners"]["M4"].value == 4
    hidden.close()
    assert run("review", "partners.xlsx", "--date", DAY).exit_code == 1

    # The user follows the advice; the review then scores Helen as before the merge.
    with office.open(path) as document:
        document.unmerge("Partners", "M3:M4")
        document.save_as(path)
    unmerged = run("review", "partners.xlsx", "--date", DAY, "--dry-run", "--json")
    untouched = shutil.copyfile(EXAMPLE, tmp_path / "example.xlsx")
    example = run("review", untouched.name, "--date", DAY, "--dry-run", "--json")
    assert unmerged.exit_code == example.exit_code == 0
    assert unmerged.stdout == example.stdout


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("sheet", "cells"),
    [
        ("Instructions", "A1:C1"),  # a title on a sheet partnersheet does not read
        ("Partners", "AD2:AE5"),  # the person's own columns, right of partnersheet's
        ("Weights", "F1:G3"),  # beside the table, in columns it does not read
    ],
)
def test_a_merge_partnersheet_does_not_read_is_fine(
    office: Office, tmp_path: Path, sheet: str, cells: str
) -> None:
    path = merged_by_libreoffice(office, tmp_path / "partners.xlsx", sheet, cells)
    result = run("review", "partners.xlsx", "--date", DAY)
    assert result.exit_code == 0, result.output
    merged = openpyxl.load_workbook(path)[sheet].merged_cells.ranges
    assert cells in [str(found) for found in merged]


def test_a_merged_title_above_the_header_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    book = new_xlsxwriter_book(path)
    sheet = book.add_worksheet("Partners")
    sheet.merge_range("A1:Z1", "Our referral partners")
    write_rows(
        book, sheet, 3, [list(PARTNER_HEADERS), *partner_rows(SMALL_PARTNERS, PARTNER_HEADERS)]
    )
    book.close()
    result = run("review", "partners.xlsx", "--date", DAY)
    assert result.exit_code == 0, result.output
    reviewed = openpyxl.load_workbook(path)["Partners"]
    assert [str(found) for found in reviewed.merged_cells.ranges] == ["A1:Z1"]
    assert (reviewed["A1"].value, reviewed["A3"].value) == ("Our referral partners", "Partner")
    assert reviewed.cell(3, len(PARTNER_HEADERS) + 1).value == "Weighted score"


# --- a merged whole column ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "cells"),
    [
        ("Partners", "AD1:AD1048576"),  # a sheet partnersheet reads, in the person's column
        ("Instructions", "B1:B1048576"),  # a sheet it does not read
    ],
)
def test_a_merged_whole_column_costs_nothing(tmp_path: Path, sheet: str, cells: str) -> None:
    path = with_merge(EXAMPLE, tmp_path / "partners.xlsx", sheet, cells)
    started = time.perf_counter()
    result = run("review", "partners.xlsx", "--date", DAY)
    took = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    # A review of the example takes about 0.2 s; expanding the merge cell by cell took 98 s.
    assert took < 2.0, f"the review took {took:.1f} s"
    assert f'<mergeCell ref="{cells}"/>' in sheet_text(path, sheet)


def test_a_merged_whole_column_over_a_column_partnersheet_reads_is_refused(
    tmp_path: Path,
) -> None:
    path = with_merge(EXAMPLE, tmp_path / "partners.xlsx", "Partners", "M1:M1048576")
    started = time.perf_counter()
    assert_refused(
        path,
        "Partners!M1:M1048576: merged cells from the header row down; unmerge them so each "
        "partner has its own Trust",
    )
    assert time.perf_counter() - started < 4.0


def sheet_text(path: Path, sheet: str) -> str:
    parts = parts_of(path)
    part = sheet_part(parts, sheet)
    assert part is not None
    return parts[part].decode("utf-8")
