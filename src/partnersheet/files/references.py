"""Cell references as the workbook writes them: "B7", "$B$7", "B2:D9"."""

from __future__ import annotations

from functools import cache

from ..core.sheets import column_letter

_DIGITS = "0123456789"


@cache
def column_number(letters: str) -> int:
    """A → 1, AB → 28. (Kept for each spelling met: a sheet has few columns, and each of
    its cells names one; this is a share of reading a sheet worth keeping, per the
    benchmark.)"""
    if not (letters.isascii() and letters.isalpha() and len(letters) <= 3):
        raise ValueError(f"{letters!r} is not a column")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@cache
def letters(column: int) -> str:
    """1 → A, 28 → AB (kept for each column written, as `column_number` is)."""
    return column_letter(column)


def split_reference(reference: str) -> tuple[int, int]:
    """ "B7" → (7, 2): the row and column numbers of a cell reference."""
    text = reference.replace("$", "") if "$" in reference else reference
    column = text.rstrip(_DIGITS)
    row = text[len(column) :]
    if not row.isdigit():
        raise ValueError(f"{reference!r} is not a cell reference")
    return int(row), column_number(column)


def split_range(reference: str) -> tuple[int, int, int, int]:
    """ "B2:D9" → (2, 2, 9, 4): first row, first column, last row, last column."""
    first, _, last = reference.strip().partition(":")
    top, left = split_reference(first)
    bottom, right = split_reference(last) if last else (top, left)
    return min(top, bottom), min(left, right), max(top, bottom), max(left, right)


def reference(row: int, column: int) -> str:
    """(7, 2) → "B7"."""
    return f"{letters(column)}{row}"
