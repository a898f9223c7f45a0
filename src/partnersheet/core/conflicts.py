"""Partnerships that bring you into conflict: found by grouping names, never pair by pair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Competitor, Partner, normalise_name


@dataclass(frozen=True)
class CompetitorGroup:
    """Two or more partners who compete with each other."""

    #: The group as first typed on the Partners sheet.
    name: str
    members: tuple[Partner, ...]


@dataclass(frozen=True)
class Leak:
    """A partner who also sends work to one of your competitors."""

    partner: Partner
    #: The name as typed in Also refers to.
    name: str
    #: The Competitors sheet's entry it matched, if any.
    competitor: Competitor | None

    @property
    def text(self) -> str:
        if self.competitor is not None:
            return f"Refers work to your competitor {self.competitor.name}"
        return f"Refers work to {self.name} (not on your Competitors sheet)"


@dataclass(frozen=True)
class CompetitorPartner:
    """A partner who is one of your competitors, by name or by organisation."""

    partner: Partner
    competitor: Competitor
    by_organisation: bool

    @property
    def text(self) -> str:
        if self.by_organisation:
            return f"Works for your competitor {self.competitor.name}"
        return "Is on your Competitors sheet"


@dataclass(frozen=True)
class Conflicts:
    """Every conflict found among the partners, by kind, and as each partner's Conflicts cell
    shows them."""

    groups: tuple[CompetitorGroup, ...]
    leaks: tuple[Leak, ...]
    competitor_partners: tuple[CompetitorPartner, ...]
    #: The Conflicts cell of each partner, by row: items in a fixed order.
    by_row: Mapping[int, tuple[str, ...]]


#: A Conflicts cell names at most this many competing partners, then says how many more.
NAMES_SHOWN = 5


def find_conflicts(partners: Sequence[Partner], competitors: Sequence[Competitor]) -> Conflicts:
    """Competing partners, leakage to competitors, and competitors among the partners."""
    known = _competitor_index(competitors)
    groups = _competitor_groups(partners)
    leaks = tuple(
        Leak(partner, name, known.get(normalise_name(name)))
        for partner in partners
        for name in partner.also_refers_to
    )
    competitor_partners = tuple(
        found for partner in partners if (found := _as_competitor(partner, known)) is not None
    )
    cells: dict[int, list[str]] = {partner.row: [] for partner in partners}
    for group in groups:
        for member in group.members:
            cells[member.row].append(_competes_text(group, member))
    for leak in leaks:
        cells[leak.partner.row].append(leak.text)
    for found in competitor_partners:
        cells[found.partner.row].append(found.text)
    return Conflicts(
        groups=groups,
        leaks=leaks,
        competitor_partners=competitor_partners,
        by_row={row: tuple(items) for row, items in cells.items()},
    )


def _competitor_index(competitors: Sequence[Competitor]) -> dict[str, Competitor]:
    """Each competitor by every name it goes by, as names are compared."""
    index: dict[str, Competitor] = {}
    for competitor in competitors:
        for name in (competitor.name, *competitor.also_known_as):
            index.setdefault(normalise_name(name), competitor)
    return index


def _competitor_groups(partners: Sequence[Partner]) -> tuple[CompetitorGroup, ...]:
    """The groups of two or more partners with the same Competitor group, in sheet order."""
    grouped: dict[str, list[Partner]] = {}
    for partner in partners:
        if partner.competitor_group:
            grouped.setdefault(normalise_name(partner.competitor_group), []).append(partner)
    return tuple(
        CompetitorGroup(members[0].competitor_group, tuple(members))
        for members in grouped.values()
        if len(members) > 1
    )


def _competes_text(group: CompetitorGroup, member: Partner) -> str:
    """A member's Conflicts item: the others it competes with, the first few by name (so a
    large group stays a short cell, and costs its size, not its size squared)."""
    others = len(group.members) - 1
    first = [m.name for m in group.members[: NAMES_SHOWN + 1] if m is not member]
    named = ", ".join(first[:NAMES_SHOWN])
    more = f" and {others - NAMES_SHOWN} others" if others > NAMES_SHOWN else ""
    return f"Competes with {named}{more} ({group.name})"


def _as_competitor(partner: Partner, known: Mapping[str, Competitor]) -> CompetitorPartner | None:
    """The partner as one of your competitors: by its name, else by its organisation."""
    match = known.get(normalise_name(partner.name))
    if match is not None:
        return CompetitorPartner(partner, match, by_organisation=False)
    if partner.organisation:
        match = known.get(normalise_name(partner.organisation))
        if match is not None:
            return CompetitorPartner(partner, match, by_organisation=True)
    return None
