"""Variable sets and library variable sets, variable names and the variables a deployment would see.

A project's or library set's variables live in one variable set (``variableset-<owner id>``),
saved whole: each save checks the ``Version`` it was read at and bumps it, and gives each new
variable an id and its defaults; a sensitive value is kept apart (see :mod:`.secrets`). A
library variable set owns its variable set, made and deleted with it.

``…/variables/names`` lists the names a step can use: the system variables the simulator fills
and, given a project, its variables and those of the library sets it includes.
``…/variables/preview`` evaluates which variables apply to a deployment context (project,
environment, channel, tenant, action, machine, role, runbook): a variable applies when every
scope it has names the context's value, and of several with one name the most specific wins
(machine, then action, role, environment, channel, tenant tag). Tenant variables and template
defaults take part as a real server adds them. Sensitive values stay null.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import resources
from octoclr.simulator.exceptions import validation_failed
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import MODIFY, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

VARIABLES = Collection(
    "variables", "Variables", "variableset", "VariableSet",
    query=("ids",), required=(), name_field=None, verbs=frozenset({MODIFY}),
    defaults={"OwnerId": None, "Version": 0, "Variables": [],
              "ScopeValues": {"Environments": [], "Machines": [], "Actions": [], "Roles": [], "Channels": [],
                              "TenantTags": [], "Processes": []}},
    sensitive=("Variables[].Value",),
)

LIBRARY_VARIABLE_SETS = Collection(
    "libraryvariablesets", "LibraryVariables", "LibraryVariableSets", "LibraryVariableSet",
    query=("skip", "contentType", "take", "ids", "partialName"),
    defaults={"Name": None, "Description": "", "VariableSetId": None, "ContentType": "Variables",
              "Templates": []},
    links={"Variables": "/api/{space}/variables/{VariableSetId}", "Usages": "{self}/usages"},
    filters={"contentType": "ContentType"},
)

family = Family("variables", collections=(VARIABLES, LIBRARY_VARIABLE_SETS))


# --- saving a variable set ----------------------------------------------------------------------

@family.hook("before_modify", "variables")
def _checked(backend: "Backend", variables: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    backend._versioned(variables, stored)
    items = variables.get("Variables")
    if not isinstance(items, list):
        raise validation_failed(["Variables must be a list."])
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("Name"), str) or not item["Name"].strip():
            raise validation_failed(["Every variable needs a Name."])
        item.setdefault("Id", str(uuid.uuid4()))
        item.setdefault("Value", None)
        item.setdefault("Description", None)
        item.setdefault("Scope", {})
        item.setdefault("IsEditable", True)
        item.setdefault("Prompt", None)
        item.setdefault("Type", "String")
        item.setdefault("IsSensitive", False)  # a sensitive Value is kept by families.secrets on save


# --- library variable sets own their variable set ------------------------------------------------

@family.hook("assign", "libraryvariablesets")
def _owned_id(backend: "Backend", library: dict[str, Any]) -> None:
    library["VariableSetId"] = f"variableset-{library['Id']}"


@family.hook("after_create", "libraryvariablesets")
def _owned_set(backend: "Backend", library: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    backend._put_child("variables", {"Id": library["VariableSetId"], "SpaceId": library["SpaceId"],
                                     "OwnerId": library["Id"]}, actor)


@family.hook("before_modify", "libraryvariablesets")
def _keep_owned_id(backend: "Backend", library: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    library["VariableSetId"] = stored.get("VariableSetId")


@family.hook("before_delete", "libraryvariablesets")
def _owned_set_goes(backend: "Backend", library: dict[str, Any], actor: Optional[str]) -> None:
    if library.get("VariableSetId"):
        backend.store.delete("variables", library["VariableSetId"])


@family.route("GET", "libraryvariablesets/{id}/usages", scope=SPACE)
async def _usages(call: Call) -> Any:
    """The projects that include the set, and their releases and runbook snapshots that froze it."""
    backend = call.backend
    library = backend.find(LIBRARY_VARIABLE_SETS, call.params["id"], call.space_id)
    frozen_prefix = f"{library.get('VariableSetId')}-s-".lower()

    def froze(resource: dict[str, Any]) -> bool:
        return any(str(i).lower().startswith(frozen_prefix) for i in resource.get("LibraryVariableSetSnapshotIds") or [])

    usages = []
    for row in backend.store.rows("projects", library["SpaceId"]):
        project = row.resource()
        releases = [r.resource() for r in backend.store.rows("releases", library["SpaceId"])
                    if r.resource().get("ProjectId") == project["Id"] and froze(r.resource())]
        snapshots = [r.resource() for r in backend.store.rows("runbooksnapshots", library["SpaceId"])
                     if r.resource().get("ProjectId") == project["Id"] and froze(r.resource())]
        included = library["Id"] in (project.get("IncludedLibraryVariableSetIds") or [])
        if included or releases or snapshots:
            usages.append({"ProjectId": project["Id"], "ProjectName": project.get("Name"),
                           "ProjectSlug": project.get("Slug"), "IsCurrentlyBeingUsedInProject": included,
                           "Releases": [{"ReleaseId": r["Id"], "ReleaseVersion": r.get("Version")} for r in releases],
                           "RunbookSnapshots": [{"SnapshotId": s["Id"], "SnapshotName": s.get("Name")}
                                                for s in snapshots]})
    return {"Id": None, "Projects": usages, "CountOfProjectsUserCannotSee": 0, "CountOfReleasesUserCannotSee": 0,
            "CountOfRunbookSnapshotsUserCannotSee": 0,
            "Links": {"Self": f"/api/{library['SpaceId']}/libraryvariablesets/{library['Id']}/usages"}}


# --- names and previews --------------------------------------------------------------------------

#: The system variables the simulator fills for a deployment (a real server has many more).
SYSTEM_VARIABLES = (
    "Octopus.Action.Name", "Octopus.Action.Id", "Octopus.Deployment.Id", "Octopus.Deployment.Name",
    "Octopus.Environment.Id", "Octopus.Environment.Name", "Octopus.Machine.Id", "Octopus.Machine.Name",
    "Octopus.Project.Id", "Octopus.Project.Name", "Octopus.Release.Id", "Octopus.Release.Number",
    "Octopus.Release.Channel.Name", "Octopus.Space.Id", "Octopus.Space.Name", "Octopus.Task.Id",
    "Octopus.Tenant.Id", "Octopus.Tenant.Name", "Octopus.Web.ServerUri",
)

#: How much a scope narrows a variable: the most specific applicable value of a name wins.
_WEIGHTS = {"Machine": 64, "Action": 32, "Role": 16, "Environment": 8, "Channel": 4, "TenantTag": 2, "ProcessOwner": 1}


def _project(call: Call, key: str = "project") -> Optional[dict[str, Any]]:
    wanted = call.query(key)
    return call.backend.find(resources.BY_PATH["projects"], wanted, call.space_id) if wanted else None


def _sets_of(backend: "Backend", project: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The project's variable set, then those of the library sets it includes (owner id, set)."""
    found = []
    for owner_id, set_id in [(project["Id"], project.get("VariableSetId"))] + [
            (lid, (backend.store.get("libraryvariablesets", lid) or _Missing).resource().get("VariableSetId"))
            for lid in project.get("IncludedLibraryVariableSetIds") or []]:
        row = backend.store.get("variables", set_id or "")
        if row is not None:
            found.append((owner_id, row.resource()))
    return found


class _Missing:
    @staticmethod
    def resource() -> dict[str, Any]:
        return {}


@family.route("GET", "variables/names", scope=SPACE)
async def _names(call: Call) -> Any:
    names = set(SYSTEM_VARIABLES)
    project = _project(call)
    if project is not None:
        shown = {e.lower() for e in call.query_list("projectEnvironmentsFilter") or []}
        for owner_id, variable_set in _sets_of(call.backend, project):
            for variable in variable_set.get("Variables") or []:
                scoped = [e.lower() for e in (variable.get("Scope") or {}).get("Environment") or []]
                if owner_id == project["Id"] and shown and scoped and not shown & set(scoped):
                    continue
                names.add(variable["Name"])
        names.update(t["Name"] for t in project.get("Templates") or [] if t.get("Name"))
    return sorted(names, key=str.lower)


def _context(call: Call, project: dict[str, Any]) -> dict[str, set[str]]:
    backend = call.backend
    context: dict[str, set[str]] = {key: set() for key in _WEIGHTS}
    for key, param in (("Environment", "environment"), ("Channel", "channel"), ("Action", "action"),
                       ("Machine", "machine"), ("Role", "role"), ("ProcessOwner", "runbook")):
        value = call.query(param)
        if value:
            context[key].add(value.lower())
    machine = backend.store.get("machines", call.query("machine") or "")
    if machine is not None:
        context["Role"].update(r.lower() for r in machine.resource().get("Roles") or [])
    tenant = backend.store.get("tenants", call.query("tenant") or "")
    if tenant is not None:
        context["TenantTag"].update(t.lower() for t in tenant.resource().get("TenantTags") or [])
    return context


def _applies(scope: dict[str, Any], context: dict[str, set[str]]) -> Optional[int]:
    """How specific the scope is, when every dimension it names holds one of the context's values."""
    weight = 0
    for key, values in (scope or {}).items():
        if not values:
            continue
        if not {str(v).lower() for v in values} & context.get(key, set()):
            return None
        weight += _WEIGHTS.get(key, 1)
    return weight


@family.route("GET", "variables/preview", scope=SPACE)
async def _preview(call: Call) -> Any:
    from octoclr.simulator.families import tenants

    backend = call.backend
    project = _project(call)
    if project is None:
        raise validation_failed(["Name the project to preview the variables of (?project=Projects-N)."])
    context = _context(call, project)
    chosen: dict[str, tuple[int, int, dict[str, Any]]] = {}  # name -> (specificity, tier, variable)
    candidates: list[tuple[int, dict[str, Any]]] = []
    for template in project.get("Templates") or []:
        default = template.get("DefaultValue")
        candidates.append((0, {"Id": template.get("Id"), "Name": template.get("Name"),
                                "Value": None if isinstance(default, dict) else default,
                                "IsSensitive": tenants.is_sensitive(template), "Scope": {}}))
    tenant = backend.store.get("tenants", call.query("tenant") or "")
    environment = call.query("environment")
    if tenant is not None:
        current = tenants.variables_of(backend, tenant.resource())
        own = current["ProjectVariables"].get(project["Id"])
        values = (own or {}).get("Variables", {}).get(environment or "", {})
        for template in (own or {}).get("Templates", []):
            if template["Id"] in values:
                value = values[template["Id"]]
                candidates.append((1, {"Id": template["Id"], "Name": template["Name"],
                                       "Value": None if isinstance(value, dict) else value,
                                       "IsSensitive": isinstance(value, dict), "Scope": {}}))
    for owner_id, variable_set in _sets_of(backend, project):
        for variable in variable_set.get("Variables") or []:
            # Of equal specificity, the project's own value wins over a library set's.
            candidates.append((3 if owner_id == project["Id"] else 2, variable))
    for tier, variable in candidates:
        weight = _applies(variable.get("Scope") or {}, context)
        if weight is None:
            continue
        key = str(variable.get("Name")).lower()
        if key not in chosen or (weight, tier) >= chosen[key][:2]:
            chosen[key] = (weight, tier, variable)
    evaluated = [{**v, "Value": None if v.get("IsSensitive") else v.get("Value")}
                 for _, _, v in sorted(chosen.values(), key=lambda c: str(c[2].get("Name")).lower())]
    return {"Id": f"preview-{project['Id']}", "OwnerId": project["Id"], "SpaceId": project["SpaceId"], "Version": 0,
            "Variables": evaluated, "ScopeValues": VARIABLES.new_defaults()["ScopeValues"],
            "Links": {"Self": str(call.request.url.path) + ("?" + call.request.url.query if call.request.url.query else "")}}
