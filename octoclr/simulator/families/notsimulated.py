"""Routes of a real server that the simulator knowingly does not simulate, and why.

Each answers 404 with the method and path asked for and the reason (it would need Azure,
an issue tracker, Octopus ID, a git server…), so that a script learns at once that the
simulator, not its request, is the limit. Routes nobody listed here and nothing serves get
the app's own "not simulated" answer.
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator.exceptions import NotFound
from octoclr.simulator.families.base import ANY, SITE, SYSTEM, Call, Family

family = Family("notsimulated")

_AZURE = "it would call Azure with the account's credentials"
_SIGN_IN = "the simulator signs users in with a username and password or an API key only"

#: (methods, pattern, scope, reason)
ROUTES: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (("GET",), "accounts/azureenvironments", ANY, "the simulator knows no Azure clouds"),
    (("GET",), "accounts/{id}/pk", ANY, _AZURE),
    (("GET",), "accounts/{id}/resourceGroups", ANY, _AZURE),
    (("GET",), "accounts/{id}/storageAccounts", ANY, _AZURE),
    (("GET",), "accounts/{id}/websites", ANY, _AZURE),
    (("GET",), "accounts/{id}/{resourceGroup}/websites/{site}/slots", ANY, _AZURE),
    (("POST",), "azuredevopsissuetracker/connectivitycheck", ANY, "it would call Azure DevOps"),
    (("POST",), "jiraintegration/connectivitycheck/connectapp", ANY, "it would call Jira"),
    (("POST",), "jiraintegration/connectivitycheck/jira", ANY, "it would call Jira"),
    (("POST",), "migrations/import", SYSTEM, "migrations (export and import of spaces) are not simulated"),
    (("POST",), "migrations/partialexport", SYSTEM, "migrations (export and import of spaces) are not simulated"),
    (("POST",), "users/authenticatedToken/{provider}", SYSTEM, _SIGN_IN),
    (("POST",), "authentication/checklogininitiated", SYSTEM, _SIGN_IN),
    (("GET",), "externalsecuritygroupproviders", SYSTEM, "there are no external identity providers"),
    (("GET",), "users/external-search", SYSTEM, "there are no external identity providers to search"),
    (("GET",), "users/identity-metadata", SYSTEM, "there are no external identity providers"),
    (("GET",), "dynamic-extensions/features/metadata", SYSTEM, "the simulator runs no extensions"),
    (("GET", "PUT"), "dynamic-extensions/features/values", SYSTEM, "the simulator runs no extensions"),
    (("POST",), "cloudtemplate/{id}/metadata", ANY, "cloud templates (CloudFormation, ARM) are not read"),
    (("POST",), "projects/{id}/versioncontrolsettings/test", ANY, "projects kept in git (config as code) would need a git server"),
    (("GET",), "useronboarding", ANY, "the web portal's onboarding is not simulated"),
    (("GET",), "tenants/variableset-test", ANY, "the tenant variable set test is not simulated"),
    (("GET",), "configuration/certificates/{id}/public-cer", SYSTEM, "the server's own certificates are not simulated"),
)

#: Outside /api: Octopus ID sign-in and Let's Encrypt's challenge.
SITE_ROUTES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("POST",), "users/authenticate/{provider}", _SIGN_IN),
    (("GET",), ".well-known/acme-challenge/{token*}", "Let's Encrypt certificates are not requested"),
)


def _answer(reason: str) -> Any:
    async def handler(call: Call) -> Any:
        raise NotFound(f"{call.app._method(call.request)} {call.request.url.path} is not simulated: {reason}.",
                       help_text="The simulator's README lists what it simulates.")
    return handler


for _methods, _pattern, _scope, _reason in ROUTES:
    for _method in _methods:
        family.route(_method, _pattern, scope=_scope)(_answer(_reason))
for _methods, _pattern, _reason in SITE_ROUTES:
    for _method in _methods:
        family.route(_method, _pattern, scope=SITE, anonymous=True)(_answer(_reason))
