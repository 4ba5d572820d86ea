"""The draw gives the same bytes it always gave.

A published draw must verify for ever: tools/verify_draw.py recomputes it with today's
`domain.lottery`, so a faster draw must still give the same entries digest, order,
allocation and result digest for the same inputs. The values pinned here were computed
by the draw as it was before it was optimised (and the two audits in fixtures/ were
published by the real workflow then); they must never change.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tools import verify_draw
from yoyaku.domain import lottery as rules
from yoyaku.domain.lottery import Entry, Mechanism, Preference

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIRST = date(2030, 7, 1)
SEED = "c0ffee" * 10 + "f00d"


def _published(name: str) -> dict[str, Any]:
    audit: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return audit


@pytest.mark.parametrize(
    "name", ["published_draw_serial_dictatorship.json", "published_draw_rank_rounds.json"]
)
def test_a_draw_published_before_still_verifies(name: str) -> None:
    """Audits exactly as GET /v1/lotteries/{id}/audit returned them (real workflow,
    random entry ids, contested rooms, a suite, two-night and two-room wishes)."""
    audit = _published(name)
    assert verify_draw.verify(audit) == []
    ranks = [r["wonRank"] for r in audit["results"]]
    assert 0 in ranks and 1 in ranks  # winners and losers: a real contest


def _pinned_entries(kind: str) -> tuple[list[Entry], rules.Capacity]:
    """Synthetic lotteries built the same way on every run (their own random.Random)."""
    rng = random.Random(kind)
    days = [FIRST + timedelta(days=d) for d in range(10)]
    if kind == "awkward ids":
        # Ids that are prefixes of one another, sort around "|", are not ASCII; ranks
        # with a gap; the same preference twice. Sorting ids is not sorting lines here.
        ids = ["e", "e1", "e10", "e1x", "e1~", "e~", "e|", "抽選1", "抽選", "E1", "e0", "e01"]
        entries = [
            Entry(
                i, (Preference(1, days[n % 3], 1, "room", 1), Preference(3, days[1], 1, "room", 1))
            )
            for n, i in enumerate(ids)
        ]
        entries.append(Entry("dup", (Preference(1, days[0], 1, "room", 1),) * 2))
        return entries, {(days[0], "room"): 3, (days[1], "room"): 2, (days[2], "room"): 1}
    entries = []
    for n in range(3000):
        prefs = []
        for rank in range(1, rng.choice((1, 2, 3, 3)) + 1):
            resource = rng.choice(("room", "room", "suite"))
            prefs.append(
                Preference(
                    rank, rng.choice(days), rng.choice((1, 1, 2)), resource, rng.choice((1, 1, 2))
                )
            )
        entries.append(
            rules.entry(f"ent_{rng.getrandbits(64):016x}" if n % 7 else f"ent_{n}", prefs)
        )
    if kind == "sold out":
        capacity = {(d, rt): 5 for d in days for rt in ("room", "suite")}
    else:  # "leftovers": nobody can use the odd units left, so allocation never runs out
        capacity = {(d, rt): 40 for d in days for rt in ("room", "suite")}
        capacity[(FIRST + timedelta(days=20), "room")] = 7
    return entries, capacity


def _fingerprint(kind: str, mechanism: Mechanism) -> tuple[str, str, str, int]:
    entries, capacity = _pinned_entries(kind)
    digest = rules.entries_digest(entries)
    order = rules.draw_order(SEED, digest, [e.entry_id for e in entries])
    won = rules.allocate(order, {e.entry_id: e for e in entries}, capacity, mechanism)
    order_hash = hashlib.sha256("\n".join(order).encode()).hexdigest()
    return digest, order_hash, rules.result_digest(order, won), sum(1 for r in won.values() if r)


SD, RR = Mechanism.SERIAL_DICTATORSHIP, Mechanism.RANK_ROUNDS
# (kind, mechanism) -> (entries digest, SHA-256 of the order's lines, result digest, winners)
PINNED = {
    ("sold out", SD): (
        "d66c67aade2dc56f97210b8ee17225629c7e104ac219c368c71932614bc173c4",
        "fbadc885e829a4f5a06768b2036aeea50422b199007470f61e0890bf4f2b9aea",
        "37bb155140d4adb7a3a85d5cb4ec6c18edc20fbb0387856f361a1aa7a6b26909",
        66,
    ),
    ("sold out", RR): (
        "d66c67aade2dc56f97210b8ee17225629c7e104ac219c368c71932614bc173c4",
        "fbadc885e829a4f5a06768b2036aeea50422b199007470f61e0890bf4f2b9aea",
        "822c231d1697660b1cd1e3ddb4a86301b110e9eab3bf4d05e348de1f06f19f5a",
        65,
    ),
    ("leftovers", SD): (
        "fe8ad80bc97d753a4883c77ff7ebd61a801c426f887eb77782b06b74ecd28bde",
        "61fbf3ed4bcc6f78e37d80288eb3b93efba0de06b42c190b90fbe7997aa90380",
        "60d062ab2ac48ff3067ab2bd26cccd779165112a91f90f1dd05cce9b4a165a98",
        487,
    ),
    ("leftovers", RR): (
        "fe8ad80bc97d753a4883c77ff7ebd61a801c426f887eb77782b06b74ecd28bde",
        "61fbf3ed4bcc6f78e37d80288eb3b93efba0de06b42c190b90fbe7997aa90380",
        "a7d7b0a34463e978f8424938592f51fc9bc46261a542b12d5aef515c7fe3b122",
        492,
    ),
    ("awkward ids", SD): (
        "08da8b5840612b9df233dede3cdb7364b754933db8d662f60fa325d1cbf9ca1f",
        "b34a1c7aa5aea24e0aee720312efdd25cbeabdebc06af1e7cff140e9981ebb54",
        "79c0a8a0918dc025ea6a184d0dcb19e4ce586881df9da8be39895641ea72026c",
        6,
    ),
    ("awkward ids", RR): (
        "08da8b5840612b9df233dede3cdb7364b754933db8d662f60fa325d1cbf9ca1f",
        "b34a1c7aa5aea24e0aee720312efdd25cbeabdebc06af1e7cff140e9981ebb54",
        "f72ef947d288b14c4aa8e01f8ca209ac2dbd55cb1918be45ae9bace38991668e",
        6,
    ),
}


@pytest.mark.parametrize(("kind", "mechanism"), list(PINNED))
def test_the_same_inputs_give_the_same_digests_as_before(kind: str, mechanism: Mechanism) -> None:
    assert _fingerprint(kind, mechanism) == PINNED[(kind, mechanism)]
