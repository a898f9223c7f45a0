"""The fast paths give what the plain ones give: reading without loading, writing cells
directly, rounding on digits, scoring on tuples, reading cells by their common kinds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import io
import math
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from conftest import (
    EXAMPLE,
    SMALL_PARTNERS,
    Formula,
    build_partners_workbook,
    scores,
    write_rows,
)
from partnersheet import inputs, model, xlsx
from partnersheet.conflicts import NAMES_SHOWN, find_conflicts
from partnersheet.errors import Problem, UnreadableWorkbook
from partnersheet.inputs import (
    SheetData,
    UncalculatedFormula,
    _as_date,
    _as_number,
    _as_whole,
    _Row,
)
from partnersheet.model import (
    INPUT_COLUMNS,
    Ingredient,
    Partner,
    Settings,
    tidy_text,
)
from partnersheet.review_sheet import (
    COLUMN_WIDTHS,
    LineKind,
    _lines_needed,
    _tallest_by_column,
    _tallest_by_row,
    build_review_sheet,
)
from partnersheet.scoring import excel_round
from partnersheet.workbook import review_workbook

DAY = dt.date(2026, 11, 22)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- reading without loading ---------------------------------------------------------------


def assert_read_alike(path: Path) -> None:
    book = xlsx.load_book(path)
    assert xlsx.read_book(path) == (book.sheets, book.titles)


def test_read_book_reads_the_small_workbook_as_a_load_does(small_workbook: Path) -> None:
    assert_read_alike(small_workbook)


def test_read_book_reads_the_example_as_a_load_does() -> None:
    assert_read_alike(EXAMPLE)


def test_read_book_reads_a_reviewed_workbook_as_a_load_does(
    small_workbook: Path, tmp_path: Path
) -> None:
    reviewed = tmp_path / "reviewed.xlsx"
    review_workbook(small_workbook, output=reviewed, reviewed_on=DAY)
    review_workbook(reviewed, reviewed_on=DAY + dt.timedelta(days=7))
    assert_read_alike(reviewed)


def every_kind(book: Any) -> None:
    """A sheet of its own beside the inputs, with links and merged cells on Partners."""
    sheet = book.get_worksheet_by_name("Partners")
    sheet.write_url(1, 22, "https://example.com/ann", string="Ann's site")
    sheet.merge_range(6, 0, 6, 3, "A merged note")
    sheet.write_string(7, 0, "After the merge")
    other = book.add_worksheet("Mine")
    write_rows(book, other, 1, [["kept", 1, Formula("=B1*2", 2)]])


def test_read_book_reads_formulas_dates_booleans_errors_and_blanks(tmp_path: Path) -> None:
    blank = {"Notes": None}
    partners = [
        {**SMALL_PARTNERS[0], "Fees received": Formula("=2000*3", 6000)},
        {**SMALL_PARTNERS[1], "Organisation": Formula('="Bea"&" Ltd"', "Bea Ltd")},
        {**SMALL_PARTNERS[2], "Last contact": dt.datetime(2026, 10, 1), **blank},
        {**SMALL_PARTNERS[3], "Notes": True, "Offers": Formula("=1/0", "#DIV/0!")},
        {"Partner": "Eve", "Notes": False, "Hours per month": 2.5, **scores(*[4] * 7)},
        {"Partner": "Fay", "Referrals sent": Formula("=1>0", True), **scores(*[2] * 7)},
    ]
    path = build_partners_workbook(
        tmp_path / "kinds.xlsx",
        partners,
        settings={"Chargeable rate": Formula("=50*2", 100), "Currency": "€"},
        competitors=[("Acme Coaching", "Acme"), ("Zed", Formula('=""', ""))],
        history=[[dt.date(2026, 8, 1), "Ann Patel", 80.5, 1, "Strong", "Trust 1"]],
        extra=every_kind,
    )
    assert_read_alike(path)


def test_read_book_reads_formulas_never_calculated(tmp_path: Path) -> None:
    """openpyxl saves formulas without results: the check reads them as the review does."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(["Partner", "Organisation", *(i.value for i in Ingredient), "Notes"])
    sheet.append(["Ann", '=A2&" Ltd"', 5, 4, 3, "=2+2", 4, 5, 5, None])
    sheet.append(["Bea", None, 3, 3, 3, 3, 3, 3, 3, None])
    sheet["K3"].hyperlink = "https://example.com/bea"  # a link on an empty cell gives it text
    sheet.merge_cells("A5:C5")
    path = tmp_path / "never.xlsx"
    book.save(path)
    assert_read_alike(path)
    sheets, _ = xlsx.read_book(path)
    assert sheets["Partners"].rows[2][1] == UncalculatedFormula('=A2&" Ltd"')
    assert sheets["Partners"].rows[3][10] == "https://example.com/bea"


def with_sheet_data(path: Path, part: str, sheet_data: str) -> Path:
    """A copy of `path` whose `part` has the given <sheetData> (and a merge) instead."""
    target = path.with_name("edited.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                text = data.decode("utf-8")
                start, end = text.index("<sheetData"), text.index("</sheetData>") + 12
                data = (text[:start] + sheet_data + text[end:]).encode("utf-8")
            out.writestr(item, data)
    return target


def cells(row: int, *items: str) -> str:
    return f'<row r="{row}">{"".join(items)}</row>'


HEADER_ROW = cells(
    1,
    *(
        f'<c r="{chr(65 + n)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for n, h in enumerate(["Partner", *(i.value for i in Ingredient)])
    ),
)


@pytest.mark.parametrize(
    "rows",
    [
        # Shared formulas, with results and without; a text result; a rich text name.
        HEADER_ROW
        + cells(
            2,
            '<c r="A2" t="inlineStr"><is><r><t>An</t></r><r><rPr><b/></rPr><t>n</t></r></is></c>',
            '<c r="B2"><f t="shared" ref="B2:D2" si="0">1+1</f><v>2</v></c>',
            '<c r="C2"><f t="shared" si="0"/><v>3</v></c>',
            '<c r="D2"><f t="shared" si="0"/></c>',
            '<c r="E2" t="str"><f>"x"</f><v>x</v></c>',
            '<c r="F2" t="b"><f>TRUE</f><v>1</v></c>',
            '<c r="G2" t="e"><f>NA()</f><v>#N/A</v></c>',
            '<c r="H2" t="d"><v>2026-11-22T00:00:00</v></c>',
        ),
        # Rows out of order, and a cell filed under another row: the pairing of formulas
        # and results then follows the data-only load's own rules.
        HEADER_ROW
        + cells(
            3, '<c r="A3" t="inlineStr"><is><t>Bea</t></is></c>', '<c r="B3"><f>1</f><v>1</v></c>'
        )
        + cells(
            2, '<c r="A2" t="inlineStr"><is><t>Ann</t></is></c>', '<c r="B2"><f>2</f><v>2</v></c>'
        )
        + cells(
            4, '<c r="A4" t="inlineStr"><is><t>Cy</t></is></c>', '<c r="B5"><f>5</f><v>5</v></c>'
        ),
        # Cells and rows without references.
        HEADER_ROW + '<row><c t="inlineStr"><is><t>Dee</t></is></c><c><f>3</f><v>3</v></c></row>',
    ],
    ids=["shared formulas and rich text", "rows out of order", "no references"],
)
def test_read_book_reads_unusual_xml_as_a_load_does(small_workbook: Path, rows: str) -> None:
    path = with_sheet_data(
        small_workbook, "xl/worksheets/sheet1.xml", f"<sheetData>{rows}</sheetData>"
    )
    assert_read_alike(path)


def test_read_book_refuses_what_a_load_refuses(tmp_path: Path) -> None:
    """A document type declaration with entities is refused with the same sentence."""
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(bomb, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                prolog = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>'
                data = (prolog + body.replace("<t>Partner</t>", "<t>&e;</t>", 1)).encode()
            out.writestr(item, data)
    with pytest.raises(UnreadableWorkbook) as loaded:
        xlsx.load_book(bomb)
    with pytest.raises(UnreadableWorkbook) as read:
        xlsx.read_book(bomb)
    assert str(read.value) == str(loaded.value)


def test_prolog_check() -> None:
    assert xlsx._plain_prolog(b'<?xml version="1.0"?>\n<!-- note --><worksheet>')
    assert xlsx._plain_prolog(b"\xef\xbb\xbf<worksheet/>")
    assert not xlsx._plain_prolog(b'<?xml version="1.0"?><!DOCTYPE worksheet><worksheet/>')
    assert not xlsx._plain_prolog(b"\xff\xfe<\x00w\x00")
    assert not xlsx._plain_prolog(b"<?xml version=")


# --- writing cells directly -------------------------------------------------------------


def put_by_setter(cell: Any, value: Any) -> None:
    """`put` as written first: through openpyxl's value and number format setters."""
    if isinstance(value, str):
        if len(value) > xlsx.CELL_TEXT_LIMIT:
            value = value[: xlsx.CELL_TEXT_LIMIT - 1] + "…"
        cell.value = value
        cell.data_type = "s"
        return
    cell.value = value
    if isinstance(value, dt.date | dt.datetime):
        cell.number_format = "yyyy-mm-dd"


VALUES = [
    "text",
    "",
    "   ",
    "=1+1",
    "@SUM(A1)",
    "#N/A",
    "tab\there",
    "line\nbreak",
    "x" * 40_000,
    "café £5 – ok",
    0,
    -3,
    2**60,
    1.5,
    -0.0,
    math.inf,
    True,
    False,
    None,
    dt.date(2026, 11, 22),
    dt.datetime(2026, 11, 22, 9, 30),
    dt.time(9, 30),
]


@pytest.mark.parametrize("before", [None, "old", 4.5, dt.date(2020, 1, 1)])
@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:20] for v in VALUES])
def test_put_stores_what_the_setters_store(value: Any, before: Any) -> None:
    made = []
    for writer in (put_by_setter, xlsx.put):
        book = openpyxl.Workbook()
        cell = book.active.cell(2, 3)
        if before is not None:
            put_by_setter(cell, before)
        writer(cell, value)
        made.append((cell._value, cell.data_type, cell.number_format, list(book._number_formats)))
    assert made[0] == made[1]


@pytest.mark.parametrize("value", ["bell\x07", "nul\x00", "esc\x1b"])
def test_put_refuses_control_characters_as_the_setter_does(value: str) -> None:
    cell = openpyxl.Workbook().active.cell(1, 1)
    with pytest.raises(IllegalCharacterError):
        xlsx.put(cell, value)


# --- rounding on digits -----------------------------------------------------------------------


def decimal_round(value: float, digits: int) -> float:
    shown = Decimal(format(value, ".15g"))
    return float(shown.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


@settings(max_examples=2000)
@given(
    value=st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(-(10**6), 10**6).map(lambda n: n / 20)
    | st.integers(-(10**5), 10**5).map(lambda n: n / 1000),
    digits=st.integers(0, 4),
)
def test_excel_round_agrees_with_decimal_rounding(value: float, digits: int) -> None:
    def outcome(rounding: Any) -> object:
        try:
            result = rounding(value, digits)
        except ArithmeticError as error:  # past Decimal's precision, both refuse alike
            return type(error)
        return (result, math.copysign(1, result))

    assert outcome(excel_round) == outcome(decimal_round)


@settings(max_examples=2000)
@given(
    tie=st.integers(-(10**9), 10**9).map(lambda n: n / 20),
    nudge=st.sampled_from(["up", "down", "above", "below", "none"]),
)
def test_excel_round_agrees_next_to_a_tie(tie: float, nudge: str) -> None:
    """One decimal is rounded by a quicker path away from ties: values right beside one."""
    value = {
        "up": math.nextafter(tie, math.inf),
        "down": math.nextafter(tie, -math.inf),
        "above": tie * (1 + 1e-14),
        "below": tie * (1 - 1e-14),
        "none": tie,
    }[nudge]
    result, expected = excel_round(value, 1), decimal_round(value, 1)
    assert (result, math.copysign(1, result)) == (expected, math.copysign(1, expected))


# --- conflicts in a large group ---------------------------------------------------------------


@pytest.mark.parametrize("size", [2, NAMES_SHOWN, NAMES_SHOWN + 1, NAMES_SHOWN + 2, 40])
def test_a_large_group_names_the_first_others(size: int) -> None:
    members = [Partner(row=n, name=f"M{n}", competitor_group="G") for n in range(2, size + 2)]
    found = find_conflicts(members, ())
    for member in members:
        others = [m.name for m in members if m is not member]
        shown = ", ".join(others[:NAMES_SHOWN])
        if len(others) > NAMES_SHOWN:
            shown += f" and {len(others) - NAMES_SHOWN} others"
        assert found.by_row[member.row] == (f"Competes with {shown} (G)",)


# --- reading cells by their common kinds ---------------------------------------------------

CELLS = [
    None,
    "",
    " ",
    "4",
    " 4 ",
    "1,250",
    "2,5",
    "x",
    "2026-11-22",
    0,
    3,
    -2,
    2**53,
    2**53 + 1,
    -(2**60),
    2.0,
    2.5,
    -0.0,
    math.inf,
    math.nan,
    True,
    False,
    dt.date(2026, 11, 22),
    dt.datetime(2026, 11, 22, 10, 0),
    dt.time(10, 0),
    UncalculatedFormula("=A1"),
]


@pytest.mark.parametrize("value", CELLS, ids=[repr(v)[:20] for v in CELLS])
def test_row_readers_agree_with_read(value: Any) -> None:
    def pair(reader: str) -> tuple[Any, list[Problem]]:
        problems: list[Problem] = []
        row = _Row("Partners", 5, ("name", value), problems)
        if reader == "number":
            got = row.number(2, "Hours", "advice", lambda n: n >= 0)
        elif reader == "whole":
            got = row.whole(2, "Trust", "advice", lambda n: 1 <= n <= 5)
        elif reader == "any whole":
            got = row.whole(2, "Rank", "advice")
        elif reader == "date":
            got = row.date(2, "Last contact", "advice")
        else:
            got = row.text(2)
        return got, problems

    def by_read(reader: str) -> tuple[Any, list[Problem]]:
        problems: list[Problem] = []
        row = _Row("Partners", 5, ("name", value), problems)
        if reader == "number":
            got = row.read(2, _as_number, "Hours", "advice", lambda n: n >= 0)
        elif reader == "whole":
            got = row.read(2, _as_whole, "Trust", "advice", lambda n: 1 <= n <= 5)
        elif reader == "any whole":
            got = row.read(2, _as_whole, "Rank", "advice")
        elif reader == "date":
            got = row.read(2, _as_date, "Last contact", "advice")
        else:
            got = _text_by_read(row)
        return got, problems

    for reader in ("number", "whole", "any whole", "date", "text"):
        fast, plain = pair(reader), by_read(reader)
        assert (repr(fast[0]), type(fast[0]), fast[1]) == (repr(plain[0]), type(plain[0]), plain[1])


def _text_by_read(row: _Row) -> str:
    """`_Row.text` without its shortcut for text."""
    from partnersheet.inputs import _RECALCULATE, _as_text, _is_blank, _shown, _Unfit

    value = row.raw(2)
    if _is_blank(value):
        return ""
    try:
        return _as_text(value)
    except _Unfit:
        row.problem(2, f"{_shown(value)} has no saved result; {_RECALCULATE}")
        return ""


# --- measuring ranking rows ----------------------------------------------------------------


def test_ranking_row_heights_measure_every_cell() -> None:
    ranking = [
        (1, "Ann", 95.0, None, "Strong", "Trust", None, 4.0, 23.8),
        (2, "B" * 30, 80.0, 1.5, "Strong", "Trust, Friendship", "x " * 80, None, None),
        (3, "Cy\nline two\nline three", 70.0, "new", "Keep", None, "short", 2.0, 35.0),
        (4, "", 60.0, -2.0, "Keep", "W" * 31, "", 1.0, 60.0),
    ]
    layout = build_review_sheet(
        reviewed_on=DAY,
        previous_review=None,
        answers=("a", "b", ("c",), "d"),
        ranking=ranking,
        still_to_score=[],
    )
    rows = [line for line in layout.lines if line.kind is LineKind.TABLE_ROW]
    for line, values in zip(rows, ranking, strict=True):
        tallest = max(
            _lines_needed(str(v), w)
            for v, w in zip(values, COLUMN_WIDTHS, strict=True)
            if v is not None
        )
        assert line.height == (None if tallest == 1 else layout_height(tallest))


def layout_height(lines: int) -> float:
    from partnersheet.review_sheet import _height

    return _height(lines)


def test_a_rejoined_reader_gives_back_every_byte() -> None:
    # The rejoined reader gives back the bytes it was given, however it is read.
    data = b"<worksheet>" + b"x" * 100 + b"</worksheet>"
    source = io.BytesIO(data)
    head = source.read(10)
    again = xlsx._Rejoined(head, source)
    assert again.read(4) + again.read(20) + again.read() == data


# --- tidy text checked in bulk ------------------------------------------------------------


def test_the_other_spaces_are_every_space_str_split_splits_at() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert " " + every.replace(" ", "") == " " + model._OTHER_SPACES
    assert all(len(f"a{space}b".split()) == 2 for space in every)


@settings(max_examples=1000)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(["a", "B", "ß", " ", "\t", "\xa0", "\u3000", "\n"]))
        | st.text(max_size=6),
        max_size=6,
    )
)
def test_all_tidy_is_tidy_text_changing_nothing(texts: list[str]) -> None:
    assert model.all_tidy(texts) == all(tidy_text(t) == t for t in texts)


# --- Partners read a column at a time ------------------------------------------------------

PARTNER_HEADERS = [c.value for c in INPUT_COLUMNS]
#: What each known column mostly holds, and now and then a value of another kind.
ODD = st.sampled_from(CELLS)
USUAL: dict[str, st.SearchStrategy[Any]] = {
    "text": st.none() | st.sampled_from(["Acme", "Lumen Ltd", "Coaching", "", "  Rival  x "]),
    "hours": st.none() | st.integers(0, 40) | st.floats(0, 40, allow_nan=False),
    "whole": st.none() | st.integers(0, 30),
    "agreement": st.none() | st.sampled_from(["Written", "verbal", " None ", "Handshake"]),
    "date": st.none() | st.just(dt.datetime(2026, 3, 1)),
    "score": st.none() | st.integers(0, 6),
}
KIND = {
    "Hours per month": "hours",
    "Fees received": "hours",
    "Referrals sent": "whole",
    "Referrals received": "whole",
    "Agreement": "agreement",
    "Last contact": "date",
    **{i.value: "score" for i in Ingredient},
}


@st.composite
def partners_sheet(draw: st.DrawFn) -> SheetData:
    headers = draw(st.permutations(PARTNER_HEADERS))
    rows: dict[int, tuple[Any, ...]] = {1: tuple(headers)}
    names = st.sampled_from(["Ann", "Bob", "Cal", "Dee", "ann", "", " Eve  Ross"]) | st.none()
    for number in range(2, 2 + draw(st.integers(0, 8))):
        cells = []
        for header in headers:
            if header == "Partner":
                usual = names | st.text(max_size=4).map(f"P{number}".__add__)
            else:
                usual = USUAL[KIND.get(header, "text")]
            cells.append(draw(ODD if draw(st.integers(0, 30)) == 0 else usual))
        rows[number] = tuple(cells[: draw(st.integers(len(cells) - 3, len(cells)))])
    return SheetData("Partners", rows)


@settings(max_examples=600)
@given(data=partners_sheet(), scale=st.sampled_from([(1, 5), (0, 10), (5, 5)]))
def test_partners_read_by_column_as_by_row(data: SheetData, scale: tuple[int, int]) -> None:
    settings_ = Settings(lowest_score=scale[0], highest_score=scale[1])

    def read() -> str:
        problems: list[Problem] = []
        found = inputs._read_partners(data, settings_, problems)
        return repr((found, problems))

    by_column = read()
    with mock.patch.object(inputs, "_partners_by_column", lambda *_: None):
        assert read() == by_column


def watch_path(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    """Whether each call of the reading path `inputs.<name>` gave an answer, in turn."""
    taken: list[bool] = []
    path = getattr(inputs, name)

    def watched(*arguments: Any) -> Any:
        found = path(*arguments)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(inputs, name, watched)
    return taken


def test_a_plain_sheet_is_read_by_column(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above compares something: a sheet of common cells takes the column path."""
    sheets, titles = xlsx.read_book(EXAMPLE)
    data = sheets[inputs.find_sheet(titles, "Partners") or ""]
    taken = watch_path(monkeypatch, "_partners_by_column")
    inputs._read_partners(data, Settings(), [])
    assert taken == [True]


# --- History read a column at a time -------------------------------------------------------

#: What each History column mostly holds: cells the column path reads, and a few it leaves
#: to the row loop (untidy and blank texts, -0.0 and numbers at the edge of exactness).
HISTORY_USUAL: dict[str, st.SearchStrategy[Any]] = {
    "Reviewed on": st.sampled_from(
        [dt.datetime(2026, 8, 14), dt.datetime(2026, 8, 14, 9, 30), dt.date(2026, 3, 1)]
    ),
    "Partner": st.sampled_from(["Ann", "Bob Ross", " ann ", "Cal  Dee", "Eve\tRoss"]),
    "Weighted score": st.none()
    | st.floats(-100, 100, allow_nan=False)
    | st.integers(-1000, 1000)
    | st.sampled_from([-0.0, 2**53, -(2**53), 2.0**53, 1e16]),
    "Rank": st.none() | st.integers(-5, 5000) | st.sampled_from([2**53, -(2**53)]),
    "Band": st.none() | st.sampled_from(["Keep", "Strong", " Keep ", "", "  ", "a\xa0b"]),
    "Weights": st.none()
    | st.sampled_from(["Trust 1, Friendship 0.5", "Trust  1", "", "\u3000", "Trust 2"]),
}
#: Cells the column path must leave to the row loop, or must read as it does: for each
#: column, ones close to what it reads; and any cell at all.
FORMULA = UncalculatedFormula("=A1")
HISTORY_NEAR: dict[str, list[Any]] = {
    "Reviewed on": [None, "", "2026-08-14", " 2026-08-14T10:00 ", 3, True, dt.time(10, 0)],
    "Partner": [None, "", "  ", 3, True, dt.datetime(2026, 8, 14), FORMULA],
    "Weighted score": [True, math.nan, math.inf, -math.inf, "4", " 85.5 ", "", 2**53 + 1],
    "Rank": [True, False, 2**53 + 1, -(2**53) - 1, 2.0, 2.5, -0.0, math.nan, "3", ""],
    "Band": [3, 2.5, True, dt.datetime(2026, 8, 14), FORMULA, " "],
    "Weights": [3, -0.0, False, dt.date(2026, 8, 14), FORMULA, "\n"],
}
HISTORY_ODD = {
    header: st.sampled_from(near) | st.sampled_from(CELLS) for header, near in HISTORY_NEAR.items()
}
HISTORY_BLANK_ROWS = st.sampled_from([(), (None,), (None,) * 7, ("", " ", None, None)])


@st.composite
def history_sheet(draw: st.DrawFn) -> SheetData:
    optional = draw(st.lists(st.sampled_from(model.HISTORY_HEADERS[3:]), unique=True))
    headers = draw(st.permutations([*model.HISTORY_HEADERS[:3], *optional, "Notes"]))
    header_row = draw(st.integers(1, 3))
    rows: dict[int, tuple[Any, ...]] = {header_row: tuple(headers)}
    if header_row > 1:
        rows[1] = ("Review history",)
    # Mostly plain sheets, so that the column path is taken: no odd cell, one, or some.
    odd_one_in = draw(st.sampled_from([0, 1, 8]))
    count = draw(st.integers(0, 8))
    odd_at = (draw(st.integers(0, max(count - 1, 0))), draw(st.sampled_from(headers)))
    number = header_row
    for index in range(count):
        number += draw(st.integers(1, 2))
        if draw(st.integers(0, 20)) == 0:
            rows[number] = draw(HISTORY_BLANK_ROWS)
            continue
        cells = []
        for header in headers:
            if odd_one_in == 1:
                odd = (index, header) == odd_at
            else:
                odd = odd_one_in > 0 and draw(st.integers(1, odd_one_in)) == 1
            plain = HISTORY_USUAL.get(header, st.none() | st.just("note"))
            cells.append(draw(HISTORY_ODD.get(header, ODD) if odd else plain))
        short = draw(st.integers(0, 10)) == 0
        rows[number] = tuple(cells[: draw(st.integers(0, len(cells))) if short else None])
    return SheetData("History", rows)


def read_history(data: SheetData) -> str:
    problems: list[Problem] = []
    found = inputs._read_history(data, problems)
    return repr((found, problems))


@settings(max_examples=1500)
@given(data=history_sheet())
def test_history_read_by_column_as_by_row(data: SheetData) -> None:
    by_column = read_history(data)
    with mock.patch.object(inputs, "_history_by_column", lambda *_: None):
        assert read_history(data) == by_column


def test_a_plain_history_is_read_by_column(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above compares something: a History of common cells takes the column path,
    and makes each row as `built` does."""
    sheets, titles = xlsx.read_book(EXAMPLE)
    example = sheets[inputs.find_sheet(titles, "History") or ""]
    # Without a Rank column; with a date, a short row and untidy text.
    odd = SheetData(
        "History",
        {
            2: ("Reviewed on", "Partner", "Weighted score", "Band"),
            4: (dt.date(2026, 3, 1), " Ann  Lee", 70, " Keep "),
            5: (dt.datetime(2026, 3, 1, 9, 30), "Bea", -0.0),
        },
    )
    taken = watch_path(monkeypatch, "_history_by_column")
    for data in (example, odd):
        rows, _ = inputs._read_history(data, [])
        assert rows
        made = [model.built(model.HistoryRow, dict(vars(row))) for row in rows]
        assert [vars(row) for row in made] == [vars(row) for row in rows]
        assert all(model._FIELD_NAMES[model.HistoryRow] == tuple(vars(row)) for row in rows)
    assert taken == [True, True]
    assert read_history(odd) == repr(
        (
            (
                (
                    model.HistoryRow(4, dt.date(2026, 3, 1), "Ann Lee", 70.0, None, "Keep", ""),
                    model.HistoryRow(5, dt.date(2026, 3, 1), "Bea", -0.0, None, "", ""),
                ),
                model.HistoryLayout("History", 2, (1, 2, 3, 0, 4, 0), 5),
            ),
            [],
        )
    )


# --- ranking row heights a column at a time ---------------------------------------------------

RANKING_CELL = (
    st.none()
    | st.text(alphabet=st.sampled_from(["a", "W", " ", "\n"]), max_size=120)
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 85.7, 1e16, -2.2250738585072014e-308, "new", True])
)


@settings(max_examples=500)
@given(
    ranking=st.lists(
        st.tuples(*[RANKING_CELL] * len(COLUMN_WIDTHS)).map(
            lambda row: (row[0] if row[0] is not None else 1, *row[1:])
        )
        | st.tuples(*[RANKING_CELL] * len(COLUMN_WIDTHS)),
        min_size=1,
        max_size=8,
    ),
    widths=st.sampled_from([COLUMN_WIDTHS, (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)]),
)
def test_heights_by_column_are_heights_by_row(
    ranking: list[tuple[Any, ...]], widths: tuple[float, ...]
) -> None:
    try:
        by_row: object = _tallest_by_row(ranking, widths)
    except ValueError as error:
        by_row = error.args
    by_column = _tallest_by_column(ranking, widths)
    assert by_column is None or by_column == by_row


def test_an_ordinary_ranking_is_measured_by_column() -> None:
    ranking = [
        (1, "Ann", 95.0, None, "Strong", "Trust", None, 4.0, 23.8),
        (2, "B" * 30, 80.0, 1.5, "Strong", "Trust, Friendship", "x " * 80, None, None),
        (3, "Cy Ross", 70.0, "new", "Keep", None, "short", 2.0, 35.0),
    ]
    assert _tallest_by_column(ranking, COLUMN_WIDTHS) == [1, 3, 1]
    assert _tallest_by_row(ranking, COLUMN_WIDTHS) == [1, 3, 1]


# --- objects made in bulk -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Checked:
    """A frozen dataclass that checks its values, as __init__ must then run."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")


def test_built_all_makes_what_the_constructor_makes() -> None:
    fields = [{"low": n, "high": n + 1} for n in range(5)]
    made = model.built_all(Checked, fields)
    assert made == tuple(Checked(**f) for f in fields)
    with pytest.raises(ValueError, match="low above high"):
        model.built_all(Checked, [{"low": 1, "high": 2}, {"low": 3, "high": 0}])
    rows = [
        {
            "row": n,
            "reviewed_on": dt.date(2026, 1, n),
            "partner": f"P{n}",
            "weighted_score": 50.0,
            "rank": n,
            "band": "Keep",
            "weights": "",
        }
        for n in range(1, 4)
    ]
    plain = model.built_all(model.HistoryRow, rows)
    assert plain == tuple(model.HistoryRow(**r) for r in rows)
    assert [vars(r) for r in plain] == rows
    # Keys out of field order: each is made through __init__, as `built` makes it.
    reordered = [dict(reversed(r.items())) for r in rows]
    assert model.built_all(model.HistoryRow, reordered) == plain
    assert model.built_all(model.HistoryRow, []) == ()


def test_a_lasting_block_moves_what_it_made_to_the_oldest_generation() -> None:
    def made_in(**options: bool) -> list[list[int]]:
        with model.collector_paused(**options):
            return [[n] for n in range(1000)]

    gc.collect()
    lasting = made_in(lasting=True)
    assert gc.isenabled()
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in lasting)

    # Without it, a young collection walks them when the collector starts again.
    gc.collect()
    plain = made_in()
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert not any(id(item) in oldest for item in plain)


def test_a_lasting_block_leaves_frozen_objects_frozen() -> None:
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with model.collector_paused(lasting=True):
            made = [[n] for n in range(100)]
        assert gc.get_freeze_count() == frozen
        assert gc.isenabled()
        assert made
    finally:
        gc.unfreeze()


def test_a_nested_block_leaves_the_collector_to_the_outer_one() -> None:
    with model.collector_paused(lasting=True):
        with model.collector_paused(lasting=True):
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
