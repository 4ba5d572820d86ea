"""Pure rules of the My Number card check: facts, birthdates, challenges, outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from yoyaku.api.problems import problem_body
from yoyaku.domain import identity
from yoyaku.domain.errors import DomainError, ErrorCode
from yoyaku.domain.identity import (
    OID_ADDRESS,
    OID_BIRTHDATE,
    OID_GENDER,
    OID_NAME,
    CardCertificate,
    CardProblem,
    Challenge,
    Purpose,
    UnreadableCard,
)
from yoyaku.domain.messages import Language

NOW = datetime(2030, 5, 15, 1, 0, tzinfo=UTC)
FACTS = {
    OID_NAME: "公的　花子",
    OID_GENDER: "2",
    OID_BIRTHDATE: "319900401",
    OID_ADDRESS: "東京都港区芝公園一丁目5番25号",
}


def card(not_before: datetime, not_after: datetime) -> CardCertificate:
    return CardCertificate(b"", "00", 1, not_before, not_after, FACTS, ())


def test_the_four_facts_are_read_as_the_card_states_them() -> None:
    facts = identity.facts_from_other_names(FACTS)
    assert facts.name == "公的　花子"  # the full-width space between the names is kept
    assert facts.address == "東京都港区芝公園一丁目5番25号"
    assert facts.birthdate == date(1990, 4, 1)
    assert facts.gender == "2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("319900401", date(1990, 4, 1)),  # 昭和
        ("420190430", date(2019, 4, 30)),  # 平成, its last day
        ("520190501", date(2019, 5, 1)),  # 令和, its first day
        ("119000101", date(1900, 1, 1)),  # 明治
        ("019000101", date(1900, 1, 1)),  # era unknown
    ],
)
def test_card_birthdates_are_an_era_digit_and_the_gregorian_date(
    value: str, expected: date
) -> None:
    assert identity.card_birthdate(value) == expected


@pytest.mark.parametrize("value", ["19900401", "919900401", "319901301", "3199004011", "3ABCDEFGH"])
def test_malformed_card_birthdates_are_unreadable(value: str) -> None:
    with pytest.raises(UnreadableCard):
        identity.card_birthdate(value)


def test_era_digits_change_on_the_first_day_of_each_era() -> None:
    assert identity.era_digit(date(1989, 1, 7)) == "3"
    assert identity.era_digit(date(1989, 1, 8)) == "4"
    assert identity.era_digit(date(2019, 4, 30)) == "4"
    assert identity.era_digit(date(2019, 5, 1)) == "5"


@pytest.mark.parametrize("missing", [OID_NAME, OID_GENDER, OID_BIRTHDATE, OID_ADDRESS])
def test_a_certificate_without_a_fact_is_not_a_card(missing: str) -> None:
    values = {k: v for k, v in FACTS.items() if k != missing}
    with pytest.raises(UnreadableCard):
        identity.facts_from_other_names(values)


def test_an_unknown_gender_code_is_not_a_card() -> None:
    with pytest.raises(UnreadableCard):
        identity.facts_from_other_names({**FACTS, OID_GENDER: "9"})


def test_the_signed_document_binds_purpose_nonce_validity_and_consent() -> None:
    text = identity.consent_text(Purpose.REGISTRATION, Language.JA)
    document = identity.signed_document(
        Purpose.REGISTRATION, "chl_1", "nonce-xyz", NOW, NOW + timedelta(minutes=10), text
    ).decode()
    assert "purpose: registration" in document
    assert "challenge: chl_1" in document
    assert "nonce: nonce-xyz" in document
    assert "expiresAt: 2030-05-15T01:10:00+00:00" in document
    assert document.rstrip().endswith(text)
    assert "利用規約に同意します" in text


def test_challenges_are_single_use_and_expire() -> None:
    fresh = Challenge("chl_1", Purpose.REGISTRATION, b"x", NOW + timedelta(minutes=10))
    assert identity.check_challenge(fresh, NOW) is fresh
    with pytest.raises(DomainError) as expired:
        identity.check_challenge(fresh, NOW + timedelta(minutes=10))
    assert expired.value.code is ErrorCode.CHALLENGE_EXPIRED
    used = Challenge("chl_1", Purpose.REGISTRATION, b"x", NOW + timedelta(minutes=10), NOW)
    with pytest.raises(DomainError) as reused:
        identity.check_challenge(used, NOW)
    assert reused.value.code is ErrorCode.LINK_ALREADY_USED
    with pytest.raises(DomainError) as unknown:
        identity.check_challenge(None, NOW)
    assert unknown.value.code is ErrorCode.NOT_FOUND


def test_expiry_is_judged_at_the_verification_instant() -> None:
    valid = card(NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert identity.expiry_problem(valid, NOW) is None
    assert identity.expiry_problem(valid, NOW + timedelta(days=2)) is CardProblem.EXPIRED
    assert identity.expiry_problem(valid, NOW - timedelta(days=2)) is CardProblem.UNTRUSTED


def test_the_path_is_validated_inside_the_cards_own_validity() -> None:
    expired = card(NOW - timedelta(days=10), NOW - timedelta(days=1))
    assert identity.path_moment(expired, NOW) == NOW - timedelta(days=1)
    valid = card(NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert identity.path_moment(valid, NOW) == NOW


def test_codes_21_and_23_read_as_the_seed_says() -> None:
    expired = identity.card_error(CardProblem.EXPIRED)
    body = problem_body(expired.code, Language.JA, expired.params)
    assert body["code"] == "CARD_EXPIRED" and body["status"] == 422
    assert body["cardCode"] == "21"
    assert body["title"] == "失効済みのマイナンバーカードの可能性があります。 (Code: 21)"
    assert body["detail"].startswith("証明書の有効期限が切れています。マイナンバーカードを更新の上")

    revoked = identity.card_error(CardProblem.REVOKED)
    body = problem_body(revoked.code, Language.JA, revoked.params)
    assert body["cardCode"] == "23"
    assert body["title"] == "失効済みのマイナンバーカードの可能性があります。 (Code: 23)"
    assert "失効されています" in body["detail"]

    english = problem_body(revoked.code, Language.EN, revoked.params)
    assert english["title"] == "The My Number card may no longer be valid. (Code: 23)"


def test_any_other_failure_is_try_again_later() -> None:
    failed = identity.card_error(CardProblem.CHECK_FAILED)
    assert failed.code is ErrorCode.CARD_CHECK_FAILED and failed.code.status == 503
    assert failed.params["retryAfterSeconds"] > 0
    body = problem_body(failed.code, Language.JA, failed.params)
    assert body["detail"] == "時間をおいて、再度、署名確認を行ってください。"
    assert "cardCode" not in body
