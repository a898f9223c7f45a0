"""The `partnersheet` command: parse, one library call, print."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import PartnersheetError, UnknownOwner, WorkbookProblems

if TYPE_CHECKING:
    from .core.answers import Certainty
    from .core.reminders import Reminders
    from .core.review import ReviewResult

_PATH = click.Path(path_type=Path, dir_okay=True)


if TYPE_CHECKING:
    _DateType = click.ParamType[dt.date]  # generic from click 8.2
else:
    _DateType = click.ParamType


class _Day(_DateType):
    """A calendar date written YYYY-MM-DD.

    (click.DateTime would parse it with strptime, whose first use imports locale and
    calendar: a few hundredths of a second at every start.)
    """

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value)
        dashed = len(text) == 10 and text[4] == text[7] == "-"
        digits = text[:4] + text[5:7] + text[8:]
        if not (dashed and digits.isascii() and digits.isdigit()):
            self.fail(f"{text!r} is not a date written YYYY-MM-DD, such as 2026-11-22.", param, ctx)
        try:
            return dt.date.fromisoformat(text)
        except ValueError as error:
            self.fail(f"{text!r} is not a date on the calendar ({error}).", param, ctx)


@contextmanager
def _reported() -> Iterator[None]:
    """Turn the library's errors into messages and exit status 1, never a traceback."""
    try:
        yield
    except WorkbookProblems as problems:
        for problem in problems.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except PartnersheetError as error:
        raise click.ClickException(str(error)) from None


#: A step shows on stderr once the review has taken this long (seconds).
PROGRESS_AFTER = 1.0


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class _Steps:
    """What the review is doing, and whether its steps are being shown yet."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current = ""
        self.shown = False

    def start_showing(self) -> None:
        with self.lock:
            self.shown = True
            if self.current:
                click.echo(f"{self.current}…", err=True)

    def step(self, text: str) -> None:
        with self.lock:
            self.current = text
            if self.shown:
                click.echo(f"{text}…", err=True)


@contextmanager
def _progress(*, quiet: bool) -> Iterator[Callable[[str], None] | None]:
    """Report the review's steps on stderr once it runs long, when stderr is a terminal."""
    if quiet or not _stderr_is_terminal():
        yield None
        return
    steps = _Steps()
    timer = threading.Timer(PROGRESS_AFTER, steps.start_showing)
    timer.daemon = True
    timer.start()
    try:
        yield steps.step
    finally:
        timer.cancel()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "--version", package_name="partnersheet", prog_name="partnersheet")
def main() -> None:
    """Score, rank and review your referral partnerships in one Excel workbook.

    \b
    Start with a workbook:   partnersheet new partners.xlsx --example
    Review it:               partnersheet review partners.xlsx
    """


@main.command()
@click.argument("path", type=_PATH)
@click.option("--example", is_flag=True, help="Fill the workbook with a worked example.")
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
def new(path: Path, example: bool, force: bool) -> None:
    """Write a fresh partnersheet workbook to PATH.

    The workbook has every sheet ready: Partners, Weights, Settings, Competitors and
    Instructions, with dropdowns and help on each column. A PATH ending in .xlsm gives the
    macro-enabled workbook, with a Recalculate button that runs the review inside Excel.

    \b
    Examples:
      partnersheet new partners.xlsx --example
      partnersheet new partners.xlsm
    """
    from .files.template import write_new_workbook

    with _reported():
        write_new_workbook(path, example=example, force=force)
    click.echo(f"Wrote {path}{' (example)' if example else ''}.")


@main.command(short_help="Score, rank and review the partners in PATH.")
@click.argument("path", type=_PATH)
@click.option(
    "--output",
    "-o",
    type=_PATH,
    help="Write the reviewed workbook here and leave PATH as it was.",
)
@click.option(
    "--date",
    "reviewed_on",
    type=_Day(),
    metavar="YYYY-MM-DD",
    help="The review date.  [default: today]",
)
@click.option("--dry-run", is_flag=True, help="Check and compute, but write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON document of the review.")
@click.option(
    "--ignore-lock",
    is_flag=True,
    help="Write even though a lock file says the workbook is open in Excel or LibreOffice.",
)
def review(
    path: Path,
    output: Path | None,
    reviewed_on: dt.date | None,
    dry_run: bool,
    as_json: bool,
    ignore_lock: bool,
) -> None:
    """Score and rank the partners in PATH and write the Review and History sheets.

    The computed columns of the Partners sheet are filled in, the Review sheet is made
    afresh and History gets today's scores. When the workbook has a problem, each one is
    listed with its cell and nothing is written.

    \b
    Examples:
      partnersheet review partners.xlsx
      partnersheet review partners.xlsx --output reviewed.xlsx --date 2026-11-22
      partnersheet review partners.xlsx --dry-run --json
    """
    from .files.workbook import review_workbook

    with _reported(), _progress(quiet=as_json) as progress:
        result = review_workbook(
            path,
            output=output,
            reviewed_on=reviewed_on,
            dry_run=dry_run,
            ignore_lock=ignore_lock,
            progress=progress,
        )
    if as_json:
        import json  # here, not at start-up: most reviews print no JSON

        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    click.echo(_summary(path, result))
    if dry_run:
        click.echo("Dry run: nothing was written.")
    else:
        click.echo(f"Wrote {output or path}: computed columns, Review and History.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _summary(path: Path, result: ReviewResult) -> str:
    ranked, waiting = len(result.ranked), len(result.still_to_score)
    lines = [
        f"{path.name}, reviewed on {result.reviewed_on.isoformat()}: "
        f"{_count(len(result.partners), 'partner')}, {ranked} ranked, {waiting} still to score."
    ]
    most, least, less = result.most_important, result.least_effective, result.less_time
    if most is None or least is None:
        lines.append("Most important:  none yet: no partner is ranked.")
        lines.append("Least effective: none yet: no partner is ranked.")
    else:
        work_on = ", ".join(i.label for i in most.partner.work_on) or "nothing"
        lines.append(
            f"Most important:  {most.partner.name} ({most.partner.weighted_score:.1f}); "
            f"work on {work_on}{_close_call(most.certainty)}."
        )
        lines.append(
            f"Least effective: {least.partner.name} ({least.partner.weighted_score:.1f}); "
            f"{least.verdict.value}{_close_call(least.certainty)}."
        )
    lines.append(f"Conflicts:       {len(result.conflicts) or 'none'}.")
    if less is None:
        lines.append("Less time:       no answer: no other ranked partner has Hours per month.")
    else:
        hours = f"{less.hours_per_month:g}"
        value = ""
        if result.settings.chargeable_rate > 0:
            value = f", {result.settings.currency}{less.value_per_year:,.0f} a year"
        lines.append(
            f"Less time:       {less.partner.name} ({hours} hours a month{value})"
            f"{_close_call(less.certainty)}."
        )
    lines.append(f"Band changes:    {_band_changes(result)}.")
    overdue = result.reminders.overdue
    if overdue:
        first = overdue[0]
        lines.append(
            f"Overdue:         {_count(len(overdue), 'partner')} for contact ({first.partner.name} "
            f"the longest: {_count(first.days_overdue, 'day')})."
        )
    else:
        lines.append("Overdue:         none.")
    return "\n".join(lines)


def _close_call(sure: Certainty) -> str:
    from .core.answers import weight_text

    call = sure.close_call
    if call is None:
        return ""
    return (
        f"; close call: {call.answer} if {call.ingredient.label} counted "
        f"{weight_text(call.new_weight)} instead of {weight_text(call.weight)}"
    )


def _band_changes(result: ReviewResult) -> str:
    if result.previous_review is None:
        return "none yet: this is the first review"
    changes = result.band_changes
    if not changes:
        return f"none since {result.previous_review.isoformat()}"
    up = sum(1 for c in changes if c.upward)
    since = result.previous_review.isoformat()
    return f"{len(changes)} since {since} ({up} up, {len(changes) - up} down)"


@main.command()
@click.argument("path", type=_PATH)
def check(path: Path) -> None:
    """Check PATH for problems and report them, writing nothing.

    \b
    Example:
      partnersheet check partners.xlsx
    """
    from .files.workbook import check_workbook

    with _reported():
        inputs = check_workbook(path)
    click.echo(f"{path.name}: no problems found ({_count(len(inputs.partners), 'partner')}).")


@main.command(short_help="List the partners overdue for contact in PATH.")
@click.argument("path", type=_PATH)
@click.option(
    "--date",
    "on",
    type=_Day(),
    metavar="YYYY-MM-DD",
    help="The day to count from.  [default: today]",
)
@click.option(
    "--owner",
    metavar="NAME",
    help="Only the partners whose Owner is NAME (case and spaces aside).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON document of the list.")
def overdue(path: Path, on: dt.date | None, owner: str | None, as_json: bool) -> None:
    """List the partners overdue for contact in PATH, most overdue first; write nothing.

    A partner is overdue when its Next contact (its Last contact plus the days the
    Settings give its band) is before the day. Each line gives the partner, its band, its
    owner, the last contact and the days overdue. Suits a scheduled job that mails the list.

    \b
    Examples:
      partnersheet overdue partners.xlsx
      partnersheet overdue partners.xlsx --owner "Sam Turner" --date 2026-11-22
    """
    from .files.workbook import overdue_in_workbook

    with _reported():
        try:
            found = overdue_in_workbook(path, on=on, owner=owner)
        except UnknownOwner as error:
            raise click.BadParameter(str(error), param_hint="'--owner'") from None
    if as_json:
        import json

        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        return
    click.echo(_overdue_text(found))


def _overdue_text(found: Reminders) -> str:
    day = found.reviewed_on.isoformat()
    whose = f" among {found.owner}'s partners" if found.owner else ""
    if found.overdue:
        lines = [f"Overdue for contact on {day}{whose}: {_count(len(found.overdue), 'partner')}."]
    else:
        lines = [f"Nobody is overdue for contact on {day}{whose}."]
    for o in found.overdue:
        lines.append(
            f"{o.partner.name} ({o.band.value}, {o.partner.partner.owner or 'no owner'}): "
            f"last contact {o.last_contact.isoformat()}, {_count(o.days_overdue, 'day')} overdue."
        )
    if found.no_last_contact:
        has = "partner has" if found.no_last_contact == 1 else "partners have"
        lines.append(f"{found.no_last_contact} ranked {has} no Last contact, so no reminder.")
    return "\n".join(lines)


@main.command(short_help="Print the xlwings Lite script that runs partnersheet in Excel.")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write main.py and requirements.txt into this folder instead of printing them.",
)
def lite(output: Path | None) -> None:
    """Print what to paste into xlwings Lite to run partnersheet inside Excel.

    xlwings Lite runs Python inside Excel (Windows, Mac and the web) with nothing else to
    install. Paste main.py into the Lite editor's main.py tab and requirements.txt into its
    requirements.txt tab, then add the Recalculate shape on the Partners sheet.

    \b
    Example:
      partnersheet lite --output lite
    """
    from .excel.lite import BUTTON_CELL, BUTTON_SHAPE, requirements, script

    button = (
        f"On the Partners sheet, insert a shape (Insert > Shapes), type {BUTTON_SHAPE} on it, "
        f"name it {BUTTON_SHAPE} in the Name Box, and link it to {BUTTON_CELL} "
        "(right-click > Link > This Document). Clicking it runs the review."
    )
    if output is None:
        click.echo("# ---- main.py: paste into the xlwings Lite editor's main.py tab ----")
        click.echo(script(), nl=False)
        click.echo("# ---- requirements.txt: paste into its requirements.txt tab ----")
        click.echo(requirements(), nl=False)
        click.echo("# ---- the button ----")
        click.echo(f"# {button}")
        return
    with _reported():
        try:
            output.mkdir(parents=True, exist_ok=True)
            (output / "main.py").write_text(script(), encoding="utf-8")
            (output / "requirements.txt").write_text(requirements(), encoding="utf-8")
        except OSError as error:
            raise PartnersheetError(
                f"{output}: could not write the files ({error.strerror or error})."
            ) from None
    click.echo(f"Wrote {output / 'main.py'} and {output / 'requirements.txt'}.")
    click.echo(button)
