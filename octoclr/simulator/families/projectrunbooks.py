"""Runbooks as newer clients reach them: below their project.

The TypeScript api-client and the Octopus CLI address runbooks, their processes and their
snapshots under ``…/projects/{projectId}/`` rather than at the space's level (and run them
with ``…/runbook-runs/create/v1``, which the executions family serves). The data is the
runbooks family's; what this module adds is the project's isolation: a runbook, process or
snapshot of another project is not found here, and one created here belongs to this project.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.families import runbooks
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import Collection

family = Family("projectrunbooks")

_RUNBOOKS = "projects/{projectId}/runbooks"
_PROCESSES = "projects/{projectId}/runbookProcesses"
_SNAPSHOTS = "projects/{projectId}/runbookSnapshots"


def _project(call: Call) -> dict[str, Any]:
    return call.backend.find(resources.BY_PATH["projects"], call.params["projectId"], call.space_id)


def _owned(call: Call, coll: Collection, project: dict[str, Any]) -> dict[str, Any]:
    """The resource of the URL, if it belongs to the URL's project: otherwise 404, as for a missing one."""
    item = call.params["id"]
    try:
        found = call.backend.find(coll, item, call.space_id)
    except NotFound:
        found = None
    if found is None or (found.get("ProjectId") or "").lower() != project["Id"].lower():
        raise NotFound(f"There is no {coll.item_type} '{item}' in project '{project['Name']}'.")
    return found


def _for_project(body: Any, project: dict[str, Any], what: str) -> dict[str, Any]:
    """A new resource's body, with the URL's project as its ProjectId (a different one is refused)."""
    if not isinstance(body, dict):
        raise BadRequest(f"The request body must be a JSON object: a {what}.")
    sent = body.get("ProjectId")
    if sent and str(sent).lower() != project["Id"].lower():
        raise validation_failed([f"The {what} names project '{sent}', but it is created under project "
                                 f"'{project['Id']}'. Leave ProjectId out, or use that project's route."])
    return {**body, "ProjectId": project["Id"]}


def _created(resource: dict[str, Any]) -> Response:
    return Response(codec.dumps(resource), status_code=201, media_type="application/json; charset=utf-8",
                    headers={"Location": resource["Links"]["Self"]})


def _serve_item(pattern: str, coll: Collection, methods: tuple[str, ...]) -> None:
    """Get, modify and delete one of the project's resources with the generic rules, once it is found there."""
    async def get(call: Call) -> Any:
        return _owned(call, coll, _project(call))

    async def modify(call: Call) -> Any:
        stored = _owned(call, coll, _project(call))
        return call.backend.modify(coll, call.space_id, stored["Id"], await call.json(), call.actor)

    async def remove(call: Call) -> Any:
        stored = _owned(call, coll, _project(call))
        call.backend.delete(coll, call.space_id, stored["Id"], call.actor)
        return None

    handlers = {"GET": get, "PUT": modify, "DELETE": remove}
    for method in methods:
        family.route(method, pattern, scope=SPACE)(handlers[method])


# --- runbooks -----------------------------------------------------------------------------

@family.route("GET", _RUNBOOKS, scope=SPACE)
async def _list_runbooks(call: Call) -> Any:
    project = _project(call)
    partial = (call.query("partialName") or call.query("searchByName") or "").lower()
    ids = {i.lower() for i in call.query_list("ids") or []}
    bodies = [row.body for row in call.backend.store.rows("runbooks", project["SpaceId"])
              if (row.resource().get("ProjectId") or "").lower() == project["Id"].lower()
              and partial in str(row.resource().get("Name") or "").lower() and (not ids or row.id.lower() in ids)]
    return call.page("Runbook", bodies, f"{project['Links']['Self']}/runbooks{{/id}}{{?skip,take,ids,partialName}}")


@family.route("POST", _RUNBOOKS, scope=SPACE)
async def _create_runbook(call: Call) -> Any:
    project = _project(call)
    body = _for_project(await call.json(), project, "runbook")
    return _created(call.backend.create(runbooks.RUNBOOKS, call.space_id, body, call.actor))


_serve_item(_RUNBOOKS + "/{id}", runbooks.RUNBOOKS, ("GET", "PUT", "DELETE"))


# --- runbook processes ----------------------------------------------------------------------

_serve_item(_PROCESSES + "/{id}", runbooks.RUNBOOK_PROCESSES, ("GET", "PUT"))


# --- snapshots ------------------------------------------------------------------------------

@family.route("GET", _SNAPSHOTS, scope=SPACE)
async def _list_snapshots(call: Call) -> Any:
    project = _project(call)
    name = call.query("name")
    if name:
        return runbooks.snapshot_by_name(call, "ProjectId", project["Id"], name)
    return call.page("RunbookSnapshot", runbooks.snapshots_of(call, "ProjectId", project["Id"]),
                     f"{project['Links']['Self']}/runbookSnapshots{{/name}}{{?skip,take,searchByName}}")


@family.route("POST", _SNAPSHOTS, scope=SPACE)
async def _create_snapshot(call: Call) -> Any:
    """Create a snapshot of one of the project's runbooks; ``?publish=true`` publishes it at once."""
    project = _project(call)
    body = _for_project(await call.json(), project, "runbook snapshot")
    runbook_id = body.get("RunbookId")
    runbook = call.backend.store.get("runbooks", str(runbook_id or ""))
    if runbook is not None and (runbook.resource().get("ProjectId") or "").lower() != project["Id"].lower():
        raise NotFound(f"There is no Runbook '{runbook_id}' in project '{project['Name']}'.")
    return runbooks.create_snapshot(call, body)


@family.route("GET", _SNAPSHOTS + "/{id}", scope=SPACE)
async def _get_snapshot(call: Call) -> Any:
    """A snapshot of the project by id, or by name as the 2020.5 route ``{name}`` has it."""
    project = _project(call)
    return runbooks.snapshot_by_name(call, "ProjectId", project["Id"], call.params["id"])


_serve_item(_SNAPSHOTS + "/{id}", runbooks.RUNBOOK_SNAPSHOTS, ("PUT", "DELETE"))  # GET: by id or name, above
