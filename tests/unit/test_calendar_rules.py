"""Pure calendar and eligibility rules: closing days (year-end spans, holidays, weekly
days, dates), the school-year age rule, and addresses against their postal code."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from yoyaku.domain.addresses import PostalAddress, address_problems
from yoyaku.domain.closures import ClosingDays, YearEndClosure, closed_reason, holiday_name
from yoyaku.domain.people import age_on, eligible_from


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (date(2026, 12, 28), False),
        (date(2026, 12, 29), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), True),
        (date(2027, 1, 3), True),
        (date(2027, 1, 4), False),
        (date(2028, 2, 29), False),
    ],
)
def test_default_year_end_is_december_29_through_january_3(day: date, closed: bool) -> None:
    assert YearEndClosure().covers(day) is closed


def test_a_closure_within_one_year() -> None:
    august = YearEndClosure.model_validate({"from": "08-13", "to": "08-16"})
    assert [august.covers(date(2027, 8, d)) for d in (12, 13, 16, 17)] == [
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize("value", ["12-32", "02-30", "13-01", "1229", "12-9"])
def test_month_days_must_exist(value: str) -> None:
    with pytest.raises(ValidationError):
        YearEndClosure.model_validate({"from": value})


def test_february_29_is_a_month_day() -> None:
    assert YearEndClosure.model_validate({"from": "02-29", "to": "03-01"}).covers(date(2028, 2, 29))


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 5, 6), "憲法記念日 振替休日"),  # 5/3 on a Sunday
        (date(2026, 9, 22), "国民の休日"),  # between 敬老の日 and 秋分の日
        (date(2027, 1, 11), "成人の日"),  # second Monday of January
        (date(2026, 12, 28), None),
    ],
)
def test_holiday_names(day: date, name: str | None) -> None:
    assert holiday_name(day) == name


def test_reasons_in_order_date_year_end_holiday_weekly() -> None:
    rules = ClosingDays.model_validate(
        {
            "closedWeekdays": ["friday", "saturday"],
            "closedOnHolidays": True,
            "yearEndClosure": {},
            "closedDates": ["2027-01-01", "2027-01-15"],
        }
    )
    assert closed_reason(rules, date(2027, 1, 1)) == "date"  # a holiday, year-end, a Friday
    assert closed_reason(rules, date(2027, 1, 2)) == "year_end"  # also a Saturday
    assert closed_reason(rules, date(2027, 1, 11)) == "holiday"
    assert closed_reason(rules, date(2027, 1, 15)) == "date"
    assert closed_reason(rules, date(2027, 1, 16)) == "weekly"
    assert closed_reason(rules, date(2027, 1, 12)) is None


def test_no_rules_close_nothing() -> None:
    rules = ClosingDays()
    assert all(closed_reason(rules, date(2027, 1, d)) is None for d in range(1, 32))


@pytest.mark.parametrize(
    ("birthdate", "first_day"),
    [
        (date(2008, 4, 1), date(2026, 4, 1)),  # the youngest of the 2007 school year
        (date(2008, 4, 2), date(2027, 4, 1)),  # the oldest of the 2008 school year
        (date(2008, 6, 1), date(2027, 4, 1)),  # 18 in June 2026, at high school until 2027-03
        (date(2009, 1, 1), date(2027, 4, 1)),
        (date(2008, 2, 29), date(2026, 4, 1)),
    ],
)
def test_registration_opens_when_the_school_year_leaves_high_school(
    birthdate: date, first_day: date
) -> None:
    assert eligible_from(birthdate) == first_day
    assert age_on(birthdate, first_day) >= 18


def test_the_one_rule_for_the_address_and_its_postal_code() -> None:
    known = [PostalAddress(prefecture="神奈川県", city="足柄下郡箱根町", town="畑宿")]
    assert address_problems("address", "250-0314", "神奈川県", "箱根町", known) == []
    assert address_problems("address", "250-0314", "神奈川", "足柄下郡箱根町", known) == []
    (problem,) = address_problems("address", "250-0314", "神奈川県", "小田原市", known)
    assert (problem.field, problem.kind) == ("address.city", "postal_code_mismatch")
    assert problem.params["expected"] == "神奈川県足柄下郡箱根町"
    (missing,) = address_problems("workplace.address", "999-9999", "東京都", "港区", [])
    assert (missing.field, missing.kind) == ("workplace.address.postalCode", "postal_code_unknown")
