"""Recompute and check a published lottery draw from its audit data alone.

    .venv/bin/python -m tools.verify_draw \\
        http://127.0.0.1:3000/v1/lotteries/<lotteryId>/audit
    .venv/bin/python -m tools.verify_draw --file audit.json.gz

Given the `/audit` URL it downloads the draw's audit file from the link there (`file.url`),
checks its SHA-256 against `file.sha256` and that the file publishes the same seed,
commitment and digests as the lottery, then checks the file (whatever the draw's size).
`--file` takes a downloaded audit file (gzip'd or plain JSON) or a saved `/audit` answer.

Checks, in order: the seed matches the commitment published when the lottery was
created; the entries digest matches the published entries; the order follows from the
seed and that digest; the allocation of the published inventory in that order gives
the published results; the result digest matches. Lodging and time-slot lotteries
(`kind`) alike. Exit status 0 when all hold.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import urllib.request
from datetime import date
from functools import lru_cache
from typing import Any

from yoyaku.domain import lottery as rules
from yoyaku.domain import slot_draw


@lru_cache(maxsize=1 << 16)
def _preference(part: str) -> rules.Preference:
    """`rank:date:nights:resourceTypeId:quantity`; a large draw repeats a few hundred."""
    rank, day, nights, resource_type_id, quantity = part.split(":")
    return rules.Preference(
        int(rank), date.fromisoformat(day), int(nights), resource_type_id, int(quantity)
    )


def parse_entry(line: str) -> rules.Entry:
    entry_id, _, prefs = line.partition("|")
    return rules.entry(entry_id, map(_preference, filter(None, prefs.split(";"))))


@lru_cache(maxsize=1 << 16)
def _slot_preference(part: str) -> slot_draw.SlotPreference:
    """`rank:date:HHMM:slots:resourceTypeId:quantity` (time-slot lotteries)."""
    rank, day, start, slots, resource_type_id, quantity = part.split(":")
    return slot_draw.SlotPreference(
        int(rank), date.fromisoformat(day), start, int(slots), resource_type_id, int(quantity)
    )


def parse_slot_entry(line: str) -> slot_draw.SlotEntry:
    entry_id, _, prefs = line.partition("|")
    return slot_draw.slot_entry(entry_id, map(_slot_preference, filter(None, prefs.split(";"))))


def _verify_slots(audit: dict[str, Any], order: list[str], problems: list[str]) -> list[str]:
    """The allocation and result checks of a time-slot lottery (several wins per entry,
    up to `maxWinsPerApplicant` slots)."""
    entries = {e.entry_id: e for e in map(parse_slot_entry, audit["entries"])}
    inventory = slot_draw.SlotInventory.of(
        rules.DemandDay(
            date=date.fromisoformat(i["date"]),
            resource_type_id=i["resourceTypeId"],
            applications=0,
            winnable=int(i["units"]),
            start=i["start"],
            end=i["end"],
        )
        for i in audit["inventory"]
    )
    mechanism = rules.Mechanism(audit["mechanism"])
    try:
        won = slot_draw.allocate(
            order, entries, inventory, mechanism, audit.get("maxWinsPerApplicant")
        )
    except ValueError:
        return [*problems, "an entry has a preference without a slot or a unit"]
    published = {r["entryId"]: tuple(int(n) for n in r["wonRanks"]) for r in audit["results"]}
    if won != published:
        problems.append("allocating the inventory in that order gives other results")
    if slot_draw.result_digest(order, won) != audit["resultDigest"]:
        problems.append("the result digest does not match")
    return problems


def verify(audit: dict[str, Any]) -> list[str]:
    """The checks that fail (empty when the draw is sound)."""
    problems = []
    seed = audit.get("seed")
    if not seed:
        return ["the draw has not been published yet (no seed)"]
    if any(audit.get(name) is None for name in ("entries", "order", "inventory", "results")):
        return ["the data of the draw is in its audit file: check the file (file.url)"]
    if rules.commitment(seed) != audit["seedCommitment"]:
        problems.append("the seed does not match the published commitment")
    lines = audit["entries"]
    if rules.lines_digest(sorted(lines)) != audit["entriesDigest"]:
        problems.append("the entries do not match the entries digest")
    if audit.get("kind", "lodging") == "timeslot":
        ids = [line.partition("|")[0] for line in lines]
        order = rules.draw_order(seed, audit["entriesDigest"], ids)
        if order != audit["order"]:
            problems.append("the order does not follow from the seed and the entries digest")
        return _verify_slots(audit, order, problems)
    entries = {e.entry_id: e for e in map(parse_entry, lines)}
    order = rules.draw_order(seed, audit["entriesDigest"], entries)
    if order != audit["order"]:
        problems.append("the order does not follow from the seed and the entries digest")
    capacity = {
        (date.fromisoformat(i["date"]), i["resourceTypeId"]): int(i["units"])
        for i in audit["inventory"]
    }
    mechanism = rules.Mechanism(audit["mechanism"])
    try:
        won = rules.allocate(order, entries, capacity, mechanism)
    except ValueError:
        return [*problems, "an entry has a preference without a night or a unit"]
    published = {r["entryId"]: int(r["wonRank"]) for r in audit["results"]}
    if won != published:
        problems.append("allocating the inventory in that order gives other results")
    if rules.result_digest(order, won) != audit["resultDigest"]:
        problems.append("the result digest does not match")
    return problems


# What the lottery's /audit answer and its audit file must both say.
_SUMMARY = ("lotteryId", "seedCommitment", "entriesDigest", "seed", "resultDigest", "kind")


def parse_file(body: bytes) -> dict[str, Any]:
    """An audit file as downloaded (gzip'd JSON) or unpacked (JSON)."""
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    found: dict[str, Any] = json.loads(body)
    return found


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310
        body: bytes = response.read()
        return body


def published(answer: dict[str, Any], body: bytes) -> tuple[dict[str, Any], list[str]]:
    """The audit file checked against the /audit answer that links it: the file's data,
    and what does not match (its bytes, or a summary field the two disagree on)."""
    file = answer["file"]
    problems = []
    if hashlib.sha256(body).hexdigest() != file["sha256"]:
        problems.append("the audit file's SHA-256 is not the one the lottery publishes")
    audit = parse_file(body)
    problems += [
        f"the audit file's {name} is not the lottery's"
        for name in _SUMMARY
        if audit.get(name) != answer.get(name)
    ]
    return audit, problems


def fetch(url: str) -> tuple[dict[str, Any], list[str]]:
    """The audit of a lottery from its /audit URL, with its file when it has one."""
    answer = json.loads(_download(url))
    if not answer.get("file"):
        return answer, []
    return published(answer, _download(answer["file"]["url"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a published Yoyaku lottery draw.")
    parser.add_argument("url", nargs="?", help="the lottery's /audit URL")
    parser.add_argument("--file", help="the audit file (.json.gz or .json) or a saved answer")
    args = parser.parse_args(argv)
    problems: list[str] = []
    if args.file:
        with open(args.file, "rb") as handle:  # noqa: PTH123
            audit = parse_file(handle.read())
    elif args.url:
        audit, problems = fetch(args.url)
    else:
        parser.error("give the audit URL or --file")
    problems += verify(audit)
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print(f"OK: {len(audit['order'])} entries; the draw recomputes exactly.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
