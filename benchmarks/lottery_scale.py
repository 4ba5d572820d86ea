"""The lottery draw at 10k, 100k and 1M entries beside its floor, and loading entries.

Each size runs in several fresh interpreters, so each peak memory is the process's own:
the kernel's VmHWM (/proc/self/status), read right after the first draw. (Not
ru_maxrss: Linux carries the parent's peak into it across the fork + exec that
`subprocess` does.) A process builds synthetic entries (untimed), then draws and
measures the floor in turn, twice:

- the draw is what `domain.lottery` computes from the entries: the entries digest, the
  HMAC order, the allocation (serial dictatorship) and the result digest, each timed;
- the floor is one HMAC-SHA256 per entry of the same ids and one sort of those keys,
  written out here apart from the code it measures. The HMAC copies SHA-256 states of
  the padded key per message, as RFC 2104 §4 suggests: the fastest way found in CPython
  (a one-shot `hmac.digest` per message took 1.5–2.5 × as long here).

The machine is shared, so the figures are medians, each draw is divided by the floor
measured right after it in the same process, and the load average is reported.

Loading runs once in its own process under moto (in-process). The entries are written
with batch writes (untimed), then read back through the real store code
(`lottery_store.entries`: Query pages parsed by botocore and pynamodb into stored
entries) and turned into draw entries the way the draw task does. The time moto spends
answering is measured apart, so what remains is what the store code itself costs.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.moto_child import MotoTime, in_child, offline_environment, template_tables
from benchmarks.report import Figure, Section

SIZES = (10_000, 100_000, 1_000_000)
RUNS = {10_000: 5, 100_000: 5, 1_000_000: 3}  # fresh interpreters per size
PAIRS = 2  # draw, floor, draw, floor in each of them
DAYS = 62
ROOMS_PER_DAY = 40
SECONDS_PER_MILLION = 5.0  # the target at 1M; smaller draws are held to it pro rata
TARGET_MB = 1024.0  # at 1M
GROWTH_AT_MOST = 12.0  # 10× entries: 10× is linear; sorting's log factor allows 1.2× more
LOAD_ENTRIES = 100_000
SEED = "ab" * 32  # 64 hex digits, like secrets.token_hex(32)


def _status_kb(field: str) -> int | None:
    """VmHWM (peak) or VmRSS (now) of this process (Linux), or None elsewhere."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


# ------------------------------------------------------------------ the draw (child)


def build(
    size: int,
    first: date = date(2030, 7, 1),
    days: int = DAYS,
    rooms_per_day: int = ROOMS_PER_DAY,
) -> tuple[dict[str, Any], dict[tuple[date, str], int]]:
    """Synthetic entries as the draw task gets them: random 16-hex-digit entry ids (as
    `runtime.new_id` makes them) in no particular order (the store returns them by
    user number), 3 preferences each of 1–2 nights and 1–2 rooms on random dates from
    `first` over `days`; every preference its own objects, as parsing stored entries
    makes them. The same size gives the same entries. slot_lottery uses it too."""
    import random

    from yoyaku.domain import lottery as rules

    rng = random.Random(size)
    entries = {}
    for _ in range(size):
        entry_id = f"ent_{rng.getrandbits(64):016x}"
        prefs = [
            rules.Preference(
                rank,
                first + timedelta(days=rng.randrange(days - 1)),
                rng.choice((1, 1, 2)),
                "room",
                rng.choice((1, 1, 1, 2)),
            )
            for rank in (1, 2, 3)
        ]
        entries[entry_id] = rules.entry(entry_id, prefs)
    capacity = {(first + timedelta(days=d), "room"): rooms_per_day for d in range(days)}
    return entries, capacity


def floor(seed: str, digest: str, entry_ids: list[str]) -> tuple[list[bytes], float, float]:
    """The keys, the HMAC time and the sort time: the least any draw of these entries
    must do (written out here, apart from the code it measures)."""
    key = seed.encode()
    assert len(key) <= 64  # a longer key would be hashed first (RFC 2104)
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(f"{digest}:".encode())
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    started = time.perf_counter()
    keys = []
    for message in map(str.encode, entry_ids):
        mac = inner.copy()
        mac.update(message)
        final = outer.copy()
        final.update(mac.digest())
        keys.append(final.digest())
    hashed = time.perf_counter()
    keys.sort()
    return keys, hashed - started, time.perf_counter() - hashed


def draw(entries: dict[str, Any], capacity: dict[tuple[date, str], int]) -> dict[str, Any]:
    """What a draw computes, each step timed."""
    from yoyaku.domain import lottery as rules

    cpu = time.process_time()
    digest, t_digest = _timed(lambda: rules.entries_digest(entries.values()))
    order, t_order = _timed(lambda: rules.draw_order(SEED, digest, entries))
    mechanism = rules.Mechanism.SERIAL_DICTATORSHIP
    won, t_allocate = _timed(lambda: rules.allocate(order, entries, capacity, mechanism))
    _, t_result = _timed(lambda: rules.result_digest(order, won))
    cpu = time.process_time() - cpu
    return {
        "drawCpu": cpu,
        "digest": t_digest,
        "order": t_order,
        "allocate": t_allocate,
        "result": t_result,
        "draw": t_digest + t_order + t_allocate + t_result,
        "entriesDigest": digest,
        "orderList": order,
        "won": won,
    }


def child(size: int) -> dict[str, Any]:
    """Runs in the subprocess: build, then draw and floor in turn (PAIRS times); the peak
    memory is read right after the first draw."""
    import resource

    from yoyaku.domain import lottery as rules

    (entries, capacity), built = _timed(lambda: build(size))
    entries_kb = _status_kb("VmRSS")
    pairs = []
    for n in range(PAIRS):
        drawn = draw(entries, capacity)
        if n == 0:
            peak_kb = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ids = list(entries)
        cpu = time.process_time()
        keys, t_hmac, t_sort = floor(SEED, drawn["entriesDigest"], ids)
        cpu = time.process_time() - cpu
        pairs.append(
            {**drawn, "hmac": t_hmac, "sort": t_sort, "floor": t_hmac + t_sort, "floorCpu": cpu}
        )
    order, won = pairs[0]["orderList"], pairs[0]["won"]
    key = rules.order_key(SEED, pairs[0]["entriesDigest"])
    assert keys[0] == key(order[0]) and keys[-1] == key(order[-1])  # the same HMAC
    last_winner = max((i for i, e in enumerate(order) if won[e]), default=-1) + 1

    # The same entries when units never run out: the last two dates have a room for
    # everyone, so every entry must be looked at (the allocation cannot stop early).
    ample = {**capacity}
    for day in (DAYS - 2, DAYS - 1):
        ample[(date(2030, 7, 1) + timedelta(days=day), "room")] = size
    sd = rules.Mechanism.SERIAL_DICTATORSHIP
    cpu = time.process_time()
    won_ample, t_ample = _timed(lambda: rules.allocate(order, entries, ample, sd))
    cpu = time.process_time() - cpu
    steps: tuple[str, ...] = ("digest", "order", "allocate", "result", "draw", "drawCpu")
    steps += ("hmac", "sort", "floor", "floorCpu")
    return {
        "pairs": [{step: p[step] for step in steps} for p in pairs],
        "build": built,
        "entriesMb": (entries_kb or 0) / 1024,
        "peakMb": peak_kb / 1024,
        "winners": sum(1 for r in won.values() if r),
        "lastWinner": last_winner,
        "allocateAmple": t_ample,
        "allocateAmpleCpu": cpu,
        "winnersAmple": sum(1 for r in won_ample.values() if r),
    }


# ------------------------------------------------------------------ loading (child)


def load_child(size: int) -> dict[str, Any]:
    """Runs in the subprocess: entries into moto's table, then read back and timed."""
    offline_environment()
    from local import template

    # Time (wall and CPU) spent inside moto, which answers every request in this
    # process, and the number of requests.
    in_moto = MotoTime()
    with template_tables(template.load()):
        from yoyaku.adapters import lottery_store
        from yoyaku.adapters.table import EntryItem

        lottery_id = "lot_benchmark00000"
        written = _write_entries(EntryItem, lottery_id, size)
        with in_moto.timing():
            started, cpu = time.perf_counter(), time.process_time()
            stored = lottery_store.entries(lottery_id)
            loaded = time.perf_counter()
            # What the draw task makes of them (services.lottery_draw).
            entries = {e.entry_id: e.for_draw() for e in stored}
            converted, cpu = time.perf_counter(), time.process_time() - cpu
    assert len(entries) == size
    return {
        "write": written,
        "query": loaded - started,
        "convert": converted - loaded,
        "cpu": cpu,
        "inMoto": in_moto.wall,
        "inMotoCpu": in_moto.cpu,
        "requests": in_moto.requests,
        "entries": len(entries),
    }


def _write_entries(model: Any, lottery_id: str, size: int) -> float:
    """Entries as `POST /v1/lotteries/{id}/entries` stores them; returns the seconds."""
    started = time.perf_counter()
    now = datetime(2030, 5, 16, 1, 0, tzinfo=UTC)
    first = date(2030, 7, 1)
    with model.batch_write() as batch:
        for n in range(size):
            user = str(700_000 + n)
            preferences = [
                {
                    "rank": rank,
                    "date": (first + timedelta(days=(n * 7 + rank * 11) % (DAYS - 1))).isoformat(),
                    "nights": 1 + (n + rank) % 2,
                    "resourceTypeId": "room",
                    "quantity": 1,
                    "party": [{"night": 1, "adults": 2, "children": 0}],
                    "roomStyle": None,
                }
                for rank in (1, 2, 3)
            ]
            batch.save(
                model(
                    f"LOTTERY#{lottery_id}",
                    f"ENTRY#{user}",
                    entry_id=f"ent_{n:016x}",
                    preferences=preferences,
                    contact={
                        "email": f"user{user}@example.jp",
                        "language": "ja",
                        "lotteryResultEmail": True,
                    },
                    created_at=now,
                    gsi1pk=f"USER#{user}#ENTRIES",
                    gsi1sk=f"{now.isoformat()}#{lottery_id}",
                )
            )
    return time.perf_counter() - started


# ------------------------------------------------------------------ the runner


def _in_child(call: str) -> dict[str, Any]:
    return in_child(__name__, call)


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s"


def _draw_figures(size: int, runs: list[dict[str, Any]]) -> list[Figure]:
    pairs = [p for r in runs for p in r["pairs"]]

    def mid(name: str) -> float:
        return float(median(p[name] for p in pairs))

    draws = [p["draw"] for p in pairs]
    ratios = [p["draw"] / p["floor"] for p in pairs]
    phases = ", ".join(
        f"{label} {mid(name):.3f} s"
        for label, name in (
            ("entries digest", "digest"),
            ("order", "order"),
            ("allocation", "allocate"),
            ("result digest", "result"),
        )
    )
    first = runs[0]
    return [
        Figure(
            f"lottery.draw.{size}.seconds",
            f"draw {size:,} entries: time",
            round(mid("draw") * 1000),
            "ms",
            at_most=SECONDS_PER_MILLION * size / 1000,
            note=(
                f"median of {len(pairs)} draws in {len(runs)} processes ({_spread(draws)}; "
                f"CPU time {mid('drawCpu'):.3f} s): {phases}; {first['winners']:,} winners, "
                "the last at position "
                f"{first['lastWinner']:,}"
            ),
        ),
        Figure(
            f"lottery.floor.{size}.seconds",
            f"floor {size:,}: HMAC-SHA256 + sort",
            round(mid("floor") * 1000),
            "ms",
            note=f"HMAC {mid('hmac'):.3f} s + sort {mid('sort'):.3f} s, each right after a "
            f"draw (CPU time {mid('floorCpu'):.3f} s)",
        ),
        Figure(
            f"lottery.draw.{size}.vs_floor",
            f"draw {size:,} ÷ floor (same process)",
            round(median(ratios), 2),
            "×",
            note=f"median of each draw ÷ the floor measured right after it "
            f"({min(ratios):.2f}–{max(ratios):.2f} ×; in CPU time "
            f"{median(p['drawCpu'] / p['floorCpu'] for p in pairs):.2f} ×); the order alone "
            f"is {median(p['order'] / p['floor'] for p in pairs):.2f} × the floor",
        ),
        Figure(
            f"lottery.draw.{size}.peak_mb",
            f"draw {size:,} entries: peak memory",
            round(max(r["peakMb"] for r in runs)),
            "MB",
            at_most=TARGET_MB if size == 1_000_000 else None,
            note=f"the highest VmHWM of the processes, of which the entries themselves "
            f"{median(r['entriesMb'] for r in runs):.0f} MB (building them took "
            f"{median(r['build'] for r in runs):.1f} s, untimed)",
        ),
    ]


def _load_figures(load: dict[str, Any]) -> list[Figure]:
    entries = load["entries"]
    total = load["query"] + load["convert"]
    own, own_cpu = total - load["inMoto"], load["cpu"] - load["inMotoCpu"]
    return [
        Figure(
            f"lottery.load.{entries}.per_second",
            f"load {entries:,} entries under moto",
            round(entries / total),
            "entries/s",
            note=f"{total:.1f} s: {load['requests']} Query pages {load['query']:.1f} s "
            f"(moto answering {load['inMoto']:.1f} s of it), into draw entries "
            f"{load['convert']:.2f} s; writing them first took {load['write']:.0f} s (untimed)",
        ),
        Figure(
            f"lottery.load.{entries}.store_per_second",
            f"load {entries:,} entries: the store code alone",
            round(entries / own),
            "entries/s",
            note=f"{own:.1f} s ({own_cpu:.1f} s of CPU time, i.e. {entries / own_cpu:,.0f} "
            "entries a CPU second): botocore and pynamodb parsing the pages, the stored "
            "entries (pydantic) and the conversion, without moto's own time; what a Lambda "
            "would spend besides waiting for DynamoDB",
        ),
    ]


def run() -> Section:
    started = time.perf_counter()
    load_before = os.getloadavg()
    results: dict[int, list[dict[str, Any]]] = {size: [] for size in SIZES}
    for size in SIZES:
        for _ in range(RUNS[size]):
            results[size].append(_in_child(f"child({size})"))
    load = _in_child(f"load_child({LOAD_ENTRIES})")
    load_after = os.getloadavg()

    figures = [f for size in SIZES for f in _draw_figures(size, results[size])]

    def draws(size: int, clock: str) -> float:
        return float(median(p[clock] for r in results[size] for p in r["pairs"]))

    # CPU time: the two sizes run minutes apart, and wall time also counts the waits for
    # a CPU, which vary with the other work on the machine in between.
    growth = draws(1_000_000, "drawCpu") / draws(100_000, "drawCpu")
    figures.append(
        Figure(
            "lottery.draw.growth",
            "growth 100k → 1M (10× the entries), CPU time",
            round(growth, 1),
            "×",
            at_most=GROWTH_AT_MOST,
            note=f"10× is linear; sorting (n log n) allows about 1.2× more; wall time grew "
            f"{draws(1_000_000, 'draw') / draws(100_000, 'draw'):.1f} ×",
        )
    )
    million = results[1_000_000]
    figures.append(
        Figure(
            "lottery.allocate.1000000.ample_ms",
            "allocation of 1M when units never run out",
            round(median(r["allocateAmple"] for r in million) * 1000),
            "ms",
            note=f"CPU time {median(r['allocateAmpleCpu'] for r in million):.2f} s; "
            f"{million[0]['winnersAmple']:,} winners; no early stop, each preference that "
            "cannot fit costs one set lookup",
        )
    )
    figures += _load_figures(load)
    notes = [
        f"{DAYS} dates × {ROOMS_PER_DAY} rooms; each entry has 3 preferences of 1–2 nights "
        "and 1–2 rooms on random dates; serial dictatorship. Time targets are "
        f"{SECONDS_PER_MILLION:g} s per million entries; the allocation when units never run "
        "out is the same entries with a room for everyone on the last two dates.",
        f"Load average (1, 5, 15 min) {_loads(load_before)} at the start and "
        f"{_loads(load_after)} at the end, on {os.cpu_count()} CPUs.",
    ]
    return Section("Lottery draw at scale", figures, notes, time.perf_counter() - started)


def _loads(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)
