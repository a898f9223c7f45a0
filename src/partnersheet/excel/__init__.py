"""partnersheet inside Excel: the Recalculate button and xlwings Lite run `main` and
`recalculate` (the live-book adapter), and `partnersheet new` builds the macro workbook."""

from __future__ import annotations

from .live import main, problems_text, recalculate

__all__ = ["main", "problems_text", "recalculate"]
