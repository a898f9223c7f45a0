"""partnersheet: score, rank and review your referral partnerships in one Excel workbook."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .errors import (
    CannotWrite,
    PartnersheetError,
    Problem,
    UnreadableWorkbook,
    WorkbookProblems,
)

if TYPE_CHECKING:
    from .workbook import check_workbook, review_workbook

try:
    __version__ = version("partnersheet")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "CannotWrite",
    "PartnersheetError",
    "Problem",
    "UnreadableWorkbook",
    "WorkbookProblems",
    "__version__",
    "check_workbook",
    "review_workbook",
]


def __getattr__(name: str) -> Any:
    # Imported on first use so that `partnersheet --help` need not load openpyxl.
    if name in ("check_workbook", "review_workbook"):
        from . import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
