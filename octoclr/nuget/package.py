"""Reading a .nupkg: its .nuspec, its ``lib/<tfm>/`` folders, and a safe extraction of one.

Only the .nuspec and ``lib/<tfm>/`` entries are ever read; install scripts a package
may carry (``tools/*.ps1``, ``init.ps1``) are ignored, never run. Every entry name is
checked before anything is written: a package with an entry that would land outside
its folder (``../``, an absolute path, a drive letter) is refused as a whole.
"""

from __future__ import annotations

import posixpath
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union
from urllib.parse import unquote
from xml.etree import ElementTree

from octoclr.errors import CorruptPackageError, UnsafePackageError
from octoclr.nuget.versions import InvalidVersion, InvalidVersionRange, NuGetVersion, VersionRange

__all__ = ["Dependency", "DependencyGroup", "Nuspec", "NupkgReader", "parse_nuspec"]

ASSEMBLY_SUFFIXES = (".dll", ".exe")


@dataclass(frozen=True)
class Dependency:
    id: str
    range: VersionRange


@dataclass(frozen=True)
class DependencyGroup:
    framework: Optional[str]  # None: applies to every framework
    dependencies: Tuple[Dependency, ...]


@dataclass(frozen=True)
class Nuspec:
    id: str
    version: NuGetVersion
    groups: Tuple[DependencyGroup, ...]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # nuspec namespaces change between NuGet versions


def _child(element: ElementTree.Element, name: str) -> Optional[ElementTree.Element]:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _dependency(element: ElementTree.Element, where: str) -> Dependency:
    dep_id = (element.get("id") or "").strip()
    if not dep_id:
        raise CorruptPackageError(f"{where}: a dependency without an id in the .nuspec. The package is malformed; use another version or source.")
    text = (element.get("version") or "").strip()
    try:
        dep_range = VersionRange.parse(text) if text else VersionRange(text="(any)")
    except InvalidVersionRange as exc:
        raise CorruptPackageError(f"{where}: dependency {dep_id} has an unreadable version range ({exc}).") from None
    return Dependency(dep_id, dep_range)


def parse_nuspec(content: bytes, where: str = "package") -> Nuspec:
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise CorruptPackageError(f"{where}: the .nuspec is not valid XML ({exc}). The package is damaged; download it again or use another source.") from None
    metadata = _child(root, "metadata")
    if metadata is None:
        raise CorruptPackageError(f"{where}: the .nuspec has no <metadata>. The package is damaged; use another source.")
    id_el, version_el = _child(metadata, "id"), _child(metadata, "version")
    if id_el is None or not (id_el.text or "").strip() or version_el is None:
        raise CorruptPackageError(f"{where}: the .nuspec lacks an id or version. The package is damaged; use another source.")
    try:
        version = NuGetVersion.parse((version_el.text or "").strip())
    except InvalidVersion as exc:
        raise CorruptPackageError(f"{where}: {exc}") from None
    groups: List[DependencyGroup] = []
    deps_el = _child(metadata, "dependencies")
    if deps_el is not None:
        flat: List[Dependency] = []
        for child in deps_el:
            name = _local(child.tag)
            if name == "group":
                members = tuple(_dependency(d, where) for d in child if _local(d.tag) == "dependency")
                groups.append(DependencyGroup(child.get("targetFramework") or None, members))
            elif name == "dependency":
                flat.append(_dependency(child, where))
        if flat:  # the old layout: one list for every framework
            groups.append(DependencyGroup(None, tuple(flat)))
    return Nuspec((id_el.text or "").strip(), version, tuple(groups))


def _entry_path(name: str) -> str:
    """The entry's path as NuGet means it: OPC names are percent-encoded; some tools write backslashes."""
    return unquote(name).replace("\\", "/")


def _is_unsafe(path: str) -> bool:
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return True
    return any(part == ".." for part in path.split("/"))


class NupkgReader:
    """An open .nupkg. Use as a context manager."""

    def __init__(self, path: Union[str, Path], *, label: Optional[str] = None) -> None:
        self.path = Path(path)
        self.label = label or self.path.name
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, EOFError) as exc:
            raise CorruptPackageError(
                f"{self.label} is not a readable .nupkg ({exc}). The file is damaged or was cut short: "
                "download it again, or check the source serves real packages."
            ) from None
        except OSError as exc:
            raise CorruptPackageError(f"{self.label} cannot be opened ({exc}).") from None
        self._entries: Dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            path_text = _entry_path(info.filename)
            if _is_unsafe(path_text):
                self._zip.close()
                raise UnsafePackageError(
                    f"{self.label} contains the entry {info.filename!r}, which would be written outside "
                    "the package folder. octoclr refuses the whole package: do not use it, and tell whoever "
                    "publishes it."
                )
            self._entries[path_text] = info

    def __enter__(self) -> "NupkgReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        try:
            return self._zip.read(info)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:  # bad CRC, cut short...
            raise CorruptPackageError(f"{self.label}: entry {info.filename!r} cannot be read ({exc}). Download the package again.") from None

    def nuspec(self) -> Nuspec:
        candidates = [p for p in self._entries if "/" not in p and p.lower().endswith(".nuspec")]
        if len(candidates) != 1:
            raise CorruptPackageError(
                f"{self.label} has {'no' if not candidates else 'more than one'} .nuspec at its root; "
                "it is not a NuGet package. Check the source."
            )
        return parse_nuspec(self._read(self._entries[candidates[0]]), self.label)

    def lib_folders(self) -> Dict[str, List[str]]:
        """``{tfm folder: [entry paths]}`` for every ``lib/<tfm>/`` holding files ("" for lib/ itself)."""
        folders: Dict[str, List[str]] = {}
        for path, info in self._entries.items():
            if info.is_dir() or path.endswith("/"):
                continue
            parts = path.split("/")
            if len(parts) < 2 or parts[0].lower() != "lib":
                continue
            folder = parts[1] if len(parts) > 2 else ""
            folders.setdefault(folder, []).append(path)
        return folders

    def extract_lib(self, folder: str, destination: Path) -> Tuple[Path, ...]:
        """Write ``lib/<folder>/`` into ``destination``; return its assemblies, sorted by name."""
        entries = self.lib_folders().get(folder)
        if entries is None:
            raise CorruptPackageError(f"{self.label} has no lib/{folder}/ folder.")
        destination = Path(destination)
        root = destination.resolve()
        prefix = f"lib/{folder}/" if folder else "lib/"
        assemblies: List[Path] = []
        for path in sorted(entries):
            relative = posixpath.normpath(path[len(prefix):])
            target = (destination / relative).resolve()
            if root != target and root not in target.parents:
                raise UnsafePackageError(f"{self.label}: entry {path!r} would be written outside {destination}; package refused.")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with self._zip.open(self._entries[path]) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
            except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                raise CorruptPackageError(f"{self.label}: entry {path!r} cannot be read ({exc}). Download the package again.") from None
            if "/" not in relative and relative.lower().endswith(ASSEMBLY_SUFFIXES):
                assemblies.append(destination / relative)
        return tuple(sorted(assemblies, key=lambda p: p.name.lower()))
