"""Reporting: deployment counts over time and the deployment history as XML, from what was deployed.

``…/reporting/deployments-counted-by-week`` counts completed deployments by the week (starting
Monday, UTC) their task completed in: one entry per project (``?projectIds=``, all by
default), its ``ReportData`` with a label per week and one series per environment. The
window is ``?fromCompletedTime=`` to ``?toCompletedTime=`` (ISO dates), by default the last
twelve weeks up to now.

``…/reporting/deployments/xml`` is the space's deployment history as an XML document, one
``Deployment`` element per deployment, newest first, with its project, environment, tenant,
release, channel, task state and times: what a real server offers spreadsheets and BI tools.
``?fromCompletedTime=``/``?toCompletedTime=`` narrow it too.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Optional
from xml.etree import ElementTree

from starlette.responses import Response

from octoclr.simulator.exceptions import BadRequest
from octoclr.simulator.families.base import ANY, Call, Family

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

family = Family("reporting")

DEFAULT_WEEKS = 12


def _moment(call: Call, name: str) -> Optional[dt.datetime]:
    text = call.query(name)
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"The query parameter '{name}' must be an ISO date or time, not '{text}'.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _completed(value: Any) -> Optional[dt.datetime]:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _history(backend: "Backend", space_id: str, since: Optional[dt.datetime],
             until: Optional[dt.datetime]) -> list[tuple[dict[str, Any], dict[str, Any], Optional[dt.datetime]]]:
    """(deployment, its task, when it completed) for the space, newest first, in the window."""
    backend.advance_tasks()
    found = []
    for row in reversed(backend.store.rows("deployments", space_id)):
        deployment = row.resource()
        task_row = backend.store.get("tasks", deployment.get("TaskId") or "")
        task = task_row.resource() if task_row else {}
        completed = _completed(task.get("CompletedTime")) if task.get("IsCompleted") else None
        if (since or until) and completed is None:
            continue
        if since and completed < since or until and completed > until:
            continue
        found.append((deployment, task, completed))
    return found


def _name(backend: "Backend", path: str, resource_id: Any) -> Optional[str]:
    row = backend.store.get(path, str(resource_id or ""))
    return row.resource().get("Name") if row else None


@family.route("GET", "reporting/deployments-counted-by-week", scope=ANY)
async def _counted_by_week(call: Call) -> Any:
    backend = call.backend
    space = call.space()
    until = _moment(call, "toCompletedTime") or dt.datetime.now(dt.timezone.utc)
    since = _moment(call, "fromCompletedTime") or until - dt.timedelta(weeks=DEFAULT_WEEKS - 1)
    if since > until:
        raise BadRequest("fromCompletedTime must come before toCompletedTime.")
    first_monday = (since - dt.timedelta(days=since.weekday())).date()
    weeks = [first_monday + dt.timedelta(weeks=n) for n in range((until.date() - first_monday).days // 7 + 1)]
    wanted = {p.lower() for p in call.query_list("projectIds") or []}
    projects = [row.resource() for row in backend.store.rows("projects", space) if not wanted or row.id.lower() in wanted]
    environments = sorted((row.resource() for row in backend.store.rows("environments", space)),
                          key=lambda e: (e.get("SortOrder", 0), e["Id"]))
    counts: dict[tuple[str, str], list[int]] = {}
    for deployment, _, completed in _history(backend, space, dt.datetime.combine(first_monday, dt.time(),
                                                                                 dt.timezone.utc), until):
        assert completed is not None
        week = (completed.date() - first_monday).days // 7
        key = (str(deployment.get("ProjectId")).lower(), str(deployment.get("EnvironmentId")).lower())
        counts.setdefault(key, [0] * len(weeks))[week] += 1
    return [{"Id": None, "ProjectId": project["Id"], "LastModifiedOn": None, "LastModifiedBy": None,
             "ReportData": {"Labels": [w.isoformat() for w in weeks],
                            "Series": [{"Label": e["Name"],
                                        "Data": counts.get((project["Id"].lower(), e["Id"].lower()), [0] * len(weeks))}
                                       for e in environments]},
             "Links": {"Project": f"/api/{space}/projects/{project['Id']}"}} for project in projects]


@family.route("GET", "reporting/deployments/xml", scope=ANY)
async def _deployments_xml(call: Call) -> Response:
    backend = call.backend
    space = call.space()
    root = ElementTree.Element("Deployments", {"SpaceId": space})
    for deployment, task, completed in _history(backend, space, _moment(call, "fromCompletedTime"),
                                                _moment(call, "toCompletedTime")):
        release = backend.store.get("releases", deployment.get("ReleaseId") or "")
        fields = {
            "Id": deployment["Id"], "ProjectId": deployment.get("ProjectId"),
            "ProjectName": _name(backend, "projects", deployment.get("ProjectId")),
            "EnvironmentId": deployment.get("EnvironmentId"),
            "EnvironmentName": _name(backend, "environments", deployment.get("EnvironmentId")),
            "TenantId": deployment.get("TenantId"), "TenantName": _name(backend, "tenants", deployment.get("TenantId")),
            "ChannelId": deployment.get("ChannelId"), "ChannelName": _name(backend, "channels", deployment.get("ChannelId")),
            "ReleaseId": deployment.get("ReleaseId"),
            "ReleaseVersion": release.resource().get("Version") if release else None,
            "TaskId": deployment.get("TaskId"), "TaskState": task.get("State"),
            "Created": deployment.get("Created"), "QueueTime": task.get("QueueTime"),
            "StartTime": task.get("StartTime"), "CompletedTime": task.get("CompletedTime") if completed else None,
            "DurationSeconds": int((completed - _completed(task.get("StartTime"))).total_seconds())
            if completed and _completed(task.get("StartTime")) else None,
            "DeployedBy": deployment.get("DeployedBy"),
        }
        element = ElementTree.SubElement(root, "Deployment")
        for name, value in fields.items():
            ElementTree.SubElement(element, name).text = "" if value is None else str(value)
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/xml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="deployments-{space}.xml"'})
