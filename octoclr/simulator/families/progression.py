"""Progression: how far each release of a project has gone through its channel's lifecycle.

A release's lifecycle is its channel's, else its project's. Its phases are passed in order:
a phase is ``Complete`` once enough of its environments (``MinimumEnvironmentsBeforePromotion``,
or all of them when 0; none for an optional phase) have a successful deployment of the
release, the first phase that is not is ``Current``, the rest ``Pending``. The release can be
deployed next (``NextDeployments``) to the environments of the complete phases and of the
current one. A release with an unresolved defect (``…/releases/{id}/defects``) is blocked:
it has no next deployments.

``…/progression/{projectId}`` answers that for each release of the project, newest first,
with the latest deployment of the release to each environment; ``…/releases/{id}/progression``
for one release, phase by phase.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, validation_failed
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.families.deployments import _item as dashboard_item
from octoclr.simulator.families.lifecycles import planned_phases

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

family = Family("progression")

#: Defects are kept in the store beside their release (not served as a collection: a real server has none).
DEFECTS = "defects"


def _lifecycle(backend: "Backend", release: dict[str, Any]) -> Optional[dict[str, Any]]:
    channel = backend.store.get("channels", release.get("ChannelId") or "")
    lifecycle_id = channel.resource().get("LifecycleId") if channel else None
    if not lifecycle_id:
        project = backend.store.get("projects", release.get("ProjectId") or "")
        lifecycle_id = project.resource().get("LifecycleId") if project else None
    row = backend.store.get("lifecycles", lifecycle_id or "")
    return row.resource() if row else None


def _environments(phase: dict[str, Any]) -> list[str]:
    return [*phase.get("AutomaticDeploymentTargets", []), *phase.get("OptionalDeploymentTargets", [])]


def _deployments_of(backend: "Backend", release: dict[str, Any]) -> list[dict[str, Any]]:
    """The release's deployments, newest first, each as a dashboard item (with its task's state)."""
    backend.advance_tasks()
    rows = [row.resource() for row in backend.store.rows("deployments", release["SpaceId"])
            if (row.resource().get("ReleaseId") or "").lower() == release["Id"].lower()]
    return [dashboard_item(backend, release["SpaceId"], d) for d in reversed(rows)]


def defects_of(backend: "Backend", release_id: str) -> list[dict[str, Any]]:
    return [row.resource() for row in backend.store.rows(DEFECTS) if
            (row.resource().get("ReleaseId") or "").lower() == release_id.lower()]


def has_unresolved_defect(backend: "Backend", release_id: str) -> bool:
    return any(d.get("Status") == "Unresolved" for d in defects_of(backend, release_id))


def phases_of(backend: "Backend", release: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The release's phases with their progress, and the environments it can be deployed to next."""
    lifecycle = _lifecycle(backend, release)
    items = _deployments_of(backend, release)
    succeeded = {i["EnvironmentId"] for i in items if i["State"] == "Success"}
    blocked = has_unresolved_defect(backend, release["Id"])
    phases, next_deployments = [], []
    current_found = False
    for phase in planned_phases(backend, lifecycle) if lifecycle else []:
        environments = _environments(phase)
        done = [e for e in environments if e in succeeded]
        needed = phase.get("MinimumEnvironmentsBeforePromotion") or len(environments)
        complete = phase.get("IsOptionalPhase") or (len(done) >= needed and environments != [])
        if current_found:
            progress = "Pending"
        elif complete:
            progress = "Complete"
        else:
            progress = "Current"
            current_found = True
        if progress != "Pending" and not blocked:
            next_deployments.extend(e for e in environments if e not in next_deployments)
        phases.append({"Id": phase.get("Id"), "Name": phase.get("Name"), "Blocked": blocked and progress == "Current",
                       "Progress": progress, "AutomaticDeploymentTargets": phase.get("AutomaticDeploymentTargets", []),
                       "OptionalDeploymentTargets": phase.get("OptionalDeploymentTargets", []),
                       "MinimumEnvironmentsBeforePromotion": phase.get("MinimumEnvironmentsBeforePromotion", 0),
                       "IsOptionalPhase": bool(phase.get("IsOptionalPhase")),
                       "Deployments": [i for i in items if i["EnvironmentId"] in environments]})
    return phases, next_deployments


def _reference(backend: "Backend", environment_id: str) -> dict[str, Any]:
    row = backend.store.get("environments", environment_id)
    return {"Id": environment_id, "Name": row.resource().get("Name") if row else environment_id}


@family.route("GET", "releases/{id}/progression", scope=SPACE)
async def _release_progression(call: Call) -> Any:
    release = call.backend.find(resources.BY_PATH["releases"], call.params["id"], call.space_id)
    phases, next_deployments = phases_of(call.backend, release)
    return {"Id": None, "Phases": phases, "NextDeployments": next_deployments,
            "NextDeploymentsMinimumRequired": 0 if not phases else next(
                (p["MinimumEnvironmentsBeforePromotion"] for p in phases if p["Progress"] == "Current"), 0),
            "Links": {"Self": f"/api/{release['SpaceId']}/releases/{release['Id']}/progression"}}


@family.route("GET", "progression/{id}", scope=SPACE)
async def _project_progression(call: Call) -> Any:
    backend = call.backend
    project = backend.find(resources.BY_PATH["projects"], call.params["id"], call.space_id)
    space = project["SpaceId"]
    channels = [row.resource() for row in backend.store.rows("channels", space)
                if (row.resource().get("ProjectId") or "").lower() == project["Id"].lower()]
    channel_environments: dict[str, list[dict[str, Any]]] = {}
    order: list[str] = []
    for channel in channels:
        lifecycle = _lifecycle(backend, {"ChannelId": channel["Id"], "ProjectId": project["Id"]})
        ids = [e for phase in (planned_phases(backend, lifecycle) if lifecycle else []) for e in _environments(phase)]
        channel_environments[channel["Id"]] = [_reference(backend, e) for e in dict.fromkeys(ids)]
        order.extend(e for e in ids if e not in order)
    # Newest first: by assembly time, and among releases of the same instant the later made first.
    releases = sorted(reversed([row.resource() for row in backend.store.rows("releases", space)
                                if (row.resource().get("ProjectId") or "").lower() == project["Id"].lower()]),
                      key=lambda r: r.get("Assembled") or "", reverse=True)
    channels_by_id = {c["Id"]: c for c in channels}
    progressions = []
    for release in releases:
        _, next_deployments = phases_of(backend, release)
        latest: dict[str, list[dict[str, Any]]] = {}
        seen: set[tuple[Any, Any]] = set()
        for item in _deployments_of(backend, release):
            key = (item["EnvironmentId"], item["TenantId"])
            if key not in seen:
                seen.add(key)
                latest.setdefault(item["EnvironmentId"], []).append(item)
        lifecycle = _lifecycle(backend, release) or {}
        progressions.append({"Release": release, "Channel": channels_by_id.get(release.get("ChannelId") or ""),
                             "Deployments": latest, "NextDeployments": next_deployments,
                             "HasUnresolvedDefect": has_unresolved_defect(backend, release["Id"]),
                             "ReleaseRetentionPeriod": lifecycle.get("ReleaseRetentionPolicy"),
                             "TentacleRetentionPeriod": lifecycle.get("TentacleRetentionPolicy")})
    return {"Id": None, "Environments": [_reference(backend, e) for e in order],
            "ChannelEnvironments": channel_environments, "Releases": progressions,
            "LastModifiedOn": None, "LastModifiedBy": None,
            "Links": {"Self": f"/api/{space}/progression/{project['Id']}"}}


# --- defects ----------------------------------------------------------------------------------

def _release(call: Call) -> dict[str, Any]:
    return call.backend.find(resources.BY_PATH["releases"], call.params["id"], call.space_id)


def _defect_body(defect: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in defect.items() if k != "ReleaseId"} | {
        "Links": {"Self": f"/api/{defect['SpaceId']}/releases/{defect['ReleaseId']}/defects"}}


@family.route("GET", "releases/{id}/defects", scope=SPACE)
async def _defects(call: Call) -> Any:
    release = _release(call)
    bodies = [codec.dumps(_defect_body(d)) for d in defects_of(call.backend, release["Id"])]
    return call.page("Defect", bodies, f"/api/{release['SpaceId']}/releases/{release['Id']}/defects")


@family.route("POST", "releases/{id}/defects", scope=SPACE)
async def _report_defect(call: Call) -> Any:
    release = _release(call)
    body = await call.json()
    description = body.get("Description") if isinstance(body, dict) else None
    if not isinstance(description, str) or not description.strip():
        raise validation_failed(["Please describe the defect (Description)."])
    if has_unresolved_defect(call.backend, release["Id"]):
        raise BadRequest("This release already has an unresolved defect; resolve it first.")
    defect = {"Id": f"Defects-{uuid.uuid4().hex[:12]}", "SpaceId": release["SpaceId"], "ReleaseId": release["Id"],
              "Description": description.strip(), "Status": "Unresolved", "LastModifiedOn": codec.now_iso(),
              "LastModifiedBy": call.backend.username(call.actor)}
    call.backend.store.put(DEFECTS, defect, name=None, parent_id=release["Id"])
    return _defect_body(defect)


@family.route("POST", "releases/{id}/defects/resolve", scope=SPACE)
async def _resolve_defect(call: Call) -> Any:
    release = _release(call)
    open_defects = [d for d in defects_of(call.backend, release["Id"]) if d.get("Status") == "Unresolved"]
    if not open_defects:
        raise BadRequest("This release has no unresolved defect.")
    defect = {**open_defects[0], "Status": "Resolved", "LastModifiedOn": codec.now_iso(),
              "LastModifiedBy": call.backend.username(call.actor)}
    call.backend.store.put(DEFECTS, defect, name=None, parent_id=release["Id"])
    return _defect_body(defect)


@family.hook("before_delete", "releases")
def _defects_go(backend: "Backend", release: dict[str, Any], actor: Optional[str]) -> None:
    for defect in defects_of(backend, release["Id"]):
        backend.store.delete(DEFECTS, defect["Id"])


# --- runbooks ---------------------------------------------------------------------------------
# ``…/progression/runbooks/{runbookId}``: the environments a runbook may run in (its
# ``EnvironmentScope``: all of the space's, those it names, or those of its project's
# lifecycle) and its latest run in each, per tenant; ``…/progression/runbooks/taskRuns``: every
# run as a dashboard item, newest first, filtered by projects, runbooks, environments, tenants
# and tasks.

def runbook_run_item(backend: "Backend", run: dict[str, Any]) -> dict[str, Any]:
    """A runbook run as the runbooks dashboard shows it, with its task's state."""
    task_row = backend.store.get("tasks", run.get("TaskId") or "")
    task = task_row.resource() if task_row else {}
    snapshot_row = backend.store.get("runbooksnapshots", run.get("RunbookSnapshotId") or "")
    snapshot = snapshot_row.resource() if snapshot_row else {}
    space = run.get("SpaceId")
    return {"Id": f"RunbooksDashboard-{run['Id']}", "ProjectId": run.get("ProjectId"), "RunbookId": run.get("RunbookId"),
            "RunbookSnapshotId": run.get("RunbookSnapshotId"), "RunbookSnapshotName": snapshot.get("Name"),
            "RunbookSnapshotNotes": snapshot.get("Notes"), "EnvironmentId": run.get("EnvironmentId"),
            "TenantId": run.get("TenantId"), "TaskId": run.get("TaskId"), "Created": run.get("Created"),
            "QueueTime": task.get("QueueTime"), "StartTime": task.get("StartTime"),
            "CompletedTime": task.get("CompletedTime"), "State": task.get("State", "Queued"),
            "HasPendingInterruptions": bool(task.get("HasPendingInterruptions")),
            "HasWarningsOrErrors": bool(task.get("HasWarningsOrErrors")), "ErrorMessage": task.get("ErrorMessage", ""),
            "Duration": task.get("Duration", ""), "IsCompleted": bool(task.get("IsCompleted")),
            "RunBy": run.get("DeployedBy"), "LastModifiedOn": run.get("LastModifiedOn"),
            "LastModifiedBy": run.get("LastModifiedBy"),
            "Links": {"Self": f"/api/{space}/runbookRuns/{run['Id']}", "Task": f"/api/tasks/{run.get('TaskId')}",
                      "Runbook": f"/api/{space}/runbooks/{run.get('RunbookId')}"}}


def _runbook_environments(backend: "Backend", runbook: dict[str, Any]) -> list[str]:
    scope = runbook.get("EnvironmentScope") or "All"
    space = runbook.get("SpaceId")
    if scope == "Specified":
        return list(runbook.get("Environments") or [])
    if scope == "FromProjectLifecycles":
        lifecycle = _lifecycle(backend, {"ProjectId": runbook.get("ProjectId")})
        ids = [e for phase in (planned_phases(backend, lifecycle) if lifecycle else []) for e in _environments(phase)]
        return list(dict.fromkeys(ids))
    rows = sorted((r.resource() for r in backend.store.rows("environments", space)),
                  key=lambda e: (e.get("SortOrder", 0), e["Id"]))
    return [e["Id"] for e in rows]


@family.route("GET", "progression/runbooks/taskRuns", scope=SPACE)
async def _runbook_task_runs(call: Call) -> Any:
    backend = call.backend
    backend.advance_tasks()
    space = call.space()
    wanted = {field: {v.lower() for v in call.query_list(name) or []}
              for name, field in (("projectIds", "ProjectId"), ("runbookIds", "RunbookId"),
                                  ("environmentIds", "EnvironmentId"), ("tenantIds", "TenantId"),
                                  ("taskIds", "TaskId"))}
    runs = [row.resource() for row in backend.store.rows("runbookruns", space)]
    runs = [r for r in runs if all(not ids or str(r.get(f) or "").lower() in ids for f, ids in wanted.items())]
    items = [runbook_run_item(backend, r) for r in reversed(runs)]
    return call.page("RunbooksDashboardItem", [codec.dumps(i) for i in items],
                     f"/api/{space}/progression/runbooks/taskRuns{{?skip,take,projectIds,runbookIds,environmentIds,tenantIds,taskIds}}")


@family.route("GET", "progression/runbooks/{id}", scope=SPACE)
async def _runbook_progression(call: Call) -> Any:
    backend = call.backend
    backend.advance_tasks()
    runbook = backend.find(resources.BY_PATH["runbooks"], call.params["id"], call.space_id)
    environment_ids = _runbook_environments(backend, runbook)
    environments = [row.resource() for e in environment_ids if (row := backend.store.get("environments", e))]
    latest: dict[str, list[dict[str, Any]]] = {e["Id"]: [] for e in environments}
    seen: set[tuple[Any, Any]] = set()
    for row in reversed(backend.store.rows("runbookruns", runbook["SpaceId"])):
        run = row.resource()
        if (run.get("RunbookId") or "").lower() != runbook["Id"].lower():
            continue
        key = (run.get("EnvironmentId"), run.get("TenantId"))
        if key in seen or run.get("EnvironmentId") not in latest:
            continue
        seen.add(key)
        latest[run["EnvironmentId"]].append(runbook_run_item(backend, run))
    return {"Id": None, "Environments": environments, "RunbookRuns": latest,
            "LastModifiedOn": None, "LastModifiedBy": None,
            "Links": {"Self": f"/api/{runbook['SpaceId']}/progression/runbooks/{runbook['Id']}"}}
