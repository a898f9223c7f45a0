"""Review or check a workbook file: the library's entry points for the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import CannotWrite
from .inputs import read_inputs
from .model import Inputs
from .review import ReviewResult, plan_review
from .xlsx import apply_review, load_book, save_book


def check_workbook(path: Path) -> Inputs:
    """Read and check a workbook; raise `WorkbookProblems` or `UnreadableWorkbook`."""
    book = load_book(path)
    return read_inputs(book.sheets, book.titles)


def review_workbook(
    path: Path,
    *,
    output: Path | None = None,
    reviewed_on: dt.date | None = None,
    dry_run: bool = False,
) -> ReviewResult:
    """Review a workbook and write the result in place, or to `output`.

    Nothing is written when the workbook has a problem or `dry_run` is set.
    """
    book = load_book(path)
    if output is not None:
        _check_output(path, output, book.macro_enabled)
    result = plan_review(read_inputs(book.sheets, book.titles), reviewed_on or dt.date.today())
    if not dry_run:
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
