"""moto in server mode on loopback, with the template's resources created in it."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import requests
from moto.server import ThreadedMotoServer

from local.gateway import ACCOUNT, REGION
from local.template import ROOT, functions, resources

STACK = "yoyaku"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LocalAws:
    server: ThreadedMotoServer
    endpoint: str
    names: dict[str, str]  # logical id -> physical name

    def stop(self) -> None:
        self.server.stop()


def start_moto() -> LocalAws:
    """Starts moto on a free loopback port and points every AWS client in this process at it."""
    port = free_port()
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            # moto's Step Functions executor calls back into moto at this port.
            "MOTO_PORT": str(port),
        }
    )
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    requests.post(
        f"{endpoint}/moto-api/config",
        json={
            "stepfunctions": {"execute_state_machine": True},
            "lambda": {"use_docker": False},
        },
        timeout=10,
    ).raise_for_status()
    return LocalAws(server, endpoint, {})


def physical_name(logical_id: str) -> str:
    return f"{STACK}-{logical_id}".lower()


# CloudFormation's CorsRule keys that the S3 API spells differently.
_CORS_KEYS = {"MaxAge": "MaxAgeSeconds", "ExposedHeaders": "ExposeHeaders", "Id": "ID"}

# Parameters without a default (chosen at deploy time) take their local value from the
# environment that `python -m local` sets up.
LOCAL_PARAMETERS = {"SiteUrl": "SITE_URL"}
# The stack id's last part: a deployment's is a random UUID (VIEWER_ADDRESS_SECRET).
LOCAL_STACK = "00000000-0000-4000-8000-000000000000"


def parameters(document: dict[str, Any]) -> dict[str, str]:
    """Template parameters at their defaults, plus the pseudo parameters."""
    values = {
        name: str(spec.get("Default", os.environ.get(LOCAL_PARAMETERS.get(name, ""), "")))
        for name, spec in document.get("Parameters", {}).items()
    }
    values.update(
        {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/yoyaku/{LOCAL_STACK}",
        }
    )
    return values


def resolve(value: Any, names: dict[str, str], params: dict[str, str] | None = None) -> Any:
    """Resolves the intrinsic functions the template uses: Ref, GetAtt, Sub, Join, Select
    and Split."""
    known = {**(params or {}), **names}
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return known.get(arg, arg)
        if key == "Fn::GetAtt":
            return known.get(f"{arg[0]}.{arg[1]}", known.get(arg[0], arg[0]))
        if key == "Fn::Sub":
            return re.sub(r"\$\{([^}]+)\}", lambda m: known.get(m[1], m[0]), str(arg))
        if key == "Fn::Join":
            separator, items = arg
            if isinstance(items, dict):  # a list-valued parameter (CommaDelimitedList),
                return str(resolve(items, names, params))  # held here as "a,b" already
            parts = [resolve(item, names, params) for item in items]
            return separator.join(str(p) for p in parts if p != "")
        if key == "Fn::Split":
            separator, source = arg
            return str(resolve(source, names, params)).split(separator)
        if key == "Fn::Select":
            index, items = arg
            resolved = resolve(items, names, params)
            return resolve(resolved[int(index)], names, params)
    return value


def globals_environment(document: dict[str, Any]) -> dict[str, str]:
    """The variables template.yaml gives every function, resources by their local names:
    enough for a handler to pass its cold-start settings check outside AWS."""
    variables = document.get("Globals", {}).get("Function", {}).get("Environment", {})
    names = {logical_id: physical_name(logical_id) for logical_id in document["Resources"]}
    # A deployment must give SiteUrl (it has no default); locally the site is loopback.
    params = {**parameters(document), "SiteUrl": "http://127.0.0.1:3000"}
    return {k: str(resolve(v, names, params)) for k, v in variables.get("Variables", {}).items()}


def create_tables(
    document: dict[str, Any], client: Any, name: Callable[[str], str] = physical_name
) -> dict[str, str]:
    """Creates the template's DynamoDB tables (keys, indexes, TTL) with `client`; returns
    logical id → table name. The local runtime, the tests and the benchmarks share it."""
    names: dict[str, str] = {}
    for logical_id, body in resources(document, "AWS::DynamoDB::Table").items():
        props = body["Properties"]
        table = name(logical_id)
        args: dict[str, Any] = {
            "TableName": table,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        client.create_table(**args)
        if props.get("TimeToLiveSpecification"):
            client.update_time_to_live(
                TableName=table, TimeToLiveSpecification=props["TimeToLiveSpecification"]
            )
        names[logical_id] = table
    return names


def create_resources(local: LocalAws, document: dict[str, Any]) -> dict[str, str]:
    """Creates tables, buckets and (dummy-code) functions named after the template."""
    names: dict[str, str] = {}
    for logical_id, name in create_tables(document, client=boto3.client("dynamodb")).items():
        names[logical_id] = name
        names[f"{logical_id}.Arn"] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"

    params = parameters(document)
    s3 = boto3.client("s3")
    for logical_id, body in resources(document, "AWS::S3::Bucket").items():
        name = resolve(body["Properties"].get("BucketName"), names, params) or physical_name(
            logical_id
        )
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        cors = body["Properties"].get("CorsConfiguration")
        if cors:  # browsers upload proof documents straight to the bucket
            rules = [
                {
                    _CORS_KEYS.get(k, k): [resolve(v, names, params) for v in value]
                    if isinstance(value, list)
                    else value
                    for k, value in rule.items()
                }
                for rule in cors["CorsRules"]
            ]
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        names[logical_id] = name
        names[f"{logical_id}.Arn"] = f"arn:aws:s3:::{name}"

    iam = boto3.client("iam")
    for logical_id in resources(document, "AWS::IAM::Role"):
        arn = iam.create_role(
            RoleName=physical_name(logical_id),
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        names[f"{logical_id}.Arn"] = arn
    role = iam.create_role(
        RoleName="yoyaku-local",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr(
            "placeholder.py", "# the local runtime invokes the real handler in its environments\n"
        )
    lambda_client = boto3.client("lambda")
    for logical_id in functions(document):
        name = physical_name(logical_id)
        lambda_client.create_function(
            FunctionName=name,
            Runtime="python3.13",
            Role=role,
            Handler="placeholder.handler",
            Code={"ZipFile": code.getvalue()},
        )
        names[logical_id] = name
        names[f"{logical_id}.Arn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    _create_state_machines(document, names, params, role)
    _connect_bucket_events(document, names)
    # SES only sends from verified identities, in moto as in AWS.
    boto3.client("sesv2").create_email_identity(EmailIdentity=params["SenderEmail"])
    local.names = names
    return names


def _create_state_machines(
    document: dict[str, Any], names: dict[str, str], params: dict[str, str], role: str
) -> None:
    sfn = boto3.client("stepfunctions")
    for logical_id, body in resources(document, "AWS::Serverless::StateMachine").items():
        props = body["Properties"]
        definition = (ROOT / props["DefinitionUri"]).read_text(encoding="utf-8")
        for key, value in props.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + key + "}", str(resolve(value, names, params)))
        name = resolve(props.get("Name"), names, params) or physical_name(logical_id)
        arn = sfn.create_state_machine(name=name, definition=definition, roleArn=role)[
            "stateMachineArn"
        ]
        names[logical_id] = arn


def _connect_bucket_events(document: dict[str, Any], names: dict[str, str]) -> None:
    """S3 events of the template's functions become moto bucket notifications."""
    by_bucket: dict[str, list[dict[str, Any]]] = {}
    for logical_id, body in resources(document, "AWS::Serverless::Function").items():
        for event in body["Properties"].get("Events", {}).values():
            if event["Type"] != "S3":
                continue
            props = event["Properties"]
            bucket = names[props["Bucket"]["Ref"]]
            config: dict[str, Any] = {
                "LambdaFunctionArn": names[f"{logical_id}.Arn"],
                "Events": [props["Events"]]
                if isinstance(props["Events"], str)
                else props["Events"],
            }
            if "Filter" in props:
                config["Filter"] = {"Key": {"FilterRules": props["Filter"]["S3Key"]["Rules"]}}
            by_bucket.setdefault(bucket, []).append(config)
    s3 = boto3.client("s3")
    for bucket, configs in by_bucket.items():
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={"LambdaFunctionConfigurations": configs},
        )


def dispatch_lambda_to(invoke: Callable[[str, dict[str, Any]], Any], names: dict[str, str]) -> None:
    """Makes moto's Docker-less Lambda invoke the real functions through `invoke` (Step
    Functions tasks, S3 notifications)."""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    logical = {
        physical: logical_id for logical_id, physical in names.items() if "." not in logical_id
    }

    def invoke_real(
        self: Any,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> bytes:
        name = function_name.split(":")[-1]
        event = json.loads(body) if body else {}
        try:
            result = invoke(logical.get(name, name), event)
        except Exception as error:  # report it as a function error so Retry/Catch see it
            # The handler's own exception type when it raised in its environment.
            error_type = getattr(error, "error_type", type(error).__name__)
            print(f"function {name} failed: {error_type}: {error}", flush=True)
            if not hasattr(error, "error_type"):  # its environment printed the traceback
                traceback.print_exc()
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": error_type, "errorMessage": str(error)}).encode()
        return json.dumps(result).encode()

    LambdaSimpleBackend.invoke = invoke_real  # type: ignore[method-assign]

    from moto.awslambda.models import LambdaFunction

    def invoke_function(self: Any, body: Any, request_headers: Any, response_headers: Any) -> Any:
        # S3 notifications call the function object directly (asynchronously in AWS).
        return invoke_real(None, self.function_name, None, body, request_headers, response_headers)

    LambdaFunction.invoke = invoke_function  # type: ignore[method-assign]


def serialize_dynamodb_writes() -> None:
    """Makes each moto DynamoDB request atomic, as DynamoDB's operations are.

    moto serves requests on many threads and checks a condition and writes the item in
    two separate steps, so two racing conditional writes could both succeed. It also
    updates stored items in place and turns them into the response after the operation
    returns, so a Query serialising an item another thread is updating fails with
    "dictionary changed size during iteration". One lock around the whole request
    (parsing, the operation and the response) restores DynamoDB's guarantee (the holds
    depend on it) and gives every reader a consistent item.
    """
    import threading

    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler, "_yoyaku_serialized", False):
        return
    _back_up_only_the_items_a_transaction_touches()
    lock = threading.RLock()
    original = DynamoHandler.call_action

    def call_action(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    DynamoHandler._yoyaku_serialized = True  # type: ignore[attr-defined]


def _back_up_only_the_items_a_transaction_touches() -> None:
    """moto backs up a table before a transaction by deep-copying all of it, once per
    item of the transaction, to restore it if the transaction fails: a 100-item
    transaction over a table of 30,000 items copies 3 million items. Under the one lock
    of `serialize_dynamodb_writes` nothing else writes meanwhile, so a copy of the items
    the transaction names is enough to restore it."""
    import copy
    import threading

    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    inside = threading.local()

    def table_deepcopy(self: Table, memo: dict[int, Any]) -> Table:
        if getattr(inside, "transaction", False):
            return self  # the items are backed up instead (below)
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        clone.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return clone

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        backups = []
        try:
            for entry in transact_items:
                operation = next(iter(entry.values()))
                table = self.tables[operation["TableName"]]
                key = operation.get("Key") or operation["Item"]
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.has_range_key else None
                item = copy.deepcopy(table.get_item(hash_key, range_key))
                backups.append((table, hash_key, range_key, item))
        except (KeyError, StopIteration, AttributeError):
            return original(self, transact_items)  # malformed: moto's own checks answer
        inside.transaction = True
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(backups):
                table.delete_item(hash_key, range_key)
                if item is not None and range_key is not None:
                    table.items[hash_key][range_key] = item
                elif item is not None:
                    table.items[hash_key] = item
            raise
        finally:
            inside.transaction = False

    Table.__deepcopy__ = table_deepcopy  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
