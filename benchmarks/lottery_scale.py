"""Draw 10k, 100k and 1M synthetic entries (3 preferences each) in one process.

Each size runs in a fresh interpreter so its peak memory is its own. The peak is the
kernel's VmHWM of that process (/proc/self/status), not ru_maxrss: Linux carries the
parent's peak RSS into ru_maxrss across the fork/vfork + exec that `subprocess` does, so
a child started from a large parent (this benchmark runner, after moto) reported the
parent's peak (266 MB for both 10k and 100k entries before this was changed). The
time covers what the draw task computes: the entries digest, the HMAC order and the
allocation (serial dictatorship); building the synthetic entries is timed apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.report import ROOT, Figure, Section

SIZES = (10_000, 100_000, 1_000_000)
DAYS = 62
ROOMS_PER_DAY = 40
TARGET_SECONDS = 20.0
TARGET_MB = 2048.0


def _peak_kb() -> int | None:
    """This process's own peak resident set (Linux), or None elsewhere."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def child(size: int) -> dict[str, float]:
    """Runs in the subprocess: build, draw, report."""
    import random
    import resource

    from yoyaku.domain import lottery as rules

    rng = random.Random(size)
    first = date(2030, 7, 1)
    started = time.perf_counter()
    entries = {}
    for n in range(size):
        entry_id = f"ent_{n:07d}"
        prefs = []
        for rank in (1, 2, 3):
            prefs.append(
                rules.Preference(
                    rank,
                    first + timedelta(days=rng.randrange(DAYS - 1)),
                    rng.choice((1, 1, 2)),
                    "room",
                    rng.choice((1, 1, 1, 2)),
                )
            )
        entries[entry_id] = rules.entry(entry_id, prefs)
    built = time.perf_counter() - started
    capacity = {(first + timedelta(days=d), "room"): ROOMS_PER_DAY for d in range(DAYS)}
    started = time.perf_counter()
    digest = rules.entries_digest(entries.values())
    order = rules.draw_order("ab" * 32, digest, entries)
    won = rules.allocate(order, entries, capacity, rules.Mechanism.SERIAL_DICTATORSHIP)
    rules.result_digest(order, won)
    drew = time.perf_counter() - started
    peak_kb = _peak_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "build": built,
        "draw": drew,
        "peakMb": peak_kb / 1024,
        "winners": sum(1 for r in won.values() if r),
    }


def _measure(size: int) -> dict[str, float]:
    code = (
        f"import json; from benchmarks.lottery_scale import child; print(json.dumps(child({size})))"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}"}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def run() -> Section:
    started = time.perf_counter()
    results = {size: _measure(size) for size in SIZES}
    figures: list[Figure] = []
    for size, r in results.items():
        at_most = TARGET_SECONDS if size == 1_000_000 else None
        figures.append(
            Figure(
                f"lottery.draw.{size}.seconds",
                f"draw {size:,} entries: time",
                round(r["draw"], 2),
                "s",
                at_most=at_most,
                note=f"{int(r['winners']):,} winners; building the entries took {r['build']:.1f} s",
            )
        )
        figures.append(
            Figure(
                f"lottery.draw.{size}.peak_mb",
                f"draw {size:,} entries: peak memory",
                round(r["peakMb"]),
                "MB",
                at_most=TARGET_MB if size == 1_000_000 else None,
            )
        )
    ratio = results[1_000_000]["draw"] / results[100_000]["draw"]
    figures.append(
        Figure(
            "lottery.draw.growth",
            "growth 100k → 1M (10× the entries)",
            round(ratio, 1),
            "×",
            at_most=15.0,
            note="10× is linear; n·log n sorting allows a little more",
        )
    )
    notes = [
        f"{DAYS} dates × {ROOMS_PER_DAY} rooms; each entry has 3 preferences of 1–2 nights "
        "and 1–2 rooms on random dates; serial dictatorship.",
    ]
    return Section("Lottery draw at scale", figures, notes, time.perf_counter() - started)
