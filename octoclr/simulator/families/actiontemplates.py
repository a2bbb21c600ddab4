"""Step templates (action templates): the library's reusable steps, their versions and where they are used.

A template starts at ``Version`` 0 (an installed community template at the community's); each change that alters it adds one (what a client sends as
``Version`` is ignored) and the version it replaces is kept: ``…/actiontemplates/{id}/versions``
lists them, newest first, ``…/versions/{version}`` gives one (the ``Versions`` link is that
template). An action uses a template through its properties ``Octopus.Action.Template.Id``
and ``Octopus.Action.Template.Version``; ``…/{id}/usage`` lists those actions in deployment
and runbook processes, and ``POST …/{id}/actionsUpdate`` brings chosen actions up to the
template's current version (see :func:`update_action`).

``…/actiontemplates/search`` lists what a user can add as a step: the built-in step types the
simulator runs, the space's templates (``IsInstalled``) and the community templates not
installed yet; ``…/categories`` are the categories of those, in a stable order.

Community templates are the server's copy of the public library. The simulator syncs nothing
from the internet: its catalogue is what the seed holds (the demo seed has two). ``POST
…/communityactiontemplates/{id}/installation[/{spaceId}]`` installs one into a space as a
template with ``CommunityActionTemplateId``; ``PUT`` brings the installed copy up to the
community version; ``GET …/{id}/actiontemplate[/{spaceId}]`` gives the installed copy.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.families.base import ANY, SPACE, SYSTEM, Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

ACTION_TEMPLATES = Collection(
    "actiontemplates", "ActionTemplates", "ActionTemplates", "ActionTemplate",
    required=("Name", "ActionType"),
    defaults={"Name": None, "Description": "", "ActionType": None, "Version": 0,
              "CommunityActionTemplateId": None, "Packages": [], "Properties": {}, "Parameters": []},
    links={"Logo": "{self}/logo", "Usage": "{self}/usage", "Versions": "{self}/versions/{version}",
           "ActionsUpdate": "{self}/actionsUpdate"},
)

#: The server's copy of the public library; read-only to clients, filled from the seed.
COMMUNITY_TEMPLATES = Collection(
    "communityactiontemplates", "CommunityActionTemplates", "CommunityActionTemplates",
    "CommunityActionTemplate", resources.SYSTEM, query=("skip", "take", "ids"), verbs=resources.READ_ONLY,
    defaults={"Name": None, "Description": "", "Type": None, "Author": None, "Website": None, "HistoryUrl": None,
              "Version": 0, "Parameters": [], "Properties": {}, "Packages": []},
    links={"Logo": "{self}/logo", "Installation": "{self}/installation{/spaceId}"},
)

family = Family("actiontemplates", collections=(ACTION_TEMPLATES, COMMUNITY_TEMPLATES))

VERSIONS = "actiontemplateversions"  # earlier versions of each template, "<template id>/<version>"
TEMPLATE_ID = "Octopus.Action.Template.Id"
TEMPLATE_VERSION = "Octopus.Action.Template.Version"
#: What defines a template: a change to any of these is a new version.
_CONTENT = ("Name", "Description", "ActionType", "Packages", "Properties", "Parameters")

#: Built-in step types the simulator runs: (action type, name, category, description).
BUILT_IN = (
    ("Octopus.Script", "Run a Script", "Script", "Runs a script on the Octopus Server, a worker or deployment targets."),
    ("Octopus.TentaclePackage", "Deploy a Package", "Package", "Deploys a package to deployment targets."),
    ("Octopus.Manual", "Manual Intervention Required", "Other", "Pauses the deployment until a user submits a result."),
    ("Octopus.Email", "Send an Email", "Other", "Sends an email through the server's SMTP configuration."),
)
_CATEGORY_ORDER = ("Script", "Package", "Library", "Community", "Other")


# --- versions ---------------------------------------------------------------------------------

def _content_changed(template: dict[str, Any], stored: dict[str, Any]) -> bool:
    return any(codec.dumps(template.get(k)) != codec.dumps(stored.get(k)) for k in _CONTENT)


@family.hook("assign", "actiontemplates")
def _first_version(backend: "Backend", template: dict[str, Any]) -> None:
    # An installed community template starts at the community version it copies, so that
    # HasUpdate can tell when the library has moved on.
    origin = backend.store.get("communityactiontemplates", str(template.get("CommunityActionTemplateId") or ""))
    template["Version"] = (origin.resource().get("Version") or 0) if origin else 0


@family.hook("before_modify", "actiontemplates")
def _next_version(backend: "Backend", template: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    template["Version"] = stored.get("Version") or 0
    if _content_changed(template, stored):
        kept = {k: v for k, v in stored.items() if k != "Links"}
        kept["Id"] = f"{stored['Id']}/{template['Version']}"
        backend.store.put(VERSIONS, kept, name=None)
        template["Version"] += 1


@family.hook("before_delete", "actiontemplates")
def _deleting(backend: "Backend", template: dict[str, Any], actor: Optional[str]) -> None:
    used = usages(backend, template)
    if used:
        where = sorted({f"{u['ProjectName']} ({u['ActionName']})" for u in used})
        raise BadRequest(f"The step template '{template['Name']}' is used by {', '.join(where)} and cannot be deleted.",
                         help_text="Remove those steps, or detach them from the template, first.")
    for row in backend.store.rows(VERSIONS, template.get("SpaceId")):
        if row.id.lower().startswith(template["Id"].lower() + "/"):
            backend.store.delete(VERSIONS, row.id)


def _template(call: Call) -> dict[str, Any]:
    return call.backend.find(ACTION_TEMPLATES, call.params["id"], call.space_id)


def _at_version(call: Call, template: dict[str, Any], version: int) -> dict[str, Any]:
    if version == template.get("Version"):
        return template
    row = call.backend.store.get(VERSIONS, f"{template['Id']}/{version}")
    if row is None:
        raise NotFound(f"The step template '{template['Id']}' has no version {version}; "
                       f"its versions are 0 to {template.get('Version')}.")
    old = row.resource()
    old["Id"] = template["Id"]
    old["Links"] = template["Links"]
    return old


@family.route("GET", "actiontemplates/{id}/versions", scope=SPACE)
async def _versions(call: Call) -> Any:
    template = _template(call)
    every = [_at_version(call, template, v) for v in range(template.get("Version") or 0, -1, -1)
             if v == template.get("Version") or call.backend.store.get(VERSIONS, f"{template['Id']}/{v}")]
    return call.page("ActionTemplate", [codec.dumps(t) for t in every], f"{template['Links']['Self']}/versions")


@family.route("GET", "actiontemplates/{id}/versions/{version}", scope=SPACE)
async def _version(call: Call) -> Any:
    template = _template(call)
    text = call.params["version"]
    if not text.isdigit():
        raise BadRequest(f"A step template version is a whole number, not '{text}'.")
    return _at_version(call, template, int(text))


# --- where a template is used -----------------------------------------------------------------

def _processes(backend: "Backend", space_id: Optional[str]) -> list[tuple[str, dict[str, Any]]]:
    found = [("Deployment", row.resource()) for row in backend.store.rows("deploymentprocesses", space_id)]
    found += [("Runbook", row.resource()) for row in backend.store.rows("runbookprocesses", space_id)]
    return found


def usages(backend: "Backend", template: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action of a deployment or runbook process that uses this template."""
    found = []
    projects: dict[str, dict[str, Any]] = {}
    for kind, process in _processes(backend, template.get("SpaceId")):
        project_id = process.get("ProjectId") or ""
        if project_id not in projects:
            row = backend.store.get("projects", project_id)
            projects[project_id] = row.resource() if row else {}
        project = projects[project_id]
        runbook: dict[str, Any] = {}
        if kind == "Runbook":
            row = backend.store.get("runbooks", process.get("RunbookId") or "")
            runbook = row.resource() if row else {}
        for step in process.get("Steps") or []:
            for action in step.get("Actions") or []:
                properties = action.get("Properties") or {}
                if str(properties.get(TEMPLATE_ID) or "").lower() != template["Id"].lower():
                    continue
                found.append({
                    "Id": action.get("Id"), "ActionTemplateId": template["Id"], "ActionId": action.get("Id"),
                    "ActionName": action.get("Name"), "StepId": step.get("Id"), "StepName": step.get("Name"),
                    "ProcessId": process["Id"], "ProcessType": kind,
                    "DeploymentProcessId": process["Id"] if kind == "Deployment" else None,
                    "RunbookId": runbook.get("Id"), "RunbookName": runbook.get("Name"),
                    "ProjectId": project_id, "ProjectName": project.get("Name"), "ProjectSlug": project.get("Slug"),
                    "Version": str(properties.get(TEMPLATE_VERSION) or ""), "Release": None, "Branch": None,
                    "LastModifiedOn": process.get("LastModifiedOn"), "LastModifiedBy": process.get("LastModifiedBy"),
                    "Links": {"Project": f"/api/{template['SpaceId']}/projects/{project_id}",
                              "Process": process.get("Links", {}).get("Self")
                              or f"/api/{template['SpaceId']}/{'deploymentprocesses' if kind == 'Deployment' else 'runbookprocesses'}/{process['Id']}"},
                })
    return found


@family.route("GET", "actiontemplates/{id}/usage", scope=SPACE)
async def _usage(call: Call) -> Any:
    return usages(call.backend, _template(call))


# --- bringing actions up to date ----------------------------------------------------------------

def _value(raw: Any) -> Any:
    """A property value as sent: a plain string, or a PropertyValueResource (its Value)."""
    if isinstance(raw, dict):
        return raw.get("Value") if not raw.get("IsSensitive") else raw.get("SensitiveValue")
    return raw


def update_action(action: dict[str, Any], template: dict[str, Any], previous: Optional[dict[str, Any]],
                  overrides: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Bring one action to the template's version, as a real server does.

    ``previous`` is the template at the version the action was on. The template's own
    properties (its script, its settings) replace the action's; each parameter keeps the
    action's value, else takes the override, the default sent, or the parameter's default; a
    parameter with none of these leaves the action as it was and is reported
    (``DefaultParamterValueMissing``, the client's spelling). Properties of parameters the
    template no longer has go; the step's own settings (roles, where it runs) stay.
    """
    properties = dict(action.get("Properties") or {})
    parameters = [p for p in template.get("Parameters") or [] if isinstance(p, dict) and p.get("Name")]
    missing = []
    values: dict[str, Any] = {}
    for parameter in parameters:
        name = parameter["Name"]
        if name in overrides:
            values[name] = _value(overrides[name])
        elif name in properties:
            values[name] = properties[name]
        elif name in defaults:
            values[name] = _value(defaults[name])
        elif _value(parameter.get("DefaultValue")) not in (None, ""):
            values[name] = _value(parameter.get("DefaultValue"))
        else:
            missing.append(name)
    result = {"Id": action.get("Id"), "Outcome": "Success", "ManualMergeRequiredReasonsByPropertyName": {},
              "NamesOfNewParametersMissingDefaultValue": missing, "RemovedPackageUsages": [], "Links": {}}
    if missing:
        result["Outcome"] = "DefaultParamterValueMissing"
        return result
    current = {p["Name"] for p in parameters}
    removed = {p.get("Name") for p in (previous or {}).get("Parameters") or [] if isinstance(p, dict)} - current
    removed |= set((previous or {}).get("Properties") or {}) - set(template.get("Properties") or {})
    kept = {k: v for k, v in properties.items() if k not in removed}
    kept.update({k: _value(v) for k, v in (template.get("Properties") or {}).items()})
    kept.update(values)
    kept[TEMPLATE_ID] = template["Id"]
    kept[TEMPLATE_VERSION] = str(template.get("Version") or 0)
    action["Properties"] = kept
    action["ActionType"] = template.get("ActionType") or action.get("ActionType")
    if template.get("Packages"):
        action["Packages"] = copy.deepcopy(template["Packages"])
    return result


def _previous(call: Call, template: dict[str, Any], action: dict[str, Any]) -> Optional[dict[str, Any]]:
    text = str((action.get("Properties") or {}).get(TEMPLATE_VERSION) or "")
    if not text.isdigit():
        return None
    try:
        return _at_version(call, template, int(text))
    except NotFound:
        return None


def _wanted(sent: dict[str, Any]) -> dict[str, set[str]]:
    """Process id -> action ids, from ActionsToUpdate (newer clients) or ActionIdsByProcessId."""
    wanted: dict[str, set[str]] = {}
    for entry in sent.get("ActionsToUpdate") or []:
        if isinstance(entry, dict) and entry.get("ProcessId"):
            wanted.setdefault(str(entry["ProcessId"]).lower(), set()).update(
                str(a).lower() for a in entry.get("ActionIds") or [])
    for process_id, action_ids in (sent.get("ActionIdsByProcessId") or {}).items():
        wanted.setdefault(str(process_id).lower(), set()).update(str(a).lower() for a in action_ids or [])
    return wanted


@family.route("POST", "actiontemplates/{id}/actionsUpdate", scope=SPACE)
async def _actions_update(call: Call) -> Any:
    template = _template(call)
    sent = await call.json()
    if not isinstance(sent, dict):
        raise BadRequest("The update must be a JSON object with ActionsToUpdate (or ActionIdsByProcessId) and Version.")
    if sent.get("Version") is not None and sent.get("Version") != template.get("Version"):
        raise validation_failed([f"The step template is at version {template.get('Version')}, not {sent.get('Version')}; "
                                 "load it again and retry."])
    wanted = _wanted(sent)
    if not wanted:
        raise validation_failed(["Name the actions to update: ActionsToUpdate, each with a ProcessId and ActionIds."])
    overrides = sent.get("Overrides") or {}
    defaults = sent.get("DefaultPropertyValues") or {}
    processes = {p["Id"].lower(): (kind, p) for kind, p in _processes(call.backend, template.get("SpaceId"))}
    unknown = sorted(set(wanted) - set(processes))
    if unknown:
        raise NotFound(f"The process '{unknown[0]}' was not found in space {template.get('SpaceId')}.")
    results = []
    with call.backend.store.transaction():
        for process_key, action_ids in wanted.items():
            kind, process = processes[process_key]
            process = copy.deepcopy(process)
            seen = set()
            for step in process.get("Steps") or []:
                for action in step.get("Actions") or []:
                    if str(action.get("Id") or "").lower() not in action_ids:
                        continue
                    seen.add(str(action["Id"]).lower())
                    if str((action.get("Properties") or {}).get(TEMPLATE_ID) or "").lower() != template["Id"].lower():
                        raise validation_failed([f"The action '{action.get('Name')}' does not use the step template "
                                                 f"'{template['Name']}'."])
                    results.append(update_action(action, template, _previous(call, template, action), overrides, defaults))
            absent = sorted(action_ids - seen)
            if absent:
                raise NotFound(f"The process '{process['Id']}' has no action '{absent[0]}'.")
            path = "deploymentprocesses" if kind == "Deployment" else "runbookprocesses"
            call.backend.modify(resources.BY_PATH[path], process.get("SpaceId"), process["Id"], process, call.actor)
    return results


# --- what a user can add as a step --------------------------------------------------------------

def _search(backend: "Backend", space_id: str) -> list[dict[str, Any]]:
    found = [{"Id": action_type, "Type": action_type, "Name": name, "Description": description, "Author": "Octopus Deploy",
              "Website": "https://octopus.com", "Category": category, "Categories": [category], "Keywords": "",
              "IsBuiltIn": True, "IsInstalled": True, "HasUpdate": False, "CommunityActionTemplateId": None,
              "SpaceId": space_id, "Features": [],
              "Links": {"Logo": f"/api/{space_id}/actiontemplates/{action_type}/logo"}}
             for action_type, name, category, description in BUILT_IN]
    community = {row.id.lower(): row.resource() for row in backend.store.rows("communityactiontemplates")}
    installed = set()
    for row in backend.store.rows("actiontemplates", space_id):
        template = row.resource()
        origin = community.get(str(template.get("CommunityActionTemplateId") or "").lower())
        if origin:
            installed.add(origin["Id"].lower())
        category = (origin or {}).get("Category") or "Library"
        found.append({"Id": template["Id"], "Type": template.get("ActionType"), "Name": template.get("Name"),
                      "Description": template.get("Description"), "Author": (origin or {}).get("Author"),
                      "Website": (origin or {}).get("Website"), "Category": category, "Categories": [category],
                      "Keywords": "", "IsBuiltIn": False, "IsInstalled": True,
                      "HasUpdate": bool(origin) and (origin.get("Version") or 0) > (template.get("Version") or 0),
                      "CommunityActionTemplateId": template.get("CommunityActionTemplateId"), "SpaceId": space_id,
                      "Features": [], "Links": {"Self": f"/api/{space_id}/actiontemplates/{template['Id']}",
                                                "Logo": f"/api/{space_id}/actiontemplates/{template['Id']}/logo"}})
    for key, origin in community.items():
        if key in installed:
            continue
        category = origin.get("Category") or "Community"
        found.append({"Id": origin["Id"], "Type": origin.get("Type"), "Name": origin.get("Name"),
                      "Description": origin.get("Description"), "Author": origin.get("Author"),
                      "Website": origin.get("Website"), "Category": category, "Categories": [category], "Keywords": "",
                      "IsBuiltIn": False, "IsInstalled": False, "HasUpdate": False,
                      "CommunityActionTemplateId": origin["Id"], "SpaceId": space_id, "Features": [],
                      "Links": {"Self": f"/api/communityactiontemplates/{origin['Id']}",
                                "Logo": f"/api/communityactiontemplates/{origin['Id']}/logo",
                                "Install": f"/api/communityactiontemplates/{origin['Id']}/installation/{space_id}"}})
    return found


@family.route("GET", "actiontemplates/search", scope=SPACE)
async def _search_route(call: Call) -> Any:
    return _search(call.backend, call.space())


@family.route("GET", "actiontemplates/categories", scope=SPACE)
async def _categories(call: Call) -> Any:
    names = {entry["Category"] for entry in _search(call.backend, call.space())}
    ordered = sorted(names, key=lambda n: (_CATEGORY_ORDER.index(n) if n in _CATEGORY_ORDER else len(_CATEGORY_ORDER), n))
    return [{"Id": name.lower(), "Name": name, "DisplayOrder": order, "Links": {}} for order, name in enumerate(ordered)]


# --- community templates ----------------------------------------------------------------------

def _community(call: Call) -> dict[str, Any]:
    row = call.backend.store.get("communityactiontemplates", call.params["id"])
    if row is None:
        raise NotFound(f"The community step template '{call.params['id']}' was not found.")
    return row.resource()


def _target_space(call: Call) -> str:
    space = call.params.get("spaceId") or call.space()
    row = call.backend.store.get("spaces", space)
    if row is None:
        raise NotFound(f"The space '{space}' was not found.")
    return row.id


def _installed(call: Call, community: dict[str, Any], space_id: str) -> Optional[dict[str, Any]]:
    for row in call.backend.store.rows("actiontemplates", space_id):
        template = row.resource()
        if str(template.get("CommunityActionTemplateId") or "").lower() == community["Id"].lower():
            return call.backend.find(ACTION_TEMPLATES, template["Id"], space_id)
    return None


def _from_community(community: dict[str, Any]) -> dict[str, Any]:
    return {"Name": community.get("Name"), "Description": community.get("Description") or "",
            "ActionType": community.get("Type"), "CommunityActionTemplateId": community["Id"],
            "Packages": copy.deepcopy(community.get("Packages") or []),
            "Properties": copy.deepcopy(community.get("Properties") or {}),
            "Parameters": copy.deepcopy(community.get("Parameters") or [])}


async def _installed_copy(call: Call) -> Any:
    community = _community(call)
    space = _target_space(call)
    template = _installed(call, community, space)
    if template is None:
        raise NotFound(f"The community step template '{community['Id']}' is not installed in space {space}.",
                       help_text=f"Install it with POST /api/communityactiontemplates/{community['Id']}/installation/{space}.")
    return template


async def _install(call: Call) -> Any:
    from starlette.responses import Response

    community = _community(call)
    space = _target_space(call)
    if _installed(call, community, space) is not None:
        raise validation_failed([f"The community step template '{community.get('Name')}' is already installed in "
                                 f"space {space}; update it with PUT instead."])
    created = call.backend.create(ACTION_TEMPLATES, space, _from_community(community), call.actor)
    return Response(codec.dumps(created), status_code=201, media_type="application/json")


async def _update_installed(call: Call) -> Any:
    community = _community(call)
    space = _target_space(call)
    template = _installed(call, community, space)
    if template is None:
        raise NotFound(f"The community step template '{community['Id']}' is not installed in space {space}.")
    return call.backend.modify(ACTION_TEMPLATES, space, template["Id"], {**template, **_from_community(community)},
                               call.actor)


for _suffix, _scope in (("", ANY), ("/{spaceId}", SYSTEM)):
    family.route("GET", f"communityactiontemplates/{{id}}/actiontemplate{_suffix}", scope=_scope)(_installed_copy)
    family.route("POST", f"communityactiontemplates/{{id}}/installation{_suffix}", scope=_scope)(_install)
    family.route("PUT", f"communityactiontemplates/{{id}}/installation{_suffix}", scope=_scope)(_update_installed)
