"""Who is calling: the principal an authorizer resolved from a bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PrincipalKind(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: str
