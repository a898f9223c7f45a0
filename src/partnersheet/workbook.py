"""Review or check a workbook file: the library's entry points for the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from .errors import CannotWrite
from .inputs import read_inputs
from .model import Inputs
from .review import ReviewResult, plan_review
from .xlsx import (
    LoadedBook,
    apply_review,
    load_book,
    read_book,
    refuse_declarations,
    save_book,
)


def check_workbook(path: Path) -> Inputs:
    """Read and check a workbook; raise `WorkbookProblems` or `UnreadableWorkbook`.

    Only the sheets partnersheet reads are read, as a stream: nothing is loaded whole.
    """
    sheets, titles = read_book(path)
    refuse_declarations(path)
    return read_inputs(sheets, titles)


def review_workbook(
    path: Path,
    *,
    output: Path | None = None,
    reviewed_on: dt.date | None = None,
    dry_run: bool = False,
    accept_loss: bool = False,
    ignore_lock: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ReviewResult:
    """Review a workbook and write the result in place, or to `output`.

    Nothing is written when the workbook has a problem or `dry_run` is set. Before writing,
    a file that is open in Excel or LibreOffice (a lock file beside it) is refused unless
    `ignore_lock`; and writing in place is refused when saving would drop something openpyxl
    cannot keep (text boxes, sparklines...) unless `accept_loss`: a copy (`output`) may
    always be written, the original staying as it was.

    `progress`, when given, is told what the review is doing: reading, checking, writing.
    """
    tell = progress or (lambda step: None)
    tell(f"Reading {path.name}")
    if not dry_run:
        from .locks import refuse_if_locked

        in_place = output is None or output.resolve() == path.resolve()
        if not ignore_lock:
            refuse_if_locked(path if in_place or output is None else output, output=not in_place)
        if in_place and not accept_loss:
            # Imported here: only a review in place looks for what a save would lose.
            from .package import refuse_losses
            from .xlsx import identify

            identify(path)
            refuse_losses(path)
    book = load_book(path)
    try:
        return _review(book, path, output, reviewed_on, dry_run, tell)
    finally:
        # openpyxl keeps a macro-enabled workbook's file open to copy its macros from.
        if book.workbook.vba_archive is not None:
            book.workbook.vba_archive.close()


def _review(
    book: LoadedBook,
    path: Path,
    output: Path | None,
    reviewed_on: dt.date | None,
    dry_run: bool,
    tell: Callable[[str], None],
) -> ReviewResult:
    if output is not None:
        _check_output(path, output, book.macro_enabled)
    tell("Checking and scoring the partners")
    result = plan_review(read_inputs(book.sheets, book.titles), reviewed_on or dt.date.today())
    if not dry_run:
        tell(f"Writing {(output or path).name}")
        apply_review(book, result)
        save_book(book.workbook, output or path, like=path, formula_results=book.formula_results)
    return result


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
