"""One cell as worksheet XML: its value written as the format stores it, and its style."""

from __future__ import annotations

import datetime as dt

from ..core.model import CellValue, fitted_text
from .references import reference
from .strings import StringTable

_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
#: Before this day, Excel's 1900 calendar counts a 29 February 1900 that never was.
_FIRST_TRUE_SERIAL = dt.datetime(1900, 3, 1)


def serial(value: dt.date, *, date1904: bool = False) -> float:
    """A date (or date and time) as the day number the workbook stores."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    days = (moment - (_EPOCH_1904 if date1904 else _EPOCH_1900)).total_seconds() / 86_400
    if not date1904 and moment < _FIRST_TRUE_SERIAL:
        days -= 1
    return days


def number_text(value: float) -> str:
    """A number as the file writes it: the shortest text that reads back as the same number."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value)


def cell_xml(
    prefix: str,
    row: int,
    column: int,
    value: CellValue,
    style: int,
    strings: StringTable,
    *,
    date1904: bool = False,
) -> str:
    """A `<c>` element. Text stays text (a shared string, never a formula) and fits in a
    cell; a date is a day number (its style gives it a date format); None leaves the cell
    with its style only, or not written at all when it has none."""
    ref = reference(row, column)
    styled = f' s="{style}"' if style else ""
    c = f"{prefix}c"
    if value is None:
        return f'<{c} r="{ref}"{styled}/>' if style else ""
    if isinstance(value, str):
        place = strings.index(fitted_text(value))
        return f'<{c} r="{ref}"{styled} t="s"><{prefix}v>{place}</{prefix}v></{c}>'
    if isinstance(value, bool):
        return f'<{c} r="{ref}"{styled} t="b"><{prefix}v>{int(value)}</{prefix}v></{c}>'
    if isinstance(value, dt.date):
        value = serial(value, date1904=date1904)
    if isinstance(value, (int, float)):
        return f'<{c} r="{ref}"{styled}><{prefix}v>{number_text(value)}</{prefix}v></{c}>'
    raise TypeError(f"partnersheet does not write a {type(value).__name__} into a cell")
