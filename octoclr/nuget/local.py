"""Packages the machine already has: PowerShell's PackageManagement folders and NuGet's
global packages folder, each a :class:`~octoclr.nuget.feed.PackageSource`.

PowerShell (``Install-Package Octopus.Client``) keeps one folder per package,
``<Id>.<Version>/``, holding the ``.nupkg`` and its unpacked files, in
``PackageManagement/NuGet/Packages`` under a per-user folder (``-Scope CurrentUser``) and
an all-users one (``-Scope AllUsers``): ``$XDG_DATA_HOME`` (by default ``~/.local/share``)
and ``/usr/local/share`` on Linux and macOS, ``%LOCALAPPDATA%`` and ``%ProgramFiles%`` on
Windows. NuGet keeps ``<id-lowercase>/<version>/<id-lowercase>.<version>.nupkg`` with a
``.nupkg.sha512`` (the base64 SHA-512 it checked) under ``NUGET_PACKAGES``, by default
``~/.nuget/packages``.

Only the ``.nupkg`` is used; the unpacked files beside it are never loaded (anyone who can
write there can change them). A ``.nupkg`` whose ``.sha512`` does not match is passed
over with a warning, and the bootstrap checks every ``.nupkg`` it takes like any other:
its nuspec names the id and version asked for, and the lock file knows its hash.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from octoclr.errors import PackageNotFoundError
from octoclr.nuget.feed import FetchedPackage, PackageSource, SourceSpec
from octoclr.nuget.versions import InvalidVersion, NuGetVersion

__all__ = ["POWERSHELL", "NUGET_GLOBAL", "NUGET_PACKAGES_ENV", "LocalPackages", "local_package_sources", "powershell_folders",
           "nuget_global_folder"]

log = logging.getLogger("octoclr.bootstrap")

POWERSHELL = "powershell"  # PackageManagement's <Id>.<Version>/ folders
NUGET_GLOBAL = "nuget-global"  # NuGet's <id>/<version>/ global packages folder
NUGET_PACKAGES_ENV = "NUGET_PACKAGES"

#: Below each base folder, where PackageManagement's NuGet provider puts packages.
PACKAGES_BELOW = ("PackageManagement", "NuGet", "Packages")
#: The all-users base folder off Windows (PowerShell's ``-Scope AllUsers`` there).
UNIX_ALL_USERS = Path("/usr/local/share")
THIS_USER = "this user"
ALL_USERS = "all users"


def powershell_folders(platform: str = "") -> List[Tuple[str, Path]]:
    """Where PowerShell's PackageManagement installs NuGet packages: (scope, folder), this user first.

    ``platform`` is ``sys.platform`` unless given (so the Windows layout can be checked anywhere).
    """
    if (platform or sys.platform) == "win32":
        bases = [(scope, Path(os.environ[name])) for scope, name in ((THIS_USER, "LOCALAPPDATA"), (ALL_USERS, "ProgramFiles"))
                 if os.environ.get(name)]
    else:  # .NET's LocalApplicationData off Windows: XDG_DATA_HOME, else ~/.local/share
        per_user = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        bases = [(THIS_USER, Path(per_user)), (ALL_USERS, UNIX_ALL_USERS)]
    return [(scope, base.joinpath(*PACKAGES_BELOW)) for scope, base in bases]


def nuget_global_folder() -> Path:
    named = os.environ.get(NUGET_PACKAGES_ENV)
    return Path(named).expanduser() if named else Path.home() / ".nuget" / "packages"


@dataclass(frozen=True)
class Candidate:
    version: NuGetVersion
    nupkg: Path
    problem: Optional[str] = None  # why it is not used, when it is not


class LocalPackages(PackageSource):
    """One folder of one layout (:data:`POWERSHELL` or :data:`NUGET_GLOBAL`)."""

    def __init__(self, root: Path, layout: str, label: str = "") -> None:
        self.root = Path(root)
        self.layout = layout
        self.label = label or ("PowerShell PackageManagement" if layout == POWERSHELL else "NuGet global packages")
        self.spec = SourceSpec(layout, str(self.root), self.label)
        self._candidates: Dict[str, List[Candidate]] = {}

    # --- what is there ---------------------------------------------------------------------

    def _folders(self, package_id: str) -> List[Tuple[Path, str]]:
        """(folder, version text) of every version of ``package_id`` in this layout."""
        if not self.root.is_dir():
            return []
        wanted = package_id.lower()
        found = []
        try:
            if self.layout == NUGET_GLOBAL:
                package_dir = self.root / wanted
                if package_dir.is_dir():
                    found = [(child, child.name) for child in package_dir.iterdir() if child.is_dir()]
            else:
                prefix = wanted + "."
                for child in self.root.iterdir():
                    if child.is_dir() and child.name.lower().startswith(prefix):
                        found.append((child, child.name[len(prefix):]))
        except OSError as exc:
            log.warning("Cannot read %s (%s); passing over it.", self.root, exc)
        return found

    def _nupkg_in(self, folder: Path, package_id: str, version_text: str) -> Optional[Path]:
        wanted = f"{package_id}.{version_text}.nupkg".lower()
        try:
            return next((p for p in folder.iterdir() if p.is_file() and p.name.lower() == wanted), None)
        except OSError:
            return None

    def candidates(self, package_id: str) -> List[Candidate]:
        """Every version found, with the reason it is passed over where it is (memoized: it hashes)."""
        key = package_id.lower()
        if key in self._candidates:
            return self._candidates[key]
        from octoclr.nuget.download import hash_file

        listed: List[Candidate] = []
        for folder, version_text in self._folders(package_id):
            try:
                version = NuGetVersion.parse(version_text)
            except InvalidVersion:
                continue  # Octopus.Client.Extensions.1.0.0 is another package
            nupkg = self._nupkg_in(folder, package_id, version_text)
            if nupkg is None:
                listed.append(Candidate(version, folder, f"no {package_id}.{version_text}.nupkg in {folder}"))
                continue
            problem = None
            recorded = nupkg.with_name(nupkg.name + ".sha512")
            if recorded.is_file():
                try:
                    expected = recorded.read_text(encoding="ascii", errors="replace").strip()
                    actual = hash_file(nupkg)
                except OSError as exc:
                    expected, actual = "", f"unreadable ({exc})"
                if expected != actual:
                    problem = (f"{nupkg} does not match its {recorded.name} (recorded {expected or 'nothing'}, "
                               f"found {actual}); it was changed after NuGet installed it")
                    log.warning("%s %s in %s is passed over: %s.", package_id, version, self.label, problem)
            listed.append(Candidate(version, nupkg, problem))
        self._candidates[key] = listed
        return listed

    # --- PackageSource ----------------------------------------------------------------------

    def versions(self, package_id: str) -> List[NuGetVersion]:
        usable = [c.version for c in self.candidates(package_id) if c.problem is None]
        if not usable:
            raise self._not_found(package_id)
        return usable

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        for candidate in self.candidates(package_id):
            if candidate.version == version and candidate.problem is None:
                return FetchedPackage(candidate.nupkg, False)
        raise PackageNotFoundError(f"{package_id} {version} is not in {self.root}.")


def local_package_sources(platform: str = "") -> List[LocalPackages]:
    """The machine's package folders, in the order they are tried.

    PowerShell's per-user folder, its all-users folder, then NuGet's global packages folder:
    Tentacle hosts install the client with PowerShell, and what a user installed for
    themselves is what they chose last. Duplicates (``XDG_DATA_HOME=/usr/local/share``)
    are tried once.
    """
    sources: List[LocalPackages] = []
    for scope, folder in powershell_folders(platform):
        if all(folder != known.root for known in sources):
            sources.append(LocalPackages(folder, POWERSHELL, f"PowerShell PackageManagement ({scope})"))
    sources.append(LocalPackages(nuget_global_folder(), NUGET_GLOBAL))
    return sources
