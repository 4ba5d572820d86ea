"""The LINE messages citizens receive: seed 000's wording, both languages, LINE's limits."""

from __future__ import annotations

from string import Formatter

import pytest

from yoyaku.domain.account_kinds import ApplicationStatus
from yoyaku.domain.line import (
    MAX_MESSAGES_PER_PUSH,
    MAX_TEXT_LENGTH,
    ApplicationNotice,
    LotteryNotice,
    application_texts,
    lottery_texts,
)
from yoyaku.domain.messages import LINE_TEXTS, Language

URL = "https://yoyaku.example/me/applications"


def notice(
    status: ApplicationStatus, reason: str | None = None, **changes: object
) -> ApplicationNotice:
    values: dict[str, object] = {
        "application_number": "000008",
        "type": "renewal",
        "status": status,
        "reason": reason,
        "sequence": 1,
    }
    values.update(changes)
    return ApplicationNotice(**values)  # type: ignore[arg-type]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(LINE_TEXTS))
def test_every_line_text_exists_in_both_languages_with_the_same_values(key: str) -> None:
    texts = LINE_TEXTS[key]
    assert set(texts) == {Language.JA, Language.EN}
    assert placeholders(texts[Language.JA]) == placeholders(texts[Language.EN])
    assert texts[Language.EN].isascii()


@pytest.mark.parametrize(
    ("status", "first_line"),
    [
        (ApplicationStatus.RECEIVED, "申請を受け付けました。"),
        (ApplicationStatus.ACCEPTED, "申請を受理いたしました。"),
        (ApplicationStatus.COMPLETED, "処理が完了しました。"),
    ],
)
def test_status_messages_follow_seed_000(status: ApplicationStatus, first_line: str) -> None:
    (text,) = application_texts(Language.JA, notice(status), URL)
    assert text.splitlines() == [
        first_line,
        "詳細は申請履歴からご確認いただけます。",
        "申請番号：000008",
        "申請種別：施設予約サービス利用者登録の更新",
        "",
        "<申請履歴>",
        "申請履歴は下記ページをご覧ください。",
        URL,
    ]


def test_a_return_sends_the_reason_in_a_message_of_its_own() -> None:
    reason = "名簿が不明瞭でした。再度申請をお願いします。"
    first, second = application_texts(Language.JA, notice(ApplicationStatus.RETURNED, reason), URL)
    assert first.startswith("内容に不備等があるため、申請が差し戻しされました。\n")
    assert "申請番号：000008" in first
    assert second.splitlines()[0] == reason
    assert second.endswith(URL)


def test_a_rejected_registration_says_the_account_is_cancelled() -> None:
    texts = application_texts(
        Language.JA,
        notice(ApplicationStatus.REJECTED, "在勤を確認できませんでした。", type="registration"),
        URL,
    )
    assert texts[0].startswith("申請が却下され、利用者登録を取り消しました。")
    assert "申請種別：施設予約サービス利用者登録\n" in texts[0] + "\n"
    renewal = application_texts(Language.JA, notice(ApplicationStatus.REJECTED, "理由"), URL)
    assert renewal[0].startswith("申請が却下されました。")


def test_english_messages_carry_the_same_facts() -> None:
    (text,) = application_texts(Language.EN, notice(ApplicationStatus.ACCEPTED), URL)
    assert text.startswith("Your application has been accepted for review.")
    assert "Application number: 000008" in text
    assert "Application type: Renewal of the user registration" in text
    assert text.isascii()


def test_messages_stay_within_lines_limits() -> None:
    long_reason = "不備" * 4000
    texts = application_texts(Language.JA, notice(ApplicationStatus.RETURNED, long_reason), URL)
    assert len(texts) <= MAX_MESSAGES_PER_PUSH
    assert all(0 < len(t) <= MAX_TEXT_LENGTH for t in texts)


def test_each_change_and_each_lottery_has_its_own_dedupe_key() -> None:
    keys = {
        notice(ApplicationStatus.RECEIVED, sequence=0).dedupe_key,
        notice(ApplicationStatus.RETURNED, sequence=2).dedupe_key,
        notice(ApplicationStatus.RECEIVED, sequence=3).dedupe_key,
        notice(ApplicationStatus.RETURNED, sequence=4).dedupe_key,
    }
    assert len(keys) == 4
    assert (
        LotteryNotice("lot_1", "x", 1, "1").dedupe_key
        != LotteryNotice("lot_2", "x", 1, "1").dedupe_key
    )


def test_lottery_results() -> None:
    (won,) = lottery_texts(
        Language.JA, LotteryNotice("lot_1", "大平台みなと荘", 2, "1234567890"), URL
    )
    assert "大平台みなと荘の抽選で第2希望が当選しました。" in won
    assert "予約番号：1234567890" in won
    (lost,) = lottery_texts(Language.EN, LotteryNotice("lot_1", "Ohiradai", 0, None), URL)
    assert "none of your preferences was drawn" in lost
