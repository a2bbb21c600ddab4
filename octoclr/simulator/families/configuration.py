"""Server configuration: the documents an administrator reads and changes, and the licence.

Each document (``…/maintenanceconfiguration``, ``…/smtpconfiguration``,
``…/upgradeconfiguration``, ``…/featuresconfiguration``, ``…/performanceconfiguration``,
``…/serverconfiguration``, ``…/letsencryptconfiguration``) starts from a real server's
defaults and keeps what a ``PUT`` sends: only its own fields, each of its default's type
(a 400 names any that is not); anyone signed in may read one, administrators change them.
The SMTP password is a ``SensitiveValue``, kept apart and never sent back (see
:mod:`.secrets`). The same documents are the configuration sections of
``…/configuration`` (``{id}``, ``{id}/values``, ``{id}/metadata``).

Maintenance mode shows in ``…/serverstatus`` (``IsInMaintenanceMode``) and, while it is on,
a user who is not an administrator may read but not change anything.

``…/dashboardconfiguration`` is each user's own, per space (which projects, project groups,
environments and tenants the dashboard shows, and how many projects); the dashboard follows
it when the request names no projects of its own.

``…/licenses/licenses-current`` keeps the licence text uploaded; the simulator enforces no
licence, so ``…/licenses-current-status`` is always compliant, with the space's real counts.
"""

from __future__ import annotations

import copy
import hashlib
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.families import secrets as sealing
from octoclr.simulator.families.base import SPACE, SYSTEM, Call, Family
from octoclr.simulator.resources import READ_ONLY, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

#: The sections a client lists at ``…/configuration`` (served by the routes below).
CONFIGURATION = Collection("configuration", "Configuration", "Configuration", "ConfigurationSection", "system",
                           query=(), verbs=READ_ONLY)

family = Family("configuration", collections=(CONFIGURATION,))

STORE = "serverdocuments"  # where the documents are kept in the store

#: route -> (section id, name, description, defaults, sensitive fields)
DOCUMENTS: dict[str, tuple[str, str, str, dict[str, Any], tuple[str, ...]]] = {
    "maintenanceconfiguration": ("maintenance", "Maintenance", "Maintenance mode: only administrators may make changes.",
                                 {"IsInMaintenanceMode": False}, ()),
    "smtpconfiguration": ("smtp", "SMTP", "The mail server Octopus sends email through.",
                          {"SendEmailFrom": None, "SmtpHost": None, "SmtpPort": 25, "SmtpLogin": None,
                           "SmtpPassword": sealing.masked(False), "EnableSsl": False, "Timeout": 12000,
                           "CredentialType": "UsernamePassword"}, ("SmtpPassword",)),
    "upgradeconfiguration": ("upgrade", "Upgrades", "Whether Octopus checks for new versions and shows them.",
                             {"NotificationMode": "AlwaysShow", "IncludeStatistics": True, "AllowChecking": True}, ()),
    "featuresconfiguration": ("features", "Features", "Features that can be switched on and off.",
                              {"IsCommunityActionTemplatesEnabled": True, "IsBuiltInWorkerEnabled": True,
                               "IsKubernetesEnabled": True, "IsHelpSidebarEnabled": True,
                               "HelpSidebarSupportLink": None, "IsActionContainersEnabled": True,
                               "IsConfigurationAsCodeEnabled": False}, ()),
    "performanceconfiguration": ("performance", "Performance", "How the dashboard is drawn.",
                                 {"DefaultDashboardRenderMode": "ProgressiveRender"}, ()),
    "serverconfiguration": ("server", "Server", "The server's public address.", {"ServerUri": None}, ()),
    "letsencryptconfiguration": ("letsencrypt", "Let's Encrypt", "An HTTPS certificate from Let's Encrypt.",
                                 {"Enabled": False, "DnsName": None, "RegistrationEmailAddress": None,
                                  "AcceptLetsEncryptTermsOfService": False, "HttpsPort": 443, "IPAddress": "0.0.0.0",
                                  "Path": "/", "CertificateExpiry": None, "CertificateThumbprint": None}, ()),
}
_BY_SECTION = {section: route for route, (section, *_rest) in DOCUMENTS.items()}


def _kind(default: Any) -> Optional[type]:
    for kind in (bool, int, str, list, dict):
        if isinstance(default, kind):
            return kind
    return None


def document(backend: "Backend", route: str) -> dict[str, Any]:
    """A configuration document as a client sees it (secrets masked)."""
    section, _, _, defaults, _ = DOCUMENTS[route]
    row = backend.store.get(STORE, section)
    body = row.resource() if row else {"Id": section, **copy.deepcopy(defaults), "LastModifiedOn": None,
                                       "LastModifiedBy": None}
    body["Links"] = {"Self": f"/api/{route}", "Values": f"/api/configuration/{section}/values"}
    return body


def save(backend: "Backend", route: str, sent: Any, actor: Optional[str]) -> dict[str, Any]:
    section, name, _, defaults, sensitive = DOCUMENTS[route]
    if not isinstance(sent, dict):
        raise BadRequest(f"The {name} configuration must be a JSON object.")
    current = document(backend, route)
    errors = []
    for key, value in sent.items():
        if key in ("Id", "Links", "LastModifiedOn", "LastModifiedBy"):
            continue
        if key not in defaults:
            errors.append(f"The {name} configuration has no setting {key}.")
            continue
        kind = _kind(defaults[key])
        if key in sensitive:
            current[key] = value
        elif value is not None and kind is not None and not (
                isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
            errors.append(f"{key} must be {'true or false' if kind is bool else 'a ' + kind.__name__}.")
        else:
            current[key] = value
    if errors:
        raise validation_failed(errors)
    for key in sensitive:
        _seal(backend, section, current, key)
    current.update(LastModifiedOn=codec.now_iso(), LastModifiedBy=backend.username(actor))
    current.pop("Links", None)
    backend.store.put(STORE, current, name=None)
    return document(backend, route)


def _seal(backend: "Backend", section: str, body: dict[str, Any], key: str) -> None:
    sent = body.get(key)
    new_value = sent if isinstance(sent, str) else sent.get("NewValue") if isinstance(sent, dict) else None
    kept = key in backend.store.secrets(STORE, section)
    if isinstance(new_value, str):
        backend.store.set_secret(STORE, section, key, codec.dumps(new_value).decode())
        kept = True
    elif not (isinstance(sent, dict) and sent.get("HasValue")):
        backend.store.set_secret(STORE, section, key, None)
        kept = False
    body[key] = sealing.masked(kept)


def in_maintenance(backend: "Backend") -> bool:
    return bool(document(backend, "maintenanceconfiguration").get("IsInMaintenanceMode"))


for _route in DOCUMENTS:
    async def _get(call: Call, _route: str = _route) -> Any:
        return document(call.backend, _route)

    async def _put(call: Call, _route: str = _route) -> Any:
        return save(call.backend, _route, await call.json(), call.actor)

    family.route("GET", _route, scope=SYSTEM, system="read")(_get)
    family.route("PUT", _route, scope=SYSTEM, system="read")(_put)


@family.route("GET", "smtpconfiguration/isconfigured", scope=SYSTEM)
async def _smtp_configured(call: Call) -> Any:
    smtp = document(call.backend, "smtpconfiguration")
    return {"Id": None, "IsConfigured": bool(smtp.get("SmtpHost")) and bool(smtp.get("SendEmailFrom")),
            "Links": {"Self": "/api/smtpconfiguration/isconfigured"}}


@family.route("GET", "serverconfiguration/settings", scope=SYSTEM, system=True)
async def _settings(call: Call) -> Any:
    """Every document's values, as the server's configuration settings listing shows them."""
    listed = []
    for route, (section, name, _, defaults, sensitive) in DOCUMENTS.items():
        body = document(call.backend, route)
        listed.append({"ConfigurationSet": name, "ConfigurationValues": [
            {"Key": f"Octopus.{section}.{key}", "Value": "*****" if key in sensitive else
             (None if body.get(key) is None else str(body.get(key))), "IsSensitive": key in sensitive,
             "Description": key} for key in defaults]})
    return listed


# --- configuration sections -------------------------------------------------------------------

def _section(call: Call) -> str:
    route = _BY_SECTION.get(call.params["id"].lower())
    if route is None:
        raise NotFound(f"The configuration section '{call.params['id']}' was not found.")
    return route


def _section_body(backend: "Backend", route: str) -> dict[str, Any]:
    """A section as listed: who last changed its document, and when (null until someone does)."""
    section, name, description, _, _ = DOCUMENTS[route]
    values = document(backend, route)
    return {"Id": section, "Name": name, "Description": description,
            "LastModifiedOn": values.get("LastModifiedOn"), "LastModifiedBy": values.get("LastModifiedBy"),
            "Links": {"Self": f"/api/configuration/{section}", "Values": f"/api/configuration/{section}/values",
                      "Metadata": f"/api/configuration/{section}/metadata"}}


@family.route("GET", "configuration", scope=SYSTEM, system="read")
async def _sections(call: Call) -> Any:
    return call.page("ConfigurationSection", [codec.dumps(_section_body(call.backend, r)) for r in DOCUMENTS],
                     "/api/configuration{/id}")


@family.route("GET", "configuration/{id}", scope=SYSTEM, system="read")
async def _one_section(call: Call) -> Any:
    return _section_body(call.backend, _section(call))


@family.route("GET", "configuration/{id}/values", scope=SYSTEM, system="read")
async def _section_values(call: Call) -> Any:
    return document(call.backend, _section(call))


@family.route("PUT", "configuration/{id}/values", scope=SYSTEM, system="read")
async def _save_section(call: Call) -> Any:
    return save(call.backend, _section(call), await call.json(), call.actor)


@family.route("GET", "configuration/{id}/metadata", scope=SYSTEM, system="read")
async def _section_metadata(call: Call) -> Any:
    route = _section(call)
    _, name, description, defaults, sensitive = DOCUMENTS[route]
    kinds = {bool: "bool", int: "int", str: "string", list: "string[]", dict: "object"}
    properties = [{"Name": key, "Type": "sensitive" if key in sensitive else kinds.get(_kind(value), "string"),
                   "DisplayInfo": {"Label": key, "Description": "", "Required": False, "ReadOnly": False}}
                  for key, value in defaults.items()]
    return {"Description": description, "Types": [{"Name": name.replace(" ", "").replace("'", ""),
                                                   "Properties": properties}]}


# --- each user's dashboard configuration ------------------------------------------------------

_DASHBOARD_DEFAULTS: dict[str, Any] = {"IncludedProjectIds": [], "IncludedProjectGroupIds": [],
                                       "IncludedEnvironmentIds": [], "IncludedTenantIds": [],
                                       "IncludedTenantTags": [], "ProjectLimit": None}
_DASHBOARD_REFERENCES = {"IncludedProjectIds": "projects", "IncludedProjectGroupIds": "projectgroups",
                         "IncludedEnvironmentIds": "environments", "IncludedTenantIds": "tenants"}


def _dashboard_key(space_id: str, user_id: Optional[str]) -> str:
    return f"dashboard/{space_id}/{user_id or 'anonymous'}"


def dashboard_configuration(backend: "Backend", space_id: str, user_id: Optional[str]) -> dict[str, Any]:
    row = backend.store.get(STORE, _dashboard_key(space_id, user_id))
    body = row.resource() if row else {**copy.deepcopy(_DASHBOARD_DEFAULTS), "LastModifiedOn": None,
                                       "LastModifiedBy": None}
    body.update(Id=f"dashboardconfiguration-{user_id}", SpaceId=space_id,
                Links={"Self": f"/api/{space_id}/dashboardconfiguration"})
    return body


@family.route("GET", "dashboardconfiguration", scope=SPACE)
async def _get_dashboard_configuration(call: Call) -> Any:
    return dashboard_configuration(call.backend, call.space(), call.actor)


@family.route("PUT", "dashboardconfiguration", scope=SPACE)
async def _put_dashboard_configuration(call: Call) -> Any:
    space = call.space()
    sent = await call.json()
    if not isinstance(sent, dict):
        raise BadRequest("The dashboard configuration must be a JSON object.")
    body = dashboard_configuration(call.backend, space, call.actor)
    errors = []
    for key in _DASHBOARD_DEFAULTS:
        if key not in sent:
            continue
        value = sent[key]
        if key == "ProjectLimit":
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                errors.append("ProjectLimit must be a whole number of projects, or null.")
            body[key] = value
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f"{key} must be a list of strings.")
            continue
        target = _DASHBOARD_REFERENCES.get(key)
        for item in value if target else ():
            row = call.backend.store.get(target, item)
            if row is None or row.space_id != space:
                errors.append(f"The {target[:-1]} '{item}' in {key} does not exist in space {space}.")
        body[key] = value
    if errors:
        raise validation_failed(errors)
    body.update(Id=_dashboard_key(space, call.actor), LastModifiedOn=codec.now_iso(),
                LastModifiedBy=call.backend.username(call.actor))
    body.pop("Links", None)
    call.backend.store.put(STORE, body, name=None)
    return dashboard_configuration(call.backend, space, call.actor)


def configured_filters(backend: "Backend", space_id: str, user_id: Optional[str]) -> tuple[Optional[list[str]], Optional[list[str]]]:
    """The projects and environments the user's dashboard configuration keeps (None: all)."""
    config = dashboard_configuration(backend, space_id, user_id)
    projects = list(config.get("IncludedProjectIds") or [])
    groups = {g.lower() for g in config.get("IncludedProjectGroupIds") or []}
    if groups:
        projects += [row.id for row in backend.store.rows("projects", space_id)
                     if str(row.resource().get("ProjectGroupId") or "").lower() in groups]
    environments = list(config.get("IncludedEnvironmentIds") or [])
    return (projects or None), (environments or None)


# --- the licence ------------------------------------------------------------------------------

@family.route("GET", "licenses/licenses-current", scope=SYSTEM, system="read")
async def _licence(call: Call) -> Any:
    row = call.backend.store.get(STORE, "licence")
    body = row.resource() if row else {"Id": "licence", "LicenseText": "", "SerialNumber": None,
                                       "LastModifiedOn": None, "LastModifiedBy": None}
    body["Id"] = "licenses-current"
    body["Links"] = {"Self": "/api/licenses/licenses-current", "Status": "/api/licenses/licenses-current-status"}
    return body


@family.route("PUT", "licenses/licenses-current", scope=SYSTEM, system="read")
async def _new_licence(call: Call) -> Any:
    sent = await call.json()
    text = sent.get("LicenseText") if isinstance(sent, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise validation_failed(["Please provide the licence (LicenseText)."])
    serial = hashlib.sha1(text.strip().encode()).hexdigest()[:16].upper()
    call.backend.store.put(STORE, {"Id": "licence", "LicenseText": text.strip(), "SerialNumber": serial,
                                   "LastModifiedOn": codec.now_iso(),
                                   "LastModifiedBy": call.backend.username(call.actor)}, name=None)
    return await _licence(call)


@family.route("GET", "licenses/licenses-current-status", scope=SYSTEM, system="read")
async def _licence_status(call: Call) -> Any:
    store = call.backend.store
    counts = {"Projects": len(store.rows("projects")), "Tenants": len(store.rows("tenants")),
              "Machines": len(store.rows("machines")) + len(store.rows("workers")), "Spaces": len(store.rows("spaces")),
              "Users": len(store.rows("users"))}
    return {"Id": None, "IsCompliant": True, "ComplianceSummary": "The simulator enforces no licence limits.",
            "HostingEnvironment": "SelfHosted", "PermissionsMode": "v2", "EffectiveExpiryDate": None,
            "DaysToEffectiveExpiryDate": None, "DoesExpiryBlockKeyActivities": False,
            "EffectiveNodeTaskLimit": None, "IsNodeTaskLimitControlledByLicense": False,
            "EffectiveClusterTaskLimit": None, "IsClusterTaskLimitControlledByLicense": False, "Messages": [],
            "Limits": [{"Name": name, "CurrentUsage": used, "EffectiveLimit": None, "IsUnlimited": True,
                        "EffectiveLimitDescription": "Unlimited", "Disposition": "Green", "Message": ""}
                       for name, used in counts.items()],
            "Links": {"Self": "/api/licenses/licenses-current-status"}}
