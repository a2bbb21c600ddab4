"""Tag sets: each tag gets the id and canonical name a real server gives it.

A tag's ``Id`` is ``<TagSetId>-<n>`` ("TagSets-1-1"), numbered within its set and never
reused; its ``CanonicalTagName`` is ``<set name>/<tag name>``, what tenants and channels use
in ``TenantTags``. A tag sent back with its id keeps it when the set or the tag is renamed;
a tag sent without one is new.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.exceptions import validation_failed
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.families.ordering import reorder
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

TAGSETS = Collection(
    "tagsets", "TagSets", "TagSets", "TagSet",
    defaults={"Name": None, "Description": "", "SortOrder": 0, "Tags": []},
    links={"Web": "/app#/{space}/library/tagsets/{id}"},
    sort_field="SortOrder",
)

family = Family("tagsets", collections=(TAGSETS,))


def _number(tag_id: Any, set_id: str) -> Optional[int]:
    found = re.fullmatch(re.escape(set_id) + r"-(\d+)", str(tag_id or ""), re.IGNORECASE)
    return int(found.group(1)) if found else None


def _name_tags(tag_set: dict[str, Any], stored: Optional[dict[str, Any]]) -> None:
    tags = tag_set.get("Tags")
    if not isinstance(tags, list) or not all(isinstance(t, dict) for t in tags):
        raise validation_failed(["Tags must be a list of tags, each with a Name."])
    names = [str(t.get("Name") or "").strip() for t in tags]
    if any(not n for n in names):
        raise validation_failed(["Every tag needs a Name."])
    duplicates = sorted({n for n in names if [m.lower() for m in names].count(n.lower()) > 1})
    if duplicates:
        raise validation_failed([f"Tag names must be unique within a tag set; repeated: {', '.join(duplicates)}."])
    set_id = tag_set["Id"]
    known = {str(t.get("Id")).lower() for t in (stored or {}).get("Tags", []) if t.get("Id")}
    # Never reuse a number: start past every tag this set has had.
    highest = max([0] + [_number(t.get("Id"), set_id) or 0 for t in [*tags, *(stored or {}).get("Tags", [])]])
    for order, tag in enumerate(tags):
        tag_id = tag.get("Id")
        if not tag_id or (stored is not None and str(tag_id).lower() not in known) or _number(tag_id, set_id) is None:
            highest += 1
            tag_id = f"{set_id}-{highest}"
        tag.update(Id=tag_id, Name=str(tag["Name"]).strip(), CanonicalTagName=f"{tag_set['Name']}/{str(tag['Name']).strip()}",
                   Color=tag.get("Color") or "#333333", Description=tag.get("Description") or "",
                   SortOrder=tag.get("SortOrder") if isinstance(tag.get("SortOrder"), int) else order)


@family.hook("assign", "tagsets")
def _new_set(backend: "Backend", tag_set: dict[str, Any]) -> None:
    _name_tags(tag_set, None)


@family.hook("before_modify", "tagsets")
def _changed_set(backend: "Backend", tag_set: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    _name_tags(tag_set, stored)


@family.route("PUT", "tagsets/sortorder", scope=SPACE)
async def _sort(call: Call) -> Any:
    return reorder(call.backend, TAGSETS, call.space(), await call.json(), call.actor)
