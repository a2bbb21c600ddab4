"""Feeds and the built-in feed's packages.

* Feeds: the collection, its links (``Packages``, ``VersionsTemplate``,
  ``SearchPackagesTemplate``, ``SearchPackageVersionsTemplate``) and what they resolve to:
  the packages and versions the built-in feed holds, and ``feeds/stats``. External feeds
  (NuGet, Docker, Maven…) are stored and edited, but their package searches would reach the
  internet: those answer 404 "not simulated".
* The built-in feed, one per space, made with the space and never deleted: upload
  (``POST packages/raw``, multipart, ``overwriteMode`` or the older ``replace``), list,
  latest, search, get, download, delete one or in bulk; delta uploads (the stored package's
  Octodiff signature, then a delta applied to it, see :mod:`octoclr.simulator.octodiff`).

Package files live in the simulator's database (see :mod:`.storage`); an upload streams to
a temporary file up to :data:`MAX_PACKAGE_BYTES` and is stored in one transaction once it
is known to be good, so a failed upload leaves nothing behind.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tempfile
from typing import Any, Iterable, Optional

from starlette.responses import Response

from octoclr.nuget.versions import InvalidVersionRange, NuGetVersion, VersionRange
from octoclr.simulator import codec, octodiff, resources
from octoclr.simulator.exceptions import BadRequest, Conflict, NotFound, PayloadTooLarge, Unauthorized
from octoclr.simulator.families.base import ANY, SITE, Call, Family
from octoclr.simulator.families.packages.identity import PackageIdentity, identify, parse_id_and_version, split_extension
from octoclr.simulator.families.packages.multipart import FilePartReader, boundary_of
from octoclr.simulator.families.packages.storage import PackageStore, StoredPackage
from octoclr.simulator.resources import DELETE, READ_ONLY, Collection

#: The largest package (or delta) an upload may carry; far above the JSON body limit.
MAX_PACKAGE_BYTES = 512 * 1024 * 1024
#: Uploads stay in memory up to this size, then spill to a temporary file.
_SPOOL_BYTES = 8 * 1024 * 1024
BUILT_IN = "BuiltIn"
OVERWRITE_MODES = ("FailIfExists", "OverwriteExisting", "IgnoreIfExists")

FEEDS = Collection(
    "feeds", "Feeds", "Feeds", "Feed",
    query=("skip", "take", "ids", "partialName", "feedType", "name"),
    defaults={"Name": None, "FeedType": "NuGet", "FeedUri": "https://api.nuget.org/v3/index.json",
              "EnhancedMode": False, "DownloadAttempts": 5, "DownloadRetryBackoffSeconds": 10,
              "Username": None, "Password": {"HasValue": False, "NewValue": None},
              "PackageAcquisitionLocationOptions": ["Server", "ExecutionTarget"]},
    sensitive=("Password",),
    links={"Packages": "{self}/packages{?packageId,partialMatch,includeMultipleVersions,includeNotes,"
                       "includePreRelease,versionRange,preReleaseTag,take,skip}",
           "VersionsTemplate": "{self}/packages{?packageIds,includePreRelease,includeMultipleVersions,includeNotes,"
                               "versionRange,preReleaseTag,take,skip}",
           "SearchPackagesTemplate": "{self}/packages/search{?term,skip,take}",
           "SearchPackageVersionsTemplate": "{self}/packages/versions{?packageId,take,skip,includePreRelease,"
                                            "versionRange,preReleaseTag,filter,includeReleaseNotes}"},
    filters={"feedType": "FeedType"},
)

PACKAGES = Collection(
    "packages", "Packages", "packages", "Package",
    query=("nuGetPackageId", "filter", "latest", "skip", "take", "includeNotes"),
    verbs=frozenset({DELETE}), name_field="PackageId",
)

ROOT_LINKS = """
BuiltInFeedStats          system  feeds/stats
PackageUpload             space   packages/raw{?overwriteMode}
PackagesBulk              space   packages/bulk{?ids}
PackageNotesList          space   packages/notes{?packageIds}
PackageDeltaSignature     space   packages/{packageId}/{version}/delta-signature
PackageDeltaUpload        space   packages/{packageId}/{baseVersion}/delta{?overwriteMode}
"""

#: The package metadata of a feed's packages, read-only.
PACKAGE_METADATA = Collection(
    "package-metadata", "PackageMetadata", "PackageMetadata", "PackageMetadata",
    query=("filter", "latest", "skip", "take", "overwriteMode"),
    verbs=READ_ONLY, name_field="PackageId",
)

family = Family("packages", collections=(FEEDS, PACKAGES, PACKAGE_METADATA), root_links=ROOT_LINKS)


# --- the built-in feed of each space --------------------------------------------------------


@family.hook("after_create", "spaces")
def _make_built_in_feed(backend: Any, space: dict[str, Any], actor: Optional[str], incoming: dict[str, Any]) -> None:
    """Every space has its built-in feed; the first one keeps the id real servers give it."""
    feed = {"Name": "Octopus Server (built-in)", "FeedType": BUILT_IN, "SpaceId": space["Id"], "FeedUri": None,
            "DownloadAttempts": 5, "DownloadRetryBackoffSeconds": 10, "DeleteUnreleasedPackagesAfterDays": 30,
            "IsBuiltInRepoSyncEnabled": False}
    if backend.store.get("feeds", "feeds-builtin") is None:
        feed["Id"] = "feeds-builtin"
    backend._put_child("feeds", feed, actor)


@family.hook("before_create", "feeds")
def _one_built_in_feed(backend: Any, feed: dict[str, Any], actor: Optional[str]) -> None:
    if str(feed.get("FeedType") or "").lower() == BUILT_IN.lower():
        raise BadRequest("There is already a built-in feed in this space; it cannot be created through the API.")


@family.hook("before_modify", "feeds")
def _feed_type_stays(backend: Any, feed: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    if (stored.get("FeedType") == BUILT_IN) != (feed.get("FeedType") == BUILT_IN):
        raise BadRequest("A feed's type cannot change to or from the built-in feed.")


@family.hook("before_delete", "feeds")
def _built_in_feed_stays(backend: Any, feed: dict[str, Any], actor: Optional[str]) -> None:
    if feed.get("FeedType") == BUILT_IN:
        raise BadRequest("The built-in feed cannot be deleted.")


@family.hook("before_delete", "spaces")
def _forget_space_packages(backend: Any, space: dict[str, Any], actor: Optional[str]) -> None:
    backend.store.execute("DELETE FROM builtin_packages WHERE space_id=?", (space["Id"],))


def built_in_feed_id(call: Call, space_id: str) -> str:
    for row in call.backend.store.rows("feeds", space_id):
        if row.resource().get("FeedType") == BUILT_IN:
            return row.id
    return "feeds-builtin"


# --- package resources ----------------------------------------------------------------------


def _resource_id(package_id: str, version: str) -> str:
    return f"packages-{package_id}.{version}"


def _with_links(package: StoredPackage, space_id: str) -> dict[str, Any]:
    body = dict(package.body)
    self_link = f"/api/{space_id}/packages/{body['Id']}"
    body["Links"] = {"Self": self_link, "Raw": self_link + "/raw",
                     "Feed": f"/api/{space_id}/feeds/{body.get('FeedId')}"}
    return body


def _new_body(identity: PackageIdentity, content_hash: str, size: int, feed_id: str,
              actor: Optional[str], username: Optional[str]) -> dict[str, Any]:
    now = codec.now_iso()
    return {
        "Id": _resource_id(identity.package_id, identity.version),
        "PackageId": identity.package_id, "NuGetPackageId": identity.package_id,
        "Version": identity.version,
        "Title": identity.title or identity.package_id,
        "Summary": identity.summary, "Description": identity.description or "",
        "ReleaseNotes": identity.release_notes, "Published": now,
        "FileExtension": identity.extension, "FeedId": feed_id, "NuGetFeedId": feed_id,
        "Hash": content_hash, "PackageSizeBytes": size, "PackageVersionBuildInformation": None,
        "LastModifiedOn": now, "LastModifiedBy": username or actor,
    }


def _split_resource_id(text: str) -> tuple[str, str]:
    """``packages-Acme.Web.1.0.0`` (or ``Acme.Web.1.0.0``, as Octopus.Client's GetPackage sends it)."""
    stem = text[len("packages-"):] if text.lower().startswith("packages-") else text
    parsed = parse_id_and_version(stem)
    if parsed is None:
        raise NotFound(f"The package '{text}' was not found: a package id is packages-<PackageId>.<Version>.")
    return parsed


def _find(call: Call, space_id: str, text: str) -> StoredPackage:
    package_id, version = _split_resource_id(text)
    found = PackageStore(call.backend.store).get(space_id, package_id, version)
    if found is None:
        raise NotFound(f"The package '{package_id}' version {version} is not in the built-in feed.")
    return found


def _newest_first(packages: Iterable[StoredPackage]) -> list[StoredPackage]:
    return sorted(packages, key=lambda p: p.sort_version, reverse=True)


def _latest_per_id(packages: Iterable[StoredPackage]) -> list[StoredPackage]:
    newest: dict[str, StoredPackage] = {}
    for package in packages:
        key = package.package_id.lower()
        if key not in newest or package.sort_version > newest[key].sort_version:
            newest[key] = package
    return sorted(newest.values(), key=lambda p: p.package_id.lower())


class VersionFilter:
    """The version parameters of the feed routes: prereleases, a range, a prerelease tag, a text filter."""

    def __init__(self, call: Call) -> None:
        self.include_prerelease = call.query_bool("includePreRelease")
        text = call.query("versionRange")
        try:
            self.range = VersionRange.parse(text) if text else None
        except InvalidVersionRange as error:
            raise BadRequest(f"The 'versionRange' parameter was not a valid NuGet version range: {error}") from None
        tag = call.query("preReleaseTag")
        try:
            self.tag = re.compile(tag) if tag else None
        except re.error as error:
            raise BadRequest(f"The 'preReleaseTag' parameter is not a valid regular expression: {error}") from None
        self.text = (call.query("filter") or "").lower()

    def keeps(self, package: StoredPackage) -> bool:
        version = package.sort_version
        label = ".".join(version.prerelease)
        if self.tag is not None:
            if not self.tag.search(label):
                return False
        elif version.is_prerelease and not self.include_prerelease:
            return False
        if self.range is not None and not self.range.contains(version, prerelease=True):
            return False
        return self.text in package.version.lower()


# --- uploads ---------------------------------------------------------------------------------


def _overwrite_mode(call: Call) -> str:
    mode = call.query("overwriteMode")
    if mode:
        by_number = {str(i): name for i, name in enumerate(OVERWRITE_MODES)}
        for name in OVERWRITE_MODES:
            if mode.strip().lower() == name.lower():
                return name
        if mode.strip() in by_number:
            return by_number[mode.strip()]
        raise BadRequest(f"The overwriteMode '{mode}' is not one of {', '.join(OVERWRITE_MODES)}.")
    return "OverwriteExisting" if call.query_bool("replace") else "FailIfExists"


def _limit(call: Call) -> int:
    return int(getattr(call.app, "max_package", None) or MAX_PACKAGE_BYTES)


async def _receive_file(call: Call) -> tuple[str, "tempfile.SpooledTemporaryFile[bytes]", str, int]:
    """The uploaded file part: its name, its bytes (spooled), their SHA1 and size."""
    limit = _limit(call)
    declared = call.request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PayloadTooLarge(f"The package is larger than the simulator's limit of {limit} bytes.")
    spool: "tempfile.SpooledTemporaryFile[bytes]" = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
    digest = hashlib.sha1()
    size = 0

    def sink(data: bytes) -> None:
        nonlocal size
        size += len(data)
        if size > limit:
            raise PayloadTooLarge(f"The package is larger than the simulator's limit of {limit} bytes.")
        digest.update(data)
        spool.write(data)

    try:
        reader = FilePartReader(boundary_of(call.request.headers.get("content-type")), sink)
        async for chunk in call.request.stream():
            reader.feed(chunk)
        reader.close()
        if size == 0:
            raise BadRequest("The uploaded package file had length 0: a package file must be provided.")
        spool.seek(0)
        return reader.file_name or "", spool, digest.hexdigest(), size
    except BaseException:
        spool.close()
        raise


def _store_upload(call: Call, space_id: str, identity: PackageIdentity, content: bytes, content_hash: str,
                  mode: str) -> Response:
    packages = PackageStore(call.backend.store)
    existing = packages.get(space_id, identity.package_id, identity.version)
    if existing is not None:
        if mode == "IgnoreIfExists":
            return _json(_with_links(existing, space_id), 200)
        if mode == "FailIfExists":
            raise Conflict(
                f"The package {identity.package_id} version {identity.version} already exists in the built-in feed.",
                help_text="Push it with overwriteMode=OverwriteExisting to replace it, or IgnoreIfExists to keep the "
                          "stored one.")
    body = _new_body(identity, content_hash, len(content), built_in_feed_id(call, space_id), call.actor,
                     call.backend.username(call.actor))
    with call.backend.store.transaction():
        packages.put(space_id, body, content)
        _audit(call, "Modified" if existing is not None else "Created", body, space_id)
    stored = packages.get(space_id, identity.package_id, identity.version)
    assert stored is not None
    return _json(_with_links(stored, space_id), 201)


def _audit(call: Call, category: str, body: dict[str, Any], space_id: str) -> None:
    """The audit trail's entry for a package pushed, replaced or deleted."""
    from octoclr.simulator.families import events

    name = f"{body['PackageId']} {body['Version']}"
    verb = {"Created": "pushed to", "Modified": "replaced in", "Deleted": "deleted from"}[category]
    events.record(call.backend, category, f"Package {name} was {verb} the built-in feed", related=[body["Id"], space_id],
                  references=[(body["Id"], name)], actor=call.actor, space_id=space_id)


def _json(body: Any, status: int = 200) -> Response:
    return Response(codec.dumps(body), status_code=status, media_type="application/json; charset=utf-8")


@family.route("POST", "packages/raw", scope=ANY)
async def upload(call: Call) -> Response:
    mode = _overwrite_mode(call)
    space_id = call.space()
    file_name, spool, content_hash, _ = await _receive_file(call)
    with spool:
        identity = identify(file_name, spool)
        spool.seek(0)
        return _store_upload(call, space_id, identity, spool.read(), content_hash, mode)


# --- the NuGet push endpoint (nuget.exe / dotnet nuget push --source …/nuget/packages) --------------------


@family.route("PUT", "nuget/packages", scope=SITE, anonymous=True)
async def nuget_push(call: Call) -> Response:
    return await _nuget_push(call, None)


@family.route("PUT", "{spaceId}/nuget/packages", scope=SITE, anonymous=True)
async def nuget_push_to_space(call: Call) -> Response:
    return await _nuget_push(call, call.params["spaceId"])


async def _nuget_push(call: Call, space_id: Optional[str]) -> Response:
    """A NuGet client's push: the API key in ``X-NuGet-ApiKey``, the package in a form, ``?replace=true``
    to overwrite; 201 when stored, 409 when the version is already there."""
    key = call.request.headers.get("x-nuget-apikey") or call.request.headers.get("x-octopus-apikey")
    principal = call.backend.auth.identify({"x-octopus-apikey": key} if key else {}, {}, {})
    if principal is None:
        raise Unauthorized("Pushing a package needs an Octopus API key, sent as the NuGet API key (X-NuGet-ApiKey).")
    call.principal = principal
    if space_id is not None:
        row = call.backend.store.get("spaces", space_id)
        if row is None:
            raise NotFound(f"The space '{space_id}' was not found.")
        space = row.id
    else:
        space = call.space()
    mode = _overwrite_mode(call)
    file_name, spool, content_hash, _ = await _receive_file(call)
    with spool:
        if not file_name.lower().endswith(".nupkg"):
            file_name = (file_name or "package") + ".nupkg"  # NuGet clients name the part "package"
        identity = identify(file_name, spool)
        spool.seek(0)
        return _store_upload(call, space, identity, spool.read(), content_hash, mode)


def _base_for(packages: list[StoredPackage], version: str) -> Optional[StoredPackage]:
    """The stored version a delta for ``version`` is best built against: the newest not above it."""
    if not packages:
        return None
    wanted = NuGetVersion.parse(version)
    below = [p for p in packages if p.sort_version <= wanted]
    return max(below or packages, key=lambda p: p.sort_version)


@family.route("GET", "packages/{packageId}/{version}/delta-signature", scope=ANY)
async def delta_signature(call: Call) -> Any:
    space_id = call.space()
    package_id, version = call.params["packageId"], call.params["version"]
    try:
        NuGetVersion.parse(version)
    except ValueError:
        raise BadRequest(f"'{version}' is not a valid package version.") from None
    base = _base_for(PackageStore(call.backend.store).versions_of(space_id, package_id), version)
    if base is None:
        raise NotFound(f"No version of the package '{package_id}' is in the built-in feed to build a delta against.")
    content = PackageStore(call.backend.store).content(space_id, base.package_id, base.version) or b""
    signature = octodiff.create_signature(io.BytesIO(content))
    return {"BaseVersion": base.version, "Signature": base64.b64encode(signature).decode("ascii")}


@family.route("POST", "packages/{packageId}/{baseVersion}/delta", scope=ANY)
async def delta_upload(call: Call) -> Response:
    mode = _overwrite_mode(call)
    space_id = call.space()
    package_id, base_version = call.params["packageId"], call.params["baseVersion"]
    file_name, spool, _, _ = await _receive_file(call)
    with spool:
        stem, _ = split_extension(file_name)
        parsed = parse_id_and_version(stem)
        if parsed is None:
            raise BadRequest(f"The package id and version could not be read from the delta's file name '{file_name}'.")
        if parsed[0].lower() != package_id.lower():
            raise BadRequest(f"The delta is for the package '{parsed[0]}', but the URL names '{package_id}'.")
        basis = PackageStore(call.backend.store).content(space_id, package_id, base_version)
        if basis is None:
            raise NotFound(f"The base package '{package_id}' version {base_version} is not in the built-in feed.")
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as result:
            try:
                content_hash = octodiff.apply_delta(basis, spool.read(), _Bounded(result, _limit(call)))
            except octodiff.OctodiffError as error:
                raise BadRequest(f"The delta could not be applied to {package_id} {base_version}: {error}",
                                 help_text="Push the whole package instead.") from None
            identity = identify(file_name, result)
            result.seek(0)
            return _store_upload(call, space_id, identity, result.read(), content_hash, mode)


class _Bounded:
    """A writable file that refuses to grow past the package limit (a delta can expand a lot)."""

    def __init__(self, target: Any, limit: int) -> None:
        self.target, self.limit, self.size = target, limit, 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise PayloadTooLarge(f"The patched package is larger than the simulator's limit of {self.limit} bytes.")
        return int(self.target.write(data))


# --- reading and deleting packages ---------------------------------------------------------------


def _packages_template(space_id: str) -> str:
    return resources.link_template(PACKAGES, space_id)


@family.route("GET", "packages", scope=ANY)
async def list_packages(call: Call) -> Any:
    space_id = call.space()
    wanted, text = call.query("nuGetPackageId"), call.query("filter")
    if wanted and text:
        raise BadRequest("Only one of either nuGetPackageId or filter may be specified.")
    packages = PackageStore(call.backend.store).all(space_id)
    if wanted:
        packages = _newest_first(p for p in packages if p.package_id.lower() == wanted.lower())
    else:
        if text:
            packages = [p for p in packages if text.lower() in p.package_id.lower()]
        if call.query_bool("latest"):
            packages = _latest_per_id(packages)
        else:
            packages = sorted(_newest_first(packages), key=lambda p: p.package_id.lower())
    ids = call.query_list("ids")
    if ids is not None:
        keep = {i.lower() for i in ids}
        packages = [p for p in packages if str(p.body["Id"]).lower() in keep]
    bodies = [codec.dumps(_with_links(p, space_id)) for p in packages]
    return call.page("Package", bodies, _packages_template(space_id))


@family.route("GET", "packages/notes", scope=ANY)
async def package_notes_list(call: Call) -> Any:
    """Release notes of several packages; ``packageIds`` lists package ids (``packages-<Id>.<Version>``)."""
    space_id = call.space()
    feed_id = built_in_feed_id(call, space_id)
    found = []
    for text in call.query_list("packageIds") or []:
        try:
            package: Optional[StoredPackage] = _find(call, space_id, text)
        except NotFound:
            package = None
        parsed = parse_id_and_version(text[len("packages-"):] if text.lower().startswith("packages-") else text)
        package_id, version = (package.package_id, package.version) if package else (parsed or (text, ""))
        found.append({"FeedId": feed_id, "PackageId": package_id, "Version": version, "Notes": {
            "Succeeded": package is not None, "Notes": package.body.get("ReleaseNotes") if package else None,
            "FailureReason": None if package else f"The package '{text}' is not in the built-in feed.",
            "DisplayMessage": None}})
    return {"Id": None, "Packages": found, "LastModifiedOn": None, "LastModifiedBy": None,
            "Links": {"Self": call.request.url.path}}


@family.route("DELETE", "packages/bulk", scope=ANY)
async def delete_bulk(call: Call) -> Any:
    space_id = call.space()
    ids = call.query_list("ids")
    if not ids:
        raise BadRequest("No ids parameter was provided.")
    targets = []
    for text in ids:  # the ones that exist go; an id that names nothing is passed over
        try:
            targets.append(_find(call, space_id, text))
        except NotFound:
            continue
    packages = PackageStore(call.backend.store)
    with call.backend.store.transaction():
        for package in targets:
            packages.delete(space_id, package.package_id, package.version)
            _audit(call, "Deleted", package.body, space_id)
    return None


@family.route("GET", "packages/{id}", scope=ANY)
async def get_package(call: Call) -> Any:
    space_id = call.space()
    return _with_links(_find(call, space_id, call.params["id"]), space_id)


@family.route("DELETE", "packages/{id}", scope=ANY)
async def delete_package(call: Call) -> Any:
    space_id = call.space()
    package = _find(call, space_id, call.params["id"])
    with call.backend.store.transaction():
        PackageStore(call.backend.store).delete(space_id, package.package_id, package.version)
        _audit(call, "Deleted", package.body, space_id)
    return None


@family.route("GET", "packages/{id}/raw", scope=ANY)
async def download(call: Call) -> Response:
    space_id = call.space()
    package = _find(call, space_id, call.params["id"])
    content = PackageStore(call.backend.store).content(space_id, package.package_id, package.version) or b""
    file_name = f"{package.package_id}.{package.version}{package.body.get('FileExtension') or ''}"
    return Response(content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})


# --- what feeds link to ------------------------------------------------------------------------------


def _feed(call: Call) -> dict[str, Any]:
    """The feed the URL names; only the built-in feed's packages are simulated."""
    feed = call.backend.find(FEEDS, call.params["id"], call.space_id)
    if feed.get("FeedType") != BUILT_IN:
        path = call.request.url.path
        raise NotFound(f"GET {path} is not simulated: the simulator holds packages only in the built-in feed, and "
                       f"searching the {feed.get('FeedType')} feed '{feed.get('Name')}' would reach outside it.")
    return feed


def _window(call: Call, items: list[Any]) -> list[Any]:
    skip = max(call.query_int("skip", 0) or 0, 0)
    take = call.query_int("take", None)
    return items[skip:] if take is None else items[skip:skip + max(take, 0)]


@family.route("GET", "feeds/stats", scope=ANY)
async def feed_stats(call: Call) -> Any:
    space_id = call.space()
    return {"Id": None, "TotalPackages": PackageStore(call.backend.store).count(space_id),
            "LastModifiedOn": None, "LastModifiedBy": None, "Links": {"Self": call.request.url.path}}


@family.route("GET", "feeds/{id}/packages", scope=ANY)
async def feed_packages(call: Call) -> Any:
    """An array of packages: ``packageId`` (exact, or ``partialMatch``) or ``packageIds``; the newest
    version of each unless ``includeMultipleVersions``."""
    feed = _feed(call)
    space_id = feed["SpaceId"]
    single, many = call.query("packageId"), call.query_list("packageIds")
    if not single and not many:
        raise BadRequest("No packageId or packageIds parameter was provided.")
    partial = call.query_bool("partialMatch")
    wanted = {w.lower() for w in (many or [])}

    def named(package: StoredPackage) -> bool:
        key = package.package_id.lower()
        if single:
            return single.lower() in key if partial else key == single.lower()
        return key in wanted

    versions = VersionFilter(call)
    chosen = [p for p in PackageStore(call.backend.store).all(space_id) if named(p) and versions.keeps(p)]
    if call.query_bool("includeMultipleVersions"):
        chosen = sorted(_newest_first(chosen), key=lambda p: p.package_id.lower())
    else:
        chosen = _latest_per_id(chosen)
    if not call.query_bool("includeNotes"):
        chosen = [StoredPackage({**p.body, "ReleaseNotes": None}) for p in chosen]
    return [_with_links(p, space_id) for p in _window(call, chosen)]


@family.route("GET", "feeds/{id}/packages/versions", scope=ANY)
async def feed_package_versions(call: Call) -> Any:
    feed = _feed(call)
    space_id = feed["SpaceId"]
    package_id = call.query("packageId")
    if not package_id:
        raise BadRequest("No packageId parameter was provided.")
    versions = VersionFilter(call)
    notes = call.query_bool("includeReleaseNotes")
    chosen = _newest_first(p for p in PackageStore(call.backend.store).versions_of(space_id, package_id)
                           if versions.keeps(p))
    bodies = [codec.dumps({
        "Id": p.body["Id"], "PackageId": p.package_id, "Version": p.version, "FeedId": feed["Id"],
        "Published": p.body.get("Published"), "SizeBytes": p.body.get("PackageSizeBytes"),
        "Title": p.body.get("Title"), "ReleaseNotes": p.body.get("ReleaseNotes") if notes else None,
        "Links": {"Self": f"/api/{space_id}/packages/{p.body['Id']}"},
    }) for p in chosen]
    template = f"/api/{space_id}/feeds/{feed['Id']}/packages/versions{{?packageId,take,skip,includePreRelease," \
               "versionRange,preReleaseTag,filter,includeReleaseNotes}"
    return call.page("PackageVersion", bodies, template)


@family.route("GET", "feeds/{id}/packages/search", scope=ANY)
async def feed_package_search(call: Call) -> Any:
    feed = _feed(call)
    space_id = feed["SpaceId"]
    term = (call.query("term") or "").lower()
    latest = [p for p in _latest_per_id(PackageStore(call.backend.store).all(space_id))
              if term in p.package_id.lower()]
    bodies = [codec.dumps({
        "Id": p.package_id, "Name": p.package_id, "Description": p.body.get("Description") or "",
        "LatestVersion": p.version,
        "Links": {"Versions": f"/api/{space_id}/feeds/{feed['Id']}/packages/versions?packageId={p.package_id}"},
    }) for p in latest]
    template = f"/api/{space_id}/feeds/{feed['Id']}/packages/search{{?term,skip,take}}"
    return call.page("PackageDescription", bodies, template)


@family.route("GET", "feeds/{id}/packages/notes", scope=ANY)
async def feed_package_notes(call: Call) -> Any:
    feed = _feed(call)
    package_id, version = call.query("packageId"), call.query("version")
    if not package_id or not version:
        raise BadRequest("Give both packageId and version.")
    found = PackageStore(call.backend.store).get(feed["SpaceId"], package_id, version)
    if found is None:
        return {"Succeeded": False, "Notes": None, "DisplayMessage": None,
                "FailureReason": f"The package {package_id} version {version} is not in the built-in feed."}
    return {"Succeeded": True, "Notes": found.body.get("ReleaseNotes"), "FailureReason": None, "DisplayMessage": None}


__all__ = ["FEEDS", "MAX_PACKAGE_BYTES", "PACKAGES", "family"]
