"""How wide text is in the Review's font, so its rows can be made as tall as their text.

The Review is written in Calibri 11 (LibreOffice draws it in Carlito, which has the same
widths). A column's width counts characters of "0"; Excel draws a column of width w as
7 × w pixels on a 96 dpi screen, and LibreOffice a little wider, so text laid out to fit
Excel's columns fits LibreOffice's too.
"""

from __future__ import annotations

import unicodedata

#: The advance width of each printable ASCII character (space to "~") in Calibri, in
#: thousandths of an em (the font's own metrics).
_ASCII_WIDTHS = (
    226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386,
    507, 507, 507, 507, 507, 507, 507, 507, 507, 507, 268, 268, 498, 498, 498, 463,
    894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520, 420, 855, 646, 662,
    517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498,
    291, 479, 525, 423, 525, 498, 305, 471, 525, 229, 239, 455, 229, 799, 525, 527,
    525, 525, 349, 391, 335, 525, 452, 715, 433, 453, 395, 314, 460, 314, 498,
)  # fmt: skip
_WIDTHS = {chr(32 + n): width for n, width in enumerate(_ASCII_WIDTHS)} | {
    "£": 507, "€": 507, "•": 498, "–": 498, "—": 905, "‘": 250, "’": 250, "“": 418,
    "”": 418, "…": 690, "×": 498, "·": 252,
}  # fmt: skip
#: Any other character: most letters of other scripts are about this wide, and a wide
#: (East Asian) character takes a whole em.
_OTHER_WIDTH = 600
_WIDE_WIDTH = 1000

#: Pixels in an em of 11-point text on a 96 dpi screen, and in a column width of one.
_EM_PIXELS = 11 * 96 / 72
_PIXELS_PER_WIDTH = 7
#: What a cell keeps clear of text, in pixels: a margin each side and a little to spare,
#: as a line that runs over would be cut off.
_CELL_MARGIN_PIXELS = 8


def _character_width(character: str) -> int:
    if (width := _WIDTHS.get(character)) is not None:
        return width
    base = unicodedata.normalize("NFD", character)[0]  # é is as wide as e
    if (width := _WIDTHS.get(base)) is not None:
        return width
    return _WIDE_WIDTH if unicodedata.east_asian_width(character) in "WF" else _OTHER_WIDTH


def text_pixels(text: str) -> float:
    """How wide `text` is in Calibri 11 on a 96 dpi screen, in pixels."""
    return _pixels(_units(text))


def _units(text: str) -> int:
    """How wide `text` is, in thousandths of an em."""
    return sum(map(_character_width, text))


def _pixels(units: int) -> float:
    return units * _EM_PIXELS / 1000


def room_for_text(width: float) -> float:
    """How wide, in pixels, a line of text in a cell `width` characters wide may be."""
    return width * _PIXELS_PER_WIDTH - _CELL_MARGIN_PIXELS


def wrap(text: str, width: float) -> list[str]:
    """`text` broken into the lines a cell `width` characters wide shows, between words as
    a spreadsheet breaks them (a word longer than a line is broken where the line ends).

    Each word is measured once: a line's width is the sum of its words' and spaces'."""
    room = room_for_text(width)
    if len(text) * _EM_PIXELS <= room and "\n" not in text:
        return [text]  # fits even if every character were as wide as "M": most cells
    space = _character_width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in paragraph.split(" "):
            size = _units(word)
            joined = used + space + size if line else size
            if _pixels(joined) <= room:
                line, used = (f"{line} {word}" if line else word), joined
                continue
            if line:
                lines.append(line)
            line, used = word, size
            while len(line) > 1 and _pixels(used) > room:
                cut = _fitting(line, room)
                lines.append(line[:cut])
                line = line[cut:]
                used = _units(line)
        lines.append(line)
    return lines


def _fitting(word: str, room: float) -> int:
    """How many of the word's first characters fit in `room` pixels (at least one)."""
    used = 0.0
    for count, character in enumerate(word):
        used += _character_width(character) * _EM_PIXELS / 1000
        if used > room:
            return max(1, count)
    return len(word)
