"""The map of a workbook package: which zip part holds which sheet, the shared strings, the
styles, and the workbook's defined names.

Tags and attributes are matched by their local names, so both the usual (transitional) and
the strict namespaces of the Office Open XML format are understood.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from .opening import parse_xml

_ROOT_RELS = "_rels/.rels"


def local(name: str) -> str:
    """A tag or attribute name without its namespace: "{ns}sheet" → "sheet"."""
    return name.rpartition("}")[2]


def children(element: Element, name: str) -> list[Element]:
    """The element's children with this local name."""
    return [child for child in element if local(child.tag) == name]


def descendants(element: Element, name: str) -> list[Element]:
    """The element's descendants with this local name, in document order."""
    return [found for found in element.iter() if local(found.tag) == name]


def relationship_id(element: Element) -> str | None:
    """The `r:id` attribute of an element, whatever its namespace prefix."""
    for key, value in element.attrib.items():
        if key.startswith("{") and local(key) == "id":
            return value
    return None


@dataclass(frozen=True)
class Relationship:
    id: str
    #: The last part of the relationship type's URI: "worksheet", "styles", ...
    kind: str
    #: The zip part it points to, resolved from the part that has it ("" when external).
    part: str


def relationships_part(part: str) -> str:
    """Where a part's relationships are kept: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def read_relationships(archive: zipfile.ZipFile, part: str) -> list[Relationship]:
    """The relationships of `part` ("" for the package's own), in the order they are listed."""
    rels_part = relationships_part(part) if part else _ROOT_RELS
    if rels_part not in archive.namelist():
        return []
    found = []
    for element in parse_xml(archive.read(rels_part)):
        if local(element.tag) != "Relationship":
            continue
        target = element.get("Target", "")
        external = element.get("TargetMode", "") == "External"
        found.append(
            Relationship(
                id=element.get("Id", ""),
                kind=element.get("Type", "").rpartition("/")[2],
                part="" if external else resolve(part, target),
            )
        )
    return found


def resolve(source: str, target: str) -> str:
    """A relationship's target as a zip part name, relative to the part that holds it."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@dataclass(frozen=True)
class SheetEntry:
    """One sheet as the workbook lists it."""

    name: str
    #: The zip part holding it ("" when the workbook names no part for it).
    part: str
    #: "worksheet", "chartsheet", "dialogsheet" or "macrosheet".
    kind: str
    #: The sheet's id, which the calculation chain refers to it by.
    sheet_id: int = 0


@dataclass(frozen=True)
class DefinedName:
    name: str
    #: The text it refers to, such as `Partners!$B$1`.
    refers_to: str


@dataclass(frozen=True)
class Package:
    """Where things are in a workbook package."""

    workbook_part: str
    sheets: tuple[SheetEntry, ...]
    #: The workbook's relationships, in the order they are listed.
    relationships: tuple[Relationship, ...]
    shared_strings_part: str | None
    styles_part: str | None
    calc_chain_part: str | None
    #: Dates count from 1904 rather than 1900 (old Mac workbooks).
    date1904: bool
    defined_names: tuple[DefinedName, ...]

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(sheet.name for sheet in self.sheets)

    def sheet(self, title: str) -> SheetEntry:
        return next(s for s in self.sheets if s.name == title)


def read_package(archive: zipfile.ZipFile) -> Package:
    """The map of the package: its workbook part, sheets, strings, styles and names."""
    workbook_part = next(
        (r.part for r in read_relationships(archive, "") if r.kind == "officeDocument"),
        "xl/workbook.xml",
    )
    relationships = {r.id: r for r in read_relationships(archive, workbook_part)}
    workbook = parse_xml(archive.read(workbook_part))
    sheets = []
    for element in descendants(workbook, "sheet"):
        found = relationships.get(relationship_id(element) or "")
        sheets.append(
            SheetEntry(
                name=element.get("name", ""),
                part=found.part if found is not None else "",
                kind=found.kind if found is not None else "",
                sheet_id=int(element.get("sheetId", "0") or 0),
            )
        )
    properties = descendants(workbook, "workbookPr")
    date1904 = bool(properties) and properties[0].get("date1904", "0") in ("1", "true")
    by_kind = {r.kind: r.part for r in relationships.values()}
    return Package(
        workbook_part=workbook_part,
        sheets=tuple(sheets),
        relationships=tuple(relationships.values()),
        shared_strings_part=by_kind.get("sharedStrings"),
        styles_part=by_kind.get("styles"),
        calc_chain_part=by_kind.get("calcChain"),
        date1904=date1904,
        defined_names=tuple(
            DefinedName(element.get("name", ""), element.text or "")
            for element in descendants(workbook, "definedName")
        ),
    )
