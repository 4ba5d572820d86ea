"""The draw of a time-slot lottery (issue 16's figure) beside the lodging draw.

A month of tennis courts: 30 days × 4 slots a day (09:00, 11:00, 13:00, 15:00) × 4
courts, 480 court-slots, and 20,000 group entries of 3 preferences each (1–2
consecutive slots, 1–2 courts, on random days), a cap of 4 court-slots per group. The
slot draw (`domain.slot_draw`: entries digest, HMAC order, capped allocation, result
digest) runs in fresh interpreters beside the lodging draw (`domain.lottery`) of as many
entries (3 preferences of 1–2 nights and 1–2 rooms over the same 30 days, 16 rooms a
day), so each peak memory (VmHWM) is the process's own, as in lottery_scale.

Both mechanisms are measured for the slot draw: serial dictatorship runs in rounds
(everyone's first win before anyone's second), rank rounds goes through each rank once.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from statistics import median
from typing import Any

from benchmarks.lottery_scale import SEED, _status_kb, _timed, build
from benchmarks.moto_child import in_child
from benchmarks.report import Figure, Section

ENTRIES = 20_000
DAYS = 30
STARTS = ("0900", "1100", "1300", "1500")
COURTS = 4
CAP = 4
RUNS = 3  # fresh interpreters per kind
FIRST = date(2030, 6, 1)
LODGING_ROOMS_PER_DAY = 16  # the lodging draw beside it
# The draw task must finish well inside one Lambda invocation with room for loading and
# booking: a second for the computation. Beside the lodging draw of as many entries, the
# capped rounds may cost at most twice as much CPU.
TARGET_MS = 1000.0
VS_LODGING_AT_MOST = 2.0


def _end(start: str) -> str:
    return f"{int(start[:2]) + 2:02d}00"


def build_slots(size: int) -> tuple[dict[str, Any], Any]:
    import random

    from yoyaku.domain import slot_draw

    rng = random.Random(size)
    units = {}
    ends = {}
    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        for start in STARTS:
            units[(day, "court", start)] = COURTS
            ends[(day, "court", start)] = _end(start)
    inventory = slot_draw.SlotInventory(units, ends)
    entries = {}
    for _ in range(size):
        entry_id = f"ent_{rng.getrandbits(64):016x}"
        prefs = []
        for rank in (1, 2, 3):
            slots = rng.choice((1, 1, 2))
            start = rng.choice(STARTS[: len(STARTS) - slots + 1])
            day = FIRST + timedelta(days=rng.randrange(DAYS))
            quantity = rng.choice((1, 1, 1, 2))
            prefs.append(slot_draw.SlotPreference(rank, day, start, slots, "court", quantity))
        entries[entry_id] = slot_draw.slot_entry(entry_id, prefs)
    return entries, inventory


def build_lodging(size: int) -> tuple[dict[str, Any], dict[tuple[date, str], int]]:
    """The lodging draw's entries (lottery_scale's) over the same 30 days, 16 rooms a day."""
    return build(size, first=FIRST, days=DAYS, rooms_per_day=LODGING_ROOMS_PER_DAY)


def child(kind: str, mechanism: str = "serial_dictatorship") -> dict[str, Any]:
    """Runs in a fresh interpreter: build (untimed), draw, read the peak memory."""
    import resource

    from yoyaku.domain import lottery as rules
    from yoyaku.domain import slot_draw

    mech = rules.Mechanism(mechanism)
    if kind == "slots":
        (entries, inventory), built = _timed(lambda: build_slots(ENTRIES))
        before = _status_kb("VmRSS") or 0
        started, cpu = time.perf_counter(), time.process_time()
        digest = slot_draw.entries_digest(entries.values())
        order = rules.draw_order(SEED, digest, entries)
        won = slot_draw.allocate(order, entries, inventory, mech, CAP)
        slot_draw.result_digest(order, won)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        over = [e for e, ranks in won.items() if _weight(entries[e], ranks) > CAP]
        assert not over, "the cap must hold"
        winners = sum(1 for ranks in won.values() if ranks)
        wins = sum(len(ranks) for ranks in won.values())
    else:
        (entries, capacity), built = _timed(lambda: build_lodging(ENTRIES))
        before = _status_kb("VmRSS") or 0
        started, cpu = time.perf_counter(), time.process_time()
        digest = rules.entries_digest(entries.values())
        order = rules.draw_order(SEED, digest, entries)
        lodging = rules.allocate(order, entries, capacity, mech)
        rules.result_digest(order, lodging)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        winners = wins = sum(1 for rank in lodging.values() if rank)
    peak = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "cpu": cpu,
        "build": built,
        "entriesMb": before / 1024,
        "peakMb": peak / 1024,
        "winners": winners,
        "wins": wins,
    }


def _weight(entry: Any, ranks: tuple[int, ...]) -> int:
    return sum(p.slots * p.quantity for p in entry.preferences if p.rank in ranks)


def _cpu(runs: list[dict[str, Any]]) -> float:
    return float(median(r["cpu"] for r in runs))


def _figure(key: str, label: str, runs: list[dict[str, Any]], target: float | None) -> Figure:
    times = [r["seconds"] for r in runs]
    first = runs[0]
    return Figure(
        key,
        label,
        round(median(times) * 1000),
        "ms",
        at_most=target,
        note=f"CPU time {median(r['cpu'] for r in runs) * 1000:.0f} ms; "
        f"median of {len(runs)} processes ({min(times) * 1000:.0f}–"
        f"{max(times) * 1000:.0f} ms); {first['winners']:,} winning entries, "
        f"{first['wins']:,} wins; peak memory {max(r['peakMb'] for r in runs):.0f} MB "
        f"(entries {median(r['entriesMb'] for r in runs):.0f} MB)",
        details={"peakMb": max(r["peakMb"] for r in runs)},
    )


def run() -> Section:
    started = time.perf_counter()
    load_before = os.getloadavg()
    slots = [_in_child_here("child('slots')") for _ in range(RUNS)]
    rounds = [_in_child_here("child('slots', 'rank_rounds')") for _ in range(RUNS)]
    lodging = [_in_child_here("child('lodging')") for _ in range(RUNS)]
    figures = [
        _figure(
            f"slot_lottery.draw.{ENTRIES}.seconds",
            f"slot draw, {ENTRIES:,} group entries, cap {CAP} (serial dictatorship)",
            slots,
            TARGET_MS,
        ),
        _figure(
            f"slot_lottery.draw_rank_rounds.{ENTRIES}.seconds",
            f"slot draw, {ENTRIES:,} group entries, cap {CAP} (rank rounds)",
            rounds,
            TARGET_MS,
        ),
        _figure(
            f"slot_lottery.lodging.{ENTRIES}.seconds",
            f"lodging draw, {ENTRIES:,} entries (for comparison)",
            lodging,
            TARGET_MS,
        ),
        Figure(
            f"slot_lottery.draw.{ENTRIES}.vs_lodging",
            "slot draw ÷ lodging draw (CPU time)",
            round(_cpu(slots) / _cpu(lodging), 2),
            "×",
            at_most=VS_LODGING_AT_MOST,
            note=f"rank rounds: {_cpu(rounds) / _cpu(lodging):.2f} ×",
        ),
        Figure(
            f"slot_lottery.draw.{ENTRIES}.peak_mb",
            "slot draw: peak memory",
            round(max(r["peakMb"] for r in slots)),
            "MB",
            note=f"lodging draw of as many entries: {max(r['peakMb'] for r in lodging):.0f} MB; "
            "the highest VmHWM of the processes",
        ),
    ]
    load_after = os.getloadavg()
    notes = [
        f"{DAYS} days × {len(STARTS)} slots × {COURTS} courts; {ENTRIES:,} entries of 3 "
        f"preferences (1–2 consecutive slots, 1–2 courts); cap {CAP} court-slots per entry. "
        f"Lodging: the same days, 16 rooms a day, 3 preferences of 1–2 nights and 1–2 rooms.",
        f"Load average {'/'.join(f'{v:.1f}' for v in load_before)} at the start and "
        f"{'/'.join(f'{v:.1f}' for v in load_after)} at the end, on {os.cpu_count()} CPUs.",
    ]
    return Section("Time-slot lottery draw", figures, notes, time.perf_counter() - started)


def _in_child_here(call: str) -> dict[str, Any]:
    return in_child(__name__, call)
