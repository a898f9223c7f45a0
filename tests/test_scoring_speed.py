"""`score_partners` gives, to the last bit, what the scoring rules give applied one partner at
a time with the plain functions: whatever the scale, weights, blanks, hours and setting."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from partnersheet.model import (
    Ingredient,
    IngredientWeight,
    MissingScores,
    Partner,
    Settings,
    Weights,
)
from partnersheet.scoring import Score, band, excel_round, score_partners, weighted_score, work_on

INGREDIENTS = tuple(Ingredient)


def plain_scores(
    partners: Sequence[Partner], weights: Weights, the_settings: Settings
) -> list[Score]:
    """The rules as the contract states them, partner by partner."""
    found = []
    for partner in partners:
        raw = weighted_score(partner, weights, the_settings)
        unscored = partner.unscored
        if len(unscored) == len(INGREDIENTS):
            status, raw = "Not ranked: no ingredient is scored yet", None
        elif unscored and the_settings.missing_scores is MissingScores.DO_NOT_RANK:
            status = f"Not ranked: {', '.join(i.label for i in unscored)} not scored"
            raw = None
        elif raw is None:
            status = "Not ranked: only ingredients weighted 0 are scored"
        elif unscored:
            status = f"Provisional: {', '.join(i.label for i in unscored)} not scored"
        else:
            status = "OK"
        found.append((partner, None if raw is None else excel_round(raw), status))
    ranked = [value for _, value, _ in found if value is not None]
    results = []
    for partner, value, status in found:
        hours = partner.hours_per_month
        results.append(
            Score(
                partner=partner,
                weighted_score=value,
                rank=None if value is None else 1 + sum(other > value for other in ranked),
                band=None if value is None else band(value, the_settings),
                work_on=work_on(partner, weights, the_settings),
                score_per_hour=excel_round(value / hours) if value is not None and hours else None,
                status=status,
            )
        )
    return results


# Scales within the tables and wider, from 0; weights whole, fractional (not all exact in
# binary), zero and a few negative (whose scores leave 0 to 100 and are clamped).
SCALES = st.sampled_from([(1, 5), (0, 1), (0, 10), (1, 3), (-2, 2), (1, 100), (0, 150), (1, 500)])
WEIGHT = st.sampled_from([0, 0.0, 1, 1.0, 0.5, 0.1, 0.3, 0.7, 1.5, 2, 3.25, 7.1]) | st.sampled_from(
    [-1, -0.5, 1e-300]
)
HOURS = st.sampled_from([None, 0, 0.0, -0.0, 0.25, 1, 2.5, 3, 7.3, 160])


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Partner], Weights, Settings]:
    low, high = draw(SCALES)
    # Mostly scores on the scale, some off it (summed without the tables), and blanks.
    on_scale = st.integers(low, high)
    off_scale = st.sampled_from([low - 1, high + 1, high + 7])
    score = st.one_of(on_scale, on_scale, on_scale, st.none(), off_scale)
    # Few distinct scores, so that partners share them and their parts.
    pool = draw(st.lists(st.lists(score, min_size=7, max_size=7), min_size=1, max_size=6))
    rows = draw(
        st.lists(st.sampled_from(pool) | st.lists(score, min_size=7, max_size=7), max_size=30)
    )
    partners = []
    for n, values in enumerate(rows, start=2):
        order = draw(st.sampled_from([INGREDIENTS, INGREDIENTS[::-1]]))
        by_ingredient = dict(zip(INGREDIENTS, values, strict=True))
        # A blank is either held as None or left out.
        leave_out = draw(st.booleans())
        scores = {
            i: by_ingredient[i] for i in order if by_ingredient[i] is not None or not leave_out
        }
        partners.append(Partner(row=n, name=f"P{n}", hours_per_month=draw(HOURS), scores=scores))
    # Equal weights often, so that gains tie, across the ingredients and across the parts.
    weight_values = draw(st.lists(WEIGHT, min_size=7, max_size=7) | WEIGHT.map(lambda w: [w] * 7))
    weights = Weights(
        {i: IngredientWeight(i, w) for i, w in zip(INGREDIENTS, weight_values, strict=True)}
    )
    keep_from = draw(st.sampled_from([0, 30, 50, 62.5]))
    the_settings = Settings(
        lowest_score=low,
        highest_score=high,
        strong_from=keep_from + draw(st.sampled_from([0, 10, 25])),
        keep_from=keep_from,
        improve_from=draw(st.sampled_from([0, 30])),
        missing_scores=draw(st.sampled_from(list(MissingScores))),
    )
    return partners, weights, the_settings


@settings(max_examples=600, deadline=None)
@given(case=cases())
def test_score_partners_is_the_rules_partner_by_partner(
    case: tuple[list[Partner], Weights, Settings],
) -> None:
    partners, weights, the_settings = case
    # repr tells -0.0 from 0.0, and shows every bit of a float.
    assert repr(score_partners(partners, weights, the_settings)) == repr(
        tuple(plain_scores(partners, weights, the_settings))
    )


def test_a_tie_across_the_parts_names_the_first_two() -> None:
    weights = Weights({i: IngredientWeight(i, 1) for i in INGREDIENTS})
    cases = {
        (5, 5, 5, 1, 5, 1, 5): (Ingredient.CREDIBILITY, Ingredient.SHARED_GOALS),
        (5, 5, 5, 5, 1, 1, 5): (Ingredient.REGULAR_COMMUNICATION, Ingredient.SHARED_GOALS),
        (1, 5, 1, 5, 1, 5, 5): (Ingredient.TRUST, Ingredient.OPPORTUNITY),
        (5, 5, 5, 5, 5, 5, 4): (Ingredient.VALUES_ALIGNMENT,),
        (5, 5, 5, 5, 5, 5, 5): (),
    }
    partners = [
        Partner(row=n, name=f"P{n}", scores=dict(zip(INGREDIENTS, values, strict=True)))
        for n, values in enumerate(cases, start=2)
    ]
    found = score_partners(partners, weights, Settings())
    assert [s.work_on for s in found] == list(cases.values())
    assert repr(found) == repr(tuple(plain_scores(partners, weights, Settings())))
