"""Runs the figures (all, or the named ones) and prints each with its value, target and raw floor."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.registry import FIGURES  # noqa: E402


def load() -> None:
    import benchmarks

    for info in pkgutil.iter_modules(benchmarks.__path__):
        if info.name.startswith("bench_"):
            importlib.import_module(f"benchmarks.{info.name}")


def main() -> None:
    load()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"figures to run (default: all): {', '.join(FIGURES)}")
    parser.add_argument("--json", action="store_true", help="print one JSON object: figure name -> number")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)}")
    results: dict[str, float] = {}
    for name in args.names or list(FIGURES):
        fig = FIGURES[name]
        m = fig.measure()
        results[name] = round(m.value, 3)
        if m.floor is not None:
            results[f"{name}_floor"] = round(m.floor, 4)
        if not args.json:
            floor = f"   floor {m.floor:.4g} ({m.floor_what})" if m.floor is not None else ""
            print(f"{name:<34} {m.value:>10.3f}   target {fig.target}{floor}", flush=True)
            if m.detail:
                print(f"{'':<34} {m.detail}", flush=True)
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
