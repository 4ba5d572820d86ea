"""Settings are read from the environment once and validated: what the template always
gives is required and named when missing, lists and policies are parsed from text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from tests.conftest import FUNCTION_ENV
from yoyaku import settings as settings_module
from yoyaku.domain.account_kinds import Residency


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name, value in {
        **FUNCTION_ENV,
        "TABLE_NAME": "yoyaku",
        "IDEMPOTENCY_TABLE_NAME": "yoyaku-idempotency",
    }.items():
        monkeypatch.setenv(name, value)
    settings_module.forget()
    yield monkeypatch
    settings_module.forget()


def test_the_template_values_are_read_by_their_upper_case_names(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("SITE_URL", "https://yoyaku.example/")
    environment.setenv("HOLD_MINUTES", "15")
    read = settings_module.settings()
    assert read.table_name == "yoyaku"
    assert read.site_url == "https://yoyaku.example"  # no trailing slash
    assert read.hold_minutes == 15
    assert read.session_hours == 12  # a tunable's default
    assert read.draw_state_machine_arn is None


def test_a_missing_global_fails_at_init_by_name(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("PROOF_BUCKET")
    environment.delenv("SENDER_EMAIL")
    with pytest.raises(ValidationError) as refused:
        settings_module.settings()
    assert {e["loc"][0] for e in refused.value.errors()} == {"proof_bucket", "sender_email"}


def test_a_bad_tunable_is_refused(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("HOLD_MINUTES", "0")
    with pytest.raises(ValidationError):
        settings_module.settings()


def test_lists_and_policies_are_parsed_from_text(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("JPKI_CRL_SOURCES", "https://a.example/crl, https://b.example/crl,")
    environment.setenv("RENEWAL_POLICIES", "resident:24:1:0")
    read = settings_module.settings()
    assert read.jpki_crl_sources == ("https://a.example/crl", "https://b.example/crl")
    assert read.renewal_policies[Residency.RESIDENT].valid_months == 24


def test_a_value_only_some_functions_get_is_asked_for_by_name(
    environment: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(RuntimeError, match="DRAW_STATE_MACHINE_ARN"):
        settings_module.settings().required("draw_state_machine_arn")
    environment.setenv("DRAW_STATE_MACHINE_ARN", "arn:aws:states:ap-northeast-1:1:stateMachine:d")
    settings_module.forget()
    assert settings_module.settings().required("draw_state_machine_arn").startswith("arn:")
