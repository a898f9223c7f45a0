"""Writing a file safely: a new file beside the old one, then put in its place."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import CannotWrite

#: A temporary file of ours this old (seconds) was left by a review that was killed.
STALE_TEMPORARY = 15 * 60


def _temporary_prefix(target: Path) -> str:
    # The workbook's name is in the temporary's, so a later review can tell its own leftovers.
    return f".~partnersheet-{target.stem[:80]}-"


def _remove_stale_temporaries(target: Path) -> None:
    """Delete this workbook's temporaries that a killed review left behind."""
    now = time.time()
    try:
        # Names compared as the system compares them (without case on Windows), as glob would.
        prefix = os.path.normcase(_temporary_prefix(target))
        leftovers = [
            item
            for item in target.parent.iterdir()
            if os.path.normcase(item.name).startswith(prefix)
        ]
    except OSError:
        return
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_TEMPORARY:
                leftover.unlink()


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    _remove_stale_temporaries(target)
    handle, name = tempfile.mkstemp(
        prefix=_temporary_prefix(target), suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class FileState:
    """What tells that a file was changed: its size, time of change and identity on disk."""

    size: int
    modified_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        found = path.stat()
        return cls(found.st_size, found.st_mtime_ns, found.st_ino)


def check_unchanged(path: Path, state: FileState) -> None:
    """Refuse to go on when the file is not as it was when it was read."""
    try:
        now = FileState.of(path)
    except OSError:
        now = None
    if now != state:
        raise CannotWrite(
            f"{path.name} changed on disk while partnersheet was reviewing it (another "
            "program saved it), so nothing was written; review it again."
        )


def replace_file(
    target: Path,
    write: Callable[[Path], None],
    *,
    like: Path | None = None,
    unchanged: tuple[Path, FileState] | None = None,
) -> None:
    """Write a new file beside `target` with `write`, then put it in `target`'s place, so a
    failed write harms nothing.

    `like` is the file whose permissions the result keeps (the original workbook). With
    `unchanged`, a file and its state when it was read: nothing is put in place when that
    file has changed since.
    """
    if target.is_symlink():
        # Replace the workbook the link points to; replacing the link would leave it as it was.
        target = target.resolve()
    if not target.parent.exists():
        raise CannotWrite(
            f"the folder {target.parent} does not exist; create it or choose another."
        )
    try:
        with _temporary_beside(target) as temporary:
            write(temporary)
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            source = like if like is not None and like.exists() else target
            if source.exists():
                shutil.copymode(source, temporary)
            else:
                os.chmod(temporary, 0o666 & ~_umask())
            if unchanged is not None:
                check_unchanged(*unchanged)
            os.replace(temporary, target)
    except PermissionError as error:
        raise CannotWrite(
            f"{target.name} could not be written ({error.strerror or error}); check you may "
            "write to that folder and that the file is not open elsewhere. Nothing was changed."
        ) from None
    except OSError as error:
        raise CannotWrite(
            f"{target.name} could not be written ({error.strerror or error}). Nothing was changed."
        ) from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
