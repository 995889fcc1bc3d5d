"""Run the benchmarks: ``python3 run.py bench [NAME ...]`` (all of them by default)."""

from __future__ import annotations

import argparse
import sys

from benchmarks import client_overhead, engine_overhead, no_change_sync

BENCHMARKS = {
    "client": client_overhead.main,
    "engine": engine_overhead.main,
    "no-change": no_change_sync.main,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 run.py bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"which to run: {', '.join(BENCHMARKS)} (all)")
    parser.add_argument("--requests", type=int, default=400, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per variant")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        BENCHMARKS[name](requests=args.requests, rounds=args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
