"""Conflicts: competing partners, leakage to competitors, competitors among the partners."""

from __future__ import annotations

import pytest

from partnersheet.core.conflicts import NAMES_SHOWN, find_conflicts
from partnersheet.core.inputs import read_inputs
from partnersheet.core.model import Competitor, Ingredient, Partner
from partnersheet.core.sheets import SheetData

ACME = Competitor("Acme Coaching Ltd", ("Acme", "ACL"))
BRIGHT = Competitor("Bright Minds")
COMPETITORS = (ACME, BRIGHT)


def make_partner(
    name: str,
    row: int,
    *,
    group: str = "",
    refers_to: tuple[str, ...] = (),
    organisation: str = "",
    referrals_sent: int | None = None,
) -> Partner:
    return Partner(
        row=row,
        name=name,
        organisation=organisation,
        competitor_group=group,
        also_refers_to=refers_to,
        referrals_sent=referrals_sent,
        scores=(3,) * len(Ingredient),
    )


def texts(
    partners: list[Partner], competitors: tuple[Competitor, ...] = COMPETITORS
) -> dict[str, tuple[str, ...]]:
    """Each partner's Conflicts items, by name."""
    found = find_conflicts(partners, competitors)
    return {p.name: found.by_row[p.row] for p in partners}


# --- competing partners ------------------------------------------------------------------


def test_two_partners_in_one_group_name_each_other() -> None:
    partners = [
        make_partner("Ann Smith", 2, group="Leadership coaching"),
        make_partner("Bea Ltd", 3, group="Leadership coaching"),
        make_partner("Cal Jones", 4),
    ]
    found = find_conflicts(partners, COMPETITORS)
    assert len(found.groups) == 1
    assert found.groups[0].name == "Leadership coaching"
    assert [m.name for m in found.groups[0].members] == ["Ann Smith", "Bea Ltd"]
    assert found.by_row == {
        2: ("Competes with Bea Ltd (Leadership coaching)",),
        3: ("Competes with Ann Smith (Leadership coaching)",),
        4: (),
    }
    assert found.leaks == ()
    assert found.competitor_partners == ()


def test_a_group_of_one_is_no_conflict() -> None:
    partners = [
        make_partner("Ann Smith", 2, group="Leadership coaching"),
        make_partner("Bea Ltd", 3, group="Tax"),
    ]
    found = find_conflicts(partners, COMPETITORS)
    assert found.groups == ()
    assert found.by_row == {2: (), 3: ()}


def test_groups_match_ignoring_case() -> None:
    partners = [
        make_partner("Ann Smith", 2, group="Leadership Coaching"),
        make_partner("Bea Ltd", 3, group="leadership coaching"),
        make_partner("Cal Jones", 4, group="LEADERSHIP COACHING"),
    ]
    found = find_conflicts(partners, COMPETITORS)
    assert len(found.groups) == 1
    # The group is named as first typed.
    assert found.groups[0].name == "Leadership Coaching"
    assert found.by_row[3] == ("Competes with Ann Smith, Cal Jones (Leadership Coaching)",)


def test_group_spaces_are_trimmed_and_collapsed_when_read() -> None:
    header = ["Partner", "Competitor group", *(i.label for i in Ingredient)]
    rows = {
        1: header,
        2: ["Ann Smith", "  Leadership   coaching ", *[3] * 7],
        3: ["Bea Ltd", "leadership coaching", *[3] * 7],
        4: ["Cal Jones", "Leadership coachin g", *[3] * 7],
    }
    inputs = read_inputs({"Partners": SheetData("Partners", rows)}, ["Partners"])
    found = find_conflicts(inputs.partners, inputs.competitors)
    assert [(g.name, [m.name for m in g.members]) for g in found.groups] == [
        ("Leadership coaching", ["Ann Smith", "Bea Ltd"])
    ]
    assert found.by_row[2] == ("Competes with Bea Ltd (Leadership coaching)",)
    assert found.by_row[4] == ()


def test_three_member_group_names_the_other_two() -> None:
    partners = [
        make_partner("Ann Smith", 2, group="Tax"),
        make_partner("Bea Ltd", 3, group="Tax"),
        make_partner("Cal Jones", 4),
        make_partner("Dee Ross", 5, group="Tax"),
    ]
    assert texts(partners) == {
        "Ann Smith": ("Competes with Bea Ltd, Dee Ross (Tax)",),
        "Bea Ltd": ("Competes with Ann Smith, Dee Ross (Tax)",),
        "Cal Jones": (),
        "Dee Ross": ("Competes with Ann Smith, Bea Ltd (Tax)",),
    }


def test_two_groups_stay_apart() -> None:
    partners = [
        make_partner("Ann Smith", 2, group="Tax"),
        make_partner("Bea Ltd", 3, group="Coaching"),
        make_partner("Cal Jones", 4, group="Tax"),
        make_partner("Dee Ross", 5, group="Coaching"),
    ]
    found = find_conflicts(partners, COMPETITORS)
    assert [(g.name, [m.name for m in g.members]) for g in found.groups] == [
        ("Tax", ["Ann Smith", "Cal Jones"]),
        ("Coaching", ["Bea Ltd", "Dee Ross"]),
    ]
    assert found.by_row[3] == ("Competes with Dee Ross (Coaching)",)


# --- leakage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Acme Coaching Ltd", "Refers work to your competitor Acme Coaching Ltd"),
        ("acme coaching ltd", "Refers work to your competitor Acme Coaching Ltd"),
        ("  Acme   Coaching  LTD ", "Refers work to your competitor Acme Coaching Ltd"),
        ("Acme", "Refers work to your competitor Acme Coaching Ltd"),
        ("acl", "Refers work to your competitor Acme Coaching Ltd"),
        ("bright minds", "Refers work to your competitor Bright Minds"),
        ("Zed Partners", "Refers work to Zed Partners (not on your Competitors sheet)"),
        ("Acme Coaching", "Refers work to Acme Coaching (not on your Competitors sheet)"),
    ],
)
def test_leak_by_name_or_alias(typed: str, expected: str) -> None:
    partner = make_partner("Ann Smith", 2, refers_to=(typed,))
    found = find_conflicts([partner], COMPETITORS)
    assert found.by_row[2] == (expected,)
    (leak,) = found.leaks
    assert leak.partner is partner
    assert leak.name == typed
    assert (leak.competitor is None) is expected.endswith("(not on your Competitors sheet)")


def test_leak_counts_without_a_competitors_sheet() -> None:
    partner = make_partner("Ann Smith", 2, refers_to=("Acme",))
    found = find_conflicts([partner], ())
    assert found.by_row[2] == ("Refers work to Acme (not on your Competitors sheet)",)


def test_several_names_give_one_item_each_in_order() -> None:
    partner = make_partner("Ann Smith", 2, refers_to=("Zed Partners", "ACL", "Bright Minds"))
    assert texts([partner])["Ann Smith"] == (
        "Refers work to Zed Partners (not on your Competitors sheet)",
        "Refers work to your competitor Acme Coaching Ltd",
        "Refers work to your competitor Bright Minds",
    )


def test_also_refers_to_is_split_on_commas_and_semicolons_when_read() -> None:
    header = ["Partner", "Also refers to", *(i.label for i in Ingredient)]
    partners_rows = {
        1: header,
        2: ["Ann Smith", "acme; Zed Partners ,  bright   minds,", *[3] * 7],
    }
    competitor_rows = {
        1: ["Competitor", "Also known as"],
        2: ["Acme Coaching Ltd", "Acme; ACL"],
        3: ["Bright Minds"],
    }
    sheets = {
        "Partners": SheetData("Partners", partners_rows),
        "Competitors": SheetData("Competitors", competitor_rows),
    }
    inputs = read_inputs(sheets, ["Partners", "Competitors"])
    found = find_conflicts(inputs.partners, inputs.competitors)
    assert found.by_row[2] == (
        "Refers work to your competitor Acme Coaching Ltd",
        "Refers work to Zed Partners (not on your Competitors sheet)",
        "Refers work to your competitor Bright Minds",
    )


# --- competitors among the partners --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "organisation", "expected"),
    [
        ("Bright Minds", "", "Is on your Competitors sheet"),
        ("bright  MINDS", "", "Is on your Competitors sheet"),
        ("ACL", "", "Is on your Competitors sheet"),
        ("Ann Smith", "Acme Coaching Ltd", "Works for your competitor Acme Coaching Ltd"),
        ("Ann Smith", " acme ", "Works for your competitor Acme Coaching Ltd"),
        ("Ann Smith", "Bright Minds", "Works for your competitor Bright Minds"),
        # The name matching wins: one item, not two.
        ("Acme", "Bright Minds", "Is on your Competitors sheet"),
    ],
)
def test_partner_who_is_a_competitor(name: str, organisation: str, expected: str) -> None:
    partner = make_partner(name, 2, organisation=organisation)
    found = find_conflicts([partner], COMPETITORS)
    assert found.by_row[2] == (expected,)
    (match,) = found.competitor_partners
    assert match.partner is partner
    assert match.by_organisation is expected.startswith("Works for")


def test_an_organisation_not_on_the_sheet_is_no_conflict() -> None:
    partner = make_partner("Ann Smith", 2, organisation="Smith Consulting")
    found = find_conflicts([partner], COMPETITORS)
    assert found.competitor_partners == ()
    assert found.by_row[2] == ()


# --- together ------------------------------------------------------------------------------


def test_items_come_in_a_fixed_order() -> None:
    partners = [
        make_partner("Acme", 2, group="Coaching", refers_to=("Bright Minds", "Zed")),
        make_partner("Bea Ltd", 3, group="coaching", organisation="Bright Minds"),
    ]
    assert texts(partners) == {
        "Acme": (
            "Competes with Bea Ltd (Coaching)",
            "Refers work to your competitor Bright Minds",
            "Refers work to Zed (not on your Competitors sheet)",
            "Is on your Competitors sheet",
        ),
        "Bea Ltd": (
            "Competes with Acme (Coaching)",
            "Works for your competitor Bright Minds",
        ),
    }


def test_no_partners_no_conflicts() -> None:
    found = find_conflicts([], COMPETITORS)
    assert (found.groups, found.leaks, found.competitor_partners) == ((), (), ())
    assert found.by_row == {}


def test_ten_thousand_partners_in_pairs() -> None:
    # Pairs compete; every tenth partner also refers work to a competitor. Each Conflicts
    # cell names only its own pair, so the result grows with the partners, not their square.
    partners = [
        make_partner(
            f"Partner {n:05d}",
            n + 2,
            group=f"Group {n // 2}" if n % 2 == 0 else f"GROUP  {n // 2}",
            refers_to=("acl",) if n % 10 == 0 else (),
        )
        for n in range(10_000)
    ]
    found = find_conflicts(partners, COMPETITORS)
    assert len(found.groups) == 5_000
    assert all(len(g.members) == 2 for g in found.groups)
    assert len(found.leaks) == 1_000
    assert all(leak.competitor is ACME for leak in found.leaks)
    assert found.competitor_partners == ()
    assert len(found.by_row) == 10_000
    assert found.by_row[2] == (
        "Competes with Partner 00001 (Group 0)",
        "Refers work to your competitor Acme Coaching Ltd",
    )
    assert found.by_row[10_001] == ("Competes with Partner 09998 (Group 4999)",)
    assert sum(len(items) for items in found.by_row.values()) == 11_000


def test_a_large_group_names_a_few_and_counts_the_rest() -> None:
    members = [make_partner(f"Coach {row}", row, group="Coaching") for row in range(2, 10)]
    found = find_conflicts(members, [])
    assert found.by_row[2] == (
        "Competes with Coach 3, Coach 4, Coach 5, Coach 6, Coach 7 and 2 others (Coaching)",
    )
    assert found.by_row[9] == (
        "Competes with Coach 2, Coach 3, Coach 4, Coach 5, Coach 6 and 2 others (Coaching)",
    )


@pytest.mark.parametrize("size", [2, NAMES_SHOWN, NAMES_SHOWN + 1, NAMES_SHOWN + 2, 40])
def test_a_large_group_names_the_first_others(size: int) -> None:
    members = [Partner(row=n, name=f"M{n}", competitor_group="G") for n in range(2, size + 2)]
    found = find_conflicts(members, ())
    for member in members:
        others = [m.name for m in members if m is not member]
        shown = ", ".join(others[:NAMES_SHOWN])
        if len(others) > NAMES_SHOWN:
            shown += f" and {len(others) - NAMES_SHOWN} others"
        assert found.by_row[member.row] == (f"Competes with {shown} (G)",)
