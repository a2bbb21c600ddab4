"""Fetch Octopus.Client and its dependencies for a runtime: resolve, download, verify, cache.

This module only orchestrates; the parts live in :mod:`octoclr.nuget` (versions,
frameworks, feeds, downloads, .nupkg reading), :mod:`octoclr.cache` and
:mod:`octoclr.lockfile`.

A bootstrap goes:

1. Decide the target (a runtime's framework preference, or an explicit TFM), the source
   (argument, ``OCTOCLR_SOURCE``, a Tentacle program folder named by the environment; given
   none, each package comes from the first of: the cache, PowerShell's PackageManagement
   folders, NuGet's global packages folder, nuget.org), the cache and the lock file.
2. Cached path: when the lock file records what this target chose before and every entry
   is in the cache with the locked hash and its files as extracted, return at once (small
   file reads and the hashes of the entries' files).
3. Otherwise resolve: the root package's newest matching version (or the locked one when
   no version is asked), each dependency's lowest matching version (NuGet's rule), skipping
   packages the runtime provides. Each package version is fetched once under an
   inter-process lock, hashed while it streams, checked against the lock file, checked
   for unsafe entries, and only then extracted and renamed into the cache.
4. Record the packages and the target in the lock file.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple, Union

from octoclr.cache import PackageCache, default_cache_root
from octoclr.errors import (
    BootstrapError,
    CorruptPackageError,
    IntegrityError,
    LockFileError,
    NoCompatibleFrameworkError,
    PackageNotFoundError,
)
from octoclr.lockfile import FILES, PROGRAM_FOLDER_FRAMEWORK, LockedPackage, LockedTarget, LockFile, find_lock_path
from octoclr.nuget import data
from octoclr.nuget.chain import ChainedSource
from octoclr.nuget.feed import FetchedPackage, PackageSource, SourceSpec, describe_source, open_source, read_program_folder
from octoclr.nuget.frameworks import (
    NET,
    FrameworkChoice,
    FrameworkTarget,
    InvalidFramework,
    RuntimeTarget,
    Target,
    parse_framework,
)
from octoclr.nuget.versions import ANY, InvalidVersionRange, NuGetVersion, VersionRange, parse_requirement

__all__ = ["InstalledPackage", "BootstrapResult", "bootstrap"]

log = logging.getLogger("octoclr.bootstrap")


@dataclass(frozen=True)
class InstalledPackage:
    """One package, extracted for one target framework in the cache (or found in a program folder)."""

    id: str
    version: str
    framework: str  # the lib/ folder used, e.g. "net45" or "netstandard2.0"
    sha512: str  # base64 SHA-512 of the .nupkg, as NuGet writes it
    path: Path  # the folder holding the assemblies below
    assemblies: Tuple[Path, ...]


@dataclass(frozen=True)
class BootstrapResult:
    packages: Tuple[InstalledPackage, ...]  # dependencies first, Octopus.Client last
    framework: str
    source: str
    cache_dir: Path
    lock_path: Optional[Path] = None
    from_cache: bool = False  # True when nothing was resolved or downloaded

    @property
    def assemblies(self) -> Tuple[Path, ...]:
        """Every assembly to load, in load order (dependencies before their dependants)."""
        return tuple(a for p in self.packages for a in p.assemblies)

    @property
    def client(self) -> InstalledPackage:
        return self.packages[-1]

    def powershell(self) -> str:
        """``Add-Type`` lines that load the same assemblies, in the same order, from PowerShell."""
        return "".join("Add-Type -Path '{}'\n".format(str(a).replace("'", "''")) for a in self.assemblies)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "framework": self.framework,
            "source": self.source,
            "cache_dir": str(self.cache_dir),
            "lock_file": str(self.lock_path) if self.lock_path else None,
            "from_cache": self.from_cache,
            "packages": [
                {"id": p.id, "version": p.version, "framework": p.framework, "sha512": p.sha512,
                 "path": str(p.path), "assemblies": [str(a) for a in p.assemblies]}
                for p in self.packages
            ],
            "assemblies": [str(a) for a in self.assemblies],
        }


def bootstrap(
    version: Optional[str] = None,
    source: Optional[str] = None,
    framework: Optional[str] = None,
    offline: bool = False,
    *,
    runtime: Optional[str] = None,
    lock_file: Union[str, Path, None] = None,
    lock_path: Union[str, Path, None] = None,
    cache_dir: Union[str, Path, None] = None,
    quiet: bool = True,
    package_id: str = "Octopus.Client",
    prerelease: bool = False,
    repair: bool = False,
    download_deadline: Optional[float] = None,
    inspect_only: bool = False,
) -> BootstrapResult:
    """Fetch ``package_id`` and what it depends on for ``runtime`` (or ``framework``).

    ``version`` is an exact version (``11.0.0``), a NuGet range (``[8.0,9.0)``) or None
    for the newest stable one (or the one the lock file recorded). ``source`` is a NuGet
    v3/v2 feed URL, a folder of .nupkg files, one .nupkg, or an Octopus Server/Tentacle
    program folder. ``offline`` uses only the cache. ``lock_file`` (``lock_path`` is the
    older name) names the lock file; see :func:`octoclr.lockfile.find_lock_path` for the
    one in force otherwise. Every cached file is checked against the hash recorded when it
    was extracted: a changed one raises :class:`~octoclr.errors.IntegrityError`, unless
    ``repair``, which replaces the entry from the cached .nupkg (or, online, a new download).
    ``download_deadline`` is how many seconds one download may take in all (default:
    ``OCTOCLR_DOWNLOAD_DEADLINE``, else 600), beside the timeout of each read.
    ``inspect_only`` (for ``octoclr info``) answers from the cache or a program folder
    alone: nothing is taken from the machine's package folders and no lock file is written.
    Raises a :class:`~octoclr.errors.BootstrapError` subclass, leaving the cache as it was.
    """
    runtime_name = _runtime_name(runtime, framework)
    target = _target(framework, runtime_name)
    requirement = _requirement(version)
    cache = PackageCache(default_cache_root(cache_dir))
    # A lock file that was named must be written; a project's own one is best effort; outside
    # a project there is none, and nothing is written.
    lock_file, lock_required = find_lock_path(lock_file or lock_path)
    lock = LockFile.load(lock_file) if lock_file is not None else LockFile(path=None)
    spec = describe_source(source)

    if inspect_only:
        lock_file, offline = None, True
    if spec.kind == "program-folder":
        return _from_program_folder(spec, package_id, requirement, lock, cache, lock_file, lock_required)

    cached = _from_lock_and_cache(package_id, requirement, target, lock, cache, offline, repair)
    if cached is not None:
        log.debug("%s: every package found in the cache at %s", package_id, cache.root)
        return cached

    downloader = None
    if not offline:
        from octoclr.nuget.download import Downloader, HttpSettings

        downloader = Downloader(HttpSettings.from_environment(download_deadline), quiet=quiet)
    try:
        package_source = _package_source(spec, cache, downloader, offline, machine_folders=not inspect_only)
        resolver = _Resolver(package_id, requirement, prerelease, target, runtime_name, package_source, cache, lock,
                             offline, repair)
        nodes = resolver.run()
    finally:
        if downloader is not None:
            downloader.close()

    root = nodes[-1]
    _check_known_companions(root, nodes)
    if lock_file is not None:
        _record(lock_file, cache, nodes, LockedTarget(package_id, target.key, root.package.version,
                                                      root.package.framework), required=lock_required)
    where = root.source if isinstance(package_source, ChainedSource) and root.source else package_source.spec.location
    return BootstrapResult(tuple(n.package for n in nodes), root.package.framework, where, cache.root, lock_file, False)


def _package_source(spec: SourceSpec, cache: PackageCache, downloader: Any, offline: bool,
                    machine_folders: bool = True) -> PackageSource:
    """Given no source, what the machine has comes first (also offline), then nuget.org.

    The order, for each package on its own: the cache, PowerShell's PackageManagement folders
    (this user's, then all users'), NuGet's global packages folder, then the feed. A source
    that was named (argument, ``OCTOCLR_SOURCE``) is the only one asked.
    """
    if spec.origin == "default" and machine_folders:
        from octoclr.nuget.local import local_package_sources

        members: List[PackageSource] = [_CacheOnlySource(cache), *local_package_sources()]
        if offline:
            return ChainedSource(members, spec, "This run is offline. Run the bootstrap once with network access "
                                                "to the source, or drop --offline.")
        members.append(open_source(spec, downloader))
        return ChainedSource(members, spec)
    return _CacheOnlySource(cache) if offline else open_source(spec, downloader)


# --- choices ----------------------------------------------------------------------------------


def _runtime_name(runtime: Optional[str], framework: Optional[str]) -> str:
    import os

    from octoclr.errors import RuntimeLoadError
    from octoclr.runtime.selection import parse_runtime

    try:  # a version selector (coreclr:8, dotnet8) asks for CoreCLR's packages
        name = parse_runtime(runtime)[0]
    except RuntimeLoadError:
        name = (runtime or os.environ.get("OCTOCLR_RUNTIME") or "").strip().lower()
    if name != "auto":
        data.runtime_profile(name)  # raises for an unknown name
        return name
    if framework:  # what an explicit framework implies, for the packages a runtime provides
        try:
            family = parse_framework(framework).family
        except InvalidFramework as exc:
            raise BootstrapError(f"{exc}.") from None
        if family == NET:
            return "netfx" if sys.platform == "win32" else "mono"
        return "coreclr"
    if sys.platform == "win32":
        return "netfx"
    try:  # the runtime octoclr.load() would host; finding one does not start it
        from octoclr.runtime.selection import choose

        backend, _ = choose(None)
        return str(backend.kind)
    except Exception:  # no runtime installed, or hosting libraries missing: Mono's choice is the safe one
        return "mono"


def _target(framework: Optional[str], runtime_name: str) -> Target:
    if framework:
        try:
            return FrameworkTarget(framework, runtime_name)
        except InvalidFramework as exc:
            raise BootstrapError(f"{exc}.") from None
    return RuntimeTarget(runtime_name)


def _requirement(version: Optional[str]) -> VersionRange:
    try:
        return parse_requirement(version)
    except InvalidVersionRange as exc:
        raise BootstrapError(f"Cannot use the version {version!r}: {exc}.") from None


# --- the cached path: lock file + markers, nothing else ------------------------------------


def _from_lock_and_cache(package_id: str, requirement: VersionRange, target: Target, lock: LockFile,
                         cache: PackageCache, offline: bool, repair: bool) -> Optional[BootstrapResult]:
    locked = lock.target(package_id, target.key)
    if locked is None:
        return None
    if requirement is not ANY and not requirement.contains(NuGetVersion.parse(locked.version), prerelease=True):
        return None
    ordered: List[InstalledPackage] = []
    seen: Set[Tuple[str, str, str]] = set()

    def visit(pid: str, version: str, framework: str) -> bool:
        key = (pid.lower(), version.lower(), framework.lower())
        if key in seen:
            return True
        seen.add(key)
        entry_lock = lock.package(pid, version, framework)
        entry = cache.lookup(pid, version, framework) if entry_lock else None
        if entry_lock is None or entry is None:
            return False
        if entry.sha512 != entry_lock.sha512:
            raise IntegrityError(f"{pid} {version}", entry_lock.sha512, entry.sha512, f"the cache entry {entry.path}")
        if cache.damage(entry) is not None:
            if repair:
                return False  # the full path replaces the entry
            cache.verify(entry)
        for dep in entry_lock.dependencies:
            dep_id, dep_version, dep_framework = dep.split("/")
            if not visit(dep_id, dep_version, dep_framework):
                return False
        if offline:
            _verify_cached_nupkg(cache, lock, pid, version)
        ordered.append(InstalledPackage(entry.id, entry.version, entry.framework, entry.sha512, entry.path, entry.assemblies))
        return True

    if not visit(package_id, locked.version, locked.framework):
        return None
    root_lock = lock.package(package_id, locked.version, locked.framework)
    return BootstrapResult(tuple(ordered), locked.framework, root_lock.source if root_lock else "", cache.root, lock.path, True)


def _verify_cached_nupkg(cache: PackageCache, lock: LockFile, package_id: str, version: str) -> None:
    from octoclr.nuget.download import hash_file

    nupkg = cache.nupkg_path(package_id, version)
    if nupkg.is_file():
        lock.verify(package_id, version, hash_file(nupkg), f"the cached file {nupkg}")


# --- the full path ------------------------------------------------------------------------------


@dataclass
class _Node:
    package: InstalledPackage
    source: str
    dependencies: List[Tuple[str, VersionRange]]
    requires: List["_Node"] = field(default_factory=list)

    @property
    def nuget_version(self) -> NuGetVersion:
        return NuGetVersion.parse(self.package.version)


class _CacheOnlySource(PackageSource):
    """Offline: the versions the cache holds; packages come from the cache's own copies."""

    def __init__(self, cache: PackageCache) -> None:
        self.spec = SourceSpec("cache", str(cache.root), "offline")
        self._cache = cache

    def versions(self, package_id: str) -> List[NuGetVersion]:
        found = []
        for text in self._cache.cached_versions(package_id):
            info = self._cache.package_info(package_id, text)
            if info:
                found.append(NuGetVersion.parse(info["version"]))
        if not found:
            raise PackageNotFoundError(
                f"{package_id} is not in the cache ({self._cache.root}) and this run is offline. "
                "Run the bootstrap once with network access to the source, or drop --offline."
            )
        return found

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        nupkg = self._cache.nupkg_path(package_id, version.normalized)
        if not nupkg.is_file():
            raise PackageNotFoundError(f"{package_id} {version} is not in the cache ({self._cache.root}).")
        return FetchedPackage(nupkg, False)


class _Resolver:
    def __init__(self, package_id: str, requirement: VersionRange, prerelease: bool, target: Target,
                 runtime_name: str, source: PackageSource, cache: PackageCache, lock: LockFile, offline: bool,
                 repair: bool = False) -> None:
        self.package_id = package_id
        self.requirement = requirement
        self.prerelease = prerelease
        self.target = target
        self.runtime_name = runtime_name
        self.source = source
        self.cache = cache
        self.lock = lock
        self.offline = offline
        self.repair = repair
        self.nodes: Dict[str, _Node] = {}
        self.order: List[_Node] = []

    def run(self) -> List[_Node]:
        self._visit(self.package_id, self.requirement, root=True, path=())
        return self.order

    # versions

    def _choose_version(self, package_id: str, wanted: VersionRange, root: bool) -> NuGetVersion:
        if root and wanted is ANY:
            locked = self.lock.target(package_id, self.target.key)
            if locked is not None:
                return NuGetVersion.parse(locked.version)  # reproduce what was locked
        if not root:
            locked_versions = [NuGetVersion.parse(v) for v in self.lock.versions_of(package_id)]
            pick = wanted.lowest(locked_versions, prerelease=True)
            if pick is not None:
                return pick
        allow_pre = self.prerelease or wanted.names_prerelease

        def chooser(available: List[NuGetVersion]) -> Optional[NuGetVersion]:
            return wanted.newest(available, prerelease=allow_pre) if root else wanted.lowest(available, prerelease=allow_pre)

        pick, available = self.source.pick(package_id, chooser)
        if pick is None:
            shown = ", ".join(str(v) for v in sorted(set(available), reverse=True)[:10]) or "none"
            hint = "" if allow_pre or not any(v.is_prerelease for v in available) else " Prerelease versions are left out unless you add --prerelease."
            where = self.source.describe() if isinstance(self.source, ChainedSource) else self.source.spec.location
            raise PackageNotFoundError(
                f"No version of {package_id} matches {wanted if wanted is not ANY else 'a stable release'} in "
                f"{where}. Available: {shown}.{hint} Choose one of them with --version."
            )
        return pick

    # the graph

    def _visit(self, package_id: str, wanted: VersionRange, root: bool, path: Tuple[str, ...]) -> Optional[_Node]:
        key = package_id.lower()
        if key in self.nodes:
            node = self.nodes[key]
            if not wanted.contains(node.nuget_version, prerelease=True):
                raise BootstrapError(
                    f"{package_id} is needed as {wanted} by {path[-1] if path else 'the request'}, but "
                    f"{node.package.version} was already chosen for another package. Ask for other versions with --version."
                )
            return node
        if key in path:
            return None  # a dependency cycle: already on the way
        version = self._choose_version(package_id, wanted, root)
        node = self._install(package_id, version, root)
        self.nodes[key] = node
        for dep_id, dep_range in node.dependencies:
            if data.provided_by_runtime(dep_id, self.runtime_name):
                log.debug("%s: skipping %s, which %s provides", package_id, dep_id, self.runtime_name)
                continue
            child = self._visit(dep_id, dep_range, False, path + (key,))
            if child is not None:
                node.requires.append(child)
        self.order.append(node)
        return node

    # one package

    def _choose_folder(self, package_id: str, version: NuGetVersion, folders: List[str]) -> Optional[FrameworkChoice]:
        """The lib/ folder this target uses; a fallback is reported by the caller (see `_report_fallback`)."""
        if not folders:
            return None  # a package without assemblies (a meta package): only its dependencies count
        choice = self.target.choose(folders)
        if choice is None:
            raise NoCompatibleFrameworkError(
                f"{package_id} {version} has no lib/ folder that {self.target.label} "
                f"({self.target.key}) can use; it has: {', '.join(sorted(f or 'lib/' for f in folders))}. "
                "Use another version (--version), or another runtime or framework (--runtime, --framework)."
            )
        return choice

    def _report_fallback(self, package_id: str, version: NuGetVersion, choice: Optional[FrameworkChoice],
                         first_time: bool) -> None:
        # Like NuGet's NU1701, said once: when the folder goes into the cache. Every later run reuses that
        # choice, and repeating it would bury what a command has to say on stderr.
        if choice is None or not choice.fallback:
            return
        log.log(logging.WARNING if first_time else logging.DEBUG,
                "%s %s has no %s build; using lib/%s instead%s.",
                package_id, version, self.target.label, choice.folder, f" ({choice.note})" if choice.note else "")

    def _dependencies(self, info: Dict[str, Any], choice: Optional[FrameworkChoice]) -> List[Tuple[str, VersionRange]]:
        groups = info.get("groups", [])
        if not groups:
            return []
        chosen = choice.framework if choice else parse_framework(self.target.label)
        index = self.target.choose_group([g.get("framework") for g in groups], chosen)
        if index is None:
            return []
        return [(d["id"], VersionRange.parse(d["range"]) if d.get("range") not in (None, "", "(any)") else ANY)
                for d in groups[index]["dependencies"]]

    def _install(self, package_id: str, version: NuGetVersion, root: bool) -> _Node:
        text = version.normalized
        with self.cache.lock(f"{package_id}.{text}"):
            info = self.cache.package_info(package_id, text)
            if info is None:
                # Offline, the machine's own package folders still serve (a chain holds no feed then).
                if self.offline and not isinstance(self.source, ChainedSource):
                    raise PackageNotFoundError(
                        f"{package_id} {text} is not in the cache ({self.cache.root}) and this run is offline. "
                        "Run the bootstrap once with network access, or drop --offline."
                    )
                return self._download_and_install(package_id, version)
            self.lock.verify(package_id, text, info["sha512"], f"the cache entry {self.cache.version_dir(package_id, text)}")
            choice = self._choose_folder(package_id, version, info.get("lib_folders", []))
            folder = choice.folder if choice else ""
            if self.offline:  # offline, the cached .nupkg is all there is: check it is still what was fetched
                from octoclr.nuget.download import hash_file

                nupkg = self.cache.nupkg_path(package_id, text)
                actual = hash_file(nupkg)
                if actual != info["sha512"]:
                    raise IntegrityError(f"{package_id} {text}", info["sha512"], actual, f"the cached file {nupkg}",
                                         recorded_in="what was downloaded into the cache",
                                         advice="The cached .nupkg was changed after it was downloaded. Run "
                                                "`octoclr bootstrap --repair` with network access to fetch it again.")
            entry = self.cache.lookup(package_id, text, folder)
            if entry is not None and entry.sha512 != info["sha512"]:
                raise IntegrityError(f"{package_id} {text}", info["sha512"], entry.sha512, f"the cache entry {entry.path}")
            if entry is not None and self.cache.damage(entry) is not None:
                if not self.repair:
                    self.cache.verify(entry)
                log.warning("%s %s: a cached file changed since it was extracted; replacing the cache entry %s",
                            package_id, text, entry.path)
                entry = None
            if entry is None:
                nupkg = self.cache.nupkg_path(package_id, text)
                from octoclr.nuget.download import hash_file

                actual = hash_file(nupkg)
                if actual != info["sha512"]:
                    if self.repair and not self.offline:
                        log.warning("%s %s: the cached .nupkg changed too; downloading it again", package_id, text)
                        return self._download_and_install(package_id, version)
                    raise IntegrityError(f"{package_id} {text}", info["sha512"], actual, f"the cached file {nupkg}",
                                         recorded_in="what was downloaded into the cache",
                                         advice="The cached .nupkg was changed after it was downloaded. Run "
                                                "`octoclr bootstrap --repair` with network access to fetch it again.")
                entry = self._extract_into_cache(package_id, text, nupkg, choice, info["sha512"], info.get("source", ""))
                self._report_fallback(package_id, version, choice, first_time=True)
            else:
                self._report_fallback(package_id, version, choice, first_time=False)
            package = InstalledPackage(entry.id, entry.version, entry.framework, entry.sha512, entry.path, entry.assemblies)
            return _Node(package, info.get("source", ""), self._dependencies(info, choice))

    def _extract_into_cache(self, package_id: str, version: str, nupkg: Path, choice: Optional[FrameworkChoice],
                            sha512: str, source: str) -> Any:
        from octoclr.nuget.package import NupkgReader

        work = self.cache.work_dir()
        try:
            with NupkgReader(nupkg, label=f"{package_id} {version}") as reader:
                assemblies = reader.extract_lib(choice.folder, work) if choice else ()
            return self.cache.commit_entry(work, package_id, version, choice.folder if choice else "", sha512, assemblies, source)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _download_and_install(self, package_id: str, version: NuGetVersion) -> _Node:
        from octoclr.nuget.download import hash_file
        from octoclr.nuget.package import NupkgReader

        text = version.normalized
        label = f"{package_id} {text}"
        work = self.cache.work_dir()
        try:
            fetched = self.source.fetch(package_id, version, work)
            where = fetched.origin or self.source.spec.location
            sha512 = fetched.sha512 or hash_file(fetched.path)
            self.lock.verify(package_id, text, sha512, where)
            with NupkgReader(fetched.path, label=label) as reader:
                nuspec = reader.nuspec()
                if nuspec.id.lower() != package_id.lower() or nuspec.version != version:
                    raise CorruptPackageError(
                        f"{where} served {nuspec.id} {nuspec.version} when asked for {label}. "
                        "The source is misconfigured; use another source."
                    )
                folders = reader.lib_folders()
                choice = self._choose_folder(package_id, version, list(folders))
                self._report_fallback(package_id, version, choice, first_time=True)
                info = {
                    "id": nuspec.id,
                    "version": text,
                    "sha512": sha512,
                    "source": where,
                    "lib_folders": sorted(folders),
                    "groups": [
                        {"framework": g.framework,
                         "dependencies": [{"id": d.id, "range": str(d.range)} for d in g.dependencies]}
                        for g in nuspec.groups
                    ],
                }
                entry_work = work / "entry"
                entry_work.mkdir()
                assemblies = reader.extract_lib(choice.folder, entry_work) if choice else ()
            # Everything checked: only now does the cache change.
            self.cache.store_nupkg(package_id, text, fetched.path, info)
            entry = self.cache.commit_entry(entry_work, nuspec.id, text, choice.folder if choice else "", sha512, assemblies, where)
            log.info("%s: fetched from %s (lib/%s)", label, where, entry.framework)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        package = InstalledPackage(entry.id, entry.version, entry.framework, entry.sha512, entry.path, entry.assemblies)
        return _Node(package, where, self._dependencies(info, choice))


# --- after resolution --------------------------------------------------------------------------


def _check_known_companions(root: _Node, nodes: List[_Node]) -> None:
    """Warn when a client version known to need companions resolved without them."""
    present = {n.package.id.lower() for n in nodes}
    for note in data.known_package_notes(root.package.id):
        try:
            applies = VersionRange.parse(note["versions"]).contains(root.nuget_version, prerelease=True)
        except (InvalidVersionRange, KeyError):
            continue
        frameworks = [f.lower() for f in note.get("frameworks", [])]
        if not applies or (frameworks and root.package.framework.lower() not in frameworks):
            continue
        missing = [c for c in note.get("companions", []) if c.lower() not in present]
        if missing:
            log.warning("%s %s (%s) usually needs %s beside it, but its package does not list %s. %s",
                        root.package.id, root.package.version, root.package.framework,
                        " and ".join(missing), "them" if len(missing) > 1 else "it", note.get("note", ""))


def _program_folder_files(package: InstalledPackage) -> Dict[str, str]:
    """A program folder's package is one file used in place; its hash is that file's."""
    return {a.name: package.sha512 for a in package.assemblies}


def _locked(node: _Node) -> LockedPackage:
    deps = tuple(f"{d.package.id}/{d.package.version}/{d.package.framework}" for d in node.requires)
    package = node.package
    if package.framework == PROGRAM_FOLDER_FRAMEWORK:
        return LockedPackage(package.id, package.version, package.framework, node.source, "", deps,
                             FILES, tuple(sorted(_program_folder_files(package).items())))
    return LockedPackage(package.id, package.version, package.framework, node.source, package.sha512, deps)


def _verify_against(lock: LockFile, node: _Node) -> None:
    package = node.package
    if package.framework == PROGRAM_FOLDER_FRAMEWORK:
        lock.verify_files(package.id, package.version, _program_folder_files(package), str(package.assemblies[0]))
    else:
        lock.verify(package.id, package.version, package.sha512, node.source)


def _record(lock_file: Path, cache: PackageCache, nodes: List[_Node], target: Optional[LockedTarget],
            *, required: bool) -> None:
    """Merge what was installed into the lock file; other processes may be doing the same.

    A lock file that was asked for must be written. The default one, in the current folder,
    may sit in a folder we cannot write (a read-only checkout, ``/``): the packages are
    verified and cached all the same, so that is a warning, not a failure.
    """
    name = "lockfile-" + hashlib.sha1(str(lock_file).encode("utf-8")).hexdigest()[:16]
    with cache.lock(name):
        current = LockFile.load(lock_file)  # again: another process may have written it meanwhile
        for node in nodes:
            _verify_against(current, node)
        updated = current.with_result([_locked(n) for n in nodes], target)
        if updated == current and lock_file.exists():
            return
        try:
            updated.save(lock_file)
        except LockFileError as exc:
            if required:
                raise
            log.warning("%s The packages were not locked; pass --lock-file (lock_path=) to lock them.", exc)


# --- an installed Octopus Server or Tentacle -----------------------------------------------------


def _from_program_folder(spec: SourceSpec, package_id: str, requirement: VersionRange, lock: LockFile,
                         cache: PackageCache, lock_file: Optional[Path], lock_required: bool) -> BootstrapResult:
    from octoclr.nuget.download import hash_file

    if package_id.lower() != Path(data.program_folder_settings()["assembly"]).stem.lower():
        raise PackageNotFoundError(f"{spec.location} is an Octopus program folder; it provides Octopus.Client only, not {package_id}.")
    found = read_program_folder(spec)
    client = found[-1]
    if requirement is not ANY and not requirement.contains(NuGetVersion.parse(client.version), prerelease=True):
        raise PackageNotFoundError(
            f"{spec.location} holds Octopus.Client {client.version}, which does not match {requirement}. "
            "Drop --version to use it, or choose a NuGet source."
        )
    packages = []
    for item in found:
        # The files used are what is verified: a .nupkg of the same version locked from a feed is another matter.
        sha512 = hash_file(item.path)
        lock.verify_files(item.id, item.version, {item.path.name: sha512}, str(item.path))
        packages.append(InstalledPackage(item.id, item.version, PROGRAM_FOLDER_FRAMEWORK, sha512, item.path.parent, (item.path,)))
    nodes = [_Node(p, spec.location, []) for p in packages]
    nodes[-1].requires = nodes[:-1]
    if lock_file is not None:
        _record(lock_file, cache, nodes, None, required=lock_required)
    log.info("Using Octopus.Client %s from %s (%s)", client.version, spec.location, spec.origin)
    return BootstrapResult(tuple(packages), PROGRAM_FOLDER_FRAMEWORK, spec.location, cache.root, lock_file, False)
