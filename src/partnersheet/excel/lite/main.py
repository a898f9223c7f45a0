"""partnersheet's Recalculate script for xlwings Lite (paste into the Lite editor's main.py).

It runs the same review as `partnersheet review`, inside Excel, on the open workbook.
"""

import xlwings as xw
from xlwings import script

from partnersheet.excel import recalculate as review_partners


@script(name="Recalculate", button="[Recalculate]Partners!A1", show_taskpane=False)
def recalculate(book: xw.Book) -> None:
    """Score, rank and review the partners, and write the Review and History sheets."""
    review_partners(book)
