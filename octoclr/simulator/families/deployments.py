"""Deployments: a release sent to an environment (and tenant) as a server task, and the dashboards.

A deployment takes its release's frozen process and variables; its task (see :mod:`.tasks`)
runs that process's steps, and waits for its ``QueueTime`` when one is given. The dashboard
(``…/dashboard``) and the dynamic dashboard (``…/dashboard/dynamic``, what the client uses to
promote a release) show the latest deployment of each project to each environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import validation_failed
from octoclr.simulator.families import tasks
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import CREATE, DELETE, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

DEPLOYMENTS = Collection(
    "deployments", "Deployments", "Deployments", "Deployment",
    query=("skip", "take", "ids", "projects", "environments", "tenants", "channels", "taskState", "partialName"),
    required=("ReleaseId", "EnvironmentId"),
    references={"ReleaseId": "releases", "EnvironmentId": "environments", "TenantId": "tenants",
                "SpecificMachineIds": "machines", "ExcludedMachineIds": "machines"},
    name_field="Name", unique_name=False,
    verbs=frozenset({CREATE, DELETE}),
    newest_first=True,
    defaults={"ReleaseId": None, "EnvironmentId": None, "TenantId": None, "ForcePackageDownload": False,
              "ForcePackageRedeployment": False, "SkipActions": [], "SpecificMachineIds": [],
              "ExcludedMachineIds": [], "DeploymentProcessId": None, "ManifestVariableSetId": None,
              "TaskId": None, "ProjectId": None, "ChannelId": None, "UseGuidedFailure": False,
              "Comments": "", "FormValues": {}, "QueueTime": None, "QueueTimeExpiry": None, "Name": None,
              "Created": None, "DeployedBy": None, "DeployedById": None, "DeployedToMachineIds": [],
              "FailureEncountered": False, "Changes": [], "ChangesMarkdown": "", "TentacleRetentionPeriod": None},
    links={"Release": "/api/{space}/releases/{ReleaseId}", "Environment": "/api/{space}/environments/{EnvironmentId}",
           "Project": "/api/{space}/projects/{ProjectId}", "Task": "/api/tasks/{TaskId}",
           "Web": "/app#/{space}/deployments/{id}", "Artifacts": "/api/{space}/artifacts?regarding={id}",
           "Interruptions": "/api/{space}/interruptions?regarding={id}"},
    filters={"projects": "ProjectId", "environments": "EnvironmentId", "tenants": "TenantId",
             "channels": "ChannelId"},
)


family = Family("deployments", collections=(DEPLOYMENTS,))


def guided_failure(backend: "Backend", mode: Any, environment_id: Optional[str], asked: Any) -> bool:
    """Whether guided failure is in effect: asked for, the project's (or runbook's) mode, or the environment's."""
    if asked:
        return True
    if mode == "On":
        return True
    if mode in (None, "EnvironmentDefault"):
        environment = backend.store.get("environments", environment_id or "")
        return bool(environment and environment.resource().get("UseGuidedFailure"))
    return False


def check_queue_times(resource: dict[str, Any]) -> None:
    """QueueTime and QueueTimeExpiry must be dates, and the expiry after the queue time."""
    start = tasks.parse_time(resource.get("QueueTime"))
    expiry = tasks.parse_time(resource.get("QueueTimeExpiry"))
    if start is not None and expiry is not None and expiry <= start:
        raise validation_failed(["QueueTimeExpiry must be later than QueueTime."])


def _check_tenant(backend: "Backend", deployment: dict[str, Any], project_id: Optional[str]) -> None:
    """A real server deploys for a tenant only as the project's tenanted mode allows, and only
    to an environment the tenant is connected to for that project."""
    project_row = backend.store.get("projects", project_id or "")
    if project_row is None:
        return
    project = project_row.resource()
    mode = project.get("TenantedDeploymentMode") or "Untenanted"
    tenant_id = deployment.get("TenantId")
    if not tenant_id:
        if mode == "Tenanted":
            raise validation_failed([f"The project '{project.get('Name')}' is tenanted: give a TenantId."])
        return
    tenant_row = backend.store.get("tenants", str(tenant_id))
    if tenant_row is None:
        return  # the generic validation reports a missing tenant
    if mode == "Untenanted":
        raise validation_failed([f"The project '{project.get('Name')}' is not tenanted: it cannot be deployed "
                                 f"for tenant '{tenant_row.resource().get('Name')}'."])
    environment_id = str(deployment.get("EnvironmentId") or "")
    connected = (tenant_row.resource().get("ProjectEnvironments") or {}).get(project_row.id) or []
    if environment_id and environment_id.lower() not in (str(e).lower() for e in connected):
        raise validation_failed([f"The tenant '{tenant_row.resource().get('Name')}' is not connected to project "
                                 f"'{project.get('Name')}' in environment '{environment_id}'."])


@family.hook("before_create", "deployments")
def _take_release(backend: "Backend", deployment: dict[str, Any], actor: Optional[str]) -> None:
    check_queue_times(deployment)
    release = backend.store.get("releases", str(deployment.get("ReleaseId") or ""))
    if release is None or release.space_id != deployment.get("SpaceId"):
        return  # the generic validation reports a missing release
    body = release.resource()
    _check_tenant(backend, deployment, body.get("ProjectId"))
    deployment["ProjectId"] = body.get("ProjectId")
    deployment["ChannelId"] = body.get("ChannelId")
    deployment["DeploymentProcessId"] = body.get("ProjectDeploymentProcessSnapshotId")
    deployment["ManifestVariableSetId"] = body.get("ProjectVariableSetSnapshotId")
    deployment["Created"] = codec.now_iso()
    deployment["DeployedBy"] = backend.username(actor)
    deployment["DeployedById"] = actor


@family.hook("after_create", "deployments")
def _queue_task(backend: "Backend", deployment: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    environment = backend.store.get("environments", deployment["EnvironmentId"])
    project = backend.store.get("projects", deployment.get("ProjectId") or "")
    release = backend.store.get("releases", deployment["ReleaseId"])
    process = backend.store.get("deploymentprocesses", deployment.get("DeploymentProcessId") or "")
    env_name = environment.resource().get("Name") if environment else deployment["EnvironmentId"]
    project_name = project.resource().get("Name") if project else deployment.get("ProjectId")
    version = release.resource().get("Version") if release else deployment["ReleaseId"]
    tenant = backend.store.get("tenants", deployment.get("TenantId") or "")
    for_tenant = f" for {tenant.resource().get('Name')}" if tenant else ""
    task = tasks.start(
        backend, deployment["SpaceId"], "Deploy", f"Deploy {project_name} release {version} to {env_name}{for_tenant}",
        {"DeploymentId": deployment["Id"], "ProjectId": deployment.get("ProjectId"),
         "EnvironmentId": deployment["EnvironmentId"], "TenantId": deployment.get("TenantId")}, actor,
        queue_time=deployment.get("QueueTime"), queue_expiry=deployment.get("QueueTimeExpiry"),
        steps=process.resource().get("Steps") if process else [], skip_actions=deployment.get("SkipActions"),
        guided_failure=guided_failure(backend, project.resource().get("DefaultGuidedFailureMode") if project else None,
                                      deployment["EnvironmentId"], deployment.get("UseGuidedFailure")),
        related=[deployment["Id"], deployment.get("ReleaseId"), deployment.get("ProjectId"),
                 deployment["EnvironmentId"], deployment.get("TenantId")],
    )
    deployment["TaskId"] = task["Id"]
    deployment["Name"] = f"Deploy to {env_name}"
    backend._save(resources.BY_PATH["deployments"], deployment, actor)


@family.hook("before_delete", "deployments")
def _forget_task(backend: "Backend", deployment: dict[str, Any], actor: Optional[str]) -> None:
    task_id = deployment.get("TaskId")
    if task_id:
        backend._pending.pop(task_id, None)


# --- dashboards ----------------------------------------------------------------------------

def _item(backend: "Backend", space_id: str, deployment: dict[str, Any]) -> dict[str, Any]:
    task_row = backend.store.get("tasks", deployment.get("TaskId") or "")
    task = task_row.resource() if task_row else {}
    release_row = backend.store.get("releases", deployment.get("ReleaseId") or "")
    return {
        "Id": f"Dashboard-{deployment['Id']}", "ProjectId": deployment.get("ProjectId"),
        "EnvironmentId": deployment.get("EnvironmentId"), "ReleaseId": deployment.get("ReleaseId"),
        "DeploymentId": deployment["Id"], "TaskId": deployment.get("TaskId"),
        "TenantId": deployment.get("TenantId"), "ChannelId": deployment.get("ChannelId"),
        "ReleaseVersion": release_row.resource().get("Version") if release_row else None,
        "Created": deployment.get("Created"), "QueueTime": task.get("QueueTime"),
        "StartTime": task.get("StartTime"), "CompletedTime": task.get("CompletedTime"),
        "State": task.get("State", "Queued"), "HasPendingInterruptions": bool(task.get("HasPendingInterruptions")),
        "HasWarningsOrErrors": bool(task.get("HasWarningsOrErrors")), "ErrorMessage": task.get("ErrorMessage", ""),
        "Duration": task.get("Duration", ""), "IsCurrent": True, "IsPrevious": False,
        "IsCompleted": bool(task.get("IsCompleted")),
        "Links": {"Self": f"/api/{space_id}/deployments/{deployment['Id']}",
                  "Release": f"/api/{space_id}/releases/{deployment.get('ReleaseId')}",
                  "Task": f"/api/tasks/{deployment.get('TaskId')}"},
    }


def dashboard(backend: "Backend", space_id: str, project_ids: Optional[list[str]] = None,
              environment_ids: Optional[list[str]] = None, include_previous: bool = False,
              self_link: Optional[str] = None) -> dict[str, Any]:
    """The latest deployment of each project to each environment (and tenant); the one before too if asked."""
    backend.advance_tasks()
    wanted_envs = {e.lower() for e in environment_ids or []}
    environments = sorted((r.resource() for r in backend.store.rows("environments", space_id)
                           if not wanted_envs or r.id.lower() in wanted_envs),
                          key=lambda e: (e.get("SortOrder", 0), e["Id"]))
    env_ids = [e["Id"] for e in environments]
    wanted = {p.lower() for p in project_ids or []}
    projects = [r.resource() for r in backend.store.rows("projects", space_id) if not wanted or r.id.lower() in wanted]
    groups = [r.resource() for r in backend.store.rows("projectgroups", space_id)]
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    previous: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in reversed(backend.store.rows("deployments", space_id)):
        deployment = row.resource()
        if wanted and str(deployment.get("ProjectId")).lower() not in wanted:
            continue
        if wanted_envs and str(deployment.get("EnvironmentId")).lower() not in wanted_envs:
            continue
        key = (deployment.get("ProjectId"), deployment.get("EnvironmentId"), deployment.get("TenantId"))
        if key not in latest:
            latest[key] = _item(backend, space_id, deployment)
        elif include_previous and key not in previous and \
                deployment.get("ReleaseId") != latest[key]["ReleaseId"]:
            previous[key] = {**_item(backend, space_id, deployment), "IsCurrent": False, "IsPrevious": True}
    tenants = [{"Id": r.id, "Name": r.resource().get("Name"), "ProjectEnvironments": r.resource().get(
        "ProjectEnvironments", {}), "TenantTags": r.resource().get("TenantTags", []),
        "Links": {"Self": f"/api/{space_id}/tenants/{r.id}"}} for r in backend.store.rows("tenants", space_id)]
    return {
        "Id": None, "LastModifiedOn": None, "LastModifiedBy": None,
        "Projects": [{"Id": p["Id"], "Name": p["Name"], "Slug": p.get("Slug"), "ProjectGroupId": p.get("ProjectGroupId"),
                      "EnvironmentIds": env_ids, "IsDisabled": p.get("IsDisabled", False),
                      "TenantedDeploymentMode": p.get("TenantedDeploymentMode", "Untenanted"),
                      "CanPerformUntenantedDeployment": p.get("TenantedDeploymentMode") != "Tenanted",
                      "Links": {"Self": p["Links"]["Self"]}} for p in projects],
        "ProjectGroups": [{"Id": g["Id"], "Name": g["Name"], "EnvironmentIds": env_ids,
                           "Links": {"Self": g["Links"]["Self"]}} for g in groups],
        "Environments": [{"Id": e["Id"], "Name": e["Name"], "Links": {"Self": e["Links"]["Self"]}}
                         for e in environments],
        "Tenants": tenants, "Items": list(latest.values()), "PreviousItems": list(previous.values()),
        "IsFiltered": bool(wanted or wanted_envs), "ProjectLimit": 50,
        "Links": {"Self": self_link or f"/api/{space_id}/dashboard"},
    }


@family.route("GET", "dashboard", scope=SPACE)
async def _dashboard(call: Call) -> Any:
    """The latest deployments; without a projectId, of what the user's dashboard configuration keeps."""
    from octoclr.simulator.families.configuration import configured_filters

    space = call.space()
    projects = call.query_list("projectId")
    environments = None
    if projects is None:
        projects, environments = configured_filters(call.backend, space, call.actor)
    return dashboard(call.backend, space, projects, environments)


@family.route("GET", "dashboard/dynamic", scope=SPACE)
async def _dynamic(call: Call) -> Any:
    space = call.space()
    return dashboard(call.backend, space, call.query_list("projects"), call.query_list("environments"),
                     call.query_bool("includePrevious"), f"/api/{space}/dashboard/dynamic")
