"""Tenants: their connections to projects and environments, and their variables.

A tenant connects to projects, and for each project to some of its environments
(``ProjectEnvironments``). What a tenant must give values for comes from two kinds of
variable template:

* a project's ``Templates`` (project variable templates): one value per connected
  project *and* connected environment;
* a library variable set's ``Templates``, for every library set included by a connected
  project (``IncludedLibraryVariableSetIds``): one value per tenant.

``…/tenants/{id}/variables`` answers a ``TenantVariableResource`` built from those
templates and the values kept for the tenant. A value is a plain string, or, for a
template whose control type is ``Sensitive``, a ``SensitiveValue``: kept in the store's
secrets table and answered as ``{"HasValue": …, "NewValue": null}`` like every secret
(see :mod:`.secrets`). A save replaces the tenant's values; a sensitive value sent as
``{"HasValue": true, "NewValue": null}`` keeps the one already kept.

The values live in the store under the collection ``tenantvariables`` (one document per
tenant, not served as a collection of its own: a real server has no such route), and go
when the tenant goes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, validation_failed
from octoclr.simulator.families import secrets as sealing
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

TENANTS = Collection(
    "tenants", "Tenants", "Tenants", "Tenant",
    query=("skip", "projectId", "name", "tags", "take", "ids", "partialName"),
    defaults={"Name": None, "Description": "", "TenantTags": [], "ProjectEnvironments": {},
              "ClonedFromTenantId": None},
    links={"Variables": "{self}/variables", "Logo": "{self}/logo", "Web": "/app#/{space}/tenants/{id}"},
    filters={"tags": "TenantTags", "projectId": "ProjectEnvironments"},
)

family = Family("tenants", collections=(TENANTS,))

#: Where a tenant's values are kept (a store collection, never served as one).
VALUES = "tenantvariables"
_SENSITIVE_CONTROL = "Sensitive"


# --- connections ------------------------------------------------------------------------------

def _check_project_environments(backend: "Backend", tenant: dict[str, Any]) -> None:
    """ProjectEnvironments maps project ids to environment ids; all of them must exist in the space."""
    mapping = tenant.get("ProjectEnvironments")
    if not isinstance(mapping, dict):
        raise validation_failed(["ProjectEnvironments must be an object of project id -> environment ids."])
    errors, canonical = [], {}
    space_id = tenant.get("SpaceId")
    for project_id, environment_ids in mapping.items():
        project = backend.store.get("projects", str(project_id))
        if project is None or project.space_id != space_id:
            errors.append(f"The project '{project_id}' in ProjectEnvironments does not exist in space {space_id}.")
            continue
        if not isinstance(environment_ids, list):
            errors.append(f"ProjectEnvironments['{project_id}'] must be a list of environment ids.")
            continue
        resolved = []
        for environment_id in environment_ids:
            environment = backend.store.get("environments", str(environment_id))
            if environment is None or environment.space_id != space_id:
                errors.append(f"The environment '{environment_id}' in ProjectEnvironments does not exist "
                              f"in space {space_id}.")
            else:
                resolved.append(environment.id)
        canonical[project.id] = resolved
    if errors:
        raise validation_failed(errors)
    tenant["ProjectEnvironments"] = canonical


@family.hook("before_create", "tenants")
def _new_tenant(backend: "Backend", tenant: dict[str, Any], actor: Optional[str]) -> None:
    _check_project_environments(backend, tenant)


@family.hook("before_modify", "tenants")
def _changed_tenant(backend: "Backend", tenant: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    _check_project_environments(backend, tenant)


@family.hook("before_delete", "tenants")
def _tenant_gone(backend: "Backend", tenant: dict[str, Any], actor: Optional[str]) -> None:
    backend.store.delete(VALUES, tenant["Id"])


# --- variable templates: a real server gives each one an id ------------------------------------

def is_sensitive(template: dict[str, Any]) -> bool:
    settings = template.get("DisplaySettings")
    return isinstance(settings, dict) and settings.get("Octopus.ControlType") == _SENSITIVE_CONTROL


def _name_templates(backend: "Backend", coll_path: str, owner: dict[str, Any], stored: Optional[dict[str, Any]]) -> None:
    """Give each template an id, and keep a sensitive default value out of the owner's body."""
    templates = owner.get("Templates")
    if templates is None:
        owner["Templates"] = templates = []
    if not isinstance(templates, list) or not all(isinstance(t, dict) for t in templates):
        raise validation_failed(["Templates must be a list of variable templates, each with a Name."])
    names: set[str] = set()
    for template in templates:
        name = template.get("Name")
        if not isinstance(name, str) or not name.strip():
            raise validation_failed(["Every variable template needs a Name."])
        if name.lower() in names:
            raise validation_failed([f"Variable template names must be unique; '{name}' is repeated."])
        names.add(name.lower())
        template["Id"] = str(template.get("Id") or uuid.uuid4())
        for key, default in (("Label", ""), ("HelpText", None), ("DefaultValue", None), ("DisplaySettings", {})):
            template.setdefault(key, default)
        if is_sensitive(template):
            _seal_default(backend, coll_path, owner["Id"], template)


def _seal_default(backend: "Backend", coll_path: str, owner_id: str, template: dict[str, Any]) -> None:
    field = f"template-default:{template['Id'].lower()}"
    sent = template.get("DefaultValue")
    new_value = sent if isinstance(sent, str) else sent.get("NewValue") if isinstance(sent, dict) else None
    if isinstance(new_value, str):
        backend.store.set_secret(coll_path, owner_id, field, codec.dumps(new_value).decode())
        template["DefaultValue"] = sealing.masked(True)
    elif isinstance(sent, dict) and sent.get("HasValue"):
        template["DefaultValue"] = sealing.masked(field in backend.store.secrets(coll_path, owner_id))
    else:
        backend.store.set_secret(coll_path, owner_id, field, None)
        template["DefaultValue"] = sealing.masked(False)


for _path in ("projects", "libraryvariablesets"):
    def _assigned(backend: "Backend", owner: dict[str, Any], _path: str = _path) -> None:
        _name_templates(backend, _path, owner, None)

    def _modified(backend: "Backend", owner: dict[str, Any], stored: dict[str, Any], actor: Optional[str],
                  _path: str = _path) -> None:
        _name_templates(backend, _path, owner, stored)

    family.hook("assign", _path)(_assigned)
    family.hook("before_modify", _path)(_modified)


# --- what a tenant must give values for -------------------------------------------------------

def _row(backend: "Backend", path: str, resource_id: str) -> Optional[dict[str, Any]]:
    row = backend.store.get(path, resource_id)
    return row.resource() if row else None


def _projects(backend: "Backend", tenant: dict[str, Any]) -> list[tuple[dict[str, Any], list[str]]]:
    """The tenant's connected projects with their connected environments, in project-id order."""
    found = []
    for project_id, environment_ids in (tenant.get("ProjectEnvironments") or {}).items():
        project = _row(backend, "projects", project_id)
        if project is not None:
            found.append((project, list(environment_ids or [])))
    return sorted(found, key=lambda pair: _id_order(pair[0]["Id"]))


def _libraries(backend: "Backend", projects: list[tuple[dict[str, Any], list[str]]]) -> list[dict[str, Any]]:
    """The library variable sets the connected projects include, that define templates."""
    seen: dict[str, dict[str, Any]] = {}
    for project, _ in projects:
        for library_id in project.get("IncludedLibraryVariableSetIds") or []:
            library = _row(backend, "libraryvariablesets", library_id)
            if library is not None and library.get("Templates") and library["Id"].lower() not in seen:
                seen[library["Id"].lower()] = library
    return sorted(seen.values(), key=lambda lib: _id_order(lib["Id"]))


def _id_order(resource_id: str) -> tuple[str, int]:
    head, _, number = resource_id.rpartition("-")
    return (head.lower(), int(number)) if number.isdigit() else (resource_id.lower(), 0)


def _kept(backend: "Backend", tenant_id: str) -> dict[str, Any]:
    row = backend.store.get(VALUES, tenant_id)
    body = row.resource() if row else {}
    return {"Project": body.get("Project") or {}, "Library": body.get("Library") or {}}


def _project_field(project_id: str, environment_id: str, template_id: str) -> str:
    return f"project:{project_id}:{environment_id}:{template_id}".lower()


def _library_field(library_id: str, template_id: str) -> str:
    return f"library:{library_id}:{template_id}".lower()


def _answer(value: Any, sensitive: bool, field: str, kept_secrets: dict[str, str]) -> Any:
    if sensitive:
        return sealing.masked(field in kept_secrets)
    return value


def variables_of(backend: "Backend", tenant: dict[str, Any]) -> dict[str, Any]:
    """The tenant's ``TenantVariableResource``: every template it must fill, and the values it has."""
    space = tenant["SpaceId"]
    kept = _kept(backend, tenant["Id"])
    kept_secrets = backend.store.secrets(VALUES, tenant["Id"])
    projects = _projects(backend, tenant)
    project_variables: dict[str, Any] = {}
    for project, environment_ids in projects:
        templates = project.get("Templates") or []
        values_by_env: dict[str, Any] = {}
        for environment_id in environment_ids:
            stored = (kept["Project"].get(project["Id"]) or {}).get(environment_id) or {}
            values: dict[str, Any] = {}
            for template in templates:
                field = _project_field(project["Id"], environment_id, template["Id"])
                if is_sensitive(template):
                    if field in kept_secrets:
                        values[template["Id"]] = sealing.masked(True)
                elif template["Id"] in stored:
                    values[template["Id"]] = stored[template["Id"]]
            values_by_env[environment_id] = values
        project_variables[project["Id"]] = {
            "ProjectId": project["Id"], "ProjectName": project.get("Name"), "Templates": templates,
            "Variables": values_by_env, "Links": {"Self": f"/api/{space}/projects/{project['Id']}"}}
    library_variables: dict[str, Any] = {}
    for library in _libraries(backend, projects):
        stored = kept["Library"].get(library["Id"]) or {}
        values = {}
        for template in library.get("Templates") or []:
            field = _library_field(library["Id"], template["Id"])
            if is_sensitive(template):
                if field in kept_secrets:
                    values[template["Id"]] = sealing.masked(True)
            elif template["Id"] in stored:
                values[template["Id"]] = stored[template["Id"]]
        library_variables[library["Id"]] = {
            "LibraryVariableSetId": library["Id"], "LibraryVariableSetName": library.get("Name"),
            "Templates": library.get("Templates") or [], "Variables": values,
            "Links": {"Self": f"/api/{space}/libraryvariablesets/{library['Id']}"}}
    row = backend.store.get(VALUES, tenant["Id"])
    body = row.resource() if row else {}
    return {"Id": f"TenantVariables-{tenant['Id']}", "TenantId": tenant["Id"], "TenantName": tenant.get("Name"),
            "SpaceId": space, "ProjectVariables": project_variables, "LibraryVariables": library_variables,
            "LastModifiedOn": body.get("LastModifiedOn"), "LastModifiedBy": body.get("LastModifiedBy"),
            "Links": {"Self": f"/api/{space}/tenants/{tenant['Id']}/variables",
                      "Tenant": f"/api/{space}/tenants/{tenant['Id']}"}}


# --- saving values ---------------------------------------------------------------------------

def _plain(value: Any, where: str, errors: list[str]) -> Optional[str]:
    """A non-sensitive value as the client sends it: a string, null, or a SensitiveValue-shaped object."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict) and (value.get("NewValue") is None or isinstance(value.get("NewValue"), str)):
        return value.get("NewValue")
    errors.append(f"The value of {where} must be a string.")
    return None


def _secret(value: Any, where: str, errors: list[str]) -> tuple[str, Optional[str]]:
    """What to do with a sensitive value: ("set", text), ("keep", None) or ("forget", None)."""
    if isinstance(value, str):
        return "set", value
    if isinstance(value, dict):
        new_value = value.get("NewValue")
        if isinstance(new_value, str):
            return "set", new_value
        if new_value is not None:
            errors.append(f"The NewValue of {where} must be a string.")
            return "keep", None
        return ("keep", None) if value.get("HasValue") else ("forget", None)
    if value is None:
        return "forget", None
    errors.append(f"The value of {where} must be a string or a SensitiveValue.")
    return "keep", None


def _templates_by_id(owner: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(t.get("Id")).lower(): t for t in owner.get("Templates") or [] if isinstance(t, dict)}


def save_variables(backend: "Backend", tenant: dict[str, Any], body: Any, actor: Optional[str]) -> dict[str, Any]:
    """Replace the tenant's values with those sent; what the sent document names must exist."""
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a TenantVariableResource (a JSON object).")
    sent_tenant = body.get("TenantId")
    if sent_tenant and str(sent_tenant).lower() != tenant["Id"].lower():
        raise validation_failed([f"These variables belong to tenant '{sent_tenant}', not '{tenant['Id']}'."])
    errors: list[str] = []
    kept_secrets = backend.store.secrets(VALUES, tenant["Id"])
    project_values: dict[str, dict[str, dict[str, str]]] = {}
    library_values: dict[str, dict[str, str]] = {}
    secret_changes: dict[str, Optional[str]] = {}  # field -> new text, or None to forget
    kept_fields: set[str] = set()
    projects = {p["Id"].lower(): (p, envs) for p, envs in _projects(backend, tenant)}
    sent_projects = body.get("ProjectVariables") or {}
    if not isinstance(sent_projects, dict):
        raise validation_failed(["ProjectVariables must be an object of project id -> project variables."])
    for project_id, sent in sent_projects.items():
        connected = projects.get(str(project_id).lower())
        if connected is None:
            errors.append(f"The tenant is not connected to the project '{project_id}'.")
            continue
        project, environment_ids = connected
        by_env = (sent or {}).get("Variables") if isinstance(sent, dict) else None
        if not isinstance(by_env, dict):
            errors.append(f"ProjectVariables['{project_id}'].Variables must be an object of environment id -> values.")
            continue
        templates = _templates_by_id(project)
        environments = {e.lower(): e for e in environment_ids}
        for environment_id, values in by_env.items():
            environment = environments.get(str(environment_id).lower())
            if environment is None:
                errors.append(f"The tenant is not connected to the environment '{environment_id}' "
                              f"of the project '{project['Id']}'.")
                continue
            if not isinstance(values, dict):
                errors.append(f"The values of project '{project['Id']}' in '{environment}' must be an object.")
                continue
            for template_id, value in values.items():
                template = templates.get(str(template_id).lower())
                where = f"template '{template_id}' of project '{project['Id']}' in '{environment}'"
                if template is None:
                    errors.append(f"The project '{project['Id']}' has no variable template '{template_id}'.")
                    continue
                field = _project_field(project["Id"], environment, template["Id"])
                if is_sensitive(template):
                    _collect_secret(value, where, field, errors, secret_changes, kept_fields, kept_secrets)
                else:
                    text = _plain(value, where, errors)
                    if text is not None:
                        project_values.setdefault(project["Id"], {}).setdefault(environment, {})[template["Id"]] = text
    libraries = {lib["Id"].lower(): lib for lib in _libraries(backend, list(projects.values()))}
    sent_libraries = body.get("LibraryVariables") or {}
    if not isinstance(sent_libraries, dict):
        raise validation_failed(["LibraryVariables must be an object of library variable set id -> variables."])
    for library_id, sent in sent_libraries.items():
        library = libraries.get(str(library_id).lower())
        if library is None:
            errors.append(f"The library variable set '{library_id}' is not included by a project the tenant "
                          "is connected to, or defines no templates.")
            continue
        values = (sent or {}).get("Variables") if isinstance(sent, dict) else None
        if not isinstance(values, dict):
            errors.append(f"LibraryVariables['{library_id}'].Variables must be an object of template id -> value.")
            continue
        templates = _templates_by_id(library)
        for template_id, value in values.items():
            template = templates.get(str(template_id).lower())
            where = f"template '{template_id}' of library variable set '{library['Id']}'"
            if template is None:
                errors.append(f"The library variable set '{library['Id']}' has no variable template '{template_id}'.")
                continue
            field = _library_field(library["Id"], template["Id"])
            if is_sensitive(template):
                _collect_secret(value, where, field, errors, secret_changes, kept_fields, kept_secrets)
            else:
                text = _plain(value, where, errors)
                if text is not None:
                    library_values.setdefault(library["Id"], {})[template["Id"]] = text
    if errors:
        raise validation_failed(sorted(set(errors), key=errors.index))
    with backend.store.transaction():
        backend.store.put(VALUES, {"Id": tenant["Id"], "SpaceId": tenant["SpaceId"], "Project": project_values,
                                   "Library": library_values, "LastModifiedOn": codec.now_iso(),
                                   "LastModifiedBy": backend.username(actor)}, name=None)
        for field in kept_secrets:
            if field not in kept_fields and field not in secret_changes:
                backend.store.set_secret(VALUES, tenant["Id"], field, None)
        for field, text in secret_changes.items():
            backend.store.set_secret(VALUES, tenant["Id"], field, None if text is None else codec.dumps(text).decode())
    return variables_of(backend, tenant)


def _collect_secret(value: Any, where: str, field: str, errors: list[str], changes: dict[str, Optional[str]],
                    kept_fields: set[str], kept_secrets: dict[str, str]) -> None:
    action, text = _secret(value, where, errors)
    if action == "set":
        changes[field] = text
    elif action == "keep" and field in kept_secrets:
        kept_fields.add(field)
    else:
        changes[field] = None


def reveal(backend: "Backend", tenant_id: str, field: str) -> Optional[str]:
    """A kept sensitive value, for the server's own use (never for a response)."""
    text = backend.store.secrets(VALUES, tenant_id).get(field.lower())
    return None if text is None else codec.loads(text)


# --- what is missing --------------------------------------------------------------------------

def _has_default(template: dict[str, Any]) -> bool:
    default = template.get("DefaultValue")
    if isinstance(default, dict):
        return bool(default.get("HasValue"))
    return default not in (None, "")


def missing_of(backend: "Backend", tenant: dict[str, Any], project_id: Optional[str] = None,
               environment_id: Optional[str] = None) -> list[dict[str, Any]]:
    """The templates with neither a value of the tenant's nor a default value."""
    space = tenant["SpaceId"]
    current = variables_of(backend, tenant)
    tenant_link = f"/api/{space}/tenants/{tenant['Id']}"
    missing: list[dict[str, Any]] = []
    for pid, project in current["ProjectVariables"].items():
        if project_id and pid.lower() != project_id.lower():
            continue
        for eid, values in project["Variables"].items():
            if environment_id and eid.lower() != environment_id.lower():
                continue
            for template in project["Templates"]:
                if template["Id"] in values and values[template["Id"]] not in (None, "") or _has_default(template):
                    continue
                missing.append({"ProjectId": pid, "EnvironmentId": eid, "VariableTemplateName": template["Name"],
                                "VariableTemplateId": template["Id"],
                                "Links": {"Tenant": tenant_link, "Project": f"/api/{space}/projects/{pid}",
                                          "Environment": f"/api/{space}/environments/{eid}"}})
    if project_id is None or any(pid.lower() == project_id.lower() for pid in current["ProjectVariables"]):
        for lid, library in current["LibraryVariables"].items():
            for template in library["Templates"]:
                value = library["Variables"].get(template["Id"])
                if value not in (None, "") and not (isinstance(value, dict) and not value.get("HasValue")) \
                        or _has_default(template):
                    continue
                missing.append({"LibraryVariableSetId": lid, "VariableTemplateName": template["Name"],
                                "VariableTemplateId": template["Id"],
                                "Links": {"Tenant": tenant_link,
                                          "LibraryVariableSet": f"/api/{space}/libraryvariablesets/{lid}"}})
    return missing


# --- routes ---------------------------------------------------------------------------------

def _tenant(call: Call) -> dict[str, Any]:
    return call.backend.find(resources.BY_PATH["tenants"], call.params["id"], call.space())


@family.route("GET", "tenants/{id}/variables", scope=SPACE)
async def _get_variables(call: Call) -> Any:
    return variables_of(call.backend, _tenant(call))


async def _save_variables(call: Call) -> Any:
    tenant = _tenant(call)
    body = await call.json()
    return save_variables(call.backend, tenant, body, call.actor)

family.route("PUT", "tenants/{id}/variables", scope=SPACE)(_save_variables)
family.route("POST", "tenants/{id}/variables", scope=SPACE)(_save_variables)


def _space_tenants(call: Call) -> list[dict[str, Any]]:
    space = call.space()
    return sorted((row.resource() for row in call.backend.store.rows("tenants", space)),
                  key=lambda t: _id_order(t["Id"]))


@family.route("GET", "tenantvariables/all", scope=SPACE)
async def _all_variables(call: Call) -> Any:
    project_id = call.query("projectId")
    tenants = _space_tenants(call)
    if project_id:
        tenants = [t for t in tenants if any(p.lower() == project_id.lower() for p in t.get("ProjectEnvironments") or {})]
    return [variables_of(call.backend, t) for t in tenants]


@family.route("GET", "tenants/variables-missing", scope=SPACE)
async def _missing(call: Call) -> Any:
    tenant_id, project_id, environment_id = call.query("tenantId"), call.query("projectId"), call.query("environmentId")
    details = call.query_bool("includeDetails")
    answer = []
    for tenant in _space_tenants(call):
        if tenant_id and tenant["Id"].lower() != tenant_id.lower():
            continue
        missing = missing_of(call.backend, tenant, project_id, environment_id)
        if not missing:
            continue
        entry: dict[str, Any] = {"TenantId": tenant["Id"],
                                 "Links": {"Tenant": f"/api/{tenant['SpaceId']}/tenants/{tenant['Id']}"}}
        if details:
            entry["MissingVariables"] = missing
        answer.append(entry)
    return answer


# --- multi-tenancy status and tag tests ---------------------------------------------------------

@family.route("GET", "tenants/status", scope=SPACE)
async def _status(call: Call) -> Any:
    """Multi-tenant deployments are always available (a feature switch of old servers)."""
    return {"Id": None, "Enabled": True, "LastModifiedOn": None, "LastModifiedBy": None,
            "Links": {"Self": f"/api/{call.space()}/tenants/status"}}


def tag_test(tenant: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    """Whether a tenant matches a tag filter: within one tag set any tag will do, every set named must match."""
    by_set: dict[str, list[str]] = {}
    for tag in tags:
        by_set.setdefault(tag.split("/", 1)[0].lower(), []).append(tag.lower())
    held = {t.lower() for t in tenant.get("TenantTags") or []}
    missing = [name for name, wanted in by_set.items() if not held & set(wanted)]
    if not tags:
        return {"IsMatched": False, "Reason": "No tags were given."}
    if missing:
        return {"IsMatched": False, "Reason": f"The tenant has none of the tags of tag set(s) {', '.join(missing)}."}
    return {"IsMatched": True, "Reason": "The tenant has a tag of every tag set named."}


@family.route("GET", "tenants/tag-test", scope=SPACE)
async def _tag_test(call: Call) -> Any:
    wanted = {t.lower() for t in call.query_list("tenantIds") or []}
    tags = call.query_list("tags") or []
    return {t["Id"]: tag_test(t, tags) for t in _space_tenants(call) if not wanted or t["Id"].lower() in wanted}
