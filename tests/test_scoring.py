"""The scoring rules: weighted score, rounding, rank, band, Work on, Score per hour, Status.

Expected scores are worked out here from the contract's formula with exact fractions and a
half-up rounding of our own, never with the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import pytest

from partnersheet.core.model import (
    Band,
    Ingredient,
    IngredientWeight,
    MissingScores,
    Partner,
    Settings,
    Weights,
)
from partnersheet.core.scoring import band, excel_round, score_partners, weighted_score, work_on

INGREDIENTS = tuple(Ingredient)
SCORE = MissingScores.SCORE_WHAT_IS_THERE
LOWEST = MissingScores.COUNT_AS_LOWEST
DO_NOT_RANK = MissingScores.DO_NOT_RANK
ONES = (1, 1, 1, 1, 1, 1, 1)

Scores = Sequence[int | None]
WeightValues = Sequence[int | float | str]


# --- helpers ---------------------------------------------------------------------------------


def make_weights(values: WeightValues) -> Weights:
    return Weights(
        {i: IngredientWeight(i, float(v)) for i, v in zip(INGREDIENTS, values, strict=True)}
    )


def make_partner(
    scores: Scores,
    *,
    name: str = "Partner",
    row: int = 2,
    hours: float | None = None,
) -> Partner:
    return Partner(
        row=row,
        name=name,
        hours_per_month=hours,
        scores=tuple(scores),
    )


def exact_score(
    scores: Scores,
    weights: WeightValues,
    low: int = 1,
    high: int = 5,
    missing: MissingScores = SCORE,
) -> Fraction | None:
    """The contract's formula, in exact arithmetic; None when the partner is not ranked."""
    if all(s is None for s in scores):
        return None
    if missing is DO_NOT_RANK and any(s is None for s in scores):
        return None
    counted: list[tuple[Fraction, Fraction]] = []
    for score, weight in zip(scores, weights, strict=True):
        if score is None:
            if missing is SCORE:
                continue
            score = low
        counted.append((Fraction(score), Fraction(str(weight))))
    weight_sum = sum(w for _, w in counted)
    if weight_sum == 0:
        return None
    total = sum(w * (s - low) for s, w in counted)
    return 100 * total / ((high - low) * weight_sum)


def half_up(value: Fraction, digits: int = 1) -> Fraction:
    """Round half away from zero, exactly."""
    scale = 10**digits
    magnitude = Fraction(math.floor(abs(value) * scale + Fraction(1, 2)), scale)
    return magnitude if value >= 0 else -magnitude


def settings_for(low: int, high: int, missing: MissingScores) -> Settings:
    return Settings(lowest_score=low, highest_score=high, missing_scores=missing)


# --- the weighted score ------------------------------------------------------------------------

SCORE_CASES = [
    # id, scores, weights, lowest, highest, missing scores, expected rounded score
    ("all at highest", (5, 5, 5, 5, 5, 5, 5), ONES, 1, 5, SCORE, "100"),
    ("all at lowest", (1, 1, 1, 1, 1, 1, 1), ONES, 1, 5, SCORE, "0"),
    ("all in the middle", (3, 3, 3, 3, 3, 3, 3), ONES, 1, 5, SCORE, "50"),
    ("mixed", (5, 4, 3, 2, 1, 5, 4), ONES, 1, 5, SCORE, "60.7"),
    ("four weighted", (1, 1, 1, 1, 5, 5, 3), (0, 0, 0, 1, 1, 1, 1), 1, 5, SCORE, "62.5"),
    ("two thirds", (1, 1, 1, 1, 1, 5, 3), (0, 0, 0, 0, 0, 1, 2), 1, 5, SCORE, "66.7"),
    ("weighted", (5, 1, 1, 1, 1, 1, 1), (2, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "25"),
    ("heavy trust", (2, 5, 5, 5, 5, 5, 5), (3, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "75"),
    ("decimal weights", (4, 2, 5, 3, 1, 4, 2), (0.5, 1.5, 2, 1, 0.25, 1, 3), 1, 5, SCORE, "51.4"),
    ("zero weight ignored", (1, 5, 5, 5, 5, 5, 5), (0, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "100"),
    ("zero weights but one", (5, 1, 1, 1, 1, 1, 2), (0, 0, 0, 0, 0, 0, 1), 1, 5, SCORE, "25"),
    ("scale 0 to 10", (10, 0, 5, 5, 5, 5, 5), ONES, 0, 10, SCORE, "50"),
    ("scale 0 to 10, mixed", (7, 8, 9, 6, 10, 3, 2), ONES, 0, 10, SCORE, "64.3"),
    ("scale 1 to 10", (10, 10, 10, 10, 10, 10, 1), ONES, 1, 10, SCORE, "85.7"),
    ("scale 1 to 3", (2, 2, 3, 1, 3, 2, 2), ONES, 1, 3, SCORE, "57.1"),
    ("scale -2 to 2", (2, -2, 0, 1, -1, 2, 0), ONES, -2, 2, SCORE, "57.1"),
    # Exactly halfway at the second decimal: rounded half up, not to even, not by float.
    ("6.25 rounds up", (1, 2, 2, 1, 1, 1, 1), (2, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "6.3"),
    ("6.25 on 0 to 10", (0, 1, 1, 1, 1, 1, 0), (2, 1, 1, 1, 1, 1, 1), 0, 10, SCORE, "6.3"),
    ("18.75 rounds up", (1, 2, 2, 2, 2, 2, 2), (2, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "18.8"),
    ("31.25 rounds up", (1, 3, 3, 3, 3, 2, 2), (2, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "31.3"),
    ("43.75 rounds up", (2, 3, 3, 3, 3, 3, 3), (2, 1, 1, 1, 1, 1, 1), 1, 5, SCORE, "43.8"),
    # Decimal weights whose float arithmetic lands a hair below the half (56.2499...).
    (
        "float noise below half",
        (1, 3, 2, 5, 4, 2, 5),
        (0.4, 0.6, 0.7, 0.6, 0.7, 0.7, 0.7),
        1,
        5,
        SCORE,
        "56.3",
    ),
    (
        "float noise, 18.75",
        (2, 1, 4, 3, 1, 2, 1),
        (0.6, 0.4, 0.3, 0.4, 0.2, 0.4, 1.3),
        1,
        5,
        SCORE,
        "18.8",
    ),
    ("just below half", (5, 4, 3, 2, 1, 1, 1), ONES, 1, 5, SCORE, "35.7"),
    ("just above half", (5, 5, 5, 5, 3, 1, 1), ONES, 1, 5, SCORE, "64.3"),
    # Blank scores, under each Missing scores setting.
    ("blanks, score what is there", (5, None, 3, None, 1, 5, 5), ONES, 1, 5, SCORE, "70"),
    ("blanks, count as lowest", (5, None, 3, None, 1, 5, 5), ONES, 1, 5, LOWEST, "50"),
    ("blanks, do not rank", (5, None, 3, None, 1, 5, 5), ONES, 1, 5, DO_NOT_RANK, None),
    ("no blanks, do not rank", (5, 4, 3, 2, 1, 5, 4), ONES, 1, 5, DO_NOT_RANK, "60.7"),
    ("no blanks, count as lowest", (5, 4, 3, 2, 1, 5, 4), ONES, 1, 5, LOWEST, "60.7"),
    ("one score only", (None, None, 4, None, None, None, None), ONES, 1, 5, SCORE, "75"),
    (
        "one score, count as lowest",
        (None, None, 5, None, None, None, None),
        ONES,
        1,
        5,
        LOWEST,
        "14.3",
    ),
    ("blank lowest on 0 to 10", (10, None, 10, 10, 10, 10, 10), ONES, 0, 10, LOWEST, "85.7"),
    ("blank weighted 0", (None, 5, 5, 5, 5, 5, 5), (0, 1, 1, 1, 1, 1, 1), 1, 5, LOWEST, "100"),
    ("no scores at all", (None,) * 7, ONES, 1, 5, SCORE, None),
    ("no scores, count as lowest", (None,) * 7, ONES, 1, 5, LOWEST, None),
    ("no scores, do not rank", (None,) * 7, ONES, 1, 5, DO_NOT_RANK, None),
    (
        "only zero weights scored",
        (3, None, None, None, None, None, None),
        (0, 1, 1, 1, 1, 1, 1),
        1,
        5,
        SCORE,
        None,
    ),
    (
        "only zero weights, as lowest",
        (3, None, None, None, None, None, None),
        (0, 1, 1, 1, 1, 1, 1),
        1,
        5,
        LOWEST,
        "0",
    ),
]


@pytest.mark.parametrize(
    ("scores", "weights", "low", "high", "missing", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in SCORE_CASES],
)
def test_weighted_score_follows_the_formula(
    scores: Scores,
    weights: WeightValues,
    low: int,
    high: int,
    missing: MissingScores,
    expected: str | None,
) -> None:
    exact = exact_score(scores, weights, low, high, missing)
    # The table itself agrees with the formula, so a wrong row cannot hide a wrong result.
    assert (None if exact is None else half_up(exact)) == (
        None if expected is None else Fraction(expected)
    )

    (result,) = score_partners(
        [make_partner(scores)], make_weights(weights), settings_for(low, high, missing)
    )
    assert result.weighted_score == (None if expected is None else float(expected))
    assert result.ranked is (expected is not None)
    assert (result.band is None) is (expected is None)


@pytest.mark.parametrize(
    ("scores", "weights", "low", "high", "missing"),
    [pytest.param(*case[1:6], id=case[0]) for case in SCORE_CASES if case[6] is not None],
)
def test_unrounded_score_is_the_exact_formula(
    scores: Scores, weights: WeightValues, low: int, high: int, missing: MissingScores
) -> None:
    exact = exact_score(scores, weights, low, high, missing)
    assert exact is not None
    raw = weighted_score(
        make_partner(scores), make_weights(weights), settings_for(low, high, missing)
    )
    assert raw == pytest.approx(float(exact), abs=1e-9)


def test_a_blank_is_never_taken_as_zero() -> None:
    # On a 0 to 10 scale a blank read as 0 would look like the Lowest score; it must not
    # pull the score down when scoring what is there.
    scores = (10, None, 10, 10, 10, 10, 10)
    (result,) = score_partners(
        [make_partner(scores)], make_weights(ONES), settings_for(0, 10, SCORE)
    )
    assert result.weighted_score == 100.0


# --- rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (6.25, 1, 6.3),
        (6.35, 1, 6.4),  # 6.35 is stored as 6.3499999...; Excel shows and rounds 6.35
        (0.15, 1, 0.2),
        (0.05, 1, 0.1),
        (74.95, 1, 75.0),
        (29.95, 1, 30.0),
        (2.675, 2, 2.68),
        (1.005, 2, 1.01),
        (-6.25, 1, -6.3),
        (-0.05, 1, -0.1),
        (60.74, 1, 60.7),
        (99.99, 1, 100.0),
        (100.0, 1, 100.0),
        (0.0, 1, 0.0),
        (12.5, 0, 13.0),
        (13.5, 0, 14.0),
        (100 / 3, 1, 33.3),
        (200 / 3, 1, 66.7),
    ],
)
def test_excel_round_is_half_away_from_zero(value: float, digits: int, expected: float) -> None:
    assert excel_round(value, digits) == expected


def test_rounding_is_not_pythons_round() -> None:
    # Python rounds 6.25 to even (6.2): the score must not.
    assert round(6.25, 1) == 6.2
    scores = (1, 2, 2, 1, 1, 1, 1)
    (result,) = score_partners(
        [make_partner(scores)], make_weights((2, 1, 1, 1, 1, 1, 1)), Settings()
    )
    assert result.weighted_score == 6.3


# --- rank ------------------------------------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    partners = [
        make_partner((3, 3, 3, 3, 3, 3, 3), name="Middle A", row=2),  # 50
        make_partner((5, 5, 5, 5, 5, 5, 5), name="Top", row=3),  # 100
        make_partner((3, 3, 3, 3, 3, 3, 3), name="Middle B", row=4),  # 50
        make_partner((1, 1, 1, 1, 1, 1, 2), name="Bottom", row=5),  # 3.6
        make_partner((None,) * 7, name="Unscored", row=6),
    ]
    results = score_partners(partners, make_weights(ONES), Settings())
    assert [r.partner.name for r in results] == [p.name for p in partners]
    assert [r.rank for r in results] == [2, 1, 2, 4, None]
    assert [r.weighted_score for r in results] == [50.0, 100.0, 50.0, 3.6, None]


def test_three_way_tie_then_skip_to_five() -> None:
    partners = [
        make_partner((4, 4, 4, 4, 4, 4, 4), name="A", row=2),
        make_partner((4, 4, 4, 4, 4, 4, 4), name="B", row=3),
        make_partner((5, 5, 5, 5, 5, 5, 5), name="C", row=4),
        make_partner((4, 4, 4, 4, 4, 4, 4), name="D", row=5),
        make_partner((2, 2, 2, 2, 2, 2, 2), name="E", row=6),
    ]
    results = score_partners(partners, make_weights(ONES), Settings())
    assert [r.rank for r in results] == [2, 2, 1, 2, 5]


def test_rank_uses_the_rounded_score() -> None:
    # On a 0 to 100 scale with weights summing to 16, Friendship 1 and Friendship 2 give
    # 50.0625 and 50.125: different unrounded scores, both shown as 50.1, so one rank.
    weights = make_weights((10, 1, 1, 1, 1, 1, 1))
    settings = settings_for(0, 100, SCORE)
    partners = [
        make_partner((100, 100, 100, 100, 100, 100, 100), name="Top", row=2),
        make_partner((80, 1, 0, 0, 0, 0, 0), name="Close A", row=3),
        make_partner((80, 2, 0, 0, 0, 0, 0), name="Close B", row=4),
        make_partner((80, 0, 0, 0, 0, 0, 0), name="Under", row=5),
    ]
    raws = [weighted_score(p, weights, settings) for p in partners]
    assert raws[1] != raws[2]
    results = score_partners(partners, weights, settings)
    assert [r.weighted_score for r in results] == [100.0, 50.1, 50.1, 50.0]
    assert [r.rank for r in results] == [1, 2, 2, 4]


def test_unranked_partners_take_no_rank_place() -> None:
    partners = [
        make_partner((None,) * 7, name="Unscored", row=2),
        make_partner((2, 2, 2, 2, 2, 2, 2), name="Low", row=3),
        make_partner((5, 4, 5, None, 5, 5, 5), name="Blank", row=4),
        make_partner((5, 5, 5, 5, 5, 5, 4), name="High", row=5),
    ]
    results = score_partners(partners, make_weights(ONES), settings_for(1, 5, DO_NOT_RANK))
    assert [r.rank for r in results] == [None, 2, None, 1]


# --- band -------------------------------------------------------------------------------------

CUSTOM_BANDS = Settings(strong_from=80, keep_from=60.5, improve_from=17.9)


@pytest.mark.parametrize(
    ("score", "settings", "expected"),
    [
        (100.0, Settings(), Band.STRONG),
        (75.0, Settings(), Band.STRONG),
        (74.9, Settings(), Band.KEEP),
        (50.0, Settings(), Band.KEEP),
        (49.9, Settings(), Band.IMPROVE),
        (30.0, Settings(), Band.IMPROVE),
        (29.9, Settings(), Band.DITCH),
        (0.0, Settings(), Band.DITCH),
        (80.0, CUSTOM_BANDS, Band.STRONG),
        (79.9, CUSTOM_BANDS, Band.KEEP),
        (60.5, CUSTOM_BANDS, Band.KEEP),
        (60.4, CUSTOM_BANDS, Band.IMPROVE),
        (17.9, CUSTOM_BANDS, Band.IMPROVE),
        (17.8, CUSTOM_BANDS, Band.DITCH),
        (75.0, CUSTOM_BANDS, Band.KEEP),
        (30.0, CUSTOM_BANDS, Band.IMPROVE),
    ],
)
def test_band_thresholds_are_at_or_above(score: float, settings: Settings, expected: Band) -> None:
    assert band(score, settings) is expected


@pytest.mark.parametrize(
    ("scores", "settings", "expected_score", "expected_band"),
    [
        # 5/28 of the range is 17.857...: shown as 17.9, so it is at Improve from 17.9.
        ((2, 2, 2, 2, 2, 1, 1), CUSTOM_BANDS, 17.9, Band.IMPROVE),
        ((2, 2, 2, 2, 1, 1, 1), CUSTOM_BANDS, 14.3, Band.DITCH),
        # 17/28 is 60.714...: shown as 60.7, above Keep from 60.5.
        ((5, 4, 3, 2, 1, 5, 4), CUSTOM_BANDS, 60.7, Band.KEEP),
        (
            (5, 5, 5, 5, 5, 5, 1),
            Settings(strong_from=85.7, keep_from=50, improve_from=30),
            85.7,
            Band.STRONG,
        ),
        (
            (5, 5, 5, 5, 5, 5, 1),
            Settings(strong_from=85.8, keep_from=50, improve_from=30),
            85.7,
            Band.KEEP,
        ),
        # Exactly at the default thresholds.
        ((4, 4, 4, 4, 4, 4, 4), Settings(), 75.0, Band.STRONG),
        ((3, 3, 3, 3, 3, 3, 3), Settings(), 50.0, Band.KEEP),
    ],
)
def test_band_uses_the_rounded_score(
    scores: Scores, settings: Settings, expected_score: float, expected_band: Band
) -> None:
    (result,) = score_partners([make_partner(scores)], make_weights(ONES), settings)
    assert result.weighted_score == expected_score
    assert result.band is expected_band


def test_band_thresholds_on_a_custom_scale() -> None:
    # On 0 to 10 with Trust weighted 2: 30 is exactly Improve from, 75 exactly Strong from.
    settings = Settings(lowest_score=0, highest_score=10)
    weights = make_weights((2, 1, 1, 1, 1, 1, 1))
    at_30 = make_partner((0, 4, 4, 4, 4, 4, 4), row=2)  # 24 of 80 → 30
    at_75 = make_partner((10, 10, 10, 10, 5, 5, 0), row=3)  # 60 of 80 → 75
    results = score_partners([at_30, at_75], weights, settings)
    assert [r.weighted_score for r in results] == [30.0, 75.0]
    assert [r.band for r in results] == [Band.IMPROVE, Band.STRONG]


# --- Work on -----------------------------------------------------------------------------------

TR, FR, OP, CR, RC, SG, VA = INGREDIENTS


@pytest.mark.parametrize(
    ("scores", "weights", "low", "high", "expected"),
    [
        pytest.param((5, 5, 5, 5, 5, 5, 2), ONES, 1, 5, (VA,), id="one"),
        pytest.param((5, 3, 5, 3, 5, 5, 5), ONES, 1, 5, (FR, CR), id="two-way tie"),
        pytest.param((2, 5, 2, 5, 2, 5, 5), ONES, 1, 5, (TR, OP), id="three-way tie, first two"),
        pytest.param((1,) * 7, ONES, 1, 5, (TR, FR), id="all lowest, first two"),
        pytest.param((5,) * 7, ONES, 1, 5, (), id="all at highest"),
        pytest.param((10,) * 7, ONES, 0, 10, (), id="all at highest on 0 to 10"),
        pytest.param((5, None, 5, 5, 5, 5, 2), ONES, 1, 5, (FR,), id="blank counts as lowest"),
        pytest.param((None, 1, 5, 5, 5, 5, 5), ONES, 1, 5, (TR, FR), id="blank ties with lowest"),
        pytest.param((3, 2, 5, 5, 5, 5, 5), (3, 1, 1, 1, 1, 1, 1), 1, 5, (TR,), id="weight wins"),
        pytest.param((4, 1, 5, 5, 5, 5, 5), (3, 1, 1, 1, 1, 1, 1), 1, 5, (FR,), id="gap wins"),
        pytest.param((4, 3, 5, 5, 5, 5, 5), (2, 1, 1, 1, 1, 1, 1), 1, 5, (TR, FR), id="equal gain"),
        pytest.param((5, 5, 5, 5, 5, 5, 1), (1, 1, 1, 1, 1, 1, 0), 1, 5, (), id="only weight 0"),
        pytest.param((1, 4, 5, 5, 5, 5, 5), (0, 1, 1, 1, 1, 1, 1), 1, 5, (FR,), id="skip weight 0"),
        pytest.param((6, 10, 10, 10, 10, 3, 10), ONES, 0, 10, (SG,), id="custom scale"),
        pytest.param((None,) * 7, (1, 1, 2, 1, 1, 1, 1), 1, 5, (OP,), id="unscored partner"),
    ],
)
def test_work_on(
    scores: Scores,
    weights: WeightValues,
    low: int,
    high: int,
    expected: tuple[Ingredient, ...],
) -> None:
    settings = settings_for(low, high, SCORE)
    assert work_on(make_partner(scores), make_weights(weights), settings) == expected
    (result,) = score_partners([make_partner(scores)], make_weights(weights), settings)
    assert result.work_on == expected


def test_work_on_is_given_to_partners_not_ranked() -> None:
    (result,) = score_partners(
        [make_partner((5, None, 5, 5, 5, 5, 5))],
        make_weights(ONES),
        settings_for(1, 5, DO_NOT_RANK),
    )
    assert not result.ranked
    assert result.work_on == (FR,)


# --- Score per hour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "hours"),
    [
        ((5, 4, 3, 2, 1, 5, 4), 4),  # 60.7 / 4 = 15.175 → 15.2
        ((5, 4, 3, 2, 1, 5, 4), 2.5),
        ((5, 4, 3, 2, 1, 5, 4), 3),
        ((5, 5, 5, 5, 5, 5, 5), 8),  # 12.5
        ((2, 2, 2, 2, 2, 2, 2), 4),  # 25 / 4 = 6.25 → 6.3, where round() gives 6.2
        ((5, 5, 5, 5, 5, 5, 5), 0.5),
        ((3, 3, 3, 3, 3, 3, 3), 1),
        ((1, 1, 1, 1, 1, 1, 1), 6),
        ((2, 2, 2, 2, 2, 1, 1), 7),
    ],
)
def test_score_per_hour_divides_the_rounded_score(scores: Scores, hours: float) -> None:
    (result,) = score_partners([make_partner(scores, hours=hours)], make_weights(ONES), Settings())
    assert result.weighted_score is not None
    shown = Fraction(str(result.weighted_score))
    assert result.score_per_hour == float(half_up(shown / Fraction(str(hours))))


def test_score_per_hour_rounds_half_up() -> None:
    (result,) = score_partners(
        [make_partner((5, 4, 3, 2, 1, 5, 4), hours=4)], make_weights(ONES), Settings()
    )
    assert (result.weighted_score, result.score_per_hour) == (60.7, 15.2)
    (result,) = score_partners(
        [make_partner((2, 2, 2, 2, 2, 2, 2), hours=4)], make_weights(ONES), Settings()
    )
    assert (result.weighted_score, result.score_per_hour) == (25.0, 6.3)


@pytest.mark.parametrize(
    ("scores", "hours", "missing"),
    [
        ((5, 4, 3, 2, 1, 5, 4), None, SCORE),
        ((5, 4, 3, 2, 1, 5, 4), 0, SCORE),
        ((None,) * 7, 4, SCORE),
        ((5, None, 3, 2, 1, 5, 4), 4, DO_NOT_RANK),
    ],
)
def test_score_per_hour_is_blank_without_hours_or_score(
    scores: Scores, hours: float | None, missing: MissingScores
) -> None:
    (result,) = score_partners(
        [make_partner(scores, hours=hours)], make_weights(ONES), settings_for(1, 5, missing)
    )
    assert result.score_per_hour is None


# --- Status --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "weights", "missing", "status"),
    [
        ((5, 4, 3, 2, 1, 5, 4), ONES, SCORE, "OK"),
        ((5, 4, 3, 2, 1, 5, 4), ONES, LOWEST, "OK"),
        ((5, 4, 3, 2, 1, 5, 4), ONES, DO_NOT_RANK, "OK"),
        ((None, None, 3, 2, 1, 5, 4), ONES, SCORE, "Provisional: Trust, Friendship not scored"),
        ((None, None, 3, 2, 1, 5, 4), ONES, LOWEST, "Provisional: Trust, Friendship not scored"),
        (
            (None, None, 3, 2, 1, 5, 4),
            ONES,
            DO_NOT_RANK,
            "Not ranked: Trust, Friendship not scored",
        ),
        ((5, 4, 3, 2, 1, 5, None), ONES, SCORE, "Provisional: Values alignment not scored"),
        (
            (5, 4, None, 2, None, None, 4),
            ONES,
            DO_NOT_RANK,
            "Not ranked: Opportunity, Regular communication, Shared goals not scored",
        ),
        ((None,) * 7, ONES, SCORE, "Not ranked: no ingredient is scored yet"),
        ((None,) * 7, ONES, LOWEST, "Not ranked: no ingredient is scored yet"),
        ((None,) * 7, ONES, DO_NOT_RANK, "Not ranked: no ingredient is scored yet"),
        (
            (3, None, None, None, None, None, None),
            (0, 1, 1, 1, 1, 1, 1),
            SCORE,
            "Not ranked: only ingredients weighted 0 are scored",
        ),
        (
            (None, 4, 3, 2, 1, 5, 4),
            (0, 1, 1, 1, 1, 1, 1),
            SCORE,
            "Provisional: Trust not scored",
        ),
    ],
)
def test_status(scores: Scores, weights: WeightValues, missing: MissingScores, status: str) -> None:
    (result,) = score_partners(
        [make_partner(scores)], make_weights(weights), settings_for(1, 5, missing)
    )
    assert result.status == status
    assert result.provisional is (status != "OK")
    assert result.ranked is (not status.startswith("Not ranked"))
    assert (result.weighted_score is None) is status.startswith("Not ranked")
    assert (result.band is None) is status.startswith("Not ranked")
