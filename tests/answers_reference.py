"""The contract's answers worked out by brute force, in exact arithmetic, to check the review by.

Written from the workbook contract alone, without partnersheet's code: the weighted score of
each partner under a set of weights, the three answers that name one partner (most important,
least effective, less time) with their runner-ups and margins, and the close calls found by
trying every allowed weight one at a time and re-deciding every answer with the v1 rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from conftest import INGREDIENTS


@dataclass(frozen=True)
class Someone:
    """A partner as the reference sees it."""

    name: str
    scores: tuple[int | None, ...]
    hours: float | None = None
    fees: float | None = None
    received: int | None = None


@dataclass(frozen=True)
class Rules:
    """The Settings the answers depend on."""

    low: int = 1
    high: int = 5
    missing: str = "Score what is there"
    within: int = 50


@dataclass(frozen=True)
class Call:
    ingredient: str
    weight: Fraction
    new_weight: Fraction
    answer: str


@dataclass(frozen=True)
class Sureness:
    answer: str | None
    runner_up: str | None
    margin: Fraction | None
    close_call: Call | None


def exact(number: float) -> Fraction:
    """A number as typed in a cell (its shortest decimal form), exactly."""
    return Fraction(Decimal(repr(float(number))))


def rounded(value: Fraction, digits: int = 1) -> Fraction:
    """Half away from zero, on the exact value."""
    step = Fraction(1, 10**digits)
    units = abs(value) / step
    whole = int(units) + (1 if units - int(units) >= Fraction(1, 2) else 0)
    return (whole * step) * (1 if value >= 0 else -1)


def score(someone: Someone, weights: Sequence[Fraction], rules: Rules) -> Fraction | None:
    """The rounded weighted score, or None when the partner is not ranked."""
    given = list(someone.scores)
    if all(s is None for s in given):
        return None
    if rules.missing == "Do not rank" and None in given:
        return None
    if rules.missing == "Count as lowest":
        given = [rules.low if s is None else s for s in given]
    counted = [(w, s) for w, s in zip(weights, given, strict=True) if s is not None]
    total_weight = sum((w for w, _ in counted), Fraction(0))
    if total_weight == 0:
        return None
    total = sum((w * (s - rules.low) for w, s in counted), Fraction(0))
    return rounded(100 * total / ((rules.high - rules.low) * total_weight))


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _order(scored: list[tuple[Someone, Fraction]]) -> list[tuple[Someone, Fraction]]:
    """Most important first: score, then fees, then referrals received, then name."""
    return sorted(
        scored,
        key=lambda found: (
            -found[1],
            -exact(found[0].fees or 0),
            -(found[0].received or 0),
            _name_key(found[0].name),
        ),
    )


def _per_hour(
    scored: list[tuple[Someone, Fraction]], top: Someone | None
) -> list[tuple[Someone, Fraction]]:
    """The Less time candidates in order: lowest score per hour, then lower fees, then name."""
    candidates = [
        (someone, rounded(value / exact(someone.hours or 0)))
        for someone, value in scored
        if someone is not top and (someone.hours or 0) > 0
    ]
    return sorted(
        candidates,
        key=lambda found: (found[1], exact(found[0].fees or 0), _name_key(found[0].name)),
    )


def decide(
    partners: Sequence[Someone], weights: Sequence[Fraction], rules: Rules
) -> list[list[tuple[Someone, Fraction]]]:
    """For each question, the candidates in the order the rules pick them, with the value
    that decides (weighted score, or score per hour)."""
    scored = [(p, s) for p in partners if (s := score(p, weights, rules)) is not None]
    by_importance = _order(scored)
    top = by_importance[0][0] if by_importance else None
    return [by_importance, list(reversed(by_importance)), _per_hour(scored, top)]


def sureness(partners: Sequence[Someone], weights: Sequence[float], rules: Rules) -> list[Sureness]:
    """Each question's answer, runner-up, margin and close call, by brute force."""
    given = [exact(w) for w in weights]
    now = decide(partners, given, rules)
    answers = [order[0][0].name if order else None for order in now]
    calls: list[Call | None] = [None, None, None]
    for size in range(1, rules.within // 10 + 1):
        for index, ingredient in enumerate(INGREDIENTS):
            if given[index] <= 0:
                continue
            for step in (-size, size):
                changed = list(given)
                changed[index] = given[index] * (1 + Fraction(step, 10))
                then = decide(partners, changed, rules)
                for question, order in enumerate(then):
                    picked = order[0][0].name if order else None
                    open_question = calls[question] is None and answers[question] is not None
                    if open_question and picked is not None and picked != answers[question]:
                        calls[question] = Call(ingredient, given[index], changed[index], picked)
    found = []
    for question, order in enumerate(now):
        runner = order[1] if len(order) > 1 else None
        found.append(
            Sureness(
                answer=answers[question],
                runner_up=runner[0].name if runner else None,
                margin=abs(runner[1] - order[0][1]) if runner else None,
                close_call=calls[question],
            )
        )
    return found


def decimal_text(value: Fraction, digits: int) -> str:
    """A rounded value as the decimal the contract shows."""
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return str(number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
