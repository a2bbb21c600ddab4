"""Users: their passwords, sign-in, API keys, and the Everyone team every user is in.

A user who is not a service account needs a password; it is kept as a hash beside the user,
never in the resource. A new user joins "Everyone"; a deleted one leaves every team and loses
its API keys and sessions, and nobody may delete their own user.

Below ``/api/users/``: ``login`` and ``logout`` (a session cookie and exactly one CSRF cookie),
``me``, and a user's ``spaces``, ``teams`` and ``apikeys`` (``{id}`` or ``me``; only
administrators may reach another user's). These routes are asked before any other family's,
except where the second segment is another family's (:data:`OTHER_FAMILIES`), as the app
resolves them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import codec
from octoclr.simulator.auth import AUTH_COOKIE, CSRF_COOKIE, check_password, hash_api_key, hash_password, key_hint, \
    new_api_key
from octoclr.simulator.exceptions import BadRequest, Forbidden, NotFound, validation_failed
from octoclr.simulator.families.base import SYSTEM as SYSTEM_ROUTE, Call, Family, RouteMatch
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


# --- what users have ------------------------------------------------------------------------

def user_spaces(backend: "Backend", user_id: str) -> list[dict[str, Any]]:
    backend.find(USERS, user_id, None)
    return [row.resource() for row in backend.store.rows("spaces")]


def user_teams(backend: "Backend", user_id: str) -> list[dict[str, Any]]:
    user = backend.find(USERS, user_id, None)
    return [
        {"Id": t["Id"], "Name": t["Name"], "SpaceId": t.get("SpaceId"), "Links": t.get("Links", {})}
        for t in (row.resource() for row in backend.store.rows("teams"))
        if user["Id"].lower() in (m.lower() for m in t.get("MemberUserIds", []))
    ]


def signed_in_user(backend: "Backend", username: str, password: str) -> Optional[str]:
    """The id of the active user with this username and password, or None."""
    _, bodies = backend.store.query("users", name=username)
    for body in bodies:
        user = codec.loads(body)
        if user.get("IsActive", True) and check_password(password, backend.store.password_hash(user["Id"])):
            return str(user["Id"])
    return None


def create_api_key(backend: "Backend", user_id: str, purpose: Any, key: Optional[str] = None) -> dict[str, Any]:
    """A new API key of the user; the answer is the only one that carries the key itself."""
    user = backend.find(USERS, user_id, None)
    if purpose is not None and not isinstance(purpose, str):
        raise validation_failed(["Purpose must be a string."])
    key = key or new_api_key()
    created = codec.now_iso()
    with backend.store.transaction():
        key_id = f"APIKeys-{backend.store.next_number('APIKeys')}"
        backend.store.add_api_key(key_id, user["Id"], hash_api_key(key), purpose, created, key_hint(key))
    backend.auth.invalidate()
    return {**_api_key_resource(backend, user["Id"], key_id, purpose, created, key_hint(key)), "ApiKey": key}


def _api_key_resource(backend: "Backend", user_id: str, key_id: str, purpose: Any, created: str,
                      hint: str) -> dict[str, Any]:
    return {"Id": key_id, "Purpose": purpose, "UserId": user_id, "ApiKey": hint, "Created": created,
            "LastModifiedOn": created, "LastModifiedBy": backend.username(user_id),
            "Links": {"Self": f"/api/users/{user_id}/apikeys/{key_id}"}}


def api_keys(backend: "Backend", user_id: str) -> list[dict[str, Any]]:
    user = backend.find(USERS, user_id, None)
    return [_api_key_resource(backend, user["Id"], k["Id"], k["Purpose"], k["Created"], k["Hint"])
            for k in backend.store.api_keys(user["Id"])]


def revoke_api_key(backend: "Backend", user_id: str, key_id: str) -> None:
    user = backend.find(USERS, user_id, None)
    if not backend.store.delete_api_key(user["Id"], key_id):
        raise NotFound(f"The API key '{key_id}' was not found.")
    backend.auth.invalidate()


# --- routes below /api/users/ ------------------------------------------------------------------

#: Second segments of /api/users/… that other families serve (authentication, invitations…).
OTHER_FAMILIES = ("authentication", "identity-metadata", "external-search", "register", "invitations",
                  "authenticatedtoken")

#: The routes below /api/users/, which the app asks before any family (see :func:`match_route`): not in
#: the families' own order, where ``users/{id}/teams`` would take paths that are other families'.
routes = Family("users-routes")


def match_route(parts: list[str]) -> "RouteMatch | None":
    """The user route for ``/api/users/…`` (its segments after ``/api``), unless another family's."""
    if len(parts) < 2 or parts[0].lower() != "users" or parts[1].lower() in OTHER_FAMILIES:
        return None
    return routes.match(parts, False)


def _who(call: Call) -> str:
    """The user of the URL: ``me`` is the caller; only administrators may name someone else."""
    assert call.principal is not None
    named = call.params.get("id", "me")
    if named.lower() == "me":
        return call.principal.user_id
    if not call.principal.is_admin and named.lower() != call.principal.user_id.lower():
        raise Forbidden("You do not have permission to see or change other users.")
    return named


def _json(body: Any, status: int = 200) -> Response:
    from octoclr.simulator.app import json_response

    return json_response(body, status)


@routes.route("POST", "users/login", scope=SYSTEM_ROUTE, anonymous=True)
async def _sign_in(call: Call) -> Any:
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with a Username and a Password.")
    username, password = body.get("Username"), body.get("Password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise BadRequest("Please provide a username and a password.", ["Please provide a username and a password."])
    backend = call.backend
    user_id = signed_in_user(backend, username, password)
    if user_id is None:
        raise BadRequest("Invalid username or password.", ["Invalid username or password."])
    token, csrf = backend.auth.sign_in(user_id, codec.now_iso())
    user = backend.store.get("users", user_id)
    response = _json(user.body if user else b"{}")
    suffix = "_" + backend.installation_id
    response.set_cookie(AUTH_COOKIE + suffix, token, path="/", httponly=True, samesite="lax")
    # Exactly one CSRF cookie, path=/, not HttpOnly: the client reads it and echoes it in a header.
    response.set_cookie(CSRF_COOKIE + suffix, csrf, path="/", httponly=False, samesite="lax")
    return response


@routes.route("POST", "users/logout", scope=SYSTEM_ROUTE, anonymous=True)
async def _sign_out(call: Call) -> Any:
    for name, value in call.request.cookies.items():
        if name.startswith(AUTH_COOKIE):
            call.backend.store.delete_session(hash_api_key(value))
    response = Response(status_code=200)
    suffix = "_" + call.backend.installation_id
    for name in (AUTH_COOKIE + suffix, CSRF_COOKIE + suffix):
        response.set_cookie(name, "", path="/", expires="Thu, 01 Jan 1970 00:00:00 GMT", max_age=0)
    return response


@routes.route("GET", "users/me", scope=SYSTEM_ROUTE)
async def _me(call: Call) -> Any:
    return call.backend.find_row(USERS, _who(call), None).body


@routes.route("GET", "users/{id}/spaces", scope=SYSTEM_ROUTE)
async def _spaces(call: Call) -> Any:
    return user_spaces(call.backend, _who(call))


@routes.route("GET", "users/{id}/teams", scope=SYSTEM_ROUTE)
async def _teams(call: Call) -> Any:
    return user_teams(call.backend, _who(call))


@routes.route("GET", "users/{id}/apikeys", scope=SYSTEM_ROUTE)
async def _list_keys(call: Call) -> Any:
    from octoclr.simulator.app import DEFAULT_PAGE_SIZE

    keys = api_keys(call.backend, _who(call))
    return call.app.page(call.request, "ApiKey", len(keys), [codec.dumps(k) for k in keys], 0,
                         len(keys) or DEFAULT_PAGE_SIZE, "{?skip,take}")


@routes.route("POST", "users/{id}/apikeys", scope=SYSTEM_ROUTE)
async def _create_key(call: Call) -> Any:
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with a Purpose.")
    return create_api_key(call.backend, _who(call), body.get("Purpose"))


@routes.route("GET", "users/{id}/apikeys/{keyId}", scope=SYSTEM_ROUTE)
async def _get_key(call: Call) -> Any:
    key_id = call.params["keyId"]
    for key in api_keys(call.backend, _who(call)):
        if key["Id"].lower() == key_id.lower():
            return key
    raise NotFound(f"The API key '{key_id}' was not found.")


@routes.route("DELETE", "users/{id}/apikeys/{keyId}", scope=SYSTEM_ROUTE)
async def _revoke_key(call: Call) -> Any:
    revoke_api_key(call.backend, _who(call), call.params["keyId"])
    return None
