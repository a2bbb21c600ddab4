"""Events: the audit log a real server keeps of what happens through its API.

Every create, modify and delete made through the generic handlers is recorded by the backend
through :func:`record_change`; other families record what they do (deployments queued,
started, succeeded, failed; tasks canceled…) with :func:`record`. ``GET …/events`` filters
as a real server does (``regarding``, ``regardingAny``, ``users``, ``projects``,
``environments``, ``tenants``, ``eventCategories``, ``eventGroups``, ``documentTypes``,
``from``/``to``, ``fromAutoId``/``toAutoId``), newest first; ``events/categories``,
``events/groups``, ``events/agents`` and ``events/documenttypes`` list what the filters accept.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from octoclr.simulator import codec
from octoclr.simulator.exceptions import BadRequest
from octoclr.simulator.families.base import Call, Family
from octoclr.simulator.resources import MIXED, READ_ONLY, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

EVENTS = Collection(
    "events", "Events", "Events", "Event", MIXED,
    query=("skip", "regarding", "regardingAny", "user", "users", "projects", "projectGroups", "environments",
           "eventGroups", "eventCategories", "eventAgents", "tags", "tenants", "from", "to", "internal",
           "fromAutoId", "toAutoId", "documentTypes", "asCsv", "take", "ids", "spaces", "includeSystem"),
    verbs=READ_ONLY, newest_first=True, name_field=None,
    defaults={"RelatedDocumentIds": [], "Category": None, "UserId": None, "Username": None, "IsService": False,
              "IdentityEstablishedWith": "", "UserAgent": "", "Occurred": None, "Message": "",
              "MessageHtml": "", "MessageReferences": [], "Comments": None, "Details": None,
              "ChangeDetails": {"DocumentContext": None, "Differences": None}},
)

family = Family("events", collections=(EVENTS,))

#: Categories by group, as a real server groups them (the ones the simulator records, and
#: the others a script may filter on).
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Document": ("Document events", ("Created", "Modified", "Deleted")),
    "Deployment": ("Deployment events", ("DeploymentQueued", "DeploymentStarted", "DeploymentSucceeded",
                                         "DeploymentFailed", "DeploymentResumed", "DeploymentPaused")),
    "RunbookRun": ("Runbook run events", ("RunbookRunQueued", "RunbookRunStarted", "RunbookRunSucceeded",
                                          "RunbookRunFailed")),
    "Task": ("Task events", ("TaskCanceled",)),
    "Interruption": ("Interruption events", ("ManualInterventionInterruptionRaised",
                                             "GuidedFailureInterruptionRaised", "InterruptionSubmitted")),
    "Login": ("Login events", ("Login", "LoginFailed", "Logout")),
    "ApiKey": ("API key events", ("ApiKeyCreated", "ApiKeyExpired")),
}

#: Document types, by the prefix of their ids ("Projects-1" is a project).
DOCUMENT_TYPES = ("Accounts", "ActionTemplates", "Artifacts", "Certificates", "Channels", "DeploymentProcesses",
                  "Deployments", "Environments", "Feeds", "Interruptions", "LibraryVariableSets", "Lifecycles",
                  "Machines", "MachinePolicies", "ProjectGroups", "Projects", "ProjectTriggers", "Releases",
                  "Runbooks", "RunbookRuns", "RunbookSnapshots", "ServerTasks", "Spaces", "Subscriptions",
                  "TagSets", "Teams", "Tenants", "UserRoles", "Users", "Variables", "WorkerPools", "Workers")

AGENTS = ("API key", "Session cookie", "Octopus Server")


def _camel(name: str) -> str:
    return name[0].lower() + name[1:] if name else name


def record(backend: "Backend", category: str, message: str, *, related: Sequence[str],
           references: Iterable[tuple[str, str]] = (), actor: Optional[str] = None,
           space_id: Optional[str] = None, details: Optional[str] = None) -> dict[str, Any]:
    """Record one event and return it.

    ``related`` are the document ids the event is about (the ``regarding`` filters match
    them); ``references`` pairs a document id with the text that names it in ``message``, for
    ``MessageReferences``. ``actor`` is the user id who did it (None: the server itself).
    """
    spans = []
    for document_id, text in references:
        at = message.find(text)
        if at >= 0 and text:
            spans.append({"ReferencedDocumentId": document_id, "StartIndex": at, "Length": len(text)})
    ids = list(dict.fromkeys(i for i in related if i))
    return backend._put_child("events", {
        "RelatedDocumentIds": ids, "Category": category, "UserId": actor or "users-system",
        "Username": backend.username(actor) if actor else "system",
        "IdentityEstablishedWith": "API key" if actor else "Octopus Server", "Occurred": codec.now_iso(),
        "Message": message, "MessageHtml": message, "MessageReferences": spans, "Details": details,
        "SpaceId": space_id,
    }, actor)


def record_change(backend: "Backend", category: str, path: str, item_type: str, name_field: Optional[str],
                  resource: dict[str, Any], actor: Optional[str]) -> None:
    """The event for a create, modify or delete made through the API (Created, Modified, Deleted)."""
    if path in ("events", "tasks"):
        return
    name = str(resource.get(name_field) or resource["Id"]) if name_field else resource["Id"]
    message = f"{category} {_camel(item_type)} {name}"
    space_id = resource.get("SpaceId") if path != "spaces" else resource["Id"]
    record(backend, category, message, related=[resource["Id"], space_id or ""],
           references=[(resource["Id"], name)], actor=actor,
           space_id=None if path == "spaces" else space_id)  # a deleted space's events outlive it


# --- listing -----------------------------------------------------------------------------------

def _when(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"The query parameter '{name}' must be a date, as 2020-05-31 or 2020-05-31T12:00:00Z, "
                         f"not '{text}'.") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _auto_id(event_id: str) -> int:
    digits = re.search(r"(\d+)$", event_id)
    return int(digits.group(1)) if digits else 0


def _lower(values: Optional[list[str]]) -> Optional[set[str]]:
    return None if values is None else {v.lower() for v in values}


class EventFilter:
    """What one ``GET …/events`` asks for, tested against each event."""

    def __init__(self, call: Call) -> None:
        self.regarding = _lower(call.query_list("regarding"))
        self.regarding_any = _lower(call.query_list("regardingAny"))
        users = (call.query_list("users") or []) + (call.query_list("user") or [])
        self.users = _lower(users) if users else None
        documents = []
        for name in ("projects", "projectGroups", "environments", "tenants"):
            wanted = call.query_list(name)
            if wanted is not None:
                documents.append(_lower(wanted))
        self.documents = documents
        self.categories = _lower(call.query_list("eventCategories"))
        groups = call.query_list("eventGroups")
        if groups is not None:
            known = {g.lower(): cats for g, (_, cats) in GROUPS.items()}
            grouped = {c.lower() for g in groups for c in known.get(g.lower(), ())}
            self.categories = grouped if self.categories is None else self.categories & grouped
        self.agents = _lower(call.query_list("eventAgents"))
        self.document_types = _lower(call.query_list("documentTypes"))
        start, end = call.query("from"), call.query("to")
        self.start = _when(start, "from") if start else None
        self.end = _when(end, "to") if end else None
        self.from_auto = call.query_int("fromAutoId", None)
        self.to_auto = call.query_int("toAutoId", None)

    def __call__(self, event: dict[str, Any]) -> bool:
        related = {str(i).lower() for i in event.get("RelatedDocumentIds") or ()}
        if self.regarding is not None and not self.regarding <= related:
            return False
        if self.regarding_any is not None and not self.regarding_any & related:
            return False
        if any(not wanted & related for wanted in self.documents):
            return False
        if self.users is not None and str(event.get("UserId") or "").lower() not in self.users:
            return False
        if self.categories is not None and str(event.get("Category") or "").lower() not in self.categories:
            return False
        if self.agents is not None and str(event.get("IdentityEstablishedWith") or "").lower() not in self.agents:
            return False
        if self.document_types is not None:
            types = {i.split("-", 1)[0] for i in related}
            if not types & self.document_types:
                return False
        if self.start or self.end:
            occurred = _when(str(event.get("Occurred") or ""), "Occurred")
            if self.start and occurred < self.start or self.end and occurred > self.end:
                return False
        number = _auto_id(str(event.get("Id") or ""))
        if self.from_auto is not None and number < self.from_auto:
            return False
        if self.to_auto is not None and number > self.to_auto:
            return False
        return True


def _scope(call: Call) -> tuple[Any, bool]:
    from octoclr.simulator.store import ANY_SPACE

    if call.space_id:
        return [call.space()], call.query_bool("includeSystem")
    spaces = call.query_list("spaces")
    if spaces is None:
        return ANY_SPACE, True
    if any(s.lower() == "all" for s in spaces):
        return [r.id for r in call.backend.store.rows("spaces")], call.query_bool("includeSystem", True)
    return spaces, call.query_bool("includeSystem", True)


@family.route("GET", "events")
async def list_events(call: Call) -> bytes:
    spaces, include_system = _scope(call)
    wanted = EventFilter(call)
    _, bodies = call.backend.store.query("events", spaces=spaces, include_system=include_system,
                                         ids=call.query_list("ids"), newest_first=True)
    kept = [b for b in bodies if wanted(codec.loads(b))]
    prefix = f"/api/{call.space_id}" if call.space_id else "/api"
    template = prefix + "/events{/id}{?skip,regarding,regardingAny,user,users,projects,projectGroups,environments," \
                        "eventGroups,eventCategories,eventAgents,tags,tenants,from,to,internal,fromAutoId,toAutoId," \
                        "documentTypes,asCsv,take,ids,spaces,includeSystem}"
    return call.page("Event", kept, template)


def _applies_to(call: Call) -> Optional[str]:
    applies = call.query("appliesTo")
    return applies.strip().lower() if applies else None


@family.route("GET", "events/categories")
async def categories(call: Call) -> list[dict[str, Any]]:
    applies = _applies_to(call)
    groups = [g for g in GROUPS if applies is None or g.lower() == applies]
    return [{"Id": c, "Name": re.sub(r"(?<!^)(?=[A-Z])", " ", c)} for g in groups for c in GROUPS[g][1]]


@family.route("GET", "events/groups")
async def groups(call: Call) -> list[dict[str, Any]]:
    applies = _applies_to(call)
    return [{"Id": g, "Name": name, "EventCategories": list(cats)} for g, (name, cats) in GROUPS.items()
            if applies is None or g.lower() == applies]


@family.route("GET", "events/agents")
async def agents(call: Call) -> list[dict[str, Any]]:
    return [{"Id": a, "Name": a} for a in AGENTS]


@family.route("GET", "events/documenttypes")
async def document_types(call: Call) -> list[dict[str, Any]]:
    return [{"Id": t, "Name": t} for t in DOCUMENT_TYPES]
