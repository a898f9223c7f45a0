"""The workbook's cell styles (xl/styles.xml), to which a review only adds.

A cell's style is an index into the list of cell formats (`cellXfs`); each format points into
the lists of number formats, fonts, fills and borders. partnersheet never changes or removes
an entry, so every index the workbook already uses keeps its meaning: a look it needs is
found among the entries there are, or added at the end of its list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .xmltext import attributes, canonical, escape_attribute, set_attribute, tag_prefix

#: The number formats Excel has built in, by their codes, for those partnersheet uses.
_BUILT_IN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
#: The first id a workbook's own number format may have.
_FIRST_OWN_FORMAT = 164

#: The lists of styles.xml, in the order the format requires them.
_LISTS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")
_AFTER_LISTS = ("cellStyles", "dxfs", "tableStyles", "colors", "extLst")
_ITEM = {
    "numFmts": "numFmt",
    "fonts": "font",
    "fills": "fill",
    "borders": "border",
    "cellXfs": "xf",
}

#: styles.xml for a workbook that has none: one font, the two fills Excel reserves, one border.
EMPTY_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Look:
    """What partnersheet sets of a cell's look; None leaves that part as it was.

    `font`, `fill` and `border` are whole elements (`<font>...</font>`), written without a
    namespace prefix; `alignment` is the attributes of `<alignment>` ("" for none).
    """

    number_format: str | None = None
    font: str | None = None
    fill: str | None = None
    border: str | None = None
    alignment: str | None = None


@dataclass
class _List:
    """One list of styles.xml: where it is, and its entries as written."""

    name: str
    #: The prefix its elements are written with ("x:" or "").
    prefix: str
    entries: list[str]
    #: The entries' canonical forms, for finding one that is already there.
    known: dict[str, int]
    added: int = 0


class StyleBook:
    """The styles of one workbook, read once; `xf` finds or adds the cell formats needed, and
    `xml` gives styles.xml with what was added (or unchanged, when nothing was)."""

    def __init__(self, xml: str) -> None:
        self.source = xml
        self.lists = {name: self._read_list(name) for name in _ITEM}
        self.formats = {
            attributes(entry).get("formatCode", ""): int(attributes(entry).get("numFmtId", "0"))
            for entry in self.lists["numFmts"].entries
        }
        self.derived: dict[tuple[int, Look], int] = {}

    def _read_list(self, name: str) -> _List:
        found = re.search(
            rf"<([\w.-]+:)?{name}\b[^>]*?(/>|>(.*?)</(?:[\w.-]+:)?{name}>)", self.source, re.S
        )
        prefix = (found.group(1) or "") if found else _prefix_of(self.source)
        inner = found.group(3) or "" if found else ""
        item = _ITEM[name]
        entries = [
            m.group(0)
            for m in re.finditer(
                rf"<(?:[\w.-]+:)?{item}\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?{item}>)", inner, re.S
            )
        ]
        known: dict[str, int] = {}
        for index, entry in enumerate(entries):
            known.setdefault(canonical(entry), index)
        return _List(name, prefix, entries, known)

    def _index(self, name: str, element: str) -> int:
        """The entry's index in the list: the first equal one there, or a new one at the end."""
        found = self.lists[name]
        key = canonical(element)
        if key not in found.known:
            if name == "fills":
                # Excel keeps the first two fills for itself: pad a shorter list first.
                for reserved in ("none", "gray125")[len(found.entries) :]:
                    self._append(found, f'<fill><patternFill patternType="{reserved}"/></fill>')
            self._append(found, element)
        return found.known[key]

    def _append(self, found: _List, element: str) -> None:
        written = _with_prefix(element, found.prefix)
        found.known.setdefault(canonical(written), len(found.entries))
        found.entries.append(written)
        found.added += 1

    def number_format_id(self, code: str) -> int:
        if code in _BUILT_IN_FORMATS:
            return _BUILT_IN_FORMATS[code]
        if code not in self.formats:
            number = max([_FIRST_OWN_FORMAT - 1, *self.formats.values()]) + 1
            self.formats[code] = number
            self._append(
                self.lists["numFmts"],
                f'<numFmt numFmtId="{number}" formatCode="{escape_attribute(code)}"/>',
            )
        return self.formats[code]

    def xf(self, base: int, look: Look) -> int:
        """The cell format that is format `base` with `look` set on it."""
        key = (base, look)
        if key not in self.derived:
            self.derived[key] = self._index("cellXfs", self._derive(base, look))
        return self.derived[key]

    def _derive(self, base: int, look: Look) -> str:
        formats = self.lists["cellXfs"].entries
        source = (
            _without_prefix(formats[base], self.lists["cellXfs"].prefix)
            if 0 <= base < len(formats)
            else '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        )
        start = re.match(r"<[^>]*?/?>", source)
        assert start is not None
        tag = start.group(0)
        inner = source[len(tag) :].rpartition("<")[0] if not tag.endswith("/>") else ""
        settings: list[tuple[str, str, str]] = []
        if look.number_format is not None:
            settings.append(
                ("numFmtId", str(self.number_format_id(look.number_format)), "applyNumberFormat")
            )
        for name, part, element in (
            ("fontId", "fonts", look.font),
            ("fillId", "fills", look.fill),
            ("borderId", "borders", look.border),
        ):
            if element is not None:
                apply = "apply" + name[:-2].capitalize()
                settings.append((name, str(self._index(part, element)), apply))
        for name, value, apply in settings:
            tag = set_attribute(set_attribute(tag, name, value), apply, "1")
        if look.alignment is not None:
            inner = re.sub(
                r"<(?:[\w.-]+:)?alignment\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?alignment>)",
                "",
                inner,
                flags=re.S,
            )
            if look.alignment:
                prefix = tag_prefix(tag)
                inner = f"<{prefix}alignment {look.alignment}/>" + inner
            tag = set_attribute(tag, "applyAlignment", "1" if look.alignment else "0")
        prefix = tag_prefix(tag)
        if not inner:
            return tag if tag.endswith("/>") else tag[:-1] + "/>"
        if tag.endswith("/>"):
            tag = tag[:-2].rstrip() + ">"
        return f"{tag}{inner}</{prefix}xf>"

    def xml(self) -> str:
        """styles.xml with every entry added, each list's count kept right."""
        text = self.source
        for name in _LISTS:
            found = self.lists.get(name)
            if found is None or not found.added:
                continue
            text = _replace_list(text, found)
        return text

    @property
    def changed(self) -> bool:
        return any(found.added for found in self.lists.values())


def _prefix_of(xml: str) -> str:
    root = re.search(r"<([\w.-]+:)?styleSheet\b", xml)
    return (root.group(1) or "") if root else ""


def _without_prefix(element: str, prefix: str) -> str:
    """An element of a list written with the list's prefix, written without it (its
    extensions keep theirs)."""
    if not prefix:
        return element
    return re.sub(rf"<(/?){re.escape(prefix)}(?=[A-Za-z])", r"<\1", element)


def _with_prefix(element: str, prefix: str) -> str:
    """An element written without prefixes, given the list's prefix."""
    if not prefix:
        return element
    return re.sub(r"<(/?)(?=[A-Za-z])", rf"<\1{prefix}", element)


def _replace_list(text: str, found: _List) -> str:
    """styles.xml with one list written out whole: its entries and its count."""
    name, prefix = found.name, found.prefix
    body = "".join(found.entries)
    existing = re.search(
        rf"<(?:[\w.-]+:)?{name}\b[^>]*?(/>|>.*?</(?:[\w.-]+:)?{name}>)", text, re.S
    )
    if existing is not None:
        start = re.match(r"<[^>]*?/?>", existing.group(0))
        assert start is not None
        tag = set_attribute(start.group(0), "count", str(len(found.entries)))
        if tag.endswith("/>"):
            tag = tag[:-2].rstrip() + ">"
        return text[: existing.start()] + f"{tag}{body}</{prefix}{name}>" + text[existing.end() :]
    element = f'<{prefix}{name} count="{len(found.entries)}">{body}</{prefix}{name}>'
    following = _LISTS[_LISTS.index(name) + 1 :] + _AFTER_LISTS
    for later in following:
        place = re.search(rf"<(?:[\w.-]+:)?{later}\b", text)
        if place is not None:
            return text[: place.start()] + element + text[place.start() :]
    end = re.search(r"</(?:[\w.-]+:)?styleSheet>", text)
    assert end is not None
    return text[: end.start()] + element + text[end.start() :]
