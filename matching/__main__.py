"""Command line: python -m matching solve | frontier INSTANCE.json, python -m matching bench."""

from __future__ import annotations

import argparse
import json
import sys

from matching.batch import solve
from matching.frontier import frontier
from matching.instance_json import InstanceError, frontier_to_dict, load_instance, result_to_dict
from matching.model import Instance
from matching.policy import POLICIES


def _solve(args: argparse.Namespace) -> int:
    instance = _load(args.instance)
    if instance is None:
        return 2
    result = solve(instance, time_limit=args.time_limit, seed=args.seed, progress=_log_progress)
    return _write(result_to_dict(result))


def _frontier(args: argparse.Namespace) -> int:
    instance = _load(args.instance)
    if instance is None:
        return 2
    found = frontier(
        instance,
        points=args.points,
        time_limit=args.time_limit,
        seed=args.seed,
        progress=_log_progress,
    )
    return _write(frontier_to_dict(found))


def _log_progress(update: dict) -> None:
    point = f"point {update['point']} " if "point" in update else ""
    print(
        f"{update['elapsed']:6.2f}s {point}{update['stage']:<14} {update['tier']:<18} "
        f"placed {update['placed']} objective {update['objective']:.0f} "
        f"bound {update['bound']:.0f} gap {update['gap']:.2%}",
        file=sys.stderr,
    )


def _write(data: dict) -> int:
    json.dump(data, sys.stdout)
    sys.stdout.write("\n")
    return 0


def _load(path: str) -> Instance | None:
    with open(path) as file:
        data = json.load(file)
    try:
        return load_instance(data)
    except InstanceError as error:
        print(error, file=sys.stderr)
        return None


def _bench(args: argparse.Namespace) -> int:
    from matching import bench  # reads the register; only the bench needs it

    return bench.main(
        args.referrals, args.homes, args.seed, args.dump, args.frontier, tuple(args.also)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching")
    commands = parser.add_subparsers(dest="command", required=True)
    solve_parser = commands.add_parser("solve", help="solve a hearth-matching/1 instance")
    solve_parser.add_argument("instance", help="INSTANCE.json")
    solve_parser.add_argument("--time-limit", type=float, default=10.0, help="seconds")
    solve_parser.add_argument("--seed", type=int, default=0)
    solve_parser.set_defaults(run=_solve)
    frontier_parser = commands.add_parser(
        "frontier", help="several proposals from nearest to cheapest, as JSON"
    )
    frontier_parser.add_argument("instance", help="INSTANCE.json")
    frontier_parser.add_argument("--points", type=int, default=5)
    frontier_parser.add_argument("--time-limit", type=float, default=60.0, help="seconds")
    frontier_parser.add_argument("--seed", type=int, default=0)
    frontier_parser.set_defaults(run=_frontier)
    bench_parser = commands.add_parser("bench", help="today's practice vs the optimiser")
    bench_parser.add_argument("--referrals", type=int, default=None)
    bench_parser.add_argument(
        "--homes", default="all", help="'all' (national) or N: the region with about N homes"
    )
    bench_parser.add_argument("--seed", type=int, default=0)
    bench_parser.add_argument("--dump", default=None, help="also write the instance JSON here")
    bench_parser.add_argument(
        "--frontier", action="store_true", help="also the trade-off from nearest to cheapest"
    )
    bench_parser.add_argument(
        "--also",
        action="append",
        default=[],
        choices=sorted(POLICIES),
        help="also a proposal by this policy (repeatable)",
    )
    bench_parser.set_defaults(run=_bench)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
