"""When a registration is due for renewal, and how far an approval moves its end."""

from __future__ import annotations

from datetime import date

import pytest

from yoyaku.domain.account_kinds import AccountStatus, Residency
from yoyaku.domain.renewal import (
    DEFAULT_POLICIES,
    RenewalPolicy,
    due,
    next_verified_until,
    parse_policies,
)

WORKERS = RenewalPolicy(valid_months=24, opens_months_before=2, grace_months=12)
END = date(2027, 4, 30)


@pytest.mark.parametrize(
    ("today", "reason"),
    [
        (date(2027, 2, 27), "not_yet"),  # the day before the window opens
        (date(2027, 2, 28), None),  # two months before (April 30 → February 28)
        (END, None),
        (date(2028, 4, 30), None),  # the last day of the grace year
        (date(2028, 5, 1), "too_late"),
    ],
)
def test_a_worker_is_due_from_two_months_before_the_end_for_a_year_after(
    today: date, reason: str | None
) -> None:
    state = due(AccountStatus.VERIFIED, END, WORKERS, today)
    assert state.reason_code == reason
    assert (state.opens_on, state.closes_on) == (date(2027, 2, 28), date(2028, 4, 30))


def test_a_lapsed_worker_is_due_as_well() -> None:
    assert due(AccountStatus.EXPIRED, END, WORKERS, date(2027, 6, 1)).reason_code is None


@pytest.mark.parametrize("status", [AccountStatus.PROVISIONAL, AccountStatus.REJECTED])
def test_only_verified_registrations_renew(status: AccountStatus) -> None:
    assert due(status, END, WORKERS, END).reason_code == "not_verified"


def test_without_an_end_or_a_policy_nothing_is_due() -> None:
    assert due(AccountStatus.VERIFIED, None, WORKERS, END).reason_code == "no_expiry"
    assert due(AccountStatus.VERIFIED, END, None, END).reason_code == "no_expiry"


def test_an_early_renewal_extends_from_the_old_end_a_late_one_from_approval() -> None:
    assert next_verified_until(WORKERS, END, date(2027, 3, 15)) == date(2029, 4, 30)
    assert next_verified_until(WORKERS, END, date(2027, 6, 1)) == date(2029, 6, 1)
    assert next_verified_until(WORKERS, None, date(2027, 6, 1)) == date(2029, 6, 1)
    assert next_verified_until(None, END, date(2027, 3, 15)) is None


def test_policies_are_configured_per_registration_kind() -> None:
    assert parse_policies("") == DEFAULT_POLICIES
    assert Residency.RESIDENT not in DEFAULT_POLICIES
    policies = parse_policies("worker:24:2:12, resident:60:3:6")
    assert policies[Residency.RESIDENT] == RenewalPolicy(60, 3, 6)
    assert policies[Residency.WORKER] == WORKERS
