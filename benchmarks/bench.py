"""How fast partnersheet reviews and checks a workbook, next to what openpyxl alone costs.

Run from the repository root, with partnersheet and XlsxWriter installed:

    python benchmarks/bench.py [--sizes 50,1000,10000,100000] [--pairs N] [--cache DIR] [--json]

A review edits only the parts of the workbook's zip that it owns, so it should cost well
under what loading and saving the whole workbook with openpyxl costs. For each size (a number
of partners) the benchmark:

1. generates a workbook with XlsxWriter (scores with some blanks, weights, settings,
   competitor groups, "Also refers to" naming competitors, a user column in the middle of the
   Partners table, an earlier review in History and a user sheet of its own), once: the
   workbooks are kept in the cache folder (default `benchmarks/.cache/`) and reused while the
   generator's version and the size match;
2. reviews it once (`partnersheet review GEN --output FILE --date 2026-11-22`), so FILE already
   holds the computed columns, the Review and History, as a workbook reviewed before does;
3. times, in turns A B A B ..., A: `partnersheet review FILE --output OUT --date 2026-11-22`
   as a whole process, and B: the floor, a process that only imports openpyxl, loads FILE
   (keeping macros when the review would, and external links) and saves it to OUT; each run's
   wall time and peak memory (the child's maximum resident set) are recorded;
4. checks, untimed, that reviewing FILE again on the same date wrote the same content (the
   same sheets and the same cell values, read with openpyxl), and times `partnersheet check
   FILE`.

Every timed process keeps its compiled bytecode (under the cache folder), as an installed
package does, even where the environment says PYTHONDONTWRITEBYTECODE.

It also times importing `partnersheet.cli` and `partnersheet.excel` (`python -X importtime`),
`partnersheet --help`, and the core (`read_inputs` and `plan_review`, in this process, on
sheets already read) at 200, 1,000, 10,000 and 100,000 partners.

The table shows medians (of wall time and of peak memory) and the ratios of review to floor;
the ratio at 50 partners, `check` and the core are shown for information only. The targets:

    review ÷ floor wall time at 1,000 partners          <= 0.6
    review ÷ floor wall time at 10,000 partners         <= 0.35
    review ÷ floor peak memory at 10,000 partners       <= 0.5
    review wall time at 100,000 partners                < 30 s
    review peak memory at 100,000 partners              < 600 MB
    second review of each size: same content            same
    `partnersheet --help` wall time                     < 0.3 s
    plan_review at 10,000 partners, with close calls
      minus with Close call within 0                    <= 1 s

Each is shown as met or MISSED; a target whose size was not run is shown as not measured and
does not count. The script exits with 1 when a target is MISSED, else 0. `--json` prints the
same (every run and every target) as a JSON document instead of the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

#: Change when the generated workbooks change, so cached ones are made again.
GENERATOR_VERSION = 1
REVIEW_DATE = "2026-11-22"
EARLIER_REVIEW = dt.date(2026, 8, 14)
DEFAULT_SIZES = (50, 1_000, 10_000, 100_000)
CORE_SIZES = (200, 1_000, 10_000, 100_000)
HERE = Path(__file__).resolve().parent

INGREDIENTS = (
    "Trust",
    "Friendship",
    "Opportunity",
    "Credibility",
    "Regular communication",
    "Shared goals",
    "Values alignment",
)
#: The Partners headers: the user's own "Account manager" sits in the middle of the table.
PARTNER_HEADERS = (
    "Partner",
    "Organisation",
    "Offers",
    "Competitor group",
    "Also refers to",
    "Agreement",
    "Hours per month",
    "Referrals sent",
    "Referrals received",
    "Fees received",
    "Last contact",
    "Account manager",
    *INGREDIENTS,
    "Notes",
)
COMPETITORS = tuple(
    (f"Rival {name}", f"{name} Group; {name} & Co")
    for name in (
        "Apex",
        "Beacon",
        "Cedar",
        "Delta",
        "Ember",
        "Falcon",
        "Granite",
        "Harbour",
        "Iris",
        "Juniper",
        "Kestrel",
        "Lumen",
    )
)
OFFERS = (
    "Leadership coaching",
    "Bookkeeping",
    "Employment law",
    "Executive search",
    "Sales training",
    "IT support",
    "Wealth management",
    "Design",
)
SURNAMES = ("Patel", "Jones", "Smith", "Okafor", "Nowak", "García", "Lee", "Murphy", "Khan")
MANAGERS = ("Sam", "Alex", "Jo", "Priya", "Tom")


# --- generating workbooks -------------------------------------------------------------------


def generate(path: Path, partners: int, seed: int = 20261122) -> None:
    """Write a realistic partners workbook with `partners` partners to `path`."""
    import xlsxwriter  # type: ignore[import-untyped]

    rng = random.Random(seed + partners)
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0"})

    sheet = book.add_worksheet("Partners")
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 4, 18)
    sheet.write_row(0, 0, PARTNER_HEADERS, bold)
    groups = max(2, partners // 25)
    first_score = PARTNER_HEADERS.index("Trust")
    for index in range(partners):
        row = index + 1
        name = f"{SURNAMES[index % len(SURNAMES)]} {index:06d}"
        sheet.write_string(row, 0, name)
        if index % 40 == 7:
            sheet.write_string(row, 1, COMPETITORS[index % len(COMPETITORS)][0])
        else:
            sheet.write_string(row, 1, f"{name} Ltd")
        sheet.write_string(row, 2, OFFERS[index % len(OFFERS)])
        if rng.random() < 0.3:
            sheet.write_string(row, 3, f"Group {rng.randrange(groups)}")
        if rng.random() < 0.1:
            competitor = COMPETITORS[rng.randrange(len(COMPETITORS))][0]
            also = competitor if rng.random() < 0.8 else f"Unlisted {rng.randrange(50)}"
            sheet.write_string(row, 4, also)
        if rng.random() < 0.7:
            sheet.write_string(row, 5, ("Written", "Verbal", "None")[rng.randrange(3)])
        if rng.random() < 0.8:
            sheet.write_number(row, 6, rng.choice((0, 1, 2, 2.5, 4, 6, 8)))
        sheet.write_number(row, 7, rng.randrange(0, 12))
        if rng.random() < 0.9:
            sheet.write_number(row, 8, rng.randrange(0, 15))
        if rng.random() < 0.85:
            sheet.write_number(row, 9, rng.randrange(0, 40) * 250, money)
        if rng.random() < 0.75:
            day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(320))
            sheet.write_datetime(row, 10, dt.datetime.combine(day, dt.time()), date_format)
        sheet.write_string(row, 11, MANAGERS[index % len(MANAGERS)])
        for offset in range(len(INGREDIENTS)):
            if rng.random() < 0.06:
                continue  # a blank score
            sheet.write_number(row, first_score + offset, rng.randint(1, 5))
        if rng.random() < 0.2:
            sheet.write_string(row, first_score + len(INGREDIENTS), "Met at the spring event.")
    sheet.data_validation(
        1, first_score, max(1, partners), first_score + len(INGREDIENTS) - 1,
        {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5},
    )  # fmt: skip

    weights = book.add_worksheet("Weights")
    weights.write_row(0, 0, ("Ingredient", "Weight", "Meaning", "Action"), bold)
    for row, ingredient in enumerate(INGREDIENTS, start=1):
        weights.write_string(row, 0, ingredient)
        weights.write_number(row, 1, (1, 1, 2, 1.5, 1, 1, 0.5)[row - 1])
        weights.write_string(row, 2, f"What {ingredient.lower()} means here.")
        weights.write_string(row, 3, f"Work on {ingredient.lower()} together.")

    settings = book.add_worksheet("Settings")
    settings.write_row(0, 0, ("Setting", "Value"), bold)
    for row, (setting, value) in enumerate(
        (("Chargeable rate", 150), ("Currency", "£"), ("Strong from", 70)), start=1
    ):
        settings.write(row, 0, setting)
        settings.write(row, 1, value)

    competitors = book.add_worksheet("Competitors")
    competitors.write_row(0, 0, ("Competitor", "Also known as"), bold)
    for row, (name, aliases) in enumerate(COMPETITORS, start=1):
        competitors.write_string(row, 0, name)
        competitors.write_string(row, 1, aliases)

    history = book.add_worksheet("History")
    history.write_row(0, 0, ("Reviewed on", "Partner", "Weighted score", "Rank", "Band", "Weights"))
    earlier = dt.datetime.combine(EARLIER_REVIEW, dt.time())
    for row, index in enumerate(range(0, partners, 2), start=1):
        history.write_datetime(row, 0, earlier, date_format)
        history.write_string(row, 1, f"{SURNAMES[index % len(SURNAMES)]} {index:06d}")
        history.write_number(row, 2, round(rng.uniform(10, 95), 1))
        history.write_number(row, 3, row)
        history.write_string(row, 4, "Keep")
        history.write_string(row, 5, "Trust 1, Friendship 1, Opportunity 2")

    pipeline = book.add_worksheet("Pipeline")
    pipeline.write_row(0, 0, ("Month", "Enquiries", "Won", "Value", "Rate"), bold)
    for row in range(1, min(partners, 2_000) + 1):
        pipeline.write_datetime(row, 0, dt.datetime(2026, 1 + row % 12, 1), date_format)
        enquiries, won = rng.randrange(5, 60), rng.randrange(0, 5)
        pipeline.write_number(row, 1, enquiries)
        pipeline.write_number(row, 2, won)
        pipeline.write_number(row, 3, won * 1_500, money)
        pipeline.write_formula(row, 4, f"=C{row + 1}/B{row + 1}", None, won / enquiries)
    book.close()


def cached_workbook(cache: Path, partners: int) -> Path:
    """The generated workbook for this size, made once and then reused."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"partners-v{GENERATOR_VERSION}-{partners}.xlsx"
    if not path.exists():
        making = path.with_name(path.name + ".part.xlsx")
        generate(making, partners)
        os.replace(making, path)
    return path


# --- running processes ------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    peak_mb: float


#: The environment of every timed process (see `child_environment`).
CHILD_ENV: dict[str, str] = dict(os.environ)


def child_environment(cache: Path) -> dict[str, str]:
    """This environment, with compiled bytecode kept (in the cache folder) and reused.

    An installed partnersheet, like openpyxl, has its modules compiled once; where the
    environment says not to write bytecode, every process would compile ours again.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str((cache / "pycache").resolve())
    return env


def run_child(argv: Sequence[str]) -> Run:
    """Run a process to its end; its wall time and peak resident memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=CHILD_ENV,
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited with {process.returncode}:\n{errors.decode(errors='replace')}"
        )
    # ru_maxrss is in kilobytes on Linux.
    return Run(wall, usage.ru_maxrss / 1024)


def partnersheet_command() -> list[str]:
    """The installed console script beside this Python, else `python -m partnersheet`."""
    script = Path(sys.executable).parent / "partnersheet"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "partnersheet"]


#: The floor: what loading and saving the workbook with openpyxl costs, and nothing else.
FLOOR_CODE = """
import sys, warnings, zipfile
import openpyxl
source, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(source) as archive:
    types = archive.read("[Content_Types].xml").lower()
keep_vba = b"macroenabled.main+xml" in types
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    book = openpyxl.load_workbook(source, keep_vba=keep_vba, keep_links=True)
book.save(target)
"""


def floor_command(source: Path, target: Path) -> list[str]:
    return [sys.executable, "-c", FLOOR_CODE, str(source), str(target)]


def review_command(source: Path, target: Path) -> list[str]:
    return [
        *partnersheet_command(),
        "review",
        str(source),
        "--output",
        str(target),
        "--date",
        REVIEW_DATE,
    ]


# --- comparing workbooks ---------------------------------------------------------------------


def workbook_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values (formulas as their text), trailing blanks dropped."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets: dict[str, list[tuple[Any, ...]]] = {}
        for ws in book.worksheets:
            rows = []
            for values in ws.iter_rows(values_only=True):
                trimmed = list(values)
                while trimmed and trimmed[-1] is None:
                    trimmed.pop()
                rows.append(tuple(trimmed))
            while rows and not rows[-1]:
                rows.pop()
            sheets[ws.title] = rows
        return sheets
    finally:
        book.close()


def same_content(first: Path, second: Path) -> str:
    """'same' when both hold the same sheets and cell values; else what differs."""
    a, b = workbook_values(first), workbook_values(second)
    if list(a) != list(b):
        return f"different sheets: {list(a)} and {list(b)}"
    for title in a:
        if a[title] != b[title]:
            for number, (x, y) in enumerate(zip(a[title], b[title], strict=False), start=1):
                if x != y:
                    return f"{title} row {number} differs: {x} and {y}"
            return f"{title} has {len(a[title])} rows in one and {len(b[title])} in the other"
    return "same"


# --- in-process measures ---------------------------------------------------------------------


def import_time(module: str, repeats: int = 5) -> float | None:
    """Seconds to import `module` (top-level `python -X importtime` lines); None if absent."""
    check = subprocess.run(
        [sys.executable, "-c", f"import importlib.util as u; print(u.find_spec({module!r}))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0 or check.stdout.strip() == "None":
        return None
    package = module.split(".")[0]
    totals = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
            env=CHILD_ENV,
        )
        total = 0
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
            if match and match[2].split(".")[0] == package:
                total += int(match[1])
        totals.append(total / 1e6)
    return statistics.median(totals)


def core_times(path: Path, repeats: int) -> list[float]:
    """Seconds of each of `repeats` runs of read_inputs + plan_review on the sheets of `path`,
    already read."""
    from partnersheet.core.inputs import read_inputs
    from partnersheet.core.review import plan_review
    from partnersheet.files.reading import read_workbook

    book, sheets = read_workbook(path)
    titles = book.titles
    day = dt.date.fromisoformat(REVIEW_DATE)
    times = []
    for _ in range(repeats):
        # Each run starts from a settled collector, as a review's core would after reading.
        gc.collect()
        start = time.perf_counter()
        plan_review(read_inputs(sheets, titles), day)
        times.append(time.perf_counter() - start)
    return times


def close_call_cost(path: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of plan_review on the inputs of `path` with close calls looked for (the
    workbook's own `Close call within`) and without (0), run in turns A B A B ..."""
    from partnersheet.core.inputs import read_inputs
    from partnersheet.core.review import plan_review
    from partnersheet.files.reading import read_workbook

    book, sheets = read_workbook(path)
    inputs = read_inputs(sheets, book.titles)
    without = replace(inputs, settings=replace(inputs.settings, close_call_within=0))
    day = dt.date.fromisoformat(REVIEW_DATE)
    runs: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeats):
        for looked, given in ((True, inputs), (False, without)):
            gc.collect()
            start = time.perf_counter()
            plan_review(given, day)
            runs[looked].append(time.perf_counter() - start)
    return statistics.median(runs[True]), statistics.median(runs[False])


# --- the benchmark ---------------------------------------------------------------------------


@dataclass
class SizeResult:
    partners: int
    pairs: int
    review_wall: float
    review_mb: float
    floor_wall: float
    floor_mb: float
    check_wall: float
    same_content: str
    runs: dict[str, list[list[float]]] = field(default_factory=dict)

    @property
    def wall_ratio(self) -> float:
        return self.review_wall / self.floor_wall

    @property
    def memory_ratio(self) -> float:
        return self.review_mb / self.floor_mb


def default_pairs(partners: int) -> int:
    """A/B pairs for a size: more where each run is short, so a slow moment weighs less."""
    if partners < 10_000:
        return 11
    return 5 if partners < 100_000 else 2


def bench_size(
    cache: Path, partners: int, pairs: int, work: Path, say: Callable[[str], None]
) -> SizeResult:
    say(f"{partners:,} partners: generating (or reusing) the workbook")
    generated = cached_workbook(cache, partners)
    reviewed = work / f"reviewed-{partners}.xlsx"
    again = work / f"again-{partners}.xlsx"
    floor_out = work / f"floor-{partners}.xlsx"
    say(f"{partners:,} partners: first review")
    run_child(review_command(generated, reviewed))
    reviews: list[Run] = []
    floors: list[Run] = []
    verdict = "not compared"
    for number in range(pairs):
        say(f"{partners:,} partners: round {number + 1} of {pairs}")
        reviews.append(run_child(review_command(reviewed, again)))
        if number == 0:
            verdict = same_content(reviewed, again)
        floors.append(run_child(floor_command(reviewed, floor_out)))
    say(f"{partners:,} partners: check")
    checks = [
        run_child([*partnersheet_command(), "check", str(reviewed)]) for _ in range(max(pairs, 2))
    ]
    for path in (again, floor_out, reviewed):
        path.unlink(missing_ok=True)
    return SizeResult(
        partners=partners,
        pairs=pairs,
        review_wall=statistics.median(r.wall for r in reviews),
        review_mb=statistics.median(r.peak_mb for r in reviews),
        floor_wall=statistics.median(r.wall for r in floors),
        floor_mb=statistics.median(r.peak_mb for r in floors),
        check_wall=statistics.median(r.wall for r in checks),
        same_content=verdict,
        runs={
            "review": [[r.wall, r.peak_mb] for r in reviews],
            "floor": [[r.wall, r.peak_mb] for r in floors],
            "check": [[r.wall, r.peak_mb] for r in checks],
        },
    )


@dataclass
class Target:
    what: str
    limit: str
    #: The measured value; None where it is not a number or was not measured.
    value: float | None
    #: None where the size the target is judged on was not run.
    met: bool | None

    @property
    def result(self) -> str:
        if self.met is None:
            return "not measured"
        return "met" if self.met else "MISSED"


#: The targets judged on one size: what, at how many partners, the measure, and its limit.
SIZE_TARGETS: tuple[tuple[str, int, Callable[[SizeResult], float], str, float], ...] = (
    ("review/floor wall at 1,000", 1_000, lambda s: s.wall_ratio, "<=", 0.6),
    ("review/floor wall at 10,000", 10_000, lambda s: s.wall_ratio, "<=", 0.35),
    ("review/floor peak memory at 10,000", 10_000, lambda s: s.memory_ratio, "<=", 0.5),
    ("review wall at 100,000 (s)", 100_000, lambda s: s.review_wall, "<", 30),
    ("review peak memory at 100,000 (MB)", 100_000, lambda s: s.review_mb, "<", 600),
)
HELP_LIMIT_S = 0.3
#: Looking for close calls may add at most this many seconds to a review of this many partners.
CLOSE_CALLS_PARTNERS, CLOSE_CALLS_LIMIT_S = 10_000, 1.0


def passes(value: float, comparison: str, limit: float) -> bool:
    return value <= limit if comparison == "<=" else value < limit


def targets(
    sizes: Sequence[SizeResult], help_wall: float, close_calls: tuple[float, float]
) -> list[Target]:
    """Every target, judged on the sizes run; those on sizes not run are not measured."""
    by_partners = {size.partners: size for size in sizes}
    found: list[Target] = []
    for what, partners, measure, comparison, limit in SIZE_TARGETS:
        size = by_partners.get(partners)
        value = None if size is None else measure(size)
        met = None if value is None else passes(value, comparison, limit)
        found.append(Target(what, f"{comparison} {limit:g}", value, met))
    for size in sizes:
        found.append(
            Target(
                f"second review same content at {size.partners:,}",
                "same",
                None,
                size.same_content == "same",
            )
        )
    found.append(
        Target(
            "--help wall (s)",
            f"< {HELP_LIMIT_S:g}",
            help_wall,
            passes(help_wall, "<", HELP_LIMIT_S),
        )
    )
    added = close_calls[0] - close_calls[1]
    found.append(
        Target(
            f"close calls add at {CLOSE_CALLS_PARTNERS:,} (s)",
            f"<= {CLOSE_CALLS_LIMIT_S:g}",
            added,
            passes(added, "<=", CLOSE_CALLS_LIMIT_S),
        )
    )
    return found


def table(
    sizes: Sequence[SizeResult],
    imports: dict[str, float | None],
    help_wall: float,
    core_runs: dict[int, list[float]],
    close_calls: tuple[float, float],
    goals: Sequence[Target],
) -> str:
    lines = [
        "partnersheet benchmark (medians). review: `partnersheet review FILE --output OUT`;",
        "floor: openpyxl load + save of FILE in its own process; ratio: review ÷ floor;",
        "MB: peak resident memory; check: `partnersheet check FILE` (shown, no target).",
        "",
        f"{'partners':>9} {'runs':>4} {'review s':>9} {'floor s':>8} {'ratio':>6} "
        f"{'review MB':>9} {'floor MB':>8} {'ratio':>6} {'check s':>8}  second review",
    ]
    for s in sizes:
        same = "same content" if s.same_content == "same" else "DIFFERS"
        lines.append(
            f"{s.partners:>9,} {s.pairs:>4} {s.review_wall:>9.2f} {s.floor_wall:>8.2f} "
            f"{s.wall_ratio:>6.2f} {s.review_mb:>9.0f} {s.floor_mb:>8.0f} "
            f"{s.memory_ratio:>6.2f} {s.check_wall:>8.2f}  {same}"
        )
    for s in sizes:
        if s.same_content != "same":
            lines.append(f"  {s.partners:,}: {s.same_content}")
    lines.append("")
    for module, seconds in imports.items():
        shown = "not present" if seconds is None else f"{seconds * 1000:.0f} ms"
        lines.append(f"import {module:<22} {shown}")
    lines.append(f"partnersheet --help          {help_wall * 1000:.0f} ms")
    lines.append("")
    lines.append(
        f"{'core (read_inputs + plan_review)':<34} {'seconds':>8} {'µs/partner':>11} "
        f"{'fastest s':>10} {'runs':>5}"
    )
    for partners, runs in core_runs.items():
        seconds = statistics.median(runs)
        lines.append(
            f"  {partners:>9,} partners{'':<14} {seconds:>8.3f} {seconds / partners * 1e6:>11.1f} "
            f"{min(runs):>10.3f} {len(runs):>5}"
        )
    lines.append("  (seconds: the median run; shown for information, no target)")
    lines.append(
        f"plan_review at {CLOSE_CALLS_PARTNERS:,} partners: {close_calls[0]:.3f} s with close "
        f"calls, {close_calls[1]:.3f} s with Close call within 0"
    )
    lines.append("")
    lines.append(f"{'target':<38} {'limit':>8} {'value':>8}  result")
    for goal in goals:
        value = "" if goal.value is None else f"{goal.value:.3f}"
        lines.append(f"{goal.what:<38} {goal.limit:>8} {value:>8}  {goal.result}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated numbers of partners (default %(default)s)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=None,
        help="A/B pairs per size (default 11 below 10,000 partners, where a run takes a second "
        "or two and the machine's jitter is largest beside it; 5 below 100,000; else 2)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=HERE / ".cache",
        help="where generated workbooks and compiled bytecode are kept (default benchmarks/.cache)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON document instead of the table"
    )
    args = parser.parse_args(argv)
    CHILD_ENV.clear()
    CHILD_ENV.update(child_environment(args.cache))
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="partnersheet-bench-") as folder:
        work = Path(folder)
        for partners in sizes:
            pairs = args.pairs or default_pairs(partners)
            results.append(bench_size(args.cache, partners, pairs, work, say))
    say("imports and --help")
    imports = {m: import_time(m) for m in ("partnersheet.cli", "partnersheet.excel")}
    help_wall = statistics.median(
        run_child([*partnersheet_command(), "--help"]).wall for _ in range(7)
    )
    core_runs: dict[int, list[float]] = {}
    for partners in CORE_SIZES:
        say(f"core at {partners:,} partners")
        core_runs[partners] = core_times(
            cached_workbook(args.cache, partners), 3 if partners >= 100_000 else 7
        )
    say(f"close calls at {CLOSE_CALLS_PARTNERS:,} partners")
    close_calls = close_call_cost(cached_workbook(args.cache, CLOSE_CALLS_PARTNERS), 7)
    goals = targets(results, help_wall, close_calls)
    if args.json:
        document = {
            "generator_version": GENERATOR_VERSION,
            "review_date": REVIEW_DATE,
            "sizes": [
                {
                    "partners": s.partners,
                    "pairs": s.pairs,
                    "review_wall_s": s.review_wall,
                    "floor_wall_s": s.floor_wall,
                    "wall_ratio": s.wall_ratio,
                    "review_peak_mb": s.review_mb,
                    "floor_peak_mb": s.floor_mb,
                    "memory_ratio": s.memory_ratio,
                    "check_wall_s": s.check_wall,
                    "second_review": s.same_content,
                    # Each run as [wall seconds, peak MB].
                    "runs": s.runs,
                }
                for s in results
            ],
            "import_s": imports,
            "help_wall_s": help_wall,
            "core_s": {str(k): statistics.median(v) for k, v in core_runs.items()},
            "core_runs_s": {str(k): v for k, v in core_runs.items()},
            "plan_review_s": {
                "partners": CLOSE_CALLS_PARTNERS,
                "close_calls": close_calls[0],
                "no_close_calls": close_calls[1],
            },
            "targets": [
                {
                    "what": g.what,
                    "limit": g.limit,
                    "value": g.value,
                    "met": g.met,
                    "result": g.result,
                }
                for g in goals
            ],
        }
        print(json.dumps(document, indent=2))
    else:
        print(table(results, imports, help_wall, core_runs, close_calls, goals))
    # A target not measured (its size was not run) does not fail the run.
    return 1 if any(g.met is False for g in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
