"""Small pieces of XML as text: escaping values, and reading or changing one start tag.

partnersheet edits the parts of a workbook it owns as text, so that everything else in them
(namespace prefixes, attribute order, extensions it does not know) stays exactly as it was.
"""

from __future__ import annotations

import re

#: The characters XML 1.0 cannot hold; the workbook format writes them as _xHHHH_.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Text that reads as such an escape, which must itself be escaped to survive.
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _escape_unwritable(text: str) -> str:
    text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    return _UNWRITABLE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def escape_text(text: str) -> str:
    """Text as the content of an element."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _escape_unwritable(text)


def escape_attribute(text: str) -> str:
    """Text as the value of an attribute in double quotes."""
    text = escape_text(text).replace('"', "&quot;")
    return text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _referenced(match: re.Match[str]) -> str:
    hexadecimal, decimal, named = match.groups()
    if named:
        return _NAMED[named]
    return chr(int(hexadecimal, 16) if hexadecimal else int(decimal))


def unescape(text: str) -> str:
    """An attribute's or element's text with its character references read."""
    return _REFERENCE.sub(_referenced, text) if "&" in text else text


def attributes(tag: str) -> dict[str, str]:
    """The attributes of a start tag, by their names as written (with any prefix)."""
    return {m.group(1): unescape(m.group(2) or m.group(3) or "") for m in _ATTRIBUTE.finditer(tag)}


def tag_prefix(tag: str) -> str:
    """The namespace prefix of a start tag, with its colon ("x:"), or ""."""
    name = re.match(r"</?([\w.-]+:)?", tag)
    return name.group(1) or "" if name else ""


def set_attribute(tag: str, name: str, value: str) -> str:
    """A start tag with one attribute set: changed where it is, or added at its end."""
    pattern = re.compile(rf"""(\s{re.escape(name)}\s*=\s*)(?:"[^"]*"|'[^']*')""")
    quoted = f'"{escape_attribute(value)}"'
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + quoted, tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f"{tag[:end].rstrip()} {name}={quoted}{tag[end:]}"


def canonical(element: str) -> str:
    """An element's text in one form, whatever prefixes, attribute order, quotes and white
    space between tags it was written with: for telling whether two elements are the same."""

    def tag(match: re.Match[str]) -> str:
        closing, name, rest, empty = match.groups()
        local = name.rpartition(":")[2]
        if closing:
            return f"</{local}>"
        pairs = sorted(
            (key, value) for key, value in attributes(rest).items() if not key.startswith("xmlns")
        )
        written = "".join(f' {key}="{escape_attribute(value)}"' for key, value in pairs)
        return f"<{local}{written}{'/' if empty else ''}>"

    text = re.sub(r">\s+<", "><", element.strip())
    return re.sub(r"<(/?)([\w:.-]+)((?:\s[^<>]*?)?)(/?)>", tag, text)
