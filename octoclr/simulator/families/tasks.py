"""Server tasks: the queue the server owns, and how a task runs to its end.

A task is Queued until its ``QueueTime`` (now, unless a deployment or runbook run asked for
later), then Executing, then Success, Failed, Canceled or TimedOut. A deployment's or
runbook run's task walks the steps of the process snapshot it was given, one after another,
each taking a share of the simulator's task duration:

* a disabled step, a skipped action (``SkipActions``) or a step whose ``Condition`` does not
  hold is skipped;
* a manual intervention step (``Octopus.Manual``) raises an interruption and the task waits
  (``HasPendingInterruptions``) until someone submits Proceed or Abort;
* a script step fails when its script says so (``exit N`` with N other than 0, ``throw``,
  ``Fail-Step``, ``fail_step(``): the simulator runs no script, so this is how a process
  asks for a failure. With guided failure in effect the task then waits on a guided failure
  interruption (Fail, Retry, Ignore); otherwise the task fails after the steps that run on
  failure.

What happened is kept per task in the store's meta table (``task-execution/<id>``), so the
raw log and the details' activity logs say what ran, and survive a restart.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import codec
from octoclr.simulator.exceptions import BadRequest, Forbidden, validation_failed
from octoclr.simulator.families.base import Call, Family
from octoclr.simulator.resources import CREATE, MIXED, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

TASKS = Collection(
    "tasks", "Tasks", "ServerTasks", "Task", MIXED,
    query=("skip", "active", "environment", "tenant", "project", "name", "node", "running", "states",
           "hasPendingInterruptions", "hasWarningsOrErrors", "take", "ids", "partialName", "spaces",
           "includeSystem"),
    verbs=frozenset({CREATE}),
    newest_first=True,
    filters={"states": "State", "name": "Name", "hasPendingInterruptions": "HasPendingInterruptions",
             "hasWarningsOrErrors": "HasWarningsOrErrors", "environment": "Arguments.EnvironmentId",
             "project": "Arguments.ProjectId", "tenant": "Arguments.TenantId"},
    defaults={"Name": None, "Description": "", "Arguments": {}, "State": "Queued", "Completed": None,
              "QueueTime": None, "QueueTimeExpiry": None, "StartTime": None, "LastUpdatedTime": None,
              "CompletedTime": None, "ServerNode": "octoclr-simulator", "Duration": "0 seconds",
              "ErrorMessage": "", "HasBeenPickedUpByProcessor": False, "IsCompleted": False,
              "FinishedSuccessfully": False, "HasPendingInterruptions": False, "PendingInterruptionTypes": [],
              "CanRerun": False, "HasWarningsOrErrors": False},
    links={"Web": "/app#/{space}/tasks/{id}", "Raw": "{self}/raw", "Rerun": "/api/tasks/rerun/{id}",
           "Cancel": "{self}/cancel", "State": "{self}/state", "QueuedBehind": "{self}/queued-behind{?skip,take}",
           "Details": "{self}/details{?verbose,tail}", "Artifacts": "/api/{space}/artifacts?regarding={id}",
           "Interruptions": "/api/{space}/interruptions?regarding={id}"},
)

family = Family("tasks", collections=(TASKS,))

TERMINAL_STATES = ("Success", "Failed", "Canceled", "TimedOut")
#: A task's state as the status of its activity log.
_ACTIVITY_STATUS = {"Queued": "Pending", "Executing": "Running", "Cancelling": "Running", "Success": "Success",
                    "Failed": "Failed", "Canceled": "Canceled", "TimedOut": "Failed"}
_META = "task-execution/"
_FAILING_SCRIPT = re.compile(r"(?im)(^|[;\s])(exit\s+-?[1-9]\d*\b|throw\b|fail-step\b|fail_step\s*\()")


# --- times -----------------------------------------------------------------------------------

def parse_time(value: Any) -> Optional[float]:
    """An ISO 8601 date as the .NET client writes it (7 decimals, offset or Z), as epoch seconds."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?([+-]\d\d:?\d\d)?", text)
    if match is None:
        raise validation_failed([f"'{value}' is not a date and time the server understands (ISO 8601)."])
    base, fraction, offset = match.groups()
    if len(base) == 16:
        base += ":00"
    stamp = base + "." + (fraction or "0")[:6].ljust(6, "0") + (offset or "+00:00")
    if offset and ":" not in offset:
        stamp = stamp[:-2] + ":" + stamp[-2:]
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def _duration(seconds: float) -> str:
    whole = max(1, round(seconds))
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = round(whole / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# --- execution state ---------------------------------------------------------------------

def _load(backend: "Backend", task_id: str) -> Optional[dict[str, Any]]:
    text = backend.store.get_meta(_META + task_id)
    return codec.loads(text) if text else None


def _keep(backend: "Backend", task_id: str, execution: dict[str, Any]) -> None:
    backend.store.set_meta(_META + task_id, codec.dumps(execution).decode("utf-8"))


def _fails(action: dict[str, Any]) -> Optional[str]:
    """Why a script action fails in the simulator, or None."""
    properties = action.get("Properties") or {}
    body = properties.get("Octopus.Action.Script.ScriptBody")
    if isinstance(body, dict):
        body = body.get("Value") or body.get("NewValue")
    if isinstance(body, str) and _FAILING_SCRIPT.search(body):
        return f"The script of '{action.get('Name')}' returned a failure (simulated from its script body)."
    return None


def _plan(steps: list[Any], skip_actions: list[str]) -> list[dict[str, Any]]:
    """The actions a task will run, in order, from a process's steps."""
    skipped = {str(s).lower() for s in skip_actions or []}
    planned = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        condition = str(step.get("Condition") or "Success")
        for action in step.get("Actions") or [step]:
            if not isinstance(action, dict):
                continue
            properties = action.get("Properties") or {}
            manual = action.get("ActionType") == "Octopus.Manual"
            teams = properties.get("Octopus.Action.Manual.ResponsibleTeamIds") or ""
            planned.append({
                "Name": str(action.get("Name") or step.get("Name") or "Step"),
                "StepName": str(step.get("Name") or action.get("Name") or "Step"),
                "ActionType": action.get("ActionType"),
                "ActionId": action.get("Id"),
                "Condition": condition,
                "Skip": bool(action.get("IsDisabled") or step.get("IsDisabled")
                             or str(action.get("Id") or "").lower() in skipped),
                "Manual": manual,
                "Instructions": properties.get("Octopus.Action.Manual.Instructions") if manual else None,
                "Teams": [t.strip() for t in str(teams).split(",") if t.strip()],
                "Fails": None if manual else _fails(action),
            })
    return planned


def new_execution(backend: "Backend", task: dict[str, Any], *, steps: Optional[list[Any]] = None,
                  skip_actions: Optional[list[str]] = None, guided_failure: bool = False,
                  related: Optional[list[str]] = None) -> dict[str, Any]:
    """The plan of a task about to be queued: when it may start, and what it will run."""
    now = time.time()
    eligible = parse_time(task.get("QueueTime")) or now
    expiry = parse_time(task.get("QueueTimeExpiry"))
    plan = _plan(steps or [], skip_actions or [])
    return {
        "eligible": eligible, "expiry": expiry, "started": None, "clock": None, "steps": plan, "index": 0,
        "step_started": None, "failed": None, "warned": False, "waiting": None, "guided": guided_failure,
        "related": [r for r in (related or []) if r], "activities": ["Pending"] * len(plan),
        "starts": [None] * len(plan), "ends": [None] * len(plan), "retries": 0,
        "log": [[_iso(now), "Info", f"Task queued: {task.get('Description') or task.get('Name')}"]],
    }


def start(backend: "Backend", space_id: Optional[str], name: str, description: str, arguments: dict[str, Any],
          actor: Optional[str], *, queue_time: Any = None, queue_expiry: Any = None, steps: Optional[list[Any]] = None,
          skip_actions: Optional[list[str]] = None, guided_failure: bool = False,
          related: Optional[list[str]] = None) -> dict[str, Any]:
    """Queue a task the server makes itself (a deployment's, a runbook run's)."""
    now = codec.now_iso()
    task = backend._put_child("tasks", {
        "Name": name, "Description": description, "Arguments": arguments, "SpaceId": space_id,
        "QueueTime": queue_time or now, "QueueTimeExpiry": queue_expiry, "LastUpdatedTime": now}, actor)
    execution = new_execution(backend, task, steps=steps, skip_actions=skip_actions, guided_failure=guided_failure,
                              related=related)
    _keep(backend, task["Id"], execution)
    backend._pending[task["Id"]] = execution["eligible"]
    return task


# --- moving tasks along ------------------------------------------------------------------

def advance(backend: "Backend") -> None:
    """Move every unfinished task as far as time and its interruptions allow."""
    if not backend._pending:
        return
    now = time.time()
    with backend.store.transaction():
        for task_id in list(backend._pending):
            row = backend.store.get("tasks", task_id)
            if row is None:
                backend._pending.pop(task_id, None)
                continue
            task = row.resource()
            if task.get("State") in TERMINAL_STATES:
                backend._pending.pop(task_id, None)
                continue
            execution = _load(backend, task_id)
            if execution is None:  # a task from before executions were kept: nothing to run
                execution = new_execution(backend, task)
            changed = False
            for _ in range(1000):  # each tick moves one transition; a task has a few dozen at most
                if not _tick(backend, task, execution, now):
                    break
                changed = True
            if changed:
                task["LastUpdatedTime"] = codec.now_iso()
                backend._save(TASKS, task, None)  # the server itself moved it along
                _keep(backend, task_id, execution)
            if task.get("State") in TERMINAL_STATES:
                backend._pending.pop(task_id, None)


def _log(execution: dict[str, Any], at: float, text: str, category: str = "Info", step: Optional[int] = None) -> None:
    execution["log"].append([_iso(at), category, text] + ([step] if step is not None else []))


def _tick(backend: "Backend", task: dict[str, Any], ex: dict[str, Any], now: float) -> bool:
    """One transition of a task, if one is due; False when it must wait."""
    state = task.get("State")
    duration = backend.task_duration
    if state == "Queued":
        if ex.get("expiry") and now > ex["expiry"]:
            _finish(backend, task, ex, "TimedOut", ex["expiry"],
                    "The task was not started before its queue time expired.")
            return True
        due = ex["eligible"] + duration / 5
        if now < due:
            return False
        task.update(State="Executing", StartTime=_iso(due), HasBeenPickedUpByProcessor=True)
        ex["started"] = ex["clock"] = due
        _log(ex, due, "Task started (simulated: no step runs a real script)")
        return True
    if state != "Executing":
        return False
    steps = ex["steps"]
    step_time = duration * 0.8 / max(1, len(steps))
    if ex.get("waiting"):
        return _resume(backend, task, ex, now)
    index = ex["index"]
    if index >= len(steps):
        end = max(ex["clock"], ex["started"] + duration * 0.8)
        if end > now:
            return False
        if ex["failed"]:
            _finish(backend, task, ex, "Failed", end, ex["failed"])
        else:
            _finish(backend, task, ex, "Success", end, "")
        return True
    step = steps[index]
    if ex["step_started"] is None:
        runs = {"Always": True, "Failure": bool(ex["failed"]), "Variable": not ex["failed"]}.get(
            step["Condition"], not ex["failed"])
        if step["Skip"] or not runs:
            ex["activities"][index] = "Skipped"
            why = "it is disabled or was asked to be skipped" if step["Skip"] else \
                f"its condition ({step['Condition']}) does not hold"
            _log(ex, ex["clock"], f"Step {index + 1}: {step['Name']} is skipped because {why}", "Info", index)
            ex["index"] += 1
            return True
        ex["step_started"] = ex["clock"]
        ex["activities"][index] = "Running"
        ex["starts"][index] = _iso(ex["clock"])
        _log(ex, ex["clock"], f"Step {index + 1}: {step['Name']}", "Info", index)
        return True
    done_at = ex["step_started"] + step_time
    if now < done_at:
        return False
    ex["clock"] = done_at
    if step["Manual"]:
        from octoclr.simulator.families import interruptions

        interruption = interruptions.raise_for(backend, task, ex, step, "ManualIntervention")
        _log(ex, done_at, f"Waiting for manual intervention: {step['Instructions'] or step['Name']}", "Info", index)
        ex["waiting"] = interruption["Id"]
        task.update(HasPendingInterruptions=True, PendingInterruptionTypes=["ManualIntervention"])
        return True
    if step["Fails"]:
        _log(ex, done_at, step["Fails"], "Error", index)
        if ex["guided"]:
            from octoclr.simulator.families import interruptions

            interruption = interruptions.raise_for(backend, task, ex, step, "GuidedFailure")
            _log(ex, done_at, "Guided failure is on: waiting for someone to choose Fail, Retry or Ignore", "Warning",
                 index)
            ex["waiting"] = interruption["Id"]
            task.update(HasPendingInterruptions=True, PendingInterruptionTypes=["GuidedFailure"])
            return True
        _end_step(ex, "Failed", done_at)
        ex["failed"] = step["Fails"]
        return True
    _log(ex, done_at, f"Step {index + 1}: {step['Name']} succeeded (simulated)", "Info", index)
    _end_step(ex, "Success", done_at)
    return True


def _end_step(ex: dict[str, Any], status: str, at: float) -> None:
    index = ex["index"]
    ex["activities"][index] = status
    ex["ends"][index] = _iso(at)
    ex["index"] += 1
    ex["step_started"] = None
    ex["clock"] = at


def _resume(backend: "Backend", task: dict[str, Any], ex: dict[str, Any], now: float) -> bool:
    """After an interruption was answered: go on, retry, or fail, as the answer says."""
    row = backend.store.get("interruptions", ex["waiting"])
    interruption = row.resource() if row else None
    if interruption is not None and interruption.get("IsPending"):
        return False
    values = (interruption or {}).get("Form", {}).get("Values", {}) if interruption else {}
    who = backend.username((interruption or {}).get("ResponsibleUserId")) or "someone"
    index = ex["index"]
    step = ex["steps"][index]
    ex["waiting"] = None
    task.update(HasPendingInterruptions=False, PendingInterruptionTypes=[])
    at = max(ex["clock"], now)
    if interruption is None:
        answer = "Abort" if step["Manual"] else "Fail"
    else:
        answer = str(values.get("Result") or values.get("Guidance") or "")
    notes = values.get("Notes")
    suffix = f" ({notes})" if notes else ""
    if step["Manual"]:
        if answer == "Proceed":
            _log(ex, at, f"{who} chose to proceed{suffix}", "Info", index)
            _end_step(ex, "Success", at)
        else:
            reason = f"The manual intervention '{step['Name']}' was aborted by {who}{suffix}."
            _log(ex, at, reason, "Error", index)
            _end_step(ex, "Failed", at)
            ex["failed"] = reason
        return True
    if answer == "Retry":
        ex["retries"] += 1
        _log(ex, at, f"{who} chose to retry the step{suffix}", "Info", index)
        ex["step_started"] = at
        ex["clock"] = at
        return True
    if answer == "Ignore":
        _log(ex, at, f"{who} chose to ignore the failure{suffix}", "Warning", index)
        ex["warned"] = True
        _end_step(ex, "SuccessWithWarning", at)
        return True
    _log(ex, at, f"{who} chose to fail the deployment{suffix}", "Error", index)
    _end_step(ex, "Failed", at)
    ex["failed"] = step["Fails"] or "The step failed."
    # Failing a guided failure ends the task here: no further steps run.
    ex["index"] = len(ex["steps"])
    return True


def _finish(backend: "Backend", task: dict[str, Any], ex: dict[str, Any], state: str, at: float,
            reason: str) -> None:
    for i, status in enumerate(ex["activities"]):
        if status in ("Pending", "Running"):
            ex["activities"][i] = "Canceled" if state in ("Canceled", "TimedOut") else "Skipped"
    _log(ex, at, f"Task finished: {state}" + (f": {reason}" if reason else ""),
         "Info" if state == "Success" else "Error")
    started = ex.get("started") or at
    task.update(State=state, IsCompleted=True, FinishedSuccessfully=state == "Success",
                HasBeenPickedUpByProcessor=state != "Canceled" or bool(ex.get("started")),
                CompletedTime=_iso(at), StartTime=task.get("StartTime") or (_iso(started) if ex.get("started") else None),
                Completed=time.strftime("%A, %B %d, %Y %I:%M %p", time.gmtime(at)),
                Duration=_duration(at - started), ErrorMessage=reason if state != "Success" else "",
                HasWarningsOrErrors=state != "Success" or bool(ex.get("warned")), HasPendingInterruptions=False,
                PendingInterruptionTypes=[], CanRerun=True)
    if ex.get("waiting"):
        from octoclr.simulator.families import interruptions

        interruptions.close(backend, ex["waiting"])
        ex["waiting"] = None
    if state == "Success" and task.get("Name") == "Health":
        from octoclr.simulator.families import machines

        machines.health_checked(backend, task)


def set_state(backend: "Backend", task_id: str, state: str, reason: str = "") -> dict[str, Any]:
    """End a task now: cancelled by a user, or set by ``POST …/state``."""
    advance(backend)
    task = backend.find(TASKS, task_id, None)
    if state not in TERMINAL_STATES:
        raise validation_failed([f"State must be one of {', '.join(TERMINAL_STATES)}."])
    if task.get("IsCompleted"):
        raise BadRequest(f"The task '{task['Id']}' has already completed ({task.get('State')}).",
                         help_text="Only a queued or executing task can be cancelled or have its state set.")
    execution = _load(backend, task["Id"]) or new_execution(backend, task)
    with backend.store.transaction():
        _finish(backend, task, execution, state, time.time(), reason)
        task["LastUpdatedTime"] = codec.now_iso()
        backend._save(TASKS, task, None)
        _keep(backend, task["Id"], execution)
    backend._pending.pop(task["Id"], None)
    return backend._reread(TASKS, task)


# --- what a task tells about itself ---------------------------------------------------------

def log_lines(backend: "Backend", task: dict[str, Any]) -> list[list[Any]]:
    execution = _load(backend, task["Id"])
    if execution is not None:
        return execution["log"]
    lines = [[task.get("QueueTime"), "Info", f"Task queued: {task.get('Description')}"]]
    if task.get("StartTime"):
        lines.append([task["StartTime"], "Info", "Task started (simulated)"])
    if task.get("IsCompleted"):
        lines.append([task.get("CompletedTime"), "Info", f"Task finished: {task['State']}"])
    return lines


def raw_log(backend: "Backend", task: dict[str, Any]) -> str:
    return "".join(f"{line[0]}  {line[1]:<7}  {line[2]}\n" for line in log_lines(backend, task))


def _elements(lines: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"Category": line[1], "Detail": None, "MessageText": line[2], "OccurredAt": line[0]} for line in lines]


def details(backend: "Backend", task_id: str) -> dict[str, Any]:
    advance(backend)
    task = backend.find(TASKS, task_id, None)
    done = bool(task.get("IsCompleted"))
    execution = _load(backend, task["Id"])
    lines = log_lines(backend, task)
    children = []
    if execution is not None:
        for i, step in enumerate(execution["steps"]):
            status = execution["activities"][i]
            children.append({
                "Id": f"{task['Id']}_step-{i + 1}", "Name": f"Step {i + 1}: {step['Name']}",
                "Started": execution["starts"][i], "Ended": execution["ends"][i], "Category": "Info",
                "Status": status, "ProgressPercentage": 100 if status not in ("Pending", "Running") else 0,
                "ProgressMessage": None, "ShowAtSummaryLevel": True,
                "LogElements": _elements([ln for ln in lines if len(ln) > 3 and ln[3] == i]), "Children": []})
    finished_steps = sum(1 for c in children if c["Status"] not in ("Pending", "Running"))
    percentage = 100 if done else (round(100 * finished_steps / len(children)) if children else
                                   50 if task["State"] == "Executing" else 0)
    return {
        "Task": task,
        "Progress": {"ProgressPercentage": percentage,
                     "EstimatedTimeRemaining": "" if done else "a few seconds"},
        "PhysicalLogSize": len(raw_log(backend, task).encode("utf-8")),
        "ActivityLogs": [{"Id": task["Id"], "Name": task.get("Description") or task["Name"],
                          "Started": task.get("StartTime"), "Ended": task.get("CompletedTime"),
                          "Category": "Info", "Status": _ACTIVITY_STATUS.get(task["State"], "Pending"),
                          "ProgressPercentage": percentage, "ProgressMessage": None, "ShowAtSummaryLevel": True,
                          "LogElements": _elements([ln for ln in lines if len(ln) <= 3]), "Children": children}],
        "Links": {"Self": f"/api/tasks/{task['Id']}/details"},
    }


# --- hooks and routes ------------------------------------------------------------------------

@family.hook("before_create", "tasks")
def _queue_posted_task(backend: "Backend", task: dict[str, Any], actor: Optional[str]) -> None:
    wanted = task.get("QueueTime")
    task.update(State="Queued", IsCompleted=False, FinishedSuccessfully=False)
    # Octopus.Client's TaskResource always sends a QueueTime, 0001-01-01 when none was set (its
    # DateTimeOffset is not nullable): a time already past means now, as a real server queues it.
    moment = parse_time(wanted) if wanted else None  # refuses what is not a date
    task["QueueTime"] = wanted if moment is not None and moment > time.time() else codec.now_iso()
    task.setdefault("Description", task.get("Name"))


@family.hook("after_create", "tasks")
def _plan_posted_task(backend: "Backend", task: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    execution = new_execution(backend, task)
    _keep(backend, task["Id"], execution)
    backend._pending[task["Id"]] = execution["eligible"]


def _check_task_space(task: dict[str, Any], call: Call) -> None:
    if task.get("SpaceId") is None and call.principal is not None and not call.principal.is_admin:
        raise Forbidden("You do not have permission to change system tasks.")


@family.route("GET", "tasks/{id}/details")
async def _details(call: Call) -> Any:
    return details(call.backend, call.params["id"])


@family.route("GET", "tasks/{id}/raw")
async def _raw(call: Call) -> Any:
    call.backend.advance_tasks()
    task = call.backend.find(TASKS, call.params["id"], None)
    return Response(raw_log(call.backend, task), media_type="text/plain; charset=utf-8")


@family.route("POST", "tasks/{id}/cancel")
async def _cancel(call: Call) -> Any:
    task = call.backend.find(TASKS, call.params["id"], None)
    _check_task_space(task, call)
    who = call.backend.username(call.actor) or "a user"
    return set_state(call.backend, task["Id"], "Canceled", f"The task was canceled by {who}.")


@family.route("POST", "tasks/{id}/state")
async def _state(call: Call) -> Any:
    task = call.backend.find(TASKS, call.params["id"], None)
    _check_task_space(task, call)
    body = await call.json()
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with a State.")
    return set_state(call.backend, task["Id"], str(body.get("State")), str(body.get("Reason") or ""))


@family.route("GET", "tasks/{id}/queued-behind")
async def _queued_behind(call: Call) -> Any:
    """The tasks queued before this one that have not finished yet."""
    backend = call.backend
    backend.advance_tasks()
    task = backend.find(TASKS, call.params["id"], None)
    mine = parse_time(task.get("QueueTime")) or 0
    ahead = []
    for row in backend.store.rows("tasks"):
        other = row.resource()
        if other["Id"] != task["Id"] and not other.get("IsCompleted") and \
                (parse_time(other.get("QueueTime")) or 0) < mine and not task.get("IsCompleted"):
            ahead.append(row.body)
    return call.page("Task", ahead, f"/api/tasks/{task['Id']}/queued-behind{{?skip,take}}")


#: The kinds of task the simulator queues and runs (``Name`` of a task), for ``…/tasks/tasktypes``.
TASK_TYPES = (("Deploy", "Deploy a release"), ("RunbookRun", "Run a runbook"), ("Health", "Check health"),
              ("AdHocScript", "Run a script"), ("Upgrade", "Upgrade Tentacle"), ("UpdateCalamari", "Update Calamari"),
              ("Retention", "Apply retention policies"), ("TestEmail", "Send a test email"))


@family.route("GET", "tasks/tasktypes")
async def _task_types(call: Call) -> Any:
    return [{"Id": name, "Name": label, "Links": {}} for name, label in TASK_TYPES]


@family.route("POST", "tasks/rerun/{id}")
async def _rerun(call: Call) -> Any:
    """Queue a finished task again, in place: the same id, its plan run from the start, its log kept."""
    backend = call.backend
    backend.advance_tasks()
    task = backend.find(TASKS, call.params["id"], call.space_id)
    _check_task_space(task, call)
    if not task.get("IsCompleted"):
        raise BadRequest(f"The task '{task['Id']}' has not finished ({task.get('State')}); only a finished task "
                         "can be run again.")
    previous = _load(backend, task["Id"]) or new_execution(backend, task)
    now = codec.now_iso()
    task.update(State="Queued", IsCompleted=False, FinishedSuccessfully=False, HasBeenPickedUpByProcessor=False,
                StartTime=None, CompletedTime=None, Completed=None, Duration="0 seconds", ErrorMessage="",
                HasWarningsOrErrors=False, QueueTime=now, QueueTimeExpiry=None, LastUpdatedTime=now, CanRerun=False)
    execution = new_execution(backend, task)
    plan = previous.get("steps") or []
    execution.update(steps=plan, guided=previous.get("guided", False), related=previous.get("related", []),
                     activities=["Pending"] * len(plan), starts=[None] * len(plan), ends=[None] * len(plan),
                     log=[*previous.get("log", []), *execution["log"]])
    with backend.store.transaction():
        backend._save(TASKS, task, call.actor)
        _keep(backend, task["Id"], execution)
    backend._pending[task["Id"]] = execution["eligible"]
    return backend._reread(TASKS, task)
