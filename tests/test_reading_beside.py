"""History read by a second process beside Partners: the same sheets, the same problems."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE
from partnersheet.cli import main
from partnersheet.errors import UnreadableWorkbook
from partnersheet.files import reading

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="the second process is started as a copy of this one, which this system cannot do",
)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Read History beside whatever its size; the titles of the sheets read so."""
    titles: list[str] = []
    real = reading._ReaderBeside

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            titles.append(self.title)

    monkeypatch.setattr(reading, "READ_BESIDE_FROM", 0)
    monkeypatch.setattr(reading, "_ReaderBeside", Counted)
    return titles


def read_here(path: Path) -> tuple[reading.WorkbookFile, dict[str, object]]:
    threshold = reading.READ_BESIDE_FROM
    reading.READ_BESIDE_FROM = 1 << 62
    try:
        return reading.read_workbook(path)
    finally:
        reading.READ_BESIDE_FROM = threshold


def test_history_read_beside_is_history_read_here(started: list[str]) -> None:
    book, sheets = reading.read_workbook(EXAMPLE)
    assert started == ["History"]
    here_book, here = read_here(EXAMPLE)
    assert started == ["History"], "read here: no second process"
    assert sheets == here
    assert book == here_book
    assert len(sheets["History"].rows) > 20  # the example's four earlier reviews


def test_a_review_with_history_read_beside_writes_what_it_always_does(
    started: list[str], tmp_path: Path
) -> None:
    beside, here = tmp_path / "beside.xlsx", tmp_path / "here.xlsx"
    for target in (beside, here):
        shutil.copyfile(EXAMPLE, target)
    runner = CliRunner()
    first = runner.invoke(main, ["review", str(beside), "--date", "2026-11-22"])
    assert first.exit_code == 0, first.output
    assert started == ["History"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "READ_BESIDE_FROM", 1 << 62)
        second = runner.invoke(main, ["review", str(here), "--date", "2026-11-22"])
    assert second.exit_code == 0, second.output
    assert started == ["History"]
    assert first.output.replace("beside.xlsx", "here.xlsx") == second.output
    with zipfile.ZipFile(beside) as one, zipfile.ZipFile(here) as other:
        assert one.namelist() == other.namelist()
        assert all(one.read(name) == other.read(name) for name in one.namelist())


def with_sheet_damaged(source: Path, target: Path, title: str = "History") -> Path:
    """A copy of the example whose sheet `title` is cut short."""
    book, _ = read_here(source)
    part = book.package.sheet(title).part
    with zipfile.ZipFile(source) as reading_zip, zipfile.ZipFile(target, "w") as writing_zip:
        for info in reading_zip.infolist():
            data = reading_zip.read(info)
            if info.filename == part:
                data = data[: len(data) // 2]
            writing_zip.writestr(info, data)
    return target


def test_a_damaged_history_read_beside_is_reported_as_ever(
    started: list[str], tmp_path: Path
) -> None:
    path = with_sheet_damaged(EXAMPLE, tmp_path / "damaged.xlsx")
    with pytest.raises(UnreadableWorkbook) as beside:
        reading.read_workbook(path)
    assert started == ["History"]
    with pytest.raises(UnreadableWorkbook) as here:
        read_here(path)
    assert str(beside.value) == str(here.value)
    assert re.search(r"its sheet History \(xl/worksheets/sheet\d+\.xml\)", str(here.value))


def test_a_damaged_partners_stops_the_second_process(
    started: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """History is never asked for: the process reading it (here, one taking a minute) is
    stopped, not left behind."""
    monkeypatch.setattr(reading, "_read_and_send", lambda *args: time.sleep(60))
    path = with_sheet_damaged(EXAMPLE, tmp_path / "damaged.xlsx", "Partners")
    with pytest.raises(UnreadableWorkbook, match=r"its sheet Partners \("):
        reading.read_workbook(path)
    assert started == ["History"]
    assert multiprocessing.active_children() == []


def test_a_second_process_that_ends_without_an_answer_leaves_the_reading_here(
    started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "_read_and_send", lambda *args: os._exit(3))
    _, sheets = reading.read_workbook(EXAMPLE)
    assert started == ["History"]
    assert sheets == read_here(EXAMPLE)[1]


def test_a_small_history_is_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the size the second process pays for, every sheet is read in this one."""
    made: list[object] = []
    monkeypatch.setattr(reading, "_ReaderBeside", lambda *args: made.append(args))
    reading.read_workbook(EXAMPLE)
    assert made == []
