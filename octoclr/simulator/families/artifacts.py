"""Artifacts: files a deployment or runbook run collected, kept with their task, and their content.

An artifact is created (``POST …/artifacts``) with its ``Filename`` and usually the
``ServerTaskId`` it belongs to (``…/artifacts?regarding=ServerTasks-1`` lists a task's); the
server fills ``Created``. Its bytes go up with ``PUT …/artifacts/{id}/content`` (the raw
body) and come back from ``GET …/content`` with the file's name and a type guessed from it;
until then ``GET …/content`` is a 404 saying so. Content goes when its artifact goes.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import codec
from octoclr.simulator.exceptions import NotFound
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

ARTIFACTS = Collection(
    "artifacts", "Artifacts", "Artifacts", "Artifact",
    query=("skip", "take", "regarding", "ids", "partialName", "order"),
    required=("Filename",), name_field="Filename", unique_name=False,
    defaults={"Filename": None, "Source": None, "ServerTaskId": None, "Created": None,
              "LogCorrelationId": None},
    references={"ServerTaskId": "tasks"},
    links={"Content": "{self}/content"},
    filters={"regarding": "ServerTaskId"},
)

family = Family("artifacts", collections=(ARTIFACTS,))

CONTENTS = "artifactcontents"  # where the bytes are kept, one document per artifact
MAX_ARTIFACT_BYTES = 64 * 1024 * 1024


@family.hook("assign", "artifacts")
def _created(backend: "Backend", artifact: dict[str, Any]) -> None:
    artifact["Created"] = codec.now_iso()


@family.hook("before_delete", "artifacts")
def _gone(backend: "Backend", artifact: dict[str, Any], actor: Optional[str]) -> None:
    backend.store.delete(CONTENTS, artifact["Id"])


def _artifact(call: Call) -> dict[str, Any]:
    return call.backend.find(ARTIFACTS, call.params["id"], call.space_id)


@family.route("GET", "artifacts/{id}/content", scope=SPACE)
async def _content(call: Call) -> Response:
    artifact = _artifact(call)
    row = call.backend.store.get(CONTENTS, artifact["Id"])
    if row is None:
        raise NotFound(f"The artifact '{artifact['Id']}' has no content yet.",
                       help_text=f"Upload it with PUT {artifact['Links']['Content']}.")
    stored = row.resource()
    filename = str(artifact.get("Filename") or artifact["Id"]).replace('"', "")
    media = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(bytes.fromhex(stored["Data"]), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "ETag": f'"{stored["Hash"]}"'})


@family.route("PUT", "artifacts/{id}/content", scope=SPACE)
async def _upload(call: Call) -> Response:
    artifact = _artifact(call)
    data = await call.body(MAX_ARTIFACT_BYTES)
    call.backend.store.put(CONTENTS, {"Id": artifact["Id"], "SpaceId": artifact.get("SpaceId"), "Data": data.hex(),
                                      "Hash": hashlib.sha1(data).hexdigest(), "Length": len(data)}, name=None)
    return Response(status_code=200)
