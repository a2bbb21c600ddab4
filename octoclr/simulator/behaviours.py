"""The backend: what creating, changing and deleting each kind of resource does.

Plain methods over :class:`~.store.Store` that raise :class:`~.exceptions.ApiError`;
nothing here knows about HTTP. Generic rules (required fields, types, references,
unique names) come from the :mod:`.resources` definitions; the per-collection rules a
real server applies (a project brings its deployment process, variable set and default
channel; a deployment starts a server task that runs to ``Success``; a new space gets
its default lifecycle, project group, machine policy and worker pool) are the families'
hooks (:mod:`.families`), run around the generic create, modify and delete.
"""

from __future__ import annotations

import re
import time
from typing import Any, Iterable, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.auth import Authenticator
from octoclr.simulator.families import secrets as sealing
from octoclr.simulator.exceptions import BadRequest, Conflict, MethodNotAllowed, NotFound, validation_failed
from octoclr.simulator.resources import CREATE, DELETE, MODIFY, Collection
from octoclr.simulator.store import ANY_SPACE, Row, Store

_SERVER_OWNED = ("Id", "Links", "LastModifiedOn", "LastModifiedBy")

#: ``/api/<space>/<parent>/{id}/<sub>`` lists children whose field holds the parent's id.
SUBCOLLECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("projects", "channels"): ("channels", "ProjectId"),
    ("projects", "releases"): ("releases", "ProjectId"),
    ("projects", "triggers"): ("projecttriggers", "ProjectId"),
    ("channels", "releases"): ("releases", "ChannelId"),
    ("releases", "deployments"): ("deployments", "ReleaseId"),
    ("environments", "machines"): ("machines", "EnvironmentIds"),
    ("projectgroups", "projects"): ("projects", "ProjectGroupId"),
    ("lifecycles", "projects"): ("projects", "LifecycleId"),
    ("machinepolicies", "machines"): ("machines", "MachinePolicyId"),
    ("machinepolicies", "workers"): ("workers", "MachinePolicyId"),
    ("workerpools", "workers"): ("workers", "WorkerPoolIds"),
    ("teams", "scopeduserroles"): ("scopeduserroles", "TeamId"),
    ("machines", "tasks"): ("tasks", "Arguments.MachineIds"),
}



def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _field(resource: dict[str, Any], path: str) -> Any:
    value: Any = resource
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def matches(resource: dict[str, Any], field: str, wanted: list[str]) -> bool:
    """Does the resource's field hold (one of) the wanted values? Case-insensitive."""
    wanted_keys = {w.strip().lower() for w in wanted if w.strip()}
    if not wanted_keys:
        return True
    if field == "*text":
        text = " ".join(str(resource.get(k) or "") for k in ("Username", "DisplayName", "EmailAddress")).lower()
        return any(w in text for w in wanted_keys)
    value = _field(resource, field)
    if isinstance(value, dict):
        values: Iterable[Any] = value.keys()
    elif isinstance(value, list):
        values = value
    else:
        values = [value]
    return any(str(v).lower() in wanted_keys for v in values if v is not None)


def _expected_type(default: Any) -> Optional[type]:
    for kind in (bool, int, str, list, dict):
        if isinstance(default, kind):
            return kind
    return None


class Backend:
    def __init__(self, store: Store, *, version: str = "2024.1.0", task_duration: float = 0.5) -> None:
        self.store = store
        self.version = version
        self.task_duration = task_duration
        self.auth = Authenticator(store)
        self._pending: dict[str, float] = {}
        self._root: Optional[bytes] = None
        self._space_roots: dict[str, bytes] = {}
        self._usernames: dict[str, str] = {}
        self.reload()

    # --- caches ------------------------------------------------------------------

    def reload(self) -> None:
        """Forget everything derived from the database (after a reset or a restore)."""
        self._root = None
        self._space_roots.clear()
        self._usernames.clear()
        self.auth.invalidate()
        self._pending = {}
        for row in self.store.rows("tasks"):
            if not row.resource().get("IsCompleted"):
                self._pending[row.id] = time.time()

    def _changed(self, coll: str) -> None:
        if coll in ("spaces",):
            self._root = None
            self._space_roots.clear()
        if coll in ("teams", "users"):
            self.auth.invalidate()
            self._usernames.clear()

    @property
    def installation_id(self) -> str:
        return self.store.get_meta("installation_id") or "00000000-0000-0000-0000-000000000000"

    def default_space_id(self) -> Optional[str]:
        for row in self.store.rows("spaces"):
            if row.resource().get("IsDefault"):
                return row.id
        return None

    def root_document(self) -> bytes:
        if self._root is None:
            from octoclr.simulator.rootdoc import root_document

            self._root = codec.dumps(root_document(self.version, self.installation_id, self.default_space_id()))
        return self._root

    def space_root_document(self, space_id: str) -> bytes:
        cached = self._space_roots.get(space_id.lower())
        if cached is None:
            from octoclr.simulator.rootdoc import space_root_document

            row = self.store.get("spaces", space_id)
            if row is None:
                raise NotFound(f"The space '{space_id}' was not found.")
            cached = codec.dumps(space_root_document(row.id))
            self._space_roots[space_id.lower()] = cached
        return cached

    def username(self, user_id: Optional[str]) -> Optional[str]:
        if not user_id:
            return None
        if user_id not in self._usernames:
            row = self.store.get("users", user_id)
            self._usernames[user_id] = str(row.resource().get("Username") or user_id) if row else user_id
        return self._usernames[user_id]

    # --- reads ----------------------------------------------------------------------

    def find(self, coll: Collection, resource_id: str, space_id: Optional[str]) -> dict[str, Any]:
        row = self.find_row(coll, resource_id, space_id)
        return row.resource()

    def find_row(self, coll: Collection, resource_id: str, space_id: Optional[str]) -> Row:
        if coll.path == "tasks":
            self.advance_tasks()
        row = self.store.get(coll.path, resource_id)
        if row is None and coll.path == "projects":
            row = self._project_by_slug(resource_id, space_id)
        if row is None or (space_id and coll.scope == resources.SPACE and (row.space_id or "").lower() != space_id.lower()):
            raise NotFound(f"The resource '{resource_id}' was not found.")
        return row

    def _project_by_slug(self, slug: str, space_id: Optional[str]) -> Optional[Row]:
        space = space_id or self.default_space_id()
        for row in self.store.rows("projects", space):
            if (row.resource().get("Slug") or "").lower() == slug.lower():
                return row
        return None

    def query_collection(
        self,
        coll: Collection,
        *,
        spaces: Any,
        include_system: bool,
        ids: Optional[list[str]],
        name: Optional[str],
        partial_name: Optional[str],
        filters: dict[str, list[str]],
        skip: int,
        take: Optional[int],
    ) -> tuple[int, list[bytes]]:
        if coll.path == "tasks":
            self.advance_tasks()
        name_column = coll.name_field is not None
        if not filters:
            return self.store.query(
                coll.path, spaces=spaces, include_system=include_system, ids=ids,
                name=name if name_column else None, partial_name=partial_name if name_column else None,
                newest_first=coll.newest_first, skip=skip, take=take,
            )
        total, bodies = self.store.query(
            coll.path, spaces=spaces, include_system=include_system, ids=ids,
            name=name if name_column else None, partial_name=partial_name if name_column else None,
            newest_first=coll.newest_first,
        )
        kept = [b for b in bodies if all(matches(codec.loads(b), f, v) for f, v in filters.items())]
        end = None if take is None else skip + take
        return len(kept), kept[skip:end]

    # --- writes ---------------------------------------------------------------------

    def create(
        self, coll: Collection, space_id: Optional[str], body: Any, actor: Optional[str], *, explicit_id: bool = False
    ) -> dict[str, Any]:
        if CREATE not in coll.verbs:
            raise MethodNotAllowed(f"Resources of type {coll.item_type} cannot be created through this route.")
        incoming = self._object(body)
        resource = coll.new_defaults()
        wanted_id = incoming.get("Id") if explicit_id else None
        if wanted_id and self.store.get(coll.path, wanted_id) is not None:
            raise validation_failed([f"The id '{wanted_id}' is already in use."])
        for key, value in incoming.items():
            if key not in _SERVER_OWNED:
                resource[key] = value
        with self.store.transaction():
            resource["SpaceId"] = self._space_for(coll, space_id, incoming.get("SpaceId"))
            if coll.scope == resources.SYSTEM:
                resource.pop("SpaceId", None)
            self._hooks("before_create", coll.path, resource, actor)
            self._validate(coll, resource, None)
            resource["Id"] = wanted_id or self._new_id(coll, resource)
            self._hooks("assign", coll.path, resource)
            self._save(coll, resource, actor)
            self._hooks("after_create", coll.path, resource, actor, incoming)
            self._record_event("Created", coll, resource, actor)
        self._changed(coll.path)
        return self._reread(coll, resource)

    def modify(
        self, coll: Collection, space_id: Optional[str], resource_id: str, body: Any, actor: Optional[str]
    ) -> dict[str, Any]:
        if MODIFY not in coll.verbs:
            raise MethodNotAllowed(f"Resources of type {coll.item_type} cannot be modified.")
        incoming = self._object(body)
        with self.store.transaction():
            stored = self.find(coll, resource_id, space_id)
            resource = dict(stored)
            for key, value in incoming.items():
                if key not in _SERVER_OWNED:
                    resource[key] = value
            # A client model without SpaceId (e.g. a machine in Octopus.Client 8.2) keeps the stored one.
            sent_space = incoming.get("SpaceId")
            if sent_space and (stored.get("SpaceId") or "").lower() != str(sent_space).lower():
                raise validation_failed([f"The resource belongs to space '{stored.get('SpaceId')}'; "
                                         f"it cannot be moved to '{sent_space}'."])
            if "SpaceId" in stored:
                resource["SpaceId"] = stored["SpaceId"]
            resource["Id"] = stored["Id"]
            self._hooks("before_modify", coll.path, resource, stored, actor)
            self._validate(coll, resource, stored["Id"])
            self._save(coll, resource, actor)
            self._record_event("Modified", coll, resource, actor)
        self._changed(coll.path)
        return self._reread(coll, resource)

    def delete(self, coll: Collection, space_id: Optional[str], resource_id: str, actor: Optional[str]) -> None:
        if DELETE not in coll.verbs:
            raise MethodNotAllowed(f"Resources of type {coll.item_type} cannot be deleted.")
        with self.store.transaction():
            stored = self.find(coll, resource_id, space_id)
            for other, field in coll.blocked_by:
                users = [r.id for r in self.store.rows(other, stored.get("SpaceId") if "SpaceId" in stored else ANY_SPACE)
                         if matches(r.resource(), field, [stored["Id"]])]
                if users:
                    raise BadRequest(
                        f"This {coll.item_type.lower()} is in use by {', '.join(users[:5])} and cannot be deleted.",
                        help_text="Delete or change the resources that refer to it first.",
                    )
            self._hooks("before_delete", coll.path, stored, actor)
            self.store.delete(coll.path, stored["Id"])
            self._record_event("Deleted", coll, stored, actor)
        self._changed(coll.path)

    def _hooks(self, event: str, path: str, *args: Any) -> None:
        """The families' rules for this event of this collection, in family order."""
        from octoclr.simulator import families

        for hook in families.hooks(event, path):
            hook(self, *args)

    # --- generic rules ------------------------------------------------------------------

    @staticmethod
    def _object(body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        return body

    def _space_for(self, coll: Collection, url_space: Optional[str], sent: Any) -> Optional[str]:
        if coll.scope == resources.SYSTEM:
            return None
        if sent is not None and not isinstance(sent, str):
            raise validation_failed(["SpaceId must be a string."])
        target = url_space or sent or (self.default_space_id() if coll.scope == resources.SPACE else None)
        if url_space and sent and sent.lower() != url_space.lower():
            raise validation_failed([f"The SpaceId '{sent}' does not match the space of the URL, '{url_space}'."])
        if target is None:
            if coll.scope == resources.SPACE:
                raise validation_failed(["There is no default space; give a SpaceId."])
            return None
        row = self.store.get("spaces", target)
        if row is None:
            raise validation_failed([f"The space '{target}' does not exist."])
        return row.id

    def _validate(self, coll: Collection, resource: dict[str, Any], own_id: Optional[str]) -> None:
        errors: list[str] = []
        for key, default in coll.defaults.items():
            kind = _expected_type(default)
            value = resource.get(key)
            if kind is None:
                continue
            if value is None:
                resource[key] = type(default)(default) if kind in (list, dict) else default
                continue
            if kind is int:
                valid = (isinstance(value, int) and not isinstance(value, bool)) or (
                    isinstance(value, float) and value.is_integer())
            else:
                valid = isinstance(value, kind)
            if not valid:
                errors.append(f"{key} must be {'a list' if kind is list else 'an object' if kind is dict else f'a {kind.__name__}'}.")
        for key in coll.required:
            value = resource.get(key)
            if value is None or (isinstance(value, (str, list, dict)) and not (value.strip() if isinstance(value, str) else value)):
                errors.append(f"Please provide a value for {key}." if key != "Roles" and key != "EnvironmentIds"
                              else f"Please specify at least one value for {key}.")
        if coll.name_field and isinstance(resource.get(coll.name_field), str) is False and resource.get(coll.name_field) is not None:
            errors.append(f"{coll.name_field} must be a string.")
        if errors:
            raise validation_failed(errors)
        for key, target_path in coll.references.items():
            value = resource.get(key)
            if value in (None, "", []):
                continue
            values = value if isinstance(value, list) else [value]
            target = resources.BY_PATH[target_path]
            canonical = []
            for item in values:
                if not isinstance(item, str):
                    errors.append(f"{key} must hold resource ids.")
                    continue
                row = self.store.get(target_path, item)
                same_space = row is not None and (
                    target.scope != resources.SPACE or (row.space_id or "").lower() == (resource.get("SpaceId") or "").lower()
                )
                if row is None or not same_space:
                    errors.append(f"The {target.item_type.lower()} '{item}' referenced by {key} does not exist"
                                  + (f" in space {resource.get('SpaceId')}." if target.scope == resources.SPACE else "."))
                else:
                    canonical.append(row.id)
            if not errors:
                resource[key] = canonical if isinstance(value, list) else canonical[0]
        if errors:
            raise validation_failed(errors)
        if coll.unique_name and coll.name_field:
            name = resource.get(coll.name_field)
            parent = resource.get(coll.parent_field) if coll.parent_field else None
            if name and self.store.name_taken(coll.path, name, resource.get("SpaceId"), parent, own_id):
                where = "in this project" if coll.parent_field else "in this space" if resource.get("SpaceId") else ""
                raise validation_failed([f"A {coll.item_type.lower()} with the {coll.name_field.lower()} '{name}' "
                                         f"already exists {where}. Please choose a different {coll.name_field.lower()}."
                                         .replace("  ", " ")])

    def _new_id(self, coll: Collection, resource: dict[str, Any]) -> str:
        while True:
            candidate = f"{coll.prefix}-{self.store.next_number(coll.prefix)}"
            if self.store.get(coll.path, candidate) is None:
                return candidate

    def reserve_id(self, coll: Collection, resource_id: str) -> None:
        """Keep generated ids clear of an id given explicitly (seed files)."""
        match = re.fullmatch(re.escape(coll.prefix) + r"-(\d+)", resource_id, re.IGNORECASE)
        if match:
            while self.store.next_number(coll.prefix) < int(match.group(1)):
                pass

    def _save(self, coll: Collection, resource: dict[str, Any], actor: Optional[str]) -> None:
        # Secrets go to their own table before the body is written: bodies are what responses carry.
        sealing.seal(self.store, coll, resource)
        # Field order as a real server writes it: Id first, the audit fields, then Links last.
        ordered = {"Id": resource["Id"]}
        ordered.update((k, v) for k, v in resource.items() if k not in _SERVER_OWNED)
        ordered["LastModifiedOn"] = codec.now_iso()
        ordered["LastModifiedBy"] = self.username(actor)
        ordered["Links"] = resources.render_links(coll, ordered)
        resource.clear()
        resource.update(ordered)
        name = resource.get(coll.name_field) if coll.name_field else None
        parent = resource.get(coll.parent_field) if coll.parent_field else None
        sort_num = resource.get(coll.sort_field, 0) if coll.sort_field else 0
        self.store.put(coll.path, resource, name=name if isinstance(name, str) else None,
                       parent_id=parent, sort_num=sort_num if isinstance(sort_num, (int, float)) else 0)

    def _reread(self, coll: Collection, resource: dict[str, Any]) -> dict[str, Any]:
        row = self.store.get(coll.path, resource["Id"])
        return row.resource() if row else resource

    def _put_child(self, path: str, resource: dict[str, Any], actor: Optional[str]) -> dict[str, Any]:
        """Store a resource the server makes itself (no validation), e.g. a project's variable set."""
        coll = resources.BY_PATH[path]
        full = coll.new_defaults()
        full.update(resource)
        if "Id" not in full:
            full["Id"] = self._new_id(coll, full)
        self._save(coll, full, actor)
        return full

    def _record_event(self, category: str, coll: Collection, resource: dict[str, Any], actor: Optional[str]) -> None:
        """The audit trail a real server keeps (see :mod:`.families.events`)."""
        from octoclr.simulator.families import events

        events.record_change(self, category, coll.path, coll.item_type, coll.name_field, resource, actor)

    # --- variable sets and deployment processes --------------------------------------------

    @staticmethod
    def _versioned(resource: dict[str, Any], stored: dict[str, Any]) -> None:
        sent = resource.get("Version")
        if sent is not None and sent != stored.get("Version"):
            raise Conflict(
                "The resource you are trying to save has been modified by someone else since you loaded it.",
                help_text="Load the resource again, apply your change and save it again.",
            )
        resource["Version"] = int(stored.get("Version") or 0) + 1

    # --- deployments and tasks -------------------------------------------------------------

    def start_task(self, space_id: Optional[str], name: str, description: str, arguments: dict[str, Any],
                   actor: Optional[str]) -> dict[str, Any]:
        """Queue a task the server makes itself (see :mod:`.families.tasks`)."""
        from octoclr.simulator.families import tasks

        return tasks.start(self, space_id, name, description, arguments, actor)

    def advance_tasks(self) -> None:
        """Move queued and running tasks along (see :mod:`.families.tasks`)."""
        from octoclr.simulator.families import tasks

        tasks.advance(self)


def _guid() -> str:
    import uuid

    return str(uuid.uuid4())
