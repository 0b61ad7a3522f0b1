"""Command line: python -m matching solve INSTANCE.json | python -m matching bench."""

from __future__ import annotations

import argparse
import json
import sys

from matching.batch import solve
from matching.instance_json import InstanceError, load_instance, result_to_dict


def _solve(args: argparse.Namespace) -> int:
    with open(args.instance) as file:
        data = json.load(file)
    try:
        instance = load_instance(data)
    except InstanceError as error:
        print(error, file=sys.stderr)
        return 2

    def progress(update: dict) -> None:
        print(
            f"{update['elapsed']:6.2f}s {update['stage']:<10} placed {update['placed']} "
            f"objective {update['objective']:.0f} bound {update['bound']:.0f} "
            f"gap {update['gap']:.2%}",
            file=sys.stderr,
        )

    result = solve(instance, time_limit=args.time_limit, seed=args.seed, progress=progress)
    json.dump(result_to_dict(result), sys.stdout)
    sys.stdout.write("\n")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from matching import bench  # reads the register; only the bench needs it

    return bench.main(args.referrals, args.homes, args.seed, args.dump)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching")
    commands = parser.add_subparsers(dest="command", required=True)
    solve_parser = commands.add_parser("solve", help="solve a hearth-matching/1 instance")
    solve_parser.add_argument("instance", help="INSTANCE.json")
    solve_parser.add_argument("--time-limit", type=float, default=10.0, help="seconds")
    solve_parser.add_argument("--seed", type=int, default=0)
    solve_parser.set_defaults(run=_solve)
    bench_parser = commands.add_parser("bench", help="greedy vs optimiser on the register")
    bench_parser.add_argument("--referrals", type=int, default=None)
    bench_parser.add_argument(
        "--homes", default="all", help="'all' (national) or N: the region with about N homes"
    )
    bench_parser.add_argument("--seed", type=int, default=0)
    bench_parser.add_argument("--dump", default=None, help="also write the instance JSON here")
    bench_parser.set_defaults(run=_bench)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
