"""Partnerships that bring you into conflict: found by grouping names, never pair by pair."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, compress, count, repeat
from operator import attrgetter

from .model import Competitor, Partner, collector_paused, normalise_name, normalised_names


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


@collector_paused(lasting=True)  # many small objects, none of them in a cycle
def find_conflicts(partners: Sequence[Partner], competitors: Sequence[Competitor]) -> Conflicts:
    """Competing partners, leakage to competitors, and competitors among the partners."""
    known = _competitor_index(competitors)
    # The results are made as `model.built` makes them, given their fields at once rather
    # than each through object.__setattr__ as a frozen dataclass's __init__ does; these
    # classes have no __post_init__, and built's checks would cost more than they save.
    new = object.__new__

    # Every partner's row, in the order of `partners`; a partner without a conflict keeps
    # the empty tuple, and setting the others keeps that order.
    by_row: dict[int, tuple[str, ...]] = dict.fromkeys(map(attrgetter("row"), partners), ())

    # Competing partners: those whose Competitor group is the same, once normalised.
    group_names = list(map(attrgetter("competitor_group"), partners))
    keys = normalised_names(list(filter(None, group_names)))
    grouped: defaultdict[str, list[Partner]] = defaultdict(list)
    for partner, key in zip(compress(partners, group_names), keys, strict=True):
        grouped[key].append(partner)
    groups = []
    member_rows: list[int] = []
    member_texts: list[str] = []
    for members in grouped.values():
        if len(members) > 1:
            group = new(CompetitorGroup)
            group.__dict__.update(name=members[0].competitor_group, members=tuple(members))
            groups.append(group)
            member_rows += map(attrgetter("row"), members)
            member_texts += _group_texts(group)
    if len(by_row) == len(partners):
        # Each row is one partner's, in one group at most: its cell is that item alone so
        # far, and all are set at once.
        by_row.update(zip(member_rows, zip(member_texts), strict=True))
    else:  # rows repeated: add each item after those already in the cell
        for row, text in zip(member_rows, member_texts, strict=True):
            by_row[row] += (text,)

    # The further items of a cell, after its group's: leaks, then being a competitor. Only
    # partners with any get a list.
    cells: defaultdict[int, list[str]] = defaultdict(list)

    referrals = [
        (partner, name)
        for partner in compress(partners, map(attrgetter("also_refers_to"), partners))
        for name in partner.also_refers_to
    ]
    # With no Competitors sheet nothing can match, so no name needs normalising.
    matches: Iterable[Competitor | None] = (
        map(known.get, normalised_names([name for _, name in referrals])) if known else repeat(None)
    )
    leaks = []
    for (partner, name), match in zip(referrals, matches, strict=False):
        leak = new(Leak)
        leak.__dict__.update(partner=partner, name=name, competitor=match)
        leaks.append(leak)
        cells[partner.row].append(leak.text)

    competitor_partners = []
    if known:
        # Only the few partners whose name or organisation is a competitor's are looked at
        # one by one (`compress` passes over the rest without a step in Python each), in
        # the order of `partners`.
        names = list(map(attrgetter("name"), partners))
        organisations = list(map(attrgetter("organisation"), partners))
        by_name = compress(count(), map(known.__contains__, normalised_names(names)))
        by_organisation = compress(
            count(), map(known.__contains__, normalised_names(organisations))
        )
        for index in sorted({*by_name, *by_organisation}):
            partner = partners[index]
            match = known.get(normalise_name(names[index]))
            if match is not None:
                is_organisation = False
            elif partner.organisation and (
                match := known.get(normalise_name(organisations[index]))
            ):
                is_organisation = True
            else:
                continue
            found = new(CompetitorPartner)
            found.__dict__.update(
                partner=partner, competitor=match, by_organisation=is_organisation
            )
            competitor_partners.append(found)
            cells[partner.row].append(found.text)

    for row, items in cells.items():
        by_row[row] += tuple(items)  # each row once: linear however long the cell

    return Conflicts(
        groups=tuple(groups),
        leaks=tuple(leaks),
        competitor_partners=tuple(competitor_partners),
        by_row=by_row,
    )


def _group_texts(group: CompetitorGroup) -> list[str]:
    """The Conflicts item of each member of the group, in the order of its members.

    Each names the others, as `_some` would: a cell names only the first few others, so
    only they are looked at, and a large group costs its size, not its size squared.
    """
    members = group.members
    head = [m.name for m in members[: NAMES_SHOWN + 1]]
    others_count = len(members) - 1
    if others_count <= NAMES_SHOWN:
        end = f" ({group.name})"
    else:
        end = f" and {others_count - NAMES_SHOWN} others ({group.name})"
    # Each of the first few names the rest of the first few (NAMES_SHOWN of them when
    # there are more): the combinations leaving one out, which leave out the last first.
    texts = [
        f"Competes with {', '.join(others)}{end}" for others in combinations(head, len(head) - 1)
    ]
    texts.reverse()
    if others_count > NAMES_SHOWN:
        # Every member past the first few names the same first few.
        beyond = f"Competes with {', '.join(head[:NAMES_SHOWN])}{end}"
        texts.extend(repeat(beyond, others_count - NAMES_SHOWN))
    return texts
