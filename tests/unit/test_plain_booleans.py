"""A yes/no field takes JSON true or false only: pydantic's lax mode would read 0, 1,
1.0 or "true" as a choice the citizen never made (schemathesis found PATCH /v1/me taking
`{"lotteryResultEmail": 0}`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from yoyaku.domain.accounts import MePreferences


@pytest.mark.parametrize("value", [0, 1, 1.0, "true", "false", ""])
def test_a_choice_is_refused_unless_it_is_a_json_boolean(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        MePreferences.model_validate({"lotteryResultEmail": value})
    assert raised.value.errors()[0]["type"] == "bool_type"


@pytest.mark.parametrize("value", [True, False])
def test_json_booleans_are_taken(value: bool) -> None:
    assert MePreferences.model_validate({"lotteryResultEmail": value}).lottery_result_email is value
