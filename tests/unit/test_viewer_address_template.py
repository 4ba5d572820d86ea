"""The template's half of counting citizens by their own address behind CloudFront:
the CloudFront function, the origin secret, and the WAF rate rules that read both."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from local import template
from yoyaku.api.auth import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER

DOCUMENT = template.load()
RESOURCES = DOCUMENT["Resources"]
STACK_UUID = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SIGN_IN_ROUTES = (
    "/v1/(sessions|staff/sessions|line/sessions|appointments/(lookup|cancel)"
    "|password-resets(/confirm)?)$"
)


def _distribution() -> dict[str, Any]:
    config: dict[str, Any] = RESOURCES["SiteDistribution"]["Properties"]["DistributionConfig"]
    return config


def _api_behavior() -> dict[str, Any]:
    (behavior,) = [b for b in _distribution()["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    return behavior


def _rules() -> dict[str, dict[str, Any]]:
    return {r["Name"]: r for r in RESOURCES["WebAcl"]["Properties"]["Rules"]}


def run_function(event: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The function's own code (cloudfront-js-2.0) run by node against `event`."""
    node = shutil.which("node")
    assert node, "node runs the CloudFront function's code"
    code = RESOURCES["ApiViewerAddress"]["Properties"]["FunctionCode"]
    script = tmp_path / "function.js"
    script.write_text(
        code + "\nprocess.stdout.write(JSON.stringify(handler(JSON.parse(process.argv[2]))));\n"
    )
    done = subprocess.run(  # noqa: S603 - the template's own code, our own event
        [node, str(script), json.dumps(event)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def viewer_request(ip: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": ip},
        "request": {
            "method": "POST",
            "uri": "/v1/sessions",
            "querystring": {},
            "headers": {k: {"value": v} for k, v in headers.items()},
            "cookies": {},
        },
    }


@pytest.mark.parametrize("ip", ["203.0.113.7", "2001:db8::1"])
def test_the_function_names_the_viewer_over_what_the_client_sent(ip: str, tmp_path: Path) -> None:
    sent = {
        VIEWER_ADDRESS_HEADER: "198.51.100.1",
        ORIGIN_SECRET_HEADER: "a guess",
        "authorization": "Bearer t",
    }
    request = run_function(viewer_request(ip, sent), tmp_path)
    assert request["headers"] == {
        VIEWER_ADDRESS_HEADER: {"value": ip},
        "authorization": {"value": "Bearer t"},
    }
    assert request["uri"] == "/v1/sessions"


def test_the_function_runs_on_every_api_request_and_its_header_reaches_the_api() -> None:
    properties = RESOURCES["ApiViewerAddress"]["Properties"]
    assert properties["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert properties["AutoPublish"] is True
    behavior = _api_behavior()
    assert behavior["FunctionAssociations"] == [
        {
            "EventType": "viewer-request",
            "FunctionARN": {"Fn::GetAtt": ["ApiViewerAddress", "FunctionMetadata.FunctionARN"]},
        }
    ]
    # Every viewer header (those a viewer-request function set included) but Host.
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST


def test_the_api_origin_the_waf_and_the_functions_share_one_secret() -> None:
    target = _api_behavior()["TargetOriginId"]
    (origin,) = [o for o in _distribution()["Origins"] if o["Id"] == target]
    assert origin["OriginCustomHeaders"] == [
        {"HeaderName": ORIGIN_SECRET_HEADER, "HeaderValue": STACK_UUID}
    ]
    match = _rules()["via-cloudfront"]["Statement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": ORIGIN_SECRET_HEADER}}
    assert match["PositionalConstraint"] == "EXACTLY"
    assert match["SearchString"] == STACK_UUID
    assert match["TextTransformations"] == [{"Priority": 0, "Type": "NONE"}]
    env = DOCUMENT["Globals"]["Function"]["Environment"]["Variables"]
    assert env["VIEWER_ADDRESS_SECRET"] == STACK_UUID
    # Nothing overrides it per function.
    for name, body in template.resources(DOCUMENT, "AWS::Serverless::Function").items():
        own = body["Properties"].get("Environment", {}).get("Variables", {})
        assert "VIEWER_ADDRESS_SECRET" not in own, name


def test_the_waf_log_never_records_the_secret() -> None:
    redacted = RESOURCES["WebAclLogging"]["Properties"]["RedactedFields"]
    assert {"SingleHeader": {"Name": ORIGIN_SECRET_HEADER}} in redacted


# ------------------------------------------------- the WAF rules, evaluated on requests


def _matches(statement: dict[str, Any], request: dict[str, Any], labels: set[str]) -> bool:
    """The few WAF statements the web ACL uses, as WAF evaluates them."""
    ((kind, body),) = statement.items()
    if kind == "AndStatement":
        return all(_matches(s, request, labels) for s in body["Statements"])
    if kind == "NotStatement":
        return not _matches(body["Statement"], request, labels)
    if kind == "LabelMatchStatement":
        assert body["Scope"] == "LABEL"
        return str(body["Key"]) in labels
    if kind == "RegexMatchStatement":
        assert body["FieldToMatch"] == {"UriPath": {}}
        assert body["TextTransformations"] == [{"Priority": 0, "Type": "LOWERCASE"}]
        return re.search(body["RegexString"], request["path"].lower()) is not None
    if kind == "ByteMatchStatement":
        header = body["FieldToMatch"]["SingleHeader"]["Name"]
        assert body["PositionalConstraint"] == "EXACTLY"
        return bool(request["headers"].get(header) == request["stack_uuid"])
    raise AssertionError(f"no evaluator for {kind}")


def counted_by(request: dict[str, Any]) -> dict[str, str]:
    """Rate rule → the address it counts this request under."""
    labels: set[str] = set()
    counted = {}
    for rule in sorted(_rules().values(), key=lambda r: r["Priority"]):
        statement = rule["Statement"]
        if "ManagedRuleGroupStatement" in statement:
            continue
        if "RateBasedStatement" not in statement:
            if _matches(statement, request, labels):
                assert rule["Action"] == {"Count": {}}  # labels, never blocks
                labels |= {label["Name"] for label in rule.get("RuleLabels", [])}
            continue
        rate = statement["RateBasedStatement"]
        scope = rate.get("ScopeDownStatement")
        if scope and not _matches(scope, request, labels):
            continue
        if rate["AggregateKeyType"] == "IP":
            counted[rule["Name"]] = request["source"]
        else:
            assert rate["AggregateKeyType"] == "FORWARDED_IP"
            header = rate["ForwardedIPConfig"]["HeaderName"]
            assert header == VIEWER_ADDRESS_HEADER
            counted[rule["Name"]] = request["headers"][header]
    return counted


def request(path: str, headers: dict[str, str]) -> dict[str, Any]:
    return {"path": path, "headers": headers, "source": "130.176.212.3", "stack_uuid": "u-1"}


THROUGH_CLOUDFRONT = {ORIGIN_SECRET_HEADER: "u-1", VIEWER_ADDRESS_HEADER: "203.0.113.7"}
SPOOFED = {VIEWER_ADDRESS_HEADER: "203.0.113.7"}
WRONG_SECRET = {ORIGIN_SECRET_HEADER: "u-2", VIEWER_ADDRESS_HEADER: "203.0.113.7"}


def test_through_cloudfront_each_limit_counts_the_viewer_once() -> None:
    assert counted_by(request("/v1/sessions", THROUGH_CLOUDFRONT)) == {
        "sign-in-rate-viewer": "203.0.113.7",
        "api-rate-viewer": "203.0.113.7",
    }
    assert counted_by(request("/v1/facilities", THROUGH_CLOUDFRONT)) == {
        "api-rate-viewer": "203.0.113.7"
    }


@pytest.mark.parametrize("headers", [{}, SPOOFED, WRONG_SECRET], ids=["plain", "spoofed", "wrong"])
def test_other_requests_are_counted_by_their_source_once(headers: dict[str, str]) -> None:
    assert counted_by(request("/v1/Password-Resets/confirm", headers)) == {
        "sign-in-rate": "130.176.212.3",
        "api-rate": "130.176.212.3",
    }
    assert counted_by(request("/v1/facilities", headers)) == {"api-rate": "130.176.212.3"}


def test_both_sign_in_rules_keep_the_routes_and_limits_of_before() -> None:
    rules = _rules()
    for name, limit in [("sign-in-rate", "SignInRateLimit"), ("api-rate", "ApiRateLimit")]:
        for rule in (rules[name], rules[f"{name}-viewer"]):
            rate = rule["Statement"]["RateBasedStatement"]
            assert rate["Limit"] == {"Ref": limit}
            assert rate["EvaluationWindowSec"] == 300
            assert rule["Action"] == {"Block": {}}
    for name in ("sign-in-rate", "sign-in-rate-viewer"):
        scope = rules[name]["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
        regexes = [s for s in scope["AndStatement"]["Statements"] if "RegexMatchStatement" in s]
        assert [r["RegexMatchStatement"]["RegexString"] for r in regexes] == [SIGN_IN_ROUTES]
