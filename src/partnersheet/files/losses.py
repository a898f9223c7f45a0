"""Look inside a workbook's zip package before openpyxl does.

It finds, on the raw parts and without building a workbook, what openpyxl would drop when it
saves the workbook (text boxes, sparklines, threaded comments, slicers...), so that a review
in place can refuse instead of losing it. (The zip-bomb check, which every read needs, is
`xlsx.check_package`; this module is imported only by a review in place.)

Big parts (sheets, shared strings, VML) are read in chunks and searched for byte patterns
with bounded searches, so a workbook of 100,000 rows (a 57 MB sheet) is scanned in about
half a second, and no file can make a search slow; small parts (relationships, content
types) are read whole, and drawings are parsed with defusedxml.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..core.model import join_and
from ..errors import PartnersheetError, UnreadableWorkbook

#: Bytes read from a big part at a time.
_CHUNK = 4 * 1024 * 1024
#: Bytes kept from the end of one chunk to search again with the next, so that a pattern cut
#: in two by the chunk boundary is still found. Longer than any cell's start tag.
_OVERLAP = 4096
#: The most read of a small part (content types, relationships, workbook.xml).
_SMALL_PART = 16 * 1024 * 1024
#: The longest a start tag is taken to be when looking for one around a match.
_LONGEST_TAG = 4096
#: The longest a comment's shape in a VML drawing is taken to be; a comment holds at most
#: 32,767 characters, so a longer one is damaged and is not looked at.
_LONGEST_SHAPE = 16 * 1024 * 1024


class WouldLoseContent(PartnersheetError):
    """Saving the workbook in place would drop things openpyxl cannot keep."""


# --- what openpyxl would lose ---------------------------------------------------------------

SHAPES = "text boxes or shapes"
OTHER_DRAWINGS = "SmartArt, newer chart types or other drawn objects"
CELL_PICTURES = "pictures placed in cells (or linked data types)"
SPARKLINES = "sparklines"
THREADED_COMMENTS = "threaded comments"
SLICERS = "slicers"
TIMELINES = "timelines"
CONDITIONAL_2010 = "Excel 2010 conditional formatting (such as solid or bordered data bars)"
VALIDATION_2010 = "data validation kept in the Excel 2010 form"
OTHER_SHEET_EXTENSIONS = "other newer Excel sheet features"
RICH_TEXT = "text formatted within a cell (rich text)"
COMMENT_SIZES = "resized comment boxes"
DYNAMIC_ARRAYS = "dynamic array formulas"
CUSTOM_XML = "custom XML data"

#: The order kinds are listed in.
KINDS: tuple[str, ...] = (
    SHAPES,
    OTHER_DRAWINGS,
    CELL_PICTURES,
    SPARKLINES,
    THREADED_COMMENTS,
    SLICERS,
    TIMELINES,
    CONDITIONAL_2010,
    VALIDATION_2010,
    OTHER_SHEET_EXTENSIONS,
    RICH_TEXT,
    COMMENT_SIZES,
    DYNAMIC_ARRAYS,
    CUSTOM_XML,
)


@dataclass(frozen=True, order=True)
class Loss:
    """Something openpyxl would drop on saving, and the sheet it is on when that is known."""

    kind: str
    sheet: str | None = None


#: Extensions of a worksheet (its <extLst>), by URI: openpyxl drops the whole list.
_SHEET_EXTENSIONS = {
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": CONDITIONAL_2010,
    "{B025F937-C7B1-47D3-B67F-A62EFF666E3E}": CONDITIONAL_2010,  # a rule's link to the above
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": VALIDATION_2010,
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": SPARKLINES,
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": SLICERS,
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": SLICERS,
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": TIMELINES,
}
#: Parts openpyxl does not carry over, by content type.
_PART_KINDS = {
    "application/vnd.ms-excel.threadedcomments+xml": THREADED_COMMENTS,
    "application/vnd.ms-excel.slicer+xml": SLICERS,
    "application/vnd.ms-excel.timeline+xml": TIMELINES,
    "application/vnd.ms-excel.rdrichvalue+xml": CELL_PICTURES,
    "application/vnd.openxmlformats-officedocument.customxmlproperties+xml": CUSTOM_XML,
}
#: The same parts by where Excel puts them, for a package whose content types are incomplete.
_FOLDER_KINDS = {
    "xl/threadedcomments/": THREADED_COMMENTS,
    "xl/slicers/": SLICERS,
    "xl/timelines/": TIMELINES,
    "xl/richdata/": CELL_PICTURES,
    "customxml/": CUSTOM_XML,
}
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_MACRO_WORKSHEET = "application/vnd.ms-excel.worksheet"
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedstrings+xml"
_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
_CHART_SHAPES = "application/vnd.openxmlformats-officedocument.drawingml.chartshapes+xml"
_VML = "application/vnd.openxmlformats-officedocument.vmldrawing"
_CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def find_losses(path: Path) -> list[Loss]:
    """What openpyxl would drop if this workbook were loaded and saved.

    `path` must already have passed `xlsx.identify`. Raises `UnreadableWorkbook` when a part
    cannot be read or holds XML with entity declarations.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return sorted(_Scan(archive, path.name).run(), key=_order)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise UnreadableWorkbook(
            f"{path.name} is damaged (a part cannot be unpacked: {error}); open it in Excel "
            "to repair it, or use a backup."
        ) from None


def _order(loss: Loss) -> tuple[int, str]:
    return KINDS.index(loss.kind), loss.sheet or ""


def refuse_losses(path: Path) -> None:
    """Raise `WouldLoseContent` when saving `path` in place would drop anything."""
    losses = find_losses(path)
    if losses:
        raise WouldLoseContent(loss_message(path.name, losses))


def loss_message(name: str, losses: Iterable[Loss]) -> str:
    """One sentence: what would be lost, where, and the two ways on."""
    sheets: dict[str, list[str]] = {}
    for loss in losses:
        found = sheets.setdefault(loss.kind, [])
        if loss.sheet is not None and loss.sheet not in found:
            found.append(loss.sheet)
    items = []
    for kind in sorted(sheets, key=KINDS.index):
        titles = sheets[kind]
        if not titles:
            items.append(kind)
            continue
        shown = titles if len(titles) <= 3 else [*titles[:3], f"{len(titles) - 3} more"]
        label = "sheet" if len(titles) == 1 else "sheets"
        items.append(f"{kind} on {label} {join_and(shown)}")
    return (
        f"{name} holds {join_and(items)}, which partnersheet cannot keep when it saves the "
        "workbook; write the review to a copy with --output and this file stays as it is, or "
        "run again with --accept-loss to review it in place without them."
    )


# --- reading the package ----------------------------------------------------------------------

_TAG = re.compile(r"<(?:[\w.-]+:)?(Override|Default|Relationship|sheet)\b([^<>]{0,10000}+)>")
_ATTRIBUTE = re.compile(r"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _referenced(match: re.Match[str]) -> str:
    hexadecimal, decimal, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return chr(code) if code <= 0x10FFFF else match[0]


def _unescape(value: str) -> str:
    """An attribute's value with XML's five named and its numeric references replaced.

    (Written here because xml.sax.saxutils, which has one for the named ones, imports
    urllib.request, and with it http, email and ssl: a fifth of a small review's start-up.)
    """
    return _REFERENCE.sub(_referenced, value) if "&" in value else value


def _attributes(text: str) -> dict[str, str]:
    """A tag's attributes by local name (`r:id` is `id`), values unescaped."""
    found = {}
    for match in _ATTRIBUTE.finditer(text):
        value = match[2] if match[2] is not None else match[3]
        found[match[1].rpartition(":")[2]] = _unescape(value)
    return found


def _tags(text: str, name: str) -> Iterator[dict[str, str]]:
    for match in _TAG.finditer(text):
        if match[1] == name:
            yield _attributes(match[2])


def _rels_part(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


class _Scan:
    """One look through a package: which parts there are, whose they are, what they hold."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive = archive
        self.name = name
        # OPC part names are case-insensitive: look parts up by their lower-case name.
        self.parts = {info.filename.lower(): info.filename for info in archive.infolist()}
        self.types = self._content_types()
        self.losses: set[Loss] = set()

    # The package's structure.

    def _read(self, part: str) -> str:
        actual = self.parts.get(part.lower())
        if actual is None:
            return ""
        with self.archive.open(actual) as stream:
            return stream.read(_SMALL_PART).decode("utf-8", "replace")

    def _content_types(self) -> dict[str, str]:
        text = self._read("[Content_Types].xml")
        defaults = {
            a.get("Extension", "").lower(): a.get("ContentType", "").lower()
            for a in _tags(text, "Default")
        }
        types = {}
        for part in self.parts:
            types[part] = defaults.get(posixpath.splitext(part)[1].lstrip("."), "")
        for override in _tags(text, "Override"):
            part = override.get("PartName", "").lstrip("/").lower()
            if part in types:
                types[part] = override.get("ContentType", "").lower()
        return types

    def _relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, target part) of each internal relationship of `part`."""
        found = []
        for rel in _tags(self._read(_rels_part(part)), "Relationship"):
            if rel.get("TargetMode", "").lower() == "external":
                continue
            target = unquote(rel.get("Target", "")).replace("\\", "/")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            found.append((rel.get("Id", ""), rel.get("Type", ""), resolved.lower()))
        return found

    def _sheets(self) -> list[tuple[str, str]]:
        """(title, part) of each sheet, in the workbook's order."""
        workbook = "xl/workbook.xml"
        for _, kind, target in self._relationships(""):
            if kind.endswith("/officeDocument"):
                workbook = target
        targets = {rel_id: target for rel_id, _, target in self._relationships(workbook)}
        sheets = []
        for sheet in _tags(self._read(workbook), "sheet"):
            found = targets.get(sheet.get("id", ""))
            if found is not None and found in self.parts:
                sheets.append((sheet.get("name", "?"), found))
        return sheets

    def _owners(self, sheets: list[tuple[str, str]]) -> dict[str, str]:
        """The sheet each part hangs from (drawing, comments, chart, a chart's shapes...)."""
        owners: dict[str, str] = {}
        for title, part in sheets:
            owners.setdefault(part, title)
            frontier = [part]
            for _ in range(3):  # sheet → drawing → chart → the chart's own shapes
                following = []
                for source in frontier:
                    for _, _, target in self._relationships(source):
                        if target in self.parts and target not in owners:
                            owners[target] = title
                            following.append(target)
                frontier = following
        return owners

    def _add(self, kind: str, sheet: str | None) -> None:
        self.losses.add(Loss(kind, sheet))

    # The scan.

    def run(self) -> set[Loss]:
        sheets = self._sheets()
        owners = self._owners(sheets)
        for part, content_type in self.types.items():
            kind = _PART_KINDS.get(content_type) or next(
                (k for folder, k in _FOLDER_KINDS.items() if part.startswith(folder)), None
            )
            if kind is not None:
                self._add(kind, owners.get(part))
            elif content_type in (_DRAWING, _CHART_SHAPES):
                for found in self._drawing(part):
                    self._add(found, owners.get(part))
            elif (content_type == _VML or part.endswith(".vml")) and self._resized_comments(part):
                self._add(COMMENT_SIZES, owners.get(part))
        rich = self._rich_strings()
        for title, part in sheets:
            if self.types.get(part) in (_WORKSHEET, _MACRO_WORKSHEET) or (
                part.startswith("xl/worksheets/") and part.endswith(".xml")
            ):
                for found in self._sheet(part, rich):
                    self._add(found, title)
        # Pictures in cells are named by the sheets holding them once those are known.
        if any(loss.kind == CELL_PICTURES and loss.sheet for loss in self.losses):
            self.losses.discard(Loss(CELL_PICTURES, None))
        return self.losses

    def _chunks(self, part: str) -> Iterator[bytes]:
        """The part's bytes, a chunk at a time, each starting with the last bytes of the one
        before (see `_OVERLAP`)."""
        tail = b""
        with self.archive.open(self.parts[part]) as stream:
            while chunk := stream.read(_CHUNK):
                data = tail + chunk
                yield data
                tail = data[-_OVERLAP:]

    # Worksheets.

    def _sheet(self, part: str, rich: frozenset[int]) -> set[str]:
        found: set[str] = set()
        extensions = False
        look_for_rich = bool(rich)
        for data in self._chunks(part):
            for attribute in _cell_attributes(data):
                found.add(DYNAMIC_ARRAYS if attribute == b"c" else CELL_PICTURES)
            if _INLINE_RICH.search(data):
                found.add(RICH_TEXT)
            if look_for_rich and not rich.isdisjoint(map(int, _SHARED_CELL.findall(data))):
                found.add(RICH_TEXT)
                look_for_rich = False
            start = 0
            if not extensions:
                start = data.find(b"extLst")
                extensions = start >= 0
            if extensions:
                for match in _EXTENSION.finditer(data, max(start, 0)):
                    uri = match[1].decode("ascii", "replace").upper()
                    found.add(_SHEET_EXTENSIONS.get(uri, OTHER_SHEET_EXTENSIONS))
        return found

    def _rich_strings(self) -> frozenset[int]:
        """The numbers of the shared strings that hold formatted runs."""
        parts = [p for p, t in self.types.items() if t == _SHARED_STRINGS]
        if not parts and "xl/sharedstrings.xml" in self.parts:
            parts = ["xl/sharedstrings.xml"]
        rich: set[int] = set()
        for part in parts:
            index = -1
            inside = False
            pending = b""
            with self.archive.open(self.parts[part]) as stream:
                while chunk := stream.read(_CHUNK):
                    data = pending + chunk
                    # Only whole tags are read; a tag cut by the chunk's end waits for the next.
                    cut = data.rfind(b"<")
                    if cut >= 0 and data.find(b">", cut) < 0:
                        data, pending = data[:cut], data[cut:]
                        if len(pending) > _LONGEST_TAG:
                            pending = b""  # no tag is that long: damaged, not carried on
                    else:
                        pending = b""
                    if b":si" not in data and not any(run in data for run in _RUN_STARTS):
                        # No formatted run here: only count the strings (the usual case).
                        index += sum(data.count(tag) for tag in (b"<si>", b"<si ", b"<si/>"))
                        opened, closed = data.rfind(b"<si"), data.rfind(b"</si>")
                        if opened > closed:
                            inside = not data.startswith(b"<si/>", opened)
                        elif closed > opened:
                            inside = False
                        continue
                    for match in _STRING_TAG.finditer(data):
                        closing, tag, empty = match[1], match[2], match[3]
                        if tag == b"si":
                            if closing:
                                inside = False
                            else:
                                index += 1
                                inside = not empty
                        elif inside and not closing:
                            rich.add(index)
        return frozenset(rich)

    # Drawings.

    def _drawing(self, part: str) -> set[str]:
        found: set[str] = set()
        depth = 0
        fallback = 0
        # The drawn object being read: its tag, depth, whether it only mirrors a form
        # control kept in VML, and what its graphic frame holds.
        current: tuple[str, int] | None = None
        mirror = False
        graphic = ""
        try:
            with self.archive.open(self.parts[part]) as stream:
                for event, element in iterparse(stream, ("start", "end"), forbid_dtd=True):
                    tag = element.tag.rpartition("}")[2]
                    if event == "start":
                        depth += 1
                        if tag == "Fallback":
                            fallback += 1
                        elif fallback:
                            pass
                        elif current is None and tag in _DRAWN:
                            current, mirror, graphic = (tag, depth), False, ""
                        elif current is not None and tag == "compatExt":
                            mirror = True
                        elif current is not None and tag == "graphicData":
                            graphic = element.get("uri", "")
                        continue
                    if tag == "Fallback":
                        fallback -= 1
                    elif current is not None and current == (tag, depth):
                        kind = _drawn_kind(tag, graphic)
                        if kind is not None and not mirror:
                            found.add(kind)
                        current = None
                        element.clear()
                    elif tag.endswith("Anchor"):
                        element.clear()
                    depth -= 1
        except DefusedXmlException:
            raise UnreadableWorkbook(
                f"{self.name} contains XML with entity or document-type declarations in "
                f"{self.parts[part]}, which partnersheet refuses for safety; open it in Excel, "
                "save it as a new workbook, and use that."
            ) from None
        except ParseError:
            pass  # damaged: loading the workbook says so, or openpyxl drops it either way
        return found

    # Comments' boxes.

    def _resized_comments(self, part: str) -> bool:
        """Whether a comment's box in this VML drawing was resized far from the default.

        VML is often not well-formed XML, so it is searched, not parsed: each closing
        `</v:shape>` ends the shape opened last before it. Every character is looked at a
        bounded number of times, whatever the part holds.
        """
        pending = ""
        with self.archive.open(self.parts[part]) as stream:
            while chunk := stream.read(_CHUNK):
                text = pending + chunk.decode("latin-1")
                end = 0
                for close in _VML_SHAPE_END.finditer(text):
                    starts = list(_VML_SHAPE_START.finditer(text, end, close.start()))
                    end = close.end()
                    if not starts:
                        continue
                    shape = text[starts[-1].end() : close.start()]
                    tag_end = shape.find(">", 0, _LONGEST_TAG)
                    if tag_end >= 0 and _NOTE.search(shape) and _resized(shape[:tag_end]):
                        return True
                rest = text[end:]
                # Keep an unfinished shape for the next chunk, unless it is absurdly long.
                unfinished = [m.start() for m in _VML_SHAPE_START.finditer(rest)]
                pending = rest[unfinished[-1] :] if unfinished else rest[-256:]
                if len(pending) > _LONGEST_SHAPE:
                    pending = ""
        return False


def _cell_attributes(data: bytes) -> set[bytes]:
    """Which of a cell's metadata attributes, `cm` (c) and `vm` (v), appear in the start tag
    of a cell (`<c ...>`) rather than in some text."""
    found: set[bytes] = set()
    for kind, attribute in ((b"c", b' cm="'), (b"v", b' vm="')):
        at = data.find(attribute)
        while at >= 0:
            opened = data.rfind(b"<", max(0, at - _LONGEST_TAG), at)
            if opened >= 0 and data.find(b">", opened, at) < 0 and _CELL_TAG.match(data, opened):
                found.add(kind)
                break
            # Any later match before the next tag is in the same place: skip them all.
            following = data.find(b"<", at)
            at = data.find(attribute, following) if following >= 0 else -1
    return found


_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\s")
# Repeats are bounded (a tag is never long), so that no file can make a search slow.
_INLINE_RICH = re.compile(rb"is>\s{0,100}+<(?:[\w.-]+:)?r[\s>]")
_SHARED_CELL = re.compile(
    rb' t="s"[^<>]{0,100}+>\s{0,100}+<(?:[\w.-]+:)?v>\s{0,100}+(\d{1,12})\s{0,100}+<'
)
_EXTENSION = re.compile(
    rb"<(?:[\w.-]+:)?ext\s[^<>]{0,2000}?\buri\s{0,10}+=\s{0,10}+[\"']([^\"'<>]{0,200}+)[\"']"
)
_STRING_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(si|r)\b[^<>]{0,1000}?(/?)>")
#: How a formatted run of a shared string starts, with or without a namespace prefix.
_RUN_STARTS = (b"<r>", b"<r ", b":r>", b":r ")
_DRAWN = frozenset({"sp", "grpSp", "cxnSp", "contentPart", "graphicFrame", "pic"})
_VML_SHAPE_START = re.compile(r"<(?:[\w.-]+:)?shape\b")
_VML_SHAPE_END = re.compile(r"</(?:[\w.-]+:)?shape\s*>")
_NOTE = re.compile(r"ObjectType\s*=\s*[\"']Note[\"']")
_STYLE = re.compile(r"\bstyle\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_LENGTH = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([\d.]+)\s*(pt|px|in|cm|mm)?", re.IGNORECASE)
#: Points per unit of a VML length; a bare number is in pixels.
_POINTS = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "": 0.75}
#: Excel's default comment box, which openpyxl writes for every comment: 108 × 59.25 pt.
_DEFAULT_BOX = {"width": 108.0, "height": 59.25}


def _drawn_kind(tag: str, graphic: str) -> str | None:
    """What openpyxl loses of one drawn object, or None when it keeps it."""
    if tag == "pic":
        return None
    if tag != "graphicFrame":
        return SHAPES
    if graphic == _CHART_URI:
        return None
    if "timeslicer" in graphic:
        return TIMELINES
    if "slicer" in graphic:
        return SLICERS
    return OTHER_DRAWINGS


def _resized(attributes: str) -> bool:
    """Whether a comment box's size is far from the default one openpyxl would give it.

    XlsxWriter's default box (96 × 55.5 pt) is close enough: openpyxl's change to it is
    not a loss anyone would notice.
    """
    style = _STYLE.search(attributes)
    if style is None:
        return False
    for match in _LENGTH.finditer(style[1] if style[1] is not None else style[2]):
        try:
            points = float(match[2]) * _POINTS[(match[3] or "").lower()]
        except ValueError:
            continue
        ratio = points / _DEFAULT_BOX[match[1].lower()]
        if not 0.75 <= ratio <= 1.34:
            return True
    return False
