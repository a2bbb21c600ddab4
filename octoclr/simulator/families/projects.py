"""Projects: what a new project brings with it, what goes with it, and cloning one.

A project owns a deployment process (``deploymentprocess-<id>``), a variable set
(``variableset-<id>``) and a default channel, made when the project is made and deleted
with it, along with its releases, deployments, channels and triggers.

``POST …/projects?clone=<id>`` makes a copy of another project of the space, as a real
server does: the new project takes its name, description, project group and lifecycle
from the request and every other setting from the source (versioning strategy, templates,
included library variable sets, connectivity…), and ``ClonedFromProjectId`` names the
source. The deployment process is copied with new step and action ids; the channels are
copied (the source's default channel's settings go to the new default channel); the
variables are copied into the new variable set with new ids, sensitive values included
(kept apart, never answered), and scopes that named the source's channels or actions name
the copies.

``…/projects/{id}/summary`` says whether the project has a deployment process with steps and
runbooks; ``…/projects/{id}/metadata`` lists the settings extensions add (none: the simulator
runs no extensions).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import resources
from octoclr.simulator.exceptions import validation_failed
from octoclr.simulator.families import secrets as sealing
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from starlette.responses import Response

    from octoclr.simulator.behaviours import Backend

PROJECTS = Collection(
    "projects", "Projects", "Projects", "Project",
    query=("name", "skip", "ids", "clone", "take", "partialName", "clonedFromProjectId"),
    required=("Name", "LifecycleId", "ProjectGroupId"),
    references={"LifecycleId": "lifecycles", "ProjectGroupId": "projectgroups",
                "IncludedLibraryVariableSetIds": "libraryvariablesets"},
    defaults={
        "Name": None, "Slug": None, "Description": "", "IsDisabled": False, "VariableSetId": None,
        "DeploymentProcessId": None, "ClonedFromProjectId": None, "DiscreteChannelRelease": False,
        "IncludedLibraryVariableSetIds": [], "DefaultToSkipIfAlreadyInstalled": False,
        "TenantedDeploymentMode": "Untenanted", "DefaultGuidedFailureMode": "EnvironmentDefault",
        "VersioningStrategy": {"Template": "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}"
                                           ".#{Octopus.Version.NextPatch}", "DonorPackage": None},
        "ReleaseCreationStrategy": {"ChannelId": None, "ReleaseCreationPackage": None},
        "Templates": [], "AutoDeployReleaseOverrides": [], "ReleaseNotesTemplate": None,
        "DeploymentChangesTemplate": None, "ExtensionSettings": [], "AutoCreateRelease": False,
        "IsVersionControlled": False, "LifecycleId": None,
        "VersionControlSettings": {"Url": "", "DefaultBranch": "main", "Username": "",
                                   "Password": {"HasValue": False, "NewValue": None}}, "ProjectGroupId": None,
        "ProjectConnectivityPolicy": {"SkipMachineBehavior": "None", "TargetRoles": [],
                                      "AllowDeploymentsToNoTargets": False, "ExcludeUnhealthyTargets": False}},
    links={"Web": "/app#/{space}/projects/{id}",
           "Releases": "{self}/releases{/version}{?skip,take,searchByVersion}",
           "Channels": "{self}/channels{/id}{?skip,take,partialName}",
           "Triggers": "{self}/triggers{?skip,take,partialName,triggerActionType}",
           "ScheduledTriggers": "{self}/triggers{?skip,take,partialName}",
           "OrderChannels": "{self}/channels/order", "Variables": "/api/{space}/variables/{VariableSetId}",
           "Progression": "/api/{space}/progression/{id}{?aggregate}",
           "RunbookTaskRunDashboardItemsTemplate": "{self}/runbookTaskRuns{?skip,take}",
           "DeploymentProcess": "/api/{space}/deploymentprocesses/{DeploymentProcessId}",
           "DeploymentSettings": "{self}/deploymentsettings", "Runbooks": "{self}/runbooks{?skip,take,partialName}",
           "RunbookSnapshots": "{self}/runbookSnapshots{/name}{?skip,take,searchByName}",
           "Logo": "{self}/logo", "Metadata": "{self}/metadata"},
    filters={"clonedFromProjectId": "ClonedFromProjectId"},
    sensitive=("VersionControlSettings.Password", "PersistenceSettings.Credentials.Password"),
)

family = Family("projects", collections=(PROJECTS,))


# --- what a project brings, and takes with it -------------------------------------------------

@family.hook("before_create", "projects")
def _slug(backend: "Backend", project: dict[str, Any], actor: Optional[str]) -> None:
    from octoclr.simulator.behaviours import slugify

    if isinstance(project.get("Name"), str) and not project.get("Slug"):
        project["Slug"] = slugify(project["Name"])


@family.hook("assign", "projects")
def _owned_ids(backend: "Backend", project: dict[str, Any]) -> None:
    project["DeploymentProcessId"] = f"deploymentprocess-{project['Id']}"
    project["VariableSetId"] = f"variableset-{project['Id']}"


@family.hook("after_create", "projects")
def _owned_documents(backend: "Backend", project: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    space_id = project["SpaceId"]
    backend._put_child("deploymentprocesses", {"Id": project["DeploymentProcessId"], "SpaceId": space_id,
                                               "ProjectId": project["Id"]}, actor)
    backend._put_child("variables", {"Id": project["VariableSetId"], "SpaceId": space_id,
                                     "OwnerId": project["Id"]}, actor)
    backend._put_child("channels", {"Name": "Default", "IsDefault": True, "SpaceId": space_id,
                                    "ProjectId": project["Id"], "LifecycleId": None}, actor)


@family.hook("before_modify", "projects")
def _keep_owned_ids(backend: "Backend", project: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    for key in ("DeploymentProcessId", "VariableSetId", "ClonedFromProjectId"):
        project[key] = stored.get(key)


@family.hook("before_delete", "projects")
def _owned_go(backend: "Backend", project: dict[str, Any], actor: Optional[str]) -> None:
    store = backend.store
    for path in ("deployments", "releases", "channels", "projecttriggers"):
        for row in store.rows(path, project["SpaceId"]):
            if (row.resource().get("ProjectId") or "").lower() == project["Id"].lower():
                store.delete(path, row.id)
    for path, prefix in (("deploymentprocesses", project["DeploymentProcessId"]),
                         ("variables", project["VariableSetId"])):
        for row in store.rows(path, project["SpaceId"]):
            if row.id.lower() == prefix.lower() or row.id.lower().startswith(prefix.lower() + "-s-"):
                store.delete(path, row.id)


# --- routes: the list as the generic handler serves it, and create with ?clone= ------------------

@family.route("GET", "projects")
async def _list(call: Call) -> "Response":
    return await call.app._list(PROJECTS, call.space_id)(call.request, call.principal)


@family.route("POST", "projects")
async def _create(call: Call) -> Any:
    from octoclr.simulator.app import json_response

    body = await call.json()
    source_id = call.query("clone")
    if source_id:
        created = clone(call.backend, call.space(), source_id, body, call.actor)
    else:
        created = call.backend.create(PROJECTS, call.space_id, body, call.actor)
    return json_response(created, 201, {"Location": created["Links"]["Self"]})


# --- cloning --------------------------------------------------------------------------------

#: What a clone takes from the request; everything else but the server's own fields comes from the source.
_FROM_REQUEST = ("Name", "Description", "ProjectGroupId", "LifecycleId")
_NOT_COPIED = ("Id", "Links", "SpaceId", "Slug", "DeploymentProcessId", "VariableSetId", "ClonedFromProjectId",
               "LastModifiedOn", "LastModifiedBy", "VersionControlSettings", "PersistenceSettings")


def clone(backend: "Backend", space_id: str, source_id: str, body: Any, actor: Optional[str]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise validation_failed(["The request body must be a project (a JSON object) with at least a Name."])
    source_row = backend.store.get("projects", source_id)
    if source_row is None or (source_row.space_id or "").lower() != space_id.lower():
        raise validation_failed([f"The project '{source_id}' to clone does not exist in space {space_id}."])
    source = source_row.resource()
    copy = {key: value for key, value in source.items() if key not in _NOT_COPIED}
    for key in _FROM_REQUEST:
        if body.get(key) not in (None, ""):
            copy[key] = body[key]
    if "Slug" in body and body["Slug"]:
        copy["Slug"] = body["Slug"]
    # Variable templates are the source's, under ids of their own.
    copy["Templates"] = [{**t, "Id": str(uuid.uuid4())} for t in source.get("Templates") or [] if isinstance(t, dict)]
    _restore_template_defaults(backend, source, copy)
    with backend.store.transaction():
        created = backend.create(PROJECTS, space_id, copy, actor)
        created["ClonedFromProjectId"] = source["Id"]
        backend._save(PROJECTS, created, actor)
        channels = _copy_channels(backend, source, created, actor)
        actions = _copy_process(backend, source, created, actor)
        _copy_variables(backend, source, created, channels, actions, actor)
    return backend.find(PROJECTS, created["Id"], space_id)


def _restore_template_defaults(backend: "Backend", source: dict[str, Any], copy: dict[str, Any]) -> None:
    """A sensitive default value of the source's templates goes to the copy as a new value (sealed on save)."""
    kept = backend.store.secrets("projects", source["Id"])
    for old, new in zip(source.get("Templates") or [], copy["Templates"]):
        field = f"template-default:{str(old.get('Id')).lower()}"
        if field in kept:
            new["DefaultValue"] = {"HasValue": True, "NewValue": sealing.reveal(backend.store, "projects",
                                                                                source["Id"], field)}


def _rows_of(backend: "Backend", path: str, project: dict[str, Any]) -> list[dict[str, Any]]:
    return [row.resource() for row in backend.store.rows(path, project["SpaceId"])
            if (row.resource().get("ProjectId") or "").lower() == project["Id"].lower()]


def _copy_channels(backend: "Backend", source: dict[str, Any], created: dict[str, Any],
                   actor: Optional[str]) -> dict[str, str]:
    """The source's channels in the copy; old channel id -> new channel id."""
    coll = resources.BY_PATH["channels"]
    mapping: dict[str, str] = {}
    new_default = next(c for c in _rows_of(backend, "channels", created) if c.get("IsDefault"))
    for channel in _rows_of(backend, "channels", source):
        settings = {k: channel.get(k) for k in ("Name", "Description", "LifecycleId", "Rules", "TenantTags")}
        if channel.get("IsDefault"):
            new_default.update(settings)
            backend._save(coll, new_default, actor)
            mapping[channel["Id"].lower()] = new_default["Id"]
        else:
            made = backend._put_child("channels", {**settings, "SpaceId": created["SpaceId"],
                                                   "ProjectId": created["Id"], "IsDefault": False}, actor)
            mapping[channel["Id"].lower()] = made["Id"]
    return mapping


def _copy_process(backend: "Backend", source: dict[str, Any], created: dict[str, Any],
                  actor: Optional[str]) -> dict[str, str]:
    """The source's steps in the copy's process, with new ids; old action id -> new action id."""
    coll = resources.BY_PATH["deploymentprocesses"]
    row = backend.store.get("deploymentprocesses", source.get("DeploymentProcessId") or "")
    process = backend.find(coll, created["DeploymentProcessId"], None)
    mapping: dict[str, str] = {}
    steps = []
    for step in (row.resource().get("Steps") or []) if row else []:
        actions = []
        for action in step.get("Actions") or []:
            new_id = str(uuid.uuid4())
            if action.get("Id"):
                mapping[str(action["Id"]).lower()] = new_id
            actions.append({**action, "Id": new_id})
        steps.append({**step, "Id": str(uuid.uuid4()), "Actions": actions})
    process["Steps"] = steps
    process["Version"] = int(process.get("Version") or 0) + 1
    backend._save(coll, process, actor)
    return mapping


def _copy_variables(backend: "Backend", source: dict[str, Any], created: dict[str, Any], channels: dict[str, str],
                    actions: dict[str, str], actor: Optional[str]) -> None:
    coll = resources.BY_PATH["variables"]
    source_id = source.get("VariableSetId") or ""
    row = backend.store.get("variables", source_id)
    target = backend.find(coll, created["VariableSetId"], None)
    copied = []
    for variable in (row.resource().get("Variables") or []) if row else []:
        new = {**variable, "Id": str(uuid.uuid4()), "Scope": _rescoped(variable.get("Scope") or {}, channels, actions)}
        if variable.get("IsSensitive"):
            new["Value"] = sealing.reveal(backend.store, "variables", source_id, f"Variables[].Value:{variable['Id']}")
        copied.append(new)
    target["Variables"] = copied
    if row is not None:
        target["ScopeValues"] = row.resource().get("ScopeValues") or target.get("ScopeValues")
    target["Version"] = int(target.get("Version") or 0) + 1
    backend._save(coll, target, actor)


def _rescoped(scope: dict[str, Any], channels: dict[str, str], actions: dict[str, str]) -> dict[str, Any]:
    out = dict(scope)
    for key, mapping in (("Channel", channels), ("Action", actions)):
        if isinstance(scope.get(key), list):
            out[key] = [mapping.get(str(v).lower(), v) for v in scope[key]]
    return out


# --- summary and extension metadata -----------------------------------------------------------

def _project(call: Call) -> dict[str, Any]:
    return call.backend.find(PROJECTS, call.params["id"], call.space_id)


@family.route("GET", "projects/{id}/summary", scope=SPACE)
async def _summary(call: Call) -> Any:
    """Whether the project has a deployment process with steps, and runbooks (what the portal's overview asks)."""
    project = _project(call)
    process = call.backend.store.get("deploymentprocesses", project.get("DeploymentProcessId") or "")
    has_steps = bool(process and process.resource().get("Steps"))
    has_runbooks = any((row.resource().get("ProjectId") or "").lower() == project["Id"].lower()
                       for row in call.backend.store.rows("runbooks", project["SpaceId"]))
    return {"HasDeploymentProcess": has_steps, "HasRunbooks": has_runbooks}


@family.route("GET", "projects/{id}/metadata", scope=SPACE)
async def _metadata(call: Call) -> Any:
    """The settings extensions add to a project: the simulator runs no extensions, so none."""
    _project(call)
    return []
