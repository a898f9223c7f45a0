"""Review or check a workbook file: the library's entry points for the command line."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core.inputs import read_inputs
from ..core.model import Inputs
from ..core.reminders import Reminders, reminders
from ..core.review import ReviewResult, plan_review, score_all
from ..errors import CannotWrite
from .reading import read_workbook
from .saving import FileState
from .writing import check_parts_readable, previous_values, write_review


def check_workbook(path: Path) -> Inputs:
    """Read and check a workbook; raise `WorkbookProblems` or `UnreadableWorkbook`."""
    with _collector_paused():
        book, sheets = read_workbook(path)
        inputs = read_inputs(sheets, book.titles, book.other_kinds)
    check_parts_readable(path)
    return inputs


def overdue_in_workbook(
    path: Path, *, on: dt.date | None = None, owner: str | None = None
) -> Reminders:
    """The partners overdue for contact on a day (default today), as `review` would list
    them, with only `owner`'s partners when given; writes nothing. Raises what
    `check_workbook` raises, and `UnknownOwner` when no partner has `owner`."""
    with _collector_paused():
        book, sheets = read_workbook(path)
        inputs = read_inputs(sheets, book.titles, book.other_kinds)
        del sheets
        day = on or dt.date.today()
        scored = score_all(inputs, day)
    return reminders(scored.ordered, day, owner)


def review_workbook(
    path: Path,
    *,
    output: Path | None = None,
    reviewed_on: dt.date | None = None,
    dry_run: bool = False,
    ignore_lock: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ReviewResult:
    """Review a workbook and write the result in place, or to `output`.

    Only the parts partnersheet owns are written (the computed columns, the Review sheet,
    History and the status cell); every other part of the file is kept as it is. Nothing is
    written when the workbook has a problem or `dry_run` is set, when the file changes on
    disk during the review, or, unless `ignore_lock`, when a lock file beside it says it is
    open in Excel or LibreOffice.

    `progress`, when given, is told what the review is doing: reading, checking, writing.
    """
    tell = progress or (lambda step: None)
    tell(f"Reading {path.name}")
    with _collector_paused():
        state = _state(path)
        book, sheets = read_workbook(path)
        tell("Checking and scoring the partners")
        inputs = read_inputs(sheets, book.titles, book.other_kinds)
        if output is not None:  # after the workbook's own problems, which come first
            _check_output(path, output, book.macro_enabled)
        previous = previous_values(sheets, inputs)
        del sheets  # the values read are in `inputs` now: a large workbook's rows can go
        result = plan_review(inputs, reviewed_on or dt.date.today())
        if not dry_run and not ignore_lock:
            # Only once the workbook is known to be fine: its problems come first.
            from .locks import refuse_if_locked

            in_place = output is None or output.resolve() == path.resolve()
            refuse_if_locked(path if in_place or output is None else output, output=not in_place)
        if dry_run:  # what writing would find, as `check` finds it
            check_parts_readable(path)
        else:
            tell(f"Writing {(output or path).name}")
            write_review(book, result, output or path, read_as=state, previous=previous)
    return result


def _state(path: Path) -> FileState:
    """The file's state before it is read; a file that cannot be read is left to the reader."""
    try:
        return FileState.of(path)
    except OSError:
        return FileState(-1, -1, -1)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a workbook is read, reviewed and written.

    A workbook is millions of objects that live until the end; each full collection would
    walk all of them again, for nothing (about 3 s of a review of 10,000 partners). Objects
    are still freed as soon as nothing refers to them; only cycles wait until the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_output(path: Path, output: Path, macro_enabled: bool) -> None:
    wanted = ".xlsm" if macro_enabled else ".xlsx"
    if output.suffix.casefold() != wanted:
        kind = "a macro-enabled workbook" if macro_enabled else "a workbook without macros"
        raise CannotWrite(
            f"{path.name} is {kind}, so the output's name must end in {wanted} "
            f"(not {output.name}); Excel refuses a file whose name does not match its kind."
        )
    if output.exists() and output.is_dir():
        raise CannotWrite(f"{output} is a folder; give a file name ending in {wanted}.")
