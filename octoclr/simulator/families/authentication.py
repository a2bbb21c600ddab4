"""How users sign in: the one provider the simulator has (username and password, and API keys).

``…/authentication`` (anonymous, what a sign-in page reads first) lists the providers;
``…/users/authentication`` says the same for the signed-in user, and
``…/users/authentication/{userId}`` for a given user, with whether the caller may change
that user's identities (administrators may, and everyone their own). There are no external
identity providers (Active Directory, Azure AD, Okta, Octopus ID), so the routes about them
answer "not simulated" (see :mod:`.notsimulated`).
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator import resources
from octoclr.simulator.exceptions import Forbidden
from octoclr.simulator.families.base import SYSTEM, Call, Family

family = Family("authentication")

PROVIDERS = ({"Name": "Username/Password", "IdentityType": "UsernamePassword", "FormsLoginEnabled": True,
              "IsEnabled": True, "Links": {}, "JavascriptLinks": [], "CSSLinks": []},)


@family.route("GET", "authentication", scope=SYSTEM, anonymous=True)
async def _authentication(call: Call) -> Any:
    return {"Id": None, "AnyLoginProviderIsEnabled": True, "AutoLoginEnabled": False,
            "AnyAuthenticationProvidersSupportPasswordManagement": True,
            "AuthenticationProviders": list(PROVIDERS), "LastModifiedOn": None, "LastModifiedBy": None,
            "Links": {"Self": "/api/authentication"}}


def _for_user(call: Call, user_id: str) -> Any:
    assert call.principal is not None
    own = user_id.lower() == call.principal.user_id.lower()
    if not own and not call.principal.is_admin:
        raise Forbidden("You do not have permission to see how other users sign in.")
    user = call.backend.find(resources.BY_PATH["users"], user_id, None)
    return {"Id": user["Id"], "AuthenticationProviders": list(PROVIDERS),
            "CanCurrentUserEditIdentitiesForUser": own or call.principal.is_admin,
            "LastModifiedOn": user.get("LastModifiedOn"), "LastModifiedBy": user.get("LastModifiedBy"),
            "Links": {"Self": f"/api/users/authentication/{user['Id']}", "User": f"/api/users/{user['Id']}"}}


@family.route("GET", "users/authentication", scope=SYSTEM)
async def _mine(call: Call) -> Any:
    assert call.principal is not None
    return _for_user(call, call.principal.user_id)


@family.route("GET", "users/authentication/{userId}", scope=SYSTEM)
async def _theirs(call: Call) -> Any:
    return _for_user(call, call.params["userId"])
