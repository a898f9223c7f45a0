"""Who has a workbook open: the lock files Excel and LibreOffice keep beside it.

Excel keeps an owner file `~$partners.xlsx` while the workbook is open (Office, for long
names, may put `~$` in place of the first one or two characters instead: both forms are
looked for). It is 165 bytes: a byte with the length of the user's name, the name in the Windows
code page, spaces, then the length again as two bytes and the name in UTF-16. LibreOffice
writes the same kind of owner file for Office formats, and its own `.~lock.partners.xlsx#`:
one line of five comma-separated fields (the user's name as set in LibreOffice, the system
user, the computer, the time, the profile's address), the last ended by a semicolon, with
`\\`, `,` and `;` in a field escaped by a backslash.

Reading a lock never fails: a lock file that cannot be read, or holds odd bytes, still
counts as a lock, only without a name. Only regular files count (a pipe named like a lock
file is never opened, so it cannot make partnersheet wait).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import PartnersheetError

#: Enough of any lock file: Excel's is 165 bytes, LibreOffice's one short line.
_READ = 4096
#: Where the UTF-16 copy of the name's length may be in an owner file: Excel (and
#: PowerPoint) put it after 55 bytes, Word after 54.
_UTF16_AT = (55, 54)
#: Office allows user names of at most 52 characters.
_LONGEST_NAME = 52


@dataclass(frozen=True)
class Lock:
    """A lock on a workbook: the program, the person holding it when known, the lock file."""

    program: str
    holder: str | None
    lock_file: Path


class WorkbookLocked(PartnersheetError):
    """The workbook, or the file to write, is open in a spreadsheet program."""


def find_lock(path: Path) -> Lock | None:
    """The lock on `path` when there is one: LibreOffice's first (it says more), then Excel's."""
    places = [path]
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        resolved = path
    if resolved != path:
        places.append(resolved)  # a program that follows links keeps its lock by the target
    for place in places:
        libreoffice = place.with_name(f".~lock.{place.name}#")
        if _is_file(libreoffice):
            return Lock("LibreOffice", _libreoffice_holder(libreoffice), libreoffice)
    for place in places:
        for owner in _owner_files(place):
            if _is_file(owner):
                return Lock("Excel", _owner_file_holder(owner), owner)
    return None


def refuse_if_locked(path: Path, *, output: bool = False) -> None:
    """Raise `WorkbookLocked` with one message when `path` is open in a spreadsheet program.

    `output` says `path` is the file to write to, not the workbook being reviewed.
    """
    lock = find_lock(path)
    if lock is None:
        return
    by = f" by {lock.holder}" if lock.holder else ""
    other = "choose another file for --output" if output else "write a copy with --output"
    raise WorkbookLocked(
        f"{path.name} is open in {lock.program}{by} (lock file {lock.lock_file.name}): close "
        f"it there and run again, or {other}. If nobody has it open, the lock is stale: run "
        "again with --ignore-lock."
    )


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _owner_files(path: Path) -> list[Path]:
    name = path.name
    names = [f"~${name}"]
    # The short form Office uses for long names: `~$` in place of the first character when
    # the name without its extension has 7 characters, of the first two from 8 on. Not
    # looked for in shorter names, whose short form would be another file's full one.
    stem = len(Path(name).stem)
    if stem >= 7:
        names.append(f"~${name[2 if stem >= 8 else 1 :]}")
    return [path.with_name(n) for n in names]


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_READ)
    except OSError:
        return b""


def _clean(name: str) -> str | None:
    """A name fit to show: printable, without bytes that did not decode, trimmed, not empty."""
    shown = "".join(c for c in name if c.isprintable() and c != "\ufffd").strip()
    return shown or None


def _libreoffice_holder(path: Path) -> str | None:
    """The user's name in LibreOffice, or else the system user, from a `.~lock.…#` file."""
    text = _read(path).decode("utf-8", "replace")
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for character in text:
        if escaped:
            current.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in ",;\n":
            fields.append("".join(current))
            current = []
            if character != "," or len(fields) >= 2:
                break
        else:
            current.append(character)
    else:
        fields.append("".join(current))
    for field in fields[:2]:
        if (name := _clean(field)) is not None:
            return name
    return None


def _owner_file_holder(path: Path) -> str | None:
    """The user's name from an Office owner file (`~$…`): its UTF-16 copy when that reads
    well, else the one in the Windows code page."""
    data = _read(path)
    if not data:
        return None
    length = data[0]
    ansi = None
    if 0 < length <= _LONGEST_NAME and len(data) > length:
        ansi = _clean(data[1 : 1 + length].decode("cp1252", "replace"))
    candidates = []
    for at in _UTF16_AT:
        if len(data) < at + 2:
            continue
        count = int.from_bytes(data[at : at + 2], "little")
        raw = data[at + 2 : at + 2 + 2 * count]
        if 0 < count <= _LONGEST_NAME and len(raw) == 2 * count:
            name = _clean(raw.decode("utf-16-le", "replace"))
            if name is not None and "\ufffd" not in name:
                candidates.append(name)
    # The UTF-16 copy keeps letters the code page cannot; prefer the one agreeing with the
    # code-page name when both read.
    for name in candidates:
        if ansi is None or name.encode("cp1252", "replace").decode("cp1252") == ansi:
            return name
    return ansi or (candidates[0] if candidates else None)
