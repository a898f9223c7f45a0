"""A review that fails or is killed while saving never harms the workbook.

partnersheet saves to a temporary file beside the workbook and then puts it in place. These
tests break that save half-way, by a writer that fails after writing part of the file and by
killing the process outright, and look at what is left.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import (
    EXAMPLE,
    INGREDIENTS,
    SMALL_PARTNERS,
    Formula,
    build_partners_workbook,
    digest,
    scores,
)
from partnersheet.cli import main
from partnersheet.files.saving import STALE_TEMPORARY

TEMPORARY_PREFIX = ".~partnersheet-"
REVIEW_DATE = "2026-11-22"
#: An unusual mode and an old modification time, so that a change to either shows.
MODE = 0o640
OLD_TIME_NS = 1_700_000_000 * 1_000_000_000


@dataclass(frozen=True)
class FileState:
    """What must not change about a file: its bytes, its permissions, when it was modified."""

    sha256: str
    mode: int
    mtime_ns: int


def state_of(path: Path) -> FileState:
    info = path.stat()
    return FileState(digest(path), stat.S_IMODE(info.st_mode), info.st_mtime_ns)


def prepared(path: Path) -> FileState:
    path.chmod(MODE)
    os.utime(path, ns=(OLD_TIME_NS, OLD_TIME_NS))
    return state_of(path)


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(TEMPORARY_PREFIX))


# --- a save that fails part-way --------------------------------------------------------------


@dataclass
class Failure:
    """Where a save breaks, and how much of the temporary file it had written by then."""

    bytes_written: int = 0


def limited_zip(failure: Failure, budget: int, error: OSError) -> type[zipfile.ZipFile]:
    """A zip writer whose file fails, as a full disk does, once `budget` bytes are written."""

    class LimitedFile:
        def __init__(self, raw: Any) -> None:
            self.raw = raw

        def write(self, data: bytes) -> int:
            if self.raw.tell() + len(data) > budget:
                self.raw.flush()
                failure.bytes_written = self.raw.tell()
                raise error
            return int(self.raw.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.raw, name)

    class LimitedZipFile(zipfile.ZipFile):
        def __init__(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> None:
            super().__init__(file, mode, *args, **kwargs)  # type: ignore[arg-type]
            if mode == "w":
                self.fp = LimitedFile(self.fp)  # type: ignore[assignment]

    return LimitedZipFile


DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
DISK_ERROR = OSError(errno.EIO, os.strerror(errno.EIO))


def fail_writing(monkeypatch: pytest.MonkeyPatch, failure: Failure) -> None:
    monkeypatch.setattr(zipfile, "ZipFile", limited_zip(failure, 2048, DISK_FULL))


def fail_on_fsync(monkeypatch: pytest.MonkeyPatch, failure: Failure) -> None:
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        failure.bytes_written = os.fstat(descriptor).st_size
        real_fsync(descriptor)
        raise DISK_ERROR

    monkeypatch.setattr(os, "fsync", fsync)


#: name, how the save is broken, the reason the message gives.
FAILURES: list[tuple[str, Callable[[pytest.MonkeyPatch, Failure], None], str]] = [
    ("disk full while writing", fail_writing, os.strerror(errno.ENOSPC)),
    ("disk error on fsync", fail_on_fsync, os.strerror(errno.EIO)),
]

#: The command's arguments after the workbook's name.
TARGETS = [
    pytest.param([], id="in place"),
    pytest.param(["--output", "reviewed.xlsx"], id="--output"),
    pytest.param(["--output", "earlier.xlsx"], id="--output over a file"),
]


def workbook_with_formulas(path: Path) -> Path:
    """A small workbook with a formula among the scores, so its result is kept on save."""
    first, *others = SMALL_PARTNERS
    with_formula = {**first, "Trust": Formula("=2+3", 5)}
    return build_partners_workbook(path, [with_formula, *others], settings={"Chargeable rate": 100})


@pytest.mark.parametrize("args", TARGETS)
@pytest.mark.parametrize(
    ("failure_name", "break_save", "reason"), FAILURES, ids=[f[0] for f in FAILURES]
)
def test_a_save_that_fails_part_way_changes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure_name: str,
    break_save: Callable[[pytest.MonkeyPatch, Failure], None],
    reason: str,
    args: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    path = workbook_with_formulas(tmp_path / "partners.xlsx")
    before = prepared(path)
    earlier = tmp_path / "earlier.xlsx"
    shutil.copyfile(path, earlier)
    earlier_before = prepared(earlier)
    listing = sorted(p.name for p in tmp_path.iterdir())
    target = args[1] if args else "partners.xlsx"

    failure = Failure()
    break_save(monkeypatch, failure)
    result = CliRunner().invoke(
        main, ["review", "partners.xlsx", *args, "--date", REVIEW_DATE], catch_exceptions=False
    )
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)

    # The save really got under way before it broke.
    assert failure.bytes_written > 0, failure_name
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {target} could not be written ({reason}). Nothing was changed.\n"
    )
    assert "Traceback" not in result.output
    assert state_of(path) == before
    assert state_of(earlier) == earlier_before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    # And the next review, with nothing broken, goes through.
    again = CliRunner().invoke(main, ["review", "partners.xlsx", *args, "--date", REVIEW_DATE])
    assert again.exit_code == 0, again.output
    assert "Review" in openpyxl.load_workbook(tmp_path / target, read_only=True).sheetnames


# --- a process killed while saving -----------------------------------------------------------

#: Enough partners that saving takes seconds, so the kill lands inside the save.
BIG = 4_000


def big_partners(count: int) -> Iterator[dict[str, object]]:
    for n in range(count):
        yield {
            "Partner": f"Partner {n:05d}",
            "Organisation": f"Firm {n % 997}",
            "Offers": "Tax advice for owner-managed businesses and their families",
            "Competitor group": f"Group {n % 400}" if n % 5 == 0 else None,
            "Hours per month": n % 9,
            "Referrals sent": n % 3,
            "Referrals received": n % 4,
            "Fees received": n * 10 % 20_000,
            "Notes": f"Met at the spring conference; follow up in {1 + n % 12} weeks.",
            **scores(*[1 + (n * (k + 3)) % 5 for k in range(len(INGREDIENTS))]),
        }


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    return build_partners_workbook(
        folder / "big.xlsx",
        list(big_partners(BIG)),
        settings={"Chargeable rate": 90},
    )


@dataclass(frozen=True)
class Killed:
    """What a killed review left beside the workbook: temporary file name → its bytes."""

    left: dict[str, bytes]


def kill_while_saving(
    folder: Path, args: list[str], scratch: Path, when: str, timeout: float = 120
) -> Killed | None:
    """Start a review and SIGKILL it while its temporary file is there (`when` it appears,
    or once it holds data); None when the review finished before that could happen."""
    scratch.mkdir(exist_ok=True)
    # openpyxl's own scratch files go to TMPDIR: keep them out of the system's.
    environment = {**os.environ, "TMPDIR": str(scratch)}
    with (scratch / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "partnersheet", "review", *args, "--date", REVIEW_DATE],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=environment,
        )
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                found = temporaries(folder)
                if found and (when == "appears" or any(map(size_of, found))):
                    process.send_signal(signal.SIGKILL)
                    process.wait(timeout=30)
                    if process.returncode != -signal.SIGKILL:
                        return None  # it finished between the look and the kill
                    return Killed({p.name: p.read_bytes() for p in temporaries(folder)})
                if process.poll() is not None:
                    failed = (scratch / "stderr.txt").read_text(errors="replace")
                    assert process.returncode == 0, f"the review failed: {failed}"
                    return None
                time.sleep(0.002)
            pytest.fail(f"no temporary file appeared within {timeout:.0f} s")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def size_of(path: Path) -> int:
    """A file's size; 0 once it is gone (put in place, or removed)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


KILLS = [
    pytest.param([], "appears", id="in place, as the temporary file appears"),
    pytest.param([], "holds data", id="in place, half-written"),
    pytest.param(["--output", "out.xlsx"], "holds data", id="--output, half-written"),
]


@pytest.mark.parametrize(("extra", "when"), KILLS)
def test_a_review_killed_while_saving_leaves_the_workbook_whole(
    big_workbook: Path, tmp_path: Path, extra: list[str], when: str
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "big.xlsx"
    args = ["big.xlsx", *extra]
    killed = None
    for attempt in range(2):  # once more when the review was quicker than the poll
        path.unlink(missing_ok=True)
        for leftover in temporaries(folder):
            leftover.unlink()
        (folder / "out.xlsx").unlink(missing_ok=True)
        shutil.copyfile(big_workbook, path)
        before = prepared(path)
        killed = kill_while_saving(folder, args, tmp_path / f"scratch-{attempt}", when)
        if killed is not None:
            break
    assert killed is not None, "the review finished twice before it could be killed"

    # The workbook is as it was; a killed process cannot tidy up, so the only thing it may
    # leave is its temporary file.
    assert state_of(path) == before
    assert not (folder / "out.xlsx").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(["big.xlsx", *killed.left])
    assert all(name.startswith(TEMPORARY_PREFIX) for name in killed.left)
    if when == "holds data":
        assert any(killed.left.values())

    # The next review goes through, and a leftover never takes the workbook's place.
    done = subprocess.run(
        [sys.executable, "-m", "partnersheet", "review", *args, "--date", REVIEW_DATE],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    written = folder / ("out.xlsx" if extra else "big.xlsx")
    book = openpyxl.load_workbook(written, read_only=True)
    try:
        assert {"Partners", "Review", "History"} <= set(book.sheetnames)
        assert book["Partners"].max_row == BIG + 1
    finally:
        book.close()
    assert stat.S_IMODE(written.stat().st_mode) == MODE
    assert written.read_bytes() not in killed.left.values()
    if extra:
        assert state_of(path) == before
    # Each leftover is either gone or exactly as the killed run left it; no new one appears.
    for leftover in temporaries(folder):
        assert leftover.name in killed.left
        assert leftover.read_bytes() == killed.left[leftover.name]


def test_a_later_review_removes_only_stale_leftovers_of_its_own_workbook(tmp_path: Path) -> None:
    """What a killed review left beside the workbook goes at the next review, once stale."""
    path = tmp_path / "partners.xlsx"
    shutil.copy(EXAMPLE, path)
    stale = tmp_path / ".~partnersheet-partners-abc123.xlsx"
    stale_results = tmp_path / ".~partnersheet-partners-abc123.xlsx.results"
    fresh = tmp_path / ".~partnersheet-partners-def456.xlsx"
    other = tmp_path / ".~partnersheet-others-abc123.xlsx"
    old = time.time() - STALE_TEMPORARY - 60
    for leftover in (stale, stale_results, fresh, other):
        leftover.write_bytes(b"half a workbook")
    for leftover in (stale, stale_results, other):
        os.utime(leftover, (old, old))
    result = CliRunner().invoke(main, ["review", str(path), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    # A fresh one may belong to a review running now; another workbook's is not ours.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["partners.xlsx", fresh.name, other.name]
    )
