"""Logos: the image a project, tenant, space or step template shows, uploaded and served back.

``GET …/<kind>/{id}/logo`` answers the image uploaded for that resource, or a default one
(a plain square PNG made here, in a colour drawn from the id, as a real server draws a
default); ``POST``/``PUT`` uploads one (``multipart/form-data`` with a file part, as
Octopus.Client's ``SetLogo`` sends, or the image as the body). Only PNG, JPEG, GIF, SVG,
ICO and WebP images are taken; anything else is a 400 "Invalid image provided". A logo
goes when its resource goes.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import TYPE_CHECKING, Any, Optional

from starlette.responses import Response

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, NotFound, PayloadTooLarge
from octoclr.simulator.families.base import SPACE, SYSTEM, Call, Family
from octoclr.simulator.families.packages.multipart import FilePartReader, boundary_of

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

family = Family("logos")

#: Where logos are kept in the store: one document per resource, id "<collection>/<resource id>".
LOGOS = "logos"
MAX_LOGO_BYTES = 1024 * 1024
_KINDS = {"projects": SPACE, "tenants": SPACE, "actiontemplates": SPACE, "spaces": SYSTEM}

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"\x00\x00\x01\x00", "image/x-icon"),
)


def media_type_of(data: bytes) -> Optional[str]:
    """The image type of these bytes, by their signature; None for what is not an image."""
    for signature, media in _SIGNATURES:
        if data.startswith(signature):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def default_logo(seed: str, size: int = 32) -> bytes:
    """A square PNG in one colour drawn from ``seed``: what a resource without a logo shows."""
    red, green, blue = hashlib.sha1(seed.lower().encode()).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _key(path: str, resource_id: str) -> str:
    return f"{path}/{resource_id}"


def _owner(call: Call, path: str) -> dict[str, Any]:
    coll = resources.BY_PATH[path]
    return call.backend.find(coll, call.params["id"], call.space_id if coll.scope == resources.SPACE else None)


async def _image(call: Call) -> bytes:
    """The uploaded image: the file part of a multipart body, or the body itself."""
    content_type = call.request.headers.get("content-type") or ""
    if content_type.lower().startswith("multipart/form-data"):
        parts: list[bytes] = []
        size = 0

        def sink(data: bytes) -> None:
            nonlocal size
            size += len(data)
            if size > MAX_LOGO_BYTES:
                raise PayloadTooLarge(f"A logo may be at most {MAX_LOGO_BYTES} bytes.")
            parts.append(data)

        reader = FilePartReader(boundary_of(content_type), sink)
        async for chunk in call.request.stream():
            reader.feed(chunk)
        reader.close()
        data = b"".join(parts)
    else:
        data = await call.body(MAX_LOGO_BYTES)
    if not data or media_type_of(data) is None:
        raise BadRequest("Invalid image provided.",
                         ["Invalid image provided: upload a PNG, JPEG, GIF, SVG, ICO or WebP file."])
    return data


def _serve(call: Call, path: str) -> Response:
    owner = _owner(call, path)
    row = call.backend.store.get(LOGOS, _key(path, owner["Id"]))
    if row is None:
        return Response(default_logo(owner["Id"]), media_type="image/png", headers={"Cache-Control": "no-cache"})
    stored = row.resource()
    data = bytes.fromhex(stored["Data"])
    etag = f'"{stored["Hash"]}"'
    if call.request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(data, media_type=stored["ContentType"], headers={"ETag": etag, "Cache-Control": "no-cache"})


async def _upload(call: Call, path: str) -> Response:
    owner = _owner(call, path)
    data = await _image(call)
    call.backend.store.put(LOGOS, {"Id": _key(path, owner["Id"]), "SpaceId": owner.get("SpaceId"),
                                   "ContentType": media_type_of(data), "Hash": hashlib.sha1(data).hexdigest(),
                                   "Data": data.hex(), "LastModifiedOn": codec.now_iso(),
                                   "LastModifiedBy": call.backend.username(call.actor)}, name=None)
    return Response(status_code=200)


def forget(backend: "Backend", path: str, resource_id: str) -> None:
    backend.store.delete(LOGOS, _key(path, resource_id))


for _path, _scope in _KINDS.items():
    async def _get(call: Call, _path: str = _path) -> Response:
        return _serve(call, _path)

    async def _put(call: Call, _path: str = _path) -> Response:
        return await _upload(call, _path)

    def _gone(backend: "Backend", resource: dict[str, Any], actor: Optional[str], _path: str = _path) -> None:
        forget(backend, _path, resource["Id"])

    _system = "read" if _scope == SYSTEM else False  # a space's logo: anyone may see it, administrators change it
    family.route("GET", f"{_path}/{{id}}/logo", scope=_scope, system=_system)(_get)
    family.route("POST", f"{_path}/{{id}}/logo", scope=_scope, system=_system)(_put)
    family.route("PUT", f"{_path}/{{id}}/logo", scope=_scope, system=_system)(_put)
    family.hook("before_delete", _path)(_gone)


@family.route("GET", "actiontemplates/{id}/versions/{version}/logo", scope=SPACE)
async def _template_version_logo(call: Call) -> Response:
    """A version of a step template shows the template's logo (logos are not versioned)."""
    return _serve(call, "actiontemplates")


@family.route("GET", "communityactiontemplates/{id}/logo", scope=SYSTEM)
async def _community_logo(call: Call) -> Response:
    template = call.backend.store.get("communityactiontemplates", call.params["id"])
    if template is None:
        raise NotFound(f"The community step template '{call.params['id']}' was not found.")
    return Response(default_logo(template.id), media_type="image/png")
