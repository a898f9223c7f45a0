"""The fresh workbook, the example, and the checked-in copies of both."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import expected_next_contact
from partnersheet.core.model import (
    COMPUTED_COLUMNS,
    INPUT_HEADERS,
    PARTNERS_HEADERS,
    SETTING_HELP,
    Column,
    Ingredient,
    IngredientWeight,
    MissingScores,
    Setting,
    Weights,
    normalise_name,
)
from partnersheet.errors import CannotWrite
from partnersheet.files.template import (
    SHEETS,
    TEMP_PREFIX,
    build_workbook,
    write_new_workbook,
)

ROOT = Path(__file__).resolve().parent.parent
HEADERS = [h.label for h in PARTNERS_HEADERS]


# --- helpers -------------------------------------------------------------------------------


def column_letter(sheet: Any, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header!r} on {sheet.title}")


def validation_for(sheet: Any, cell: str) -> Any:
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{sheet.title}!{cell} has {len(found)} data validations"
    return found[0]


def all_validations(workbook: Any) -> Iterator[Any]:
    for sheet in workbook.worksheets:
        yield from sheet.data_validations.dataValidation


def records(sheet: Any) -> list[dict[str, Any]]:
    """The rows below the header as dicts by header, skipping rows with nothing typed."""
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [
        dict(zip(header, row, strict=True))
        for row in rows[1:]
        if any(value is not None for value in row)
    ]


def dump(workbook: Any) -> list[str]:
    """What a person would see of a workbook, one line per item, so a difference reads well."""
    lines: list[str] = []
    for sheet in workbook.worksheets:
        lines.append(f"sheet {sheet.title!r} freeze={sheet.freeze_panes}")
        for letter, dimension in sorted(sheet.column_dimensions.items()):
            lines.append(f"  width {letter} {dimension.width}")
        for dv in sorted(sheet.data_validations.dataValidation, key=lambda dv: str(dv.sqref)):
            lines.append(
                f"  validation {dv.sqref} {dv.type} {dv.formula1!r} {dv.operator} "
                f"{dv.promptTitle!r} {dv.prompt!r} {dv.errorStyle} {dv.error!r}"
            )
        for row in sheet.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill.fill_type else None
                if cell.value is None and cell.number_format == "General" and fill is None:
                    continue
                lines.append(
                    f"  {cell.coordinate} {cell.value!r} {cell.number_format!r} fill={fill}"
                )
    return lines


def reloaded(workbook: Any, tmp_path: Path) -> Any:
    path = tmp_path / "reloaded.xlsx"
    workbook.save(path)
    return openpyxl.load_workbook(path)


def weighted_score(scores: dict[Ingredient, int | None], weights: dict[Ingredient, float]) -> float:
    """The contract's formula on a 1-5 scale, scoring what is there."""
    counted = [i for i in Ingredient if scores[i] is not None]
    total = sum(weights[i] * (scores[i] - 1) for i in counted)  # type: ignore[operator]
    return round(100 * total / (4 * sum(weights[i] for i in counted)), 1)


@pytest.fixture(scope="module")
def template() -> Any:
    return build_workbook()


@pytest.fixture(scope="module")
def example() -> Any:
    return build_workbook(example=True)


# --- the fresh workbook ----------------------------------------------------------------------


def test_sheets_in_order_with_partners_active(template: Any) -> None:
    assert template.sheetnames == [
        "Partners",
        "Review",
        "Weights",
        "Settings",
        "Competitors",
        "Instructions",
    ]
    assert list(SHEETS) == template.sheetnames
    assert template.active.title == "Partners"


def test_partners_headers_are_exact(template: Any) -> None:
    sheet = template["Partners"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert HEADERS[:3] == ["Partner", "Organisation", "Offers"]
    assert HEADERS[HEADERS.index("Last contact") + 1] == "Owner"
    assert HEADERS[-9:] == [
        "Weighted score",
        "Rank",
        "Band",
        "Work on",
        "Conflicts",
        "Score per hour",
        "Status",
        "Trend",
        "Next contact",
    ]


def test_partners_freezes_header_and_partner_column(template: Any) -> None:
    assert template["Partners"].freeze_panes == "B2"


def test_computed_columns_look_different(template: Any) -> None:
    sheet = template["Partners"]
    partner = sheet["A1"]
    for column in COMPUTED_COLUMNS:
        letter = column_letter(sheet, column.value)
        header = sheet[f"{letter}1"]
        assert header.fill.fgColor.rgb != partner.fill.fgColor.rgb
        assert header.font.italic
        assert sheet[f"{letter}2"].fill.fill_type == "solid"
        assert sheet[f"{letter}500"].fill.fill_type == "solid"
    for header in INPUT_HEADERS:
        letter = column_letter(sheet, header.label)
        assert sheet[f"{letter}1"].font.bold
        assert sheet[f"{letter}2"].fill.fill_type is None


@pytest.mark.parametrize("ingredient", list(Ingredient))
def test_each_score_column_has_a_dropdown_with_its_meaning(
    template: Any, ingredient: Ingredient
) -> None:
    sheet = template["Partners"]
    letter = column_letter(sheet, ingredient.label)
    for row in (2, 500):
        dv = validation_for(sheet, f"{letter}{row}")
        assert dv.type == "list"
        assert dv.formula1 == '"1,2,3,4,5"'
        assert dv.promptTitle == ingredient.label
        assert dv.prompt.startswith(ingredient.meaning)
        assert dv.prompt.endswith("Score 1 (lowest) to 5 (highest).")
        assert dv.showInputMessage and dv.showErrorMessage
        assert dv.errorStyle == "warning"
    assert not any(f"{letter}501" in dv.sqref for dv in all_validations(template))


@pytest.mark.parametrize(
    ("header", "kind", "formula"),
    [
        ("Agreement", "list", '"Written,Verbal,None"'),
        ("Hours per month", "decimal", "0"),
        ("Fees received", "decimal", "0"),
        ("Referrals sent", "whole", "0"),
        ("Referrals received", "whole", "0"),
        ("Last contact", "date", "1"),
    ],
)
def test_input_columns_are_checked(template: Any, header: str, kind: str, formula: str) -> None:
    sheet = template["Partners"]
    dv = validation_for(sheet, f"{column_letter(sheet, header)}2")
    assert dv.type == kind
    assert dv.formula1 == formula
    assert dv.prompt
    assert dv.showErrorMessage and dv.error


@pytest.mark.parametrize("header", ["Competitor group", "Also refers to"])
def test_conflict_columns_explain_themselves(template: Any, header: str) -> None:
    sheet = template["Partners"]
    dv = validation_for(sheet, f"{column_letter(sheet, header)}2")
    assert dv.type is None
    assert "compet" in dv.prompt


@pytest.mark.parametrize("column", COMPUTED_COLUMNS)
def test_computed_columns_warn_that_edits_are_overwritten(template: Any, column: Column) -> None:
    sheet = template["Partners"]
    dv = validation_for(sheet, f"{column_letter(sheet, column.value)}7")
    assert "overwritten" in dv.prompt


@pytest.mark.parametrize("example", [False, True])
def test_validation_texts_fit_excels_limits(example: bool) -> None:
    for dv in all_validations(build_workbook(example=example)):
        assert dv.promptTitle and len(dv.promptTitle) <= 32
        assert dv.prompt and len(dv.prompt) <= 255
        assert dv.error is None or len(dv.error) <= 225


@pytest.mark.parametrize(
    ("header", "number_format"),
    [
        ("Hours per month", "0.0"),
        ("Fees received", "#,##0"),
        ("Last contact", "yyyy-mm-dd"),
        ("Weighted score", "0.0"),
        ("Score per hour", "0.0"),
        ("Next contact", "yyyy-mm-dd"),
    ],
)
def test_number_formats(template: Any, header: str, number_format: str) -> None:
    sheet = template["Partners"]
    letter = column_letter(sheet, header)
    assert sheet[f"{letter}2"].number_format == number_format
    assert sheet[f"{letter}500"].number_format == number_format


def test_weights_sheet_has_every_ingredient_at_weight_1(template: Any) -> None:
    sheet = template["Weights"]
    assert [c.value for c in sheet[1]] == ["Ingredient", "Weight", "Meaning", "Action"]
    rows = records(sheet)
    assert [r["Ingredient"] for r in rows] == [i.label for i in Ingredient]
    assert all(r["Weight"] == 1 for r in rows)
    assert all(r["Meaning"].strip() and r["Action"].strip() for r in rows)
    dv = validation_for(sheet, "B2")
    assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert "B8" in dv.sqref


def test_settings_sheet_has_the_defaults(template: Any) -> None:
    sheet = template["Settings"]
    assert [c.value for c in sheet[1]] == ["Setting", "Value", "What it does"]
    rows = records(sheet)
    assert {r["Setting"]: r["Value"] for r in rows} == {
        "Lowest score": 1,
        "Highest score": 5,
        "Strong from": 75,
        "Keep from": 50,
        "Improve from": 30,
        "Chargeable rate": 0,
        "Currency": "£",
        "Missing scores": "Score what is there",
        "Close call within": 50,
        "Contact Strong every": 30,
        "Contact Keep every": 60,
        "Contact Improve every": 90,
    }
    assert [r["What it does"] for r in rows] == [SETTING_HELP[s][1] for s in Setting]
    assert all(r["What it does"].endswith(".") for r in rows)
    row = 2 + list(Setting).index(Setting.MISSING_SCORES)
    dv = validation_for(sheet, f"B{row}")
    assert dv.type == "list"
    assert dv.formula1 == '"' + ",".join(m.value for m in MissingScores) + '"'


@pytest.mark.parametrize(
    "setting",
    [Setting.CONTACT_STRONG_EVERY, Setting.CONTACT_KEEP_EVERY, Setting.CONTACT_IMPROVE_EVERY],
)
def test_contact_settings_take_whole_days(template: Any, setting: Setting) -> None:
    sheet = template["Settings"]
    row = 2 + list(Setting).index(setting)
    assert sheet[f"A{row}"].value == setting.value
    assert "0 for no reminders" in sheet[f"C{row}"].value
    dv = validation_for(sheet, f"B{row}")
    assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert dv.prompt and dv.error
    # The one check covers the three contact settings, and no other setting.
    contact = {s for s in Setting if s.value.startswith("Contact ")}
    assert {str(r) for r in dv.sqref.ranges} == {f"B{2 + list(Setting).index(s)}" for s in contact}


def test_competitors_sheet_is_empty_below_its_headers(template: Any) -> None:
    sheet = template["Competitors"]
    assert [c.value for c in sheet[1]] == ["Competitor", "Also known as"]
    assert records(sheet) == []


def test_instructions_say_how_to_run_it(template: Any) -> None:
    text = " ".join(str(c.value) for c in template["Instructions"]["A"] if c.value)
    for words in (
        "partnersheet review yourfile.xlsx",
        "partnersheet check yourfile.xlsx",
        "partnersheet overdue yourfile.xlsx",
        "Next contact",
        "Owner",
        "History",
        "Review",
        "Missing scores",
        "never counted as 0",
    ):
        assert words in text
    assert template["Instructions"].column_dimensions["A"].width >= 90


def test_template_has_no_partners_and_no_history(template: Any) -> None:
    assert records(template["Partners"]) == []
    assert "History" not in template.sheetnames


@pytest.mark.parametrize("example", [False, True])
def test_no_formulas_anywhere(example: bool, tmp_path: Path) -> None:
    workbook = reloaded(build_workbook(example=example), tmp_path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"


# --- the example -----------------------------------------------------------------------------


def example_weights(example: Any) -> dict[Ingredient, float]:
    by_label = {i.label: i for i in Ingredient}
    return {by_label[r["Ingredient"]]: r["Weight"] for r in records(example["Weights"])}


def example_scores(partner: dict[str, Any]) -> dict[Ingredient, int | None]:
    return {i: partner[i.label] for i in Ingredient}


def test_example_has_about_eight_partners_and_no_computed_values(example: Any) -> None:
    partners = records(example["Partners"])
    assert 7 <= len(partners) <= 9
    for partner in partners:
        assert partner["Partner"] and partner["Organisation"] and partner["Offers"]
        assert partner["Last contact"] is None or partner["Last contact"].year == 2026
        assert all(partner[c.value] is None for c in COMPUTED_COLUMNS)


def test_example_weights_and_settings(example: Any) -> None:
    weights = example_weights(example)
    assert weights[Ingredient.OPPORTUNITY] == 2
    assert weights[Ingredient.FRIENDSHIP] == 0.5
    assert sum(w == 1 for w in weights.values()) == 5
    settings = {r["Setting"]: r["Value"] for r in records(example["Settings"])}
    assert settings["Chargeable rate"] == 150
    assert settings["Currency"] == "£"


def test_example_has_one_competitor_group_of_two_both_sent_referrals(example: Any) -> None:
    partners = records(example["Partners"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for partner in partners:
        if partner["Competitor group"]:
            groups.setdefault(normalise_name(partner["Competitor group"]), []).append(partner)
    assert list(groups) == ["executive coaching"]
    members = groups["executive coaching"]
    assert len(members) == 2
    assert all(m["Referrals sent"] > 0 for m in members)


def test_example_also_refers_to_a_competitor_by_alias(example: Any) -> None:
    competitors = records(example["Competitors"])
    aliases = {
        normalise_name(alias): c["Competitor"]
        for c in competitors
        if c["Also known as"]
        for alias in c["Also known as"].split(";")
    }
    names = {normalise_name(c["Competitor"]) for c in competitors}
    assert 2 <= len(competitors) <= 3
    referred = [
        normalise_name(name)
        for p in records(example["Partners"])
        if p["Also refers to"]
        for name in p["Also refers to"].replace(";", ",").split(",")
    ]
    assert any(name in aliases and name not in names for name in referred)
    assert any(name not in aliases and name not in names for name in referred)


def test_example_has_a_provisional_partner(example: Any) -> None:
    partners = records(example["Partners"])
    blanks = [sum(s is None for s in example_scores(p).values()) for p in partners]
    assert sorted(blanks)[-2:] in ([0, 2], [0, 3])


def test_example_tells_the_story(example: Any) -> None:
    """Strongest has the largest fees; one Ditch with no referrals; many hours, few points."""
    weights = example_weights(example)
    partners = records(example["Partners"])
    scored = {p["Partner"]: weighted_score(example_scores(p), weights) for p in partners}
    by_name = {p["Partner"]: p for p in partners}
    strongest = max(scored, key=lambda name: scored[name])
    assert scored[strongest] >= 75
    assert by_name[strongest]["Fees received"] == max(p["Fees received"] for p in partners)
    ditched = [name for name, score in scored.items() if score < 30]
    assert len(ditched) == 1
    assert by_name[ditched[0]]["Referrals received"] == 0
    assert min(scored.values()) == scored[ditched[0]]
    per_hour = {
        name: score / by_name[name]["Hours per month"]
        for name, score in scored.items()
        if name != strongest
    }
    least = min(per_hour, key=lambda name: per_hour[name])
    assert by_name[least]["Hours per month"] >= 10
    assert 40 <= scored[least] < 75


def test_example_tells_the_contact_story(example: Any) -> None:
    """Three owners and some partners without one; on the day the README's transcripts use,
    two partners overdue for contact and one ranked partner with no Last contact."""
    weights = example_weights(example)
    partners = records(example["Partners"])
    owners = {" ".join(p["Owner"].split()).casefold() for p in partners if p["Owner"]}
    assert len(owners) == 3
    assert 1 <= sum(p["Owner"] is None for p in partners) < len(partners) / 2
    day = dt.date(2026, 11, 22)
    overdue = {}
    for partner in partners:
        score = weighted_score(example_scores(partner), weights)
        band = "Strong" if score >= 75 else "Keep" if score >= 50 else "Improve"
        band = band if score >= 30 else "Ditch"
        last = partner["Last contact"]
        due = expected_next_contact(last.date() if isinstance(last, dt.datetime) else last, band)
        if due is not None and due < day:
            overdue[partner["Partner"]] = (day - due).days
    assert overdue == {"Priya Shah": 15, "Dr Helen Okafor": 5}
    assert [p["Partner"] for p in partners if p["Last contact"] is None] == ["Sarah Lindqvist"]


def test_example_history_is_four_consistent_earlier_reviews(example: Any) -> None:
    sheet = example["History"]
    assert example.sheetnames[-1] == "History"
    assert [c.value for c in sheet[1]] == [
        "Reviewed on",
        "Partner",
        "Weighted score",
        "Rank",
        "Band",
        "Weights",
    ]
    rows = records(sheet)
    partners = {p["Partner"] for p in records(example["Partners"])}
    assert {r["Partner"] for r in rows} <= partners
    dates = [r["Reviewed on"] for r in rows]
    assert dates == sorted(dates)  # History in date order
    assert sorted(set(dates)) == [
        dt.date(2025, 11, 21),
        dt.date(2026, 2, 20),
        dt.date(2026, 5, 15),
        dt.date(2026, 8, 14),
    ]
    weights = Weights(
        {i: IngredientWeight(i, w) for i, w in example_weights(example).items()}
    ).short_text()
    for day in set(dates):
        review = [r for r in rows if r["Reviewed on"] == day]
        assert 5 <= len(review) < len(partners)
        for row in review:
            assert row["Weights"] == weights
            score = row["Weighted score"]
            assert row["Rank"] == 1 + sum(other["Weighted score"] > score for other in review)
            expected_band = (
                "Strong"
                if score >= 75
                else "Keep"
                if score >= 50
                else "Improve"
                if score >= 30
                else "Ditch"
            )
            assert row["Band"] == expected_band
    assert sheet["A2"].number_format == "yyyy-mm-dd"


def test_example_competing_coaches_move_apart(example: Any) -> None:
    weights = example_weights(example)
    earlier = {r["Partner"]: r["Weighted score"] for r in records(example["History"])}
    members = [p for p in records(example["Partners"]) if p["Competitor group"]]
    changes = sorted(
        weighted_score(example_scores(p), weights) - earlier[p["Partner"]] for p in members
    )
    assert changes[0] < -5 and changes[1] > 5


# --- writing ---------------------------------------------------------------------------------


def test_write_refuses_an_existing_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(b"my own precious workbook")
    with pytest.raises(CannotWrite, match=r"already exists.*--force"):
        write_new_workbook(path)
    assert path.read_bytes() == b"my own precious workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.xlsx"]


def test_write_with_force_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(b"old")
    write_new_workbook(path, example=True, force=True)
    assert openpyxl.load_workbook(path)["Partners"]["A2"].value is not None


@pytest.mark.parametrize("name", ["partners.xlsm", "PARTNERS.XLSM"])
def test_write_a_macro_workbook(tmp_path: Path, name: str) -> None:
    write_new_workbook(tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    book = openpyxl.load_workbook(tmp_path / name, keep_vba=True)
    assert book.sheetnames == [*SHEETS, "xlwings.conf"]


@pytest.mark.parametrize("name", ["partners.csv", "partners", "partners.xls"])
def test_write_refuses_other_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(CannotWrite, match=r"must end in \.xlsx, or in \.xlsm"):
        write_new_workbook(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_write_accepts_an_upper_case_suffix(tmp_path: Path) -> None:
    write_new_workbook(tmp_path / "Partners.XLSX")
    assert openpyxl.load_workbook(tmp_path / "Partners.XLSX").sheetnames == list(SHEETS)


def test_write_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(CannotWrite, match="does not exist"):
        write_new_workbook(tmp_path / "nowhere" / "partners.xlsx")


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(b"before")

    def fail(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CannotWrite, match="No space left"):
        write_new_workbook(path, force=True)
    assert path.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["partners.xlsx"]
    assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.iterdir())


@pytest.mark.parametrize("example", [False, True])
def test_two_writes_are_byte_identical(tmp_path: Path, example: bool) -> None:
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_new_workbook(first, example=example)
    write_new_workbook(second, example=example)
    assert first.read_bytes() == second.read_bytes()
    properties = openpyxl.load_workbook(first).properties
    assert properties.creator == "partnersheet"
    assert properties.created == properties.modified == dt.datetime(2026, 1, 1)


def test_the_dump_sees_a_change(tmp_path: Path) -> None:
    workbook = build_workbook(example=True)
    before = dump(workbook)
    workbook["Partners"]["N3"] = 1
    assert dump(workbook) != before


# --- the checked-in workbooks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("checked_in", "example"),
    [("workbook_template.xlsx", False), ("examples/partners.xlsx", True)],
)
def test_checked_in_workbooks_are_in_step(tmp_path: Path, checked_in: str, example: bool) -> None:
    fresh = tmp_path / "fresh.xlsx"
    write_new_workbook(fresh, example=example)
    expected = dump(openpyxl.load_workbook(fresh))
    actual = dump(openpyxl.load_workbook(ROOT / checked_in))
    assert actual == expected, f"{checked_in} is stale: run python scripts/make_workbooks.py"
