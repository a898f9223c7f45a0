"""Writing a review into a workbook file, changing only what partnersheet owns.

A review owns the computed cells of Partners, the History rows it writes, the status cell,
and the Review sheet with its drawing and chart. Every other part of the file is copied as
it is; the parts shared with the rest of the workbook (the workbook, its relationships,
the content types, the styles, the calculation chain) only gain entries (see
`shared_parts`).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..core.model import HISTORY_HEADERS, STATUS_NAME, CellValue, Inputs
from ..core.plans import (
    HISTORY_SCORE_FORMAT,
    HISTORY_WIDTHS,
    ComputedCells,
    HistoryPlan,
    computed_columns,
    history_values,
)
from ..core.review import ReviewResult
from ..core.sheets import Cell, SheetData, find_sheet
from ..errors import CannotWrite
from .changes import Changes, Writing, folder_of_sheets
from .looks import COMPUTED_HEADER, DATE, HISTORY_HEADER
from .package import Package, relationships_part
from .reading import WorkbookFile
from .references import split_reference
from .review_part import review_parts
from .saving import FileState, check_unchanged, replace_file
from .shared_parts import (
    SHARED_STRINGS_TYPE,
    STYLES_TYPE,
    WORKSHEET_TYPE,
    new_id,
    pruned_calc_chain,
    relationship_ids,
    with_content_types,
    with_full_calculation,
    with_print_area,
    with_relationship,
    with_sheet,
    without_content_types,
    without_relationships,
)
from .sheet_edit import CellEdit, Edited, RowEdits, SheetEdits, edit_sheet
from .strings import EMPTY_STRINGS, StringTable
from .styles import EMPTY_STYLES, Look, StyleBook

#: The width of a computed column partnersheet adds to Partners.
COMPUTED_WIDTH = 14.0

_CONTENT_TYPES = "[Content_Types].xml"

#: How hard parts are compressed: 3 of zlib's 9 levels. Measured on a sheet of 100,000
#: partners (72 MB of XML): level 6, the usual, takes 1.6 s and gives 9.9 MB; level 3 takes
#: 0.7 s and gives 11.5 MB.
_COMPRESSION = 3


@dataclass(frozen=True)
class Previous:
    """What partnersheet's own cells held before the review. A row whose cells would get
    the values they hold already is left as it is: a review rewrites only what changes
    (a second review of unchanged partners writes none of their rows again)."""

    #: Partners row → the values of its computed cells, in the order of the columns planned.
    computed: Mapping[int, tuple[Cell, ...]] = field(default_factory=dict)
    #: History row → its values, in the order of HISTORY_HEADERS.
    history: Mapping[int, tuple[CellValue, ...]] = field(default_factory=dict)


def previous_values(sheets: Mapping[str, SheetData], inputs: Inputs) -> Previous:
    """What the computed cells and History hold, from the sheets as read."""
    layout = inputs.layout
    numbers = [number for number, _ in computed_columns(layout)]
    partners = sheets[layout.title].rows
    computed = {}
    for row in layout.rows:
        values = partners.get(row, ())
        computed[row] = tuple(
            values[number - 1] if number <= len(values) else None for number in numbers
        )
    return Previous(computed, {h.row: history_values(h) for h in inputs.history})


def _same(old: Cell, new: CellValue) -> bool:
    """Whether a cell holding `old` already shows `new` as a review writes it (a number as
    a number, text as text: 1 and TRUE differ, 2 and 2.0 do not)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, str) or isinstance(new, str):
        return isinstance(old, str) and isinstance(new, str) and old == new
    if isinstance(old, dt.datetime) and type(new) is dt.date:
        # A date the review writes reads back as midnight of that day.
        return old == dt.datetime.combine(new, dt.time())
    if isinstance(old, dt.datetime) or isinstance(new, dt.datetime):
        return type(old) is type(new) and old == new
    return old == new


def _unchanged(old: Sequence[Cell] | None, new: Sequence[CellValue]) -> bool:
    return old is not None and len(old) == len(new) and all(map(_same, old, new))


def write_review(
    book: WorkbookFile,
    result: ReviewResult,
    target: Path,
    *,
    read_as: FileState,
    previous: Previous | None = None,
) -> None:
    """Write the review into the workbook (in its place, or to `target`), changing only the
    parts partnersheet owns, and of those only the cells that change from `previous`;
    nothing is written when the workbook changed on disk since it was read (`read_as`)."""
    check_unchanged(book.path, read_as)
    try:
        with zipfile.ZipFile(book.path) as source:
            changes = Changes(source, book.package)
            try:
                _plan_changes(changes, book, result, previous or Previous())
                replace_file(
                    target,
                    lambda temporary: _write_package(changes, temporary),
                    like=book.path,
                    unchanged=(book.path, read_as),
                )
            finally:
                changes.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, CannotWrite):
        # The workbook is read again as it is written: when that fails, the likeliest
        # reason is another program writing it meanwhile; else one of its parts is damaged.
        check_unchanged(book.path, read_as)
        raise


def _plan_changes(
    changes: Changes, book: WorkbookFile, result: ReviewResult, previous: Previous
) -> None:
    package = book.package
    styles = StyleBook(_text_of(changes, package.styles_part) or EMPTY_STYLES)
    strings = StringTable(
        _text_of(changes, package.shared_strings_part) or EMPTY_STRINGS,
        book.strings,
        book.formatted,
    )
    writing = Writing(changes, book, styles, strings)
    edits = {result.computed.sheet: _computed_edits(result.computed, previous.computed)}
    history = result.history
    if history.title is not None:
        edits[history.title] = edits.get(history.title) or _history_edits(
            history.title, history, previous.history
        )
    _add_status_edit(edits, package, result.status_text)
    for title, sheet_edits in edits.items():
        if sheet_edits.rows or sheet_edits.new_columns:  # else the sheet stays as it is
            _edit_sheet(writing, title, sheet_edits)
    review_parts(writing, result.review_sheet)
    if history.title is None:
        _add_history_sheet(writing, history)
    _finish_shared_parts(writing)


def _text_of(changes: Changes, part: str | None) -> str | None:
    return changes.source.read(part).decode("utf-8") if part else None


# --- the sheets partnersheet edits ----------------------------------------------------------


def _computed_edits(
    computed: ComputedCells, previous: Mapping[int, tuple[Cell, ...]]
) -> SheetEdits:
    """The Partners sheet's computed cells that change, and the headers of the columns it
    adds."""
    formats = [ComputedCells.number_format(kind) for _, kind in computed.columns]
    columns = [column for column, _ in computed.columns]
    values_of = {
        row: values for row, values in computed.rows if not _unchanged(previous.get(row), values)
    }

    def row_edits(row: int) -> dict[int, CellEdit]:
        cells = {}
        for column, number_format, value in zip(columns, formats, values_of[row], strict=True):
            look = (
                Look(number_format=number_format) if number_format and value is not None else None
            )
            cells[column] = CellEdit(value, look)
        return cells

    edits = SheetEdits(computed.sheet, RowEdits(values_of, row_edits), set(columns))
    for column, header in computed.new_headers:
        edits.add(computed.header_row, column, CellEdit(header, COMPUTED_HEADER))
        edits.new_columns[column] = COMPUTED_WIDTH
    return edits


def _history_edits(
    title: str, plan: HistoryPlan, previous: Mapping[int, tuple[CellValue, ...]]
) -> SheetEdits:
    """History's header where it lacks one, the review's rows, and the rows of the same
    day's earlier review cleared: each row only when it changes."""
    score_column = plan.columns[2]
    last = plan.last_row
    rows = [
        row
        for row in range(plan.first_row, max(last, plan.clear_through) + 1)
        if row > last or not _unchanged(previous.get(row), plan.rows[row - plan.first_row])
    ]

    def row_edits(row: int) -> dict[int, CellEdit]:
        if row > last:
            return {column: CellEdit(None) for column in plan.columns}
        cells = {}
        for column, value in zip(plan.columns, plan.rows[row - plan.first_row], strict=True):
            look = None
            if isinstance(value, dt.date):
                look = DATE
            elif column == score_column and value is not None:
                look = Look(number_format=HISTORY_SCORE_FORMAT)
            cells[column] = CellEdit(value, look)
        return cells

    edits = SheetEdits(title, RowEdits(rows, row_edits), set(plan.columns))
    if plan.write_header:
        for column, header in zip(plan.columns, HISTORY_HEADERS, strict=True):
            edits.add(plan.header_row, column, CellEdit(header, HISTORY_HEADER))
    return edits


_STATUS_REFERENCE = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Za-z]{1,3}\$?\d+)")


def _add_status_edit(edits: dict[str, SheetEdits], package: Package, text: str) -> None:
    """Say how the review went in the workbook's status cell, when it has one (a cell named
    PartnersheetStatus) on a sheet partnersheet does not write whole."""
    for name in package.defined_names:
        if name.name.casefold() != STATUS_NAME.casefold():
            continue
        found = _STATUS_REFERENCE.match(name.refers_to.strip())
        if found is None:
            return
        title = found.group(1).replace("''", "'") if found.group(1) else found.group(2)
        if title not in package.titles or find_sheet([title], "Review"):
            return
        row, column = split_reference(found.group(3))
        edits.setdefault(title, SheetEdits(title)).add(row, column, CellEdit(text))
        return


def _edit_sheet(writing: Writing, title: str, edits: SheetEdits) -> None:
    changes, package = writing.changes, writing.book.package
    entry = package.sheet(title)
    if entry.kind != "worksheet" or not entry.part:
        raise CannotWrite(f"{title} is not a worksheet, so partnersheet cannot write into it.")
    edited = Edited()
    pieces = edit_sheet(
        changes.source.read(entry.part),
        edits,
        writing.styles,
        writing.strings,
        edited,
        date1904=package.date1904,
    )
    changes.put(entry.part, pieces)
    changes.formulas_replaced |= {(entry.sheet_id, ref) for ref in edited.formulas_replaced}


_NEW_HISTORY = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
    '</sheetViews><sheetFormatPr defaultRowHeight="15"/>{columns}<sheetData/>'
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
    "</worksheet>"
)


def _add_history_sheet(writing: Writing, plan: HistoryPlan) -> None:
    """A History sheet, for a workbook that has none: its header frozen at the top."""
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
        for n, width in sorted(HISTORY_WIDTHS.items())
    )
    empty = _NEW_HISTORY.format(columns=f"<cols>{columns}</cols>").encode()
    pieces = edit_sheet(
        empty,
        _history_edits("History", plan, {}),
        writing.styles,
        writing.strings,
        Edited(),
        date1904=writing.book.package.date1904,
    )
    part = writing.changes.new_part(folder_of_sheets(writing.book.package), "sheet")
    writing.changes.put(part, pieces, WORKSHEET_TYPE)
    writing.changes.add_sheet("History", part)


# --- the shared parts -----------------------------------------------------------------------


def _finish_shared_parts(writing: Writing) -> None:
    """The workbook, its relationships, the styles, the shared strings, the calculation chain
    and the content types, each with what the review added."""
    changes, styles, strings = writing.changes, writing.styles, writing.strings
    package = changes.package
    workbook_rels = relationships_part(package.workbook_part)
    rels = changes.read(workbook_rels).decode("utf-8")
    workbook = changes.read(package.workbook_part).decode("utf-8")
    folder = posixpath.dirname(package.workbook_part)
    for rel_id, kind, part in changes.relationships:
        rels = with_relationship(rels, rel_id, kind, posixpath.relpath(part, folder))
    for name, rel_id in changes.sheets:
        workbook = with_sheet(workbook, name, rel_id)
    if changes.print_area is not None:
        workbook = with_print_area(workbook, *changes.print_area)
    if package.styles_part is None:
        part = changes.new_part(folder, "styles", "")
        rel_id = new_id(relationship_ids(rels))
        rels = with_relationship(rels, rel_id, "styles", posixpath.relpath(part, folder))
        changes.put(part, styles.xml().encode(), STYLES_TYPE)
    elif styles.changed:
        changes.put(package.styles_part, styles.xml().encode())
    if package.shared_strings_part is None:
        if strings.changed:
            part = changes.new_part(folder, "sharedStrings", "")
            rel_id = new_id(relationship_ids(rels))
            relative = posixpath.relpath(part, folder)
            rels = with_relationship(rels, rel_id, "sharedStrings", relative)
            changes.put(part, strings.xml().encode(), SHARED_STRINGS_TYPE)
    elif strings.changed:
        changes.put(package.shared_strings_part, strings.xml().encode())
    rels = _with_calc_chain_pruned(changes, rels)
    changes.put(package.workbook_part, with_full_calculation(workbook).encode())
    changes.put(workbook_rels, rels.encode())
    types = changes.read(_CONTENT_TYPES).decode("utf-8")
    types = with_content_types(without_content_types(types, changes.removed), changes.content_types)
    changes.put(_CONTENT_TYPES, types.encode())


def _with_calc_chain_pruned(changes: Changes, rels: str) -> str:
    """The calculation chain without the formulas the review replaced; the workbook's
    relationships, without the chain's when nothing is left of it."""
    part = changes.package.calc_chain_part
    if part is None or not (changes.formulas_replaced or changes.rewritten_sheets):
        return rels
    chain = pruned_calc_chain(
        changes.read(part).decode("utf-8"), changes.formulas_replaced, changes.rewritten_sheets
    )
    if chain is None:
        changes.remove(part)
        return without_relationships(rels, {"calcChain"})[0]
    if chain.encode() != changes.read(part):
        changes.put(part, chain.encode())
    return rels


# --- the new file ---------------------------------------------------------------------------


def _write_package(changes: Changes, temporary: Path) -> None:
    """The new package: every part in its place and order, the new ones at the end."""
    source = changes.source
    with (
        zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESSION) as target,
        Path(str(source.filename)).open("rb") as stored,
    ):
        for info in source.infolist():
            name = info.filename
            if name in changes.removed:
                continue
            if name in changes.replaced:
                _write_entry(target, name, changes.replaced[name])
            else:
                _copy_entry(source, stored, target, info)
        for name, content in changes.added.items():
            _write_entry(target, name, content)


def _write_entry(target: zipfile.ZipFile, name: str, content: IO[bytes]) -> None:
    """A part partnersheet wrote: stamped with the time it is written, compressed as
    `_COMPRESSION` says."""
    content.seek(0)
    with target.open(name, "w") as writing:
        shutil.copyfileobj(content, writing, 1024 * 1024)


def _copy_entry(
    source: zipfile.ZipFile, stored: IO[bytes], target: zipfile.ZipFile, info: zipfile.ZipInfo
) -> None:
    """A part copied as it is: its stored (compressed) bytes, read from the source file
    `stored`, with its name, time and compression, after reading it through once to find it
    whole. Nothing is decompressed to be compressed again, so a large sheet partnersheet
    does not change costs only the reading."""
    path = Path(str(source.filename))
    _read_through(source, info, path)
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type = info.compress_type
    entry.external_attr = info.external_attr
    entry.comment = info.comment
    entry.file_size = info.file_size
    entry.compress_size = info.compress_size
    entry.CRC = info.CRC
    if info.compress_type == zipfile.ZIP_LZMA:
        entry.flag_bits |= 0x02  # the data ends with an end-of-stream marker, as it did
    stored.seek(info.header_offset)
    header = stored.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise CannotWrite(_damaged(path, info.filename))
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    stored.seek(name_length + extra_length, 1)
    try:
        _append_stored(target, entry, stored)
    except EOFError as error:
        raise CannotWrite(_damaged(path, info.filename)) from error


#: A zip entry's local header: signature, versions, flags, method, time, date, CRC, sizes,
#: and the lengths of the name and the extra field that follow it.
_LOCAL_HEADER = struct.Struct("<4s5HL2L2H")


def _append_stored(target: zipfile.ZipFile, entry: zipfile.ZipInfo, stored: IO[bytes]) -> None:
    """Append an entry whose compressed bytes are read from `stored` as they are.

    zipfile can only compress what it is given, so this does what its own writer does for
    an entry (a local header, the data, the entry listed for the central directory) with the
    data taken as stored. It uses the writer's attributes (`fp`, `start_dir`, `filelist`,
    `NameToInfo`), which every Python from 3.11 has; a package opened for writing writes its
    central directory when closed.
    """
    out = target.fp
    if out is None:
        raise ValueError("the new package is closed")
    large = max(entry.file_size, entry.compress_size) > zipfile.ZIP64_LIMIT
    out.seek(target.start_dir)
    entry.header_offset = out.tell()
    out.write(entry.FileHeader(large))
    left = entry.compress_size
    while left > 0:
        chunk = stored.read(min(left, 1024 * 1024))
        if not chunk:
            raise EOFError("the part's data ends early")
        out.write(chunk)
        left -= len(chunk)
    target.start_dir = out.tell()
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry


def check_parts_readable(path: Path) -> None:
    """What `check` does for the parts a review copies as they are: each one must read
    back whole, or the review would stop when it writes the workbook."""
    with zipfile.ZipFile(path) as source:
        for info in source.infolist():
            _read_through(source, info, path)


def _read_through(source: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    """Read a part whole, which checks its data against its checksum."""
    try:
        with source.open(info) as reading:
            while reading.read(1024 * 1024):
                pass
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise CannotWrite(_damaged(path, info.filename)) from error


def _damaged(path: Path, part: str) -> str:
    return (
        f"{path.name} cannot be reviewed: its part {part}, which partnersheet keeps as it "
        "is, is damaged (the data stored for it does not check out); open the workbook in "
        "Excel or LibreOffice and save it again. Nothing was changed."
    )
