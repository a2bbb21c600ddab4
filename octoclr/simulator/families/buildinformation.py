"""Build information: the commits, work items and build a package version came from.

``POST …/build-information`` records it for a ``PackageId`` and ``Version`` (listed with
``?packageId=``, read and deleted one by one); ``DELETE …/build-information/bulk?ids=`` deletes
several at once, all or none: an id that is not in the space is a 404 naming it and nothing
is deleted.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from octoclr.simulator.exceptions import BadRequest, NotFound
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import CREATE, DELETE, Collection

BUILD_INFORMATION = Collection(
    "build-information", "BuildInformation", "BuildInformation", "PackageMetadata",
    query=("packageId", "filter", "latest", "skip", "take", "overwriteMode"),
    verbs=frozenset({CREATE, DELETE}), required=("PackageId", "Version"), name_field="PackageId",
    unique_name=False,
)

family = Family("buildinformation", collections=(BUILD_INFORMATION,))


@family.route("DELETE", "build-information/bulk", scope=SPACE)
async def _delete_many(call: Call) -> Any:
    ids = call.query_list("ids")
    if not ids:
        raise BadRequest("Name the build information to delete: ?ids=BuildInformation-1,BuildInformation-2.")
    space = call.space()
    missing = [i for i in ids if (row := call.backend.store.get(BUILD_INFORMATION.path, i)) is None
               or (row.space_id or "").lower() != space.lower()]
    if missing:
        raise NotFound(f"There is no build information {', '.join(repr(i) for i in missing)} in space {space}; "
                       "nothing was deleted.")
    with call.backend.store.transaction():
        for resource_id in ids:
            call.backend.delete(BUILD_INFORMATION, space, resource_id, call.actor)
    return Response(status_code=200)
