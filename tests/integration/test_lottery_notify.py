"""The notify task of the draw, over many results: each call goes on where the previous
one stopped (the state machine passes `after` back), so no call reads the results the
calls before it went through, and no entrant is told twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from yoyaku.adapters import lottery_store
from yoyaku.domain.lottery import EntryContact
from yoyaku.domain.messages import Language
from yoyaku.services import lottery_draw
from yoyaku.workflows import lottery as tasks

from .helpers import drawn_lottery

if TYPE_CHECKING:
    from tests.conftest import Mailbox

LOTTERY = "lot_notify_pages"
USERS = [f"{n:07d}" for n in range(1_000_001, 1_000_008)]  # 7 entrants


@pytest.fixture
def drawn(mailbox: Mailbox) -> list[str]:
    """A drawn lottery whose 7 entrants lost; all but the fourth want the e-mail."""
    drawn_lottery(
        LOTTERY,
        [
            (user, f"ent_{index}", EntryContact(f"r{user}@example.jp", Language.JA, index != 3))
            for index, user in enumerate(USERS)
        ],
        datetime(2030, 6, 1, 1, 0, tzinfo=UTC),
    )
    return [f"r{user}@example.jp" for index, user in enumerate(USERS) if index != 3]


class Clock:
    """The task's clock, which moves only when the task sends or paces itself."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_each_call_goes_on_after_the_last_result_of_the_one_before(
    drawn: list[str], mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lottery_draw, "NOTIFY_PAGE", 3)  # results read per Query
    clock = Clock()
    monkeypatch.setattr(lottery_draw, "time", clock)
    tell = lottery_draw._tell

    def slow_tell(*args: Any) -> None:  # each message takes 25 s: 3 fit in a call's 60 s
        tell(*args)
        clock.now += 25

    monkeypatch.setattr(lottery_draw, "_tell", slow_tell)
    pages: list[str | None] = []
    read = lottery_store.results_after

    def recorded(lottery_id: str, after: str | None, limit: int) -> Any:
        pages.append(after)
        return read(lottery_id, after, limit)

    monkeypatch.setattr(lottery_store, "results_after", recorded)

    # As the state machine does: StartNotify, then Notify with the previous output.
    outputs = []
    state: dict[str, Any] = {"more": True, "after": None}
    while state["more"]:
        state = tasks.handle({"action": "notify", "lotteryId": LOTTERY, "after": state["after"]})
        outputs.append(state)
        clock.now = 0.0  # the next invocation

    # The first call tells U0–U2 and stops at its time budget; the second goes on after
    # U2 (U3 wants no message) and tells the rest.
    assert [(o["sent"], o["more"], o["after"]) for o in outputs] == [
        (3, True, USERS[2]),
        (3, False, USERS[6]),
    ]
    assert pages == [None, USERS[2], USERS[5]]  # no result read twice
    results = [m for m in mailbox.all() if "抽選結果" in m.subject]
    assert sorted(m.to[0] for m in results) == sorted(drawn)  # each once, the fourth not
    assert all(
        r.notified == (i != 3) for i, r in enumerate(lottery_store.results(LOTTERY).values())
    )

    # A repeated execution (resume: notify) tells no one again.
    again = tasks.handle({"action": "notify", "lotteryId": LOTTERY, "after": None})
    assert again == {"sent": 0, "more": False, "after": USERS[-1]}
    assert len([m for m in mailbox.all() if "抽選結果" in m.subject]) == len(drawn)
