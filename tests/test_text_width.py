"""Breaking the Review's text into the lines a cell of a given width shows."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from partnersheet.core.text_width import room_for_text, text_pixels, wrap


def test_text_that_fits_is_one_line() -> None:
    assert wrap("Priya Shah", 24) == ["Priya Shah"]
    assert wrap("", 24) == [""]


def test_lines_break_between_words() -> None:
    text = "Tell them exactly which client you want introduced, with an example."
    # A cell 20 wide has 20 × 7 − 8 = 132 pixels for text; "Tell them exactly" takes 101,
    # and " which" would take it to 141.
    assert room_for_text(20) == 132
    assert wrap(text, 20) == [
        "Tell them exactly",
        "which client you want",
        "introduced, with an",
        "example.",
    ]


def test_a_word_longer_than_a_line_is_broken_where_the_line_ends() -> None:
    lines = wrap("W" * 40, 10)
    assert "".join(lines) == "W" * 40
    assert all(text_pixels(line) <= room_for_text(10) for line in lines)
    # 10 × 7 − 8 = 62 pixels: four W (13.05 pixels each) fit, five do not.
    assert lines == ["WWWW"] * 10


def test_each_paragraph_starts_a_line() -> None:
    assert wrap("one\ntwo", 40) == ["one", "two"]


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzWM.,£é漢", min_size=1, max_size=12)


@given(
    paragraph=st.lists(WORDS, min_size=1, max_size=30).map(" ".join),
    width=st.sampled_from((7, 9, 12, 24, 46)),
)
@settings(max_examples=300, deadline=None)
def test_lines_are_filled_greedily_and_lose_nothing(paragraph: str, width: float) -> None:
    room = room_for_text(width)
    lines = wrap(paragraph, width)
    assert all(text_pixels(line) <= room or len(line) == 1 for line in lines)
    # Nothing is lost: the lines hold the words in order (a long word split across lines).
    assert "".join(lines).replace(" ", "") == paragraph.replace(" ", "")
    if any(text_pixels(word) > room for word in paragraph.split(" ")):
        return  # a word was split: the lines are checked above
    # Whole words only: the lines are the words, and greedy, as a spreadsheet wraps them (the
    # next line's first word would not have fitted on the line before).
    assert " ".join(lines) == paragraph
    for line, following in itertools.pairwise(lines):
        assert text_pixels(f"{line} {following.split(' ')[0]}") > room
