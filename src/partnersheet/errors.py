"""The library's one exception hierarchy; the CLI turns each into a message and exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class PartnersheetError(Exception):
    """Base of every error partnersheet reports to a person."""


class UnreadableWorkbook(PartnersheetError):
    """The file is not a workbook partnersheet can read (missing, not .xlsx, damaged...)."""


class CannotWrite(PartnersheetError):
    """The workbook could not be written; the original is left as it was."""


class UnknownOwner(PartnersheetError):
    """No partner has the owner asked for."""


@dataclass(frozen=True)
class Problem:
    """One problem in what the user typed, with where it is and what to do."""

    sheet: str
    #: A cell ("M7"), a row ("7") or "" when the problem is the sheet as a whole.
    cell: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.message}"


class WorkbookProblems(PartnersheetError):
    """The workbook has problems in its input; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
