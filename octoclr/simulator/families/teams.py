"""Teams: a space's or the system's, their members, and the built-in teams' limits.

A built-in team (Octopus Administrators, Everyone, a space's Space Managers) cannot be
deleted, and one that cannot be renamed keeps its name; the Octopus Administrators team keeps
at least one member. A team's scoped user roles are listed below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.auth import ADMINISTRATORS_TEAM
from octoclr.simulator.exceptions import BadRequest, validation_failed
from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import MIXED, PAGING, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

TEAMS = Collection(
    "teams", "Teams", "Teams", "Team", MIXED,
    query=PAGING + ("spaces", "includeSystem"),
    references={"MemberUserIds": "users"},
    defaults={"Name": None, "Description": "", "MemberUserIds": [], "ExternalSecurityGroups": [],
              "CanBeDeleted": True, "CanBeRenamed": True, "CanChangeRoles": True, "CanChangeMembers": True},
    links={"ScopedUserRoles": "{self}/scopeduserroles{?skip,take}"},
)

family = Family("teams", collections=(TEAMS,))


@family.hook("before_modify", "teams")
def _built_in_limits(backend: "Backend", team: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    if not stored.get("CanBeRenamed", True) and team.get("Name") != stored.get("Name"):
        raise validation_failed([f"The team '{stored.get('Name')}' cannot be renamed."])
    if stored["Id"] == ADMINISTRATORS_TEAM and not team.get("MemberUserIds"):
        raise validation_failed(["The Octopus Administrators team must keep at least one member."])


@family.hook("before_delete", "teams")
def _built_in_kept(backend: "Backend", team: dict[str, Any], actor: Optional[str]) -> None:
    if not team.get("CanBeDeleted", True):
        raise BadRequest(f"The team '{team.get('Name')}' is built in and cannot be deleted.")
