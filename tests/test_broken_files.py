"""Files that are not workbooks, and saves that fail: one plain sentence, nothing harmed."""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import SMALL_PARTNERS, build_partners_workbook, digest, leftovers
from partnersheet.cli import main
from partnersheet.files import writing
from partnersheet.files.workbook import review_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def real_workbook(path: Path) -> Path:
    return build_partners_workbook(path, SMALL_PARTNERS)


def ole_file(path: Path, stream: str) -> Path:
    """What an OLE compound file looks like from outside: the magic, then a directory entry."""
    header = OLE_MAGIC + bytes(504)
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
    path.write_bytes((header + entry).ljust(4096, b"\x00"))
    return path


def zip_file(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def truncated(path: Path) -> Path:
    data = real_workbook(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def damaged_inside(path: Path) -> Path:
    """A workbook whose workbook.xml is not XML any more."""
    buffer = io.BytesIO(real_workbook(path).read_bytes())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/workbook.xml":
                data = b"<workbook><sheets><sheet name="
            target.writestr(entry, data)
    return path


def holding(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def folder(path: Path) -> Path:
    path.mkdir()
    return path


#: name, how to make it (None: leave it missing), the one sentence expected after "Error: ".
BROKEN: list[tuple[str, Callable[[Path], Path] | None, str]] = [
    (
        "notes.xlsx",
        holding(b"Partner,Trust\nAnn Patel,5\n"),
        "notes.xlsx is not an Excel workbook, or it is damaged or cut short; open it in Excel "
        "to check, and save it as an Excel Workbook (.xlsx).",
    ),
    (
        "empty.xlsx",
        holding(b""),
        "empty.xlsx is empty (0 bytes); it is not a workbook.",
    ),
    (
        "half.xlsx",
        truncated,
        "half.xlsx is not an Excel workbook, or it is damaged or cut short; open it in Excel "
        "to check, and save it as an Excel Workbook (.xlsx).",
    ),
    (
        "old.xls",
        lambda p: ole_file(p, "Workbook"),
        "old.xls is an old-style Excel 97-2003 workbook (.xls); open it in Excel or "
        "LibreOffice and save it as an Excel Workbook (.xlsx).",
    ),
    (
        "locked.xlsx",
        lambda p: ole_file(p, "EncryptionInfo"),
        "locked.xlsx is protected with a password; open it in Excel, remove the password "
        "(File > Info > Protect Workbook > Encrypt with Password, and clear it), save, and run "
        "partnersheet again.",
    ),
    (
        "partners.ods",
        lambda p: zip_file(
            p,
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b"<office:document-content/>",
            },
        ),
        "partners.ods is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook "
        "(.xlsx) and run partnersheet on that.",
    ),
    (
        "photos.xlsx",
        lambda p: zip_file(p, {"holiday.txt": b"not a workbook"}),
        "photos.xlsx is a zip file but not an Excel workbook; give partnersheet an .xlsx or "
        ".xlsm file.",
    ),
    (
        "binary.xlsb",
        lambda p: zip_file(p, {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}),
        "binary.xlsb is an Excel Binary Workbook (.xlsb); save it as an Excel Workbook (.xlsx) "
        "or Excel Macro-Enabled Workbook (.xlsm).",
    ),
    (
        "missing.xlsx",
        None,
        "missing.xlsx: there is no such file; check the name and folder.",
    ),
    (
        "folder.xlsx",
        folder,
        "folder.xlsx is a folder, not a workbook; give the .xlsx file's name.",
    ),
]
COMMANDS = [["check"], ["review"], ["review", "--output", "out.xlsx"], ["review", "--dry-run"]]


def state(path: Path) -> object:
    """What must not change: a file's bytes, or that it is a folder or missing."""
    if path.is_dir():
        return sorted(path.iterdir())
    return digest(path) if path.exists() else None


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize(("name", "make", "sentence"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_file_that_is_no_workbook_gets_one_sentence(
    tmp_path: Path,
    command: list[str],
    name: str,
    make: Callable[[Path], Path] | None,
    sentence: str,
) -> None:
    path = tmp_path / name
    if make is not None:
        make(path)
    before = state(path)
    result = run(command[0], name, *command[1:])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {sentence}\n")
    assert state(path) == before
    assert not (tmp_path / "out.xlsx").exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_workbook_damaged_inside_gets_one_sentence(tmp_path: Path, command: list[str]) -> None:
    path = damaged_inside(tmp_path / "partners.xlsx")
    before = digest(path)
    result = run(command[0], "partners.xlsx", *command[1:])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: partners.xlsx could not be read: the list of its sheets (xl/workbook.xml) is not "
        "well-formed XML (line 1, column 18); open the workbook in Excel or LibreOffice and save "
        "it again, or use a backup.\n"
    )
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert digest(path) == before
    assert not (tmp_path / "out.xlsx").exists()


# --- writing that fails ---------------------------------------------------------------------


def half_written_then(error: Exception) -> Callable[..., None]:
    """A save that writes the start of the file and then fails, as a full disk would."""

    def save(changes: object, temporary: Path) -> None:
        temporary.write_bytes(b"PK\x03\x04 the first few bytes")
        raise error

    return save


@pytest.mark.parametrize("output", [None, "reviewed.xlsx"], ids=["in place", "--output"])
def test_a_failed_save_leaves_the_workbook_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str | None
) -> None:
    path = real_workbook(tmp_path / "partners.xlsx")
    before = digest(path)
    monkeypatch.setattr(
        writing,
        "_write_package",
        half_written_then(OSError(errno.ENOSPC, "No space left on device")),
    )
    args = ["review", "partners.xlsx"] + (["--output", output] if output else [])
    result = run(*args)
    target = output or "partners.xlsx"
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: {target} could not be written (No space left on device). Nothing was changed.\n",
    )
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.xlsx"]


def test_an_unexpected_failure_while_saving_harms_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = real_workbook(tmp_path / "partners.xlsx")
    before = digest(path)
    monkeypatch.setattr(writing, "_write_package", half_written_then(RuntimeError("writer")))
    with pytest.raises(RuntimeError, match="writer"):
        review_workbook(path)
    assert digest(path) == before
    assert leftovers(tmp_path) == []


def test_a_workbook_that_cannot_be_replaced_is_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when the file is open in Excel on Windows.
    path = real_workbook(tmp_path / "partners.xlsx")
    before = digest(path)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("review", "partners.xlsx")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: partners.xlsx could not be written (Permission denied); check you may write to "
        "that folder and that the file is not open elsewhere. Nothing was changed.\n"
    )
    assert digest(path) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("output", "sentence"),
    [
        ("nowhere/out.xlsx", "the folder nowhere does not exist; create it or choose another."),
        ("taken.xlsx", "taken.xlsx is a folder; give a file name ending in .xlsx."),
        (
            "out.xlsm",
            "partners.xlsx is a workbook without macros, so the output's name must end in "
            ".xlsx (not out.xlsm); Excel refuses a file whose name does not match its kind.",
        ),
    ],
)
def test_an_output_that_cannot_be_written(tmp_path: Path, output: str, sentence: str) -> None:
    path = real_workbook(tmp_path / "partners.xlsx")
    (tmp_path / "taken.xlsx").mkdir()
    before = digest(path)
    result = run("review", "partners.xlsx", "--output", output)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {sentence}\n")
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.xlsx", "taken.xlsx"]


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o664])
def test_review_in_place_keeps_the_permissions(tmp_path: Path, mode: int) -> None:
    path = real_workbook(tmp_path / "partners.xlsx")
    path.chmod(mode)
    before = digest(path)
    result = run("review", "partners.xlsx", "--date", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert digest(path) != before
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert leftovers(tmp_path) == []


def test_review_through_a_link_updates_the_workbook_it_points_to(tmp_path: Path) -> None:
    # Synced folders and shortcuts: replacing the link itself would leave the real file
    # unreviewed and the link turned into a copy.
    (tmp_path / "real").mkdir()
    target = real_workbook(tmp_path / "real" / "partners.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    result = run("review", "link.xlsx", "--date", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert "Review" in openpyxl.load_workbook(target).sheetnames
    assert leftovers(tmp_path) == leftovers(tmp_path / "real") == []
