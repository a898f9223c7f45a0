"""The package's shape: short functions and modules, and a core free of any spreadsheet or
command-line library, of the garbage collector and of `__dict__`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "partnersheet"
MODULES = sorted(SOURCE.rglob("*.py"))
CORE = sorted((SOURCE / "core").rglob("*.py"))

#: What the core may never import.
FORBIDDEN = {"openpyxl", "xlwings", "click", "gc", "xlsxwriter", "defusedxml"}


def name(path: Path) -> str:
    return str(path.relative_to(SOURCE.parent))


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_package_is_laid_out_by_design() -> None:
    folders = {p.name for p in SOURCE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {"core", "files", "excel"}
    assert len(CORE) >= 8


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_no_function_is_over_80_lines(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 80
    ]
    assert long == []


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_no_module_is_over_600_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600


def imported(module: ast.Module) -> set[str]:
    """The top-level names of every package a module imports, wherever the import is."""
    found = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", CORE, ids=name)
def test_the_core_imports_no_spreadsheet_or_command_line_library(path: Path) -> None:
    assert imported(tree(path)) & FORBIDDEN == set()


@pytest.mark.parametrize("path", CORE, ids=name)
def test_the_core_never_touches_dict_internals(path: Path) -> None:
    module = tree(path)
    attributes = {n.attr for n in ast.walk(module) if isinstance(n, ast.Attribute)}
    texts = {n.value for n in ast.walk(module) if isinstance(n, ast.Constant)}
    assert "__dict__" not in attributes | texts


def test_the_checks_see_what_they_look_for() -> None:
    # The checks above would pass on anything if they could not find what they forbid.
    sample = ast.parse("import gc\nfrom openpyxl import load_workbook\nx.__dict__\n")
    assert imported(sample) == {"gc", "openpyxl"}
    assert "__dict__" in {n.attr for n in ast.walk(sample) if isinstance(n, ast.Attribute)}
