"""The published audit file of a draw (S3): written once by Publish, linked from
GET /v1/lotteries/{id}/audit, and checked by tools.verify_draw, which refuses a file
that was changed after publication.

Residents enter through the API; the workflow's tasks run in-process
(tests/integration/test_lottery_workflow.py runs them in the real state machine).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.gateway import ACCOUNT
from tools import verify_draw
from tools.verify_draw import published, verify
from yoyaku.adapters import draw_audit_files
from yoyaku.adapters.table import LotteryItem
from yoyaku.domain.lottery import AUDIT_DATA
from yoyaku.services import lotteries, lottery_draw
from yoyaku.settings import forget as forget_settings
from yoyaku.settings import settings

from .helpers import INN, account, enter, open_rooms, preference
from .test_lottery_workflow import D1, D2, D3, REGION, create_lottery


@pytest.fixture
def drawn(client, clock, staff_token, monkeypatch) -> str:
    """A drawn and published lottery of three entrants for two rooms on D1."""
    # Creating a lottery schedules its draw (never fired here: the tasks run below).
    monkeypatch.setenv(
        "DRAW_STATE_MACHINE_ARN", f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:d"
    )
    monkeypatch.setenv("SCHEDULER_ROLE_ARN", f"arn:aws:iam::{ACCOUNT}:role/scheduler")
    forget_settings()
    assert client.put("/v1/staff/facilities/inn", json_body=INN, token=staff_token).status == 200
    open_rooms(client, staff_token, "inn", D1, D3, 2)
    lottery_id: str = create_lottery(client, staff_token)["lotteryId"]
    for second in (D2, D3, D2):
        who = account(clock.now())
        reply = enter(client, who, lottery_id, preference(1, D1), preference(2, second))
        assert reply.status == 201, reply.body
    s3().put_bucket_versioning(
        Bucket=settings().audit_bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    for task in (lottery_draw.close, lottery_draw.draw, lottery_draw.publish):
        task(lottery_id)
    return lottery_id


def s3() -> Any:
    return boto3.client("s3", region_name=REGION)


def stored_file(lottery_id: str) -> bytes:
    return draw_audit_files.read(draw_audit_files.key_for(lottery_id))


def test_publish_writes_the_file_once_and_the_audit_links_it(client, drawn) -> None:
    first = stored_file(drawn)
    assert lottery_draw.publish(drawn).audit_key == f"lotteries/{drawn}/audit.json.gz"
    versions = s3().list_object_versions(Bucket=settings().audit_bucket)["Versions"]
    assert len(versions) == 1  # the retried Publish wrote nothing new
    assert stored_file(drawn) == first

    answer = client.get(f"/v1/lotteries/{drawn}/audit").json
    file = answer["file"]
    assert file["sha256"] == hashlib.sha256(first).hexdigest()
    assert (file["bytes"], file["entries"], file["contentType"]) == (
        len(first),
        3,
        "application/gzip",
    )
    assert file["url"].startswith("http") and file["expiresAt"]
    content, problems = published(answer, first)
    assert problems == [] and verify(content) == []
    # Small draws keep the data inline too, exactly as the file has it.
    for name in ("order", "entries", "inventory", "results"):
        assert answer[name] == content[name], name
    assert verify(answer) == []
    assert [r["wonRank"] for r in content["results"]].count(1) == 2

    item = LotteryItem.get(f"LOTTERY#{drawn}", "LOTTERY")
    assert item.audit is None  # the item keeps the digests and the file, not the data
    assert item.audit_file == {
        "key": file_key(drawn),
        "sha256": file["sha256"],
        "bytes": len(first),
        "entries": 3,
    }


def file_key(lottery_id: str) -> str:
    return f"lotteries/{lottery_id}/audit.json.gz"


def _tamper(lottery_id: str, change: Any) -> bytes:
    """Rewrites the stored file as someone with write access to the bucket could."""
    content = json.loads(gzip.decompress(stored_file(lottery_id)))
    change(content)
    body = gzip.compress(json.dumps(content, ensure_ascii=False).encode("utf-8"))
    s3().put_object(Bucket=settings().audit_bucket, Key=file_key(lottery_id), Body=body)
    return body


def test_verify_draw_refuses_a_file_changed_after_publication(client, drawn) -> None:
    def lucky_loser(content: dict[str, Any]) -> None:
        loser = next(r for r in content["results"] if r["wonRank"] != 1)
        winner = next(r for r in content["results"] if r["wonRank"] == 1)
        loser["wonRank"], winner["wonRank"] = 1, loser["wonRank"]

    body = _tamper(drawn, lucky_loser)
    answer = client.get(f"/v1/lotteries/{drawn}/audit").json
    content, problems = published(answer, body)
    assert problems == ["the audit file's SHA-256 is not the one the lottery publishes"]
    assert "allocating the inventory in that order gives other results" in verify(content)

    # A file that claims another seed does not match the lottery it is linked from.
    body = _tamper(drawn, lambda content: content.update(seed="0" * 64))
    content, problems = published(answer, body)
    assert "the audit file's seed is not the lottery's" in problems
    assert "the seed does not match the published commitment" in verify(content)


def test_a_large_draw_answers_with_the_file_alone(client, drawn, monkeypatch) -> None:
    monkeypatch.setattr(lotteries, "INLINE_ENTRIES", 2)
    answer = client.get(f"/v1/lotteries/{drawn}/audit").json
    assert answer["seed"] and answer["resultDigest"] and answer["file"]["entries"] == 3
    assert all(answer[name] is None for name in ("order", "entries", "inventory", "results"))
    assert verify(answer) == [
        "the data of the draw is in its audit file: check the file (file.url)"
    ]
    content, problems = published(answer, stored_file(drawn))
    assert problems == [] and verify(content) == []


def test_verify_draw_checks_a_downloaded_file(drawn, tmp_path: Path, capsys) -> None:
    downloaded = tmp_path / "audit.json.gz"
    downloaded.write_bytes(stored_file(drawn))
    assert verify_draw.main(["--file", str(downloaded)]) == 0
    assert "OK: 3 entries" in capsys.readouterr().out
    unpacked = tmp_path / "audit.json"  # as `gunzip` leaves it
    unpacked.write_bytes(gzip.decompress(downloaded.read_bytes()))
    assert verify_draw.main(["--file", str(unpacked)]) == 0

    content = json.loads(unpacked.read_bytes())
    content["order"].reverse()
    unpacked.write_text(json.dumps(content), encoding="utf-8")
    assert verify_draw.main(["--file", str(unpacked)]) == 1
    assert "FAIL: the order does not follow" in capsys.readouterr().out


def test_a_draw_published_before_audit_files_answers_as_before(client, drawn) -> None:
    """Such a draw kept its audit data on the lottery item: the answer carries it inline,
    with no file, and verify_draw checks it as it always did."""
    content = json.loads(gzip.decompress(stored_file(drawn)))
    LotteryItem(f"LOTTERY#{drawn}", "LOTTERY").update(
        actions=[
            LotteryItem.audit.set({name: content[name] for name in AUDIT_DATA}),
            LotteryItem.audit_file.remove(),
        ]
    )
    answer = client.get(f"/v1/lotteries/{drawn}/audit").json
    assert answer["file"] is None and answer["order"] == content["order"]
    assert verify(answer) == []
