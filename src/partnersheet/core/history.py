"""The History sheet as it stands: each earlier review's rows."""

from __future__ import annotations

from ..errors import Problem
from .model import HISTORY_HEADERS, HistoryLayout, HistoryRow, normalise_name
from .sheets import (
    Row,
    SheetData,
    as_date,
    as_number,
    as_whole,
    find_table,
    is_blank,
    is_empty,
    rows_below,
)

_ADVICE = "partnersheet keeps this sheet: undo the change, or delete the row"


def read_history(
    data: SheetData, problems: list[Problem]
) -> tuple[tuple[HistoryRow, ...], HistoryLayout | None]:
    """The rows of earlier reviews, and where the table is; nothing for an empty sheet."""
    if is_empty(data):
        return (), None
    table = find_table(
        data, HISTORY_HEADERS[0], HISTORY_HEADERS[1:3], problems, optional=HISTORY_HEADERS[3:]
    )
    if table is None:
        return (), None
    columns = tuple(table.columns.get(normalise_name(h), 0) for h in HISTORY_HEADERS)
    below = rows_below(data, table.row)
    layout = HistoryLayout(
        title=data.title,
        header_row=table.row,
        columns=columns,
        last_row=below[-1] if below else table.row,
        filled_headers=frozenset(
            number
            for number, value in enumerate(data.rows.get(table.row, ()), start=1)
            if not is_blank(value)
        ),
    )
    rows = []
    for number in below:
        found = _history_row(Row(data.title, number, data.rows[number], problems), columns)
        if found is not None:
            rows.append(found)
    return tuple(rows), layout


def _history_row(row: Row, columns: tuple[int, ...]) -> HistoryRow | None:
    """One row of History; None for a blank row or one without its date or partner."""
    if row.is_blank(c for c in columns if c):
        return None
    date_col, partner_col, score_col, rank_col, band_col, weights_col = (c or None for c in columns)
    reviewed_on = row.read(date_col, as_date, "Reviewed on", _ADVICE)
    partner = row.text(partner_col)
    if reviewed_on is None or not partner:
        if reviewed_on is None and is_blank(row.raw(date_col)):
            row.problem(date_col, f"this row has no Reviewed on date; {_ADVICE}")
        elif not partner:
            row.problem(partner_col, f"this row has no partner; {_ADVICE}")
        return None
    return HistoryRow(
        row=row.row,
        reviewed_on=reviewed_on,
        partner=partner,
        weighted_score=row.read(score_col, as_number, "Weighted score", _ADVICE),
        rank=row.read(rank_col, as_whole, "Rank", _ADVICE),
        band=row.text(band_col),
        weights=row.text(weights_col),
    )
