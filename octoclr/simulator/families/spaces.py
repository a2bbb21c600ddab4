"""Spaces: what a new space brings with it, the one default space, and what deleting one takes.

A new space needs a space manager (a team or a user); it gets its "Space Managers" team and
the defaults a real server makes (lifecycle, project group, machine policy, worker pool; the
built-in feed comes from the packages family). Exactly one space is the default: the first,
until another is made the default. Deleting one needs its task queue stopped first, and takes
everything in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.exceptions import BadRequest, validation_failed
from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import SYSTEM, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

SPACES = Collection(
    "spaces", "Spaces", "Spaces", "Space", SYSTEM,
    query=("name", "skip", "ids", "take", "partialName"),
    defaults={"Name": None, "Description": "", "IsDefault": False, "TaskQueueStopped": False,
              "SpaceManagersTeams": [], "SpaceManagersTeamMembers": []},
    references={"SpaceManagersTeamMembers": "users", "SpaceManagersTeams": "teams"},
    links={"SpaceHome": "/api/{id}", "Web": "/app#/spaces/{id}", "Logo": "/api/spaces/{id}/logo",
           "Search": "/api/spaces/{id}/search"},
)

family = Family("spaces", collections=(SPACES,))


@family.hook("before_create", "spaces")
def _needs_a_manager(backend: "Backend", space: dict[str, Any], actor: Optional[str]) -> None:
    if not space.get("SpaceManagersTeams") and not space.get("SpaceManagersTeamMembers"):
        raise validation_failed(["Please specify at least one space manager team or space manager team member "
                                 "(SpaceManagersTeams or SpaceManagersTeamMembers)."])
    if backend.default_space_id() is None:
        space["IsDefault"] = True


@family.hook("after_create", "spaces")
def _bring_defaults(backend: "Backend", space: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    space_id = space["Id"]
    if space.get("IsDefault"):
        _make_only_default(backend, space_id, actor)
    team_id = f"teams-spacemanagers-{space_id}"
    backend._put_child("teams", {"Id": team_id, "Name": "Space Managers", "SpaceId": space_id,
                                 "MemberUserIds": list(space.get("SpaceManagersTeamMembers") or []),
                                 "CanBeDeleted": False, "CanBeRenamed": False, "CanChangeRoles": False,
                                 "Description": "Members of this team can manage the space."}, actor)
    managers = list(space.get("SpaceManagersTeams") or [])
    if team_id not in managers:
        space["SpaceManagersTeams"] = [team_id, *managers]
        backend._save(SPACES, space, actor)
    backend._put_child("lifecycles", {"Name": "Default Lifecycle", "SpaceId": space_id}, actor)
    backend._put_child("projectgroups", {"Name": "Default Project Group", "SpaceId": space_id}, actor)
    backend._put_child("machinepolicies", {"Name": "Default Machine Policy", "IsDefault": True,
                                           "SpaceId": space_id}, actor)
    backend._put_child("workerpools", {"Name": "Default Worker Pool", "IsDefault": True, "SpaceId": space_id}, actor)


@family.hook("before_modify", "spaces")
def _one_default(backend: "Backend", space: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    if stored.get("IsDefault") and not space.get("IsDefault"):
        raise validation_failed(["The default space cannot stop being the default; make another space the "
                                 "default instead."])
    if space.get("IsDefault") and not stored.get("IsDefault"):
        _make_only_default(backend, space["Id"], actor)


def _make_only_default(backend: "Backend", space_id: str, actor: Optional[str]) -> None:
    for row in backend.store.rows("spaces"):
        other = row.resource()
        if other["Id"] != space_id and other.get("IsDefault"):
            other["IsDefault"] = False
            backend._save(SPACES, other, actor)


@family.hook("before_delete", "spaces")
def _empty_first(backend: "Backend", space: dict[str, Any], actor: Optional[str]) -> None:
    if space.get("IsDefault"):
        raise BadRequest("The default space cannot be deleted.", help_text="Make another space the default first.")
    if not space.get("TaskQueueStopped"):
        raise BadRequest("This space must have its task queue stopped before it can be deleted.",
                         help_text="Set TaskQueueStopped to true with a PUT, then delete the space.")
    backend.store.delete_space_contents(space["Id"])
