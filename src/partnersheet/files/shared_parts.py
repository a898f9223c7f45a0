"""The parts a review shares with the rest of the workbook, edited as text: entries are only
added (a sheet, a relationship, a content type, a calculation setting); nothing is renumbered,
and the only entries taken out are partnersheet's own (its earlier Review's charts) and the
calculation chain's entries for formulas partnersheet replaced."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from .xmltext import attributes, escape_attribute, escape_text, set_attribute, tag_prefix, unescape

RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELATIONSHIP_TYPE = RELATIONSHIPS_NS + "/"

WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
RELATIONSHIPS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "</Relationships>"
)


def _before_end(xml: str, element: str, inserted: str) -> str:
    """`inserted` placed just before the end of the element `element` (which may be empty)."""
    empty = re.search(rf"<([\w.-]+:)?{element}\b[^>]*?/>", xml)
    if empty is not None:
        opening = empty.group(0)[:-2].rstrip() + ">"
        closing = f"</{empty.group(1) or ''}{element}>"
        return xml[: empty.start()] + opening + inserted + closing + xml[empty.end() :]
    end = re.search(rf"</(?:[\w.-]+:)?{element}\s*>", xml)
    if end is None:
        raise ValueError(f"no {element} element")
    return xml[: end.start()] + inserted + xml[end.start() :]


# --- relationships --------------------------------------------------------------------------


def relationship_ids(xml: str) -> set[str]:
    return {
        attributes(m.group(0)).get("Id", "")
        for m in re.finditer(r"<(?:[\w.-]+:)?Relationship\b[^>]*>", xml)
    }


def new_id(taken: Collection[str]) -> str:
    """The first relationship id of the form rIdN not taken."""
    number = len(taken) + 1
    while f"rId{number}" in taken:
        number += 1
    return f"rId{number}"


def with_relationship(xml: str, rel_id: str, kind: str, target: str) -> str:
    """Relationships with one more, of type `kind` ("worksheet", "drawing", ...)."""
    prefix = tag_prefix(re.search(r"<[\w.:-]*Relationships\b", xml).group(0))  # type: ignore[union-attr]
    added = (
        f'<{prefix}Relationship Id="{rel_id}" Type="{_RELATIONSHIP_TYPE}{kind}" '
        f'Target="{escape_attribute(target)}"/>'
    )
    return _before_end(xml, "Relationships", added)


def without_relationships(xml: str, kinds: Collection[str]) -> tuple[str, list[str]]:
    """Relationships without those of these types, and the ids of those taken out."""
    removed: list[str] = []

    def drop(match: re.Match[str]) -> str:
        found = attributes(match.group(0))
        if found.get("Type", "").rpartition("/")[2] in kinds:
            removed.append(found.get("Id", ""))
            return ""
        return match.group(0)

    text = re.sub(
        r"<(?:[\w.-]+:)?Relationship\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?Relationship>)",
        drop,
        xml,
        flags=re.S,
    )
    return text, removed


def has_relationships(xml: str) -> bool:
    return re.search(r"<(?:[\w.-]+:)?Relationship\b", xml) is not None


# --- content types --------------------------------------------------------------------------


def with_content_types(xml: str, parts: Iterable[tuple[str, str]]) -> str:
    """Content types with an override for each new part (part name, content type)."""
    existing = {
        attributes(m.group(0)).get("PartName", "").lower()
        for m in re.finditer(r"<(?:[\w.-]+:)?Override\b[^>]*>", xml)
    }
    root = re.search(r"<[\w.:-]*Types\b", xml)
    prefix = tag_prefix(root.group(0)) if root else ""
    added = "".join(
        f'<{prefix}Override PartName="/{escape_attribute(part)}" ContentType="{kind}"/>'
        for part, kind in parts
        if f"/{part}".lower() not in existing
    )
    return _before_end(xml, "Types", added) if added else xml


def without_content_types(xml: str, parts: Collection[str]) -> str:
    """Content types without the overrides of parts taken out of the package."""
    gone = {f"/{part}".lower() for part in parts}

    def drop(match: re.Match[str]) -> str:
        return (
            "" if attributes(match.group(0)).get("PartName", "").lower() in gone else match.group(0)
        )

    return re.sub(r"<(?:[\w.-]+:)?Override\b[^>]*?/>", drop, xml)


# --- the workbook ---------------------------------------------------------------------------


def with_sheet(xml: str, name: str, rel_id: str) -> str:
    """workbook.xml listing one more sheet, last, with the next free sheet id."""
    sheets = re.findall(r"<(?:[\w.-]+:)?sheet\b[^>]*>", xml)
    next_id = 1 + max((int(attributes(s).get("sheetId", "0") or 0) for s in sheets), default=0)
    namespace = re.search(rf'xmlns:([\w.-]+)="{re.escape(RELATIONSHIPS_NS)}"', xml)
    if namespace is not None:
        reference = f'{namespace.group(1)}:id="{rel_id}"'
    else:
        reference = f'xmlns:r="{RELATIONSHIPS_NS}" r:id="{rel_id}"'
    container = re.search(r"<([\w.-]+:)?sheets\b", xml)
    prefix = (container.group(1) or "") if container else ""
    added = f'<{prefix}sheet name="{escape_attribute(name)}" sheetId="{next_id}" {reference}/>'
    return _before_end(xml, "sheets", added)


#: What follows the calculation settings in workbook.xml, in the format's order.
_AFTER_CALCULATION = (
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def with_full_calculation(xml: str) -> str:
    """workbook.xml asking for every formula to be calculated when the workbook is opened, so
    that formulas on the values partnersheet wrote show results that agree with them; unless
    the workbook says not to (`fullCalcOnLoad="0"`)."""
    found = re.search(r"<([\w.-]+:)?calcPr\b[^>]*?/?>", xml)
    if found is not None:
        if "fullCalcOnLoad" in attributes(found.group(0)):
            return xml
        tag = set_attribute(found.group(0), "fullCalcOnLoad", "1")
        return xml[: found.start()] + tag + xml[found.end() :]
    element = f'<{_workbook_prefix(xml)}calcPr fullCalcOnLoad="1"/>'
    return _insert_before(xml, element, _AFTER_CALCULATION)


def _workbook_prefix(xml: str) -> str:
    """The namespace prefix workbook.xml gives its elements ("x:", or none)."""
    root = re.search(r"<([\w.-]+:)?workbook\b", xml)
    return (root.group(1) or "") if root else ""


def _insert_before(xml: str, element: str, later: Sequence[str]) -> str:
    """workbook.xml with `element` inserted before the first of the `later` elements it
    has, or at the end of the workbook when it has none of them."""
    for name in later:
        place = re.search(rf"<(?:[\w.-]+:)?{name}\b", xml)
        if place is not None:
            return xml[: place.start()] + element + xml[place.start() :]
    end = re.search(r"</(?:[\w.-]+:)?workbook\s*>", xml)
    assert end is not None
    return xml[: end.start()] + element + xml[end.start() :]


_PRINT_AREA = "_xlnm.Print_Area"


def with_print_area(xml: str, title: str, reference: str) -> str:
    """workbook.xml with the print area of the sheet `title` set to `reference`: the entry
    the sheet had is replaced (a review owns the Review's print area), every other name is
    kept as it is."""
    sheets = [
        unescape(attributes(tag).get("name", ""))
        for tag in re.findall(r"<(?:[\w.-]+:)?sheet\b[^>]*>", xml)
    ]
    index = str(sheets.index(title))
    prefix = _workbook_prefix(xml)
    entry = (
        f'<{prefix}definedName name="{_PRINT_AREA}" localSheetId="{index}">'
        f"{escape_text(reference)}</{prefix}definedName>"
    )

    def ours(match: re.Match[str]) -> bool:
        found = attributes(match.group(1))
        return found.get("name") == _PRINT_AREA and found.get("localSheetId") == index

    names = re.compile(
        r"<(?:[\w.-]+:)?definedName\b([^>]*?)(?:/>|>.*?</(?:[\w.-]+:)?definedName\s*>)", re.S
    )
    if re.search(r"<(?:[\w.-]+:)?definedNames\b", xml):
        xml = names.sub(lambda m: "" if ours(m) else m.group(0), xml)
        return _before_end(xml, "definedNames", entry)
    element = f"<{prefix}definedNames>{entry}</{prefix}definedNames>"
    return _insert_before(xml, element, ("calcPr", *_AFTER_CALCULATION))


# --- the calculation chain ------------------------------------------------------------------


def pruned_calc_chain(
    xml: str, replaced: Collection[tuple[int, str]], whole_sheets: Collection[int]
) -> str | None:
    """The calculation chain without the entries of formulas partnersheet replaced (by sheet
    id and cell) or of sheets it wrote whole; the chain as it was when none of its entries
    go, and None when all of them do.

    An entry may leave out its sheet, meaning the sheet of the entry before; an entry after
    one taken out is given its sheet where that would otherwise change.
    """
    entries = list(re.finditer(r"<(?:[\w.-]+:)?c\b[^>]*?/>", xml))
    kept: list[str] = []
    sheet = 0
    last_kept_sheet = 0
    for entry in entries:
        found = attributes(entry.group(0))
        sheet = int(found.get("i", sheet) or sheet)
        if sheet in whole_sheets or (sheet, found.get("r", "")) in replaced:
            continue
        tag = entry.group(0)
        if "i" not in found and sheet != last_kept_sheet:
            tag = set_attribute(tag, "i", str(sheet))
        kept.append(tag)
        last_kept_sheet = sheet
    if len(kept) == len(entries):
        return xml
    if not kept:
        return None
    first, last = entries[0].start(), entries[-1].end()
    return xml[:first] + "".join(kept) + xml[last:]
