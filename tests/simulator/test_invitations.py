"""Invitations and registration with an invitation code."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import error_of
from tests.simulator.test_auth import sign_in


def _team(api: httpx.Client) -> str:
    created = api.post("/api/Spaces-1/teams", json={"Name": "Newcomers"})
    assert created.status_code == 201, created.text
    return created.json()["Id"]


def test_an_invitation_lets_people_register_into_its_teams(api: httpx.Client, anonymous: httpx.Client) -> None:
    team = _team(api)
    created = api.post("/api/Spaces-1/users/invitations", json={"AddToTeamIds": [team]})
    assert created.status_code == 201, created.text
    invitation = created.json()
    assert invitation["InvitationCode"] and invitation["Expires"] and invitation["SpaceId"] == "Spaces-1"
    assert api.get(invitation["Links"]["Self"]).json()["InvitationCode"] == invitation["InvitationCode"]
    registered = anonymous.post("/api/users/register", json={
        "Username": "sam", "DisplayName": "Sam", "Password": "a long passphrase",
        "InvitationCode": invitation["InvitationCode"]})
    assert registered.status_code == 200, registered.text
    user = registered.json()
    assert user["Username"] == "sam" and "Password" not in user
    assert user["Id"] in api.get(f"/api/Spaces-1/teams/{team}").json()["MemberUserIds"]
    assert sign_in(anonymous, "sam", "a long passphrase").status_code == 200
    # The same code serves a second person until it expires.
    other = anonymous.post("/api/users/register", json={
        "Username": "kim", "DisplayName": "Kim", "Password": "another passphrase",
        "InvitationCode": invitation["InvitationCode"]})
    assert other.status_code == 200


def test_registration_needs_a_valid_code(anonymous: httpx.Client) -> None:
    for code in (None, "", "not-a-code"):
        refused = anonymous.post("/api/users/register", json={"Username": "eve", "DisplayName": "Eve",
                                                              "Password": "x" * 12, "InvitationCode": code})
        assert refused.status_code == 400 and "invitation" in " ".join(error_of(refused)["Errors"])


def test_invitations_are_for_administrators_and_name_real_teams(api: httpx.Client, plain_user: httpx.Client) -> None:
    assert plain_user.post("/api/users/invitations", json={"AddToTeamIds": []}).status_code == 403
    bad = api.post("/api/Spaces-1/users/invitations", json={"AddToTeamIds": ["Teams-999"]})
    assert bad.status_code == 400 and "Teams-999" in " ".join(error_of(bad)["Errors"])
    other_space = api.post("/api/Spaces-2/teams", json={"Name": "Elsewhere"}).json()["Id"]
    wrong = api.post("/api/Spaces-1/users/invitations", json={"AddToTeamIds": [other_space]})
    assert wrong.status_code == 400
    assert api.get("/api/users/invitations/Invitations-999").status_code == 404
