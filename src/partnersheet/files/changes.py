"""The parts of a workbook package a review replaces, adds and removes, gathered before the
new file is written."""

from __future__ import annotations

import posixpath
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from .package import Package, relationships_part
from .reading import WorkbookFile
from .shared_parts import new_id, relationship_ids
from .strings import StringTable
from .styles import StyleBook

#: A new part's content is kept in memory up to this size, and on disk past it.
_IN_MEMORY = 16 * 1024 * 1024


@dataclass
class Changes:
    """What the new package holds that the old one did not: parts replaced, added, removed.

    The content of each new part is written as it is made, into a file that stays in memory
    while small, so that a large sheet is never held whole.
    """

    source: zipfile.ZipFile
    package: Package
    replaced: dict[str, IO[bytes]] = field(default_factory=dict)
    added: dict[str, IO[bytes]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    #: (part, content type) of each part added.
    content_types: list[tuple[str, str]] = field(default_factory=list)
    #: The workbook's relationships to add: (id, type, part).
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    #: Sheets to add to the workbook: (name, relationship id).
    sheets: list[tuple[str, str]] = field(default_factory=list)
    #: Formulas replaced: (sheet id, cell).
    formulas_replaced: set[tuple[int, str]] = field(default_factory=set)
    #: Sheets written whole, by sheet id (their formulas are all gone).
    rewritten_sheets: set[int] = field(default_factory=set)
    #: The Review's print area: the sheet's title and the reference of its printed cells.
    print_area: tuple[str, str] | None = None

    def read(self, part: str) -> bytes:
        """A part's content: as it is now in the new package."""
        content = self.added.get(part) or self.replaced.get(part)
        if content is None:
            return self.source.read(part)
        content.seek(0)
        return content.read()

    def exists(self, part: str) -> bool:
        names = {n.lower() for n in self.source.namelist()} | {n.lower() for n in self.added}
        return part.lower() in names and part not in self.removed

    def put(
        self, part: str, data: bytes | Iterable[bytes], content_type: str | None = None
    ) -> None:
        """Replace a part, or add it (with its content type) when the package has none."""
        # Kept open until the package is written; `close` lets it go.
        content: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115
        for piece in (data,) if isinstance(data, bytes) else data:
            content.write(piece)
        if part in self.source.namelist() and part not in self.removed:
            self._close(self.replaced.pop(part, None))
            self.replaced[part] = content
        else:
            self._close(self.added.pop(part, None))
            self.added[part] = content
            if content_type is not None and (part, content_type) not in self.content_types:
                self.content_types.append((part, content_type))

    def remove(self, part: str) -> None:
        self.removed.add(part)
        self._close(self.replaced.pop(part, None))

    @staticmethod
    def _close(content: IO[bytes] | None) -> None:
        if content is not None:
            content.close()

    def close(self) -> None:
        """Let go of every new part's content."""
        for content in (*self.replaced.values(), *self.added.values()):
            content.close()

    def new_part(self, folder: str, stem: str, numbered: str = "1") -> str:
        """A part name in `folder` that no part has: stem1.xml, stem2.xml, ... (or stem.xml,
        then stem2.xml, when `numbered` is "")."""
        taken = {n.lower() for n in self.source.namelist()} | {n.lower() for n in self.added}
        name = f"{folder}/{stem}{numbered}.xml"
        number = 2
        while name.lower() in taken:
            name = f"{folder}/{stem}{number}.xml"
            number += 1
        return name

    def add_sheet(self, name: str, part: str) -> None:
        taken = relationship_ids(self.read(relationships_part(self.package.workbook_part)).decode())
        rel_id = new_id(taken | {r for r, _, _ in self.relationships})
        self.relationships.append((rel_id, "worksheet", part))
        self.sheets.append((name, rel_id))


def folder_of_sheets(package: Package) -> str:
    """Where the workbook keeps its worksheets (xl/worksheets)."""
    parts = [s.part for s in package.sheets if s.kind == "worksheet" and s.part]
    return posixpath.dirname(parts[0]) if parts else "xl/worksheets"


@dataclass
class Writing:
    """What writing one review into the package needs at hand."""

    changes: Changes
    book: WorkbookFile
    styles: StyleBook
    strings: StringTable
