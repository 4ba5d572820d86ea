"""The single DynamoDB table as pynamodb models (template.yaml defines the same keys).

Every item has `pk`/`sk` and a `kind` discriminator, so one Query over a partition
returns typed items. Inventory of a facility lives in one partition per month,
`INV#{facilityId}#{YYYY-MM}`, with sort keys that start with the date, so a month of
capacity records and claims comes back in one Query (DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from yoyaku.settings import settings


class _FromSettings:
    """A Meta attribute read from settings when pynamodb first connects, not at import."""

    def __init__(self, read: Callable[[], Any]) -> None:
        self._read = read

    def __get__(self, instance: object, owner: type) -> Any:
        return self._read()


class TableItem(Model):
    # No region here: botocore takes it from AWS_REGION like every other client.
    class Meta:
        table_name = _FromSettings(lambda: settings().table_name)
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    # The table's TTL attribute: DynamoDB deletes the item some time after this instant.
    # Only garbage collection: rules compare it with the clock themselves (DESIGN.md).
    expires_at = TTLAttribute(attr_name="expiresAt", null=True)


class FacilityItem(TableItem, discriminator="facility"):
    """pk `CATALOG`, sk `FACILITY#{facilityId}`: the whole catalog is one partition."""

    document = JSONAttribute()


class NoticeItem(TableItem, discriminator="notice"):
    """pk `NOTICES`, sk `{publishedAt UTC ISO}#{noticeId}`: newest last."""

    title = UnicodeAttribute()
    body = UnicodeAttribute()
    published_at = UTCDateTimeAttribute(attr_name="publishedAt")


class CapacityItem(TableItem, discriminator="capacity"):
    """sk `{date}#CAP#{resourceTypeId}`: the numbered units of one day's cells."""

    cells = JSONAttribute()
    closed = BooleanAttribute(default=False)
    version = VersionAttribute()


class ClaimItem(TableItem, discriminator="claim"):
    """sk `{date}#CLAIM#{resourceTypeId}#{cell}#{unit:03d}`: one unit taken."""

    state = UnicodeAttribute()
    holder = UnicodeAttribute(null=True)


class StaffItem(TableItem, discriminator="staff"):
    """pk `STAFF#{staffId}`, sk `PROFILE`."""

    name = UnicodeAttribute()
    password_hash = UnicodeAttribute(attr_name="passwordHash")


class SessionItem(TableItem, discriminator="session"):
    """pk `SESSION#{sha256 of the token}`, sk `SESSION`: the token itself is never stored."""

    principal_kind = UnicodeAttribute(attr_name="principalKind")
    principal_id = UnicodeAttribute(attr_name="principalId")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
