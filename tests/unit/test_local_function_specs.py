"""Each local execution environment gets its own function's variables from the template."""

from __future__ import annotations

from local.__main__ import function_specs
from local.template import Function


def test_each_function_gets_its_own_variables_tunables_from_the_environment_winning(
    monkeypatch,
) -> None:
    monkeypatch.setenv("LOCAL_TIMEOUT_FACTOR", "2")
    functions = {
        "AFunction": Function(
            "AFunction", "a.handler", {"TABLE_NAME": {"Ref": "Table"}, "DELAY": "60"}, 10, 512
        ),
        "BFunction": Function("BFunction", "b.handler", {"DELAY": "5", "ONLY_B": "b"}, 29, 1024),
    }
    names = {"Table": "yoyaku-table", "AFunction": "yoyaku-afunction"}
    base = {"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "DELAY": "1", "TABLE_NAME": "elsewhere"}
    specs = function_specs(functions, names, {}, base)
    a, b = specs["AFunction"], specs["BFunction"]
    assert a.environment["TABLE_NAME"] == "yoyaku-table"  # resources: always the template's
    assert a.environment["DELAY"] == b.environment["DELAY"] == "1"  # a tunable set: it wins
    assert "ONLY_B" not in a.environment and b.environment["ONLY_B"] == "b"
    assert a.environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert a.environment["AWS_LAMBDA_FUNCTION_NAME"] == "yoyaku-afunction"
    assert (a.timeout, b.timeout, b.memory) == (20, 58, 1024)
