"""Reading the sheets' plain rows into checked inputs, and every problem found on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pytest

from partnersheet.core.inputs import read_inputs
from partnersheet.core.model import (
    Agreement,
    CellValue,
    Column,
    Competitor,
    Ingredient,
    Inputs,
    MissingScores,
    Settings,
)
from partnersheet.core.sheets import SheetData, UncalculatedFormula
from partnersheet.errors import Problem, WorkbookProblems

INGREDIENT_NAMES = tuple(i.label for i in Ingredient)
#: A Partners header with Trust in column M, as in the contract's example message.
HEADERS = (
    "Partner",  # A
    "Organisation",  # B
    "Offers",  # C
    "Competitor group",  # D
    "Also refers to",  # E
    "Agreement",  # F
    "Hours per month",  # G
    "Referrals sent",  # H
    "Referrals received",  # I
    "Fees received",  # J
    "Last contact",  # K
    "Notes",  # L
    *INGREDIENT_NAMES,  # M to S
)
THREES = (3, 3, 3, 3, 3, 3, 3)

Row = Sequence[CellValue | UncalculatedFormula]


# --- helpers ---------------------------------------------------------------------------------


def partner_row(name: CellValue, scores: Sequence[CellValue] = THREES, **fields: CellValue) -> Row:
    """A row under `HEADERS`; fields by header with spaces as underscores."""
    values: dict[str, CellValue] = {"Partner": name}
    values.update(zip(INGREDIENT_NAMES, scores, strict=True))
    for key, value in fields.items():
        header = key.replace("_", " ").capitalize()
        assert header in HEADERS, header
        values[header] = value
    return tuple(values.get(h) for h in HEADERS)


def partners_sheet(rows: Mapping[int, Row], title: str = "Partners") -> SheetData:
    return SheetData(title, {1: HEADERS, **rows})


def weights_sheet(weights: Mapping[str, CellValue] | None = None, **extra: Row) -> SheetData:
    chosen = dict.fromkeys(INGREDIENT_NAMES, 1) if weights is None else weights
    rows: dict[int, Row] = {1: ("Ingredient", "Weight", "Meaning", "Action")}
    for number, (name, weight) in enumerate(chosen.items(), start=2):
        rows[number] = (name, weight)
    for key, row in extra.items():
        rows[int(key.removeprefix("row"))] = row
    return SheetData("Weights", rows)


def settings_sheet(*rows: Row) -> SheetData:
    return SheetData("Settings", {1: ("Setting", "Value"), **dict(enumerate(rows, start=2))})


def read(*sheets: SheetData) -> Inputs:
    return read_inputs({s.title: s for s in sheets}, [s.title for s in sheets])


def problems(*sheets: SheetData) -> list[str]:
    with pytest.raises(WorkbookProblems) as raised:
        read(*sheets)
    assert str(raised.value) == "\n".join(str(p) for p in raised.value.problems)
    return [str(p) for p in raised.value.problems]


def one_partner() -> SheetData:
    return partners_sheet({2: partner_row("Ann Smith")})


# --- the Partners sheet: finding things ------------------------------------------------------


def test_a_plain_sheet_is_read() -> None:
    inputs = read(
        partners_sheet(
            {
                2: partner_row(
                    "Ann Smith",
                    (5, 4, 3, 2, 1, None, 4),
                    organisation="Smith & Co",
                    offers="Leadership coaching",
                    competitor_group="Coaching",
                    also_refers_to="Acme; Bright Minds",
                    agreement="Written",
                    hours_per_month=2.5,
                    referrals_sent=3,
                    referrals_received=4,
                    fees_received=1200,
                    last_contact=dt.datetime(2026, 10, 1),
                    notes="Met at the conference",
                ),
            }
        )
    )
    (ann,) = inputs.partners
    assert ann.row == 2
    assert ann.name == "Ann Smith"
    assert ann.organisation == "Smith & Co"
    assert ann.offers == "Leadership coaching"
    assert ann.competitor_group == "Coaching"
    assert ann.also_refers_to == ("Acme", "Bright Minds")
    assert ann.agreement is Agreement.WRITTEN
    assert ann.hours_per_month == 2.5
    assert (ann.referrals_sent, ann.referrals_received) == (3, 4)
    assert ann.fees_received == 1200
    assert ann.last_contact == dt.date(2026, 10, 1)
    assert ann.notes == "Met at the conference"
    assert [ann.score(i) for i in Ingredient] == [5, 4, 3, 2, 1, None, 4]
    assert ann.unscored == (Ingredient.SHARED_GOALS,)
    # Absent sheets give the defaults.
    assert inputs.settings == Settings()
    assert all(inputs.weights.weight(i) == 1 for i in Ingredient)
    assert inputs.competitors == ()
    assert inputs.history == ()
    assert inputs.history_layout is None
    assert inputs.sheet_titles == ("Partners",)


def test_header_found_below_a_title_row() -> None:
    sheet = SheetData(
        "Partners",
        {
            1: ("My referral partners",),
            3: HEADERS,
            4: partner_row("Ann Smith"),
            5: partner_row("Bea Ltd"),
        },
    )
    inputs = read(sheet)
    assert inputs.layout.header_row == 3
    assert [(p.row, p.name) for p in inputs.partners] == [(4, "Ann Smith"), (5, "Bea Ltd")]
    assert inputs.layout.rows == (4, 5)


def test_header_on_row_ten_is_found() -> None:
    sheet = SheetData("Partners", {10: HEADERS, 11: partner_row("Ann Smith")})
    inputs = read(sheet)
    assert inputs.layout.header_row == 10
    assert [p.row for p in inputs.partners] == [11]


def test_columns_in_any_order_case_and_spacing() -> None:
    header = (
        "My own column",
        "  values  ALIGNMENT ",
        "trust",
        "Shared   goals",
        "PARTNER",
        "Regular communication",
        "credibility ",
        " Opportunity",
        "FriendShip",
        "hours PER month",
        "Weighted  score",
        "Score",
    )
    row = ("mine", 1, 2, 3, "Ann Smith", 4, 5, 1, 2, " 3 ", 61.2, "x")
    inputs = read(SheetData("Partners", {2: header, 3: row}))
    (ann,) = inputs.partners
    assert ann.name == "Ann Smith"
    assert [ann.score(i) for i in Ingredient] == [2, 2, 1, 5, 4, 3, 1]
    assert ann.hours_per_month == 3
    layout = inputs.layout
    assert layout.columns[Column.PARTNER] == 5
    assert layout.columns[Ingredient.TRUST] == 3
    assert layout.columns[Ingredient.VALUES_ALIGNMENT] == 2
    assert layout.columns[Column.WEIGHTED_SCORE] == 11
    assert Column.RANK not in layout.columns
    assert Column.ORGANISATION not in layout.columns
    assert len(layout.columns) == 10
    assert layout.next_free_column == 13


def test_user_columns_are_ignored() -> None:
    header = ("Partner", "Birthday", *INGREDIENT_NAMES, "Ranking notes")
    rows = {
        1: header,
        2: ("Ann Smith", "not a date", *THREES, "anything at all"),
    }
    inputs = read(SheetData("Partners", rows))
    assert [p.name for p in inputs.partners] == ["Ann Smith"]
    assert inputs.layout.next_free_column == 11


def test_blank_rows_are_skipped_but_kept_in_the_layout() -> None:
    header = ("Partner", *INGREDIENT_NAMES, "My column")
    rows = {
        1: header,
        2: ("Ann Smith", *THREES),
        3: (None, None, "  ", None, None, None, None, None),
        4: (None, None, None, None, None, None, None, None, "only mine"),
        5: ("",),
        6: ("Bea Ltd", *THREES),
    }
    inputs = read(SheetData("Partners", rows))
    assert [(p.row, p.name) for p in inputs.partners] == [(2, "Ann Smith"), (6, "Bea Ltd")]
    assert inputs.layout.rows == (2, 3, 4, 5, 6)


def test_a_row_with_only_stale_computed_values_is_not_a_partner() -> None:
    header = ("Partner", *INGREDIENT_NAMES, "Weighted score", "Rank")
    rows = {1: header, 2: ("Ann Smith", *THREES), 3: (None,) * 8 + (55.0, 2)}
    inputs = read(SheetData("Partners", rows))
    assert [p.name for p in inputs.partners] == ["Ann Smith"]
    assert inputs.layout.rows == (2, 3)


def test_sheet_names_match_ignoring_case_and_spaces() -> None:
    partners = partners_sheet({2: partner_row("Ann Smith")}, title=" partners ")
    settings = SheetData(
        "SETTINGS", {1: ("Setting", "Value"), 2: ("Missing scores", "Do not rank")}
    )
    inputs = read(partners, settings)
    assert inputs.layout.title == " partners "
    assert inputs.settings.missing_scores is MissingScores.DO_NOT_RANK


def test_sheets_not_ours_are_ignored() -> None:
    other = SheetData("My sums", {1: ("Partner", "Trust"), 2: ("nonsense", "five")})
    inputs = read(one_partner(), other)
    assert inputs.sheet_titles == ("Partners", "My sums")
    assert [p.name for p in inputs.partners] == ["Ann Smith"]


# --- the Partners sheet: values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(4, 4), (4.0, 4), ("4", 4), (" 4 ", 4), ("4.0", 4), (" 5", 5), (1, 1)],
)
def test_scores_typed_as_text_or_float(typed: CellValue, expected: int) -> None:
    inputs = read(partners_sheet({2: partner_row("Ann", (typed, 3, 3, 3, 3, 3, 3))}))
    score = inputs.partners[0].score(Ingredient.TRUST)
    assert score == expected
    assert isinstance(score, int)


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("hours_per_month", " 2.5 ", 2.5),
        ("hours_per_month", "0", 0),
        ("hours_per_month", 4, 4),
        ("referrals_sent", "3", 3),
        ("referrals_received", " 12 ", 12),
        ("fees_received", "1,200", 1200),
        ("fees_received", 99.5, 99.5),
        ("agreement", " written ", Agreement.WRITTEN),
        ("agreement", "VERBAL", Agreement.VERBAL),
        ("agreement", "None", Agreement.NONE),
        ("agreement", None, None),
        ("last_contact", "2026-11-22", dt.date(2026, 11, 22)),
        ("last_contact", dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
        ("last_contact", dt.datetime(2026, 1, 2, 0, 0), dt.date(2026, 1, 2)),
        ("organisation", "  Smith   & Co ", "Smith & Co"),
        ("organisation", 1234, "1234"),
        ("competitor_group", "  Tax   advice ", "Tax advice"),
        ("also_refers_to", " Acme ,, Bright  Minds; ", ("Acme", "Bright Minds")),
    ],
)
def test_other_values(field: str, typed: CellValue, expected: object) -> None:
    inputs = read(partners_sheet({2: partner_row("Ann", **{field: typed})}))
    assert getattr(inputs.partners[0], field) == expected


def test_blank_cells_are_none_not_zero() -> None:
    inputs = read(partners_sheet({2: partner_row("Ann", (None, " ", 3, 3, 3, 3, 3))}))
    (ann,) = inputs.partners
    assert ann.score(Ingredient.TRUST) is None
    assert ann.score(Ingredient.FRIENDSHIP) is None
    assert ann.hours_per_month is None
    assert ann.referrals_received is None
    assert ann.fees_received is None
    assert ann.agreement is None


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("Trust", "five", 'Partners!M7: Trust is "five"; enter a whole number from 1 to 5'),
        ("Trust", 4.5, "Partners!M7: Trust is 4.5; enter a whole number from 1 to 5"),
        ("Trust", "4.5", 'Partners!M7: Trust is "4.5"; enter a whole number from 1 to 5'),
        ("Trust", 7, "Partners!M7: Trust is 7; enter a whole number from 1 to 5"),
        ("Trust", 0, "Partners!M7: Trust is 0; enter a whole number from 1 to 5"),
        ("Trust", -3, "Partners!M7: Trust is -3; enter a whole number from 1 to 5"),
        ("Trust", True, "Partners!M7: Trust is TRUE; enter a whole number from 1 to 5"),
        (
            "Values alignment",
            "high",
            'Partners!S7: Values alignment is "high"; enter a whole number from 1 to 5',
        ),
        (
            "Regular communication",
            dt.date(2026, 1, 1),
            "Partners!Q7: Regular communication is the date 2026-01-01; "
            "enter a whole number from 1 to 5",
        ),
        (
            "Agreement",
            "Maybe",
            'Partners!F7: Agreement is "Maybe"; choose Written, Verbal or None, or leave it blank',
        ),
        (
            "Agreement",
            1,
            "Partners!F7: Agreement is 1; choose Written, Verbal or None, or leave it blank",
        ),
        (
            "Hours per month",
            -2,
            "Partners!G7: Hours per month is -2; enter the hours a month you spend on this "
            "partner, 0 or more",
        ),
        (
            "Hours per month",
            "two",
            'Partners!G7: Hours per month is "two"; enter the hours a month you spend on this '
            "partner, 0 or more",
        ),
        (
            "Hours per month",
            "2,5",
            'Partners!G7: Hours per month is "2,5"; enter the hours a month you spend on this '
            "partner, 0 or more",
        ),
        (
            "Referrals sent",
            2.5,
            "Partners!H7: Referrals sent is 2.5; enter a whole number, 0 or more",
        ),
        (
            "Referrals sent",
            -1,
            "Partners!H7: Referrals sent is -1; enter a whole number, 0 or more",
        ),
        (
            "Referrals received",
            "3.5",
            'Partners!I7: Referrals received is "3.5"; enter a whole number, 0 or more',
        ),
        (
            "Fees received",
            -100,
            "Partners!J7: Fees received is -100; enter an amount, 0 or more, without the "
            "currency sign",
        ),
        (
            "Fees received",
            "£100",
            'Partners!J7: Fees received is "£100"; enter an amount, 0 or more, without the '
            "currency sign",
        ),
        (
            "Last contact",
            "yesterday",
            'Partners!K7: Last contact is "yesterday"; enter a date, such as 2026-11-22',
        ),
        (
            "Last contact",
            "2026-13-01",
            'Partners!K7: Last contact is "2026-13-01"; enter a date, such as 2026-11-22',
        ),
        (
            "Last contact",
            "2026-11-221",
            'Partners!K7: Last contact is "2026-11-221"; enter a date, such as 2026-11-22',
        ),
        (
            "Last contact",
            46000,
            "Partners!K7: Last contact is 46000; enter a date, such as 2026-11-22",
        ),
        (
            "Last contact",
            "1066-10-14",
            'Partners!K7: Last contact is "1066-10-14", before 1900, which a spreadsheet cannot '
            "hold as a date; enter a date, such as 2026-11-22",
        ),
        (
            "Last contact",
            True,
            "Partners!K7: Last contact is TRUE; enter a date, such as 2026-11-22",
        ),
    ],
)
def test_bad_partner_values(field: str, typed: CellValue, expected: str) -> None:
    values = dict(zip(HEADERS, partner_row("Ann Smith"), strict=True))
    values[field] = typed
    sheet = partners_sheet({7: tuple(values[h] for h in HEADERS)})
    assert problems(sheet) == [expected]


def test_the_first_day_a_spreadsheet_holds_is_a_last_contact() -> None:
    inputs = read(partners_sheet({2: partner_row("Ann", last_contact="1900-01-01")}))
    assert inputs.partners[0].last_contact == dt.date(1900, 1, 1)


def test_owners_are_read_as_first_written() -> None:
    header = (*HEADERS, "Owner")
    rows = {
        1: header,
        2: (*partner_row("Ann"), " Sam   Turner "),
        3: (*partner_row("Bea"), "SAM TURNER"),
        4: (*partner_row("Cy"), None),
        5: (*partner_row("Dee"), "   "),
        6: (*partner_row("Eve"), "Lee"),
    }
    inputs = read(SheetData("Partners", rows))
    assert [p.owner for p in inputs.partners] == ["Sam Turner", "Sam Turner", "", "", "Lee"]


def test_contact_settings_are_read() -> None:
    settings = settings_sheet(
        ("Contact Strong every", 14), ("contact keep every", "0"), ("Contact Improve every", None)
    )
    inputs = read(one_partner(), settings)
    assert (
        inputs.settings.contact_strong_every,
        inputs.settings.contact_keep_every,
        inputs.settings.contact_improve_every,
    ) == (14, 0, 90)


def test_scores_checked_against_the_settings_scale() -> None:
    settings = settings_sheet(("Lowest score", 0), ("Highest score", 10))
    ok = read(partners_sheet({2: partner_row("Ann", (0, 10, 5, 5, 5, 5, 5))}), settings)
    assert ok.partners[0].score(Ingredient.TRUST) == 0
    bad = partners_sheet({2: partner_row("Ann", (11, 10, -1, 5, 5, 5, 5))})
    assert problems(bad, settings) == [
        "Partners!M2: Trust is 11; enter a whole number from 0 to 10",
        "Partners!O2: Opportunity is -1; enter a whole number from 0 to 10",
    ]


def test_every_bad_cell_of_a_row_is_reported() -> None:
    sheet = partners_sheet(
        {3: partner_row("Ann", ("five", 4.5, 3, 3, 3, 3, 9), hours_per_month=-1)}
    )
    assert problems(sheet) == [
        'Partners!M3: Trust is "five"; enter a whole number from 1 to 5',
        "Partners!N3: Friendship is 4.5; enter a whole number from 1 to 5",
        "Partners!S3: Values alignment is 9; enter a whole number from 1 to 5",
        "Partners!G3: Hours per month is -1; enter the hours a month you spend on this "
        "partner, 0 or more",
    ]


def test_missing_partner_name() -> None:
    sheet = partners_sheet({2: partner_row("Ann"), 7: partner_row(None, (4, 4, 4, 4, 4, 4, 4))})
    assert problems(sheet) == [
        "Partners!A7: this row has details but no partner name; type the partner's name, "
        "or clear the row"
    ]


def test_a_name_of_spaces_is_missing() -> None:
    sheet = partners_sheet({5: partner_row("   ", notes="something")})
    assert problems(sheet) == [
        "Partners!A5: this row has details but no partner name; type the partner's name, "
        "or clear the row"
    ]


def test_duplicate_partner_names_ignore_case_and_spaces() -> None:
    sheet = partners_sheet(
        {
            2: partner_row("Ann Smith"),
            3: partner_row("Bea Ltd"),
            5: partner_row("  ann   SMITH "),
            6: partner_row("BEA LTD"),
        }
    )
    assert problems(sheet) == [
        'Partners!A5: "ann SMITH" is already listed in row 2; list each partner once: merge '
        "the two rows or tell the names apart",
        'Partners!A6: "BEA LTD" is already listed in row 3; list each partner once: merge '
        "the two rows or tell the names apart",
    ]


def test_duplicate_header_columns() -> None:
    header = (*HEADERS, " trust ")  # T
    sheet = SheetData("Partners", {1: header, 2: partner_row("Ann")})
    assert problems(sheet) == [
        'Partners!T1: the header "trust" is also in column M; keep one of the two columns '
        "or rename the other"
    ]


def test_a_missing_ingredient_column() -> None:
    header = tuple(h for h in HEADERS if h != "Credibility")
    sheet = SheetData("Partners", {1: header, 2: ("Ann",)})
    assert problems(sheet) == [
        "Partners!S1: the header row has no column for Credibility; add a column headed "
        "Credibility to row 1 (leave the cells blank if you have no score yet)"
    ]


def test_missing_ingredient_columns() -> None:
    header = ("Notes", "Partner", "Friendship", "Opportunity", "Credibility", "Shared goals")
    sheet = SheetData("Partners", {1: ("A title",), 2: header, 3: ("", "Ann")})
    assert problems(sheet) == [
        "Partners!G2: the header row has no column for Trust, Regular communication and Values "
        "alignment; add columns headed Trust, Regular communication and Values alignment to "
        "row 2 (leave the cells blank if you have no score yet)"
    ]


def test_no_header_in_the_first_ten_rows() -> None:
    sheet = SheetData("Partners", {1: ("My partners",), 11: HEADERS, 12: partner_row("Ann")})
    assert problems(sheet) == [
        'Partners!A1: no header row with a "Partner" column in the first 10 rows; type the '
        'headers (Partner, Trust, Friendship, ...) in one row, "Partner" above the partners\' '
        "names"
    ]


def test_no_partners_sheet() -> None:
    with pytest.raises(WorkbookProblems) as raised:
        read(SheetData("Partner list", {1: HEADERS}), SheetData("Review", {}))
    assert raised.value.problems == (
        Problem(
            "Partners",
            "",
            "the workbook has no Partners sheet; add a sheet named Partners "
            "(`partnersheet new` writes a workbook with every sheet ready)",
        ),
    )
    assert str(raised.value.problems[0]).startswith("Partners: the workbook has no Partners")


def test_no_partners_sheet_does_not_hide_other_problems() -> None:
    found = problems(SheetData("Partner list", {1: HEADERS}), settings_sheet(("Colour", "red")))
    assert found == [
        "Partners: the workbook has no Partners sheet; add a sheet named Partners "
        "(`partnersheet new` writes a workbook with every sheet ready)",
        'Settings!A2: "Colour" is not a setting partnersheet knows; use one of Lowest score, '
        "Highest score, Strong from, Keep from, Improve from, Chargeable rate, Currency, "
        "Missing scores, Close call within, Contact Strong every, Contact Keep every, Contact "
        "Improve every (or delete the row)",
    ]


def test_a_formula_with_no_saved_result() -> None:
    sheet = partners_sheet({2: partner_row(UncalculatedFormula("=UPPER(B2)"))})  # type: ignore[arg-type]
    assert problems(sheet) == [
        "Partners!A2: the formula =UPPER(B2) has no saved result; open the workbook in Excel "
        "or LibreOffice and save it, so the formula's result is saved, or type the value "
        "instead"
    ]


def test_an_empty_partners_sheet_has_no_partners() -> None:
    inputs = read(partners_sheet({}))
    assert inputs.partners == ()
    assert inputs.layout.rows == ()


# --- Weights -------------------------------------------------------------------------------------


def test_weights_are_read() -> None:
    weights = dict.fromkeys(INGREDIENT_NAMES, 1)
    weights.update({"Opportunity": " 2 ", "Friendship": 0.5, "Trust": 0})
    sheet = weights_sheet(weights)
    rows = dict(sheet.rows)
    rows[2] = ("  TRUST ", 0, "Reliable", "Follow up together")
    rows[6] = ("regular   communication", 1, None, "Book a monthly call")
    inputs = read(one_partner(), SheetData("Weights", rows))
    got = {i.label: inputs.weights.weight(i) for i in Ingredient}
    assert got == {
        "Trust": 0,
        "Friendship": 0.5,
        "Opportunity": 2,
        "Credibility": 1,
        "Regular communication": 1,
        "Shared goals": 1,
        "Values alignment": 1,
    }
    assert inputs.weights.rows[Ingredient.TRUST].meaning == "Reliable"
    assert inputs.weights.action(Ingredient.TRUST) == "Follow up together"
    assert inputs.weights.action(Ingredient.REGULAR_COMMUNICATION) == "Book a monthly call"
    assert inputs.weights.action(Ingredient.CREDIBILITY) == ""


def test_an_empty_weights_sheet_means_all_weights_one() -> None:
    inputs = read(one_partner(), SheetData("Weights", {3: (None, "  ")}))
    assert all(inputs.weights.weight(i) == 1 for i in Ingredient)


def test_unknown_ingredient() -> None:
    sheet = weights_sheet(row9=("Trustworthiness", 2))
    assert problems(one_partner(), sheet) == [
        'Weights!A9: "Trustworthiness" is not one of the seven ingredients; use Trust, '
        "Friendship, Opportunity, Credibility, Regular communication, Shared goals and "
        "Values alignment"
    ]


def test_missing_ingredient_in_weights() -> None:
    weights = {n: 1 for n in INGREDIENT_NAMES if n != "Values alignment"}
    assert problems(one_partner(), weights_sheet(weights)) == [
        "Weights: Values alignment is missing; add a row for each of the seven ingredients "
        "(weight 1 if unsure)"
    ]


def test_missing_ingredients_in_weights() -> None:
    weights = {n: 1 for n in INGREDIENT_NAMES if n not in ("Trust", "Shared goals")}
    assert problems(one_partner(), weights_sheet(weights)) == [
        "Weights: Trust and Shared goals are missing; add a row for each of the seven "
        "ingredients (weight 1 if unsure)"
    ]


def test_ingredient_weighted_twice() -> None:
    sheet = weights_sheet(row9=(" trust", 3))
    assert problems(one_partner(), sheet) == [
        "Weights!A9: Trust is already weighted in row 2; keep one of the two rows"
    ]


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        (
            -1,
            "Weights!B4: the weight of Opportunity is -1; enter a number, 0 or more "
            "(0 leaves the ingredient out)",
        ),
        (
            "heavy",
            'Weights!B4: the weight of Opportunity is "heavy"; enter a number, 0 or more '
            "(0 leaves the ingredient out)",
        ),
        (
            None,
            "Weights!B4: the weight of Opportunity is blank; enter a number, 0 or more "
            "(1 if unsure, 0 leaves the ingredient out)",
        ),
        (
            " ",
            "Weights!B4: the weight of Opportunity is blank; enter a number, 0 or more "
            "(1 if unsure, 0 leaves the ingredient out)",
        ),
    ],
)
def test_bad_weight(weight: CellValue, expected: str) -> None:
    weights: dict[str, CellValue] = dict.fromkeys(INGREDIENT_NAMES, 1)
    weights["Opportunity"] = weight
    assert problems(one_partner(), weights_sheet(weights)) == [expected]


def test_every_weight_zero() -> None:
    sheet = weights_sheet(dict.fromkeys(INGREDIENT_NAMES, 0))
    assert problems(one_partner(), sheet) == [
        "Weights: every weight is 0; give at least one ingredient a weight above 0"
    ]


def test_one_weight_above_zero_is_enough() -> None:
    weights = dict.fromkeys(INGREDIENT_NAMES, 0)
    weights["Shared goals"] = 0.1
    inputs = read(one_partner(), weights_sheet(weights))
    assert inputs.weights.weight(Ingredient.SHARED_GOALS) == 0.1


def test_a_weight_with_no_ingredient() -> None:
    sheet = weights_sheet(row10=(None, 2))
    assert problems(one_partner(), sheet) == [
        "Weights!A10: this weight has no ingredient; type the ingredient's name"
    ]


def test_weights_sheet_without_a_weight_column() -> None:
    sheet = SheetData("Weights", {1: ("Ingredient", "Importance"), 2: ("Trust", 1)})
    assert problems(one_partner(), sheet) == [
        'Weights!C1: the header row has no Weight column; add it next to "Ingredient"'
    ]


# --- Settings ------------------------------------------------------------------------------------


def test_settings_are_read() -> None:
    sheet = settings_sheet(
        (" lowest  SCORE ", "0"),
        ("Highest score", 10),
        ("Strong from", 80),
        ("Keep from", "60.5"),
        ("Improve from", 20),
        ("Chargeable rate", 150),
        ("Currency", "€"),
        ("Missing scores", " count as LOWEST "),
    )
    inputs = read(partners_sheet({2: partner_row("Ann", (0, 10, 5, 5, 5, 5, 5))}), sheet)
    assert inputs.settings == Settings(
        lowest_score=0,
        highest_score=10,
        strong_from=80,
        keep_from=60.5,
        improve_from=20,
        chargeable_rate=150,
        currency="€",
        missing_scores=MissingScores.COUNT_AS_LOWEST,
    )


def test_a_blank_setting_value_uses_the_default() -> None:
    sheet = settings_sheet(("Lowest score", None), ("Chargeable rate", 90), ("Currency", "  "))
    inputs = read(one_partner(), sheet)
    assert inputs.settings == Settings(chargeable_rate=90)


@pytest.mark.parametrize(("typed", "expected"), [(0, 0), (100, 100), ("35", 35), (None, 50)])
def test_close_call_within(typed: object, expected: int) -> None:
    inputs = read(one_partner(), settings_sheet(("Close call within", typed)))
    assert inputs.settings.close_call_within == expected


def test_an_empty_settings_sheet_means_the_defaults() -> None:
    inputs = read(one_partner(), SheetData("Settings", {}))
    assert inputs.settings == Settings()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [("Lowest scor", 1)],
            'Settings!A2: "Lowest scor" is not a setting partnersheet knows; use one of Lowest '
            "score, Highest score, Strong from, Keep from, Improve from, Chargeable rate, "
            "Currency, Missing scores, Close call within, Contact Strong every, Contact Keep "
            "every, Contact Improve every (or delete the row)",
        ),
        (
            [("Lowest score", 5), ("Highest score", 5)],
            "Settings!B3: Highest score (5) must be above Lowest score (5); raise Highest score "
            "or lower Lowest score",
        ),
        (
            [("Highest score", 3), ("Lowest score", 4)],
            "Settings!B2: Highest score (3) must be above Lowest score (4); raise Highest score "
            "or lower Lowest score",
        ),
        (
            [("Strong from", 50)],
            "Settings!B2: the band thresholds must fall: Strong from (50) above Keep from (50) "
            "above Improve from (30); change them so each is below the one before",
        ),
        (
            [("Strong from", 80), ("Keep from", 20)],
            "Settings!B2: the band thresholds must fall: Strong from (80) above Keep from (20) "
            "above Improve from (30); change them so each is below the one before",
        ),
        (
            [("Strong from", 150)],
            "Settings!B2: Strong from is 150; enter a number from 0 to 100, such as 75",
        ),
        (
            [("Improve from", -5)],
            "Settings!B2: Improve from is -5; enter a number from 0 to 100, such as 30",
        ),
        (
            [("Missing scores", "Skip them")],
            'Settings!B2: Missing scores is "Skip them"; choose Score what is there, Count as '
            "lowest, or Do not rank",
        ),
        (
            [("Lowest score", "one")],
            'Settings!B2: Lowest score is "one"; enter a whole number, such as 1',
        ),
        (
            [("Highest score", 5.5)],
            "Settings!B2: Highest score is 5.5; enter a whole number, such as 5",
        ),
        (
            [("Strong from", "high")],
            'Settings!B2: Strong from is "high"; enter a number from 0 to 100, such as 75',
        ),
        (
            [("Chargeable rate", -5)],
            "Settings!B2: Chargeable rate is -5; enter your hourly rate as a number, 0 or more, "
            "without the currency sign",
        ),
        (
            [("Currency", "£"), ("currency", "$")],
            "Settings!A3: Currency is already set in row 2; keep one of the two rows",
        ),
        (
            [("Contact Strong every", -7)],
            "Settings!B2: Contact Strong every is -7; enter a whole number of days, 0 or more "
            "(0 for no reminders)",
        ),
        (
            [("Currency", "£"), ("contact  keep EVERY ", 7.5)],
            "Settings!B3: Contact Keep every is 7.5; enter a whole number of days, 0 or more "
            "(0 for no reminders)",
        ),
        (
            [("Contact Improve every", "quarterly")],
            'Settings!B2: Contact Improve every is "quarterly"; enter a whole number of days, 0 '
            "or more (0 for no reminders)",
        ),
        (
            [(None, 42)],
            "Settings!A2: this value has no setting name; type the setting's name",
        ),
        (
            [("Close call within", 120)],
            "Settings!B2: Close call within is 120; enter a whole number from 0 to 100",
        ),
        (
            [("Close call within", -10)],
            "Settings!B2: Close call within is -10; enter a whole number from 0 to 100",
        ),
        (
            [("Close call within", 12.5)],
            "Settings!B2: Close call within is 12.5; enter a whole number from 0 to 100",
        ),
        (
            [("Currency", "£"), ("Close call within", "half")],
            'Settings!B3: Close call within is "half"; enter a whole number from 0 to 100',
        ),
    ],
)
def test_bad_settings(rows: list[Row], expected: str) -> None:
    assert problems(one_partner(), settings_sheet(*rows)) == [expected]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [("Currency", "£"), ("Lowest score", 6)],
            "Settings!B3: Highest score (5) must be above Lowest score (6); raise Highest score "
            "or lower Lowest score",
        ),
        (
            [("Improve from", 60)],
            "Settings!B2: the band thresholds must fall: Strong from (75) above Keep from (50) "
            "above Improve from (60); change them so each is below the one before",
        ),
        (
            [("Currency", "£"), ("Keep from", 80)],
            "Settings!B3: the band thresholds must fall: Strong from (75) above Keep from (80) "
            "above Improve from (30); change them so each is below the one before",
        ),
    ],
)
def test_scale_and_threshold_problems_point_at_a_cell_typed(rows: list[Row], expected: str) -> None:
    assert problems(one_partner(), settings_sheet(*rows)) == [expected]


def test_a_wrong_scale_is_reported_once_not_against_every_score() -> None:
    partners = partners_sheet({2: partner_row("Ann"), 3: partner_row("Bea", (1, 2, 3, 4, 5, 5, 5))})
    settings = settings_sheet(("Lowest score", 5), ("Highest score", 1))
    assert problems(partners, settings) == [
        "Settings!B3: Highest score (1) must be above Lowest score (5); raise Highest score "
        "or lower Lowest score"
    ]


def test_settings_sheet_without_a_value_column() -> None:
    sheet = SheetData("Settings", {2: ("Setting", "Amount"), 3: ("Currency", "$")})
    assert problems(one_partner(), sheet) == [
        'Settings!C2: the header row has no Value column; add it next to "Setting"'
    ]


# --- Competitors ---------------------------------------------------------------------------------


def test_competitors_are_read() -> None:
    sheet = SheetData(
        "Competitors",
        {
            1: ("Competitor", "Also known as", "My notes"),
            2: ("  Acme   Coaching ", "Acme; ACL , A.C.", "big"),
            3: ("Bright Minds",),
            4: (None, None, "a note only"),
        },
    )
    inputs = read(one_partner(), sheet)
    assert inputs.competitors == (
        Competitor("Acme Coaching", ("Acme", "ACL", "A.C.")),
        Competitor("Bright Minds", ()),
    )


def test_aliases_without_a_competitor_name() -> None:
    sheet = SheetData(
        "Competitors",
        {1: ("Competitor", "Also known as"), 2: ("Acme", ""), 3: (" ", "Bright, BM")},
    )
    assert problems(one_partner(), sheet) == [
        "Competitors!A3: these aliases have no competitor name; type the name"
    ]


# --- History -------------------------------------------------------------------------------------

HISTORY_HEADER = ("Reviewed on", "Partner", "Weighted score", "Rank", "Band", "Weights")


def test_history_is_read() -> None:
    sheet = SheetData(
        "History",
        {
            1: HISTORY_HEADER,
            2: (dt.datetime(2026, 1, 5), "Ann Smith", 72.5, 1, "Keep", "Trust 1, ..."),
            3: ("2026-01-05", "Bea Ltd", "40", 2, "Improve", "Trust 1, ..."),
            4: (None, None, None),
        },
    )
    inputs = read(one_partner(), sheet)
    assert [
        (h.row, h.reviewed_on, h.partner, h.weighted_score, h.rank) for h in inputs.history
    ] == [
        (2, dt.date(2026, 1, 5), "Ann Smith", 72.5, 1),
        (3, dt.date(2026, 1, 5), "Bea Ltd", 40.0, 2),
    ]
    assert inputs.history[0].band == "Keep"
    layout = inputs.history_layout
    assert layout is not None
    assert (layout.title, layout.header_row, layout.columns, layout.last_row) == (
        "History",
        1,
        (1, 2, 3, 4, 5, 6),
        4,
    )


def test_an_empty_history_sheet_counts_as_absent() -> None:
    inputs = read(one_partner(), SheetData("History", {}))
    assert inputs.history == ()
    assert inputs.history_layout is None


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ("last week", "Ann Smith", 50, 1, "Keep", ""),
            'History!A3: Reviewed on is "last week"; partnersheet keeps this sheet: undo the '
            "change, or delete the row",
        ),
        (
            (None, "Ann Smith", 50, 1, "Keep", ""),
            "History!A3: this row has no Reviewed on date; partnersheet keeps this sheet: undo "
            "the change, or delete the row",
        ),
        (
            (dt.date(2026, 2, 1), None, 50, 1, "Keep", ""),
            "History!B3: this row has no partner; partnersheet keeps this sheet: undo the "
            "change, or delete the row",
        ),
        (
            (dt.date(2026, 2, 1), "Ann Smith", "fifty", 1, "Keep", ""),
            'History!C3: Weighted score is "fifty"; partnersheet keeps this sheet: undo the '
            "change, or delete the row",
        ),
    ],
)
def test_bad_history_rows(row: Row, expected: str) -> None:
    sheet = SheetData(
        "History",
        {1: HISTORY_HEADER, 2: (dt.date(2026, 1, 5), "Ann Smith", 40, 1, "Improve", ""), 3: row},
    )
    assert problems(one_partner(), sheet) == [expected]


# --- every problem at once -----------------------------------------------------------------------


def test_problems_in_three_sheets_are_reported_together() -> None:
    partners = partners_sheet(
        {2: partner_row("Ann Smith"), 7: partner_row("Bea", ("five", *THREES[1:]))}
    )
    weights: dict[str, CellValue] = dict.fromkeys(INGREDIENT_NAMES, 1)
    weights["Trust"] = -1
    settings = settings_sheet(("Missing scores", "sometimes"))
    found = problems(partners, weights_sheet(weights), settings)
    assert sorted(found) == [
        'Partners!M7: Trust is "five"; enter a whole number from 1 to 5',
        'Settings!B2: Missing scores is "sometimes"; choose Score what is there, Count as '
        "lowest, or Do not rank",
        "Weights!B2: the weight of Trust is -1; enter a number, 0 or more (0 leaves the "
        "ingredient out)",
    ]


def test_problems_in_all_five_sheets_are_reported_together() -> None:
    partners = partners_sheet({2: partner_row("Ann", referrals_sent=1.5), 3: partner_row("ann")})
    weights = weights_sheet(row9=("Humour", 1))
    settings = settings_sheet(("Colour", "blue"))
    competitors = SheetData("Competitors", {1: ("Competitor", "Also known as"), 2: (None, "X")})
    history = SheetData("History", {1: HISTORY_HEADER, 2: ("soon", "Ann", 1, 1, "Ditch", "")})
    found = problems(partners, weights, settings, competitors, history)
    assert len(found) == 6
    assert sorted(p.split("!")[0] for p in found) == [
        "Competitors",
        "History",
        "Partners",
        "Partners",
        "Settings",
        "Weights",
    ]
