"""Run the benchmarks: ``python3 run.py bench [NAME ...]`` (all of them by default)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from benchmarks import client_overhead, engine_overhead, no_change_sync, x12_throughput

BENCHMARKS = {
    "client": client_overhead.main,
    "engine": engine_overhead.main,
    "no-change": no_change_sync.main,
    "x12": x12_throughput.main,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 run.py bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"which to run: {', '.join(BENCHMARKS)} (all)")
    parser.add_argument("--requests", type=int, default=400, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per variant")
    parser.add_argument(
        "--throughput-mb",
        type=float,
        help="x12: size in MB of the file whose throughput is measured (2)",
    )
    parser.add_argument(
        "--size-mb",
        type=float,
        help="x12: size in MB of the interchange whose peak memory is measured (100)",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    # Options one benchmark takes, passed to it only when given (its own defaults apply).
    given = {"throughput_mb": args.throughput_mb, "size_mb": args.size_mb}
    options: dict[str, dict[str, Any]] = {
        "x12": {key: value for key, value in given.items() if value is not None},
    }
    for name in args.names or list(BENCHMARKS):
        BENCHMARKS[name](requests=args.requests, rounds=args.rounds, **options.get(name, {}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
