"""Who is calling: the principal an authorizer resolved from a bearer token, and the
context the authorizer hands to the handler behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from yoyaku.domain.account_kinds import AccountStatus, Residency, UserType
from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.messages import Language
from yoyaku.domain.model import CamelModel
from yoyaku.domain.staff import Role, StaffMember


class PrincipalKind(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: str


@dataclass(frozen=True)
class CallerContext:
    """The authorizer's answer about the caller, as API Gateway passes it on.

    API Gateway carries an authorizer context as a flat map of strings, so this is the
    one place that writes it (`to_context`, in the authorizer) and reads it
    (`from_context`, in the handler). A citizen's profile rides along, so handlers need
    not read the account again; so do a staff member's name and role, so that every
    staff route checks the role without a read.
    """

    principal: Principal
    profile: CitizenProfile | None = None
    staff: StaffMember | None = None

    def to_context(self) -> dict[str, str]:
        context = {"principalKind": self.principal.kind.value, "principalId": self.principal.id}
        if self.staff is not None:
            context |= {"staffName": self.staff.name, "staffRole": self.staff.role or ""}
        if self.profile is not None:
            p = self.profile
            context |= {
                "status": p.status.value,
                "residency": p.residency.value,
                "verifiedUntil": p.verified_until.isoformat() if p.verified_until else "",
                "email": p.email,
                "language": p.language.value,
                "lotteryResultEmail": "true" if p.lottery_result_email else "false",
                "userType": p.user_type.value,
                "rosterAccepted": "true" if p.roster_accepted else "false",
            }
        return context

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> CallerContext | None:
        """The caller, or None when the context names no valid principal. A citizen
        context without a readable profile gives a caller without one."""
        kind, principal_id = context.get("principalKind"), context.get("principalId")
        if kind not in PrincipalKind.__members__.values() or not principal_id:
            return None
        principal = Principal(PrincipalKind(str(kind)), str(principal_id))
        return cls(principal, _profile(principal, context), _staff(principal, context))


def _staff(principal: Principal, context: Mapping[str, Any]) -> StaffMember | None:
    if principal.kind is not PrincipalKind.STAFF or "staffName" not in context:
        return None
    role = str(context.get("staffRole") or "")
    return StaffMember(
        staff_id=principal.id,
        name=str(context["staffName"]),
        role=Role(role) if role in Role.__members__.values() else None,
    )


def _profile(principal: Principal, context: Mapping[str, Any]) -> CitizenProfile | None:
    if principal.kind is not PrincipalKind.CITIZEN:
        return None
    try:
        verified_until = context.get("verifiedUntil")
        return CitizenProfile(
            user_number=principal.id,
            status=AccountStatus(context["status"]),
            residency=Residency(context["residency"]),
            verified_until=date.fromisoformat(verified_until) if verified_until else None,
            email=str(context["email"]),
            language=Language(context["language"]),
            lottery_result_email=str(context.get("lotteryResultEmail")).lower() == "true",
            user_type=UserType(context.get("userType") or UserType.INDIVIDUAL.value),
            roster_accepted=str(context.get("rosterAccepted")).lower() == "true",
        )
    except (KeyError, ValueError):  # an authorizer that passed no profile
        return None


class SessionToken(CamelModel):
    token: str
    expires_at: datetime
