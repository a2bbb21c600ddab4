"""The server about itself: status, health, system information, logs, time zones, nodes, scheduler.

What is answered here is measured from the running simulator, not made up: ``system-info``
reads the process (Python, platform, threads, memory, uptime), ``logs`` are the simulator's
own recent log records, ``system-report`` is a zip of both, ``timezones`` are the IANA zones
the machine knows. The simulator runs no extensions (``extensions`` is empty) and is one
node (``octopusservernodes/summary``, ``…/{id}/details`` with the tasks running now).

The scheduler runs the server's periodic jobs; the simulator keeps their switch and their
last runs: ``…/scheduler/stop`` and ``…/start`` switch it, ``…/scheduler/trigger?job=`` runs
one job now (recorded in its log), ``…/scheduler/{name}/logs`` shows a job's runs.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import platform
import sys
import threading
import time
import zipfile
from collections import deque
from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import codec
from octoclr.simulator.exceptions import NotFound
from octoclr.simulator.families.base import SYSTEM, Call, Family
from octoclr.simulator.resources import DELETE, MODIFY, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

SERVER_NODES = Collection(
    "octopusservernodes", "OctopusServerNodes", "OctopusServerNodes", "OctopusServerNode", SYSTEM,
    verbs=frozenset({MODIFY, DELETE}),
    defaults={"Name": None, "MaxConcurrentTasks": 5, "IsInMaintenanceMode": False, "Rank": "Leader",
              "LastSeen": None},
)


family = Family("serverstatus", collections=(SERVER_NODES,))

_STARTED = time.time()
_RECENT: "deque[dict[str, Any]]" = deque(maxlen=500)
_STORE = "serverdocuments"
#: The periodic jobs of a real server that the scheduler lists.
JOBS = ("TaskQueue", "MachineHealthCheck", "Retention", "ScheduledTriggers", "CleanUpTasks", "DatabaseMaintenance")


class _Recent(logging.Handler):
    """Keeps the simulator's recent log records for ``…/serverstatus/logs``."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a record with bad arguments is still worth its template
            message = str(record.msg)
        _RECENT.append({"OccurredAt": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(record.created)),
                        "Category": {"WARNING": "Warning", "ERROR": "Error", "CRITICAL": "Fatal"}.get(
                            record.levelname, "Info"), "MessageText": message,
                        "Detail": record.exc_text or None})


_handler = _Recent(logging.INFO)
logging.getLogger("octoclr.simulator").addHandler(_handler)


#: What the server did on request (scheduler, collections): INFO here whatever the parent's level,
#: so that the records reach the handler above and ``…/serverstatus/logs`` shows them.
_activity = logging.getLogger("octoclr.simulator.activity")
_activity.setLevel(logging.INFO)


def note(message: str) -> None:
    _activity.info(message)


# --- status and health ------------------------------------------------------------------------

@family.route("GET", "serverstatus", scope=SYSTEM)
async def _status(call: Call) -> Any:
    from octoclr.simulator.families.configuration import in_maintenance

    version = call.backend.version
    return {"IsDatabaseEncrypted": True, "IsMajorMinorUpgrade": False,
            "IsInMaintenanceMode": in_maintenance(call.backend), "IsUpgradeAvailable": False,
            "MaintenanceExpires": None, "MaximumAvailableVersion": version,
            "MaximumAvailableVersionCoveredByLicense": version,
            "Links": {"Self": "/api/serverstatus", "Health": "/api/serverstatus/health",
                      "SystemInfo": "/api/serverstatus/system-info", "Logs": "/api/serverstatus/logs",
                      "Timezones": "/api/serverstatus/timezones", "Extensions": "/api/serverstatus/extensions"}}


@family.route("GET", "serverstatus/health", scope=SYSTEM, anonymous=True)
async def _health(call: Call) -> Any:
    return {"IsOperatingNormally": True, "Description": "Octopus Server simulator", "IsCompliantWithLicense": True,
            "IsEntireClusterReadOnly": False, "IsEntireClusterDrainingTasks": False}


def system_info(backend: "Backend") -> dict[str, Any]:
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    except (ImportError, OSError):
        peak = None
    uptime = int(time.time() - _STARTED)
    return {"Version": backend.version, "OSVersion": platform.platform(), "ProcessorCount": os.cpu_count(),
            "DotNetClrVersion": None, "Runtime": f"Python {platform.python_version()} ({sys.implementation.name})",
            "ThreadCount": threading.active_count(), "WorkingSetBytes": peak,
            "Uptime": f"{uptime // 86400}.{time.strftime('%H:%M:%S', time.gmtime(uptime % 86400))}",
            "ServerNode": "octoclr-simulator", "Links": {"Self": "/api/serverstatus/system-info"}}


@family.route("GET", "serverstatus/system-info", scope=SYSTEM, system=True)
async def _system_info(call: Call) -> Any:
    return system_info(call.backend)


@family.route("GET", "serverstatus/logs", scope=SYSTEM, system=True)
async def _logs(call: Call) -> Any:
    return {"ActivityLog": list(reversed(_RECENT)), "Links": {"Self": "/api/serverstatus/logs"}}


@family.route("GET", "serverstatus/system-report", scope=SYSTEM, system=True)
async def _system_report(call: Call) -> Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("system-info.json", codec.dumps(system_info(call.backend)))
        archive.writestr("server.log", "\n".join(f"{e['OccurredAt']} {e['Category']:7} {e['MessageText']}"
                                                  for e in _RECENT) + "\n")
    name = time.strftime("OctopusSystemReport-%Y%m%d-%H%M%S.zip", time.gmtime())
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@family.route("GET", "serverstatus/timezones", scope=SYSTEM)
async def _timezones(call: Call) -> Any:
    try:
        from zoneinfo import available_timezones

        zones = sorted(available_timezones())
    except ImportError:  # pragma: no cover - Python < 3.9
        zones = []
    zones = zones or ["UTC"]
    return [{"Id": zone, "Name": zone, "IsLocal": zone == "UTC", "Links": {}} for zone in zones]


@family.route("GET", "serverstatus/extensions", scope=SYSTEM)
async def _extensions(call: Call) -> Any:
    return []


@family.route("POST", "serverstatus/gc-collect", scope=SYSTEM, system=True)
async def _gc(call: Call) -> Any:
    collected = gc.collect()
    note(f"Garbage collection requested: {collected} objects collected.")
    return Response(status_code=200)


# --- the one node -----------------------------------------------------------------------------

def _running(backend: "Backend") -> int:
    backend.advance_tasks()
    return sum(1 for row in backend.store.rows("tasks") if row.resource().get("State") == "Executing")


@family.route("GET", "octopusservernodes/ping", scope=SYSTEM, anonymous=True)
async def _ping(call: Call) -> Any:
    return Response("Pong", media_type="text/plain")


@family.route("GET", "octopusservernodes/summary", scope=SYSTEM, system="read")
async def _nodes(call: Call) -> Any:
    nodes = [row.resource() for row in call.backend.store.rows("octopusservernodes")]
    running = _running(call.backend)
    return {"Nodes": [{**n, "RunningTaskCount": running, "IsOffline": False} for n in nodes],
            "IsInMaintenanceMode": any(n.get("IsInMaintenanceMode") for n in nodes),
            "IsEntireClusterDrainingTasks": all(n.get("IsInMaintenanceMode") for n in nodes) if nodes else False,
            "Links": {"Self": "/api/octopusservernodes/summary"}}


@family.route("GET", "octopusservernodes/{id}/details", scope=SYSTEM, system="read")
async def _node_details(call: Call) -> Any:
    row = call.backend.store.get("octopusservernodes", call.params["id"])
    if row is None:
        raise NotFound(f"The server node '{call.params['id']}' was not found.")
    return {"Id": row.id, "RunningTasks": _running(call.backend),
            "Links": {"Self": f"/api/octopusservernodes/{row.id}/details"}}


# --- the scheduler ----------------------------------------------------------------------------

def _scheduler(backend: "Backend") -> dict[str, Any]:
    row = backend.store.get(_STORE, "scheduler")
    return row.resource() if row else {"Id": "scheduler", "IsRunning": True, "Runs": {}}


def _keep(backend: "Backend", state: dict[str, Any]) -> None:
    backend.store.put(_STORE, state, name=None)


def _status_body(state: dict[str, Any]) -> dict[str, Any]:
    return {"Id": None, "IsRunning": state["IsRunning"],
            "TaskStatus": [{"Id": job, "Name": job, "IsEnabled": state["IsRunning"],
                            "LastRun": (state["Runs"].get(job) or [None])[-1],
                            "Links": {"Logs": f"/api/scheduler/{job}/logs", "Raw": f"/api/scheduler/{job}/logs/raw"}}
                           for job in JOBS],
            "Links": {"Self": "/api/scheduler", "Start": "/api/scheduler/start", "Stop": "/api/scheduler/stop",
                      "Trigger": "/api/scheduler/trigger{?job}"}}


@family.route("GET", "scheduler", scope=SYSTEM, system=True)
async def _scheduler_status(call: Call) -> Any:
    return _status_body(_scheduler(call.backend))


async def _switch(call: Call, running: bool) -> Any:
    state = _scheduler(call.backend)
    state["IsRunning"] = running
    _keep(call.backend, state)
    note(f"The scheduler was {'started' if running else 'stopped'} by {call.backend.username(call.actor)}.")
    return _status_body(state)


@family.route("GET", "scheduler/start", scope=SYSTEM, system=True)
async def _start(call: Call) -> Any:
    return await _switch(call, True)


@family.route("GET", "scheduler/stop", scope=SYSTEM, system=True)
async def _stop(call: Call) -> Any:
    return await _switch(call, False)


def _job(name: Optional[str]) -> str:
    for job in JOBS:
        if name and job.lower() == name.lower():
            return job
    raise NotFound(f"There is no scheduled job '{name}'; the jobs are {', '.join(JOBS)}.")


@family.route("GET", "scheduler/trigger", scope=SYSTEM, system=True)
async def _trigger(call: Call) -> Any:
    job = _job(call.query("job") or call.query("name") or "TaskQueue")
    state = _scheduler(call.backend)
    if job == "TaskQueue":
        call.backend.advance_tasks()  # what the task queue job does: move the tasks along
    runs = state["Runs"].setdefault(job, [])
    runs.append(codec.now_iso())
    del runs[:-20]
    _keep(call.backend, state)
    note(f"Scheduled job {job} run on request.")
    return _status_body(state)


@family.route("GET", "scheduler/{name}/logs", scope=SYSTEM, system=True)
async def _job_logs(call: Call) -> Any:
    job = _job(call.params["name"])
    runs = _scheduler(call.backend)["Runs"].get(job, [])
    return {"Id": job, "ActivityLog": {"Name": job, "Status": "Success" if runs else "Pending", "Children": [],
                                       "LogElements": [{"OccurredAt": at, "Category": "Info",
                                                        "MessageText": f"{job} ran"} for at in runs]},
            "Links": {"Self": f"/api/scheduler/{job}/logs", "Raw": f"/api/scheduler/{job}/logs/raw"}}


@family.route("GET", "scheduler/{name}/logs/raw", scope=SYSTEM, system=True)
async def _job_raw(call: Call) -> Response:
    job = _job(call.params["name"])
    runs = _scheduler(call.backend)["Runs"].get(job, [])
    return Response("".join(f"{at} Info {job} ran\n" for at in runs), media_type="text/plain; charset=utf-8")
