"""Group accounts (団体, seeds 000/001): which facilities an account may use.

A facility says who may book it or enter its lotteries (`audience`), and a resource type
may need a group roster (`rosterRequired`): seed 000 asks groups for a roster image for
the gym's arenas (not its tennis courts), the baseball ground and the sports plaza.
"""

from __future__ import annotations

from collections.abc import Iterable

from yoyaku.domain import messages
from yoyaku.domain.account_kinds import UserType
from yoyaku.domain.accounts import CitizenProfile
from yoyaku.domain.catalog import Facility
from yoyaku.domain.errors import DomainError, ErrorCode


def ensure_may_use(
    profile: CitizenProfile, facility: Facility, resource_type_ids: Iterable[str]
) -> None:
    """Refuses an account whose type the facility does not take (403, saying why), and a
    group without an accepted roster where one of the resource types needs it (422)."""
    is_group = profile.user_type is UserType.GROUP
    if facility.audience == "groups" and not is_group:
        raise DomainError(
            ErrorCode.NOT_FOR_THIS_ACCOUNT_TYPE,
            reason=messages.FACILITY_FOR_GROUPS_ONLY.format(facility=facility.name),
        )
    if facility.audience == "individuals" and is_group:
        raise DomainError(
            ErrorCode.NOT_FOR_THIS_ACCOUNT_TYPE,
            reason=messages.FACILITY_FOR_INDIVIDUALS_ONLY.format(facility=facility.name),
        )
    if not is_group or profile.roster_accepted:
        return
    for resource_type_id in dict.fromkeys(resource_type_ids):
        resource = facility.resource_type(resource_type_id)
        if resource is not None and resource.roster_required:
            raise DomainError(
                ErrorCode.ROSTER_REQUIRED,
                reason=messages.ROSTER_NEEDED_FOR.format(
                    facility=facility.name, resource=resource.name
                ),
            )
