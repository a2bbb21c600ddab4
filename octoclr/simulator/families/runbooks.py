"""Runbooks: a project's operations processes, their snapshots and their runs.

A runbook brings its runbook process (``RunbookProcess-<runbook>``), whose steps are edited
like a deployment process. A snapshot freezes the process and the project's variables;
publishing one (``PublishedRunbookSnapshotId``) makes it what a run takes by default. A run
(``POST …/runbookRuns``, ``POST …/runbooks/{id}/run`` with run parameters, or
``POST …/runbookSnapshots/{id}/runbookRuns``) queues a server task that runs the snapshot's
steps like a deployment, in one environment and, for a tenanted runbook, for one tenant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.families import deployments, releases, tasks
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import CREATE, DELETE, MODIFY, PAGING, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

RUNBOOKS = Collection(
    "runbooks", "Runbooks", "Runbooks", "Runbook",
    query=PAGING + ("projectIds",),
    required=("Name", "ProjectId"),
    references={"ProjectId": "projects", "Environments": "environments"},
    parent_field="ProjectId",
    defaults={"Name": None, "Slug": None, "ProjectId": None, "Description": "", "RunbookProcessId": None,
              "PublishedRunbookSnapshotId": None, "MultiTenancyMode": "Untenanted",
              "EnvironmentScope": "All", "Environments": [], "DefaultGuidedFailureMode": "EnvironmentDefault",
              "RunRetentionPolicy": {"QuantityToKeep": 100, "ShouldKeepForever": False},
              "ConnectivityPolicy": {"SkipMachineBehavior": "None", "TargetRoles": [],
                                     "AllowDeploymentsToNoTargets": True, "ExcludeUnhealthyTargets": False}},
    links={"Project": "/api/{space}/projects/{ProjectId}",
           "Web": "/app#/{space}/projects/{ProjectId}/operations/runbooks/{id}",
           "RunbookProcesses": "/api/{space}/runbookprocesses/{RunbookProcessId}",
           "RunbookSnapshots": "{self}/runbookSnapshots{/name}{?skip,take,searchByName}",
           "RunbookSnapshotTemplate": "{self}/runbookSnapshotTemplate",
           "RunbookRunTemplate": "{self}/runbookRunTemplate",
           "RunbookRunPreview": "{self}/runbookRuns/preview/{environment}{/tenant}",
           "CreateRunbookRun": "{self}/run",
           "Environments": "{self}/environments",
           "TaskRunDashboardItemsTemplate": "/api/{space}/progression/runbooks/taskRuns{?skip,take,ids,projectIds,"
                                            "runbookIds,environmentIds,tenantIds,taskIds}"},
    filters={"projectIds": "ProjectId"},
)

RUNBOOK_PROCESSES = Collection(
    "runbookprocesses", "RunbookProcesses", "RunbookProcess", "RunbookProcess",
    query=("skip", "take", "ids"), required=(), name_field=None, verbs=frozenset({MODIFY}),
    defaults={"RunbookId": None, "ProjectId": None, "Steps": [], "Version": 0, "LastSnapshotId": None},
    links={"Project": "/api/{space}/projects/{ProjectId}", "Runbook": "/api/{space}/runbooks/{RunbookId}",
           "RunbookSnapshotTemplate": "{self}/runbookSnapshotTemplate"},
)

RUNBOOK_SNAPSHOTS = Collection(
    "runbooksnapshots", "RunbookSnapshots", "RunbookSnapshots", "RunbookSnapshot",
    query=("skip", "take", "ids", "publish"),  # publish: see _create_snapshot
    required=("Name", "RunbookId"),
    references={"RunbookId": "runbooks", "ProjectId": "projects"},
    parent_field="RunbookId",
    newest_first=True,
    verbs=frozenset({CREATE, MODIFY, DELETE}),
    defaults={"Name": None, "RunbookId": None, "ProjectId": None, "Notes": "", "FrozenRunbookProcessId": None,
              "FrozenProjectVariableSetId": None, "ProjectVariableSetSnapshotId": None, "Assembled": None,
              "LibraryVariableSetSnapshotIds": [], "SelectedPackages": [], "SelectedGitResources": [],
              "GitReference": None},
    links={"Runbook": "/api/{space}/runbooks/{RunbookId}", "Project": "/api/{space}/projects/{ProjectId}",
           "FrozenRunbookProcess": "/api/{space}/runbookprocesses/{FrozenRunbookProcessId}",
           "FrozenProjectVariableSet": "/api/{space}/variables/{FrozenProjectVariableSetId}",
           "RunbookRuns": "{self}/runbookRuns{?skip,take}", "RunbookRunTemplate": "{self}/runbookRuns/template",
           "RunbookRunPreview": "{self}/runbookRuns/preview/{environment}{/tenant}",
           "SnapshotVariables": "{self}/snapshot-variables", "Artifacts": "/api/{space}/artifacts?regarding={id}",
           "Web": "/app#/{space}/projects/{ProjectId}/operations/runbooks/{RunbookId}/snapshots/{id}"},
)

RUNBOOK_RUNS = Collection(
    "runbookruns", "RunbookRuns", "RunbookRuns", "RunbookRun",
    query=("skip", "take", "ids", "projects", "runbooks", "environments", "tenants", "taskState", "partialName"),
    required=("RunbookId", "EnvironmentId"),
    references={"RunbookId": "runbooks", "RunbookSnapshotId": "runbooksnapshots", "EnvironmentId": "environments",
                "TenantId": "tenants", "SpecificMachineIds": "machines", "ExcludedMachineIds": "machines"},
    name_field="Name", unique_name=False,
    verbs=frozenset({CREATE, DELETE}),
    newest_first=True,
    defaults={"RunbookId": None, "RunbookSnapshotId": None, "FrozenRunbookProcessId": None, "EnvironmentId": None,
              "TenantId": None, "ForcePackageDownload": False, "SkipActions": [], "SpecificMachineIds": [],
              "ExcludedMachineIds": [], "ManifestVariableSetId": None, "TaskId": None, "ProjectId": None,
              "UseGuidedFailure": False, "Comments": "", "FormValues": {}, "QueueTime": None,
              "QueueTimeExpiry": None, "Name": None, "Created": None, "DeployedBy": None, "DeployedById": None,
              "FailureEncountered": False, "DeployedToMachineIds": [], "DebugMode": None,
              "TentacleRetentionPeriod": None},
    links={"Runbook": "/api/{space}/runbooks/{RunbookId}",
           "RunbookSnapshot": "/api/{space}/runbookSnapshots/{RunbookSnapshotId}",
           "Environment": "/api/{space}/environments/{EnvironmentId}",
           "Project": "/api/{space}/projects/{ProjectId}", "Task": "/api/tasks/{TaskId}",
           "Web": "/app#/{space}/projects/{ProjectId}/operations/runbooks/{RunbookId}/snapshots/"
                  "{RunbookSnapshotId}/runs/{id}",
           "Artifacts": "/api/{space}/artifacts?regarding={id}",
           "Interruptions": "/api/{space}/interruptions?regarding={id}"},
    filters={"projects": "ProjectId", "runbooks": "RunbookId", "environments": "EnvironmentId",
             "tenants": "TenantId"},
)

family = Family("runbooks", collections=(RUNBOOKS, RUNBOOK_PROCESSES, RUNBOOK_SNAPSHOTS, RUNBOOK_RUNS))


def _row(backend: "Backend", path: str, resource_id: Any) -> Optional[dict[str, Any]]:
    row = backend.store.get(path, str(resource_id or ""))
    return row.resource() if row else None


# --- runbooks and their processes ------------------------------------------------------------

@family.hook("before_create", "runbooks")
def _slug(backend: "Backend", runbook: dict[str, Any], actor: Optional[str]) -> None:
    from octoclr.simulator.behaviours import slugify

    if isinstance(runbook.get("Name"), str) and not runbook.get("Slug"):
        runbook["Slug"] = slugify(runbook["Name"])
    runbook["PublishedRunbookSnapshotId"] = None  # only a snapshot of this runbook can be published
    _check_modes(runbook)


def _check_modes(runbook: dict[str, Any]) -> None:
    errors = []
    if runbook.get("MultiTenancyMode") not in ("Untenanted", "TenantedOrUntenanted", "Tenanted"):
        errors.append("MultiTenancyMode must be Untenanted, TenantedOrUntenanted or Tenanted.")
    if runbook.get("EnvironmentScope") not in ("All", "Specified", "FromProjectLifecycles"):
        errors.append("EnvironmentScope must be All, Specified or FromProjectLifecycles.")
    if runbook.get("DefaultGuidedFailureMode") not in ("EnvironmentDefault", "Off", "On"):
        errors.append("DefaultGuidedFailureMode must be EnvironmentDefault, Off or On.")
    if errors:
        raise validation_failed(errors)


@family.hook("assign", "runbooks")
def _process_id(backend: "Backend", runbook: dict[str, Any]) -> None:
    runbook["RunbookProcessId"] = f"RunbookProcess-{runbook['Id']}"


@family.hook("after_create", "runbooks")
def _create_process(backend: "Backend", runbook: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    backend._put_child("runbookprocesses", {"Id": runbook["RunbookProcessId"], "SpaceId": runbook["SpaceId"],
                                            "RunbookId": runbook["Id"], "ProjectId": runbook["ProjectId"]}, actor)


@family.hook("before_modify", "runbooks")
def _keep_process(backend: "Backend", runbook: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    runbook["RunbookProcessId"] = stored.get("RunbookProcessId")
    runbook["ProjectId"] = stored.get("ProjectId")
    _check_modes(runbook)
    published = runbook.get("PublishedRunbookSnapshotId")
    if published:
        snapshot = backend.store.get("runbooksnapshots", str(published))
        if snapshot is None or (snapshot.resource().get("RunbookId") or "").lower() != stored["Id"].lower():
            raise validation_failed([f"The snapshot '{published}' in PublishedRunbookSnapshotId is not a snapshot "
                                     f"of runbook '{stored['Id']}'."])
        runbook["PublishedRunbookSnapshotId"] = snapshot.id


@family.hook("before_delete", "runbooks")
def _delete_children(backend: "Backend", runbook: dict[str, Any], actor: Optional[str]) -> None:
    for path in ("runbookruns", "runbooksnapshots"):
        for row in backend.store.rows(path, runbook["SpaceId"]):
            if (row.resource().get("RunbookId") or "").lower() == runbook["Id"].lower():
                if path == "runbookruns" and row.resource().get("TaskId"):
                    backend._pending.pop(row.resource()["TaskId"], None)
                backend.store.delete(path, row.id)
    prefix = str(runbook.get("RunbookProcessId") or "").lower()
    for row in backend.store.rows("runbookprocesses", runbook["SpaceId"]):
        if prefix and (row.id.lower() == prefix or row.id.lower().startswith(prefix + "-s-")):
            backend.store.delete("runbookprocesses", row.id)


@family.hook("before_delete", "projects")
def _delete_project_runbooks(backend: "Backend", project: dict[str, Any], actor: Optional[str]) -> None:
    for row in backend.store.rows("runbooks", project["SpaceId"]):
        runbook = row.resource()
        if (runbook.get("ProjectId") or "").lower() == project["Id"].lower():
            _delete_children(backend, runbook, actor)
            backend.store.delete("runbooks", row.id)


@family.hook("before_modify", "runbookprocesses")
def _check_process(backend: "Backend", process: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    releases.check_steps(backend, process, stored, "runbook process")
    process["RunbookId"] = stored.get("RunbookId")


# --- snapshots ------------------------------------------------------------------------------

def _runbook_of(backend: "Backend", holder: dict[str, Any]) -> dict[str, Any]:
    runbook = _row(backend, "runbooks", holder.get("RunbookId"))
    if runbook is None:
        raise NotFound(f"The runbook '{holder.get('RunbookId')}' was not found.")
    return runbook


@family.hook("before_create", "runbooksnapshots")
def _snapshot_fields(backend: "Backend", snapshot: dict[str, Any], actor: Optional[str]) -> None:
    runbook = _row(backend, "runbooks", snapshot.get("RunbookId"))
    if runbook is None:
        return  # the generic validation reports it
    sent = snapshot.get("ProjectId")
    if sent and str(sent).lower() != str(runbook.get("ProjectId")).lower():
        raise validation_failed([f"The runbook '{runbook['Id']}' belongs to project '{runbook['ProjectId']}', "
                                 f"not '{sent}'."])
    snapshot["ProjectId"] = runbook.get("ProjectId")
    snapshot["Assembled"] = codec.now_iso()


@family.hook("after_create", "runbooksnapshots")
def _freeze(backend: "Backend", snapshot: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    runbook = _runbook_of(backend, snapshot)
    project = _row(backend, "projects", runbook.get("ProjectId")) or {}
    snapshot["FrozenRunbookProcessId"] = releases.freeze(backend, "runbookprocesses", runbook.get("RunbookProcessId"),
                                                         actor)
    variables = releases.freeze(backend, "variables", project.get("VariableSetId"), actor)
    snapshot["FrozenProjectVariableSetId"] = snapshot["ProjectVariableSetSnapshotId"] = variables
    backend._save(RUNBOOK_SNAPSHOTS, snapshot, actor)


@family.hook("before_modify", "runbooksnapshots")
def _keep_frozen(backend: "Backend", snapshot: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    for key in ("RunbookId", "ProjectId", "FrozenRunbookProcessId", "FrozenProjectVariableSetId",
                "ProjectVariableSetSnapshotId", "Assembled"):
        snapshot[key] = stored.get(key)


@family.hook("before_delete", "runbooksnapshots")
def _not_published(backend: "Backend", snapshot: dict[str, Any], actor: Optional[str]) -> None:
    runbook = _row(backend, "runbooks", snapshot.get("RunbookId"))
    if runbook and (runbook.get("PublishedRunbookSnapshotId") or "").lower() == snapshot["Id"].lower():
        raise BadRequest(f"The snapshot '{snapshot['Name']}' is the published snapshot of runbook "
                         f"'{runbook['Name']}' and cannot be deleted.",
                         help_text="Publish another snapshot of the runbook first.")
    for path, key in (("runbookprocesses", "FrozenRunbookProcessId"), ("variables", "FrozenProjectVariableSetId")):
        if snapshot.get(key) and "-s-" in str(snapshot[key]):
            backend.store.delete(path, snapshot[key])


def _snapshot_count(backend: "Backend", runbook: dict[str, Any]) -> int:
    return sum(1 for row in backend.store.rows("runbooksnapshots", runbook["SpaceId"])
               if (row.resource().get("RunbookId") or "").lower() == runbook["Id"].lower())


def _last_snapshot(backend: "Backend", runbook: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The runbook's newest snapshot: its package versions are what the next one starts from."""
    newest = None
    for row in backend.store.rows("runbooksnapshots", runbook["SpaceId"]):
        snapshot = row.resource()
        if (snapshot.get("RunbookId") or "").lower() == runbook["Id"].lower():
            if newest is None or (snapshot.get("Assembled") or "") >= (newest.get("Assembled") or ""):
                newest = snapshot
    return newest


def snapshot_template(backend: "Backend", runbook: dict[str, Any]) -> dict[str, Any]:
    process = _row(backend, "runbookprocesses", runbook.get("RunbookProcessId")) or {"Steps": []}
    taken = {str(row.resource().get("Name")).lower() for row in backend.store.rows("runbooksnapshots", runbook["SpaceId"])
             if (row.resource().get("RunbookId") or "").lower() == runbook["Id"].lower()}
    number = _snapshot_count(backend, runbook) + 1
    while f"snapshot {number}" in taken:
        number += 1
    packages = releases.template_packages(backend, process, runbook["SpaceId"], _last_snapshot(backend, runbook))
    return {"Id": None, "RunbookId": runbook["Id"], "RunbookProcessId": runbook.get("RunbookProcessId"),
            "NextNameIncrement": f"Snapshot {number}", "Packages": packages, "GitResources": [], "Links": {}}


@family.route("GET", "runbooks/{id}/runbookSnapshotTemplate", scope=SPACE)
async def _runbook_snapshot_template(call: Call) -> Any:
    return snapshot_template(call.backend, call.backend.find(RUNBOOKS, call.params["id"], call.space_id))


@family.route("GET", "runbookprocesses/{id}/runbookSnapshotTemplate", scope=SPACE)
async def _process_snapshot_template(call: Call) -> Any:
    process = call.backend.find(RUNBOOK_PROCESSES, call.params["id"], call.space_id)
    return snapshot_template(call.backend, _runbook_of(call.backend, process))


def snapshots_of(call: Call, field: str, owner_id: str) -> list[bytes]:
    search = (call.query("searchByName") or "").lower()
    return [row.body for row in reversed(call.backend.store.rows("runbooksnapshots", call.space()))
            if (row.resource().get(field) or "").lower() == owner_id.lower()
            and search in str(row.resource().get("Name") or "").lower()]


def snapshot_by_name(call: Call, field: str, owner_id: str, name: str) -> Any:
    for row in call.backend.store.rows("runbooksnapshots", call.space()):
        snapshot = row.resource()
        if (snapshot.get(field) or "").lower() == owner_id.lower() and \
                (str(snapshot.get("Name")).lower() == name.lower() or row.id.lower() == name.lower()):
            return row.body
    raise NotFound(f"There is no runbook snapshot named '{name}'.")


@family.route("GET", "runbooks/{id}/runbookSnapshots", scope=SPACE)
async def _runbook_snapshots(call: Call) -> Any:
    runbook = call.backend.find(RUNBOOKS, call.params["id"], call.space_id)
    name = call.query("name")
    if name:
        return snapshot_by_name(call, "RunbookId", runbook["Id"], name)
    return call.page("RunbookSnapshot", snapshots_of(call, "RunbookId", runbook["Id"]),
                     f"{runbook['Links']['Self']}/runbookSnapshots{{/name}}{{?skip,take,searchByName}}")


@family.route("GET", "runbooks/{id}/runbookSnapshots/{name}", scope=SPACE)
async def _runbook_snapshot_named(call: Call) -> Any:
    runbook = call.backend.find(RUNBOOKS, call.params["id"], call.space_id)
    return snapshot_by_name(call, "RunbookId", runbook["Id"], call.params["name"])


@family.route("GET", "runbookSnapshots", scope=SPACE)
async def _list_snapshots(call: Call) -> Any:
    """The space's snapshots, newest first (served here because POST on this path is this family's)."""
    ids = {i.lower() for i in call.query_list("ids") or []}
    bodies = [row.body for row in reversed(call.backend.store.rows("runbooksnapshots", call.space()))
              if not ids or row.id.lower() in ids]
    return call.page("RunbookSnapshot", bodies, resources.link_template(RUNBOOK_SNAPSHOTS, call.space_id))


@family.route("POST", "runbookSnapshots", scope=SPACE)
async def _create_snapshot(call: Call) -> Any:
    """Create a snapshot; ``?publish=true`` publishes it at once, as the portal's "Publish" does."""
    return create_snapshot(call, await call.json())


def create_snapshot(call: Call, body: Any) -> Any:
    """Create a snapshot from ``body``, published at once with ``?publish=true``; 201 with its Location."""
    from starlette.responses import Response

    backend = call.backend
    with backend.store.transaction():
        created = backend.create(RUNBOOK_SNAPSHOTS, call.space_id, body, call.actor)
        if call.query_bool("publish"):
            runbook = _runbook_of(backend, created)
            runbook["PublishedRunbookSnapshotId"] = created["Id"]
            backend.modify(RUNBOOKS, call.space_id, runbook["Id"], runbook, call.actor)
    return Response(codec.dumps(created), status_code=201, media_type="application/json; charset=utf-8",
                    headers={"Location": created["Links"]["Self"]})


@family.route("POST", "runbookSnapshots/{id}/snapshot-variables", scope=SPACE)
async def _snapshot_variables(call: Call) -> Any:
    backend = call.backend
    snapshot = backend.find(RUNBOOK_SNAPSHOTS, call.params["id"], call.space_id)
    project = _row(backend, "projects", snapshot.get("ProjectId")) or {}
    with backend.store.transaction():
        old = snapshot.get("FrozenProjectVariableSetId")
        fresh = releases.freeze(backend, "variables", project.get("VariableSetId"), call.actor)
        snapshot["FrozenProjectVariableSetId"] = snapshot["ProjectVariableSetSnapshotId"] = fresh
        in_use = any(row.resource().get("ManifestVariableSetId") == old for row in backend.store.rows("runbookruns"))
        if old and old != fresh and "-s-" in old and not in_use:
            backend.store.delete("variables", old)
        backend._save(RUNBOOK_SNAPSHOTS, snapshot, call.actor)
    return backend._reread(RUNBOOK_SNAPSHOTS, snapshot)


# --- runs ----------------------------------------------------------------------------------

def _allowed_environments(backend: "Backend", runbook: dict[str, Any]) -> list[dict[str, Any]]:
    environments = [row.resource() for row in backend.store.rows("environments", runbook["SpaceId"])]
    if runbook.get("EnvironmentScope") == "Specified":
        wanted = {str(e).lower() for e in runbook.get("Environments") or []}
        environments = [e for e in environments if e["Id"].lower() in wanted]
    return sorted(environments, key=lambda e: (e.get("SortOrder", 0), e["Id"]))


@family.hook("before_create", "runbookruns")
def _resolve_run(backend: "Backend", run: dict[str, Any], actor: Optional[str]) -> None:
    deployments.check_queue_times(run)
    runbook = _row(backend, "runbooks", run.get("RunbookId"))
    snapshot = _row(backend, "runbooksnapshots", run.get("RunbookSnapshotId"))
    if runbook is None and snapshot is not None:
        runbook = _row(backend, "runbooks", snapshot.get("RunbookId"))
        run["RunbookId"] = snapshot.get("RunbookId")
    if runbook is None:
        return  # the generic validation reports it
    if snapshot is None:
        if run.get("RunbookSnapshotId"):
            return  # the generic validation reports the missing snapshot
        if not runbook.get("PublishedRunbookSnapshotId"):
            raise validation_failed([f"The runbook '{runbook['Name']}' has no published snapshot. Publish a "
                                     "snapshot first, or name one in RunbookSnapshotId."])
        snapshot = _row(backend, "runbooksnapshots", runbook["PublishedRunbookSnapshotId"])
        if snapshot is None:
            raise validation_failed([f"The published snapshot of runbook '{runbook['Name']}' no longer exists."])
    if (snapshot.get("RunbookId") or "").lower() != runbook["Id"].lower():
        raise validation_failed([f"The snapshot '{snapshot['Id']}' is not a snapshot of runbook '{runbook['Id']}'."])
    errors = []
    environment_id = str(run.get("EnvironmentId") or "")
    allowed = {e["Id"].lower() for e in _allowed_environments(backend, runbook)}
    if environment_id and environment_id.lower() not in allowed and backend.store.get("environments", environment_id):
        errors.append(f"The runbook '{runbook['Name']}' cannot run in environment '{environment_id}'.")
    mode = runbook.get("MultiTenancyMode")
    tenant_id = run.get("TenantId")
    if mode == "Tenanted" and not tenant_id:
        errors.append(f"The runbook '{runbook['Name']}' is tenanted: give a TenantId.")
    if mode == "Untenanted" and tenant_id:
        errors.append(f"The runbook '{runbook['Name']}' is not tenanted: it cannot run for tenant '{tenant_id}'.")
    tenant = _row(backend, "tenants", tenant_id) if tenant_id else None
    if tenant is not None and environment_id:
        connected = tenant.get("ProjectEnvironments", {}).get(runbook["ProjectId"]) or []
        if environment_id.lower() not in (str(e).lower() for e in connected):
            errors.append(f"The tenant '{tenant['Name']}' is not connected to this project in environment "
                          f"'{environment_id}'.")
    if errors:
        raise validation_failed(errors)
    run["RunbookSnapshotId"] = snapshot["Id"]
    run["ProjectId"] = runbook["ProjectId"]
    run["FrozenRunbookProcessId"] = snapshot.get("FrozenRunbookProcessId")
    run["ManifestVariableSetId"] = snapshot.get("FrozenProjectVariableSetId")
    run["Created"] = codec.now_iso()
    run["DeployedBy"] = backend.username(actor)
    run["DeployedById"] = actor


@family.hook("after_create", "runbookruns")
def _queue_run(backend: "Backend", run: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    runbook = _runbook_of(backend, run)
    environment = _row(backend, "environments", run["EnvironmentId"]) or {}
    tenant = _row(backend, "tenants", run.get("TenantId")) if run.get("TenantId") else None
    process = _row(backend, "runbookprocesses", run.get("FrozenRunbookProcessId")) or {}
    where = environment.get("Name") or run["EnvironmentId"]
    for_tenant = f" for {tenant['Name']}" if tenant else ""
    task = tasks.start(
        backend, run["SpaceId"], "RunbookRun", f"Run {runbook['Name']} in {where}{for_tenant}",
        {"RunbookRunId": run["Id"], "ProjectId": run.get("ProjectId"), "EnvironmentId": run["EnvironmentId"],
         "TenantId": run.get("TenantId")}, actor,
        queue_time=run.get("QueueTime"), queue_expiry=run.get("QueueTimeExpiry"), steps=process.get("Steps") or [],
        skip_actions=run.get("SkipActions"),
        guided_failure=deployments.guided_failure(backend, runbook.get("DefaultGuidedFailureMode"),
                                                  run["EnvironmentId"], run.get("UseGuidedFailure")),
        related=[run["Id"], runbook["Id"], run.get("RunbookSnapshotId"), run.get("ProjectId"), run["EnvironmentId"],
                 run.get("TenantId")],
    )
    run["TaskId"] = task["Id"]
    run["Name"] = f"Run {runbook['Name']}"
    backend._save(RUNBOOK_RUNS, run, actor)


@family.hook("before_delete", "runbookruns")
def _forget_run_task(backend: "Backend", run: dict[str, Any], actor: Optional[str]) -> None:
    if run.get("TaskId"):
        backend._pending.pop(run["TaskId"], None)


def _tenants_for(backend: "Backend", runbook: dict[str, Any], parameters: dict[str, Any]) -> list[Optional[str]]:
    tenant_ids = [t for t in (parameters.get("TenantIds") or []) if t]
    if parameters.get("TenantId"):
        tenant_ids.append(parameters["TenantId"])
    tags = {str(t).lower() for t in parameters.get("TenantTagNames") or []}
    if tags:
        for row in backend.store.rows("tenants", runbook["SpaceId"]):
            if tags & {str(t).lower() for t in row.resource().get("TenantTags") or []}:
                tenant_ids.append(row.id)
    unique = list(dict.fromkeys(str(t) for t in tenant_ids))
    return unique or [None]  # type: ignore[return-value]


#: The first server version whose ``runbooks/{id}/run`` takes run parameters and answers a list.
RUN_PARAMETERS_SINCE = (2020, 3, 1)


def _takes_run_parameters(version: str) -> bool:
    """Whether a server of ``version`` takes run parameters (older ones take one runbook run)."""
    numbers = []
    for part in version.split("-")[0].split(".")[:3]:
        numbers.append(int(part) if part.isdigit() else 0)
    return tuple(numbers) >= RUN_PARAMETERS_SINCE


@family.route("POST", "runbooks/{id}/run", scope=SPACE)
async def _run(call: Call) -> Any:
    """Run a runbook with ``RunbookRunParameters``: one run per environment (and tenant), as a list.

    A simulator of a version before 2020.3.1 answers as such a server did: the body is one
    runbook run (``EnvironmentId``, ``RunbookSnapshotId``…) and the answer that run.
    """
    backend = call.backend
    runbook = backend.find(RUNBOOKS, call.params["id"], call.space_id)
    parameters = await call.json()
    if not isinstance(parameters, dict):
        raise BadRequest("The request body must be a JSON object of run parameters.")
    with_parameters = _takes_run_parameters(backend.version)
    if not with_parameters:
        parameters = {**parameters, "EnvironmentIds": [], "TenantIds": [], "TenantTagNames": [],
                      "RunbookSnapshotNameOrId": parameters.get("RunbookSnapshotId")}
    environment_ids = [e for e in parameters.get("EnvironmentIds") or [] if e]
    if parameters.get("EnvironmentId"):
        environment_ids.append(parameters["EnvironmentId"])
    if not environment_ids:
        raise validation_failed(["Please give at least one environment in EnvironmentIds."])
    snapshot_id = None
    named = parameters.get("RunbookSnapshotNameOrId")
    if named:
        for row in backend.store.rows("runbooksnapshots", runbook["SpaceId"]):
            snapshot = row.resource()
            if snapshot.get("RunbookId") == runbook["Id"] and named.lower() in (row.id.lower(),
                                                                                 str(snapshot.get("Name")).lower()):
                snapshot_id = row.id
        if snapshot_id is None:
            raise validation_failed([f"The runbook '{runbook['Name']}' has no snapshot named '{named}'."])
    elif parameters.get("UseDefaultSnapshot", True) is False:
        raise validation_failed(["Name a snapshot in RunbookSnapshotNameOrId, or set UseDefaultSnapshot."])
    created = []
    with backend.store.transaction():
        for environment_id in dict.fromkeys(environment_ids):
            for tenant_id in _tenants_for(backend, runbook, parameters):
                created.append(backend.create(RUNBOOK_RUNS, call.space_id, {
                    "RunbookId": runbook["Id"], "RunbookSnapshotId": snapshot_id, "EnvironmentId": environment_id,
                    "TenantId": tenant_id, "ForcePackageDownload": bool(parameters.get("ForcePackageDownload")),
                    "UseGuidedFailure": bool(parameters.get("UseGuidedFailure")),
                    "SpecificMachineIds": parameters.get("SpecificMachineIds") or [],
                    "ExcludedMachineIds": parameters.get("ExcludedMachineIds") or [],
                    "SkipActions": parameters.get("SkipActions") or [], "QueueTime": parameters.get("QueueTime"),
                    "QueueTimeExpiry": parameters.get("QueueTimeExpiry"),
                    "FormValues": parameters.get("FormValues") or {}, "DebugMode": parameters.get("DebugMode"),
                }, call.actor))
    return created if with_parameters else created[0]


@family.route("GET", "runbookSnapshots/{id}/runbookRuns", scope=SPACE)
async def _snapshot_runs(call: Call) -> Any:
    snapshot = call.backend.find(RUNBOOK_SNAPSHOTS, call.params["id"], call.space_id)
    call.backend.advance_tasks()
    runs = [row.body for row in reversed(call.backend.store.rows("runbookruns", call.space()))
            if (row.resource().get("RunbookSnapshotId") or "").lower() == snapshot["Id"].lower()]
    return call.page("RunbookRun", runs, f"{snapshot['Links']['Self']}/runbookRuns{{?skip,take}}")


@family.route("POST", "runbookSnapshots/{id}/runbookRuns", scope=SPACE)
async def _snapshot_run(call: Call) -> Any:
    from starlette.responses import Response

    snapshot = call.backend.find(RUNBOOK_SNAPSHOTS, call.params["id"], call.space_id)
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object: a runbook run.")
    body = {**body, "RunbookSnapshotId": snapshot["Id"], "RunbookId": body.get("RunbookId") or snapshot["RunbookId"]}
    created = call.backend.create(RUNBOOK_RUNS, call.space_id, body, call.actor)
    return Response(codec.dumps(created), status_code=201, media_type="application/json; charset=utf-8",
                    headers={"Location": created["Links"]["Self"]})


def run_template(backend: "Backend", runbook: dict[str, Any], snapshot: Optional[dict[str, Any]]) -> dict[str, Any]:
    space = runbook["SpaceId"]
    base = snapshot["Links"]["Self"] if snapshot else runbook["Links"]["Self"]
    current = _row(backend, "runbookprocesses", runbook.get("RunbookProcessId")) or {}
    frozen = _row(backend, "runbookprocesses", (snapshot or {}).get("FrozenRunbookProcessId")) if snapshot else None
    modified = bool(frozen is not None and current.get("Steps") != frozen.get("Steps"))
    targets = [{"Id": e["Id"], "Name": e["Name"],
                "Links": {"Self": f"/api/{space}/environments/{e['Id']}",
                          "RunbookRunPreview": f"{base}/runbookRuns/preview/{e['Id']}"}}
               for e in _allowed_environments(backend, runbook)]
    tenants = []
    if runbook.get("MultiTenancyMode") != "Untenanted":
        for row in backend.store.rows("tenants", space):
            connected = row.resource().get("ProjectEnvironments", {}).get(runbook["ProjectId"])
            if connected is not None:
                tenants.append({"Id": row.id, "Name": row.resource().get("Name"),
                                "PromoteTo": [t for t in targets if t["Id"] in connected]})
    return {"IsVariableSetModified": False, "IsLibraryVariableSetModified": False, "IsGitResourceModified": False,
            "IsRunbookProcessModified": modified, "PromoteTo": targets, "TenantPromotions": tenants, "Links": {}}


@family.route("GET", "runbooks/{id}/runbookRunTemplate", scope=SPACE)
async def _run_template(call: Call) -> Any:
    runbook = call.backend.find(RUNBOOKS, call.params["id"], call.space_id)
    published = _row(call.backend, "runbooksnapshots", runbook.get("PublishedRunbookSnapshotId"))
    return run_template(call.backend, runbook, published)


@family.route("GET", "runbookSnapshots/{id}/runbookRuns/template", scope=SPACE)
async def _snapshot_run_template(call: Call) -> Any:
    snapshot = call.backend.find(RUNBOOK_SNAPSHOTS, call.params["id"], call.space_id)
    return run_template(call.backend, _runbook_of(call.backend, snapshot), snapshot)


def run_preview(backend: "Backend", runbook: dict[str, Any], process: dict[str, Any], environment_id: str) -> dict[str, Any]:
    environment = backend.find(resources.BY_PATH["environments"], environment_id, runbook["SpaceId"])
    steps = []
    number = 0
    for step in process.get("Steps") or []:
        for action in step.get("Actions") or []:
            number += 1
            roles = (step.get("Properties") or {}).get("Octopus.Action.TargetRoles") or ""
            steps.append({"ActionId": action.get("Id"), "ActionName": action.get("Name"), "ActionNumber": str(number),
                          "Roles": [r for r in str(roles).split(",") if r], "MachineNames": [], "Machines": [],
                          "CanBeSkipped": action.get("ActionType") != "Octopus.Manual" or True,
                          "HasNoApplicableMachines": False, "UnavailableMachines": [], "ExcludedMachines": []})
    return {"StepsToExecute": steps, "Form": {"Values": {}, "Elements": []},
            "UseGuidedFailureModeByDefault": deployments.guided_failure(
                backend, runbook.get("DefaultGuidedFailureMode"), environment["Id"], False), "Links": {}}


@family.route("GET", "runbooks/{id}/runbookRuns/preview/{environment}", scope=SPACE)
async def _preview(call: Call) -> Any:
    runbook = call.backend.find(RUNBOOKS, call.params["id"], call.space_id)
    process = _row(call.backend, "runbookprocesses", runbook.get("RunbookProcessId")) or {}
    return run_preview(call.backend, runbook, process, call.params["environment"])


@family.route("GET", "runbooks/{id}/runbookRuns/preview/{environment}/{tenant}", scope=SPACE)
async def _preview_tenant(call: Call) -> Any:
    call.backend.find(resources.BY_PATH["tenants"], call.params["tenant"], call.space_id)
    return await _preview(call)


@family.route("GET", "runbookSnapshots/{id}/runbookRuns/preview/{environment}", scope=SPACE)
async def _snapshot_preview(call: Call) -> Any:
    snapshot = call.backend.find(RUNBOOK_SNAPSHOTS, call.params["id"], call.space_id)
    process = _row(call.backend, "runbookprocesses", snapshot.get("FrozenRunbookProcessId")) or {}
    return run_preview(call.backend, _runbook_of(call.backend, snapshot), process, call.params["environment"])


@family.route("GET", "runbookSnapshots/{id}/runbookRuns/preview/{environment}/{tenant}", scope=SPACE)
async def _snapshot_preview_tenant(call: Call) -> Any:
    call.backend.find(resources.BY_PATH["tenants"], call.params["tenant"], call.space_id)
    return await _snapshot_preview(call)


@family.route("GET", "runbooks/{id}/environments", scope=SPACE)
async def _environments(call: Call) -> Any:
    runbook = call.backend.find(RUNBOOKS, call.params["id"], call.space_id)
    rows = {row.id: row.body for row in call.backend.store.rows("environments", runbook["SpaceId"])}
    return b"[" + b",".join(rows[e["Id"]] for e in _allowed_environments(call.backend, runbook)) + b"]"
