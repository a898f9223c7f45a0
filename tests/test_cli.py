"""The command line, as a person sees it: whole outputs, exit codes and files left alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import (
    EXAMPLE,
    INGREDIENTS,
    PARTNER_HEADERS,
    TEMPLATE_HEADERS,
    build_partners_workbook,
    digest,
    leftovers,
    scores,
)
from partnersheet import cli
from partnersheet.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the test's folder, so paths print short, and at a fixed help width."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")


# --- new -------------------------------------------------------------------------------------


def test_new_writes_a_fresh_workbook(tmp_path: Path) -> None:
    result = run("new", "partners.xlsx")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Wrote partners.xlsx.\n", "")
    book = openpyxl.load_workbook(tmp_path / "partners.xlsx")
    assert book.sheetnames[0] == "Partners"
    assert [c.value for c in book["Partners"][1]][: len(TEMPLATE_HEADERS)] == list(TEMPLATE_HEADERS)


def test_new_example_can_be_checked() -> None:
    result = run("new", "example.xlsx", "--example")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Wrote example.xlsx (example).\n",
        "",
    )
    checked = run("check", "example.xlsx")
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.startswith("example.xlsx: no problems found (")


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    existing = tmp_path / "partners.xlsx"
    existing.write_bytes(b"my precious notes")
    result = run("new", "partners.xlsx", "--example")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "Error: partners.xlsx already exists; use --force to replace it.\n",
    )
    assert existing.read_bytes() == b"my precious notes"

    forced = run("new", "partners.xlsx", "--force")
    assert (forced.exit_code, forced.stdout, forced.stderr) == (0, "Wrote partners.xlsx.\n", "")
    assert openpyxl.load_workbook(existing).sheetnames[0] == "Partners"
    assert leftovers(tmp_path) == []


# --- review ----------------------------------------------------------------------------------

SUMMARY = """\
partners.xlsx, reviewed on 2026-11-22: 4 partners, 4 ranked, 1 still to score.
Most important:  Ann Patel (89.3); work on Friendship, Credibility.
Least effective: Cal Jones (14.3); Ditch.
Conflicts:       2.
Less time:       Cal Jones (6 hours a month, £7,200 a year).
Band changes:    none yet: this is the first review.
Overdue:         none.
"""


def test_review_prints_a_summary_and_writes_in_place(small_workbook: Path) -> None:
    before = digest(small_workbook)
    result = run("review", "partners.xlsx", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == SUMMARY + "Wrote partners.xlsx: computed columns, Review and History.\n"
    assert digest(small_workbook) != before
    book = openpyxl.load_workbook(small_workbook)
    # A Review the workbook lacks goes after the last sheet, so no other sheet moves.
    assert book.sheetnames == ["Partners", "Settings", "Competitors", "Review", "History"]
    assert book["Review"]["A1"].value == "Partnership review, 22 November 2026"


def test_review_to_another_file_leaves_the_input(small_workbook: Path, tmp_path: Path) -> None:
    before = digest(small_workbook)
    result = run("review", "partners.xlsx", "-o", "reviewed.xlsx", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == SUMMARY + "Wrote reviewed.xlsx: computed columns, Review and History.\n"
    assert digest(small_workbook) == before
    assert "Review" in openpyxl.load_workbook(tmp_path / "reviewed.xlsx").sheetnames
    assert leftovers(tmp_path) == []


def test_dry_run_writes_nothing(small_workbook: Path, tmp_path: Path) -> None:
    before = digest(small_workbook)
    result = run("review", "partners.xlsx", "--dry-run", "--date", "2026-11-22", "-o", "out.xlsx")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == SUMMARY + "Dry run: nothing was written.\n"
    assert digest(small_workbook) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.xlsx"]


def test_json_is_the_only_output_and_follows_the_contract(small_workbook: Path) -> None:
    before = digest(small_workbook)
    result = run("review", "partners.xlsx", "--json", "--dry-run", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert digest(small_workbook) == before

    assert {
        "reviewed_on",
        "partners",
        "most_important",
        "least_effective",
        "conflicts",
        "less_time",
    } <= set(document)
    assert document["reviewed_on"] == "2026-11-22"
    partner_keys = {
        "partner",
        "weighted_score",
        "rank",
        "band",
        "work_on",
        "conflicts",
        "score_per_hour",
        "status",
        "change",
    }
    for partner in document["partners"]:
        assert partner_keys <= set(partner)
    assert [
        (p["partner"], p["weighted_score"], p["rank"], p["band"], p["score_per_hour"], p["change"])
        for p in document["partners"]
    ] == [
        ("Ann Patel", 89.3, 1, "Strong", 22.3, None),
        ("Dee Rao", 62.5, 2, "Keep", None, None),
        ("Bea Ltd", 50.0, 3, "Keep", 25.0, None),
        ("Cal Jones", 14.3, 4, "Ditch", 2.4, None),
    ]
    cal = document["partners"][3]
    assert cal["work_on"] == ["Friendship", "Regular communication"]
    assert cal["conflicts"] == [
        "Competes with Bea Ltd (Leadership coaching)",
        "Refers work to your competitor Acme Coaching",
    ]
    assert cal["status"] == "OK"
    assert document["partners"][1]["status"] == (
        "Provisional: Opportunity, Credibility, Regular communication, Shared goals, "
        "Values alignment not scored"
    )

    most = document["most_important"]
    assert (most["partner"], most["work_on"]) == ("Ann Patel", ["Friendship", "Credibility"])
    least = document["least_effective"]
    assert (least["partner"], least["verdict"]) == ("Cal Jones", "Ditch")
    assert [(c["kind"], c["partners"]) for c in document["conflicts"]] == [
        ("competing partners", ["Bea Ltd", "Cal Jones"]),
        ("refers to competitor", ["Cal Jones"]),
    ]
    for conflict in document["conflicts"]:
        assert {"kind", "partners", "detail"} <= set(conflict)
        assert conflict["detail"]
    less = document["less_time"]
    assert (less["partner"], less["hours_per_month"], less["value_per_year"]) == (
        "Cal Jones",
        6,
        7200,
    )


def test_json_answers_are_null_when_nobody_is_ranked(tmp_path: Path) -> None:
    build_partners_workbook(tmp_path / "partners.xlsx", [{"Partner": "Ann Patel"}])
    result = run("review", "partners.xlsx", "--json", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert document["most_important"] is None
    assert document["least_effective"] is None
    assert document["less_time"] is None
    assert document["conflicts"] == []
    assert document["partners"][0]["status"] == "Not ranked: no ingredient is scored yet"
    assert document["partners"][0]["rank"] is None


def test_summary_when_nobody_is_ranked(tmp_path: Path) -> None:
    build_partners_workbook(tmp_path / "partners.xlsx", [{"Partner": "Ann Patel"}])
    result = run("review", "partners.xlsx", "--dry-run", "--date", "2026-11-22")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "partners.xlsx, reviewed on 2026-11-22: 1 partner, 0 ranked, 1 still to score.\n"
        "Most important:  none yet: no partner is ranked.\n"
        "Least effective: none yet: no partner is ranked.\n"
        "Conflicts:       none.\n"
        "Less time:       no answer: no other ranked partner has Hours per month.\n"
        "Band changes:    none yet: this is the first review.\n"
        "Overdue:         none.\n"
        "Dry run: nothing was written.\n"
    )


# --- check -----------------------------------------------------------------------------------


def test_check_a_good_workbook(small_workbook: Path) -> None:
    before = digest(small_workbook)
    result = run("check", "partners.xlsx")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "partners.xlsx: no problems found (4 partners).\n",
        "",
    )
    assert digest(small_workbook) == before


#: Trust lands in column M, as in the contract's example, after a column of the user's own.
BAD_HEADERS = (*PARTNER_HEADERS[:11], "My ref", *INGREDIENTS, "Notes")
BAD_PARTNERS = (
    {"Partner": "Ann Patel", **scores(5, 4, 5, 4, 4, 5, 5)},
    {"Partner": "Bea Ltd", "Agreement": "Maybe", **scores(3, 3, 4, 3, 2, 3, 3)},
    {"Partner": " ann  patel ", **scores(3, 3, 3, 3, 3, 3, 3)},
    {"Partner": "Cal Jones", "Hours per month": -3, **scores(2, 2, 2, 2, 2, 2, 2)},
    {"My ref": "nothing else on this row: skipped"},
    {"Partner": "Dee Rao", **scores("five", 4, 4, 4, 4, 4, 6)},
)
BAD_REPORT = """\
Partners!F3: Agreement is "Maybe"; choose Written, Verbal or None, or leave it blank
Partners!A4: "ann patel" is already listed in row 2; list each partner once: merge the two rows \
or tell the names apart
Partners!G5: Hours per month is -3; enter the hours a month you spend on this partner, 0 or more
Partners!M7: Trust is "five"; enter a whole number from 1 to 5
Partners!S7: Values alignment is 6; enter a whole number from 1 to 5
"""


@pytest.mark.parametrize(
    "command",
    [["check"], ["review"], ["review", "--dry-run", "--json"], ["overdue"], ["overdue", "--json"]],
)
def test_a_bad_workbook_lists_each_problem_and_stays_as_it_was(
    tmp_path: Path, command: list[str]
) -> None:
    path = build_partners_workbook(tmp_path / "partners.xlsx", BAD_PARTNERS, headers=BAD_HEADERS)
    before = digest(path)
    result = run(*command, "partners.xlsx")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", BAD_REPORT)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.xlsx"]


# --- overdue ---------------------------------------------------------------------------------


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The bundled example: two partners overdue on 2026-11-22, one with no Last contact."""
    return Path(shutil.copyfile(EXAMPLE, tmp_path / "partners.xlsx"))


OVERDUE = """\
Overdue for contact on 2026-11-22: 2 partners.
Priya Shah (Strong, Hannah Reid): last contact 2026-10-08, 15 days overdue.
Dr Helen Okafor (Keep, Sam Turner): last contact 2026-09-18, 5 days overdue.
1 ranked partner has no Last contact, so no reminder.
"""


def test_overdue_lists_who_is_overdue_and_writes_nothing(example: Path) -> None:
    before = digest(example)
    result = run("overdue", "partners.xlsx", "--date", "2026-11-22")
    assert (result.exit_code, result.stdout, result.stderr) == (0, OVERDUE, "")
    assert digest(example) == before
    assert leftovers(example.parent) == []


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        (
            "  sam   TURNER",
            "Overdue for contact on 2026-11-22 among Sam Turner's partners: 1 partner.\n"
            "Dr Helen Okafor (Keep, Sam Turner): last contact 2026-09-18, 5 days overdue.\n",
        ),
        (
            "Leo Marsh",
            "Nobody is overdue for contact on 2026-11-22 among Leo Marsh's partners.\n",
        ),
    ],
)
def test_overdue_for_one_owner(example: Path, owner: str, expected: str) -> None:
    result = run("overdue", "partners.xlsx", "--date", "2026-11-22", "--owner", owner)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_overdue_on_earlier_days(example: Path) -> None:
    # On 2026-11-17 Dr Helen Okafor is due that very day, and on 2026-11-07 Priya Shah:
    # neither is overdue yet.
    result = run("overdue", "partners.xlsx", "--date", "2026-11-17")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Overdue for contact on 2026-11-17: 1 partner.\n"
        "Priya Shah (Strong, Hannah Reid): last contact 2026-10-08, 10 days overdue.\n"
        "1 ranked partner has no Last contact, so no reminder.\n",
        "",
    )
    result = run("overdue", "partners.xlsx", "--date", "2026-11-07")
    assert result.stdout == (
        "Nobody is overdue for contact on 2026-11-07.\n"
        "1 ranked partner has no Last contact, so no reminder.\n"
    )


def test_overdue_json(example: Path) -> None:
    result = run("overdue", "partners.xlsx", "--date", "2026-11-22", "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "reviewed_on": "2026-11-22",
        "overdue": [
            {
                "partner": "Priya Shah",
                "band": "Strong",
                "owner": "Hannah Reid",
                "last_contact": "2026-10-08",
                "days_overdue": 15,
            },
            {
                "partner": "Dr Helen Okafor",
                "band": "Keep",
                "owner": "Sam Turner",
                "last_contact": "2026-09-18",
                "days_overdue": 5,
            },
        ],
        "no_last_contact": 1,
    }
    # The same list as review --json gives.
    reviewed = json.loads(run("review", "partners.xlsx", "--date", "2026-11-22", "--json").stdout)
    document = json.loads(result.stdout)
    assert document["overdue"] == reviewed["overdue"]
    assert document["no_last_contact"] == reviewed["no_last_contact"]


def test_overdue_json_for_one_owner(example: Path) -> None:
    result = run(
        "overdue", "partners.xlsx", "--date", "2026-11-22", "--json", "--owner", "HANNAH REID"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "{\n"
        '  "reviewed_on": "2026-11-22",\n'
        '  "overdue": [\n'
        "    {\n"
        '      "partner": "Priya Shah",\n'
        '      "band": "Strong",\n'
        '      "owner": "Hannah Reid",\n'
        '      "last_contact": "2026-10-08",\n'
        '      "days_overdue": 15\n'
        "    }\n"
        "  ],\n"
        '  "no_last_contact": 0\n'
        "}\n"
    )


def test_overdue_for_an_unknown_owner_is_a_usage_error(example: Path) -> None:
    before = digest(example)
    result = run("overdue", "partners.xlsx", "--owner", "Hanna Reid")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Usage: partnersheet overdue [OPTIONS] PATH\n"
        "Try 'partnersheet overdue --help' for help.\n"
        "\n"
        "Error: Invalid value for '--owner': no partner has the Owner \"Hanna Reid\"; the "
        "owners are Hannah Reid, Leo Marsh and Sam Turner (case and spaces aside)\n"
    )
    assert digest(example) == before


def test_overdue_for_an_owner_when_nobody_has_one(small_workbook: Path) -> None:
    result = run("overdue", "partners.xlsx", "--owner", "Ann")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "Error: Invalid value for '--owner': no partner has an Owner yet, so none has \"Ann\"; "
        "fill in the Owner column on the Partners sheet\n"
    )


def test_overdue_of_a_file_that_is_not_there(tmp_path: Path) -> None:
    result = run("overdue", "missing.xlsx")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert list(tmp_path.iterdir()) == []


# --- usage -----------------------------------------------------------------------------------


def test_missing_path_is_a_usage_error() -> None:
    result = run("review")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Usage: partnersheet review [OPTIONS] PATH\n"
        "Try 'partnersheet review --help' for help.\n"
        "\n"
        "Error: Missing argument 'PATH'.\n"
    )


def test_a_date_in_another_form_is_a_usage_error(small_workbook: Path) -> None:
    before = digest(small_workbook)
    result = run("review", "partners.xlsx", "--date", "22/11/2026")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Usage: partnersheet review [OPTIONS] PATH\n"
        "Try 'partnersheet review --help' for help.\n"
        "\n"
        "Error: Invalid value for '--date': '22/11/2026' is not a date written YYYY-MM-DD, "
        "such as 2026-11-22.\n"
    )
    assert digest(small_workbook) == before


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("2026-1-05", "is not a date written YYYY-MM-DD, such as 2026-11-22."),
        ("2026-11-2x", "is not a date written YYYY-MM-DD, such as 2026-11-22."),
        ("\uff12\uff10\uff12\uff16-11-22", "is not a date written YYYY-MM-DD, such as 2026-11-22."),
        ("2026-02-30", "is not a date on the calendar (day is out of range for month)."),
        ("2026-13-01", "is not a date on the calendar (month must be in 1..12)."),
    ],
)
def test_a_date_not_on_the_calendar_or_not_dashed_is_a_usage_error(
    small_workbook: Path, written: str, why: str
) -> None:
    before = digest(small_workbook)
    result = run("review", "partners.xlsx", "--date", written)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '--date': {written!r} {why}\n")
    assert digest(small_workbook) == before


def test_a_dashed_date_is_the_review_date(small_workbook: Path) -> None:
    result = run("review", "partners.xlsx", "--date", "2024-02-29", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reviewed_on"] == "2024-02-29"


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["new"],
        ["check"],
        ["check", "a.xlsx", "b.xlsx"],
        ["review", "partners.xlsx", "--frobnicate"],
        ["review", "partners.xlsx", "--output"],
        ["new", "partners.xlsx", "--example=yes"],
        ["overdue"],
        ["overdue", "partners.xlsx", "--date", "tomorrow"],
        ["overdue", "partners.xlsx", "--owner"],
    ],
)
def test_wrong_usage_exits_2(small_workbook: Path, args: list[str]) -> None:
    before = digest(small_workbook)
    result = run(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    # Click shows the usage line for most mistakes, and only the error for a few.
    *usage, error = result.stderr.splitlines()
    assert error.startswith("Error: ")
    if usage:
        assert len(usage) == 3 and usage[2] == ""
        assert usage[0].startswith("Usage: partnersheet ")
        assert usage[1].startswith("Try 'partnersheet")
    assert digest(small_workbook) == before


# --- help and version ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("new", "partnersheet new partners.xlsx --example"),
        ("review", "partnersheet review partners.xlsx"),
        ("check", "partnersheet check partners.xlsx"),
        ("overdue", "partnersheet overdue partners.xlsx"),
    ],
)
def test_each_command_has_help_with_an_example(command: str, example: str) -> None:
    result = run(command, "--help")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Usage: partnersheet {command} [OPTIONS] PATH\n")
    assert "Example" in result.stdout
    assert f"\n    {example}\n" in result.stdout
    assert run(command, "-h").stdout == result.stdout


def test_check_help_whole() -> None:
    assert run("check", "--help").stdout == (
        "Usage: partnersheet check [OPTIONS] PATH\n"
        "\n"
        "  Check PATH for problems and report them, writing nothing.\n"
        "\n"
        "  Example:\n"
        "    partnersheet check partners.xlsx\n"
        "\n"
        "Options:\n"
        "  -h, --help  Show this message and exit.\n"
    )


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"partnersheet, version {version('partnersheet')}\n",
        "",
    )


def _help_by_subprocess(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )


def test_python_dash_m_runs_the_same_command() -> None:
    result = _help_by_subprocess([sys.executable, "-m", "partnersheet"])
    assert (result.returncode, result.stderr) == (0, "")
    expected = run("--help").stdout.replace(
        "Usage: partnersheet ", "Usage: python -m partnersheet ", 1
    )
    assert result.stdout == expected
    assert "\nCommands:\n  check " in result.stdout


def test_installed_console_script_runs() -> None:
    script = Path(sysconfig.get_path("scripts")) / "partnersheet"
    assert script.exists(), f"the console script is not installed at {script}"
    result = _help_by_subprocess([str(script)])
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == run("--help").stdout


# --- progress on long reviews ----------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stderr as a terminal, and a review long enough to show its steps at once."""
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.01)


def test_a_long_review_shows_its_steps_on_a_terminal(tmp_path: Path, terminal: None) -> None:
    path = tmp_path / "partners.xlsx"
    shutil.copy(EXAMPLE, path)
    result = CliRunner().invoke(main, ["review", str(path), "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Reading partners.xlsx…\nChecking and scoring the partners…\nWriting partners.xlsx…\n"
    )


def test_json_and_a_quick_review_stay_quiet(
    tmp_path: Path, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "partners.xlsx"
    shutil.copy(EXAMPLE, path)
    result = CliRunner().invoke(main, ["review", str(path), "--json", "--date", "2026-11-22"])
    assert (result.exit_code, result.stderr) == (0, "")
    monkeypatch.setattr(cli, "PROGRESS_AFTER", 30.0)
    result = CliRunner().invoke(main, ["review", str(path), "--date", "2026-11-22"])
    assert (result.exit_code, result.stderr) == (0, "")


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    shutil.copy(EXAMPLE, path)
    result = CliRunner().invoke(main, ["review", str(path), "--date", "2026-11-22"])
    assert (result.exit_code, result.stderr) == (0, "")
