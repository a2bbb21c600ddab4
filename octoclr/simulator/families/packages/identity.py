"""What an uploaded package is: its id, version and descriptive fields, from its file.

The built-in feed takes the formats Octopus takes: NuGet packages (``.nupkg``, whose
``.nuspec`` is authoritative for id and version), zip and Java archives (``.zip``, ``.jar``,
``.war``, ``.ear``, ``.rar``) and tar archives (``.tar``, ``.tar.gz``, ``.tgz``,
``.tar.bz2``, ``.tar.bz``, ``.tbz``), whose id and version come from the file name
``<PackageId>.<Version><extension>`` as Octopus parses it. Each file is opened as what its
extension says it is; a file that is not is refused with a 400 saying so.
"""

from __future__ import annotations

import re
import tarfile
import zipfile
from dataclasses import dataclass
from typing import IO, Optional
from xml.etree import ElementTree

from octoclr.nuget.versions import InvalidVersion, NuGetVersion
from octoclr.simulator.exceptions import BadRequest

#: Longest first, so ``.tar.gz`` wins over ``.gz``.
ZIP_EXTENSIONS = (".nupkg", ".zip", ".jar", ".war", ".ear", ".rar")
TAR_EXTENSIONS = (".tar.gz", ".tar.bz2", ".tar.bz", ".tgz", ".tbz", ".tar")
EXTENSIONS = tuple(sorted(ZIP_EXTENSIONS + TAR_EXTENSIONS, key=len, reverse=True))

# A package id of word characters joined by '.', '_' or '-', then '.', then a SemVer-ish version
# (up to four numbers, prerelease and metadata labels), as Octopus reads "<id>.<version>".
_ID_AND_VERSION = re.compile(
    r"^(?P<id>\w+(?:[_.-]\w+)*?)\."
    r"(?P<version>\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$"
)
MAX_ID_LENGTH = 100


@dataclass(frozen=True)
class PackageIdentity:
    package_id: str
    version: str
    extension: str
    title: Optional[str] = None
    summary: Optional[str] = None
    description: Optional[str] = None
    release_notes: Optional[str] = None

    @property
    def sort_version(self) -> NuGetVersion:
        return NuGetVersion.parse(self.version)


def split_extension(file_name: str) -> tuple[str, str]:
    """``("Acme.Web.1.0.0", ".tar.gz")``; a 400 for an extension the built-in feed does not take."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    lowered = base.lower()
    for extension in EXTENSIONS:
        if lowered.endswith(extension) and len(base) > len(extension):
            return base[:-len(extension)], extension
    raise BadRequest(
        f"The file '{base}' is not a package the built-in feed accepts.",
        help_text="Upload a file named <PackageId>.<Version> with one of the extensions " + ", ".join(EXTENSIONS) + ".")


def parse_id_and_version(stem: str) -> Optional[tuple[str, str]]:
    """``("Acme.Web", "1.0.0")`` from ``"Acme.Web.1.0.0"``, or None when the name has no version."""
    match = _ID_AND_VERSION.match(stem)
    if not match:
        return None
    try:
        NuGetVersion.parse(match.group("version"))
    except InvalidVersion:
        return None
    return match.group("id"), match.group("version")


def identify(file_name: str, content: IO[bytes]) -> PackageIdentity:
    """The identity of an uploaded file (``content`` is seekable), or a 400 saying what is wrong."""
    stem, extension = split_extension(file_name)
    parsed = parse_id_and_version(stem)
    if extension == ".nupkg":
        identity = _nuspec_identity(content, extension)
    else:
        _check_archive(content, extension, file_name)
        if parsed is None:
            raise BadRequest(
                f"The package id and version could not be read from the file name '{file_name}'.",
                help_text="Name the file <PackageId>.<Version>" + extension + ", e.g. Acme.Web.1.0.0" + extension + ".")
        identity = PackageIdentity(parsed[0], parsed[1], extension)
    if len(identity.package_id) > MAX_ID_LENGTH:
        raise BadRequest(f"Package Name is too long: the package id has more than {MAX_ID_LENGTH} characters.")
    return identity


def _check_archive(content: IO[bytes], extension: str, file_name: str) -> None:
    content.seek(0)
    try:
        if extension in ZIP_EXTENSIONS:
            with zipfile.ZipFile(content) as archive:
                archive.infolist()
        else:
            if extension == ".tar":
                tar = tarfile.open(fileobj=content, mode="r:")
            elif extension in (".tgz", ".tar.gz"):
                tar = tarfile.open(fileobj=content, mode="r:gz")
            else:
                tar = tarfile.open(fileobj=content, mode="r:bz2")
            with tar:
                tar.getmembers()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as error:
        kind = "zip" if extension in ZIP_EXTENSIONS else "tar"
        raise BadRequest(f"The file '{file_name}' is not a valid {kind} archive ({error}).") from None
    finally:
        content.seek(0)


def _nuspec_identity(content: IO[bytes], extension: str) -> PackageIdentity:
    content.seek(0)
    try:
        with zipfile.ZipFile(content) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".nuspec") and "/" not in n]
            if not names:
                raise BadRequest("The NuGet package has no .nuspec file at its root, so its id and version are unknown.")
            root = ElementTree.fromstring(archive.read(names[0]))
    except zipfile.BadZipFile as error:
        raise BadRequest(f"The NuGet package is not a valid zip archive ({error}).") from None
    except ElementTree.ParseError as error:
        raise BadRequest(f"The NuGet package's .nuspec is not valid XML ({error}).") from None
    finally:
        content.seek(0)
    fields = {}
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("id", "version", "title", "summary", "description", "releaseNotes") and tag not in fields:
            fields[tag] = (element.text or "").strip()
    package_id, version = fields.get("id"), fields.get("version")
    if not package_id or not version:
        raise BadRequest("The NuGet package's .nuspec has no id or no version.")
    try:
        NuGetVersion.parse(version)
    except InvalidVersion:
        raise BadRequest(f"The NuGet package's version '{version}' is not a valid version.") from None
    return PackageIdentity(package_id, version, extension, fields.get("title") or None, fields.get("summary") or None,
                           fields.get("description") or None, fields.get("releaseNotes") or None)
