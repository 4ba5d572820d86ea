"""`python -m benchmarks` (make bench): run every benchmark, print the report, save JSON.

Options: `--only requests scale cold-start layer argon2 lottery notify slot-lottery
contention web identity` runs a subset, `--runs N` sets the cold-start repetitions
(argon2 uses twice as many), `--strict` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from benchmarks import (
    cold_start,
    contention,
    dynamodb_requests,
    identity,
    layer_size,
    lottery_notify,
    lottery_scale,
    password_hash,
    slot_lottery,
    web,
)
from benchmarks.report import ROOT, Section, machine, render, write_json

BENCHMARKS: dict[str, Callable[[int], Section]] = {
    "requests": lambda runs: dynamodb_requests.run(),
    "scale": lambda runs: dynamodb_requests.run_scale(),
    "cold-start": lambda runs: cold_start.run(runs),
    "layer": lambda runs: layer_size.run(),
    "argon2": lambda runs: password_hash.run(runs * 2),
    "lottery": lambda runs: lottery_scale.run(),
    "notify": lambda runs: lottery_notify.run(),
    "slot-lottery": lambda runs: slot_lottery.run(),
    "contention": lambda runs: contention.run(),
    "web": lambda runs: web.run(runs),
    "identity": lambda runs: identity.run(),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), default=None)
    parser.add_argument("--runs", type=int, default=5, help="cold-start runs per probe")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    info = machine()
    print(
        f"Yoyaku benchmarks: {info['measuredAt']}, Python {info['python']}, "
        f"{info['machine']}, {info['cpus']} CPUs, commit {info['commit']}",
        flush=True,
    )
    sections: list[Section] = []
    failed: list[str] = []
    for name in args.only or list(BENCHMARKS):
        try:
            section = BENCHMARKS[name](args.runs)
        except Exception as error:  # report it, run the others, fail at the end
            failed.append(name)
            print(f"\n== {name}: FAILED: {type(error).__name__}: {error}", flush=True)
            continue
        sections.append(section)
        print("\n" + render(section), flush=True)

    figures = [f for s in sections for f in s.figures]
    missed = [f for f in figures if f.verdict == "MISS"]
    passed = [f for f in figures if f.verdict == "PASS"]
    path = write_json(sections)
    print(
        f"\n{len(passed)} PASS, {len(missed)} MISS, {len(figures) - len(passed) - len(missed)} "
        f"info in {time.perf_counter() - started:.0f} s; "
        f"JSON: {path.relative_to(ROOT)}"
    )
    for figure in missed:
        print(f"  MISS: {figure.label}: {figure.shown} (target {figure.target})")
    if failed:
        print(f"  FAILED to run: {', '.join(failed)}")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
