"""The small tables: Settings, Weights and Competitors."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ..errors import Problem
from .model import (
    INGREDIENT_COUNT,
    Competitor,
    Ingredient,
    IngredientWeight,
    MissingScores,
    Setting,
    Settings,
    Weights,
    format_number,
    join_and,
    normalise_name,
)
from .sheets import (
    Row,
    SheetData,
    anything,
    as_choice,
    as_number,
    as_text,
    as_whole,
    column_letter,
    find_table,
    is_blank,
    is_empty,
    not_negative,
    rows_below,
    shown,
    split_names,
)

# --- Settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SettingReader:
    """How one setting's Value is read: the conversion, the advice when it does not fit,
    and the check it must pass."""

    convert: Callable[[object], object]
    advice: str
    check: Callable[[object], bool] = anything


def _percent(value: object) -> bool:
    return isinstance(value, float | int) and 0 <= value <= 100


def _not_negative_number(value: object) -> bool:
    return isinstance(value, float | int) and not_negative(value)


_SETTING_READERS: Mapping[Setting, _SettingReader] = {
    Setting.LOWEST_SCORE: _SettingReader(as_whole, "enter a whole number, such as 1"),
    Setting.HIGHEST_SCORE: _SettingReader(as_whole, "enter a whole number, such as 5"),
    Setting.STRONG_FROM: _SettingReader(
        as_number, "enter a number from 0 to 100, such as 75", _percent
    ),
    Setting.KEEP_FROM: _SettingReader(
        as_number, "enter a number from 0 to 100, such as 50", _percent
    ),
    Setting.IMPROVE_FROM: _SettingReader(
        as_number, "enter a number from 0 to 100, such as 30", _percent
    ),
    Setting.CHARGEABLE_RATE: _SettingReader(
        as_number,
        "enter your hourly rate as a number, 0 or more, without the currency sign",
        _not_negative_number,
    ),
    Setting.CURRENCY: _SettingReader(as_text, "enter a currency symbol, such as £"),
    Setting.MISSING_SCORES: _SettingReader(
        lambda value: as_choice(value, MissingScores),
        "choose Score what is there, Count as lowest, or Do not rank",
    ),
    Setting.CLOSE_CALL_WITHIN: _SettingReader(
        as_whole, "enter a whole number from 0 to 100", _percent
    ),
    **{
        setting: _SettingReader(
            as_whole,
            "enter a whole number of days, 0 or more (0 for no reminders)",
            _not_negative_number,
        )
        for setting in (
            Setting.CONTACT_STRONG_EVERY,
            Setting.CONTACT_KEEP_EVERY,
            Setting.CONTACT_IMPROVE_EVERY,
        )
    },
}


def read_settings(data: SheetData, problems: list[Problem]) -> Settings:
    if is_empty(data):
        return Settings()
    table = find_table(data, "Setting", ["Value"], problems, row_noun="setting")
    if table is None:
        return Settings()
    name_col, value_col = table.columns["setting"], table.columns["value"]
    seen: dict[Setting, int] = {}
    values: dict[Setting, object] = {}
    before = len(problems)
    rows = _named_rows(
        data,
        table.row,
        (name_col, value_col),
        {normalise_name(s.value): s for s in Setting},
        seen,
        problems,
        unnamed="this value has no setting name; type the setting's name",
        unknown=lambda label: (
            f"{shown(label)} is not a setting partnersheet knows; use one of "
            f"{', '.join(s.value for s in Setting)} (or delete the row)"
        ),
        repeated=lambda setting, first: (
            f"{setting.value} is already set in row {first}; keep one of the two rows"
        ),
    )
    for setting, row in rows:
        reader = _SETTING_READERS[setting]
        value = row.read(value_col, reader.convert, setting.value, reader.advice, reader.check)
        if value is not None:
            values[setting] = value
    settings = _settings(values)
    if len(problems) == before:
        problems.extend(_scale_and_threshold_problems(settings, data.title, seen, value_col))
    return settings


def _settings(values: Mapping[Setting, object]) -> Settings:
    """Settings from the values read, each missing one at its default."""
    defaults = Settings()

    def value(setting: Setting, default: object) -> object:
        return values.get(setting, default)

    def whole(setting: Setting, default: int) -> int:
        found = values.get(setting, default)
        return found if isinstance(found, int) else default

    return Settings(
        lowest_score=int(value(Setting.LOWEST_SCORE, defaults.lowest_score)),  # type: ignore[call-overload]
        highest_score=int(value(Setting.HIGHEST_SCORE, defaults.highest_score)),  # type: ignore[call-overload]
        strong_from=float(value(Setting.STRONG_FROM, defaults.strong_from)),  # type: ignore[arg-type]
        keep_from=float(value(Setting.KEEP_FROM, defaults.keep_from)),  # type: ignore[arg-type]
        improve_from=float(value(Setting.IMPROVE_FROM, defaults.improve_from)),  # type: ignore[arg-type]
        chargeable_rate=float(value(Setting.CHARGEABLE_RATE, defaults.chargeable_rate)),  # type: ignore[arg-type]
        currency=str(value(Setting.CURRENCY, defaults.currency)),
        missing_scores=value(Setting.MISSING_SCORES, defaults.missing_scores),  # type: ignore[arg-type]
        close_call_within=whole(Setting.CLOSE_CALL_WITHIN, defaults.close_call_within),
        contact_strong_every=whole(Setting.CONTACT_STRONG_EVERY, defaults.contact_strong_every),
        contact_keep_every=whole(Setting.CONTACT_KEEP_EVERY, defaults.contact_keep_every),
        contact_improve_every=whole(Setting.CONTACT_IMPROVE_EVERY, defaults.contact_improve_every),
    )


def _scale_and_threshold_problems(
    settings: Settings, title: str, seen: Mapping[Setting, int], value_col: int
) -> list[Problem]:
    """Problems of settings that do not fit together: the score scale, the band thresholds."""
    problems = []
    low, high = settings.lowest_score, settings.highest_score
    if high <= low:
        problems.append(
            Problem(
                title,
                _setting_cell(seen, value_col, Setting.HIGHEST_SCORE, Setting.LOWEST_SCORE),
                f"Highest score ({high}) must be above Lowest score ({low}); "
                "raise Highest score or lower Lowest score",
            )
        )
    strong, keep, improve = settings.strong_from, settings.keep_from, settings.improve_from
    if not strong > keep > improve:
        problems.append(
            Problem(
                title,
                _setting_cell(
                    seen, value_col, Setting.STRONG_FROM, Setting.KEEP_FROM, Setting.IMPROVE_FROM
                ),
                f"the band thresholds must fall: Strong from ({format_number(strong)}) "
                f"above Keep from ({format_number(keep)}) above Improve from "
                f"({format_number(improve)}); change them so each is below the one before",
            )
        )
    return problems


def _setting_cell(seen: Mapping[Setting, int], value_col: int, *settings: Setting) -> str:
    """The Value cell of the first of `settings` the sheet sets; "" when it sets none."""
    for setting in settings:
        row = seen.get(setting)
        if row:
            return f"{column_letter(value_col)}{row}"
    return ""


K = TypeVar("K")


def _named_rows(
    data: SheetData,
    header_row: int,
    columns: tuple[int, int],
    known: Mapping[str, K],
    seen: dict[K, int],
    problems: list[Problem],
    *,
    unnamed: str,
    unknown: Callable[[object], str],
    repeated: Callable[[K, int], str],
) -> Iterator[tuple[K, Row]]:
    """The rows of a table of named rows (settings, weights), each with what it names.

    `columns` are the name's column and the value's. A row with a value but no name, an
    unknown name, or a name already seen (`seen` records the row of each) is a problem, and
    is passed over; so is a blank row.
    """
    name_col, value_col = columns
    for number in rows_below(data, header_row):
        row = Row(data.title, number, data.rows[number], problems)
        label = row.raw(name_col)
        if is_blank(label):
            if not is_blank(row.raw(value_col)):
                row.problem(name_col, unnamed)
            continue
        key = known.get(normalise_name(str(label)))
        if key is None:
            row.problem(name_col, unknown(label))
        elif key in seen:
            row.problem(name_col, repeated(key, seen[key]))
        else:
            seen[key] = number
            yield key, row


# --- Weights ------------------------------------------------------------------------------


def read_weights(data: SheetData, problems: list[Problem]) -> Weights:
    if is_empty(data):
        return Weights()
    table = find_table(
        data,
        "Ingredient",
        ["Weight"],
        problems,
        optional=["Meaning", "Action"],
        row_noun="ingredient",
    )
    if table is None:
        return Weights()
    name_col, weight_col = table.columns["ingredient"], table.columns["weight"]
    meaning_col, action_col = table.columns.get("meaning"), table.columns.get("action")
    rows: dict[Ingredient, IngredientWeight] = {}
    seen: dict[Ingredient, int] = {}
    before = len(problems)
    named = _named_rows(
        data,
        table.row,
        (name_col, weight_col),
        {normalise_name(i.label): i for i in Ingredient},
        seen,
        problems,
        unnamed="this weight has no ingredient; type the ingredient's name",
        unknown=lambda label: (
            f"{shown(label)} is not one of the {INGREDIENT_COUNT} ingredients; use "
            f"{join_and([i.label for i in Ingredient])}"
        ),
        repeated=lambda ingredient, first: (
            f"{ingredient.label} is already weighted in row {first}; keep one of the two rows"
        ),
    )
    for ingredient, row in named:
        rows[ingredient] = IngredientWeight(
            ingredient,
            _weight(row, weight_col, ingredient),
            meaning=row.text(meaning_col),
            action=row.text(action_col),
        )
    missing = [i.label for i in Ingredient if i not in seen]
    if missing:
        problems.append(
            Problem(
                data.title,
                "",
                f"{join_and(missing)} {'is' if len(missing) == 1 else 'are'} missing; add a "
                f"row for each of the {INGREDIENT_COUNT} ingredients (weight 1 if unsure)",
            )
        )
    elif len(problems) == before and not any(w.weight > 0 for w in rows.values()):
        problems.append(
            Problem(
                data.title, "", "every weight is 0; give at least one ingredient a weight above 0"
            )
        )
    if len(rows) < len(Ingredient):
        return Weights()
    return Weights({i: rows[i] for i in Ingredient})


def _weight(row: Row, column: int, ingredient: Ingredient) -> float:
    """One ingredient's weight; 0 (and a problem) when it is blank or does not fit."""
    weight = row.read(
        column,
        as_number,
        f"the weight of {ingredient.label}",
        "enter a number, 0 or more (0 leaves the ingredient out)",
        not_negative,
    )
    if weight is None and is_blank(row.raw(column)):
        row.problem(
            column,
            f"the weight of {ingredient.label} is blank; enter a number, 0 or more "
            "(1 if unsure, 0 leaves the ingredient out)",
        )
    return weight if weight is not None else 0


# --- Competitors ------------------------------------------------------------------------


def read_competitors(data: SheetData, problems: list[Problem]) -> tuple[Competitor, ...]:
    if is_empty(data):
        return ()
    table = find_table(
        data, "Competitor", [], problems, optional=["Also known as"], row_noun="competitor"
    )
    if table is None:
        return ()
    name_col, alias_col = table.columns["competitor"], table.columns.get("also known as")
    competitors = []
    for number in rows_below(data, table.row):
        row = Row(data.title, number, data.rows[number], problems)
        name = row.text(name_col)
        aliases = split_names(row.text(alias_col))
        if not name:
            if aliases:
                row.problem(name_col, "these aliases have no competitor name; type the name")
            continue
        competitors.append(Competitor(name, aliases))
    return tuple(competitors)
