"""Interruptions: a task waiting on a person (manual intervention, guided failure).

The task engine (:mod:`.tasks`) raises one when a deployment or runbook run reaches a manual
intervention step, or a failing step under guided failure. Someone takes responsibility
(``PUT …/interruptions/{id}/responsible``), then submits the form
(``POST …/interruptions/{id}/submit``): ``Result`` Proceed or Abort for a manual
intervention, ``Guidance`` Fail, Retry or Ignore for a guided failure. The task goes on, or
fails, as the answer says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec
from octoclr.simulator.exceptions import BadRequest, Forbidden, validation_failed
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import READ_ONLY, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

INTERRUPTIONS = Collection(
    "interruptions", "Interruptions", "Interruptions", "Interruption",
    query=("skip", "take", "regarding", "pendingOnly", "ids"), required=(), verbs=READ_ONLY, name_field="Title",
    unique_name=False,
    defaults={"Title": None, "Type": "ManualIntervention", "Created": None, "IsPending": True,
              "Form": {"Values": {}, "Elements": []}, "RelatedDocumentIds": [], "ResponsibleTeamIds": [],
              "ResponsibleUserId": None, "CanTakeResponsibility": True, "HasResponsibility": False,
              "TaskId": None, "CorrelationId": None, "IsLinkedToOtherInterruption": False},
    links={"Submit": "{self}/submit", "Responsible": "{self}/responsible"},
)

family = Family("interruptions", collections=(INTERRUPTIONS,))

#: The answers each kind of interruption accepts, by the form value that carries them.
ANSWERS = {"ManualIntervention": ("Result", ("Proceed", "Abort")),
           "GuidedFailure": ("Guidance", ("Fail", "Retry", "Ignore"))}


def _buttons(values: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"Text": v, "Value": v, "RequiresConfirmation": v in ("Abort", "Fail")} for v in values]


def _form(kind: str, instructions: Optional[str]) -> dict[str, Any]:
    key, values = ANSWERS[kind]
    elements = []
    if kind == "ManualIntervention":
        elements.append({"Name": "Instructions", "Control": {"Type": "Paragraph", "Text": instructions or "",
                                                             "ResolveLinks": False}, "IsValueRequired": False})
    else:
        elements.append({"Name": "Instructions", "Control": {
            "Type": "Paragraph", "ResolveLinks": False,
            "Text": "The step failed. Choose whether to fail the task, retry the step or ignore the failure."},
            "IsValueRequired": False})
    elements.append({"Name": "Notes", "Control": {"Type": "TextArea", "Label": "Notes"}, "IsValueRequired": False})
    elements.append({"Name": key, "Control": {"Type": "SubmitButtonGroup", "Buttons": _buttons(values)},
                     "IsValueRequired": False})
    return {"Values": {"Notes": None, key: None}, "Elements": elements}


def raise_for(backend: "Backend", task: dict[str, Any], execution: dict[str, Any], step: dict[str, Any],
              kind: str) -> dict[str, Any]:
    """Raise the interruption a task now waits on."""
    title = (f"Manual intervention: {step['Name']}" if kind == "ManualIntervention"
             else f"Guided failure: {step['Name']}")
    correlation = f"{task['Id']}_step-{execution['index'] + 1}"
    return backend._put_child("interruptions", {
        "Title": title, "Type": kind, "Created": codec.now_iso(), "IsPending": True,
        "Form": _form(kind, step.get("Instructions")),
        "RelatedDocumentIds": [*execution.get("related", []), task["Id"]],
        "ResponsibleTeamIds": list(step.get("Teams") or []), "TaskId": task["Id"],
        "CorrelationId": correlation, "SpaceId": task.get("SpaceId"),
    }, None)


def close(backend: "Backend", interruption_id: str) -> None:
    """A task that ended (cancelled) takes its pending interruption with it."""
    row = backend.store.get("interruptions", interruption_id)
    if row is not None:
        interruption = row.resource()
        interruption["IsPending"] = False
        interruption["CanTakeResponsibility"] = False
        backend._save(INTERRUPTIONS, interruption, None)


def _find(call: Call) -> dict[str, Any]:
    call.backend.advance_tasks()
    return call.backend.find(INTERRUPTIONS, call.params["id"], call.space_id)


@family.route("GET", "interruptions", scope=SPACE)
async def _list(call: Call) -> Any:
    """Interruptions of the space, newest first, by task or document (``regarding``) and ``pendingOnly``."""
    backend = call.backend
    backend.advance_tasks()
    regarding = (call.query("regarding") or "").lower()
    pending_only = call.query_bool("pendingOnly")
    ids = {i.lower() for i in call.query_list("ids") or []}
    kept = []
    for row in reversed(backend.store.rows("interruptions", call.space())):
        interruption = row.resource()
        if pending_only and not interruption.get("IsPending"):
            continue
        if regarding and regarding not in (str(d).lower() for d in interruption.get("RelatedDocumentIds", [])) \
                and regarding != str(interruption.get("TaskId") or "").lower():
            continue
        if ids and row.id.lower() not in ids:
            continue
        kept.append(row.body)
    space = call.space_id or call.space()
    return call.page("Interruption", kept, f"/api/{space}/interruptions{{/id}}{{?skip,take,regarding,pendingOnly,ids}}")


@family.route("GET", "interruptions/{id}/responsible", scope=SPACE)
async def _responsible(call: Call) -> Any:
    interruption = _find(call)
    user_id = interruption.get("ResponsibleUserId")
    row = call.backend.store.get("users", user_id) if user_id else None
    return row.body if row else None


@family.route("PUT", "interruptions/{id}/responsible", scope=SPACE)
async def _take_responsibility(call: Call) -> Any:
    backend = call.backend
    interruption = _find(call)
    if not interruption.get("IsPending"):
        raise BadRequest("This interruption has already been submitted; no one can take responsibility for it now.")
    if not interruption.get("CanTakeResponsibility"):
        raise Forbidden("You cannot take responsibility for this interruption.")
    interruption["ResponsibleUserId"] = call.actor
    interruption["HasResponsibility"] = True
    with backend.store.transaction():
        backend._save(INTERRUPTIONS, interruption, call.actor)
    row = backend.store.get("users", call.actor or "")
    return row.body if row else None


@family.route("POST", "interruptions/{id}/submit", scope=SPACE)
async def _submit(call: Call) -> Any:
    backend = call.backend
    interruption = _find(call)
    values = await call.json()
    if not isinstance(values, dict):
        raise BadRequest("The request body must be a JSON object of the form's values, e.g. {\"Result\": \"Proceed\"}.")
    if not interruption.get("IsPending"):
        raise BadRequest("This interruption has already been submitted.")
    if (interruption.get("ResponsibleUserId") or "").lower() != (call.actor or "").lower():
        raise BadRequest("You must take responsibility for this interruption before you submit it.",
                         help_text="PUT the interruption's Responsible link first.")
    key, allowed = ANSWERS.get(interruption.get("Type"), ANSWERS["ManualIntervention"])
    lowered = {str(k).lower(): v for k, v in values.items()}
    answer = lowered.get(key.lower())
    if not isinstance(answer, str) or answer.strip().title() not in allowed:
        raise validation_failed([f"{key} must be one of {', '.join(allowed)}, not {answer!r}."])
    notes = lowered.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise validation_failed(["Notes must be text."])
    interruption["Form"]["Values"] = {"Notes": notes, key: answer.strip().title()}
    interruption["IsPending"] = False
    interruption["CanTakeResponsibility"] = False
    with backend.store.transaction():
        backend._save(INTERRUPTIONS, interruption, call.actor)
    backend.advance_tasks()
    row = backend.store.get("interruptions", interruption["Id"])
    return row.body if row else interruption
