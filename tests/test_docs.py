"""The README stays true: its commands exist, CI runs its test command, its code runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnersheet.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TRY_IT = (
    "python -m pip install . && partnersheet review examples/partners.xlsx "
    "--output partners-reviewed.xlsx"
)
TEST_COMMAND = "python -m pip install -e '.[test]' && python -m pytest"


def test_readme_gives_the_two_commands() -> None:
    assert TRY_IT in README
    assert TEST_COMMAND in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in ci


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"partnersheet {name} " in README


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert main.commands[name].help


def test_the_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "examples" / "partners.xlsx", tmp_path / "partners.xlsx")
    before = (tmp_path / "partners.xlsx").read_bytes()
    code = re.search(r"```python\n(.*?)```", README, re.DOTALL)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    result = namespace["result"]
    assert result.most_important.partner.name == "Priya Shah"  # type: ignore[attr-defined]
    assert (tmp_path / "partners.xlsx").read_bytes() == before  # a dry run writes nothing


def test_the_readme_transcript_is_what_the_example_prints(tmp_path: Path) -> None:
    transcript = README.split("$ partnersheet review partners.xlsx --date 2026-11-22\n", 1)[1]
    shown = transcript.split("\n\n", 1)[0]
    expected = "\n".join(line.removeprefix("    ") for line in shown.splitlines())
    assert expected.count("\n") == 6
    book = tmp_path / "partners.xlsx"
    assert CliRunner().invoke(main, ["new", str(book), "--example"]).exit_code == 0
    result = CliRunner().invoke(main, ["review", str(book), "--date", "2026-11-22"])
    assert result.exit_code == 0
    assert result.output.replace(str(book), "partners.xlsx") == expected + "\n"
