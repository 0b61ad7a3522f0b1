"""The benchmark: greedy against the optimiser on instances built from the real register.

Homes are the Ofsted register's (all 3,491, or one region's for the scarce case) with SYNTHETIC
profiles (matching.synthetic); referrals are SYNTHETIC.  Every proposal is checked by the
independent validator.  This is the only module of the package that reads the register.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from types import MappingProxyType

import numpy as np

from matching import synthetic
from matching.batch import solve
from matching.feasibility import HomeTable
from matching.greedy import greedy
from matching.instance_json import dump_instance
from matching.model import TWENTY_MILES_KM, Instance, Referral, Result
from matching.search import search
from matching.validate import validate


@dataclass(frozen=True)
class BenchCase:
    name: str
    instance: Instance
    time_limit: float


def national_case(referrals: int, seed: int, time_limit: float = 10.0) -> BenchCase:
    from commissioning.reference.geography import load_local_authorities

    homes = synthetic.profile_homes(_register(), seed)
    children = synthetic.referrals(referrals, load_local_authorities(), seed + 1)
    return BenchCase(f"national {len(homes)} homes", _instance(homes, children), time_limit)


def regional_case(
    referrals: int, seed: int, homes_wanted: int, time_limit: float = 30.0
) -> BenchCase:
    """One region's homes (the region whose count of homes is nearest homes_wanted) against
    referrals from its own LAs: the scarce case, more children than suitable beds."""
    from commissioning.reference.geography import load_local_authorities

    register = _register()
    counts: dict[str, int] = {}
    for home in register:
        counts[home.region_name] = counts.get(home.region_name, 0) + 1
    region = min(counts, key=lambda name: (abs(counts[name] - homes_wanted), counts[name]))
    homes = synthetic.profile_homes([h for h in register if h.region_name == region], seed)
    las = [la for la in load_local_authorities() if la.region_name == region]
    children = synthetic.referrals(referrals, las, seed + 1)
    return BenchCase(f"{region} {len(homes)} homes", _instance(homes, children), time_limit)


def _register():
    from commissioning.reference.register import load_register_homes

    return load_register_homes()


def _instance(homes, children) -> Instance:
    from commissioning.reference.geography import la_adjacency

    adjacency = MappingProxyType({k: frozenset(v) for k, v in la_adjacency().items()})
    return Instance(tuple(homes), tuple(children), adjacency)


def measure(instance: Instance, result: Result) -> dict:
    """The bench's columns for one proposal."""
    distances = (
        np.array([a.distance_km for a in result.assignments]) if result.assignments else None
    )
    return {
        "method": result.method,
        "placed": result.placed,
        "max": result.max_placeable,
        "mean_km": float(distances.mean()) if distances is not None else 0.0,
        "p90_km": float(np.percentile(distances, 90)) if distances is not None else 0.0,
        "over_20_miles": (
            float((distances > TWENTY_MILES_KM).mean()) if distances is not None else 0.0
        ),
        "weekly_cost": sum(a.weekly_cost for a in result.assignments),
        "impact": sum(a.group_impact for a in result.assignments),
        "penalty": result.objective,
        "rule_breaks": len(validate(instance, result)),
        "seconds": result.seconds,
        "gap": result.gap,
    }


COLUMNS = (
    ("instance", "{:<24}"),
    ("method", "{:<10}"),
    ("placed", "{:>7}"),
    ("max", "{:>5}"),
    ("mean_km", "{:>8.1f}"),
    ("p90_km", "{:>7.1f}"),
    ("over_20_miles", "{:>8.1%}"),
    ("weekly_cost", "{:>12,.0f}"),
    ("impact", "{:>7.0f}"),
    ("penalty", "{:>12,.0f}"),
    ("rule_breaks", "{:>6}"),
    ("seconds", "{:>7.2f}"),
    ("gap", "{:>7.2%}"),
)
HEADERS = {"over_20_miles": ">20mi", "weekly_cost": "weekly £", "rule_breaks": "breaks"}


def format_table(rows: list[dict]) -> str:
    header = " ".join(_aligned(HEADERS.get(name, name), fmt) for name, fmt in COLUMNS)
    lines = [header, "-" * len(header)]
    for row in rows:
        cells = [
            _aligned("-", fmt) if row.get(name) is None else fmt.format(row[name])
            for name, fmt in COLUMNS
        ]
        lines.append(" ".join(cells))
    return "\n".join(lines)


def _aligned(text: str, fmt: str) -> str:
    width = int("".join(ch for ch in fmt.split(".")[0] if ch.isdigit()))
    return f"{text:<{width}}" if "<" in fmt else f"{text:>{width}}"


def verdict(name: str, greedy_row: dict, optimiser_row: dict) -> str:
    better_placed = optimiser_row["placed"] - greedy_row["placed"]
    saving = 1 - optimiser_row["penalty"] / greedy_row["penalty"] if greedy_row["penalty"] else 0
    if better_placed > 0 or (better_placed == 0 and saving > 0):
        winner = "optimiser"
    elif better_placed == 0 and saving == 0:
        winner = "tie"
    else:
        winner = "greedy"
    return (
        f"{name}: winner {winner}; optimiser places {better_placed:+d} children, "
        f"penalty {saving:.1%} lower than greedy"
        + (" (at a higher count, so not like for like)" if better_placed > 0 else "")
    )


SHOWN_HOMES = 30  # the referral page's candidates, each with its full breakdown


def search_timing(instance: Instance, repeats: int = 50) -> dict[str, tuple[float, float, float]]:
    """(median, p95, max) milliseconds of a one-child search over the instance's homes, alone
    and with what the referral page reads of it: every ranked home's distance and grade (its
    filters) and the full breakdown, impact items included, of the homes it shows.

    One search first, untimed, as a web worker does at start-up: the first call pays for
    numpy's and the table's lazy set-up, which no user waits for."""
    table = HomeTable.from_homes(instance.homes)
    _search_as_the_page_reads(instance.referrals[0], table, instance)
    alone, with_page = zip(  # noqa: B905 - pairs by construction
        *(
            _search_as_the_page_reads(child, table, instance)
            for child in instance.referrals[:repeats]
        )
    )
    return {"search": _spread_ms(alone), "search and page reads": _spread_ms(with_page)}


def _search_as_the_page_reads(
    child: Referral, table: HomeTable, instance: Instance
) -> tuple[float, float]:
    """Seconds of the search alone, and with the page's reads."""
    started = perf_counter()
    result = search(child, table, instance.adjacency, instance.weights)
    searched = perf_counter()
    shown = [r for r in result.ranked if r.breakdown.distance_km >= 0 and r.breakdown.ofsted_grade]
    for ranked in shown[:SHOWN_HOMES]:
        _ = (ranked.breakdown.terms, ranked.breakdown.impact_items)
    return searched - started, perf_counter() - started


def _spread_ms(seconds) -> tuple[float, float, float]:
    ms = np.array(seconds) * 1000
    return float(np.median(ms)), float(np.percentile(ms, 95)), float(np.max(ms))


def run_case(case: BenchCase, seed: int, log: Callable[[str], None]) -> list[dict]:
    baseline = greedy(case.instance)
    log(f"[{case.name}] greedy: {baseline.placed} placed in {baseline.seconds:.1f}s\n")

    def progress(update: dict) -> None:
        log(
            f"\r[{case.name}] {update['stage']:<10} {update['elapsed']:5.1f}s "
            f"placed {update['placed']:>4} penalty {update['objective']:>12,.0f} "
            f"gap {update['gap']:6.2%}"
        )

    proposal = solve(case.instance, time_limit=case.time_limit, seed=seed, progress=progress)
    log("\n")
    rows = [measure(case.instance, baseline), measure(case.instance, proposal)]
    for row in rows:
        row["instance"] = case.name
    return rows


def main(referrals: int | None, homes: str, seed: int, dump: str | None) -> int:
    def log(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    if homes == "all":
        cases = [national_case(referrals or 500, seed)]
    elif homes.isdigit():
        cases = [regional_case(referrals or 300, seed, int(homes))]
    else:
        raise SystemExit("--homes must be 'all' or a number of homes")
    rows, verdicts = [], []
    for case in cases:
        log(f"[{case.name}] {len(case.instance.referrals)} referrals\n")
        if dump:
            with open(dump, "w") as file:
                json.dump(dump_instance(case.instance), file)
        case_rows = run_case(case, seed, log)
        rows += case_rows
        verdicts.append(verdict(case.name, *case_rows))
        for what, (median_ms, p95_ms, max_ms) in search_timing(case.instance).items():
            verdicts.append(
                f"{case.name}: one-child {what} {median_ms:.1f} ms median, {p95_ms:.1f} ms p95, "
                f"{max_ms:.1f} ms max"
            )
    print(format_table(rows))
    print("\n".join(verdicts))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mb:.0f} MB")
    return 0
