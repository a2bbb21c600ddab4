"""What a user may do: teams, the roles those teams hold, and the permissions that follow.

A user belongs to the teams that list them in ``MemberUserIds`` (directly assigned) and to
"Everyone", which every user is in. Each team's scoped user roles grant the role's system
permissions (a role held at system level) and its space permissions in the role's space,
restricted to the projects, environments, tenants and project groups the scoped role names
(none named: unrestricted). ``…/users/{id}/permissions`` is that set; below a space
(``/api/Spaces-N/users/{id}/permissions``) only that space's part of it.
``…/permissions/configuration`` is the same set, as the web portal's permissions page
reads it, and ``…/permissions/export`` the same as a CSV file. Users may read their own;
administrators anyone's.

``…/teammembership?userId=`` lists the user's memberships; ``POST
…/teammembership/previewteam`` with a team (saved or not) lists the memberships it would
give, so a script can check a team before saving it.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import resources
from octoclr.simulator.exceptions import BadRequest, Forbidden, validation_failed
from octoclr.simulator.families.base import ANY, SPACE, Call, Family

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

family = Family("permissions")

EVERYONE = "teams-everyone"
_RESTRICTIONS = (("RestrictedToProjectIds", "ProjectIds"), ("RestrictedToEnvironmentIds", "EnvironmentIds"),
                 ("RestrictedToTenantIds", "TenantIds"), ("RestrictedToProjectGroupIds", "ProjectGroupIds"))


def _user(call: Call, named: Optional[str] = None) -> dict[str, Any]:
    """The user named (by default in the URL; "me" too); only administrators may look at someone else."""
    assert call.principal is not None
    wanted = named or call.params["id"]
    if wanted.lower() == "me":
        wanted = call.principal.user_id
    elif not call.principal.is_admin and wanted.lower() != call.principal.user_id.lower():
        raise Forbidden("You do not have permission to see other users' permissions.")
    return call.backend.find(resources.BY_PATH["users"], wanted, None)


def teams_of(backend: "Backend", user_id: str, space_id: Optional[str] = None) -> list[dict[str, Any]]:
    """The user's teams (system teams, and a space's when ``space_id`` is given, else all)."""
    found = []
    for row in backend.store.rows("teams"):
        team = row.resource()
        # Everyone holds every user whatever its member list says: never a direct assignment.
        direct = team["Id"] != EVERYONE and user_id.lower() in (str(m).lower() for m in team.get("MemberUserIds") or [])
        if not direct and team["Id"] != EVERYONE:
            continue
        if space_id and team.get("SpaceId") and team["SpaceId"].lower() != space_id.lower():
            continue
        found.append({"Id": team["Id"], "Name": team.get("Name"), "SpaceId": team.get("SpaceId"),
                      "IsDirectlyAssigned": direct, "ExternalSecurityGroups": team.get("ExternalSecurityGroups") or []})
    return found


def permission_set(backend: "Backend", user: dict[str, Any], space_id: Optional[str]) -> dict[str, Any]:
    teams = teams_of(backend, user["Id"], space_id)
    team_ids = {t["Id"].lower() for t in teams}
    roles = {row.id.lower(): row.resource() for row in backend.store.rows("userroles")}
    system: set[str] = set()
    space_permissions: dict[str, list[dict[str, Any]]] = {}
    for row in backend.store.rows("scopeduserroles"):
        scoped = row.resource()
        if str(scoped.get("TeamId") or "").lower() not in team_ids:
            continue
        role = roles.get(str(scoped.get("UserRoleId") or "").lower())
        if role is None:
            continue
        role_space = scoped.get("SpaceId")
        if not role_space:
            system.update(role.get("GrantedSystemPermissions") or [])
            continue
        if space_id and role_space.lower() != space_id.lower():
            continue
        restriction = {"SpaceId": role_space, **{ours: list(scoped.get(theirs) or []) for ours, theirs in _RESTRICTIONS}}
        for permission in role.get("GrantedSpacePermissions") or []:
            granted = space_permissions.setdefault(permission, [])
            if restriction not in granted:
                granted.append(restriction)
    where = f"/api/{space_id}" if space_id else "/api"
    return {"Id": user["Id"], "IsPermissionsComplete": True, "IsTeamsComplete": True,
            "SystemPermissions": sorted(system), "SpacePermissions": dict(sorted(space_permissions.items())),
            "Teams": teams, "LastModifiedOn": user.get("LastModifiedOn"), "LastModifiedBy": user.get("LastModifiedBy"),
            "Links": {"Self": f"{where}/users/{user['Id']}/permissions",
                      "Export": f"{where}/users/{user['Id']}/permissions/export"}}


@family.route("GET", "users/{id}/permissions", scope=ANY)
async def _permissions(call: Call) -> Any:
    return permission_set(call.backend, _user(call), call.space_id)


@family.route("GET", "users/{id}/permissions/configuration", scope=ANY)
async def _configuration(call: Call) -> Any:
    return permission_set(call.backend, _user(call), call.space_id)


@family.route("GET", "users/{id}/permissions/export", scope=ANY)
async def _export(call: Call) -> Response:
    user = _user(call)
    permissions = permission_set(call.backend, user, call.space_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Permission", "Space", "Projects", "Environments", "Tenants", "Project groups"])
    for permission in permissions["SystemPermissions"]:
        writer.writerow([permission, "(system)", "", "", "", ""])
    for permission, restrictions in permissions["SpacePermissions"].items():
        for r in restrictions:
            writer.writerow([permission, r["SpaceId"], *(";".join(r[ours]) or "(all)" for ours, _ in _RESTRICTIONS)])
    name = f"permissions-{user.get('Username') or user['Id']}.csv".replace('"', "")
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@family.route("GET", "users/{id}/teams", scope=SPACE)
async def _teams_in_space(call: Call) -> Any:
    return teams_of(call.backend, _user(call)["Id"], call.space())


# --- team membership --------------------------------------------------------------------------

def _membership(user_id: str, team: dict[str, Any], direct: bool) -> dict[str, Any]:
    return {"UserId": user_id, "TeamId": team.get("Id"), "TeamName": team.get("Name"), "SpaceId": team.get("SpaceId"),
            "IsDirectlyAssigned": direct, "ExternalSecurityGroups": team.get("ExternalSecurityGroups") or []}


@family.route("GET", "teammembership", scope=ANY)
async def _memberships(call: Call) -> Any:
    user_id = call.query("userId")
    if not user_id:
        raise BadRequest("Name the user: ?userId=Users-1.")
    user = _user(call, user_id)
    space = call.space_id
    return [_membership(user["Id"], t, t["IsDirectlyAssigned"]) for t in teams_of(call.backend, user["Id"], space)]


@family.route("POST", "teammembership/previewteam", scope=ANY)
async def _preview(call: Call) -> Any:
    team = await call.json()
    if not isinstance(team, dict):
        raise BadRequest("Send the team to preview as a JSON object with MemberUserIds.")
    members = team.get("MemberUserIds") or []
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise validation_failed(["MemberUserIds must be a list of user ids."])
    unknown = [m for m in members if call.backend.store.get("users", m) is None]
    if unknown:
        raise validation_failed([f"The user '{m}' does not exist." for m in unknown])
    preview = {"Id": team.get("Id"), "Name": team.get("Name"), "SpaceId": team.get("SpaceId", call.space_id),
               "ExternalSecurityGroups": team.get("ExternalSecurityGroups") or []}
    return [_membership(call.backend.store.get("users", m).id, preview, True) for m in members]
