"""A review changes only what partnersheet owns; every other byte of the workbook is kept.

A review edits, as text, only the zip parts it owns: the computed cells of Partners, the
rows it writes into History, the Review sheet (with its drawing and chart) and the status
cell; the parts it shares with the rest of the workbook (the workbook, its relationships,
the content types, the styles, the shared strings, the calculation chain) only gain
entries. Every other zip entry is copied with identical content.

The workbooks it is tested on (built in tests/fidelity_parts.py) hold every kind of content
openpyxl used to drop, each on a user sheet and, where it can be, on the Partners sheet
itself; and a Partners sheet laid out by a person, a table, shared formulas, a calculation
chain, the calculation settings and extensions Excel writes, inline strings, dates from
1904, a status cell on a user sheet, Histories from an older partnersheet, a Review of the
user's own, the example and the workbooks `partnersheet new` writes, and workbooks
LibreOffice saved. Each is reviewed in place, again the same day, to another file, and each
output again a week later; LibreOffice opens every output.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner, Result
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

from conftest import COMPUTED, EXAMPLE, INGREDIENTS, digest, leftovers
from fidelity_parts import (
    CALC_CHAIN_TYPE,
    CONTENT_TYPES,
    DECOY,
    KINDS,
    NOTE_HEADER,
    NOTES_IN_HISTORY,
    OLDER_HISTORY,
    STATUS_SHEET,
    Kind,
    SheetXml,
    as_excel_saves,
    attributes,
    book_with,
    calc_chain,
    calc_chain_entries,
    content_type,
    dates_from_1904,
    empty_history,
    inline_strings,
    laid_out,
    older_history,
    owner_of_rels,
    partners_layout,
    parts_of,
    prefixed,
    related,
    rels_name,
    rels_of,
    resolve,
    shared_formulas,
    shared_strings,
    sheet_entries,
    sheet_part,
    sheet_values,
    status_cell,
    status_elsewhere,
    table_on_partners,
    users_review,
    with_calc_settings,
    without_references,
    workbook_part,
)
from office import Office, recalculating_profile, soffice_or_skip
from partnersheet.cli import main
from partnersheet.files import writing

DAY = "2026-11-22"
LATER = "2026-11-29"
#: The History headers a review writes, in order.
HISTORY_HEADERS = ("Reviewed on", "Partner", "Weighted score", "Rank", "Band", "Weights")
#: The parts a review shares with the rest of the workbook, by their relationship from the
#: workbook, besides the workbook, its relationships and the content types. (The shared
#: strings: a review may add the text it writes to them, as Excel does.)
SHARED_KINDS = ("styles", "sharedStrings", "calcChain")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


def review(path: Path, day: str, *more: str) -> None:
    result = run("review", str(path), *more, "--date", day)
    assert (result.exit_code, result.stderr) == (0, ""), result.output


def title_of(day: str) -> str:
    """The Review's first line for a day: "Partnership review, 22 November 2026"."""
    date = dt.date.fromisoformat(day)
    return f"Partnership review, {date.day} {date:%B %Y}"


def assert_reviewed(path: Path, day: str) -> None:
    """The review of `day` is in the file: the Review's title, and scores in Partners."""
    parts = parts_of(path)
    assert sheet_values(parts, "Review").get((1, 1)) == title_of(day)
    layout = partners_layout(parts)
    score = layout.headers["Weighted score"]
    cells = SheetXml.of(parts[layout.part]).cells
    scored = [
        cells[(row, score)]
        for row in range(layout.header_row + 1, layout.header_row + 4)
        if re.search(rb"<(?:\w+:)?v>[0-9.]+</", cells.get((row, score), b""))
    ]
    assert scored, "no weighted score was written"


# --- what a review owns -----------------------------------------------------------------------


def owned_parts(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """The parts a review may change: the shared parts, the Partners, History and status
    sheets, and the Review with its relationships, drawing and chart; in either file."""
    owned = {"[Content_Types].xml"}
    for parts in (before, after):
        workbook = workbook_part(parts)
        owned |= {workbook, rels_name(workbook)}
        for kind in SHARED_KINDS:
            owned |= set(related(parts, workbook, kind))
        for title in ("Partners", "History"):
            part = sheet_part(parts, title)
            owned |= {part} if part else set()
        status = status_cell(before)
        if status is not None and (part := sheet_part(parts, status[0])):
            owned.add(part)
        review_part = sheet_part(parts, "Review")
        if review_part:
            owned |= {review_part, rels_name(review_part)}
            for drawing in related(parts, review_part, "drawing"):
                owned |= {drawing, rels_name(drawing)}
                for chart in related(parts, drawing, "chart"):
                    owned |= {chart, rels_name(chart)}
    return owned


def assert_unowned_parts_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Every part a review does not own is there with identical content; nothing else is
    added or taken out."""
    owned = owned_parts(before, after)
    changed = [n for n in before if n not in owned and after.get(n) != before[n]]
    assert changed == [], f"parts partnersheet does not own were changed or lost: {changed}"
    added = sorted(set(after) - set(before) - owned)
    assert added == [], f"parts added that partnersheet does not own: {added}"
    gone = set(before) - set(after)
    assert gone <= owned, f"parts lost: {sorted(gone - owned)}"


# --- the shared parts only gain entries ----------------------------------------------------------


def only_gained(
    before: bytes, after: bytes, element: re.Pattern[bytes], removable: Callable[[bytes], bool]
) -> list[bytes]:
    """The elements `after` has that `before` has not; fails unless, without them, `after` is
    `before` (less the elements `removable` allows to go)."""
    old = [m.group(0) for m in element.finditer(before)]
    new = [m.group(0) for m in element.finditer(after)]
    removed = [e for e in old if e not in new]
    assert all(removable(e) for e in removed), f"taken out: {removed}"
    added = [e for e in new if e not in old]
    rest_after, rest_before = after, before
    for e in added:
        rest_after = rest_after.replace(e, b"", 1)
    for e in removed:
        rest_before = rest_before.replace(e, b"", 1)
    assert rest_after == rest_before, "more than entries was changed"
    return added


_RELATIONSHIP = re.compile(
    rb"<(?:[\w.-]+:)?Relationship\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?Relationship>)", re.S
)
_TYPE_ENTRY = re.compile(rb"<(?:[\w.-]+:)?(?:Override|Default)\b[^>]*?/>")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*?/>")
_CALC_PR = re.compile(rb"<(?:[\w.-]+:)?calcPr\b[^>]*?/>")
_DEFINED_NAMES = re.compile(
    rb"<(?:[\w.-]+:)?definedNames\b.*?</(?:[\w.-]+:)?definedNames>|<(?:[\w.-]+:)?definedNames/>",
    re.S,
)
#: The lists of styles.xml a review may add to, and their entries.
STYLE_LISTS = {
    "numFmts": "numFmt",
    "fonts": "font",
    "fills": "fill",
    "borders": "border",
    "cellStyleXfs": "xf",
    "cellXfs": "xf",
}


def style_list(xml: bytes, name: str) -> tuple[bytes | None, list[bytes]]:
    """A list of styles.xml as written (None when there is none), and its entries."""
    found = re.search(
        rb"<(?:[\w.-]+:)?"
        + name.encode()
        + rb"\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?"
        + name.encode()
        + rb">)",
        xml,
        re.S,
    )
    if found is None:
        return None, []
    item = STYLE_LISTS[name].encode()
    entries = re.findall(
        rb"<(?:[\w.-]+:)?" + item + rb"\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?" + item + rb">)",
        found.group(0),
        re.S,
    )
    return found.group(0), entries


def assert_styles_only_gained(before: bytes, after: bytes) -> None:
    """Each list keeps its entries, in order, at their indexes (the old list is a prefix of
    the new), with its count right; everything else in styles.xml is as it was."""
    rest_before, rest_after = before, after
    for name in STYLE_LISTS:
        old_list, old = style_list(before, name)
        new_list, new = style_list(after, name)
        assert new[: len(old)] == old, f"styles: the {name} there were changed"
        if new_list is not None:
            count = attributes(re.match(rb"<[^>]*>", new_list).group(0)).get("count")  # type: ignore[union-attr]
            assert count in (None, str(len(new))), f"styles: {name} count {count}, {len(new)}"
            rest_after = rest_after.replace(new_list, b"<list/>" if old_list else b"", 1)
        if old_list is not None:
            rest_before = rest_before.replace(old_list, b"<list/>", 1)
    assert rest_after == rest_before, "styles: more than the lists was changed"
    _, formats = style_list(after, "numFmts")
    ids = [attributes(f)["numFmtId"] for f in formats]
    assert len(ids) == len(set(ids)), f"number formats share an id: {ids}"


_SST = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*?>")
_STRING_ITEM = re.compile(rb"<(?:[\w.-]+:)?si\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?si>)", re.S)


def assert_strings_only_gained(before: bytes, after: bytes) -> None:
    """The shared strings keep every item at its index (the old list is a prefix of the new),
    with the number of items right; everything else is as it was."""
    old, new = _STRING_ITEM.findall(before), _STRING_ITEM.findall(after)
    assert new[: len(old)] == old, "shared strings: the items there were changed"
    root = _SST.search(after)
    assert root is not None
    assert attributes(root.group(0)).get("uniqueCount", str(len(new))) == str(len(new))

    def rest(xml: bytes) -> bytes:
        xml = _STRING_ITEM.sub(b"", xml)
        tag = _SST.search(xml)
        assert tag is not None
        counts = re.sub(rb"""\s(?:count|uniqueCount)\s*=\s*["'][^"']*["']""", b"", tag.group(0))
        return xml[: tag.start()] + counts.replace(b"/>", b">") + xml[tag.end() :]

    assert rest(after).replace(b"</sst>", b"") == rest(before).replace(b"</sst>", b""), (
        "shared strings: more than items and counts changed"
    )


def assert_calc_chain_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Only the entries of formulas a review replaced go (in Partners' computed columns,
    History's cells it wrote, the Review written whole); the part goes when none is left."""
    old_parts = related(before, workbook_part(before), "calcChain")
    new_parts = related(after, workbook_part(after), "calcChain")
    if not old_parts:
        assert not new_parts, "a calculation chain was added"
        return
    old = calc_chain_entries(before[old_parts[0]])
    new = calc_chain_entries(after[new_parts[0]]) if new_parts else []
    ids = {s.name: s.sheet_id for s in sheet_entries(before)}
    computed = partners_layout(after).computed
    history_changed = _changed_cells(before, after, "History")

    def replaced(entry: tuple[int, str]) -> bool:
        sheet, ref = entry
        column = column_index_from_string(re.match(r"[A-Z]+", ref).group(0))  # type: ignore[union-attr]
        row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return (
            sheet == ids.get("Review")
            or (sheet == ids.get("Partners") and column in computed)
            or (sheet == ids.get("History") and (row, column) in history_changed)
        )

    assert new == [e for e in old if not replaced(e)], "calc chain: wrong entries taken out"
    assert bool(new_parts) == bool(new), "calc chain: an empty chain was kept"


def _changed_cells(
    before: dict[str, bytes], after: dict[str, bytes], title: str
) -> set[tuple[int, int]]:
    old_part, new_part = sheet_part(before, title), sheet_part(after, title)
    if not old_part or not new_part:
        return set()
    old, new = SheetXml.of(before[old_part]).cells, SheetXml.of(after[new_part]).cells
    return {ref for ref in old.keys() | new.keys() if old.get(ref) != new.get(ref)}


_DEFINED_NAME = re.compile(
    rb"<(?:[\w.-]+:)?definedName\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?definedName>)", re.S
)
_PRINT_AREA = re.compile(rb">'Review'!\$A\$1:\$J\$[0-9]+<")


def assert_names_kept(before: bytes, after: bytes, sheets: list[str]) -> None:
    """Every defined name kept as it was, in order, and one more: the Review's print area
    (replacing the one it had), over the printed columns A to J."""
    review = str(sheets.index("Review"))

    def review_print_area(element: bytes) -> bool:
        found = attributes(element)
        return found.get("name") == "_xlnm.Print_Area" and found.get("localSheetId") == review

    old = [e for e in _DEFINED_NAME.findall(before) if not review_print_area(e)]
    new = _DEFINED_NAME.findall(after)
    ours = [e for e in new if review_print_area(e)]
    assert len(ours) == 1 and _PRINT_AREA.search(ours[0]), ours
    assert [e for e in new if not review_print_area(e)] == old, "names"


def assert_shared_parts_only_gained(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    workbook = workbook_part(before)
    assert workbook_part(after) == workbook
    gone = set(before) - set(after)

    # The workbook's relationships: each kept with its Id, Type and Target; new sheets added.
    def chain_gone(element: bytes) -> bool:
        found = attributes(element)
        return found["Type"].endswith("/calcChain") and resolve(workbook, found["Target"]) in gone

    added = only_gained(
        before[rels_name(workbook)], after[rels_name(workbook)], _RELATIONSHIP, chain_gone
    )
    old_ids = {rel.id for rel in rels_of(before, workbook)}
    for element in added:
        found = attributes(element)
        assert found["Id"] not in old_ids, f"relationship id {found['Id']} used twice"
        assert found["Type"].rpartition("/")[2] in ("worksheet", "styles", "sharedStrings")

    # The content types: each kept; an override added for each part added.
    def part_gone(element: bytes) -> bool:
        name = attributes(element).get("PartName", "").lstrip("/")
        return bool(name) and name in gone

    added = only_gained(
        before["[Content_Types].xml"], after["[Content_Types].xml"], _TYPE_ENTRY, part_gone
    )
    for element in added:
        name = attributes(element).get("PartName", "").lstrip("/")
        assert name in set(after) - set(before), f"a content type for no new part: {element}"

    # The workbook: every sheet as it was, in order; new sheets last; names as they were but
    # the Review's print area, which is partnersheet's; a full calculation on loading asked
    # for unless the workbook said not to.
    old_xml, new_xml = before[workbook], after[workbook]
    old_sheets, new_sheets = _SHEET.findall(old_xml), _SHEET.findall(new_xml)
    assert new_sheets[: len(old_sheets)] == old_sheets, "the workbook's sheets changed"
    for tag in new_sheets[len(old_sheets) :]:
        assert attributes(tag)["name"] in ("History", "Review"), tag
        new_xml = new_xml.replace(tag, b"", 1)
    assert_names_kept(old_xml, new_xml, [attributes(t)["name"] for t in new_sheets])
    old_xml, new_xml = _DEFINED_NAMES.sub(b"", old_xml), _DEFINED_NAMES.sub(b"", new_xml)
    old_calc, new_calc = _CALC_PR.search(old_xml), _CALC_PR.search(new_xml)
    assert new_calc is not None, "no calculation settings"
    expected = attributes(old_calc.group(0)) if old_calc else {}
    expected.setdefault("fullCalcOnLoad", "1")
    assert attributes(new_calc.group(0)) == expected
    new_xml = new_xml.replace(new_calc.group(0), old_calc.group(0) if old_calc else b"", 1)
    assert new_xml == old_xml, "more than sheets and the calculation setting changed"

    old_styles = related(before, workbook, "styles")
    if old_styles:
        assert related(after, workbook, "styles") == old_styles
        assert_styles_only_gained(before[old_styles[0]], after[old_styles[0]])
    old_strings = related(before, workbook, "sharedStrings")
    if old_strings:
        assert related(after, workbook, "sharedStrings") == old_strings
        assert_strings_only_gained(before[old_strings[0]], after[old_strings[0]])
    assert_calc_chain_kept(before, after)


# --- the Partners sheet: only its computed cells change ----------------------------------------


def assert_sheet_kept(
    before: bytes,
    after: bytes,
    may_change: Callable[[int, int], bool],
    new_columns: Collection[int] = (),
) -> int:
    """Every cell `may_change` does not allow is as it was written, as is every row's
    attributes and everything around the cells, but the used range and descriptions of
    new columns. Returns the number of cells compared."""
    old, new = SheetXml.of(before), SheetXml.of(after)
    assert new.tail == old.tail, "what follows the cells changed"
    assert new.head_without_extent() == old.head_without_extent(), "what precedes them changed"
    described = new.columns_described()
    assert all(col in described for col in old.columns_described()), "column widths changed"
    for col in described:
        if col not in old.columns_described():
            found = attributes(col)
            assert found["min"] == found["max"] and int(found["min"]) in new_columns, col
    for number, row in old.rows.items():
        assert new.rows.get(number) == row, f"row {number}: {row!r} → {new.rows.get(number)!r}"
    kept = {ref: cell for ref, cell in old.cells.items() if not may_change(*ref)}
    now = {ref: cell for ref, cell in new.cells.items() if not may_change(*ref)}
    differ = sorted(
        f"{get_column_letter(c)}{r}"
        for r, c in kept.keys() | now.keys()
        if kept.get((r, c)) != now.get((r, c))
    )
    assert differ == [], f"cells changed: {differ}"
    return len(kept)


def assert_partners_user_cells_kept(before: dict[str, bytes], after: dict[str, bytes]) -> int:
    """Every cell of Partners but the computed ones (and the status cell) is as it was
    written: its value, formula, saved result and style."""
    layout = partners_layout(after)
    assert layout.part == sheet_part(before, "Partners")
    assert len(layout.computed) == len(COMPUTED), layout.headers
    status = status_cell(before)
    mine = status[1:] if status and status[0] == "Partners" else None

    def may_change(row: int, column: int) -> bool:
        return column in layout.computed or (row, column) == mine

    compared = assert_sheet_kept(
        before[layout.part], after[layout.part], may_change, layout.computed
    )
    if status is not None and status[0] not in ("Partners", "History", "Review"):
        part = sheet_part(before, status[0])
        assert part is not None
        assert_sheet_kept(before[part], after[part], lambda r, c: (r, c) == status[1:])
    return compared


# --- a sound package ----------------------------------------------------------------------------


def assert_sound(parts: dict[str, bytes]) -> None:
    """What a spreadsheet program needs to open the package: a content type for each part,
    no override for a part that is not there, every relationship's target there, every
    sheet's part there, every XML part well formed, every cell's style in the styles, and
    every calculation chain entry on a formula."""
    names = {n.lower() for n in parts}
    for name, data in parts.items():
        if name == "[Content_Types].xml":
            continue
        assert content_type(parts, name), f"{name} has no content type"
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)
    for element in ElementTree.fromstring(parts["[Content_Types].xml"]):
        if element.tag == f"{{{CONTENT_TYPES}}}Override":
            name = element.get("PartName", "").lstrip("/").lower()
            assert name in names, f"a content type for {name}, which is not there"
    for name in parts:
        if name.endswith(".rels"):
            folder = owner_of_rels(name)
            for rel in rels_of(parts, folder):
                if rel.mode != "External":
                    target = resolve(folder, rel.target) if folder else rel.target.lstrip("/")
                    assert target.lower() in names, f"{name}: {rel.id} → {target}, not there"
    sheets = sheet_entries(parts)
    assert len({s.name.casefold() for s in sheets}) == len(sheets), "two sheets of one name"
    styles = related(parts, workbook_part(parts), "styles")
    formats = len(style_list(parts[styles[0]], "cellXfs")[1]) if styles else 1
    strings = len(shared_strings(parts))
    formulas: set[tuple[int, str]] = set()
    for sheet in sheets:
        assert sheet.part in parts, f"{sheet.name}: no part {sheet.part}"
        for (row, column), cell in SheetXml.of(parts[sheet.part]).cells.items():
            style = re.search(rb"""^<[^>]*?\bs\s*=\s*["'](\d+)["']""", cell)
            assert style is None or int(style.group(1)) < formats, f"{sheet.name}: {cell!r}"
            shared = re.search(rb"""^<[^>]*?\bt\s*=\s*["']s["'][^>]*>.*?<(?:\w+:)?v>(\d+)<""", cell)
            assert shared is None or int(shared.group(1)) < strings, f"{sheet.name}: {cell!r}"
            if re.search(rb"<(?:\w+:)?f[\s>/]", cell):
                formulas.add((sheet.sheet_id, f"{get_column_letter(column)}{row}"))
    for chain in related(parts, workbook_part(parts), "calcChain"):
        stray = [e for e in calc_chain_entries(parts[chain]) if e not in formulas]
        assert stray == [], f"calc chain entries on cells without a formula: {stray}"


def assert_contract(before: Path, after: Path, day: str) -> None:
    """Everything the contract says of one review, from `before` to `after`."""
    old, new = parts_of(before), parts_of(after)
    assert_sound(new)
    assert_reviewed(after, day)
    assert_unowned_parts_kept(old, new)
    assert_shared_parts_only_gained(old, new)
    assert assert_partners_user_cells_kept(old, new) > 0


# --- the workbooks, and their reviews ----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Path]
    suffix: str = ".xlsx"
    kind: Kind | None = None
    where: str = ""


def new_example(path: Path) -> Path:
    result = run("new", str(path), "--example")
    assert result.exit_code == 0, result.output
    return path


def the_example(path: Path) -> Path:
    shutil.copyfile(EXAMPLE, path)
    return path


KIND_CASES = [
    Case(f"{kind.name}-on-{where}", partial(kind.build, where=where), kind=kind, where=where)
    for kind in KINDS
    for where in kind.wheres
]
CALC_EXCEL = Case(
    "calc-settings-as-Excel-writes-them",
    partial(with_calc_settings, settings='<calcPr calcId="191029"/>'),
)
CALC_OFF = Case(
    "full-calc-on-load-off",
    partial(with_calc_settings, settings='<calcPr calcId="191029" fullCalcOnLoad="0"/>'),
)
CHAIN = Case("calc-chain", calc_chain)
CHAIN_REPLACED = Case("calc-chain-of-replaced-formulas", partial(calc_chain, only_replaced=True))
HISTORY_6 = Case("older-History-of-six-columns", partial(older_history, columns=6, note_column=8))
HISTORY_3 = Case("older-History-of-three-columns", partial(older_history, columns=3, note_column=8))
LAID_OUT = Case("laid-out-Partners", laid_out)
DATES_1904 = Case("dates-from-1904", dates_from_1904)
NO_REFERENCES = Case("rows-and-cells-without-references", without_references)
STATUS_ELSEWHERE = Case("status-cell-on-a-user-sheet", status_elsewhere)
MACRO = Case("new-macro-example", new_example, ".xlsm")
OTHER_CASES = [
    Case("the-example", the_example),
    Case("new-example", new_example),
    MACRO,
    LAID_OUT,
    Case("table-on-Partners", table_on_partners),
    Case("inline-strings-and-no-shared-strings", inline_strings),
    Case("as-Excel-saves-it", as_excel_saves),
    Case("empty-History", empty_history),
    Case("Review-of-the-users-own", users_review),
    Case("shared-formula-in-a-user-column", shared_formulas),
    DATES_1904,
    STATUS_ELSEWHERE,
    CHAIN,
    CHAIN_REPLACED,
    CALC_EXCEL,
    CALC_OFF,
    HISTORY_6,
    HISTORY_3,
]
CASES = [*KIND_CASES, *OTHER_CASES]


def ids(cases: list[Case]) -> list[str]:
    return [case.id for case in cases]


class Reviews:
    """One workbook as built, and its reviews, each run once when a test first needs it:
    in place, in place again the same day, to another file, and each output a week later."""

    def __init__(self, case: Case, folder: Path) -> None:
        self.case = case
        self.folder = folder

    def _copy(self, source: Path, folder: str) -> Path:
        target = self.folder / folder / f"partners{self.case.suffix}"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        return target

    @cached_property
    def source(self) -> Path:
        (self.folder / "built").mkdir(exist_ok=True)
        return self.case.build(self.folder / "built" / f"partners{self.case.suffix}")

    @cached_property
    def in_place(self) -> Path:
        path = self._copy(self.source, "in-place")
        review(path, DAY)
        return path

    @cached_property
    def again(self) -> Path:
        path = self._copy(self.in_place, "again")
        review(path, DAY)
        return path

    @cached_property
    def output_input(self) -> Path:
        """The input of the review to another file, after it."""
        path = self._copy(self.source, "output")
        review(path, DAY, "--output", str(self.output_path))
        return path

    @property
    def output_path(self) -> Path:
        return self.folder / "output" / f"out{self.case.suffix}"

    @cached_property
    def output(self) -> Path:
        assert self.output_input.exists()
        return self.output_path

    @cached_property
    def later(self) -> Path:
        path = self._copy(self.in_place, "later")
        review(path, LATER)
        return path

    @cached_property
    def later_output(self) -> Path:
        path = self._copy(self.output, "later-output")
        review(path, LATER)
        return path

    def outputs(self) -> list[Path]:
        return [self.in_place, self.again, self.output, self.later, self.later_output]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Case], Reviews]:
    """The reviews of each workbook, shared by the tests of this module."""
    made: dict[str, Reviews] = {}

    def get(case: Case) -> Reviews:
        if case.id not in made:
            made[case.id] = Reviews(case, tmp_path_factory.mktemp(case.id))
        return made[case.id]

    return get


# --- the contract, for every workbook ----------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_the_workbooks_built_for_these_tests_are_sound(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    parts = parts_of(reviewed(case).source)
    assert_sound(parts)
    if case.kind is not None:
        assert case.kind.present(parts, case.where), "the workbook lacks what it is about"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_part_a_review_does_not_own_is_kept_byte_for_byte(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    before, after = parts_of(reviews.source), parts_of(reviews.in_place)
    assert_sound(after)
    assert_reviewed(reviews.in_place, DAY)
    assert_unowned_parts_kept(before, after)
    # Not a test that cannot fail: there are parts a review does not own.
    assert set(before) - owned_parts(before, after)


def stored(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each part's compression method, checksum and bytes as the zip stores them
    (compressed), read from the file itself."""
    data = path.read_bytes()
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            start = info.header_offset
            name_length, extra_length = struct.unpack("<2H", data[start + 26 : start + 30])
            begin = start + 30 + name_length + extra_length
            parts[info.filename] = (
                info.compress_type,
                info.CRC,
                data[begin : begin + info.compress_size],
            )
    return parts


def stored_otherwise(source: Path, target: Path) -> Path:
    """A copy of a workbook whose parts are stored as no review would store them: the odd
    ones uncompressed, the others at zlib's level 1, so a part compressed again shows."""
    with zipfile.ZipFile(source) as reading, zipfile.ZipFile(target, "w") as writing:
        for number, info in enumerate(reading.infolist()):
            method = zipfile.ZIP_STORED if number % 2 else zipfile.ZIP_DEFLATED
            writing.writestr(info, reading.read(info), method, compresslevel=1)
    return target


@pytest.mark.parametrize("case", [MACRO, *OTHER_CASES[:2], *KIND_CASES[:3]], ids=lambda c: c.id)
def test_a_review_keeps_the_stored_bytes_of_every_part_it_does_not_change(
    case: Case, reviewed: Callable[[Case], Reviews], tmp_path: Path
) -> None:
    """The same compressed bytes, never compressed again: every part a review does not own,
    and, when a second review the same day changes nothing in them, Partners and History
    (unless the status cell is on one of them)."""
    reviews = reviewed(case)
    for source in (reviews.source, reviews.in_place):
        path = stored_otherwise(source, tmp_path / f"{source.parent.name}{case.suffix}")
        before = stored(path)
        review(path, DAY)
        after, parts = stored(path), parts_of(path)
        kept = [name for name in before if name not in owned_parts(parts_of(source), parts)]
        if source == reviews.in_place:
            status = status_cell(parts)  # its sheet is written again: the cell always is
            kept += [
                sheet_part(parts, title)
                for title in ("Partners", "History")
                if status is None or status[0] != title
            ]
        assert kept and None not in kept
        assert [name for name in kept if after.get(name) != before[name]] == [], source


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_the_shared_parts_only_gain_entries(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    assert_shared_parts_only_gained(parts_of(reviews.source), parts_of(reviews.in_place))


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_user_cell_of_partners_is_kept_as_written(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    before, after = parts_of(reviews.source), parts_of(reviews.in_place)
    assert assert_partners_user_cells_kept(before, after) >= 50


@pytest.mark.parametrize("case", KIND_CASES, ids=ids(KIND_CASES))
def test_each_kind_is_still_there_after_every_review(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    assert case.kind is not None
    reviews = reviewed(case)
    assert case.kind.present(parts_of(reviews.source), case.where)
    for path in reviews.outputs():
        assert case.kind.present(parts_of(path), case.where), path.parent.name


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_a_second_review_the_same_day_changes_no_part(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    first, second = parts_of(reviews.in_place), parts_of(reviews.again)
    assert list(second) == list(first)
    assert [name for name in first if second[name] != first[name]] == []


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_a_review_to_another_file_leaves_the_input_as_it_was(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    assert digest(reviews.output_input) == digest(reviews.source)
    assert leftovers(reviews.output.parent) == []
    assert_contract(reviews.source, reviews.output, DAY)
    # The same review as in place, part for part.
    assert parts_of(reviews.output) == parts_of(reviews.in_place)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_output_can_be_reviewed_again_a_week_later(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    for before, after in [
        (reviews.in_place, reviews.later),
        (reviews.output, reviews.later_output),
    ]:
        assert_contract(before, after, LATER)
        # The Review stays in its part, with the sheet id and relationship it had.
        old, new = parts_of(before), parts_of(after)
        assert [s for s in sheet_entries(new) if s.name == "Review"] == [
            s for s in sheet_entries(old) if s.name == "Review"
        ]


# --- a second reader ------------------------------------------------------------------------------


def normalised(value: Any) -> Any:
    """One value as both readers can give it: numbers as floats (python-calamine gives every
    number as a float, openpyxl whole numbers as ints), a date and time at midnight as a date
    (openpyxl gives a datetime for every date format, python-calamine a date when the format
    shows no time); None and "" as None (python-calamine gives "" for an empty cell in its
    grid). Text and booleans as they are."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def openpyxl_values(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    """Sheet → (row, column) → value, as openpyxl reads the saved results. An error value
    (such as the #VALUE! Excel saves for a picture in a cell) is left out: python-calamine
    reads it as an empty cell."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, data_only=True)
    try:
        return {
            sheet.title: {
                (cell.row, cell.column): normalised(cell.value)
                for row in sheet.iter_rows()
                for cell in row
                if normalised(cell.value) is not None and cell.data_type != "e"
            }
            for sheet in book.worksheets
        }
    finally:
        book.close()


def calamine_values(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    book = CalamineWorkbook.from_path(str(path))
    values: dict[str, dict[tuple[int, int], Any]] = {}
    try:
        for title in book.sheet_names:
            grid = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            values[title] = {
                (row, column): normalised(value)
                for row, cells in enumerate(grid, start=1)
                for column, value in enumerate(cells, start=1)
                if normalised(value) is not None
            }
    finally:
        book.close()
    return values


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_a_second_reader_reads_every_value_as_openpyxl_does(
    case: Case, reviewed: Callable[[Case], Reviews]
) -> None:
    for path in reviewed(case).outputs():
        theirs, ours = calamine_values(path), openpyxl_values(path)
        assert list(theirs) == list(ours)
        for title, values in ours.items():
            assert theirs[title] == values, f"{path.parent.name}: {title}"
        assert ours["Review"][(1, 1)] in (title_of(DAY), title_of(LATER))


# --- particular workbooks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "setting"), [(CALC_EXCEL, "1"), (CALC_OFF, "0")], ids=ids([CALC_EXCEL, CALC_OFF])
)
def test_a_full_calculation_on_loading_is_asked_for_unless_switched_off(
    case: Case, setting: str, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    for path in reviews.outputs():
        found = _CALC_PR.search(parts_of(path)["xl/workbook.xml"])
        assert found is not None
        assert attributes(found.group(0)) == {"calcId": "191029", "fullCalcOnLoad": setting}


def test_the_calc_chain_loses_only_the_formula_a_review_replaced(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(CHAIN)
    before, after = parts_of(reviews.source), parts_of(reviews.in_place)
    assert calc_chain_entries(before["xl/calcChain.xml"]) == [(1, "U2"), (1, "T2"), (2, "D2")]
    assert calc_chain_entries(after["xl/calcChain.xml"]) == [(1, "T2"), (2, "D2")]
    # The formula of the user's own on Partners kept, with its saved result.
    mine = SheetXml.of(after["xl/worksheets/sheet1.xml"]).cells[(2, 20)]
    assert mine == SheetXml.of(before["xl/worksheets/sheet1.xml"]).cells[(2, 20)]
    assert b"<f>G2*12</f><v>48</v>" in mine


def test_a_calc_chain_of_replaced_formulas_only_is_taken_out(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(CHAIN_REPLACED)
    before, after = parts_of(reviews.source), parts_of(reviews.in_place)
    assert "xl/calcChain.xml" in before
    assert "xl/calcChain.xml" not in after
    assert not related(after, "xl/workbook.xml", "calcChain")
    assert content_type(after, "xl/calcChain.xml") != CALC_CHAIN_TYPE


@pytest.mark.parametrize(
    ("case", "columns"), [(HISTORY_6, 6), (HISTORY_3, 3)], ids=ids([HISTORY_6, HISTORY_3])
)
def test_a_history_from_an_older_partnersheet_keeps_its_rows(
    case: Case, columns: int, reviewed: Callable[[Case], Reviews]
) -> None:
    reviews = reviewed(case)
    source = parts_of(reviews.source)
    before = source[sheet_part(source, "History") or ""]
    earlier = 1 + len(OLDER_HISTORY)

    def may_change(row: int, column: int) -> bool:
        # History's six columns: below the earlier rows, and the header where it lacked some.
        return column <= 6 and (row > earlier or (row == 1 and columns < 6))

    for path, days in [(reviews.in_place, [DAY]), (reviews.later, [DAY, LATER])]:
        parts = parts_of(path)
        after = parts[sheet_part(parts, "History") or ""]
        # The earlier rows and the column of the user's own, cell for cell as written.
        kept = assert_sheet_kept(before, after, may_change, new_columns=range(columns + 1, 7))
        assert kept == len(OLDER_HISTORY) * columns + 1 + len(NOTES_IN_HISTORY) + (columns == 6) * 6
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            history = openpyxl.load_workbook(path, data_only=True)["History"]
        rows = list(history.iter_rows(values_only=True))
        assert rows[0] == (*HISTORY_HEADERS, None, NOTE_HEADER)
        assert [row[:3] for row in rows[1:earlier]] == [
            (dt.datetime.fromisoformat(str(r[0])), r[1], r[2]) for r in OLDER_HISTORY
        ]
        written = rows[earlier:]
        assert [row[0].date().isoformat() for row in written] == [d for d in days for _ in range(4)]
        assert {row[1] for row in written} == {"Ann Patel", "Bea Ltd", "Cal Jones", "Dee Rao"}
        assert all(row[7] is None for row in written), "a review wrote into the user's column"


def test_a_column_of_the_users_own_beside_an_older_history_is_kept(tmp_path: Path) -> None:
    source = older_history(tmp_path / "built.xlsx", columns=3, note_column=4)
    path = shutil.copyfile(source, tmp_path / "partners.xlsx")
    review(path, DAY)
    assert_contract(source, path, DAY)
    values = sheet_values(parts_of(path), "History")
    assert values[(1, 4)] == NOTE_HEADER
    assert {row: values.get((row, 4)) for row in NOTES_IN_HISTORY} == NOTES_IN_HISTORY
    later = shutil.copyfile(path, tmp_path / "later.xlsx")
    review(later, LATER)


def test_a_laid_out_partners_sheet_reads_the_same_after_a_review(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(LAID_OUT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        books = [openpyxl.load_workbook(p) for p in (reviews.source, reviews.in_place)]
        results = [
            openpyxl.load_workbook(p, data_only=True) for p in (reviews.source, reviews.in_place)
        ]
    old, new = (book["Partners"] for book in books)

    def look(cell: Any) -> tuple[Any, ...]:
        link = cell.hyperlink.target if cell.hyperlink else None
        return (cell.value, cell.number_format, cell.font.b, cell.fill.fgColor.rgb, link)

    for row in range(1, 6):
        for column in range(1, 21):  # the user's columns, A to T
            assert look(new.cell(row, column)) == look(old.cell(row, column)), (row, column)
    assert [results[1]["Partners"][f"T{row}"].value for row in range(2, 6)] == [48, 24, 72, 0]
    assert new["T2"].value == "=G2*12"
    assert new.freeze_panes == "B2"
    assert new.auto_filter.ref == "A1:T5"
    assert new.row_dimensions[3].height == 24
    assert new.column_dimensions["A"].width == old.column_dimensions["A"].width
    assert [str(r.sqref) for r in new.conditional_formatting] == ["G2:G5"]
    assert [str(v.sqref) for v in new.data_validations.dataValidation] == ["L2:R5"]
    (drawing,) = related(parts_of(reviews.in_place), "xl/worksheets/sheet1.xml", "drawing")
    assert related(parts_of(reviews.in_place), drawing, "image")
    assert new["A3"].comment.text == "Check with the accountant."
    assert books[1].defined_names["Rate"].attr_text == "Notes!$B$2"
    assert books[1]["Hidden"].sheet_state == "hidden"


def legacy_drawing(sheet: bytes) -> str | None:
    """The relationship id of a sheet's legacy drawing (its buttons), if any."""
    found = re.search(rb"<(?:[\w.-]+:)?legacyDrawing\b[^>]*>", sheet)
    if found is None:
        return None
    return next(v for k, v in attributes(found.group(0)).items() if k.endswith(":id"))


def code_name(sheet: bytes) -> str | None:
    found = re.search(rb"<(?:[\w.-]+:)?sheetPr\b[^>]*>", sheet)
    return attributes(found.group(0)).get("codeName") if found else None


def test_a_macro_workbook_keeps_its_project_buttons_and_code_names(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(MACRO)
    before = parts_of(reviews.source)
    buttons = sorted(n for n in before if n.endswith(".vml"))
    assert len(buttons) == 2 and all(b'ObjectType="Button"' in before[n] for n in buttons)
    assert all(b"Recalculate" in before[n] for n in buttons)
    review_part = sheet_part(before, "Review")
    assert review_part is not None
    named, legacy = code_name(before[review_part]), legacy_drawing(before[review_part])
    assert named is not None and legacy is not None
    (button,) = [r for r in rels_of(before, review_part) if r.id == legacy]
    assert resolve(review_part, button.target) in buttons
    for path in (reviews.in_place, reviews.output, reviews.later, reviews.later_output):
        after = parts_of(path)
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
        assert {n: after[n] for n in buttons} == {n: before[n] for n in buttons}
        assert_unowned_parts_kept(before, after)
        assert sheet_part(after, "Review") == review_part
        assert code_name(after[review_part]) == named
        assert legacy_drawing(after[review_part]) == legacy
        assert [r for r in rels_of(after, review_part) if r.id == legacy] == [button]
        assert after["[Content_Types].xml"].count(b"macroEnabled.main+xml") == 1


def test_a_workbook_written_with_a_namespace_prefix_is_reviewed_as_any_other(
    tmp_path: Path,
) -> None:
    source = prefixed(tmp_path / "built.xlsx")
    assert b"<x:cellXfs " in parts_of(source)["xl/styles.xml"]
    path = shutil.copyfile(source, tmp_path / "partners.xlsx")
    review(path, DAY)
    assert_contract(source, path, DAY)
    first = parts_of(path)
    review(path, DAY)
    assert parts_of(path) == first
    assert calamine_values(path) == openpyxl_values(path)


def test_dates_are_written_in_the_calendar_the_workbook_counts_in(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(DATES_1904)
    assert b'date1904="1"' in parts_of(reviews.in_place)["xl/workbook.xml"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = openpyxl.load_workbook(reviews.later, data_only=True)["History"]
    days = [row[0] for row in history.iter_rows(min_row=2, values_only=True) if row[0]]
    assert days == [dt.datetime.fromisoformat(d) for d in (DAY, LATER) for _ in range(4)]


def test_the_status_cell_on_a_user_sheet_is_the_only_cell_there_that_changes(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(STATUS_ELSEWHERE)
    before, after = parts_of(reviews.source), parts_of(reviews.in_place)
    assert status_cell(before) == (STATUS_SHEET, 1, 2)
    part = sheet_part(before, STATUS_SHEET)
    assert part is not None
    assert assert_sheet_kept(before[part], after[part], lambda r, c: (r, c) == (1, 2)) == 2
    assert sheet_values(after, STATUS_SHEET)[(1, 2)] == (
        "Reviewed on 2026-11-22: 4 partners, 4 ranked, 1 still to score. The answers are on "
        "the Review sheet."
    )


def test_a_partners_sheet_written_without_references_reads_the_same_after_a_review(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(NO_REFERENCES)
    before, after = parts_of(reviews.source), parts_of(reviews.in_place)
    assert b' r="' not in SheetXml.of(before["xl/worksheets/sheet1.xml"]).cells[(2, 1)]
    assert_sound(after)
    assert_reviewed(reviews.in_place, DAY)
    assert_unowned_parts_kept(before, after)
    assert_shared_parts_only_gained(before, after)
    computed = partners_layout(after).computed
    old, new = openpyxl_values(reviews.source), openpyxl_values(reviews.in_place)
    assert {k: v for k, v in new["Partners"].items() if k[1] not in computed} == old["Partners"]
    assert parts_of(reviews.again) == after
    assert_contract(reviews.in_place, reviews.later, LATER)


def test_a_partners_sheet_written_without_references_keeps_its_cells_as_written(
    reviewed: Callable[[Case], Reviews],
) -> None:
    reviews = reviewed(NO_REFERENCES)
    assert_partners_user_cells_kept(parts_of(reviews.source), parts_of(reviews.in_place))


# --- a file changed on disk during a review -----------------------------------------------------


def text_book(path: Path, note: str = "") -> Path:
    """The small workbook; with `note` on Notes, as another program saved it."""
    path.parent.mkdir(exist_ok=True)

    def fill(book: Any, sheet: Any) -> None:
        if note:
            sheet.write_string("A9", note)

    return book_with(path, "Notes", fill)


@pytest.mark.parametrize(
    ("how", "output"),
    [
        pytest.param("replaced", False, id="replaced-review-in-place"),
        pytest.param("replaced", True, id="replaced-review-to-output"),
        pytest.param("touched", False, id="touched-review-in-place"),
        pytest.param("touched", True, id="touched-review-to-output"),
        pytest.param("rewritten", False, id="rewritten-review-in-place"),
        pytest.param("rewritten", True, id="rewritten-review-to-output"),
    ],
)
def test_a_workbook_changed_on_disk_during_a_review_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, output: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    path = text_book(tmp_path / "partners.xlsx")
    theirs = text_book(tmp_path / "theirs" / "partners.xlsx", note="Saved by another program")
    if how == "touched":
        shutil.copyfile(path, theirs)
    planned = writing._plan_changes

    def plan_then_another_program_saves(*args: Any) -> None:
        planned(*args)
        if how == "rewritten":  # the same file, written over
            path.write_bytes(theirs.read_bytes())
        elif how == "replaced":  # a new file put in its place, as Excel saves
            shutil.copyfile(theirs, tmp_path / "saving.tmp")
            os.replace(tmp_path / "saving.tmp", path)
        else:  # saved again with the same content: only its time changes
            changed = path.stat().st_mtime_ns + 2_000_000_000
            os.utime(path, ns=(changed, changed))

    monkeypatch.setattr(writing, "_plan_changes", plan_then_another_program_saves)
    args = ["--output", "out.xlsx"] if output else []
    result = run("review", "partners.xlsx", *args, "--date", DAY)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: partners.xlsx changed on disk while partnersheet was reviewing it (another "
        "program saved it), so nothing was written; review it again.\n"
    )
    assert digest(path) == digest(theirs)
    assert not (tmp_path / "out.xlsx").exists()
    assert leftovers(tmp_path) == []


# --- LibreOffice ---------------------------------------------------------------------------------

#: Seconds LibreOffice may take to convert every workbook of this module.
CONVERSION_TIMEOUT = 900


@pytest.fixture(scope="module")
def converted(
    reviewed: Callable[[Case], Reviews], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The folder of every workbook as built and as reviewed (in place, then a week later),
    opened by LibreOffice with a forced recalculation of every formula and saved as .xlsx:
    one LibreOffice for all of them. (The other outputs are these, part for part: the
    second review the same day, the review to another file, and its review a week later.)"""
    soffice = soffice_or_skip(uno=False)
    folder = tmp_path_factory.mktemp("libreoffice")
    recalculating_profile(folder / "profile")
    sources = folder / "sources"
    sources.mkdir()
    for case in CASES:
        reviews = reviewed(case)
        for label, path in [("built", reviews.source), *_outputs(reviews)]:
            shutil.copyfile(path, sources / f"{case.id}--{label}{case.suffix}")
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(folder / "converted"),
                *sorted(str(p) for p in sources.iterdir()),
            ],
            capture_output=True,
            timeout=CONVERSION_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice did not finish in {CONVERSION_TIMEOUT} s")
    return folder / "converted"


def _outputs(reviews: Reviews) -> list[tuple[str, Path]]:
    return [("reviewed", reviews.in_place), ("later", reviews.later)]


def opened(converted: Path, name: str) -> Path:
    path = converted / name
    assert path.exists() and path.stat().st_size > 0, f"LibreOffice could not open {name}"
    return path


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_libreoffice_opens_every_output_and_recalculates_it(
    case: Case, reviewed: Callable[[Case], Reviews], converted: Path
) -> None:
    reviews = reviewed(case)
    assert parts_of(reviews.later_output) == parts_of(reviews.later)
    # A workbook built for this test that LibreOffice cannot open is a fault of the test.
    opened(converted, f"{case.id}--built.xlsx")
    for label, path in _outputs(reviews):
        theirs = openpyxl_values(opened(converted, f"{case.id}--{label}.xlsx"))
        ours = openpyxl_values(path)
        assert list(theirs) == list(ours)
        # partnersheet writes values, never formulas: LibreOffice's recalculation keeps them.
        for title in ("Review", "History"):
            assert theirs[title] == ours[title], f"{label}: {title}"
        computed = partners_layout(parts_of(path)).computed
        assert {k: v for k, v in theirs["Partners"].items() if k[1] in computed} == {
            k: v for k, v in ours["Partners"].items() if k[1] in computed
        }


@pytest.mark.libreoffice
def test_libreoffice_really_recalculates_what_it_opens(
    reviewed: Callable[[Case], Reviews], converted: Path
) -> None:
    # The wrong result saved with a formula of the user's is kept by a review, and replaced by
    # LibreOffice's own: the results compared above are LibreOffice's recalculation.
    reviews = reviewed(CALC_EXCEL)
    assert openpyxl_values(reviews.in_place)["Notes"][(2, 4)] == DECOY.cached
    theirs = openpyxl_values(opened(converted, f"{CALC_EXCEL.id}--reviewed.xlsx"))
    assert theirs["Notes"][(2, 4)] == 42


@pytest.fixture(scope="module")
def libreoffice() -> Iterator[Office]:
    """One LibreOffice, driven through UNO, for the tests of this module that need it."""
    with Office(soffice_or_skip()) as running:
        yield running


@pytest.mark.libreoffice
def test_a_workbook_libreoffice_saved_with_a_comment_and_new_scores_keeps_them(
    libreoffice: Office, tmp_path: Path
) -> None:
    source = tmp_path / "example.xlsx"
    shutil.copyfile(EXAMPLE, source)
    layout = partners_layout(parts_of(source))
    strings = sheet_values(parts_of(source), "Partners")
    row = next(r for (r, c), text in strings.items() if text == "Tom Whitaker" and c == 1)
    document = libreoffice.open(source)
    document.add_comment("Partners", f"A{row}", "Met at the November breakfast.")
    for ingredient in INGREDIENTS:
        cell = f"{get_column_letter(layout.headers[ingredient])}{row}"
        document.set_value("Partners", cell, 5)
    saved = document.save_as(tmp_path / "partners.xlsx")
    document.close()
    as_saved = shutil.copyfile(saved, tmp_path / "as-saved.xlsx")
    before = parts_of(as_saved)
    comments = [
        part
        for kind in ("comments", "vmlDrawing")
        for part in related(before, sheet_part(before, "Partners") or "", kind)
    ]
    assert len(comments) == 2
    assert b"Met at the November breakfast." in b"".join(before[p] for p in comments)

    review(saved, DAY)
    after = parts_of(saved)
    assert {p: after[p] for p in comments} == {p: before[p] for p in comments}
    assert_contract(as_saved, saved, DAY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        partners = openpyxl.load_workbook(saved, data_only=True)["Partners"]
    computed = {
        h: partners.cell(row, layout.headers[h]).value for h in ("Weighted score", "Rank", "Band")
    }
    assert computed == {"Weighted score": 100, "Rank": 1, "Band": "Strong"}
    review(saved, DAY)
    assert parts_of(saved) == after


@pytest.mark.libreoffice
def test_a_macro_workbook_libreoffice_saved_keeps_every_part_a_review_does_not_own(
    libreoffice: Office, tmp_path: Path
) -> None:
    source = new_example(tmp_path / "new.xlsm")
    document = libreoffice.open(source)
    saved = document.save_as(tmp_path / "partners.xlsm")
    document.close()
    as_saved = shutil.copyfile(saved, tmp_path / "as-saved.xlsm")
    before = parts_of(as_saved)
    assert "xl/vbaProject.bin" in before
    review(saved, DAY)
    assert_contract(as_saved, saved, DAY)
    after = parts_of(saved)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    review(saved, DAY)
    assert parts_of(saved) == after
    later = shutil.copyfile(saved, tmp_path / "later.xlsm")
    review(later, LATER)
    assert_contract(saved, later, LATER)
