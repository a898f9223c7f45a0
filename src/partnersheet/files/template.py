"""A fresh partnersheet workbook, with its dropdowns and instructions, and a filled-in example."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..core.model import (
    DATE_FORMAT,
    HISTORY_HEADERS,
    PARTNERS_HEADERS,
    SETTING_HELP,
    Agreement,
    Column,
    Header,
    Ingredient,
    MissingScores,
    Setting,
    Weights,
)
from ..core.review_lines import COLUMN_WIDTHS
from ..errors import CannotWrite
from .example import (
    EXAMPLE_COMPETITORS,
    EXAMPLE_PARTNERS,
    EXAMPLE_SETTINGS,
    ExamplePartner,
    example_history,
    example_weights,
)
from .instructions import INSTRUCTIONS as INSTRUCTION_LINES

PARTNERS = "Partners"
WEIGHTS = "Weights"
SETTINGS = "Settings"
COMPETITORS = "Competitors"
INSTRUCTIONS = "Instructions"
REVIEW = "Review"
HISTORY = "History"

#: The sheets of a fresh workbook, in order; the example adds History at the end.
SHEETS: tuple[str, ...] = (PARTNERS, REVIEW, WEIGHTS, SETTINGS, COMPETITORS, INSTRUCTIONS)

#: What the Review sheet says until the first review replaces it.
REVIEW_PROMPT = (
    "Run partnersheet review on this workbook (see the Instructions sheet) to score and rank "
    "your partners; the review appears here."
)

WEIGHTS_HEADERS: tuple[str, ...] = ("Ingredient", "Weight", "Meaning", "Action")
SETTINGS_HEADERS: tuple[str, ...] = ("Setting", "Value", "What it does")
COMPETITORS_HEADERS: tuple[str, ...] = ("Competitor", "Also known as")

#: The settings of the contact reminders, in the Settings sheet's order.
CONTACT_SETTINGS = (
    Setting.CONTACT_STRONG_EVERY,
    Setting.CONTACT_KEEP_EVERY,
    Setting.CONTACT_IMPROVE_EVERY,
)

#: Partners rows 2 to this one get the dropdowns, number formats and shading.
LAST_ROW = 500

#: Written as the workbook's created and modified time, so every run writes the same bytes.
FIXED_TIME = dt.datetime(2026, 1, 1)

TEMP_PREFIX = ".~partnersheet-"

_HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill(fill_type="solid", fgColor="1F4E78")
_COMPUTED_HEADER_FONT = Font(name="Calibri", bold=True, italic=True, color="1F4E78")
_COMPUTED_HEADER_FILL = PatternFill(fill_type="solid", fgColor="C9D3E0")
_COMPUTED_BODY_FILL = PatternFill(fill_type="solid", fgColor="EEF1F5")
_HEADER_BORDER = Border(bottom=Side(style="medium", color="1F2937"))
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top")

_NUMBER_FORMATS: dict[Header, str] = {
    Column.HOURS_PER_MONTH: "0.0",
    Column.FEES_RECEIVED: "#,##0",
    Column.LAST_CONTACT: DATE_FORMAT,
    Column.WEIGHTED_SCORE: "0.0",
    Column.SCORE_PER_HOUR: "0.0",
    Column.NEXT_CONTACT: DATE_FORMAT,
}

_PARTNERS_WIDTHS: dict[Column, float] = {
    Column.PARTNER: 22,
    Column.ORGANISATION: 34,
    Column.OFFERS: 46,
    Column.COMPETITOR_GROUP: 22,
    Column.ALSO_REFERS_TO: 32,
    Column.AGREEMENT: 11,
    Column.HOURS_PER_MONTH: 10,
    Column.REFERRALS_SENT: 10,
    Column.REFERRALS_RECEIVED: 10,
    Column.FEES_RECEIVED: 10,
    Column.LAST_CONTACT: 12,
    Column.OWNER: 18,
    Column.NOTES: 64,
    Column.WEIGHTED_SCORE: 10,
    Column.RANK: 7,
    Column.BAND: 9,
    Column.WORK_ON: 28,
    Column.CONFLICTS: 48,
    Column.SCORE_PER_HOUR: 9,
    Column.STATUS: 30,
    Column.TREND: 22,
    Column.NEXT_CONTACT: 12,
}
_SCORE_WIDTH = 16

#: Excel's limits on a data validation's texts.
_MAX_TITLE = 32
_MAX_PROMPT = 255
_MAX_ERROR = 225


def build_workbook(example: bool = False, *, macro: bool = False) -> Workbook:
    """A fresh partnersheet workbook; with ``example``, filled with a leadership coach's story.

    With ``macro``, the macro-enabled workbook: a status line and a Recalculate button above
    the Partners table, a Review sheet with the button too, xlwings' settings sheet, and the
    VBA project whose Recalculate macro runs the review through xlwings.
    """
    workbook = Workbook()
    partners = workbook.active
    partners.title = PARTNERS
    header_row = 2 if macro else 1
    _fill_partners(partners, EXAMPLE_PARTNERS if example else (), header_row=header_row)
    # The Review sheet is here from the start, so it stays next to Partners: a review adds a
    # missing one after the last sheet, never moving the others.
    _fill_review_placeholder(workbook.create_sheet(REVIEW), REVIEW_PROMPT)
    weights = example_weights() if example else Weights()
    _fill_weights(workbook.create_sheet(WEIGHTS), weights)
    settings = dict(EXAMPLE_SETTINGS) if example else {}
    _fill_settings(workbook.create_sheet(SETTINGS), settings)
    _fill_competitors(workbook.create_sheet(COMPETITORS), EXAMPLE_COMPETITORS if example else ())
    _fill_instructions(workbook.create_sheet(INSTRUCTIONS))
    if example:
        _fill_history(workbook.create_sheet(HISTORY), weights)
    for sheet in workbook.worksheets:
        if sheet.title == REVIEW:
            continue  # each review sets the Review's page up
        is_partners = sheet.title == PARTNERS
        _print_setup(
            sheet, fit_to_width=not is_partners, header_row=header_row if is_partners else 1
        )
    if macro:
        from ..excel.macro import add_macro_parts

        add_macro_parts(workbook)
    workbook.active = 0
    workbook.properties.creator = "partnersheet"
    workbook.properties.lastModifiedBy = "partnersheet"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    return workbook


def write_new_workbook(path: Path, *, example: bool = False, force: bool = False) -> None:
    """Write a fresh workbook to ``path``; an existing file is replaced only with ``force``."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise CannotWrite(
            f"{path}: the name must end in .xlsx, or in .xlsm for the workbook with the "
            "Recalculate button."
        )
    if path.exists() and not force:
        raise CannotWrite(f"{path} already exists; use --force to replace it.")
    folder = path.parent
    if not folder.is_dir():
        raise CannotWrite(f"{path}: the folder {folder} does not exist.")
    content = workbook_bytes(build_workbook(example=example, macro=suffix == ".xlsm"))
    temporary = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{suffix}"
    created = False
    try:
        # "x" so the temporary file never clobbers anything, with the usual permissions.
        with open(temporary, "xb") as file:
            created = True
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
        created = False
    except OSError as error:
        reason = error.strerror or str(error)
        raise CannotWrite(f"{path}: could not write the workbook ({reason}).") from error
    finally:
        if created:
            temporary.unlink(missing_ok=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes, the same on every run for the same content."""
    raw = io.BytesIO()
    # openpyxl's own save stamps the modified time with the clock; its writer does not.
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    stamped = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(stamped, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            # Zip entries carry the time they were written; fix it so the bytes repeat.
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, source.read(entry))
    return stamped.getvalue()


# --- The sheets ---------------------------------------------------------------------------


def _style_header(cell: Cell, *, computed: bool = False) -> None:
    cell.font = _COMPUTED_HEADER_FONT if computed else _HEADER_FONT
    cell.fill = _COMPUTED_HEADER_FILL if computed else _HEADER_FILL
    cell.border = _HEADER_BORDER
    cell.alignment = _HEADER_ALIGNMENT


def _write_headers(sheet: Worksheet, headers: Sequence[str], widths: Sequence[float]) -> None:
    for number, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        _style_header(sheet.cell(row=1, column=number, value=header))
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A2"


def _validation(
    sheet: Worksheet,
    cells: str,
    *,
    title: str,
    prompt: str,
    kind: str | None = None,
    formula: str | None = None,
    operator: str | None = None,
    error: str | None = None,
    error_style: str = "stop",
) -> None:
    """A data validation with an input message; with ``kind``, also a check and its error."""
    if len(title) > _MAX_TITLE or len(prompt) > _MAX_PROMPT:
        raise ValueError(f"input message for {title!r} is longer than Excel allows")
    if error is not None and len(error) > _MAX_ERROR:
        raise ValueError(f"error message for {title!r} is longer than Excel allows")
    validation = DataValidation(
        type=kind,
        formula1=formula,
        operator=operator,
        allow_blank=True,
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
        showErrorMessage=kind is not None,
        errorStyle=error_style if kind is not None else None,
        errorTitle=title if error is not None else None,
        error=error,
    )
    for cell_range in cells.split():
        validation.add(cell_range)
    sheet.add_data_validation(validation)


_CENTRED = Alignment(horizontal="center", vertical="top")


def _fill_partners(
    sheet: Worksheet, example: Sequence[ExamplePartner], *, header_row: int = 1
) -> None:
    first, last = header_row + 1, LAST_ROW + header_row - 1
    for number, header in enumerate(PARTNERS_HEADERS, start=1):
        letter = get_column_letter(number)
        computed = isinstance(header, Column) and header.computed
        score = isinstance(header, Ingredient)
        _style_header(
            sheet.cell(row=header_row, column=number, value=header.label), computed=computed
        )
        sheet.column_dimensions[letter].width = _SCORE_WIDTH if score else _PARTNERS_WIDTHS[header]  # type: ignore[index]
        number_format = _NUMBER_FORMATS.get(header)
        for row in range(first, last + 1):
            cell = sheet.cell(row=row, column=number)
            if number_format:
                cell.number_format = number_format
            if computed:
                cell.fill = _COMPUTED_BODY_FILL
            if score:
                cell.alignment = _CENTRED
        _partners_validation(sheet, header, f"{letter}{first}:{letter}{last}")
    sheet.row_dimensions[header_row].height = 45
    sheet.freeze_panes = f"B{first}"
    for row, partner in enumerate(example, start=first):
        for number, value in enumerate(partner.cells(), start=1):
            if value is not None:
                cell = sheet.cell(row=row, column=number, value=value)
                is_score = isinstance(PARTNERS_HEADERS[number - 1], Ingredient)
                cell.alignment = _CENTRED if is_score else _TOP


def _partners_validation(sheet: Worksheet, column: Header, cells: str) -> None:
    if isinstance(column, Ingredient):
        ingredient = column
        lowest, highest = (
            SETTING_HELP[Setting.LOWEST_SCORE][0],
            SETTING_HELP[Setting.HIGHEST_SCORE][0],
        )
        meaning = ingredient.meaning
        # A warning rather than a stop: whoever changes the scale on Settings can still type
        # their own scores; partnersheet checks them against Settings on every review.
        _validation(
            sheet,
            cells,
            title=ingredient.label,
            prompt=f"{meaning} Score {lowest} (lowest) to {highest} (highest).",
            kind="list",
            formula='"' + ",".join(str(s) for s in range(int(lowest), int(highest) + 1)) + '"',
            error=(
                f"Scores are whole numbers from {lowest} to {highest}. If you changed the "
                "scale on Settings, choose Yes to keep what you typed."
            ),
            error_style="warning",
        )
        return
    if column.computed:
        _validation(
            sheet,
            cells,
            title="Filled by partnersheet",
            prompt=(
                "partnersheet fills this column on every review; anything typed here is "
                "overwritten."
            ),
        )
        return
    spec = _PARTNERS_MESSAGES.get(column)
    if spec is None:
        return
    prompt, kind, operator, formula, error = spec
    _validation(
        sheet,
        cells,
        title=column.label,
        prompt=prompt,
        kind=kind,
        formula=formula,
        operator=operator,
        error=error,
    )


_AGREEMENTS = ",".join(a.value for a in Agreement)

#: Input column: (input message, check, operator, value, error message).
_PARTNERS_MESSAGES: dict[Column, tuple[str, str | None, str | None, str | None, str | None]] = {
    Column.PARTNER: (
        "The partner's name; each partner once.",
        None,
        None,
        None,
        None,
    ),
    Column.OFFERS: (
        "What they offer: their skill set.",
        None,
        None,
        None,
        None,
    ),
    Column.COMPETITOR_GROUP: (
        "Partners with the same group compete with each other, e.g. two executive coaches.",
        None,
        None,
        None,
        None,
    ),
    Column.ALSO_REFERS_TO: (
        "Names of your competitors this partner also refers work to, separated by commas.",
        None,
        None,
        None,
        None,
    ),
    Column.AGREEMENT: (
        "How the partnership is agreed: Written, Verbal or None.",
        "list",
        None,
        f'"{_AGREEMENTS}"',
        "Choose Written, Verbal or None from the list.",
    ),
    Column.HOURS_PER_MONTH: (
        "Hours a month you put into this relationship: meetings, calls, events, travel.",
        "decimal",
        "greaterThanOrEqual",
        "0",
        "Enter a number of hours, 0 or more.",
    ),
    Column.REFERRALS_SENT: (
        "Referrals you sent them in the last 12 months.",
        "whole",
        "greaterThanOrEqual",
        "0",
        "Enter a whole number, 0 or more.",
    ),
    Column.REFERRALS_RECEIVED: (
        "Referrals they sent you in the last 12 months.",
        "whole",
        "greaterThanOrEqual",
        "0",
        "Enter a whole number, 0 or more.",
    ),
    Column.FEES_RECEIVED: (
        "Fees you earned from their referrals in the last 12 months.",
        "decimal",
        "greaterThanOrEqual",
        "0",
        "Enter an amount, 0 or more, without the currency sign.",
    ),
    Column.LAST_CONTACT: (
        "When you were last in touch, as a date such as 2026-11-03. Next contact is due "
        "this many days later: by default 30 for a Strong partner, 60 for Keep, 90 for "
        "Improve (see Settings).",
        "date",
        "greaterThanOrEqual",
        "1",
        "Enter a date, such as 2026-11-03.",
    ),
    Column.OWNER: (
        "The colleague who looks after this partner; the Review sums up each owner's "
        "partners. Case and spaces do not matter.",
        None,
        None,
        None,
        None,
    ),
}


def _fill_weights(sheet: Worksheet, weights: Weights) -> None:
    widths = (24, 9, 50, 50)
    _write_headers(sheet, WEIGHTS_HEADERS, widths)
    for row, ingredient in enumerate(Ingredient, start=2):
        values = (
            ingredient.label,
            weights.weight(ingredient),
            ingredient.meaning,
            ingredient.action,
        )
        for number, value in enumerate(values, start=1):
            sheet.cell(row=row, column=number, value=value).alignment = _WRAP
        sheet.cell(row=row, column=2).alignment = _CENTRE
        sheet.row_dimensions[row].height = _height(zip(values, widths, strict=True))
    _validation(
        sheet,
        f"B2:B{1 + len(Ingredient)}",
        title="Weight",
        prompt="How much this ingredient counts: 1 as normal, 2 twice as much, 0 not at all.",
        kind="decimal",
        operator="greaterThanOrEqual",
        formula="0",
        error="Enter a number, 0 or more; at least one weight must be above 0.",
    )


def _fill_settings(sheet: Worksheet, values: dict[Setting, str | int]) -> None:
    widths = (20, 22, 80)
    _write_headers(sheet, SETTINGS_HEADERS, widths)
    for row, setting in enumerate(Setting, start=2):
        default, help_text = SETTING_HELP[setting]
        cells = (setting.value, values.get(setting, default), help_text)
        for number, value in enumerate(cells, start=1):
            cell = sheet.cell(row=row, column=number, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if setting is Setting.MISSING_SCORES:
            choices = ",".join(m.value for m in MissingScores)
            _validation(
                sheet,
                f"B{row}",
                title="Missing scores",
                prompt="What a blank score means; choose from the list.",
                kind="list",
                formula=f'"{choices}"',
                error="Choose Score what is there, Count as lowest or Do not rank.",
            )
    _contact_validation(sheet)


def _contact_validation(sheet: Worksheet) -> None:
    """The contact settings take whole numbers of days."""
    rows = [2 + list(Setting).index(setting) for setting in CONTACT_SETTINGS]
    _validation(
        sheet,
        " ".join(f"B{row}" for row in rows),
        title="Days between contacts",
        prompt="Days from a Last contact until the next contact is due; 0 for no reminders "
        "for that band.",
        kind="whole",
        operator="greaterThanOrEqual",
        formula="0",
        error="Enter a whole number of days, 0 or more (0 for no reminders).",
    )


def _fill_competitors(sheet: Worksheet, competitors: Sequence[tuple[str, str]]) -> None:
    _write_headers(sheet, COMPETITORS_HEADERS, (34, 50))
    for row, (name, also_known_as) in enumerate(competitors, start=2):
        sheet.cell(row=row, column=1, value=name)
        if also_known_as:
            sheet.cell(row=row, column=2, value=also_known_as)
    _validation(
        sheet,
        "B2:B200",
        title="Also known as",
        prompt="Other names this competitor goes by, separated by ; (a semicolon).",
    )


def _fill_review_placeholder(review: Worksheet, prompt: str) -> None:
    for number, width in enumerate(COLUMN_WIDTHS, start=1):
        review.column_dimensions[get_column_letter(number)].width = width
    title = review.cell(row=1, column=1, value="Review")
    title.font = Font(name="Calibri", size=16, bold=True, color="1F3864")
    text = review.cell(row=3, column=1, value=prompt)
    text.font = Font(name="Calibri", italic=True, color="666666")
    review.sheet_view.showGridLines = False


def _fill_instructions(sheet: Worksheet) -> None:
    width = 100
    sheet.column_dimensions["A"].width = width
    sheet.sheet_view.showGridLines = False
    row = 1
    for kind, text in INSTRUCTION_LINES:
        cell = sheet.cell(row=row, column=1, value=text)
        if kind == "title":
            cell.font = Font(name="Calibri", bold=True, size=16, color="1F4E78")
            sheet.row_dimensions[row].height = 28
        elif kind == "heading":
            cell.font = Font(name="Calibri", bold=True, size=12, color="1F4E78")
            sheet.row_dimensions[row].height = 24
            cell.alignment = Alignment(vertical="bottom")
        else:
            cell.alignment = _WRAP
            sheet.row_dimensions[row].height = _height([(text, width)])
        row += 1


def _fill_history(sheet: Worksheet, weights: Weights) -> None:
    _write_headers(sheet, HISTORY_HEADERS, (13, 22, 10, 7, 9, 130))
    for row, entry in enumerate(example_history(weights), start=2):
        for number, value in enumerate(entry, start=1):
            sheet.cell(row=row, column=number, value=value)
        sheet.cell(row=row, column=1).number_format = DATE_FORMAT
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="left")
        sheet.cell(row=row, column=3).number_format = "0.0"
        sheet.cell(row=row, column=4).alignment = _CENTRE


def _print_setup(sheet: Worksheet, *, fit_to_width: bool, header_row: int = 1) -> None:
    sheet.page_setup.orientation = "landscape"
    if sheet.title != INSTRUCTIONS:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    if fit_to_width:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0


def _height(cells: Iterable[tuple[object, float]]) -> float:
    """A row height (points) that shows wrapped text whole, for programs that do not autofit."""
    lines = 1
    for value, width in cells:
        if isinstance(value, str):
            lines = max(lines, math.ceil(len(value) * 1.1 / max(width - 1, 1)))
    return 15.0 * lines + 2
