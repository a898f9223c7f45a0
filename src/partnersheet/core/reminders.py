"""Contact reminders: when each partner is next due for contact, and who is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import UnknownOwner
from .answers import PartnerResult
from .model import Band, Settings, join_and, normalise_name


def next_contact(
    last_contact: dt.date | None, band: Band | None, settings: Settings
) -> dt.date | None:
    """The Last contact plus the days the Settings give the partner's band; None with no Last
    contact, no band, a band without reminders, or a day past the calendar's last."""
    if last_contact is None or band is None:
        return None
    days = settings.contact_every(band)
    if days <= 0:
        return None
    try:
        return last_contact + dt.timedelta(days=days)
    except OverflowError:
        return None


@dataclass(frozen=True)
class OverdueContact:
    """A partner whose Next contact is before the review date."""

    partner: PartnerResult
    band: Band
    last_contact: dt.date
    #: The review date minus the Next contact: 1 or more.
    days_overdue: int

    def to_json(self) -> dict[str, Any]:
        return {
            "partner": self.partner.name,
            "band": self.band.value,
            "owner": self.partner.partner.owner or None,
            "last_contact": self.last_contact.isoformat(),
            "days_overdue": self.days_overdue,
        }


def _overdue(partner: PartnerResult, reviewed_on: dt.date) -> OverdueContact:
    """The partner, whose Next contact is before `reviewed_on`, as overdue."""
    last_contact, band, due = partner.partner.last_contact, partner.band, partner.next_contact
    if last_contact is None or band is None or due is None:
        raise ValueError(f"{partner.name} has a Next contact without a Last contact and a band")
    return OverdueContact(partner, band, last_contact, (reviewed_on - due).days)


def _due(partner: PartnerResult) -> dt.date:
    return partner.next_contact or dt.date.max


@dataclass(frozen=True)
class Reminders:
    """Who is overdue for contact on a day, most overdue first, and how many ranked partners
    have no Last contact (and so no reminder)."""

    reviewed_on: dt.date
    overdue: tuple[OverdueContact, ...]
    no_last_contact: int
    #: The owner whose partners these are, as first written; None for every partner.
    owner: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The document `partnersheet overdue --json` prints."""
        return {
            "reviewed_on": self.reviewed_on.isoformat(),
            "overdue": [o.to_json() for o in self.overdue],
            "no_last_contact": self.no_last_contact,
        }


def reminders(
    partners: Sequence[PartnerResult], reviewed_on: dt.date, owner: str | None = None
) -> Reminders:
    """The partners overdue for contact on `reviewed_on`: most overdue first, then in the
    order given (the ranking's). With `owner`, only that owner's partners (matched as the
    Owner column is: case, surrounding and repeated spaces aside); `UnknownOwner` when no
    partner has that owner."""
    shown = None
    if owner is not None:
        shown = owner_as_written(partners, owner)
        wanted = normalise_name(shown)
        partners = [p for p in partners if normalise_name(p.partner.owner) == wanted]
    # Overdue: a Next contact before the day (one on the day is due, not overdue). The
    # earliest is the most overdue; the sort is stable, so equal days keep the given order.
    late = [p for p in partners if p.next_contact is not None and p.next_contact < reviewed_on]
    late.sort(key=_due)
    missing = sum(1 for p in partners if p.rank is not None and p.partner.last_contact is None)
    return Reminders(reviewed_on, tuple(_overdue(p, reviewed_on) for p in late), missing, shown)


def owner_as_written(partners: Sequence[PartnerResult], owner: str) -> str:
    """The owner `owner` names, as the Partners sheet writes it; `UnknownOwner` when no
    partner has it."""
    owners = {normalise_name(p.partner.owner): p.partner.owner for p in partners}
    owners.pop("", None)
    found = owners.get(normalise_name(owner))
    if found is not None:
        return found
    if not owners:
        raise UnknownOwner(
            f'no partner has an Owner yet, so none has "{owner}"; fill in the Owner column '
            "on the Partners sheet"
        )
    known = sorted(owners.values(), key=normalise_name)
    raise UnknownOwner(
        f'no partner has the Owner "{owner}"; the owners are {join_and(known)} '
        "(case and spaces aside)"
    )
