"""The local runtime changes moto in four places (and Powertools in none: each function
runs in execution environments of its own); each change was written for one version.

moto has no public hook for these, so each patch replaces a method or attribute of its
internals. Upgrading moto must go through this test: check each patch against the new
version's code, then pin the new version here.
"""

from __future__ import annotations

import inspect

import moto
from moto.awslambda.models import LambdaFunction
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.responses import BaseResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.ses.models import SESBackend

from local import server

WRITTEN_FOR = "5.2.5"


def test_moto_is_the_version_the_local_patches_were_written_for() -> None:
    assert moto.__version__ == WRITTEN_FOR, (
        f"moto {moto.__version__}: re-check local.aws.serialize_dynamodb_writes (and the "
        "transaction backup it installs), local.aws.dispatch_lambda_to and "
        "local.server.record_sent_mail against "
        f"it (they were written for {WRITTEN_FOR}), then update WRITTEN_FOR."
    )


def test_the_patched_moto_internals_still_have_the_shapes_the_patches_replace() -> None:
    # serialize_dynamodb_writes wraps the handler's whole request: the action and the
    # serialisation of its result both happen inside call_action.
    assert list(inspect.signature(DynamoHandler.call_action).parameters) == ["self"]
    assert "self.serialized(response)" in inspect.getsource(BaseResponse.call_action)
    # Its transaction backup wraps transact_write_items and gives tables a __deepcopy__
    # for the one copy moto makes of each table a transaction touches.
    assert list(inspect.signature(DynamoDBBackend.transact_write_items).parameters) == [
        "self",
        "transact_items",
    ]
    assert "copy.deepcopy(" in inspect.getsource(DynamoDBBackend.transact_write_items)
    assert "__deepcopy__" not in vars(Table) or getattr(DynamoHandler, "_yoyaku_serialized", False)
    # dispatch_lambda_to replaces both invoke methods with these signatures.
    assert list(inspect.signature(LambdaSimpleBackend.invoke).parameters) == [
        "self",
        "function_name",
        "qualifier",
        "body",
        "headers",
        "response_headers",
    ]
    assert list(inspect.signature(LambdaFunction.invoke).parameters)[:4] == [
        "self",
        "body",
        "request_headers",
        "response_headers",
    ]
    # record_sent_mail swaps the list SES appends every sent message to.
    assert "sent_messages" in inspect.getsource(SESBackend.__init__)
    assert callable(server.record_sent_mail)
