"""partnersheet: score, rank and review your referral partnerships in one Excel workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    CannotWrite,
    PartnersheetError,
    Problem,
    UnknownOwner,
    UnreadableWorkbook,
    WorkbookProblems,
)

if TYPE_CHECKING:
    from .files.workbook import check_workbook, overdue_in_workbook, review_workbook

__all__ = [
    "CannotWrite",
    "PartnersheetError",
    "Problem",
    "UnknownOwner",
    "UnreadableWorkbook",
    "WorkbookProblems",
    "__version__",
    "check_workbook",
    "overdue_in_workbook",
    "review_workbook",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("partnersheet")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


def __getattr__(name: str) -> Any:
    # Looked up on first use: reading the installed metadata costs every command 40 ms.
    if name == "__version__":
        return _version()
    # Imported on first use so that `partnersheet --help` need not load openpyxl.
    if name in ("check_workbook", "overdue_in_workbook", "review_workbook"):
        from .files import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
