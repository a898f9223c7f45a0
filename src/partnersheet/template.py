"""A fresh partnersheet workbook, with its dropdowns and instructions, and a filled-in example."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from partnersheet.errors import CannotWrite
from partnersheet.model import (
    COMPUTED_COLUMNS,
    HISTORY_HEADERS,
    INGREDIENT_HELP,
    INPUT_COLUMNS,
    SETTING_HELP,
    Agreement,
    Band,
    Column,
    Ingredient,
    IngredientWeight,
    MissingScores,
    Setting,
    Weights,
)

PARTNERS = "Partners"
WEIGHTS = "Weights"
SETTINGS = "Settings"
COMPETITORS = "Competitors"
INSTRUCTIONS = "Instructions"
HISTORY = "History"

#: The sheets of a fresh workbook, in order; the example adds History at the end.
SHEETS: tuple[str, ...] = (PARTNERS, WEIGHTS, SETTINGS, COMPETITORS, INSTRUCTIONS)

WEIGHTS_HEADERS: tuple[str, ...] = ("Ingredient", "Weight", "Meaning", "Action")
SETTINGS_HEADERS: tuple[str, ...] = ("Setting", "Value", "What it does")
COMPETITORS_HEADERS: tuple[str, ...] = ("Competitor", "Also known as")

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

_NUMBER_FORMATS: dict[Column, str] = {
    Column.HOURS_PER_MONTH: "0.0",
    Column.FEES_RECEIVED: "#,##0",
    Column.LAST_CONTACT: "yyyy-mm-dd",
    Column.WEIGHTED_SCORE: "0.0",
    Column.SCORE_PER_HOUR: "0.0",
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
    Column.NOTES: 64,
    Column.WEIGHTED_SCORE: 10,
    Column.RANK: 7,
    Column.BAND: 9,
    Column.WORK_ON: 28,
    Column.CONFLICTS: 48,
    Column.SCORE_PER_HOUR: 9,
    Column.STATUS: 30,
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
    _fill_partners(partners, _EXAMPLE_PARTNERS if example else (), header_row=header_row)
    weights = _example_weights() if example else Weights()
    _fill_weights(workbook.create_sheet(WEIGHTS), weights)
    settings = dict(_EXAMPLE_SETTINGS) if example else {}
    _fill_settings(workbook.create_sheet(SETTINGS), settings)
    _fill_competitors(workbook.create_sheet(COMPETITORS), _EXAMPLE_COMPETITORS if example else ())
    _fill_instructions(workbook.create_sheet(INSTRUCTIONS))
    if example:
        _fill_history(workbook.create_sheet(HISTORY), weights)
    for sheet in workbook.worksheets:
        is_partners = sheet.title == PARTNERS
        _print_setup(
            sheet, fit_to_width=not is_partners, header_row=header_row if is_partners else 1
        )
    if macro:
        from partnersheet.macro import add_macro_parts

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
    validation.add(cells)
    sheet.add_data_validation(validation)


_CENTRED = Alignment(horizontal="center", vertical="top")


def _fill_partners(
    sheet: Worksheet, example: Sequence[_ExamplePartner], *, header_row: int = 1
) -> None:
    columns = INPUT_COLUMNS + COMPUTED_COLUMNS
    first, last = header_row + 1, LAST_ROW + header_row - 1
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        _style_header(
            sheet.cell(row=header_row, column=number, value=column.value),
            computed=column.computed,
        )
        width = _SCORE_WIDTH if column.ingredient else _PARTNERS_WIDTHS[column]
        sheet.column_dimensions[letter].width = width
        number_format = _NUMBER_FORMATS.get(column)
        for row in range(first, last + 1):
            cell = sheet.cell(row=row, column=number)
            if number_format:
                cell.number_format = number_format
            if column.computed:
                cell.fill = _COMPUTED_BODY_FILL
            if column.ingredient:
                cell.alignment = _CENTRED
        _partners_validation(sheet, column, f"{letter}{first}:{letter}{last}")
    sheet.row_dimensions[header_row].height = 45
    sheet.freeze_panes = f"B{first}"
    for row, partner in enumerate(example, start=first):
        for number, value in enumerate(partner.cells(), start=1):
            if value is not None:
                cell = sheet.cell(row=row, column=number, value=value)
                cell.alignment = _CENTRED if columns[number - 1].ingredient else _TOP


def _partners_validation(sheet: Worksheet, column: Column, cells: str) -> None:
    ingredient = column.ingredient
    if ingredient is not None:
        lowest, highest = (
            SETTING_HELP[Setting.LOWEST_SCORE][0],
            SETTING_HELP[Setting.HIGHEST_SCORE][0],
        )
        meaning = INGREDIENT_HELP[ingredient][0]
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
        title=column.value,
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
        "When you were last in touch, as a date such as 2026-11-03.",
        "date",
        "greaterThanOrEqual",
        "1",
        "Enter a date, such as 2026-11-03.",
    ),
}


def _fill_weights(sheet: Worksheet, weights: Weights) -> None:
    widths = (24, 9, 50, 50)
    _write_headers(sheet, WEIGHTS_HEADERS, widths)
    for row, ingredient in enumerate(Ingredient, start=2):
        meaning, action = INGREDIENT_HELP[ingredient]
        values = (ingredient.label, weights.weight(ingredient), meaning, action)
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


def _fill_instructions(sheet: Worksheet) -> None:
    width = 100
    sheet.column_dimensions["A"].width = width
    sheet.sheet_view.showGridLines = False
    row = 1
    for kind, text in _INSTRUCTIONS:
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
    for row, entry in enumerate(_earlier_review(weights), start=2):
        for number, value in enumerate(entry, start=1):
            sheet.cell(row=row, column=number, value=value)
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
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


# --- The instructions -------------------------------------------------------------------

_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("title", "partnersheet: score and review your referral partners"),
    ("heading", "What it is for"),
    (
        "text",
        "If much of your work comes through referrals, a handful of strategic partners matter "
        "a great deal. This workbook lists them and scores each one on seven ingredients of a "
        "good partnership: trust, friendship, opportunity, credibility, regular communication, "
        "shared goals, and values alignment. You weight the ingredients the way your business "
        "needs, and partnersheet reviews the lot.",
    ),
    (
        "text",
        "The review answers four questions. Which partnership matters most, and what would "
        "make it even better? Which is least effective: ditch it, or work on it? Which "
        "partnerships bring you into conflict? And if you needed more chargeable time, which "
        "relationship could you spend less time on without hurting your business?",
    ),
    ("heading", "What you fill in"),
    (
        "text",
        "Partners: one row per partner. Only Partner and the seven score columns (Trust to "
        "Values alignment) are needed. The other columns (organisation, what they offer, how "
        "the partnership is agreed, hours you spend on it a month, referrals and fees in the "
        "last 12 months, last contact, notes) make the review more useful. Select a cell to "
        "see what goes in it.",
    ),
    (
        "text",
        "Scores: give each ingredient a whole number from 1 (lowest) to 5 (highest). The "
        "Weights sheet says what each ingredient means.",
    ),
    (
        "text",
        "Competitor group: give partners who compete with each other the same group name, "
        "for example two executive coaches. Also refers to: the names of your own competitors "
        "that this partner also sends work to, separated by commas.",
    ),
    (
        "text",
        "Weights: how much each ingredient counts. 1 is normal, 2 counts twice as much, 0 "
        "leaves it out. The Action column is the advice the review gives when that ingredient "
        "is the one to work on; put it in your own words if you like.",
    ),
    (
        "text",
        "Settings: the score scale, the weighted scores from which a partnership counts as "
        "Strong, Keep or Improve (below that it is Ditch), your hourly chargeable rate and "
        "currency, and what a blank score means.",
    ),
    (
        "text",
        "Competitors: your own competitors, with any other names they go by in Also known as "
        "(separate names with ;). partnersheet uses this sheet to spot partners who also send "
        "work to them.",
    ),
    ("heading", "What partnersheet fills in"),
    (
        "text",
        "The shaded columns at the right of Partners, from Weighted score to Status. Anything "
        "typed there is replaced on every review.",
    ),
    (
        "text",
        "Review: the answers to the four questions, the ranking, a chart of the scores and the "
        "partners still to score. It is replaced whole on every review, so keep your own notes "
        "elsewhere.",
    ),
    (
        "text",
        "History: one row per ranked partner for each review, with its date and the weights "
        "used. Rows are kept from one review to the next, so the Review can show which "
        "relationships are growing and which are fading. A second review on the same day "
        "replaces that day's rows.",
    ),
    ("heading", "How to run it"),
    (
        "text",
        "Save and close the workbook, then type in a terminal:   partnersheet review yourfile.xlsx",
    ),
    (
        "text",
        "To check what you typed without changing anything:   partnersheet check yourfile.xlsx"
        "   Each problem is listed with its sheet and cell (for example Partners!M7) and what "
        "to do about it. When there is any problem, nothing is written.",
    ),
    ("heading", "What is never touched"),
    (
        "text",
        "Sheets you add yourself, and columns you add to Partners under headers of your own, "
        "are left exactly as they are; so are your formatting, comments and dropdowns.",
    ),
    ("heading", "Scores left blank"),
    (
        "text",
        "You may leave a score blank while you are still getting to know a partner; a blank "
        "is never counted as 0. The Settings value Missing scores decides what happens. Score "
        "what is there (the default): the partner is scored on the ingredients that have a "
        "score and its Status says Provisional. Count as lowest: each blank counts as the "
        "lowest score. Do not rank: the partner is left out of the ranking until every score "
        "is in.",
    ),
    ("heading", "How the weighted score works"),
    (
        "text",
        "Each partner gets a weighted score from 0 (every ingredient at the lowest score) to "
        "100 (every ingredient at the highest), each ingredient counting as much as its weight. "
        "With the standard settings, 75 and above is Strong, 50 and above Keep, 30 and above "
        "Improve, and below 30 Ditch.",
    ),
)


# --- The example ------------------------------------------------------------------------

_Scores = tuple[int | None, int | None, int | None, int | None, int | None, int | None, int | None]


@dataclass(frozen=True)
class _ExamplePartner:
    """One partner of the example: today's row, and the scores of the earlier review."""

    partner: str
    organisation: str
    offers: str
    agreement: Agreement
    hours_per_month: float
    referrals_sent: int
    referrals_received: int
    fees_received: int
    last_contact: dt.date
    #: In Ingredient order; None is a score left blank.
    scores: _Scores
    notes: str
    competitor_group: str = ""
    also_refers_to: str = ""
    #: Scores at the earlier review; None when the partner was not yet scored then.
    earlier_scores: _Scores | None = None

    def cells(self) -> tuple[object, ...]:
        """The values of the Partners input columns, in INPUT_COLUMNS order."""
        by_column: dict[Column, object] = {
            Column.PARTNER: self.partner,
            Column.ORGANISATION: self.organisation,
            Column.OFFERS: self.offers,
            Column.COMPETITOR_GROUP: self.competitor_group or None,
            Column.ALSO_REFERS_TO: self.also_refers_to or None,
            Column.AGREEMENT: self.agreement.value,
            Column.HOURS_PER_MONTH: self.hours_per_month,
            Column.REFERRALS_SENT: self.referrals_sent,
            Column.REFERRALS_RECEIVED: self.referrals_received,
            Column.FEES_RECEIVED: self.fees_received,
            Column.LAST_CONTACT: self.last_contact,
            Column.NOTES: self.notes,
        }
        for ingredient, score in zip(Ingredient, self.scores, strict=True):
            by_column[Column(ingredient.value)] = score
        return tuple(by_column[column] for column in INPUT_COLUMNS)


EXAMPLE_REVIEWED_ON = dt.date(2026, 8, 14)

#: The example's weights: opportunity counts double, friendship half.
_EXAMPLE_WEIGHT_VALUES: dict[Ingredient, float] = {
    Ingredient.FRIENDSHIP: 0.5,
    Ingredient.OPPORTUNITY: 2,
}

_EXAMPLE_SETTINGS: tuple[tuple[Setting, str | int], ...] = (
    (Setting.CHARGEABLE_RATE, 150),
    (Setting.CURRENCY, "£"),
)

_EXAMPLE_COMPETITORS: tuple[tuple[str, str], ...] = (
    ("Apex Leadership Partners", "Apex LP; Apex Leadership"),
    ("Summit People Development", ""),
    ("Brightwater Coaching", ""),
)

# Scores in Ingredient order: Trust, Friendship, Opportunity, Credibility,
# Regular communication, Shared goals, Values alignment.
_EXAMPLE_PARTNERS: tuple[_ExamplePartner, ...] = (
    _ExamplePartner(
        partner="Priya Shah",
        organisation="Shah & Co HR Consulting",
        offers="HR consultancy for growing tech firms",
        agreement=Agreement.WRITTEN,
        hours_per_month=4,
        referrals_sent=3,
        referrals_received=9,
        fees_received=28500,
        last_contact=dt.date(2026, 11, 10),
        scores=(5, 4, 5, 5, 4, 5, 5),
        earlier_scores=(5, 4, 5, 5, 3, 5, 5),
        notes="Introduces me to each leadership team she works with.",
    ),
    _ExamplePartner(
        partner="Tom Whitaker",
        organisation="Whitaker Coaching",
        offers="Executive coaching for finance directors",
        competitor_group="Executive coaching",
        agreement=Agreement.VERBAL,
        hours_per_month=3,
        referrals_sent=4,
        referrals_received=3,
        fees_received=7200,
        last_contact=dt.date(2026, 11, 3),
        scores=(4, 4, 4, 4, 3, 4, 4),
        earlier_scores=(3, 4, 3, 4, 2, 3, 4),
        notes="Monthly breakfast since the summer; picking up fast.",
    ),
    _ExamplePartner(
        partner="Dr Helen Okafor",
        organisation="Okafor Executive Development",
        offers="Executive coaching for new CEOs",
        competitor_group="Executive coaching",
        agreement=Agreement.WRITTEN,
        hours_per_month=2,
        referrals_sent=2,
        referrals_received=2,
        fees_received=5400,
        last_contact=dt.date(2026, 9, 18),
        scores=(4, 3, 3, 4, 2, 3, 4),
        earlier_scores=(4, 4, 4, 5, 3, 4, 4),
        notes="Busy with her own clients this year; we have drifted.",
    ),
    _ExamplePartner(
        partner="Marcus Bell",
        organisation="Bell Recruitment",
        offers="Senior leadership recruitment",
        also_refers_to="Apex LP, Clearview Coaching",
        agreement=Agreement.VERBAL,
        hours_per_month=2,
        referrals_sent=1,
        referrals_received=4,
        fees_received=8400,
        last_contact=dt.date(2026, 10, 22),
        scores=(3, 3, 4, 3, 3, 3, 2),
        earlier_scores=(3, 3, 4, 3, 3, 3, 3),
        notes="Good referrer, but also sends work to other coaches.",
    ),
    _ExamplePartner(
        partner="Sarah Lindqvist",
        organisation="Lindqvist Accountants",
        offers="Accounts and tax for owner-managers",
        agreement=Agreement.NONE,
        hours_per_month=1,
        referrals_sent=0,
        referrals_received=1,
        fees_received=1800,
        last_contact=dt.date(2026, 11, 12),
        scores=(None, None, 4, 4, 3, None, 4),
        notes="Met in September; too early to score three ingredients.",
    ),
    _ExamplePartner(
        partner="Gareth Price",
        organisation="Thames Valley Business Circle",
        offers="Business networking group and events",
        agreement=Agreement.NONE,
        hours_per_month=12,
        referrals_sent=2,
        referrals_received=2,
        fees_received=3000,
        last_contact=dt.date(2026, 11, 14),
        scores=(3, 4, 3, 3, 4, 3, 3),
        earlier_scores=(3, 4, 3, 3, 4, 3, 4),
        notes="Weekly breakfasts, two evening events; few referrals.",
    ),
    _ExamplePartner(
        partner="James Osei",
        organisation="Osei Training Ltd",
        offers="Management training courses",
        agreement=Agreement.VERBAL,
        hours_per_month=2,
        referrals_sent=1,
        referrals_received=4,
        fees_received=9600,
        last_contact=dt.date(2026, 10, 30),
        scores=(4, 3, 4, 4, 3, 4, 5),
        earlier_scores=(4, 3, 4, 4, 3, 3, 4),
        notes="Course delegates come to me for one-to-one coaching.",
    ),
    _ExamplePartner(
        partner="Fiona Mackay",
        organisation="Mackay Employment Law",
        offers="Employment law for small employers",
        agreement=Agreement.NONE,
        hours_per_month=1,
        referrals_sent=1,
        referrals_received=0,
        fees_received=0,
        last_contact=dt.date(2026, 5, 20),
        scores=(2, 2, 1, 2, 1, 1, 2),
        earlier_scores=(2, 2, 2, 2, 1, 2, 2),
        notes="Nothing either way since spring; wrong kind of client.",
    ),
)


def _example_weights() -> Weights:
    return Weights(
        {
            i: IngredientWeight(
                i, _EXAMPLE_WEIGHT_VALUES.get(i, 1), INGREDIENT_HELP[i][0], INGREDIENT_HELP[i][1]
            )
            for i in Ingredient
        }
    )


def _earlier_review(weights: Weights) -> list[tuple[object, ...]]:
    """The example's History rows for EXAMPLE_REVIEWED_ON, computed as a review would."""
    lowest = int(SETTING_HELP[Setting.LOWEST_SCORE][0])
    highest = int(SETTING_HELP[Setting.HIGHEST_SCORE][0])
    scored: list[tuple[str, float]] = []
    for partner in _EXAMPLE_PARTNERS:
        if partner.earlier_scores is None:
            continue
        total = Fraction(0)
        total_weight = Fraction(0)
        for ingredient, score in zip(Ingredient, partner.earlier_scores, strict=True):
            if score is None:
                continue
            weight = Fraction(weights.weight(ingredient))
            total += weight * (score - lowest)
            total_weight += weight
        exact = 100 * total / ((highest - lowest) * total_weight)
        # Half away from zero, as Excel's ROUND (scores are never negative).
        scored.append((partner.partner, math.floor(exact * 10 + Fraction(1, 2)) / 10))
    rows: list[tuple[object, ...]] = []
    for name, weighted_score in sorted(scored, key=lambda item: (-item[1], item[0].casefold())):
        rank = 1 + sum(other > weighted_score for _, other in scored)
        rows.append(
            (
                EXAMPLE_REVIEWED_ON,
                name,
                weighted_score,
                rank,
                _band(weighted_score).value,
                weights.short_text(),
            )
        )
    return rows


def _band(score: float) -> Band:
    thresholds = (
        (Setting.STRONG_FROM, Band.STRONG),
        (Setting.KEEP_FROM, Band.KEEP),
        (Setting.IMPROVE_FROM, Band.IMPROVE),
    )
    for setting, band in thresholds:
        if score >= float(SETTING_HELP[setting][0]):
            return band
    return Band.DITCH
