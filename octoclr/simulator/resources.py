"""How a collection the simulator serves is described as data, and where every one is found.

A :class:`Collection` says where a collection lives (space-scoped, system-level or
both), which fields a new resource must carry, which fields name other resources that
must exist, which name must be unique and where, the fields a real server fills in, and
the extra links each resource carries. The generic handlers in :mod:`.app` and the
backend in :mod:`.behaviours` read these definitions; nothing here touches HTTP or SQL.
Each family (:mod:`.families`) defines its own collections beside its routes and rules and
registers them here; :data:`BY_PATH` then finds any of them by its URL segment.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

SPACE = "space"  # lives in a space: /api/Spaces-1/<path>, and /api/<path> for the default space
SYSTEM = "system"  # one per server: /api/<path>
MIXED = "mixed"  # either: SpaceId set or null; listed with ?spaces=&includeSystem=

CREATE, MODIFY, DELETE = "create", "modify", "delete"
ALL_VERBS = frozenset({CREATE, MODIFY, DELETE})
READ_ONLY: frozenset[str] = frozenset()

PAGING = ("skip", "take", "ids", "partialName")


@dataclass(frozen=True)
class Collection:
    path: str  # URL segment, e.g. "environments"
    link: str  # link name in the root documents, e.g. "Environments"
    prefix: str  # id prefix, e.g. "Environments" -> Environments-1
    item_type: str  # ResourceCollection.ItemType
    scope: str = SPACE
    query: tuple[str, ...] = PAGING  # query parameters of the link template
    required: tuple[str, ...] = ("Name",)
    references: Mapping[str, str] = field(default_factory=dict)  # field -> collection path
    name_field: Optional[str] = "Name"
    unique_name: bool = True
    parent_field: Optional[str] = None  # names are unique within this parent, not the space
    defaults: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)  # "{self}", "{space}", "{id}" are filled in
    verbs: frozenset[str] = ALL_VERBS
    newest_first: bool = False
    sort_field: Optional[str] = None  # numeric field that orders the list, e.g. SortOrder
    filters: Mapping[str, str] = field(default_factory=dict)  # query parameter -> field
    blocked_by: tuple[tuple[str, str], ...] = ()  # (collection, field) that still refer to one
    # Fields that hold secrets, kept by the server and never sent back (see families.secrets):
    # "Password", "VersionControlSettings.Password", or "Variables[].Value" for list items flagged IsSensitive.
    sensitive: tuple[str, ...] = ()

    def new_defaults(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.defaults))

    @property
    def space_scoped(self) -> bool:
        return self.scope == SPACE


#: Every collection, in the order the families define them (see :func:`register`).
COLLECTIONS: tuple[Collection, ...] = ()

BY_PATH: dict[str, Collection] = {}
_FIELD_TOKEN = re.compile(r"\{([A-Z][A-Za-z]*)\}")


def register(coll: Collection) -> None:
    """Add a family's collection (see :mod:`.families`); a path is defined once."""
    global COLLECTIONS
    if coll.path in BY_PATH:
        raise ValueError(f"the collection {coll.path!r} is defined twice")
    COLLECTIONS = (*COLLECTIONS, coll)
    BY_PATH[coll.path] = coll


def collection(path: str) -> Optional[Collection]:
    return BY_PATH.get(path.lower())


def link_template(coll: Collection, space_id: Optional[str]) -> str:
    """The collection's link, e.g. ``/api/Spaces-1/projects{/id}{?name,skip,...}``."""
    base = f"/api/{space_id}/{coll.path}" if space_id else f"/api/{coll.path}"
    return base + "{/id}{?" + ",".join(coll.query) + "}" if coll.query else base + "{/id}"


def self_link(coll: Collection, resource_id: str, space_id: Optional[str]) -> str:
    if coll.scope == SPACE and space_id:
        return f"/api/{space_id}/{coll.path}/{resource_id}"
    return f"/api/{coll.path}/{resource_id}"


def render_links(coll: Collection, resource: Mapping[str, Any]) -> dict[str, str]:
    """``Links`` of a stored resource: Self first, then the collection's extra links."""
    resource_id = resource["Id"]
    space_id = resource.get("SpaceId")
    self_path = self_link(coll, resource_id, space_id)
    links = {"Self": self_path}
    values: Callable[[str], str] = lambda name: str(resource.get(name) or "")  # noqa: E731
    for name, template in coll.links.items():
        text = template.replace("{self}", self_path).replace("{id}", resource_id)
        text = text.replace("/{space}/", f"/{space_id}/" if space_id else "/")
        # {FieldName} (capitalised, unlike a URI template's {id} or {?skip}) is the resource's field.
        links[name] = _FIELD_TOKEN.sub(lambda m: values(m.group(1)), text) if "{" in text else text
    return links


# The families add their own collections (runbooks, tasks…) when they are imported; importing
# them here means whoever reads BY_PATH sees every collection, whatever was imported first.
from octoclr.simulator import families as _families  # noqa: E402,F401
