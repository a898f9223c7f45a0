"""The values partnersheet works with: plain, frozen, free of any spreadsheet library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

#: What a cell can hold once an adapter has read it.
CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

#: The number format of the dates partnersheet writes.
DATE_FORMAT = "yyyy-mm-dd"

#: Excel's limit on the characters in one cell.
CELL_TEXT_LIMIT = 32_767

#: The defined name of the cell where a review reports how it went (the macro-enabled
#: workbook has one on its Partners sheet); a workbook without it gets no status.
STATUS_NAME = "PartnersheetStatus"


class Ingredient(Enum):
    """The ingredients of a good partnership, in the workbook's order: each with its header,
    what it means and the advice given when it is the one to work on.

    This list is the only place the ingredients are named: the Partners columns, the Weights
    rows, the scoring and the template all follow it.
    """

    TRUST = (
        "Trust",
        "You can rely on them to look after your clients and keep their word.",
        "Agree how you hand clients over and follow up together on each referral.",
    )
    FRIENDSHIP = (
        "Friendship",
        "You like working together and talk easily beyond business.",
        "Spend time together away from the desk: a coffee, a lunch, an event.",
    )
    OPPORTUNITY = (
        "Opportunity",
        "Their clients are the people you want to work with, and the other way round.",
        "Tell them exactly which client you want introduced, with an example.",
    )
    CREDIBILITY = (
        "Credibility",
        "Their name and standing reflect well on you when you recommend them.",
        "Share each other's results: case studies, testimonials, joint content.",
    )
    REGULAR_COMMUNICATION = (
        "Regular communication",
        "You are in touch often enough to stay in each other's minds.",
        "Put a regular catch-up in both diaries, monthly or quarterly.",
    )
    SHARED_GOALS = (
        "Shared goals",
        "You want the same things from the partnership and know what they are.",
        "Write down what each of you wants from the next twelve months and review it.",
    )
    VALUES_ALIGNMENT = (
        "Values alignment",
        "You share business and personal values: how clients should be treated.",
        "Talk openly about how you each work with clients; settle any difference early.",
    )

    def __init__(self, label: str, meaning: str, action: str) -> None:
        self.label = label
        #: What the ingredient means, in plain words (the template's Weights sheet).
        self.meaning = meaning
        #: The template's advice when this ingredient is the one to work on.
        self.action = action


#: The ingredients in the workbook's order, for going through them quickly.
INGREDIENTS: tuple[Ingredient, ...] = tuple(Ingredient)


class MissingScores(Enum):
    """What a blank score means (the Settings value `Missing scores`)."""

    SCORE_WHAT_IS_THERE = "Score what is there"
    COUNT_AS_LOWEST = "Count as lowest"
    DO_NOT_RANK = "Do not rank"


class Band(Enum):
    STRONG = "Strong"
    KEEP = "Keep"
    IMPROVE = "Improve"
    DITCH = "Ditch"


class Agreement(Enum):
    WRITTEN = "Written"
    VERBAL = "Verbal"
    NONE = "None"


class Verdict(Enum):
    DITCH = "Ditch"
    FOCUS = "Focus on making it effective"


class ConflictKind(Enum):
    COMPETING_PARTNERS = "competing partners"
    REFERS_TO_COMPETITOR = "refers to competitor"
    IS_A_COMPETITOR = "is a competitor"
    REFERRALS_TO_COMPETING_PARTNERS = "referrals to competing partners"


class Column(Enum):
    """Headers of the Partners sheet that partnersheet knows, other than the ingredients."""

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
    OWNER = "Owner"
    NOTES = "Notes"
    # Computed by partnersheet.
    WEIGHTED_SCORE = "Weighted score"
    RANK = "Rank"
    BAND = "Band"
    WORK_ON = "Work on"
    CONFLICTS = "Conflicts"
    SCORE_PER_HOUR = "Score per hour"
    STATUS = "Status"
    TREND = "Trend"
    NEXT_CONTACT = "Next contact"

    @property
    def label(self) -> str:
        return self.value

    @property
    def computed(self) -> bool:
        return self in COMPUTED_COLUMNS


#: A header of the Partners sheet: one of the columns, or an ingredient's score column.
Header = Column | Ingredient

COMPUTED_COLUMNS: tuple[Column, ...] = (
    Column.WEIGHTED_SCORE,
    Column.RANK,
    Column.BAND,
    Column.WORK_ON,
    Column.CONFLICTS,
    Column.SCORE_PER_HOUR,
    Column.STATUS,
    Column.TREND,
    Column.NEXT_CONTACT,
)
#: The input headers in the template's order: the scores between Last contact and Notes.
INPUT_HEADERS: tuple[Header, ...] = (
    *(c for c in Column if c is not Column.NOTES and not c.computed),
    *Ingredient,
    Column.NOTES,
)
#: Every header of the template's Partners sheet, in order.
PARTNERS_HEADERS: tuple[Header, ...] = (*INPUT_HEADERS, *COMPUTED_COLUMNS)
REQUIRED_HEADERS: tuple[Header, ...] = (Column.PARTNER, *Ingredient)


class Setting(Enum):
    """Rows of the Settings sheet."""

    LOWEST_SCORE = "Lowest score"
    HIGHEST_SCORE = "Highest score"
    STRONG_FROM = "Strong from"
    KEEP_FROM = "Keep from"
    IMPROVE_FROM = "Improve from"
    CHARGEABLE_RATE = "Chargeable rate"
    CURRENCY = "Currency"
    MISSING_SCORES = "Missing scores"
    CLOSE_CALL_WITHIN = "Close call within"
    CONTACT_STRONG_EVERY = "Contact Strong every"
    CONTACT_KEEP_EVERY = "Contact Keep every"
    CONTACT_IMPROVE_EVERY = "Contact Improve every"


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
    Setting.CLOSE_CALL_WITHIN: (
        50,
        "How far (in percent, 0 to 100) one weight may move for an answer to count as a "
        "close call; 0 turns close calls off.",
    ),
    Setting.CONTACT_STRONG_EVERY: (
        30,
        "Days from the Last contact with a Strong partner until the next is due; 0 for no "
        "reminders.",
    ),
    Setting.CONTACT_KEEP_EVERY: (
        60,
        "Days from the Last contact with a Keep partner until the next is due; 0 for no reminders.",
    ),
    Setting.CONTACT_IMPROVE_EVERY: (
        90,
        "Days from the Last contact with an Improve partner until the next is due; 0 for no "
        "reminders. A Ditch partner never gets one.",
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
    #: Percent: how far one weight may move for an answer to count as a close call.
    close_call_within: int = 50
    #: Days between contacts for a partner in each band that gets reminders; 0 = none.
    contact_strong_every: int = 30
    contact_keep_every: int = 60
    contact_improve_every: int = 90

    def contact_every(self, band: Band) -> int:
        """The days between contacts for a partner in `band`; 0 when it gets no reminder."""
        if band is Band.STRONG:
            return self.contact_strong_every
        if band is Band.KEEP:
            return self.contact_keep_every
        if band is Band.IMPROVE:
            return self.contact_improve_every
        return 0


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

    def in_order(self) -> tuple[float, ...]:
        """Each ingredient's weight, in the order of INGREDIENTS."""
        return tuple(self.rows[i].weight for i in INGREDIENTS)

    def action(self, ingredient: Ingredient) -> str:
        return self.rows[ingredient].action

    def short_text(self) -> str:
        """The weights in a short form for History, so a change of weighting shows."""
        return ", ".join(f"{i.label} {format_number(self.weight(i))}" for i in INGREDIENTS)


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
    #: The colleague who looks after the partner, as first written on the sheet for this
    #: owner (trimmed, spaces collapsed), so every partner of one owner shows the same name;
    #: blank when none.
    owner: str = ""
    #: The score of each ingredient, in the order of INGREDIENTS; None where it is blank.
    scores: tuple[int | None, ...] = (None,) * len(INGREDIENTS)
    notes: str = ""

    def score(self, ingredient: Ingredient) -> int | None:
        return self.scores[INGREDIENTS.index(ingredient)]

    @property
    def unscored(self) -> tuple[Ingredient, ...]:
        return tuple(i for i, s in zip(INGREDIENTS, self.scores, strict=True) if s is None)


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
    columns: Mapping[Header, int]
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
    #: The columns whose header cell holds anything (History's headers and the user's).
    filled_headers: frozenset[int] = frozenset()


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


def fitted_text(text: str, limit: int = CELL_TEXT_LIMIT) -> str:
    """Text cut to fit in `limit` characters, an ellipsis showing where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_word(count: int) -> str:
    """A small count in words ("seven"), a larger one in digits."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


#: "seven", for the texts that speak of all the ingredients.
INGREDIENT_COUNT = number_word(len(Ingredient))
