"""Users' permissions from their teams' roles, their teams, team membership and team previews."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx

from tests.simulator.conftest import error_of


def _jane_id(api: httpx.Client) -> str:
    return next(u["Id"] for u in api.get("/api/users/all").json() if u["Username"] == "jane")


def _deployers(api: httpx.Client, member: str) -> dict:
    team = api.post("/api/Spaces-1/teams", json={"Name": "Deployers", "MemberUserIds": [member]})
    assert team.status_code == 201, team.text
    role = api.post("/api/Spaces-1/scopeduserroles", json={
        "UserRoleId": "userroles-projectdeployer", "TeamId": team.json()["Id"], "SpaceId": "Spaces-1",
        "EnvironmentIds": ["Environments-1"]})
    assert role.status_code == 201, role.text
    return team.json()


def test_permissions_follow_team_roles_and_their_scope(api: httpx.Client, plain_user: httpx.Client) -> None:
    jane = _jane_id(api)
    before = api.get(f"/api/users/{jane}/permissions").json()
    assert before["SystemPermissions"] == [] and before["SpacePermissions"] == {}
    assert [t["Id"] for t in before["Teams"]] == ["teams-everyone"] and before["Teams"][0]["IsDirectlyAssigned"] is False
    team = _deployers(api, jane)
    after = plain_user.get("/api/users/me/permissions").json()
    assert after["Id"] == jane
    (restriction,) = after["SpacePermissions"]["DeploymentCreate"]
    assert restriction["SpaceId"] == "Spaces-1" and restriction["RestrictedToEnvironmentIds"] == ["Environments-1"]
    assert restriction["RestrictedToProjectIds"] == []
    assert {"DeploymentCreate", "ProjectView", "ReleaseView"} == set(after["SpacePermissions"])
    assert any(t["Id"] == team["Id"] and t["IsDirectlyAssigned"] for t in after["Teams"])
    assert plain_user.get(f"/api/users/{jane}/permissions/configuration").json()["SpacePermissions"] == \
        after["SpacePermissions"]
    in_other_space = api.get(f"/api/Spaces-2/users/{jane}/permissions").json()
    assert in_other_space["SpacePermissions"] == {} and team["Id"] not in [t["Id"] for t in in_other_space["Teams"]]
    assert api.get(f"/api/Spaces-1/users/{jane}/permissions").json()["SpacePermissions"] == after["SpacePermissions"]


def test_administrators_hold_administer_system(api: httpx.Client) -> None:
    mine = api.get("/api/users/me/permissions").json()
    assert "AdministerSystem" in mine["SystemPermissions"]
    for link in mine["Links"].values():
        assert api.get(link).status_code == 200, link


def test_users_see_only_their_own_permissions(api: httpx.Client, plain_user: httpx.Client) -> None:
    refused = plain_user.get("/api/users/Users-1/permissions")
    assert refused.status_code == 403
    error_of(refused)
    assert plain_user.get("/api/Spaces-1/teammembership", params={"userId": "Users-1"}).status_code == 403


def test_the_export_is_a_csv_of_the_same_permissions(api: httpx.Client, plain_user: httpx.Client) -> None:
    _deployers(api, _jane_id(api))
    exported = plain_user.get("/api/users/me/permissions/export")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][0] == "Permission"
    assert ["DeploymentCreate", "Spaces-1", "(all)", "Environments-1", "(all)", "(all)"] in rows


def test_team_membership_and_its_preview(api: httpx.Client, plain_user: httpx.Client) -> None:
    jane = _jane_id(api)
    team = _deployers(api, jane)
    memberships = api.get("/api/Spaces-1/teammembership", params={"userId": jane}).json()
    assert {(m["TeamId"], m["IsDirectlyAssigned"]) for m in memberships} == {(team["Id"], True), ("teams-everyone", False)}
    assert all(m["UserId"] == jane for m in memberships)
    assert api.get("/api/Spaces-1/teammembership").status_code == 400
    preview = api.post("/api/Spaces-1/teammembership/previewteam", json={"Name": "Release managers",
                                                                         "MemberUserIds": ["Users-1", jane]})
    assert preview.status_code == 200, preview.text
    assert [(m["UserId"], m["TeamName"]) for m in preview.json()] == [("Users-1", "Release managers"),
                                                                      (jane, "Release managers")]
    bad = api.post("/api/teammembership/previewteam", json={"MemberUserIds": ["Users-404"]})
    assert bad.status_code == 400 and "Users-404" in " ".join(error_of(bad)["Errors"])
    teams = plain_user.get(f"/api/Spaces-1/users/{jane}/teams").json()
    assert team["Id"] in [t["Id"] for t in teams]


def test_permissions_all_names_every_permission_of_a_real_server(api: httpx.Client, plain_user: httpx.Client,
                                                                 reference_dir: Path) -> None:
    spec = json.loads((reference_dir / "octopus-server-2020.5-swagger.json").read_text(encoding="utf-8-sig"))
    wanted = spec["paths"]["/api/permissions/all"]["get"]["responses"]["200"]["schema"]["properties"]
    answered = plain_user.get("/api/permissions/all")  # anyone signed in may read it, as the portal does
    assert answered.status_code == 200, answered.text
    permissions = answered.json()
    assert sorted(permissions) == sorted(wanted)
    assert permissions["AdministerSystem"]["CanApplyAtSystemLevel"] is True
    assert permissions["AdministerSystem"]["CanApplyAtSpaceLevel"] is False
    assert permissions["DeploymentCreate"]["SupportedRestrictions"] == [
        "ProjectIds", "EnvironmentIds", "ProjectGroupIds", "TenantIds"]
    assert all(p["Description"] and (p["CanApplyAtSystemLevel"] or p["CanApplyAtSpaceLevel"])
               for p in permissions.values())
    # Every permission the seeded roles grant is one of them, at the level the role grants it.
    for role in api.get("/api/userroles/all").json():
        assert all(permissions[p]["CanApplyAtSystemLevel"] for p in role["GrantedSystemPermissions"]), role["Name"]
        assert all(permissions[p]["CanApplyAtSpaceLevel"] for p in role["GrantedSpacePermissions"]), role["Name"]
    assert api.get("/api/Spaces-1/permissions/all").status_code == 404
