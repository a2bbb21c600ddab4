"""Invitations: a code that lets people register themselves and join chosen teams.

An administrator ``POST``s ``…/users/invitations`` with the teams to join (``AddToTeamIds``,
which must exist and, below a space, belong to it or to the system); the server fills the
``InvitationCode``, the ``Expires`` time (48 hours on) and the ``SpaceId``. ``GET
…/users/invitations/{id}`` reads it back. Anyone holding an unexpired code may ``POST
…/users/register`` (no sign-in) with a ``Username``, ``DisplayName``, ``Password`` and the
``InvitationCode``: the user is made and added to the invitation's teams (the answer is the
new user, who then signs in as anyone does). A code works for several people until it
expires, as a shared invitation link does; without a valid code registration is refused,
since the simulator has no open self-registration.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, Forbidden, NotFound, validation_failed
from octoclr.simulator.families.base import ANY, SYSTEM, Call, Family

family = Family("invitations")

STORE = "invitations"
LIFETIME = dt.timedelta(hours=48)


def _body(invitation: dict[str, Any]) -> dict[str, Any]:
    return {**invitation, "Links": {"Self": f"/api/users/invitations/{invitation['Id']}"}}


@family.route("POST", "users/invitations", scope=ANY)
async def _invite(call: Call) -> Any:
    from starlette.responses import Response

    assert call.principal is not None
    if not call.principal.is_admin:
        raise Forbidden("Only administrators may invite users.")
    sent = await call.json()
    if not isinstance(sent, dict):
        raise BadRequest("The invitation must be a JSON object with AddToTeamIds.")
    space = sent.get("SpaceId") or call.space_id
    teams = sent.get("AddToTeamIds") or []
    if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
        raise validation_failed(["AddToTeamIds must be a list of team ids."])
    errors = []
    for team_id in teams:
        row = call.backend.store.get("teams", team_id)
        if row is None:
            errors.append(f"The team '{team_id}' does not exist.")
        elif space and row.space_id and row.space_id.lower() != str(space).lower():
            errors.append(f"The team '{team_id}' belongs to {row.space_id}, not {space}.")
    if errors:
        raise validation_failed(errors)
    expires = dt.datetime.now(dt.timezone.utc) + LIFETIME
    invitation = {"Id": f"Invitations-{call.backend.store.next_number('Invitations')}",
                  "InvitationCode": secrets.token_urlsafe(18), "AddToTeamIds": teams, "SpaceId": space,
                  "Expires": expires.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expires.microsecond // 1000:03d}+00:00",
                  "LastModifiedOn": codec.now_iso(), "LastModifiedBy": call.backend.username(call.actor)}
    call.backend.store.put(STORE, invitation, name=None)
    return Response(codec.dumps(_body(invitation)), status_code=201, media_type="application/json")


@family.route("GET", "users/invitations/{id}", scope=ANY)
async def _invitation(call: Call) -> Any:
    assert call.principal is not None
    if not call.principal.is_admin:
        raise Forbidden("Only administrators may read invitations.")
    row = call.backend.store.get(STORE, call.params["id"])
    if row is None:
        raise NotFound(f"The invitation '{call.params['id']}' was not found.")
    return _body(row.resource())


def _valid_invitation(call: Call, code: Any) -> dict[str, Any]:
    if isinstance(code, str) and code:
        now = dt.datetime.now(dt.timezone.utc)
        for row in call.backend.store.rows(STORE):
            invitation = row.resource()
            if secrets.compare_digest(str(invitation.get("InvitationCode")), code):
                if dt.datetime.fromisoformat(invitation["Expires"]) < now:
                    raise validation_failed(["This invitation has expired; ask for a new one."])
                return invitation
    raise validation_failed(["Registration needs a valid invitation code (InvitationCode)."])


@family.route("POST", "users/register", scope=SYSTEM, anonymous=True)
async def _register(call: Call) -> Any:
    sent = await call.json()
    if not isinstance(sent, dict):
        raise BadRequest("Registration needs a JSON object with Username, DisplayName, Password and InvitationCode.")
    invitation = _valid_invitation(call, sent.get("InvitationCode"))
    body = {key: sent.get(key) for key in ("Username", "DisplayName", "EmailAddress", "Password") if key in sent}
    teams = resources.BY_PATH["teams"]
    with call.backend.store.transaction():
        user = call.backend.create(resources.BY_PATH["users"], None, body, None)
        for team_id in invitation.get("AddToTeamIds") or []:
            team = call.backend.find(teams, team_id, None)
            members = list(team.get("MemberUserIds") or [])
            if user["Id"] not in members:
                call.backend.modify(teams, team.get("SpaceId"), team["Id"], {**team, "MemberUserIds": [*members, user["Id"]]},
                                    None)
    return user
