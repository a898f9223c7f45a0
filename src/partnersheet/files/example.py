"""The worked example: a small leadership coaching practice and eight partners, with four
earlier reviews.

The example's History is made by the same scoring and review code as any review. Its story:
Tom Whitaker and James Osei are rising, Dr Helen Okafor is falling (and has dropped from
Strong to Keep since the last review), and James Osei is close behind Priya Shah: whether
Priya is the most important partnership is a close call, while the other answers are clear.
Three colleagues each look after some of the partners. The dates are fixed: on 22 November
2026, the day the README's transcripts review it on, two partners are overdue for contact and
one ranked partner has no Last contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.model import (
    INPUT_HEADERS,
    Agreement,
    CellValue,
    Column,
    Header,
    Ingredient,
    IngredientWeight,
    Partner,
    Setting,
    Settings,
    Weights,
)
from ..core.review import history_rows
from ..core.scoring import score_partners

#: In Ingredient order; None is a score left blank.
Scores = tuple[int | None, ...]


@dataclass(frozen=True)
class ExamplePartner:
    """One partner of the example: today's row, and the scores of the earlier review."""

    partner: str
    organisation: str
    offers: str
    agreement: Agreement
    hours_per_month: float
    referrals_sent: int
    referrals_received: int
    fees_received: int
    #: None where the Last contact was never filled in.
    last_contact: dt.date | None
    scores: Scores
    notes: str
    owner: str = ""
    competitor_group: str = ""
    also_refers_to: str = ""
    #: Scores at each of the earlier reviews (`EXAMPLE_REVIEWS`); None where the partner
    #: was not yet scored then.
    history: tuple[Scores | None, ...] = (None,) * 4

    def cells(self) -> tuple[object, ...]:
        """The values of the Partners input columns, in INPUT_HEADERS order."""
        by_header: dict[Header, object] = {
            Column.PARTNER: self.partner,
            Column.ORGANISATION: self.organisation,
            Column.OFFERS: self.offers,
            Column.COMPETITOR_GROUP: self.competitor_group or None,
            Column.ALSO_REFERS_TO: self.also_refers_to or None,
            Column.AGREEMENT: self.agreement.value,
            Column.HOURS_PER_MONTH: self.hours_per_month,
            Column.REFERRALS_SENT: self.referrals_sent,
            Column.REFERRALS_RECEIVED: self.referrals_received,
            Column.FEES_RECEIVED: self.fees_received,
            Column.LAST_CONTACT: self.last_contact,
            Column.OWNER: self.owner or None,
            Column.NOTES: self.notes,
            **dict(zip(Ingredient, self.scores, strict=True)),
        }
        return tuple(by_header[header] for header in INPUT_HEADERS)


#: The dates of the example's earlier reviews, oldest first: one a quarter.
EXAMPLE_REVIEWS = (
    dt.date(2025, 11, 21),
    dt.date(2026, 2, 20),
    dt.date(2026, 5, 15),
    dt.date(2026, 8, 14),
)

#: The example's weights: opportunity counts double, friendship half.
_EXAMPLE_WEIGHT_VALUES: dict[Ingredient, float] = {
    Ingredient.FRIENDSHIP: 0.5,
    Ingredient.OPPORTUNITY: 2,
}

EXAMPLE_SETTINGS: tuple[tuple[Setting, str | int], ...] = (
    (Setting.CHARGEABLE_RATE, 150),
    (Setting.CURRENCY, "£"),
)

EXAMPLE_COMPETITORS: tuple[tuple[str, str], ...] = (
    ("Apex Leadership Partners", "Apex LP; Apex Leadership"),
    ("Summit People Development", ""),
    ("Brightwater Coaching", ""),
)

# Scores in Ingredient order: Trust, Friendship, Opportunity, Credibility,
# Regular communication, Shared goals, Values alignment.
EXAMPLE_PARTNERS: tuple[ExamplePartner, ...] = (
    ExamplePartner(
        partner="Priya Shah",
        organisation="Shah & Co HR Consulting",
        offers="HR consultancy for growing tech firms",
        agreement=Agreement.WRITTEN,
        hours_per_month=4,
        referrals_sent=3,
        referrals_received=9,
        fees_received=28500,
        last_contact=dt.date(2026, 10, 8),
        owner="Hannah Reid",
        scores=(5, 4, 4, 5, 4, 5, 5),
        history=(
            (5, 4, 5, 5, 4, 5, 5),
            (5, 4, 5, 5, 4, 5, 5),
            (5, 4, 5, 5, 3, 5, 5),
            (5, 4, 5, 5, 3, 5, 5),
        ),
        notes="Introduces me to each leadership team she works with.",
    ),
    ExamplePartner(
        partner="Tom Whitaker",
        organisation="Whitaker Coaching",
        offers="Executive coaching for finance directors",
        competitor_group="Executive coaching",
        agreement=Agreement.VERBAL,
        hours_per_month=3,
        referrals_sent=4,
        referrals_received=3,
        fees_received=7200,
        last_contact=dt.date(2026, 11, 3),
        owner="Sam Turner",
        scores=(4, 4, 4, 4, 3, 4, 4),
        history=(
            (3, 3, 2, 3, 2, 3, 3),
            (3, 3, 3, 3, 2, 3, 3),
            (3, 4, 3, 3, 2, 3, 4),
            (3, 4, 3, 4, 2, 3, 4),
        ),
        notes="Monthly breakfast since the summer; picking up fast.",
    ),
    ExamplePartner(
        partner="Dr Helen Okafor",
        organisation="Okafor Executive Development",
        offers="Executive coaching for new CEOs",
        competitor_group="Executive coaching",
        agreement=Agreement.WRITTEN,
        hours_per_month=2,
        referrals_sent=2,
        referrals_received=2,
        fees_received=5400,
        last_contact=dt.date(2026, 9, 18),
        owner="Sam Turner",
        scores=(4, 3, 3, 4, 2, 3, 4),
        history=(
            (5, 4, 5, 5, 4, 4, 5),
            (4, 4, 5, 5, 4, 4, 4),
            (4, 4, 4, 5, 3, 4, 4),
            (4, 4, 4, 5, 3, 4, 4),
        ),
        notes="Busy with her own clients this year; we have drifted.",
    ),
    ExamplePartner(
        partner="Marcus Bell",
        organisation="Bell Recruitment",
        offers="Senior leadership recruitment",
        also_refers_to="Apex LP, Clearview Coaching",
        agreement=Agreement.VERBAL,
        hours_per_month=2,
        referrals_sent=1,
        referrals_received=4,
        fees_received=8400,
        last_contact=dt.date(2026, 10, 22),
        scores=(3, 3, 4, 3, 3, 3, 2),
        history=((3, 3, 4, 3, 3, 3, 3),) * 4,
        notes="Good referrer, but also sends work to other coaches.",
    ),
    ExamplePartner(
        partner="Sarah Lindqvist",
        organisation="Lindqvist Accountants",
        offers="Accounts and tax for owner-managers",
        agreement=Agreement.NONE,
        hours_per_month=1,
        referrals_sent=0,
        referrals_received=1,
        fees_received=1800,
        last_contact=None,
        scores=(None, None, 4, 4, 3, None, 4),
        notes="Met in September; too early to score three ingredients.",
    ),
    ExamplePartner(
        partner="Gareth Price",
        organisation="Thames Valley Business Circle",
        offers="Business networking group and events",
        agreement=Agreement.NONE,
        hours_per_month=12,
        referrals_sent=2,
        referrals_received=2,
        fees_received=3000,
        last_contact=dt.date(2026, 11, 14),
        owner="Hannah Reid",
        scores=(3, 4, 3, 3, 4, 3, 3),
        history=((3, 4, 3, 3, 4, 3, 4),) * 4,
        notes="Weekly breakfasts, two evening events; few referrals.",
    ),
    ExamplePartner(
        partner="James Osei",
        organisation="Osei Training Ltd",
        offers="Management training courses",
        agreement=Agreement.VERBAL,
        hours_per_month=2,
        referrals_sent=1,
        referrals_received=4,
        fees_received=9600,
        last_contact=dt.date(2026, 10, 30),
        owner="Leo Marsh",
        scores=(4, 3, 5, 4, 4, 5, 5),
        history=(None, (4, 3, 3, 4, 3, 3, 4), (4, 3, 4, 4, 3, 3, 4), (4, 3, 4, 4, 3, 3, 4)),
        notes="Course delegates come to me for one-to-one coaching.",
    ),
    ExamplePartner(
        partner="Fiona Mackay",
        organisation="Mackay Employment Law",
        offers="Employment law for small employers",
        agreement=Agreement.NONE,
        hours_per_month=1,
        referrals_sent=1,
        referrals_received=0,
        fees_received=0,
        last_contact=dt.date(2026, 5, 20),
        owner="Hannah Reid",
        scores=(2, 2, 1, 2, 1, 1, 2),
        history=(
            (3, 2, 2, 3, 2, 2, 2),
            (2, 2, 2, 2, 2, 2, 2),
            (2, 2, 2, 2, 1, 2, 2),
            (2, 2, 2, 2, 1, 2, 2),
        ),
        notes="Nothing either way since spring; wrong kind of client.",
    ),
)


def example_weights() -> Weights:
    return Weights(
        {
            i: IngredientWeight(i, _EXAMPLE_WEIGHT_VALUES.get(i, 1), i.meaning, i.action)
            for i in Ingredient
        }
    )


def example_history(weights: Weights) -> list[tuple[CellValue, ...]]:
    """The example's History rows, review by review, as those reviews wrote them."""
    rows: list[tuple[CellValue, ...]] = []
    for index, day in enumerate(EXAMPLE_REVIEWS):
        scored = tuple(
            Partner(row=row, name=p.partner, scores=scores)
            for row, p in enumerate(EXAMPLE_PARTNERS, start=2)
            if (scores := p.history[index]) is not None
        )
        results = score_partners(scored, weights, Settings())
        rows.extend(history_rows([s for s in results if s.ranked], day, weights))
    return rows
