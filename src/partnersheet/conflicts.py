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
    groups: tuple[CompetitorGroup, ...]
    leaks: tuple[Leak, ...]
    competitor_partners: tuple[CompetitorPartner, ...]
    #: The Conflicts cell of each partner, by row: items in a fixed order.
    by_row: Mapping[int, tuple[str, ...]]


def _competitor_index(competitors: Sequence[Competitor]) -> dict[str, Competitor]:
    index: dict[str, Competitor] = {}
    for competitor in competitors:
        for name in (competitor.name, *competitor.also_known_as):
            index.setdefault(normalise_name(name), competitor)
    return index


#: A Conflicts cell names at most this many competing partners, then says how many more.
NAMES_SHOWN = 5


def _some(names: Sequence[str]) -> str:
    """The names, or the first few and a count, so a large group stays a short cell."""
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names)
    return f"{', '.join(names[:NAMES_SHOWN])} and {len(names) - NAMES_SHOWN} others"


def _some_of(first: Sequence[str], count: int) -> str:
    """What `_some` says of `count` names, given their first ones (`NAMES_SHOWN` or all)."""
    if count <= NAMES_SHOWN:
        return ", ".join(first[:count])
    return f"{', '.join(first[:NAMES_SHOWN])} and {count - NAMES_SHOWN} others"


def find_conflicts(partners: Sequence[Partner], competitors: Sequence[Competitor]) -> Conflicts:
    """Competing partners, leakage to competitors, and competitors among the partners."""
    known = _competitor_index(competitors)

    grouped: dict[str, list[Partner]] = {}
    for partner in partners:
        if partner.competitor_group:
            grouped.setdefault(normalise_name(partner.competitor_group), []).append(partner)
    groups = tuple(
        CompetitorGroup(members[0].competitor_group, tuple(members))
        for members in grouped.values()
        if len(members) > 1
    )

    leaks = tuple(
        Leak(partner, name, known.get(normalise_name(name)))
        for partner in partners
        for name in partner.also_refers_to
    )

    competitor_partners = []
    for partner in partners:
        match = known.get(normalise_name(partner.name))
        if match is not None:
            competitor_partners.append(CompetitorPartner(partner, match, by_organisation=False))
        elif partner.organisation and (match := known.get(normalise_name(partner.organisation))):
            competitor_partners.append(CompetitorPartner(partner, match, by_organisation=True))

    texts: dict[int, list[str]] = {p.row: [] for p in partners}
    for group in groups:
        # A cell names only the first few others, so only they are looked at: a large
        # group costs its size, not its size squared.
        head = [m.name for m in group.members[: NAMES_SHOWN + 1]]
        others_count = len(group.members) - 1
        beyond = None
        for index, member in enumerate(group.members):
            if index <= NAMES_SHOWN:
                shown = head[:index] + head[index + 1 :]
                text = f"Competes with {_some_of(shown, others_count)} ({group.name})"
            else:
                if beyond is None:
                    beyond = f"Competes with {_some_of(head, others_count)} ({group.name})"
                text = beyond
            texts[member.row].append(text)
    for leak in leaks:
        texts[leak.partner.row].append(leak.text)
    for found in competitor_partners:
        texts[found.partner.row].append(found.text)

    return Conflicts(
        groups=groups,
        leaks=leaks,
        competitor_partners=tuple(competitor_partners),
        by_row={row: tuple(items) for row, items in texts.items()},
    )
