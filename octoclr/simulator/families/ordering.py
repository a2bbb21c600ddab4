"""Sort orders a client sets by sending ids in order (environments, worker pools, tag sets).

``PUT …/environments/sortorder`` with ``["Environments-3", "Environments-1", …]`` numbers
those resources 0, 1, 2… in the order sent; resources of the space left out keep their
relative order after them. Every id must name a resource of the space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.exceptions import validation_failed

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend
    from octoclr.simulator.resources import Collection


def reorder(backend: "Backend", coll: "Collection", space_id: str, body: Any, actor: Optional[str]) -> list[dict[str, Any]]:
    """Give the space's resources of ``coll`` the order of the ids in ``body``; the new order, listed."""
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise validation_failed([f"Send the {coll.path} ids in the order wanted, as a JSON list of strings."])
    rows = backend.store.rows(coll.path, space_id)
    by_id = {row.id.lower(): row.resource() for row in rows}
    unknown = [item for item in body if item.lower() not in by_id]
    if unknown:
        raise validation_failed([f"The {coll.item_type.lower()} '{item}' does not exist in space {space_id}."
                                 for item in unknown])
    wanted = list(dict.fromkeys(item.lower() for item in body))
    rest = sorted((key for key in by_id if key not in wanted),
                  key=lambda key: (by_id[key].get(coll.sort_field or "") or 0))
    ordered = []
    with backend.store.transaction():
        for position, key in enumerate([*wanted, *rest]):
            resource = by_id[key]
            if coll.sort_field and resource.get(coll.sort_field) != position:
                resource[coll.sort_field] = position
                backend._save(coll, resource, actor)
            ordered.append(resource)
    return ordered
