"""Sensitive values: the server keeps them, no response ever carries them.

A collection declares its sensitive fields (``Collection.sensitive``); every save of one of
its resources goes through :func:`seal`, which moves what the client sent into the store's
``secrets`` table and leaves in the body only what a real Octopus Server answers:

* a ``SensitiveValue`` field (``Password``, ``Token``, ``CertificateData``…) becomes
  ``{"HasValue": <kept?>, "NewValue": null}``. A new value (``NewValue`` set, or a plain
  string) replaces the kept one; ``HasValue: true`` without a new value, or the field left
  out of a modify, keeps it; ``HasValue: false`` (or ``null``) forgets it;
* a list field such as ``Variables[].Value`` holds items with an ``Id``; those flagged
  ``IsSensitive`` come back with ``Value: null``. An item sent with ``Value: null`` keeps the
  value kept under its ``Id``; items that are gone, or no longer sensitive, lose theirs.

The bodies in the ``resources`` table are what every GET, list, POST and PUT answers with,
so a value that never reaches a body never reaches a response. Server code that needs a
kept value (a certificate export, a deployment's variables) asks :func:`reveal`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec

if TYPE_CHECKING:
    from octoclr.simulator.resources import Collection
    from octoclr.simulator.store import Store

_LIST_MARK = "[]."


def masked(has_value: bool) -> dict[str, Any]:
    """A SensitiveValue as a real server writes it."""
    return {"HasValue": has_value, "NewValue": None}


def _parent(resource: dict[str, Any], path: str, create: bool = False) -> tuple[Optional[dict[str, Any]], str]:
    """The object that holds the last segment of a dotted path, and that segment."""
    *heads, last = path.split(".")
    node: Any = resource
    for head in heads:
        child = node.get(head) if isinstance(node, dict) else None
        if child is None and create and isinstance(node, dict):
            child = node[head] = {}
        node = child
    return (node if isinstance(node, dict) else None), last


def seal(store: "Store", coll: "Collection", resource: dict[str, Any]) -> None:
    """Keep the resource's sensitive values in the store and take them out of its body."""
    if not coll.sensitive:
        return
    resource_id = str(resource["Id"])
    kept = store.secrets(coll.path, resource_id)
    for path in coll.sensitive:
        if _LIST_MARK in path:
            _seal_items(store, coll.path, resource_id, resource, path, kept)
        else:
            _seal_field(store, coll.path, resource_id, resource, path, kept)


def _seal_field(store: "Store", coll_path: str, resource_id: str, resource: dict[str, Any], path: str,
                kept: dict[str, str]) -> None:
    holder, name = _parent(resource, path)
    if holder is None or name not in holder:
        return  # this resource (e.g. this kind of account) has no such field
    sent = holder[name]
    if isinstance(sent, str):
        new_value: Optional[str] = sent
    elif isinstance(sent, dict) and isinstance(sent.get("NewValue"), str):
        new_value = sent["NewValue"]
    else:
        new_value = None
    if new_value is not None:
        store.set_secret(coll_path, resource_id, path, codec.dumps(new_value).decode())
        holder[name] = masked(True)
    elif isinstance(sent, dict) and sent.get("HasValue"):
        holder[name] = masked(path in kept)
    else:
        if path in kept:
            store.set_secret(coll_path, resource_id, path, None)
        holder[name] = masked(False)


def _seal_items(store: "Store", coll_path: str, resource_id: str, resource: dict[str, Any], path: str,
                kept: dict[str, str]) -> None:
    list_path, value_name = path.split(_LIST_MARK, 1)
    holder, list_name = _parent(resource, list_path)
    items = holder.get(list_name) if holder else None
    prefix = f"{path}:"
    still_sensitive: set[str] = set()
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not item.get("IsSensitive") or item.get("Id") is None:
            continue
        field = prefix + str(item["Id"]).lower()
        still_sensitive.add(field)
        value = item.get(value_name)
        if value is not None:
            store.set_secret(coll_path, resource_id, field, codec.dumps(value).decode())
            item[value_name] = None
    for field in kept:
        if field.startswith(prefix) and field not in still_sensitive:
            store.set_secret(coll_path, resource_id, field, None)


def reveal(store: "Store", coll_path: str, resource_id: str, field: str) -> Optional[Any]:
    """A kept value (for the server's own use, never for a response): ``field`` as declared,
    or ``"Variables[].Value:<item id>"`` for a list item."""
    if ":" in field:
        head, item = field.split(":", 1)
        field = f"{head}:{item.lower()}"
    text = store.secrets(coll_path, resource_id).get(field)
    return None if text is None else codec.loads(text)


def copy_kept(store: "Store", coll_path: str, from_id: str, to_id: str) -> None:
    """Give a copy (a snapshot, a clone) the values its source keeps."""
    for field, value in store.secrets(coll_path, from_id).items():
        store.set_secret(coll_path, to_id, field, value)
