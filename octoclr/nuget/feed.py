"""Where packages come from: a NuGet v3 feed, a NuGet v2 feed, a folder of .nupkg files,
one .nupkg file, or an installed Octopus Server/Tentacle program folder.

:func:`describe_source` turns what the user gave (an argument, ``OCTOCLR_SOURCE``, the
``Octopus.Tentacle.Agent.ProgramDirectoryPath`` variable, or nothing: nuget.org) into a
:class:`SourceSpec`; :func:`open_source` opens it. A package source lists versions and
fetches .nupkg files; it knows nothing of hashes, caches or frameworks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple
from urllib.parse import quote, urlparse
from xml.etree import ElementTree

from octoclr.errors import FeedError, PackageNotFoundError
from octoclr.nuget import data
from octoclr.nuget.download import Downloader, NotFound
from octoclr.nuget.package import NupkgReader
from octoclr.nuget.versions import InvalidVersion, NuGetVersion

__all__ = [
    "SourceSpec",
    "PackageSource",
    "FetchedPackage",
    "V3Feed",
    "V2Feed",
    "FolderSource",
    "FileSource",
    "describe_source",
    "open_source",
    "find_program_folder",
]

SOURCE_ENV = "OCTOCLR_SOURCE"


@dataclass(frozen=True)
class SourceSpec:
    kind: str  # "v3", "v2", "folder", "file", "program-folder"
    location: str  # URL or absolute path
    origin: str  # how it was chosen: "argument", "OCTOCLR_SOURCE", an environment variable, "default"

    def __str__(self) -> str:
        return self.location


@dataclass(frozen=True)
class FetchedPackage:
    path: Path  # a .nupkg on the local disk
    downloaded: bool  # True: a temporary copy the caller owns; False: the source's own file
    sha512: Optional[str] = None  # known already when it was hashed while downloading
    origin: Optional[str] = None  # where it came from, when a chain of sources chose (else the source's location)


class PackageSource:
    spec: SourceSpec

    def versions(self, package_id: str) -> List[NuGetVersion]:
        raise NotImplementedError

    def pick(self, package_id: str, chooser: Callable[[List[NuGetVersion]], Optional[NuGetVersion]]
             ) -> Tuple[Optional[NuGetVersion], List[NuGetVersion]]:
        """The version ``chooser`` takes from what this source has, and what it has."""
        available = self.versions(package_id)
        return chooser(available), available

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def _not_found(self, package_id: str) -> PackageNotFoundError:
        return PackageNotFoundError(
            f"Package {package_id} was not found in {self.spec.location}. "
            "Check the package id and the source (--source or OCTOCLR_SOURCE)."
        )


class V3Feed(PackageSource):
    """Service index, then the ``PackageBaseAddress/3.0.0`` flat container."""

    def __init__(self, spec: SourceSpec, downloader: Downloader) -> None:
        self.spec = spec
        self._http = downloader
        self._base: Optional[str] = None

    def base_address(self) -> str:
        if self._base is None:
            try:
                index = self._http.get_json(self.spec.location, "read the service index")
            except NotFound:
                raise FeedError(
                    f"{self.spec.location} answered 404: there is no NuGet v3 service index there. "
                    "Check the source URL (it usually ends in /v3/index.json)."
                ) from None
            resources = index.get("resources", []) if isinstance(index, dict) else []
            for resource in resources:
                kind = resource.get("@type", "") if isinstance(resource, dict) else ""
                if isinstance(kind, str) and kind.startswith("PackageBaseAddress/3.0.0"):
                    self._base = str(resource["@id"]).rstrip("/") + "/"
                    break
            else:
                raise FeedError(
                    f"The service index at {self.spec.location} lists no PackageBaseAddress/3.0.0 resource, "
                    "so packages cannot be downloaded from it. Use a NuGet v3 feed or a local folder."
                )
        return self._base

    def versions(self, package_id: str) -> List[NuGetVersion]:
        url = f"{self.base_address()}{quote(package_id.lower())}/index.json"
        try:
            listing = self._http.get_json(url, f"list the versions of {package_id}")
        except NotFound:
            raise self._not_found(package_id) from None
        result = []
        for text in listing.get("versions", []) if isinstance(listing, dict) else []:
            try:
                result.append(NuGetVersion.parse(text))
            except InvalidVersion:
                continue
        return result

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        lower_id, lower_version = package_id.lower(), version.normalized.lower()
        url = f"{self.base_address()}{quote(lower_id)}/{quote(lower_version)}/{quote(lower_id)}.{quote(lower_version)}.nupkg"
        target = workdir / f"{lower_id}.{lower_version}.nupkg"
        try:
            result = self._http.download(url, target, f"{package_id} {version}")
        except NotFound:
            raise PackageNotFoundError(
                f"{package_id} {version} is listed by {self.spec.location} but its .nupkg is missing ({url}). "
                "Try another version or source."
            ) from None
        return FetchedPackage(result.path, True, result.sha512)


class V2Feed(PackageSource):
    """The OData feed (``.../api/v2``): ``FindPackagesById()`` and ``package/{id}/{version}``."""

    def __init__(self, spec: SourceSpec, downloader: Downloader) -> None:
        self.spec = spec
        self._http = downloader
        self._root = spec.location.rstrip("/")

    def versions(self, package_id: str) -> List[NuGetVersion]:
        url: Optional[str] = f"{self._root}/FindPackagesById()?id='{quote(package_id)}'"
        found: List[NuGetVersion] = []
        pages = 0
        while url and pages < 50:
            pages += 1
            try:
                text = self._http.get_text(url, f"list the versions of {package_id}")
            except NotFound:
                raise self._not_found(package_id) from None
            try:
                root = ElementTree.fromstring(text.encode("utf-8"))
            except ElementTree.ParseError:
                raise FeedError(f"{url} did not answer a NuGet v2 (OData) feed.") from None
            url = None
            for element in root.iter():
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "Version" and element.text:
                    try:
                        found.append(NuGetVersion.parse(element.text))
                    except InvalidVersion:
                        pass
                elif tag == "link" and element.get("rel") == "next":
                    url = element.get("href")
        if not found:
            raise self._not_found(package_id)
        return found

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        url = f"{self._root}/package/{quote(package_id)}/{quote(version.normalized)}"
        target = workdir / f"{package_id.lower()}.{version.normalized.lower()}.nupkg"
        try:
            result = self._http.download(url, target, f"{package_id} {version}")
        except NotFound:
            raise PackageNotFoundError(f"{package_id} {version} was not found at {url}. Try another version or source.") from None
        return FetchedPackage(result.path, True, result.sha512)


_NUPKG = re.compile(r"\.nupkg$", re.IGNORECASE)


class FolderSource(PackageSource):
    """A folder of ``<id>.<version>.nupkg`` files, flat or in NuGet's ``id/version/`` layout."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.root = Path(spec.location)
        self._files: Optional[List[Path]] = None

    def _all(self) -> List[Path]:
        if self._files is None:
            files: List[Path] = []
            for depth in ("*.nupkg", "*/*.nupkg", "*/*/*.nupkg"):
                files.extend(p for p in self.root.glob(depth) if p.is_file())
            self._files = files
        return self._files

    def _matches(self, package_id: str) -> Dict[NuGetVersion, Path]:
        prefix = package_id.lower() + "."
        found: Dict[NuGetVersion, Path] = {}
        for path in self._all():
            name = _NUPKG.sub("", path.name).lower()
            if name.startswith(prefix) and not name.endswith(".symbols"):
                try:
                    found.setdefault(NuGetVersion.parse(name[len(prefix):]), path)
                except InvalidVersion:
                    continue  # Octopus.Client.Extensions.1.0.0 is another package
        return found

    def versions(self, package_id: str) -> List[NuGetVersion]:
        found = self._matches(package_id)
        if not found:
            raise self._not_found(package_id)
        return list(found)

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        path = self._matches(package_id).get(version)
        if path is None:
            raise PackageNotFoundError(f"{package_id} {version} is not in {self.root}. Add its .nupkg there or choose another version.")
        return FetchedPackage(path, False)


class FileSource(PackageSource):
    """One .nupkg; the packages it depends on are looked up in the folder beside it."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.path = Path(spec.location)
        with NupkgReader(self.path) as reader:
            nuspec = reader.nuspec()
        self.package_id, self.version = nuspec.id, nuspec.version
        self._siblings = FolderSource(SourceSpec("folder", str(self.path.parent), spec.origin))

    def versions(self, package_id: str) -> List[NuGetVersion]:
        if package_id.lower() == self.package_id.lower():
            return [self.version]
        try:
            return self._siblings.versions(package_id)
        except PackageNotFoundError:
            raise PackageNotFoundError(
                f"{self.path.name} is {self.package_id} {self.version}, not {package_id}, and {package_id} is "
                f"not in {self.path.parent} either. Put the .nupkg files it needs beside it, or use a feed."
            ) from None

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        if package_id.lower() == self.package_id.lower() and version == self.version:
            return FetchedPackage(self.path, False)
        return self._siblings.fetch(package_id, version, workdir)


def find_program_folder() -> Optional[Tuple[str, Path]]:
    """The Tentacle/Server program folder named by the environment, when it holds the client."""
    settings = data.program_folder_settings()
    for name in settings["environment"]:
        value = os.environ.get(name)
        if value and (Path(value) / settings["assembly"]).is_file():
            return name, Path(value)
    return None


def _looks_like_program_folder(path: Path) -> bool:
    return (path / data.program_folder_settings()["assembly"]).is_file() and not any(path.glob("*.nupkg"))


def describe_source(source: Optional[str]) -> SourceSpec:
    """Decide the source: argument, then ``OCTOCLR_SOURCE``, then a Tentacle program folder, then nuget.org.

    Given none (origin ``"default"``), the bootstrap asks the cache and the machine's package
    folders (:mod:`octoclr.nuget.local`) before nuget.org.
    """
    origin = "argument"
    if not source:
        source, origin = os.environ.get(SOURCE_ENV) or None, SOURCE_ENV
    if not source:
        found = find_program_folder()
        if found:
            return SourceSpec("program-folder", str(found[1].resolve()), found[0])
        return SourceSpec("v3", data.default_source(), "default")
    text = source.strip()
    if text.startswith(("http://", "https://")):
        parsed = urlparse(text)
        if parsed.path.rstrip("/").lower().endswith(("/api/v2", "/nuget", "/v2")) and not parsed.path.endswith(".json"):
            return SourceSpec("v2", text, origin)
        return SourceSpec("v3", text, origin)
    if text.startswith("file://"):
        from urllib.request import url2pathname

        text = url2pathname(urlparse(text).path)
    path = Path(text).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".nupkg":
            if path.name.lower() == data.program_folder_settings()["assembly"].lower():
                return SourceSpec("program-folder", str(path.parent.resolve()), origin)
            raise FeedError(f"The source {path} is a file but not a .nupkg. Give a .nupkg, a folder of them, or a feed URL.")
        return SourceSpec("file", str(path.resolve()), origin)
    if path.is_dir():
        if _looks_like_program_folder(path):
            return SourceSpec("program-folder", str(path.resolve()), origin)
        return SourceSpec("folder", str(path.resolve()), origin)
    raise FeedError(
        f"The source {text!r} (from {origin}) is neither a URL nor an existing file or folder. "
        "Give a NuGet feed URL, a folder of .nupkg files, a .nupkg, or an Octopus Server/Tentacle folder."
    )


def open_source(spec: SourceSpec, downloader: Optional[Downloader]) -> PackageSource:
    if spec.kind in ("v3", "v2"):
        if downloader is None:
            raise FeedError(f"{spec.location} is a remote feed, but this run is offline.")
        return V3Feed(spec, downloader) if spec.kind == "v3" else V2Feed(spec, downloader)
    if spec.kind == "folder":
        return FolderSource(spec)
    if spec.kind == "file":
        return FileSource(spec)
    raise ValueError(f"{spec.kind} sources are not package sources")


# --- an installed Octopus Server or Tentacle -----------------------------------------------

_FIXED_FILE_INFO_SIGNATURE = b"\xbd\x04\xef\xfe"  # VS_FIXEDFILEINFO.dwSignature, little-endian


def file_version(path: Path) -> Optional[str]:
    """The file version from a PE file's version resource, without loading it into .NET."""
    import struct

    try:
        content = path.read_bytes()
    except OSError:
        return None
    at = content.rfind(_FIXED_FILE_INFO_SIGNATURE)
    if at < 0 or at + 16 > len(content):
        return None
    ms, ls = struct.unpack_from("<II", content, at + 8)
    parts = [ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF]
    if not any(parts):
        return None
    text = ".".join(str(p) for p in (parts if parts[3] else parts[:3]))
    return text


@dataclass(frozen=True)
class ProgramFolderAssembly:
    id: str
    version: str
    path: Path


def read_program_folder(spec: SourceSpec) -> List[ProgramFolderAssembly]:
    """The client and the companions found beside it, companions first (load order)."""
    settings = data.program_folder_settings()
    folder = Path(spec.location)
    client = folder / settings["assembly"]
    if not client.is_file():
        raise PackageNotFoundError(
            f"{folder} holds no {settings['assembly']}. Point the source at the Octopus Server or Tentacle "
            "installation folder (e.g. C:\\Program Files\\Octopus Deploy\\Tentacle)."
        )
    found = []
    for name in settings["companions"]:
        matches = [p for p in folder.iterdir() if p.name.lower() == name.lower()] if folder.is_dir() else []
        if matches:
            found.append(ProgramFolderAssembly(Path(name).stem, file_version(matches[0]) or "0.0.0", matches[0]))
    found.append(ProgramFolderAssembly(Path(settings["assembly"]).stem, file_version(client) or "0.0.0", client))
    return found
