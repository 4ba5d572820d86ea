"""Staff members, their roles and what each role may do (least privilege).

This module is the one place that says which permission each staff route needs
(`ROUTES`) and which role holds which permission (`GRANTS`). The staff authorizer
refuses a route the member's role may not use before anything else runs (API Gateway
answers 403), and the route checks the same table again (`api.auth.staff`). A route
missing from the table is refused to everyone. A member without a role (an account
stored before roles existed) may only sign out and see who they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from yoyaku.domain.model import CamelModel


class Role(StrEnum):
    REVIEWER = "reviewer"  # 審査担当: registrations, citizens' accounts
    FACILITY_MANAGER = "facility_manager"  # 施設管理: facilities, lotteries, bookings
    ADMINISTRATOR = "administrator"  # 管理者: everything, the audit trail, the service


class Permission(StrEnum):
    REVIEW = "review"  # the review queue, its decisions, and the 登録証 to mail
    CITIZENS = "citizens"  # look a citizen up: status, applications, reservations
    UNLOCK = "unlock"  # end a citizen's sign-in lock
    FACILITIES = "facilities"  # facilities, their rules, inventory and closures
    LOTTERIES = "lotteries"  # create, watch and draw lotteries, see their results
    NOTICES = "notices"  # write, schedule and withdraw the top page's notices
    RESERVATIONS = "reservations"  # check-in lists, search, cancel on behalf, exports
    APPOINTMENTS = "appointments"  # counter eligibility import, day lists, exports
    AUDIT = "audit"  # read the audit trail
    ADMINISTRATION = "administration"  # reception hours, suspensions: the whole service


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REVIEWER: frozenset({Permission.REVIEW, Permission.CITIZENS, Permission.UNLOCK}),
    Role.FACILITY_MANAGER: frozenset(
        {
            Permission.CITIZENS,
            Permission.FACILITIES,
            Permission.LOTTERIES,
            Permission.NOTICES,
            Permission.RESERVATIONS,
            Permission.APPOINTMENTS,
        }
    ),
    Role.ADMINISTRATOR: frozenset(Permission),
}


ANY_STAFF = None  # routes every signed-in member may use

# Every staff route of template.yaml (method, resource) and the permission it needs.
ROUTES: dict[tuple[str, str], Permission | None] = {
    ("DELETE", "/v1/staff/sessions/current"): ANY_STAFF,
    ("GET", "/v1/staff/me"): ANY_STAFF,
    ("GET", "/v1/staff/reviews"): Permission.REVIEW,
    ("GET", "/v1/staff/reviews/{applicationId}"): Permission.REVIEW,
    ("POST", "/v1/staff/reviews/{applicationId}/decision"): Permission.REVIEW,
    ("PUT", "/v1/staff/facilities/{facilityId}"): Permission.FACILITIES,
    ("PUT", "/v1/staff/facilities/{facilityId}/inventory"): Permission.FACILITIES,
    ("GET", "/v1/staff/facilities/{facilityId}"): Permission.FACILITIES,
    ("POST", "/v1/staff/facilities/{facilityId}/closures/preview"): Permission.FACILITIES,
    ("PUT", "/v1/staff/facilities/{facilityId}/closures"): Permission.FACILITIES,
    ("GET", "/v1/staff/notices"): Permission.NOTICES,
    ("POST", "/v1/staff/notices"): Permission.NOTICES,
    ("POST", "/v1/staff/notices/{noticeId}/withdrawal"): Permission.NOTICES,
    ("POST", "/v1/staff/lotteries"): Permission.LOTTERIES,
    ("POST", "/v1/staff/lotteries/{lotteryId}/draw"): Permission.LOTTERIES,
    ("POST", "/v1/staff/appointment-eligibility"): Permission.APPOINTMENTS,
    ("GET", "/v1/staff/facilities/{facilityId}/appointments"): Permission.APPOINTMENTS,
    ("GET", "/v1/staff/facilities/{facilityId}/appointments/export"): Permission.APPOINTMENTS,
    ("GET", "/v1/staff/appointments/{receiptNumber}"): Permission.APPOINTMENTS,
    ("POST", "/v1/staff/appointments/{receiptNumber}/cancellation"): Permission.APPOINTMENTS,
    ("GET", "/v1/staff/lotteries/{lotteryId}/results"): Permission.LOTTERIES,
    ("GET", "/v1/staff/audit"): Permission.AUDIT,
    ("GET", "/v1/staff/facilities/{facilityId}/reservations"): Permission.RESERVATIONS,
    ("GET", "/v1/staff/facilities/{facilityId}/reservations/export"): Permission.RESERVATIONS,
    ("GET", "/v1/staff/reservations/{reservationNumber}"): Permission.RESERVATIONS,
    ("POST", "/v1/staff/reservations/{reservationNumber}/cancellation"): Permission.RESERVATIONS,
    ("GET", "/v1/staff/registration-cards"): Permission.REVIEW,
    ("GET", "/v1/staff/registration-cards/labels.csv"): Permission.REVIEW,
    ("POST", "/v1/staff/registration-cards/mailed"): Permission.REVIEW,
    ("GET", "/v1/staff/reservations"): Permission.RESERVATIONS,
    ("GET", "/v1/staff/citizens/{userNumber}"): Permission.CITIZENS,
    ("GET", "/v1/staff/citizens/{userNumber}/reservations"): Permission.CITIZENS,
    ("GET", "/v1/staff/citizens/{userNumber}/lottery-entries"): Permission.CITIZENS,
    ("POST", "/v1/staff/citizens/{userNumber}/unlock"): Permission.UNLOCK,
    ("PUT", "/v1/staff/reception-hours"): Permission.ADMINISTRATION,
    ("POST", "/v1/staff/suspensions"): Permission.ADMINISTRATION,
    ("DELETE", "/v1/staff/suspensions/{suspensionId}"): Permission.ADMINISTRATION,
}


@dataclass(frozen=True)
class StaffMember:
    """A signed-in staff member as the authorizer passes them on."""

    staff_id: str
    name: str
    role: Role | None

    @property
    def permissions(self) -> frozenset[Permission]:
        return GRANTS[self.role] if self.role else frozenset()

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def may_call(self, method: str, resource: str) -> bool:
        """Whether this member may use the staff route `method resource` (the route as
        the template names it, e.g. `/v1/staff/reviews/{applicationId}`)."""
        key = (method.upper(), resource)
        if key not in ROUTES:
            return False
        needed = ROUTES[key]
        return needed is ANY_STAFF or self.may(needed)


class StaffRef(CamelModel):
    """Who did something, as records and screens name them."""

    staff_id: str
    name: str


class StaffMe(CamelModel):
    """The signed-in member: the console shows only what their role may do."""

    staff_id: str
    name: str
    role: Role | None
    permissions: list[Permission]

    @classmethod
    def of(cls, member: StaffMember) -> StaffMe:
        return cls(
            staff_id=member.staff_id,
            name=member.name,
            role=member.role,
            permissions=sorted(member.permissions),
        )
