"""Users: their passwords, the Everyone team every user is in, and what deleting one takes.

A user who is not a service account needs a password; it is kept as a hash beside the user,
never in the resource. A new user joins "Everyone"; a deleted one leaves every team and loses
its API keys and sessions, and nobody may delete their own user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.auth import hash_password
from octoclr.simulator.exceptions import BadRequest, validation_failed
from octoclr.simulator.families.base import Family
from octoclr.simulator.families.teams import TEAMS
from octoclr.simulator.resources import SYSTEM, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

USERS = Collection(
    "users", "Users", "Users", "User", SYSTEM,
    query=("skip", "take", "ids", "filter"),
    required=("Username", "DisplayName"),
    name_field="Username",
    defaults={"Username": None, "DisplayName": None, "IsActive": True, "IsService": False,
              "EmailAddress": "", "CanPasswordBeEdited": True, "IsRequestor": False, "Identities": []},
    links={"Permissions": "{self}/permissions", "PermissionsConfiguration": "{self}/permissions/configuration",
           "ApiKeys": "{self}/apikeys{/id}{?skip,take}", "Avatar": "{self}/avatar",
           "Spaces": "{self}/spaces", "Teams": "{self}/teams{?spaces,includeSystem}"},
    filters={"filter": "*text"},
)

family = Family("users", collections=(USERS,))


@family.hook("before_create", "users")
def _take_password(backend: "Backend", user: dict[str, Any], actor: Optional[str]) -> None:
    password = user.pop("Password", None)
    user["_password"] = password
    if password is not None and not isinstance(password, str):
        raise validation_failed(["Password must be a string."])
    if not user.get("IsService") and not password:
        raise validation_failed(["Please provide a password for users that are not service accounts."])


@family.hook("assign", "users")
def _keep_password(backend: "Backend", user: dict[str, Any]) -> None:
    password = user.pop("_password", None)
    if password:
        backend.store.set_password_hash(user["Id"], hash_password(password))


@family.hook("after_create", "users")
def _join_everyone(backend: "Backend", user: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    everyone = backend.store.get("teams", "teams-everyone")
    if everyone is not None:
        team = everyone.resource()
        team["MemberUserIds"] = [*team.get("MemberUserIds", []), user["Id"]]
        backend._save(TEAMS, team, actor)


@family.hook("before_modify", "users")
def _new_password(backend: "Backend", user: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    password = user.pop("Password", None)
    if password:
        if not isinstance(password, str):
            raise validation_failed(["Password must be a string."])
        backend.store.set_password_hash(user["Id"], hash_password(password))


@family.hook("before_delete", "users")
def _leave_everything(backend: "Backend", user: dict[str, Any], actor: Optional[str]) -> None:
    if actor and user["Id"].lower() == actor.lower():
        raise BadRequest("You cannot delete your own user account.")
    backend.store.delete_user_credentials(user["Id"])
    for row in backend.store.rows("teams"):
        team = row.resource()
        members = team.get("MemberUserIds", [])
        if any(m.lower() == user["Id"].lower() for m in members):
            team["MemberUserIds"] = [m for m in members if m.lower() != user["Id"].lower()]
            backend._save(TEAMS, team, actor)
