"""The README stays true: its commands exist, CI runs its test command, its code runs."""

from __future__ import annotations

import re
import shlex
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
    overdue = namespace["overdue"]
    assert [o.partner.name for o in overdue.overdue] == ["Dr Helen Okafor"]  # type: ignore[attr-defined]
    assert (tmp_path / "partners.xlsx").read_bytes() == before  # a dry run writes nothing


def transcript(block: str) -> list[tuple[str, str]]:
    """(command, what it printed) for each `$ partnersheet …` line of an indented block."""
    steps: list[tuple[str, str]] = []
    for line in block.splitlines():
        text = line.removeprefix("    ")
        if text.startswith("$ "):
            steps.append((text[2:], ""))
        else:
            command, printed = steps[-1]
            steps[-1] = (command, printed + text + "\n")
    return steps


def test_the_readme_transcript_is_what_the_example_prints(tmp_path: Path) -> None:
    start = README.index("    $ partnersheet new partners.xlsx --example\n")
    steps = transcript(README[start:].split("\n\n", 1)[0])
    commands = [command for command, _ in steps]
    assert commands[:2] == [
        "partnersheet new partners.xlsx --example",
        "partnersheet review partners.xlsx --date 2026-11-22",
    ]
    assert sum(c.startswith("partnersheet overdue ") for c in commands) >= 2
    assert any("--owner" in c for c in commands)
    book = tmp_path / "partners.xlsx"
    for command, printed in steps:
        args = shlex.split(command)
        assert args[0] == "partnersheet"
        args = [str(book) if arg == "partners.xlsx" else arg for arg in args[1:]]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (command, result.output)
        assert result.output.replace(str(book), "partners.xlsx") == printed, command
