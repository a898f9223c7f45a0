"""The workbook's shared strings (xl/sharedStrings.xml), to which a review only adds.

Text partnersheet writes goes into this table, as Excel's own text does: a text that is
already there (as plain text) is used again, any other is added at the end, so every index
the workbook's cells use keeps its meaning.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from .xmltext import escape_text, set_attribute, tag_prefix

#: A shared strings part for a workbook that has none.
EMPTY_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" '
    'uniqueCount="0"></sst>'
)


class StringTable:
    """The shared strings of one workbook: `index` gives a text's place, adding it when it
    is new; `xml` gives the part with what was added."""

    def __init__(self, xml: str, strings: Sequence[str], formatted: Collection[int]) -> None:
        self.source = xml
        #: Each plain text's first place (formatted texts are not used again for plain ones).
        self.places: dict[str, int] = {}
        for place, text in enumerate(strings):
            if place not in formatted:
                self.places.setdefault(text, place)
        self.size = len(strings)
        self.added: list[str] = []
        self.references = 0

    def index(self, text: str) -> int:
        place = self.places.get(text)
        if place is None:
            place = self.places[text] = self.size + len(self.added)
            self.added.append(text)
        self.references += 1
        return place

    @property
    def changed(self) -> bool:
        return bool(self.added)

    def xml(self) -> str:
        """The part with every text added at its end, and its counts raised."""
        root = re.search(r"<([\w.-]+:)?sst\b[^>]*?/?>", self.source)
        if root is None:
            raise ValueError("no shared strings table")
        prefix = tag_prefix(root.group(0))
        items = "".join(_item(text, prefix) for text in self.added)
        unique = self.size + len(self.added)
        count = re.search(r"""\bcount\s*=\s*["'](\d+)["']""", root.group(0))
        total = (int(count.group(1)) if count else self.size) + self.references
        tag = set_attribute(
            set_attribute(root.group(0), "uniqueCount", str(unique)), "count", str(total)
        )
        if tag.endswith("/>"):
            opened = tag[:-2].rstrip() + ">"
            return (
                self.source[: root.start()]
                + opened
                + items
                + f"</{prefix}sst>"
                + self.source[root.end() :]
            )
        end = re.search(r"</(?:[\w.-]+:)?sst\s*>", self.source)
        assert end is not None
        return (
            self.source[: root.start()]
            + tag
            + self.source[root.end() : end.start()]
            + items
            + self.source[end.start() :]
        )


def _item(text: str, prefix: str) -> str:
    written = escape_text(text)
    space = ' xml:space="preserve"' if written != written.strip() else ""
    return f"<{prefix}si><{prefix}t{space}>{written}</{prefix}t></{prefix}si>"
