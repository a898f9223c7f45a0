"""Hostile and broken files: refused fast, with one sentence, and left exactly as they were.

The files come from `hostile.py`, which builds each one from plain bytes.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import olefile
import openpyxl
import pytest
from click.testing import CliRunner, Result

# Imported before any child process gives up its rights, so that it need read no source.
from conftest import (
    PARTNER_HEADERS,
    SMALL_PARTNERS,
    build_partners_workbook,
    digest,
    leftovers,
    new_xlsxwriter_book,
    write_rows,
)
from hostile import CASES, GIB, Case, compound_file, understated_part, zip_bomb
from partnersheet.cli import main
from partnersheet.errors import PartnersheetError, UnreadableWorkbook
from partnersheet.files.opening import MAX_PART_BYTES, MAX_TOTAL_BYTES, _is_encrypted, identify
from partnersheet.files.workbook import check_workbook, review_workbook

COMMANDS = [["check"], ["review"], ["review", "--output", "out.xlsx"], ["review", "--dry-run"]]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


def state(path: Path) -> object:
    """What must not change: a file's bytes and modification time, a folder's listing."""
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    if not path.exists():
        return None
    return digest(path), path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case of the corpus built once, each in its own folder."""
    root = tmp_path_factory.mktemp("corpus")
    for case in CASES:
        folder = root / case.name
        folder.mkdir()
        if case.build is not None:
            case.build(folder / case.filename)
    return root


def copy_case(corpus: Path, case: Case, into: Path) -> Path:
    source = corpus / case.name / case.filename
    target = into / case.filename
    if source.is_dir():
        target.mkdir()
    elif source.exists():
        shutil.copy2(source, target)
    return target


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_hostile_file_is_refused_with_one_message(
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: Case,
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    path = copy_case(corpus, case, tmp_path)
    before = state(path)
    started = time.perf_counter()
    result = run(command[0], case.filename, *command[1:])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert case.message in result.stderr
    assert result.stderr.count("\n") == 1, "one message, on one line"
    assert "Traceback" not in result.output
    assert state(path) == before
    assert not (tmp_path / "out.xlsx").exists()
    assert leftovers(tmp_path) == []
    assert elapsed < 10


@pytest.mark.parametrize(
    "name", ["zip bomb, 1 GB sheet in a 1 MB file", "encrypted xlsx", "billion laughs in a sheet"]
)
@pytest.mark.parametrize("command", [["review"], ["check"]], ids=" ".join)
def test_a_real_process_refuses_too(
    corpus: Path, tmp_path: Path, name: str, command: list[str]
) -> None:
    case = next(c for c in CASES if c.name == name)
    path = copy_case(corpus, case, tmp_path)
    before = state(path)
    result = subprocess.run(
        [sys.executable, "-m", "partnersheet", *command, case.filename],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: ")
    assert case.message in result.stderr
    assert "Traceback" not in result.stderr
    assert state(path) == before
    assert leftovers(tmp_path) == []


# --- zip bombs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def test_the_bomb_is_real(bomb: Path) -> None:
    # About 1 MB on disk, and its sheet really inflates to 1 GiB: counted, never kept.
    assert bomb.stat().st_size < 1_200_000
    inflated = 0
    with zipfile.ZipFile(bomb) as archive, archive.open("xl/worksheets/sheet1.xml") as part:
        while chunk := part.read(16 * 1024 * 1024):
            inflated += len(chunk)
    assert inflated == GIB


@pytest.mark.parametrize(
    "call",
    [identify, check_workbook, review_workbook],
    ids=["identify", "check_workbook", "review_workbook"],
)
def test_a_bomb_is_refused_at_once_in_little_memory(
    bomb: Path, call: Callable[[Path], Any]
) -> None:
    tracemalloc.start()
    try:
        started = time.perf_counter()
        with pytest.raises(UnreadableWorkbook, match="would unpack to 1,074 MB") as raised:
            call(bomb)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bomb.xlsx is not opened" in str(raised.value)
    assert elapsed < 0.5, f"{elapsed:.3f} s"
    assert peak < 5 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MiB"


ROW = ("Bookkeeping and payroll", "Accounting", "Someone", "Written", 4, 3, 2, 1500.5)
ROW += ("2026-01-05", 5, 4, 3, 2, 1, 5, 4)


def test_the_limits_leave_ample_room_for_a_big_real_workbook(tmp_path: Path) -> None:
    # 5,000 partners in the template's columns, written by XlsxWriter; a workbook of
    # 100,000 rows has a sheet 20 times as big (59 MB, measured once). The limit on one part
    # must leave at least five times that.
    rows = [
        [f"Partner {n}", f"Organisation {n % 977}", *ROW, "Met at the chamber breakfast"]
        for n in range(5000)
    ]
    path = tmp_path / "big.xlsx"
    book = new_xlsxwriter_book(path)
    write_rows(book, book.add_worksheet("Partners"), 1, [list(PARTNER_HEADERS), *rows])
    book.close()
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml").file_size
        total = sum(info.file_size for info in archive.infolist())
    assert 20 * sheet * 5 < MAX_PART_BYTES
    assert 20 * total * 5 < MAX_TOTAL_BYTES


def test_zipfile_never_returns_more_than_a_part_declares(tmp_path: Path) -> None:
    # Declared 100 bytes, inflates to the whole sheet: zipfile stops at 100 bytes. With the
    # checksum of the whole sheet it then reports a bad CRC-32; with the checksum of those
    # 100 bytes it returns them, cut short. Either way no more than declared comes out.
    checked = understated_part(tmp_path / "checked.xlsx")
    with zipfile.ZipFile(checked) as archive, pytest.raises(zipfile.BadZipFile, match="CRC"):
        archive.read("xl/worksheets/sheet1.xml")
    quiet = understated_part(tmp_path / "quiet.xlsx", crc_of_prefix=True)
    with zipfile.ZipFile(quiet) as archive:
        real = archive.getinfo("xl/worksheets/sheet1.xml").compress_size
        data = archive.read("xl/worksheets/sheet1.xml")
    assert len(data) == 100 < real * 2
    # The cut-short sheet is no longer XML: one sentence, nothing written.
    before = state(quiet)
    for command in (["check"], ["review"]):
        result = run(command[0], str(quiet))
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: quiet.xlsx could not be read: ")
        assert "Traceback" not in result.output
    assert state(quiet) == before


# --- OLE files --------------------------------------------------------------------------------


def test_the_compound_files_are_real(tmp_path: Path) -> None:
    # olefile (installed with oletools, in the test extra) reads the files built byte by byte.
    encrypted = compound_file(tmp_path / "locked.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    old = compound_file(tmp_path / "old.xls", ["Workbook"])
    with olefile.OleFileIO(str(encrypted)) as ole:
        assert sorted(ole.listdir()) == [["EncryptedPackage"], ["EncryptionInfo"]]
    with olefile.OleFileIO(str(old)) as ole:
        assert ole.listdir() == [["Workbook"]]
    assert _is_encrypted(encrypted) and not _is_encrypted(old)


def test_encryption_is_found_beyond_the_first_64_mb_in_little_memory(tmp_path: Path) -> None:
    # A big encrypted workbook may keep its directory anywhere: put it 80 MB in.
    path = compound_file(tmp_path / "big-locked.xlsx", ["Workbook"])
    entry = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    with path.open("r+b") as handle:
        handle.seek(80 * 1024 * 1024)
        handle.write(entry)
    tracemalloc.start()
    try:
        assert _is_encrypted(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
    assert "big-locked.xlsx is protected with a password" in run("check", str(path)).stderr


def test_the_words_encryption_info_in_a_cell_do_not_make_an_xls_encrypted(
    tmp_path: Path,
) -> None:
    # In an .xls the same UTF-16 words may be text in a cell: not at a directory entry.
    path = compound_file(tmp_path / "words.xls", ["Workbook"])
    with path.open("ab") as handle:
        handle.write(b"\0" * 5 + "EncryptionInfo".encode("utf-16-le") + b"\0\0")
    assert not _is_encrypted(path)
    assert "words.xls is an old-style Excel 97-2003 workbook" in run("check", str(path)).stderr


# --- permissions --------------------------------------------------------------------------------

NOBODY = 65534


@pytest.fixture(scope="module")
def warmed(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One review in full first: openpyxl imports some modules only when it saves, and a
    child that gave up its rights may not be able to read them (root's home is closed)."""
    folder = tmp_path_factory.mktemp("warm")
    path = build_partners_workbook(folder / "partners.xlsx", SMALL_PARTNERS)
    review_workbook(path, output=folder / "copy.xlsx")


@pytest.fixture
def shared_folder(warmed: None) -> Iterator[Path]:
    """A folder under /tmp that any user can reach (pytest's own are closed to others)."""
    folder = Path(tempfile.mkdtemp(prefix="partnersheet-perm-", dir="/tmp"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        folder.chmod(0o700)
        shutil.rmtree(folder, ignore_errors=True)


def as_unprivileged(call: Callable[[], object]) -> tuple[str, str]:
    """Run `call` as an unprivileged user: (exception class name or "ok", message).

    As root (as in CI), a child process drops to uid and gid 65534 first, since file modes
    do not stop root; as another user, the modes the test set stop that user already.
    """
    if os.geteuid() != 0:
        return _outcome(call)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.close(reading)
            with os.fdopen(writing, "w") as report:
                try:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                    outcome = _outcome(call)
                except BaseException:
                    outcome = ("crashed", traceback.format_exc())
                json.dump(outcome, report)
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as report:
        text = report.read()
    os.waitpid(child, 0)
    kind, message = json.loads(text)
    assert kind != "crashed", message
    return kind, message


def _outcome(call: Callable[[], object]) -> tuple[str, str]:
    try:
        call()
    except PartnersheetError as error:
        return type(error).__name__, str(error)
    return "ok", ""


def test_a_workbook_that_may_not_be_read(shared_folder: Path) -> None:
    path = build_partners_workbook(shared_folder / "partners.xlsx", SMALL_PARTNERS)
    path.chmod(0o600)
    before = state(path)
    for call in (check_workbook, review_workbook):
        kind, message = as_unprivileged(lambda call=call: call(path))  # type: ignore[misc]
        assert (kind, message) == (
            "UnreadableWorkbook",
            "partners.xlsx cannot be read (Permission denied); check you have permission to "
            "open it.",
        )
    assert state(path) == before


def test_a_folder_that_may_not_be_written(shared_folder: Path) -> None:
    folder = shared_folder / "read-only"
    folder.mkdir()
    path = build_partners_workbook(folder / "partners.xlsx", SMALL_PARTNERS)
    path.chmod(0o666)  # the file itself may be written: the folder may not
    folder.chmod(0o755)
    before = state(path)
    assert as_unprivileged(lambda: check_workbook(path)) == ("ok", "")
    assert as_unprivileged(lambda: review_workbook(path, dry_run=True)) == ("ok", "")
    kind, message = as_unprivileged(lambda: review_workbook(path))
    assert (kind, message) == (
        "CannotWrite",
        "partners.xlsx could not be written (Permission denied); check you may write to that "
        "folder and that the file is not open elsewhere. Nothing was changed.",
    )
    kind, message = as_unprivileged(lambda: review_workbook(path, output=folder / "copy.xlsx"))
    assert kind == "CannotWrite" and message.startswith("copy.xlsx could not be written (")
    assert state(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["partners.xlsx"]
    # A copy in a folder that may be written is fine, from a workbook in one that may not.
    assert as_unprivileged(lambda: review_workbook(path, output=shared_folder / "copy.xlsx")) == (
        "ok",
        "",
    )
    assert openpyxl.load_workbook(shared_folder / "copy.xlsx")["Review"]["A1"].value


# --- absurd used ranges ---------------------------------------------------------------------------


def far_cell(sheet: str) -> Callable[[Any], None]:
    """Put a value in XFD1048576, the last cell a sheet has, of `sheet`."""

    def extra(book: Any) -> None:
        target = book.get_worksheet_by_name(sheet) or book.add_worksheet(sheet)
        target.write_string(1_048_575, 16_383, "far away")
        target.write_string(0, 0, target.name if sheet != "Partners" else "Partner")

    return extra


@pytest.mark.parametrize("sheet", ["Partners", "Notes"])
def test_an_absurd_used_range_is_never_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet: str
) -> None:
    # A value in A1 and in XFD1048576: the used range is 17 billion cells. The far cell is
    # in no partner's row, so it is left alone and the review goes on.
    monkeypatch.chdir(tmp_path)
    path = build_partners_workbook(
        tmp_path / "partners.xlsx", SMALL_PARTNERS, extra=far_cell(sheet)
    )
    with zipfile.ZipFile(path) as archive:
        part = "xl/worksheets/sheet1.xml" if sheet == "Partners" else "xl/worksheets/sheet2.xml"
        assert b'<dimension ref="A1:XFD1048576"/>' in archive.read(part)
    for command in (["check"], ["review", "--dry-run"], ["review", "--date", "2026-11-22"]):
        started = time.perf_counter()
        result = run(command[0], "partners.xlsx", *command[1:])
        assert time.perf_counter() - started < 10
        assert result.exit_code == 0, result.output
    assert "no problems found (4 partners)" in run("check", "partners.xlsx").stdout
    book = openpyxl.load_workbook(path)
    assert book[sheet]["XFD1048576"].value == "far away"
    assert book["Review"]["A1"].value == "Partnership review, 22 November 2026"


def open_files() -> set[str]:
    """The files this process has open (Linux)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc (Linux)")
@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("part larger than it declares", "check"),
        ("billion laughs in a sheet", "check"),
        ("patterns made to slow a search", "check"),
        ("patterns made to slow a search", "review"),
    ],
)
def test_a_workbook_that_fails_to_load_is_closed_at_once(
    tmp_path: Path, name: str, command: str
) -> None:
    # openpyxl leaves such a file open until the next garbage collection; on Windows it
    # could not be renamed or deleted until then.
    case = next(c for c in CASES if c.name == name)
    assert case.build is not None
    path = case.build(tmp_path / case.filename)
    gc.disable()
    try:
        with pytest.raises(PartnersheetError):
            if command == "check":
                check_workbook(path)
            else:
                review_workbook(path, dry_run=True)
        assert str(path.resolve()) not in open_files()
    finally:
        gc.enable()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc (Linux)")
@pytest.mark.parametrize("name", ["billion laughs in a sheet", "external entity in a sheet"])
def test_a_part_that_fails_while_read_leaves_the_file_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # When a sheet fails while it is being read, the zip's own close leaves the file open
    # for the part still reading it: the file must be closed all the same.
    monkeypatch.chdir(tmp_path)
    case = next(c for c in CASES if c.name == name)
    assert case.build is not None
    path = case.build(tmp_path / case.filename)
    result = run("review", case.filename, "--dry-run")
    assert result.exit_code == 1
    assert str(path.resolve()) not in open_files()
