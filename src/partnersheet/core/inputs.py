"""Read the workbook's sheets into checked `Inputs`, collecting every problem with its cell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import Problem, WorkbookProblems
from .history import read_history
from .model import HistoryLayout, HistoryRow, Inputs, Settings, Weights
from .partners import read_partners
from .sheets import SheetData, find_sheet
from .tables import read_competitors, read_settings, read_weights


def read_inputs(sheets: Mapping[str, SheetData], titles: Sequence[str]) -> Inputs:
    """Check and convert the workbook's sheets; raise `WorkbookProblems` listing every problem.

    `sheets` holds our sheets by the workbook's own titles (found with `find_sheet`);
    `titles` lists every sheet of the workbook, in order.
    """
    problems: list[Problem] = []

    def sheet(name: str) -> SheetData | None:
        title = find_sheet(titles, name)
        return sheets.get(title) if title is not None else None

    partners_data = sheet("Partners")
    if partners_data is None:
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
