"""What octoclr would use here, found without hosting a runtime or contacting a feed.

``octoclr info`` reports this beside what it loaded, and alone when loading fails: the
runtimes found and the one that would be chosen, the cache and what it holds, the lock
file in force, where the client would come from, and what is missing with how to get it.
Nothing here raises for a missing piece: a missing piece is the answer.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

__all__ = ["Diagnosis", "diagnose"]

CLIENT_ID = "Octopus.Client"
#: The packages looked for in the machine's package folders: the client and what it needs beside it.
WATCHED_IDS = (CLIENT_ID, "Newtonsoft.Json", "Octodiff")


@dataclass
class Diagnosis:
    runtimes: List[Dict[str, Any]] = field(default_factory=list)
    chosen_runtime: Optional[str] = None
    cache_dir: str = ""
    cache: List[Dict[str, Any]] = field(default_factory=list)
    lock_file: Optional[Dict[str, Any]] = None
    machine_packages: List[Dict[str, Any]] = field(default_factory=list)
    client_from: Dict[str, Any] = field(default_factory=dict)
    missing: List[Dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "runtimes": self.runtimes,
            "chosen_runtime": self.chosen_runtime,
            "cache_dir": self.cache_dir,
            "cache": self.cache,
            "lock_file": self.lock_file,
            "machine_packages": self.machine_packages,
            "client_from": self.client_from,
            "missing": self.missing,
        }


def _runtimes(runtime: Optional[str]) -> Dict[str, Any]:
    from octoclr.errors import OctoclrError
    from octoclr.runtime.selection import KINDS, backend_class, choose

    found = []
    for kind in KINDS:
        if kind == "netfx" and sys.platform != "win32":
            found.append({"kind": kind, "found": False, "reason": "the .NET Framework runs on Windows only"})
            continue
        try:
            install = backend_class(kind)().find()
        except OctoclrError as exc:
            found.append({"kind": kind, "found": False, "reason": str(exc)})
            continue
        except Exception as exc:  # a backend whose hosting library is missing
            found.append({"kind": kind, "found": False, "reason": f"{type(exc).__name__}: {exc}"})
            continue
        found.append({"kind": kind, "found": True, "version": install.version,
                      "location": str(install.location) if install.location else None})
    try:
        backend, install = choose(runtime)
        chosen: Optional[str] = install.kind
        problem = None
    except OctoclrError as exc:
        chosen, problem = None, str(exc)
    except Exception as exc:
        chosen, problem = None, f"{type(exc).__name__}: {exc}"
    return {"runtimes": found, "chosen": chosen, "problem": problem}


def _cache_contents(root: Path) -> List[Dict[str, Any]]:
    """Each cached package version: the frameworks extracted, and whether their files are as written."""
    from octoclr.cache import PackageCache

    cache = PackageCache(root)
    packages = root / "packages"
    listed: List[Dict[str, Any]] = []
    if not packages.is_dir():
        return listed
    for id_dir in sorted(p for p in packages.iterdir() if p.is_dir()):
        for version_dir in sorted(p for p in id_dir.iterdir() if p.is_dir()):
            info = cache.package_info(id_dir.name, version_dir.name) or {}
            frameworks = []
            for entry_dir in sorted(p for p in version_dir.iterdir() if p.is_dir()):
                entry = cache.lookup(id_dir.name, version_dir.name, entry_dir.name)
                if entry is None:
                    continue
                frameworks.append({"framework": entry.framework or "lib", "intact": cache.damage(entry) is None,
                                   "path": str(entry.path)})
            listed.append({"id": info.get("id", id_dir.name), "version": info.get("version", version_dir.name),
                           "source": info.get("source", ""), "frameworks": frameworks})
    return listed


def _machine_packages() -> List[Dict[str, Any]]:
    """What PowerShell's and NuGet's package folders hold of the client and its companions."""
    from octoclr.nuget.local import local_package_sources

    places = []
    for place in local_package_sources():
        packages = []
        for package_id in WATCHED_IDS:
            for candidate in sorted(place.candidates(package_id), key=lambda c: c.version):
                item: Dict[str, Any] = {"id": package_id, "version": str(candidate.version),
                                        "usable": candidate.problem is None, "nupkg": str(candidate.nupkg)}
                if candidate.problem:
                    item["problem"] = candidate.problem
                packages.append(item)
        places.append({"layout": place.layout, "label": place.label, "folder": str(place.root),
                       "exists": place.root.is_dir(), "packages": packages})
    return places


def _from_machine_folders(places: List[Dict[str, Any]], version: Optional[str]) -> Optional[Dict[str, Any]]:
    """The client the next bootstrap takes from the machine's package folders: the first folder's newest match."""
    from octoclr.nuget.versions import InvalidVersionRange, NuGetVersion, parse_requirement

    try:
        wanted = parse_requirement(version)
    except InvalidVersionRange:
        return None
    for place in places:
        usable = {NuGetVersion.parse(p["version"]): p for p in place["packages"] if p["id"] == CLIENT_ID and p["usable"]}
        pick = wanted.newest(list(usable), prerelease=wanted.names_prerelease)
        if pick is not None:
            return {"kind": place["layout"], "id": CLIENT_ID, "version": usable[pick]["version"],
                    "location": usable[pick]["nupkg"], "source": place["folder"],
                    "note": "not cached yet: the next bootstrap takes it from here"}
    return None


def _lock_file(lock_file: Union[str, Path, None]) -> Optional[Dict[str, Any]]:
    from octoclr.errors import LockFileError
    from octoclr.lockfile import LockFile, find_lock_path

    path, named = find_lock_path(lock_file)
    if path is None:
        return None
    described: Dict[str, Any] = {"path": str(path), "named": named, "exists": path.is_file()}
    if path.is_file():
        try:
            lock = LockFile.load(path)
            described["packages"] = [f"{p.id} {p.version} ({p.framework})" for p in lock.packages]
        except LockFileError as exc:
            described["problem"] = str(exc)
    return described


def diagnose(runtime: Optional[str] = None, version: Optional[str] = None, source: Optional[str] = None,
             framework: Optional[str] = None, cache_dir: Union[str, Path, None] = None,
             lock_file: Union[str, Path, None] = None) -> Diagnosis:
    from octoclr.bootstrapper import bootstrap
    from octoclr.cache import default_cache_root
    from octoclr.errors import OctoclrError, PackageNotFoundError
    from octoclr.nuget.feed import describe_source

    diagnosis = Diagnosis()
    runtimes = _runtimes(runtime)
    diagnosis.runtimes, diagnosis.chosen_runtime = runtimes["runtimes"], runtimes["chosen"]
    asked = (runtime or os.environ.get("OCTOCLR_RUNTIME") or "auto").strip().lower()
    if runtimes["problem"]:
        diagnosis.missing.append({
            "what": "a .NET runtime" if asked == "auto" else f"the runtime {asked!r}",
            "why": runtimes["problem"],
            "how": "Install Mono (apt-get install mono-complete), or .NET 8 (then set DOTNET_ROOT), "
                   "or on Windows the .NET Framework 4.8; then choose it with --runtime or OCTOCLR_RUNTIME.",
        })
    root = default_cache_root(cache_dir)
    diagnosis.cache_dir = str(root)
    diagnosis.cache = _cache_contents(root)
    diagnosis.lock_file = _lock_file(lock_file)
    diagnosis.machine_packages = _machine_packages()

    try:
        spec = describe_source(source)
        wanted = {"kind": spec.kind, "location": spec.location, "chosen_by": spec.origin}
    except OctoclrError as exc:
        spec, wanted = None, {"kind": "unusable", "problem": str(exc)}
    runtime_for_packages = diagnosis.chosen_runtime or (None if runtime in (None, "", "auto") else runtime)
    try:  # what the cache (or a program folder) gives right now: no download, nothing installed or locked
        found = bootstrap(version=version, source=source, framework=framework, offline=True, runtime=runtime_for_packages,
                          cache_dir=root, lock_file=lock_file, quiet=True, inspect_only=True)
        client = found.client
        diagnosis.client_from = {
            "kind": "program-folder" if found.framework == "program-folder" else "cache",
            "id": client.id, "version": client.version, "framework": found.framework,
            "location": str(client.path), "source": found.source,
        }
    except OctoclrError as exc:
        in_folders = _from_machine_folders(diagnosis.machine_packages, version) if spec and spec.origin == "default" else None
        if in_folders is not None:
            diagnosis.client_from = in_folders
            return diagnosis
        diagnosis.client_from = {**wanted, "note": "nothing usable is cached; a bootstrap would fetch it from here"}
        where = wanted.get("location", "a source")
        diagnosis.missing.append({
            "what": f"{CLIENT_ID}" + (f" {version}" if version else "") + " in the cache",
            "why": "nothing usable for this runtime is cached" if isinstance(exc, PackageNotFoundError)
                   else str(exc).splitlines()[0],
            "how": f"Run `octoclr bootstrap` where {where} can be reached; or `octoclr bootstrap --source DIR` with a "
                   "folder holding Octopus.Client's .nupkg (and Newtonsoft.Json's and Octodiff's, which it needs); or "
                   "`--source` an Octopus Server or Tentacle folder that holds Octopus.Client.dll; or, with no source named, "
                   "install it into one of the package folders above (PowerShell: `Install-Package Octopus.Client "
                   "-SkipDependencies`).",
        })
    return diagnosis


def render(diagnosis: Diagnosis) -> List[str]:
    """The human lines of ``octoclr info`` for what was found."""
    lines = ["runtimes"]
    for item in diagnosis.runtimes:
        mark = "*" if item["kind"] == diagnosis.chosen_runtime else " "
        if item["found"]:
            lines.append(f" {mark} {item['kind']:<8} {item['version']}" + (f"  {item['location']}" if item.get("location") else ""))
        else:
            lines.append(f"   {item['kind']:<8} not found: {item['reason'].splitlines()[0]}")
    lines.append(f"would use      {diagnosis.chosen_runtime or 'none'}")
    lines.append(f"cache          {diagnosis.cache_dir}")
    if not diagnosis.cache:
        lines.append("  (empty)")
    for package in diagnosis.cache:
        frameworks = ", ".join(f["framework"] + ("" if f["intact"] else " (changed: run octoclr bootstrap --repair)")
                               for f in package["frameworks"]) or "no framework extracted"
        lines.append(f"  {package['id']} {package['version']}: {frameworks}")
    lock = diagnosis.lock_file
    if lock is None:
        lines.append("lock file      none (not in a project)")
    else:
        state = "named" if lock["named"] else "project's"
        lines.append(f"lock file      {lock['path']} ({state}{'' if lock['exists'] else ', not written yet'})")
        if lock.get("problem"):
            lines.append(f"  problem: {lock['problem']}")
    lines.append("package folders (with no source named: after the cache, in this order, before nuget.org)")
    for place in diagnosis.machine_packages:
        state = "" if place["exists"] else " (none)"
        lines.append(f"  {place['label']}: {place['folder']}{state}")
        for item in place["packages"]:
            note = "" if item["usable"] else f" (passed over: {item['problem']})"
            lines.append(f"    {item['id']} {item['version']}{note}")
    source = diagnosis.client_from
    if source.get("kind") in ("powershell", "nuget-global"):
        lines.append(f"client from    {source['kind']}: {source['id']} {source['version']} {source['location']} ({source['note']})")
    elif source.get("kind") in ("cache", "program-folder"):
        lines.append(f"client from    {source['kind']}: {source['id']} {source['version']} ({source['framework']}) {source['location']}")
    elif source.get("kind") == "unusable":
        lines.append(f"client from    unusable source: {source['problem']}")
    else:
        lines.append(f"client from    {source.get('location')} ({source.get('kind')}, {source.get('chosen_by')})")
    if diagnosis.missing:
        lines.append("missing")
        for item in diagnosis.missing:
            lines.append(f"  {item['what']}: {item['why']}")
            lines.append(f"    how: {item['how']}")
    return lines


def to_json(diagnosis: Diagnosis) -> str:
    return json.dumps(diagnosis.to_dict(), indent=2)
