"""A workbook open in Excel or LibreOffice is not written over; who has it open is named.

The lock files are written here byte for byte as the programs write them: Excel's owner file
(165 bytes: the name's length, the name in the Windows code page padded with spaces to 55
bytes, the length again in two bytes, the name in UTF-16, spaces to the end) and
LibreOffice's one line (name, system user, computer, time, profile; `\\` escapes `,` `;`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SMALL_PARTNERS, build_partners_workbook, digest, leftovers
from partnersheet.cli import main
from partnersheet.files.locks import Lock, find_lock


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


def office_owner_file(name: str, *, word: bool = False) -> bytes:
    """The owner file Office keeps beside an open document: Excel's, or Word's layout."""
    shown = name[:52]
    data = bytearray([len(shown)]) + shown.encode("cp1252", "replace")
    if word:  # zeros up to 54, the UTF-16 copy from there; 162 bytes in all
        data = data.ljust(54, b"\0")
        size = 162
    else:  # spaces up to 55; 165 bytes in all
        data = data.ljust(55, b" ")
        size = 165
    data += len(shown).to_bytes(2, "little") + shown.encode("utf-16-le")
    while len(data) < size:
        data += b"\0" if word else b" \0"
    return bytes(data[:size])


def libreoffice_lock(name: str, user: str = "jane", host: str = "jane-laptop") -> bytes:
    def escaped(field: str) -> str:
        return "".join("\\" + c if c in "\\,;" else c for c in field)

    fields = [name, user, host, "22.11.2026 09:14", "file:///home/jane/.config/libreoffice/4"]
    return (",".join(escaped(f) for f in fields) + ";").encode("utf-8")


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return build_partners_workbook(tmp_path / "partners.xlsx", SMALL_PARTNERS)


def state(path: Path) -> tuple[str, int]:
    return digest(path), path.stat().st_mtime_ns


# --- reading the lock files -----------------------------------------------------------------------


def test_no_lock(workbook: Path) -> None:
    (workbook.parent / "~$other.xlsx").write_bytes(office_owner_file("Jane Doe"))
    (workbook.parent / ".~lock.other.xlsx#").write_bytes(libreoffice_lock("Jane Doe"))
    assert find_lock(workbook) is None


def test_excel_owner_file(workbook: Path) -> None:
    owner = workbook.parent / "~$partners.xlsx"
    owner.write_bytes(office_owner_file("Jane Doe"))
    assert len(owner.read_bytes()) == 165
    assert find_lock(workbook) == Lock("Excel", "Jane Doe", owner)


@pytest.mark.parametrize(
    ("workbook_name", "owner_name"),
    [
        ("partners-2026.xlsx", "~$rtners-2026.xlsx"),  # 13 characters: the first two replaced
        ("partner.xlsx", "~$artner.xlsx"),  # 7 characters: the first one replaced
    ],
)
def test_the_short_form_for_long_names(tmp_path: Path, workbook_name: str, owner_name: str) -> None:
    path = build_partners_workbook(tmp_path / workbook_name, SMALL_PARTNERS)
    owner = tmp_path / owner_name
    owner.write_bytes(office_owner_file("Jane Doe", word=True))
    assert find_lock(path) == Lock("Excel", "Jane Doe", owner)


def test_a_short_name_is_not_locked_by_another_workbooks_owner_file(tmp_path: Path) -> None:
    # "~$b.xlsx" is the owner file of b.xlsx, never a short form for ab.xlsx.
    path = build_partners_workbook(tmp_path / "ab.xlsx", SMALL_PARTNERS)
    (tmp_path / "~$b.xlsx").write_bytes(office_owner_file("Jane Doe"))
    assert find_lock(path) is None


def test_the_utf16_name_keeps_every_letter(workbook: Path) -> None:
    # The code-page copy of "Łucja Zoë" has "?" for Ł; the UTF-16 copy is whole.
    owner = workbook.parent / "~$partners.xlsx"
    owner.write_bytes(office_owner_file("Łucja Zoë"))
    assert owner.read_bytes()[1:10] == "?ucja Zoë".encode("cp1252")
    lock = find_lock(workbook)
    assert lock is not None and lock.holder == "Łucja Zoë"


def test_libreoffice_lock(workbook: Path) -> None:
    lock_file = workbook.parent / ".~lock.partners.xlsx#"
    lock_file.write_bytes(libreoffice_lock("Jane Doe"))
    assert find_lock(workbook) == Lock("LibreOffice", "Jane Doe", lock_file)


@pytest.mark.parametrize(
    ("content", "holder"),
    [
        (libreoffice_lock("Doe, Jane; Sr."), "Doe, Jane; Sr."),
        (libreoffice_lock("", user="jane"), "jane"),
        (libreoffice_lock("", user=""), None),
        (libreoffice_lock("Zoë") + b"\n", "Zoë"),
        (b"", None),
        (b"Jane Doe", "Jane Doe"),
        (b"\xff\xfe\x00garbage,,,", "garbage"),
    ],
    ids=["escapes", "no name: the system user", "nobody", "newline", "empty", "cut", "bytes"],
)
def test_libreoffice_lock_is_read_leniently(
    workbook: Path, content: bytes, holder: str | None
) -> None:
    (workbook.parent / ".~lock.partners.xlsx#").write_bytes(content)
    lock = find_lock(workbook)
    assert lock is not None and lock.program == "LibreOffice"
    assert lock.holder == holder


@pytest.mark.parametrize(
    "content",
    [b"", b"\x08Jane", bytes([200]) + b"x" * 164, b"\xff" * 165, b"\x00" * 165, b"\x04\x00\x00"],
    ids=["empty", "cut short", "length too big", "all 0xff", "all zero", "tiny"],
)
def test_an_odd_owner_file_still_counts_without_a_name(workbook: Path, content: bytes) -> None:
    (workbook.parent / "~$partners.xlsx").write_bytes(content)
    lock = find_lock(workbook)
    assert lock is not None and lock.program == "Excel"
    assert lock.holder is None or (lock.holder.isprintable() and lock.holder.strip())


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=400), libreoffice=st.booleans())
def test_no_lock_file_makes_it_crash(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, libreoffice: bool
) -> None:
    folder = tmp_path_factory.mktemp("lock")
    path = folder / "partners.xlsx"
    path.write_bytes(b"")
    name = ".~lock.partners.xlsx#" if libreoffice else "~$partners.xlsx"
    (folder / name).write_bytes(content)
    lock = find_lock(path)
    assert lock is not None
    assert lock.holder is None or (lock.holder.isprintable() and lock.holder == lock.holder.strip())


def test_a_pipe_named_like_a_lock_is_never_opened(workbook: Path) -> None:
    # Opening a pipe for reading would wait for a writer forever.
    os.mkfifo(workbook.parent / ".~lock.partners.xlsx#")
    assert find_lock(workbook) is None


def test_a_lock_beside_the_target_of_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = build_partners_workbook(tmp_path / "real" / "partners.xlsx", SMALL_PARTNERS)
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    (tmp_path / "real" / ".~lock.partners.xlsx#").write_bytes(libreoffice_lock("Jane Doe"))
    lock = find_lock(link)
    assert lock is not None and lock.holder == "Jane Doe"


# --- what review does with a lock ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lock_name", "content", "sentence"),
    [
        (
            "~$partners.xlsx",
            office_owner_file("Jane Doe"),
            "partners.xlsx is open in Excel by Jane Doe (lock file ~$partners.xlsx): close it "
            "there and run again, or write a copy with --output. If nobody has it open, the "
            "lock is stale: run again with --ignore-lock.",
        ),
        (
            ".~lock.partners.xlsx#",
            libreoffice_lock("Jane Doe"),
            "partners.xlsx is open in LibreOffice by Jane Doe (lock file .~lock.partners.xlsx#): "
            "close it there and run again, or write a copy with --output. If nobody has it "
            "open, the lock is stale: run again with --ignore-lock.",
        ),
        (
            "~$partners.xlsx",
            b"",
            "partners.xlsx is open in Excel (lock file ~$partners.xlsx): close it there and run "
            "again, or write a copy with --output. If nobody has it open, the lock is stale: "
            "run again with --ignore-lock.",
        ),
    ],
    ids=["Excel", "LibreOffice", "nobody named"],
)
def test_review_in_place_refuses_while_the_workbook_is_open(
    workbook: Path, lock_name: str, content: bytes, sentence: str
) -> None:
    (workbook.parent / lock_name).write_bytes(content)
    before = state(workbook)
    for args in (["review", "partners.xlsx"], ["review", "partners.xlsx", "-o", "partners.xlsx"]):
        result = run(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {sentence}\n")
    assert state(workbook) == before
    assert leftovers(workbook.parent) == []


def test_a_stale_lock_may_be_ignored(workbook: Path) -> None:
    (workbook.parent / "~$partners.xlsx").write_bytes(office_owner_file("Jane Doe"))
    result = run("review", "partners.xlsx", "--ignore-lock", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert result.stdout.endswith("Wrote partners.xlsx: computed columns, Review and History.\n")


@pytest.mark.parametrize(
    "command", [["check"], ["review", "--dry-run"], ["review", "--output", "copy.xlsx"]]
)
def test_reading_a_locked_workbook_is_fine(workbook: Path, command: list[str]) -> None:
    (workbook.parent / ".~lock.partners.xlsx#").write_bytes(libreoffice_lock("Jane Doe"))
    before = state(workbook)
    result = run(command[0], "partners.xlsx", *command[1:])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert state(workbook) == before


def test_an_output_that_is_open_is_not_written_over(workbook: Path) -> None:
    copy = workbook.parent / "copy.xlsx"
    copy.write_bytes(b"the copy Jane has open")
    (workbook.parent / "~$copy.xlsx").write_bytes(office_owner_file("Jane Doe"))
    before = state(workbook)
    result = run("review", "partners.xlsx", "--output", "copy.xlsx")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "Error: copy.xlsx is open in Excel by Jane Doe (lock file ~$copy.xlsx): close it there "
        "and run again, or choose another file for --output. If nobody has it open, the lock "
        "is stale: run again with --ignore-lock.\n",
    )
    assert copy.read_bytes() == b"the copy Jane has open"
    assert state(workbook) == before
    result = run("review", "partners.xlsx", "--output", "copy.xlsx", "--ignore-lock")
    assert result.exit_code == 0, result.output
