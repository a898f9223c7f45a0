"""What people met trying partnersheet on their own files: `check` and `review` agree on every
workbook, the workbook's own problems come before anything about writing it, and each message
says in plain words what is wrong and what to do, never a Python exception's name.

Every refusal is checked for its exact message, its exit status and a file left as it was.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import EXAMPLE, SMALL_PARTNERS, build_partners_workbook, digest, scores
from fidelity_parts import parts_of, pivot_table, write_parts
from partnersheet.cli import main

DAY = "2026-12-02"
#: Words of Python, not of people: none may reach a message.
PYTHON_WORDS = re.compile(r"Error\b|Exception|Traceback|from_tree|Nested|\bNone\b|\w+\(\)")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


#: Every way to ask: check it, review it in place, to another file, and without writing.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check",),
    ("review", "--date", DAY),
    ("review", "--date", DAY, "--output", "reviewed.xlsx"),
    ("review", "--date", DAY, "--dry-run", "--json"),
)


def assert_every_command_says(path: Path, stderr: str) -> None:
    """Each of `COMMANDS` fails with exactly `stderr`, writes nothing and keeps the file."""
    before = digest(path)
    for command in COMMANDS:
        result = run(command[0], path.name, *command[1:])
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", stderr), command
        assert not PYTHON_WORDS.search(result.stderr.removeprefix("Error: "))
    assert digest(path) == before
    assert not Path("reviewed.xlsx").exists()


# --- check and review agree ---------------------------------------------------------------------


def blank_sheet_only(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.save(path)
    return path


def chart_sheet(title: str) -> Callable[[Any], None]:
    """A chart sheet called `title`, charting a small data sheet."""

    def add(book: Any) -> None:
        data = book.add_worksheet("Data")
        data.write_column("A1", [1, 2, 3])
        chart = book.add_chart({"type": "line"})
        chart.add_series({"values": "=Data!$A$1:$A$3"})
        book.add_chartsheet(title).set_chart(chart)

    return add


NO_PARTNERS = (
    "Partners: the workbook has no Partners sheet; add a sheet named Partners (`partnersheet "
    "new` writes a workbook with every sheet ready)\n"
)


def test_a_workbook_without_a_partners_sheet_gets_the_same_answer_everywhere(
    tmp_path: Path,
) -> None:
    assert_every_command_says(blank_sheet_only(tmp_path / "partners.xlsx"), NO_PARTNERS)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        (
            "Review",
            "Review: this is a chart sheet, and partnersheet writes the review on a worksheet "
            "called Review; rename this one (to Review chart, say) so a worksheet can take its "
            "name\n",
        ),
        (
            "History",
            "History: this is a chart sheet, and partnersheet keeps each review's scores on a "
            "worksheet called History; rename this one (to History chart, say) so a worksheet "
            "can take its name\n",
        ),
        (
            "Weights",
            "Weights: this is a chart sheet, and partnersheet reads a worksheet called Weights; "
            "rename this one (to Weights chart, say) so a worksheet can take its name\n",
        ),
    ],
)
def test_a_chart_sheet_with_one_of_our_names_is_a_problem_check_finds_too(
    tmp_path: Path, title: str, message: str
) -> None:
    path = build_partners_workbook(
        tmp_path / "partners.xlsx", SMALL_PARTNERS, extra=chart_sheet(title)
    )
    assert_every_command_says(path, message)


def test_a_chart_sheet_called_partners_is_named_as_such(tmp_path: Path) -> None:
    path = build_partners_workbook(
        tmp_path / "partners.xlsx", SMALL_PARTNERS, extra=chart_sheet("Chart")
    )
    # The table's sheet renamed away and the chart sheet renamed Partners, as a person might.
    parts = parts_of(path)
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    workbook = workbook.replace('name="Partners"', 'name="Old partners"')
    parts["xl/workbook.xml"] = workbook.replace('name="Chart"', 'name="Partners"').encode()
    write_parts(path, parts)
    assert_every_command_says(
        path,
        "Partners: this is a chart sheet, and partnersheet reads a worksheet called Partners; "
        "rename this one (to Partners chart, say) so a worksheet can take its name\n",
    )


def test_a_pivot_cache_partnersheet_does_not_need_never_stops_a_review(tmp_path: Path) -> None:
    # Excel's pivot caches carry extensions other readers choke on; here the cache cannot be
    # parsed at all. partnersheet never reads it, and copies it as it is.
    path = pivot_table(tmp_path / "partners.xlsx", "Notes")
    parts = parts_of(path)
    cache = "xl/pivotCache/pivotCacheDefinition1.xml"
    parts[cache] = parts[cache].replace(b"</cacheFields>", b"<x14:unknown></cacheFields>")
    write_parts(path, parts)
    checked = run("check", "partners.xlsx")
    assert (checked.exit_code, checked.stdout) == (
        0,
        "partners.xlsx: no problems found (4 partners).\n",
    )
    reviewed = run("review", "partners.xlsx", "--date", DAY)
    assert reviewed.exit_code == 0, reviewed.output
    assert parts_of(path)[cache] == parts[cache]


def test_a_damaged_part_partnersheet_needs_is_named(tmp_path: Path) -> None:
    path = build_partners_workbook(tmp_path / "partners.xlsx", SMALL_PARTNERS)
    parts = parts_of(path)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</row>", b"</rw>", 1)
    write_parts(path, parts)
    stderr = run("check", "partners.xlsx").stderr
    assert stderr.startswith(
        "Error: partners.xlsx could not be read: its sheet Partners (xl/worksheets/sheet1.xml) "
        "is not well-formed XML (line "
    )
    assert stderr.endswith(
        "); open the workbook in Excel or LibreOffice and save it again, or use a backup.\n"
    )
    assert_every_command_says(path, stderr)


def test_a_damaged_part_partnersheet_copies_is_found_by_check_too(tmp_path: Path) -> None:
    # A picture whose stored bytes no longer match their checksum: partnersheet would copy it
    # as it is, and cannot.
    path = build_partners_workbook(tmp_path / "partners.xlsx", SMALL_PARTNERS)
    parts = parts_of(path)
    parts["xl/media/notes.bin"] = bytes(range(256)) * 64
    write_parts(path, parts)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/media/notes.bin")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # one byte of the compressed data
    path.write_bytes(bytes(data))
    assert_every_command_says(
        path,
        "Error: partners.xlsx cannot be reviewed: its part xl/media/notes.bin, which "
        "partnersheet keeps as it is, is damaged (the data stored for it does not check out); "
        "open the workbook in Excel or LibreOffice and save it again. Nothing was changed.\n",
    )


# --- the workbook's own problems come first -------------------------------------------------------


def test_no_partners_sheet_comes_before_a_lock_file(tmp_path: Path) -> None:
    path = blank_sheet_only(tmp_path / "partners.xlsx")
    (tmp_path / ".~lock.partners.xlsx#").write_text("Sam Lee,sam,laptop,02.12.2026 09:00,;\n")
    (tmp_path / "~$partners.xlsx").write_bytes(b"\x03Sam Lee" + bytes(157))
    before = digest(path)
    result = run("review", "partners.xlsx", "--date", DAY)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", NO_PARTNERS)
    assert digest(path) == before


def test_no_partners_sheet_comes_before_the_output_name(tmp_path: Path) -> None:
    blank_sheet_only(tmp_path / "partners.xlsx")
    result = run("review", "partners.xlsx", "--output", "reviewed.xlsm")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", NO_PARTNERS)
    assert not (tmp_path / "reviewed.xlsm").exists()


def test_a_lock_file_is_told_once_the_workbook_is_fine(tmp_path: Path) -> None:
    path = build_partners_workbook(tmp_path / "partners.xlsx", SMALL_PARTNERS)
    (tmp_path / ".~lock.partners.xlsx#").write_text("Sam Lee,sam,laptop,02.12.2026 09:00,;\n")
    before = digest(path)
    result = run("review", "partners.xlsx", "--date", DAY)
    assert result.exit_code == 1
    assert "Sam Lee" in result.stderr and "LibreOffice" in result.stderr
    assert digest(path) == before


# --- plain words ----------------------------------------------------------------------------------


def review_json(path: Path, day: str = DAY) -> dict[str, Any]:
    import json

    result = run("review", path.name, "--date", day, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_without_a_settings_sheet_question_4_says_to_add_one(tmp_path: Path) -> None:
    path = build_partners_workbook(tmp_path / "partners.xlsx", SMALL_PARTNERS)
    answer = review_json(path)["less_time"]["answer"]
    assert answer == (
        "Spend less time with Cal Jones: 6 hours a month give the lowest weighted score per "
        "hour (2.4) of the partners you give time to. That frees 72 hours a year; add a "
        "Settings sheet with a row Chargeable rate (partnersheet new writes one) to see what "
        "it is worth. A clear answer: Bea Ltd is next, 22.6 points per hour higher."
    )


def test_with_a_settings_sheet_but_no_rate_question_4_says_to_set_it(tmp_path: Path) -> None:
    path = build_partners_workbook(
        tmp_path / "partners.xlsx", SMALL_PARTNERS, settings={"Strong from": 75}
    )
    answer = review_json(path)["less_time"]["answer"]
    assert "; set your Chargeable rate on the Settings sheet to see what it is worth. " in answer


RIVALS: tuple[dict[str, object], ...] = (
    {"Partner": "Ann Patel", "Competitor group": "Coaching", **scores(5, 4, 5, 4, 4, 5, 5)},
    {"Partner": "Bea Ltd", "Competitor group": "Coaching", **scores(3, 3, 4, 3, 2, 3, 3)},
)


def test_two_rivals_that_did_not_change_have_not_changed(tmp_path: Path) -> None:
    path = build_partners_workbook(tmp_path / "partners.xlsx", RIVALS)
    review_json(path, "2026-11-01")
    (conflict,) = review_json(path)["conflicts"]
    assert conflict["detail"].endswith(
        "compete with each other (Coaching); neither relationship has changed since the last "
        "review."
    )
    assert "same pace" not in conflict["detail"]


def test_the_review_writes_every_date_one_way(tmp_path: Path) -> None:
    path = shutil.copyfile(EXAMPLE, tmp_path / "partners.xlsx")
    assert run("review", "partners.xlsx", "--date", DAY).exit_code == 0
    texts = [
        str(value)
        for row in openpyxl.load_workbook(path)["Review"].iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert texts[0] == "Partnership review, 2 December 2026"
    assert texts[1].startswith(
        "Made by partnersheet on 2 December 2026 from the Partners sheet. Changes are since the "
        "review of 14 August 2026."
    )
    assert any("since 14 August 2026" in text for text in texts[2:])
    assert not [text for text in texts if re.search(r"\d{4}-\d\d-\d\d", text)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "partners.csv",
            b"Partner,Trust\nAnn Patel,5\n",
            "partners.csv is a CSV text file, not an Excel workbook; open it in Excel or "
            "LibreOffice and save it as an Excel Workbook (.xlsx), then run partnersheet on "
            "that.",
        ),
        (
            "partners.fods",
            b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:'
            b'names:tc:opendocument:xmlns:office:1.0" office:version="1.3" office:mimetype='
            b'"application/vnd.oasis.opendocument.spreadsheet"><office:body/></office:document>',
            "partners.fods is a flat OpenDocument spreadsheet (.fods); open it in LibreOffice "
            "and save it as an Excel Workbook (.xlsx), then run partnersheet on that.",
        ),
        (
            "partners.xml",
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
            b'"urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "partners.xml is an Excel 2003 XML spreadsheet; open it in Excel or LibreOffice and "
            "save it as an Excel Workbook (.xlsx), then run partnersheet on that.",
        ),
    ],
)
def test_a_file_of_another_kind_is_named_with_how_to_convert_it(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for command in (["check"], ["review", "--date", DAY]):
        result = run(command[0], name, *command[1:])
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert path.read_bytes() == content
