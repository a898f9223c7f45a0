"""Read the workbook's sheets into checked `Inputs`, collecting every problem with its cell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import Problem, WorkbookProblems
from .history import read_history
from .model import HistoryLayout, HistoryRow, Inputs, Settings, Weights
from .partners import read_partners
from .sheets import SHEET_NAMES, SheetData, find_sheet
from .tables import read_competitors, read_settings, read_weights


def read_inputs(
    sheets: Mapping[str, SheetData],
    titles: Sequence[str],
    other_kinds: Mapping[str, str] | None = None,
) -> Inputs:
    """Check and convert the workbook's sheets; raise `WorkbookProblems` listing every problem.

    `sheets` holds our sheets by the workbook's own titles (found with `find_sheet`);
    `titles` lists every sheet of the workbook, in order; `other_kinds` gives the kind
    ("chartsheet", "dialogsheet", "macrosheet") of each sheet that is not a worksheet.
    """
    problems = _not_worksheets(titles, other_kinds or {})
    misplaced = {problem.sheet for problem in problems}

    def sheet(name: str) -> SheetData | None:
        title = find_sheet(titles, name)
        if title is None or title in misplaced:
            return None
        return sheets.get(title)

    partners_data = sheet("Partners")
    if partners_data is None and find_sheet(titles, "Partners") not in misplaced:
        # Still read the other sheets, so every problem is reported at once.
        problems.append(
            Problem(
                "Partners",
                "",
                "the workbook has no Partners sheet; add a sheet named Partners "
                "(`partnersheet new` writes a workbook with every sheet ready)",
            )
        )
    settings_data, weights_data = sheet("Settings"), sheet("Weights")
    competitors_data, history_data = sheet("Competitors"), sheet("History")
    settings = read_settings(settings_data, problems) if settings_data else Settings()
    weights = read_weights(weights_data, problems) if weights_data else Weights()
    competitors = read_competitors(competitors_data, problems) if competitors_data else ()
    read = read_partners(partners_data, settings, problems) if partners_data else None
    history: tuple[HistoryRow, ...] = ()
    history_layout: HistoryLayout | None = None
    if history_data is not None:
        history, history_layout = read_history(history_data, problems)
    if problems or read is None:
        order = {title: index for index, title in enumerate(titles)}
        raise WorkbookProblems(sorted(problems, key=lambda p: order.get(p.sheet, -1)))
    partners, layout = read
    return Inputs(
        partners=partners,
        weights=weights,
        settings=settings,
        competitors=competitors,
        history=history,
        layout=layout,
        history_layout=history_layout,
        sheet_titles=tuple(titles),
    )


#: What each kind of sheet that is not a worksheet is called in a spreadsheet program.
_KIND_NAMES = {"chartsheet": "chart", "dialogsheet": "dialog", "macrosheet": "macro"}


def _not_worksheets(titles: Sequence[str], other_kinds: Mapping[str, str]) -> list[Problem]:
    """A problem for each of partnersheet's sheet names held by a sheet of another kind
    (a chart sheet called Review, say): it could neither be read nor written."""
    problems = []
    for name in SHEET_NAMES:
        title = find_sheet(titles, name)
        if title is None or title not in other_kinds:
            continue
        kind = _KIND_NAMES.get(other_kinds[title], "special")
        does = {"Review": "writes the review on", "History": "keeps each review's scores on"}.get(
            name, "reads"
        )
        problems.append(
            Problem(
                title,
                "",
                f"this is a {kind} sheet, and partnersheet {does} a worksheet called {name}; "
                f"rename this one (to {name} {kind}, say) so a worksheet can take its name",
            )
        )
    return problems
