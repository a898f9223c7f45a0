"""Owners: each colleague's partners, hours, mean score and own answer to question 4, on
hand-made workbooks, checked by hand and against a reading of the contract worked out here."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import TEMPLATE_HEADERS, build_partners_workbook, expected_results, scores
from partnersheet.cli import main

DAY = "2026-11-22"

STRONG = scores(5, 5, 5, 5, 5, 5, 5)  # 100
KEEP = scores(3, 3, 3, 3, 3, 3, 3)  # 50
IMPROVE = scores(3, 3, 3, 2, 2, 2, 2)  # 35.7
DITCH = scores(1, 1, 1, 1, 1, 1, 1)  # 0
UNSCORED = scores(*[None] * 7)

#: Two owners spelled with different case and spaces, an owner whose partners give no
#: hours (one of them the firm's most important), one with no partner ranked, and
#: partners with no owner.
TEAM: tuple[dict[str, object], ...] = (
    {"Partner": "Top Firm", "Owner": "Ann Lee", "Hours per month": 10, **STRONG},
    {"Partner": "Sam A", "Owner": "Sam Turner", "Hours per month": 5, **KEEP},
    {"Partner": "Ann B", "Owner": "ann lee", **KEEP},
    {"Partner": "Sam B", "Owner": "  sam   TURNER ", "Hours per month": 2, **IMPROVE},
    {"Partner": "Nobody A", "Hours per month": 2, **DITCH},
    {"Partner": "Zed", "Owner": "Zoe", **UNSCORED},
    {"Partner": "Nobody B", "Hours per month": 3, **UNSCORED},
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="partnersheet")


def reviewed_json(path: Path) -> dict[str, Any]:
    result = run("review", str(path), "--json", "--dry-run", "--date", DAY)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def team_workbook(tmp_path: Path, partners: Sequence[Mapping[str, object]] = TEAM) -> Path:
    return build_partners_workbook(
        tmp_path / "partners.xlsx",
        partners,
        headers=TEMPLATE_HEADERS,
        settings={"Chargeable rate": 100},
    )


# --- the reference ---------------------------------------------------------------------------


def half_up(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def reference(partners: Sequence[Mapping[str, object]]) -> list[dict[str, Any]]:
    """The contract's Owners section: per owner (case and spaces aside, shown as first
    written, by name, no owner last) the partners, the ranked ones, the hours, the mean
    score and the less-time partner among them, never the firm's most important."""
    expected = expected_results(partners)

    def score(p: Mapping[str, object]) -> float | None:
        return expected[str(p["Partner"])].weighted_score

    def key(text: object) -> str:
        return " ".join(str(text or "").split()).casefold()

    ranked = [p for p in partners if score(p) is not None]
    most = min(
        ranked,
        key=lambda p: (
            -(score(p) or 0),
            -float(p.get("Fees received") or 0),  # type: ignore[arg-type]
            -int(p.get("Referrals received") or 0),  # type: ignore[call-overload]
            key(p["Partner"]),
        ),
    )
    groups: dict[str, list[Mapping[str, object]]] = {}
    for partner in partners:
        groups.setdefault(key(partner.get("Owner")), []).append(partner)
    found = []
    for owner in [*sorted(k for k in groups if k), *([""] if "" in groups else [])]:
        members = groups[owner]
        scored = [p for p in members if score(p) is not None]
        per_hour = {
            str(p["Partner"]): expected[str(p["Partner"])].score_per_hour
            for p in scored
            if p is not most and float(p.get("Hours per month") or 0) > 0  # type: ignore[arg-type]
        }
        less = min(per_hour, key=lambda name: (per_hour[name], key(name)), default=None)
        total = sum((Decimal(str(score(p))) for p in scored), Decimal(0))
        found.append(
            {
                "owner": " ".join(str(members[0]["Owner"]).split()) if owner else None,
                "partners": len(members),
                "ranked": len(scored),
                "hours_per_month": sum(float(p.get("Hours per month") or 0) for p in members),  # type: ignore[arg-type]
                "average_score": half_up(total / len(scored)) if scored else None,
                "less_time": less,
            }
        )
    return found


def owners_found(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {**o, "less_time": o["less_time"]["partner"] if o["less_time"] else None}
        for o in document["owners"]
    ]


# --- the owners, by hand and by the reference -------------------------------------------------


def test_each_owner_of_a_team(tmp_path: Path) -> None:
    document = reviewed_json(team_workbook(tmp_path))
    found = owners_found(document)
    assert found == reference(TEAM)
    assert found == [
        {
            "owner": "Ann Lee",
            "partners": 2,
            "ranked": 2,
            "hours_per_month": 10,
            "average_score": 75.0,
            "less_time": None,  # Top Firm is the firm's most important; Ann B gives no hours
        },
        {
            "owner": "Sam Turner",
            "partners": 2,
            "ranked": 2,
            "hours_per_month": 7,
            "average_score": 42.9,  # (50 + 35.7) / 2 = 42.85, rounded half away from zero
            "less_time": "Sam A",  # 10.0 points an hour against Sam B's 17.9
        },
        {
            "owner": "Zoe",
            "partners": 1,
            "ranked": 0,
            "hours_per_month": 0,
            "average_score": None,
            "less_time": None,
        },
        {
            "owner": None,
            "partners": 2,
            "ranked": 1,
            "hours_per_month": 5,
            "average_score": 0.0,
            "less_time": "Nobody A",
        },
    ]
    sam = document["owners"][1]["less_time"]
    assert (sam["hours_per_month"], sam["value_per_year"], sam["score_per_hour"]) == (5, 6000, 10.0)
    assert sam["answer"].startswith("Spend less time with Sam A: 5 hours a month give")
    # The firm's answer is its own: over every partner but Top Firm.
    assert document["less_time"]["partner"] == "Nobody A"
    owner_of = {p["partner"]: p["owner"] for p in document["partners"]}
    assert owner_of == {
        "Top Firm": "Ann Lee",
        "Sam A": "Sam Turner",
        "Ann B": "Ann Lee",
        "Sam B": "Sam Turner",  # as first written
        "Nobody A": None,
        "Zed": "Zoe",
        "Nobody B": None,
    }


def test_an_owner_is_shown_as_first_written(tmp_path: Path) -> None:
    partners = [
        {"Partner": "One", "Owner": "  sam   TURNER ", "Hours per month": 2, **KEEP},
        {"Partner": "Two", "Owner": "Sam Turner", "Hours per month": 4, **IMPROVE},
        {"Partner": "Three", "Owner": "Ann", **STRONG},
    ]
    document = reviewed_json(team_workbook(tmp_path, partners))
    assert [o["owner"] for o in document["owners"]] == ["Ann", "sam TURNER"]
    assert {p["partner"]: p["owner"] for p in document["partners"]} == {
        "Three": "Ann",
        "One": "sam TURNER",
        "Two": "sam TURNER",
    }
    assert owners_found(document) == reference(partners)


def test_no_owner_anywhere_gives_no_owners(tmp_path: Path) -> None:
    partners = [{"Partner": "One", "Hours per month": 2, **KEEP}, {"Partner": "Two", **STRONG}]
    document = reviewed_json(team_workbook(tmp_path, partners))
    assert document["owners"] == []
    assert all(p["owner"] is None for p in document["partners"])
    assert reference(partners) == [
        {
            "owner": None,
            "partners": 2,
            "ranked": 2,
            "hours_per_month": 2,
            "average_score": 75.0,
            "less_time": "One",
        }
    ], "the reference groups them all as no owner; the contract shows nothing then"


# --- the Review sheet ----------------------------------------------------------------------------


def review_texts(path: Path) -> list[str]:
    """The Review's first cells, paragraphs joined back into one line each."""
    sheet = openpyxl.load_workbook(path)["Review"]
    return [
        " ".join(str(row[0].value).split("\n"))
        for row in sheet.iter_rows(max_col=1)
        if row[0].value is not None
    ]


def test_the_review_has_a_section_per_owner(tmp_path: Path) -> None:
    path = team_workbook(tmp_path)
    assert run("review", str(path), "--date", DAY).exit_code == 0
    texts = review_texts(path)
    start = texts.index("By owner")
    assert texts.index("Overdue for contact") < start < texts.index("Weighted scores")
    owners = texts[start + 2 : texts.index("Weighted scores")]
    assert owners == [
        "Ann Lee: 2 partners, 2 ranked, 10 hours a month, average weighted score 75.0.",
        "No answer yet: fill in Hours per month on the Partners sheet for the partners you "
        "spend time with (other than your most important one).",
        "Sam Turner: 2 partners, 2 ranked, 7 hours a month, average weighted score 42.9.",
        "Spend less time with Sam A: 5 hours a month give the lowest weighted score per hour "
        "(10.0) of the partners you give time to. That frees 60 hours a year, worth £6,000 a "
        "year at your chargeable rate of £100 an hour.",
        "Zoe: 1 partner, none ranked yet, 0 hours a month.",
        "No answer yet: fill in Hours per month on the Partners sheet for the partners you "
        "spend time with (other than your most important one).",
        "No owner: 2 partners, 1 ranked, 5 hours a month, average weighted score 0.0.",
        "Spend less time with Nobody A: 2 hours a month give the lowest weighted score per "
        "hour (0.0) of the partners you give time to. That frees 24 hours a year, worth "
        "£2,400 a year at your chargeable rate of £100 an hour.",
    ]


@pytest.mark.parametrize("owner", [None, "   "])
def test_without_owners_the_review_has_no_owners_section(tmp_path: Path, owner: str | None) -> None:
    partners = [{"Partner": "One", "Owner": owner, "Last contact": dt.date(2026, 1, 1), **KEEP}]
    path = team_workbook(tmp_path, partners)
    assert run("review", str(path), "--date", DAY).exit_code == 0
    texts = review_texts(path)
    assert "By owner" not in texts
    assert "Overdue for contact" in texts
