"""The values partnersheet works with: plain, frozen, free of any spreadsheet library."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import Enum
from itertools import repeat
from typing import TypeVar

#: What a cell can hold once an adapter has read it.
CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

#: The defined name of the cell where a review reports how it went (the macro-enabled
#: workbook has one on its Partners sheet); a workbook without it gets no status.
STATUS_NAME = "PartnersheetStatus"


class _Enum(Enum):
    """An Enum hashed by identity, which equality already is for members.

    Enum hashes a member by hashing its name in Python; ingredients and bands are looked up
    in dicts hundreds of thousands of times in a large review.
    """

    __hash__ = object.__hash__


class Ingredient(_Enum):
    """The seven ingredients of a good partnership, in the workbook's order."""

    TRUST = "Trust"
    FRIENDSHIP = "Friendship"
    OPPORTUNITY = "Opportunity"
    CREDIBILITY = "Credibility"
    REGULAR_COMMUNICATION = "Regular communication"
    SHARED_GOALS = "Shared goals"
    VALUES_ALIGNMENT = "Values alignment"

    @property
    def label(self) -> str:
        return self.value


class MissingScores(_Enum):
    """What a blank score means (the Settings value `Missing scores`)."""

    SCORE_WHAT_IS_THERE = "Score what is there"
    COUNT_AS_LOWEST = "Count as lowest"
    DO_NOT_RANK = "Do not rank"


class Band(_Enum):
    STRONG = "Strong"
    KEEP = "Keep"
    IMPROVE = "Improve"
    DITCH = "Ditch"


class Agreement(_Enum):
    WRITTEN = "Written"
    VERBAL = "Verbal"
    NONE = "None"


class Verdict(_Enum):
    DITCH = "Ditch"
    FOCUS = "Focus on making it effective"


class ConflictKind(_Enum):
    COMPETING_PARTNERS = "competing partners"
    REFERS_TO_COMPETITOR = "refers to competitor"
    IS_A_COMPETITOR = "is a competitor"
    REFERRALS_TO_COMPETING_PARTNERS = "referrals to competing partners"


#: Plain-words help for each ingredient: (meaning, action), used by the template's Weights
#: sheet and its input messages.
INGREDIENT_HELP: Mapping[Ingredient, tuple[str, str]] = {
    Ingredient.TRUST: (
        "You can rely on them to look after your clients and keep their word.",
        "Agree how you hand clients over and follow up together on each referral.",
    ),
    Ingredient.FRIENDSHIP: (
        "You like working together and talk easily beyond business.",
        "Spend time together away from the desk: a coffee, a lunch, an event.",
    ),
    Ingredient.OPPORTUNITY: (
        "Their clients are the people you want to work with, and the other way round.",
        "Tell them exactly which client you want introduced, with an example.",
    ),
    Ingredient.CREDIBILITY: (
        "Their name and standing reflect well on you when you recommend them.",
        "Share each other's results: case studies, testimonials, joint content.",
    ),
    Ingredient.REGULAR_COMMUNICATION: (
        "You are in touch often enough to stay in each other's minds.",
        "Put a regular catch-up in both diaries, monthly or quarterly.",
    ),
    Ingredient.SHARED_GOALS: (
        "You want the same things from the partnership and know what they are.",
        "Write down what each of you wants from the next twelve months and review it.",
    ),
    Ingredient.VALUES_ALIGNMENT: (
        "You share business and personal values: how clients should be treated.",
        "Talk openly about how you each work with clients; settle any difference early.",
    ),
}


class Column(_Enum):
    """Headers of the Partners sheet that partnersheet knows."""

    PARTNER = "Partner"
    ORGANISATION = "Organisation"
    OFFERS = "Offers"
    COMPETITOR_GROUP = "Competitor group"
    ALSO_REFERS_TO = "Also refers to"
    AGREEMENT = "Agreement"
    HOURS_PER_MONTH = "Hours per month"
    REFERRALS_SENT = "Referrals sent"
    REFERRALS_RECEIVED = "Referrals received"
    FEES_RECEIVED = "Fees received"
    LAST_CONTACT = "Last contact"
    TRUST = "Trust"
    FRIENDSHIP = "Friendship"
    OPPORTUNITY = "Opportunity"
    CREDIBILITY = "Credibility"
    REGULAR_COMMUNICATION = "Regular communication"
    SHARED_GOALS = "Shared goals"
    VALUES_ALIGNMENT = "Values alignment"
    NOTES = "Notes"
    # Computed by partnersheet.
    WEIGHTED_SCORE = "Weighted score"
    RANK = "Rank"
    BAND = "Band"
    WORK_ON = "Work on"
    CONFLICTS = "Conflicts"
    SCORE_PER_HOUR = "Score per hour"
    STATUS = "Status"

    @property
    def computed(self) -> bool:
        return self in COMPUTED_COLUMNS

    @property
    def ingredient(self) -> Ingredient | None:
        try:
            return Ingredient(self.value)
        except ValueError:
            return None


COMPUTED_COLUMNS: tuple[Column, ...] = (
    Column.WEIGHTED_SCORE,
    Column.RANK,
    Column.BAND,
    Column.WORK_ON,
    Column.CONFLICTS,
    Column.SCORE_PER_HOUR,
    Column.STATUS,
)
INPUT_COLUMNS: tuple[Column, ...] = tuple(c for c in Column if c not in COMPUTED_COLUMNS)
REQUIRED_COLUMNS: tuple[Column, ...] = (Column.PARTNER, *(Column(i.value) for i in Ingredient))


class Setting(_Enum):
    """Rows of the Settings sheet."""

    LOWEST_SCORE = "Lowest score"
    HIGHEST_SCORE = "Highest score"
    STRONG_FROM = "Strong from"
    KEEP_FROM = "Keep from"
    IMPROVE_FROM = "Improve from"
    CHARGEABLE_RATE = "Chargeable rate"
    CURRENCY = "Currency"
    MISSING_SCORES = "Missing scores"


#: Each setting's default as typed in the workbook, and a line on what it does.
SETTING_HELP: Mapping[Setting, tuple[str | int, str]] = {
    Setting.LOWEST_SCORE: (1, "The lowest score you give an ingredient."),
    Setting.HIGHEST_SCORE: (5, "The highest score you give an ingredient; above Lowest score."),
    Setting.STRONG_FROM: (75, "A weighted score at or above this is Strong."),
    Setting.KEEP_FROM: (50, "At or above this (and below Strong from) is Keep."),
    Setting.IMPROVE_FROM: (
        30,
        "At or above this (and below Keep from) is Improve; below is Ditch.",
    ),
    Setting.CHARGEABLE_RATE: (0, "Your hourly rate, to value the time question 4 frees."),
    Setting.CURRENCY: ("£", "The currency symbol shown with money."),
    Setting.MISSING_SCORES: (
        MissingScores.SCORE_WHAT_IS_THERE.value,
        "What a blank score means: Score what is there, Count as lowest, or Do not rank.",
    ),
}


@dataclass(frozen=True)
class Settings:
    """The Settings sheet, with the defaults of the contract."""

    lowest_score: int = 1
    highest_score: int = 5
    strong_from: float = 75
    keep_from: float = 50
    improve_from: float = 30
    chargeable_rate: float = 0
    currency: str = "£"
    missing_scores: MissingScores = MissingScores.SCORE_WHAT_IS_THERE


@dataclass(frozen=True)
class IngredientWeight:
    """One row of the Weights sheet."""

    ingredient: Ingredient
    weight: float
    #: What the ingredient means, in plain words (may be blank).
    meaning: str = ""
    #: Advice shown in the Review when this ingredient is the one to work on.
    action: str = ""


@dataclass(frozen=True)
class Weights:
    """The weight of each ingredient; all 1 when the workbook has no Weights sheet."""

    rows: Mapping[Ingredient, IngredientWeight] = field(
        default_factory=lambda: {i: IngredientWeight(i, 1) for i in Ingredient}
    )

    def weight(self, ingredient: Ingredient) -> float:
        return self.rows[ingredient].weight

    def action(self, ingredient: Ingredient) -> str:
        return self.rows[ingredient].action

    def short_text(self) -> str:
        """The weights in a short form for History, so a change of weighting shows."""
        return ", ".join(f"{i.label} {format_number(self.weight(i))}" for i in Ingredient)


@dataclass(frozen=True)
class Competitor:
    """One row of the Competitors sheet."""

    name: str
    also_known_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Partner:
    """One partner row, checked and converted."""

    #: The row number on the Partners sheet.
    row: int
    name: str
    organisation: str = ""
    offers: str = ""
    #: As typed, trimmed and with runs of spaces collapsed; blank when none.
    competitor_group: str = ""
    also_refers_to: tuple[str, ...] = ()
    agreement: Agreement | None = None
    hours_per_month: float | None = None
    referrals_sent: int | None = None
    referrals_received: int | None = None
    fees_received: float | None = None
    last_contact: dt.date | None = None
    #: A score per ingredient; None where the cell is blank.
    scores: Mapping[Ingredient, int | None] = field(default_factory=dict)
    notes: str = ""

    def score(self, ingredient: Ingredient) -> int | None:
        return self.scores.get(ingredient)

    @property
    def unscored(self) -> tuple[Ingredient, ...]:
        return tuple(i for i in Ingredient if self.scores.get(i) is None)


@dataclass(frozen=True)
class HistoryRow:
    """One row already on the History sheet."""

    row: int
    reviewed_on: dt.date
    partner: str
    weighted_score: float | None
    rank: int | None
    band: str
    weights: str


@dataclass(frozen=True)
class PartnersLayout:
    """Where things are on the Partners sheet, so results can be written back in place."""

    title: str
    header_row: int
    #: Column number (1 = A) of each known header found.
    columns: Mapping[Column, int]
    #: The first column right of the last filled header cell.
    next_free_column: int
    #: Every row below the header that holds anything, in order.
    rows: tuple[int, ...]


@dataclass(frozen=True)
class HistoryLayout:
    """Where the History sheet's table is, when the workbook has one."""

    title: str
    header_row: int
    #: Column number of each History header, in `HISTORY_HEADERS` order; 0 where missing.
    columns: tuple[int, ...]
    #: The last row holding anything (the header row when none).
    last_row: int


HISTORY_HEADERS: tuple[str, ...] = (
    "Reviewed on",
    "Partner",
    "Weighted score",
    "Rank",
    "Band",
    "Weights",
)


@dataclass(frozen=True)
class Inputs:
    """Everything a review needs, read from a workbook and checked."""

    partners: tuple[Partner, ...]
    weights: Weights
    settings: Settings
    competitors: tuple[Competitor, ...]
    history: tuple[HistoryRow, ...]
    layout: PartnersLayout
    history_layout: HistoryLayout | None = None
    #: Titles of the sheets as the workbook has them, in order.
    sheet_titles: tuple[str, ...] = ()


def normalise_name(text: str) -> str:
    """The form names are matched in: case-insensitive, trimmed, runs of spaces as one."""
    return " ".join(text.split()).casefold()


def tidy_text(text: str) -> str:
    """Trimmed, with runs of white space as one space."""
    return " ".join(text.split())


#: The white space other than the plain space that `str.split()` splits at (every character
#: for which `str.isspace()` holds, checked against every code point in Python 3.11 to 3.13).
_OTHER_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def all_tidy(texts: Iterable[str]) -> bool:
    """Whether `tidy_text` leaves every one of these texts unchanged (blank ones too).

    Text read from a workbook is mostly tidy already. Scanning all the texts joined (each
    a fast search in C) is several times cheaper than splitting each one: joined by single
    spaces, a text's leading, trailing or doubled space shows as two spaces together, or as
    a space at either end. Blank texts are left out, as they would show so too.
    """
    joined = " ".join(filter(None, texts))
    return (
        "  " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
        # A character wider than the text's widest is found absent at once, without a scan.
        and not any(space in joined for space in _OTHER_SPACES)
    )


def normalised_names(texts: list[str]) -> Iterator[str]:
    """`normalise_name` of each text, in turn: only its case folded when all are tidy."""
    return map(str.casefold if all_tidy(texts) else normalise_name, texts)


def join_and(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def format_number(value: float) -> str:
    """A number as a person would write it: 2 rather than 2.0, 1.5 as 1.5."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


@contextlib.contextmanager
def collector_paused(*, lasting: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector, as long as the block runs (blocks nest).

    As a decorator (`@collector_paused()`), it pauses the collector for each call.

    A workbook is millions of objects that live until the end; while it is built, read,
    reviewed or written, each full collection walks all of them again, for nothing (openpyxl
    spends about half its time so). Objects are still freed as soon as nothing refers to
    them; only reference cycles wait for the next collection after the block.

    When the collector starts again, its next young collection walks everything the block
    made (about 20 ms of a 10,000-partner review's core). With `lasting`, for a block whose
    objects hold no cycles and outlive it, every object the collector tracks (what the block
    made, and anything younger from before it) moves straight to the oldest generation
    instead, by gc.freeze and gc.unfreeze (two list splices), to be walked at the next full
    collection as it would have been after a young one anyway. (Not for the blocks that
    load or save a workbook: the order objects are then finalised in changes, and a macro
    workbook's copy of its archive complains when freed.) Where something else has frozen
    objects, the block leaves them be and ends as a plain one.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if lasting and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


_Frozen = TypeVar("_Frozen")
#: The field names, in order, of each class `built` has made; None for a class it cannot.
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}
_new_object = object.__new__
_set_attribute = object.__setattr__


def built(cls: type[_Frozen], values: dict[str, object]) -> _Frozen:
    """`cls(**values)` for a frozen dataclass given a value for every field, made faster.

    The generated __init__ of a frozen dataclass sets each field through
    object.__setattr__, which is most of the cost of making the many small objects of a
    large workbook; here the instance takes `values` as its attributes at once, so pass a
    dict made for the purpose. The result is the same object in every respect. A class
    with a __post_init__ or __slots__, or values that are not exactly its fields in their
    order, are made through __init__ as usual.
    """
    names = _FIELD_NAMES.get(cls, ())
    if names == ():
        plain = not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls)) if plain else None  # type: ignore[arg-type]
    if names is None or len(values) != len(names) or tuple(values) != names:
        return cls(**values)
    instance: _Frozen = _new_object(cls)
    _set_attribute(instance, "__dict__", values)
    return instance


def built_all(cls: type[_Frozen], values: Sequence[dict[str, object]]) -> tuple[_Frozen, ...]:
    """`built(cls, v)` for each of `values`, made in bulk: for the many dicts of one dict
    display in a loop, which all have the same keys in the same order.

    The first is checked as `built` checks it; when it passes, every instance takes its
    dict as its attributes, without a call in Python for each.
    """
    if not values:
        return ()
    first = built(cls, values[0])
    rest = values[1:]
    if first.__dict__ is not values[0]:  # made through __init__: so is each
        return (first, *(built(cls, v) for v in rest))
    made = tuple(map(_new_object, repeat(cls, len(rest))))
    # (A deque that keeps nothing runs the map through in C.)
    deque(map(_set_attribute, made, repeat("__dict__"), rest), maxlen=0)
    return (first, *made)
