"""Sources tried in order, for a bootstrap given no source: what the machine has before nuget.org.

Each package (the client, and each dependency on its own) comes from the first source
that has a version matching what is asked; a source that lacks the package, or has no
matching version, passes it on to the next.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from octoclr.errors import PackageNotFoundError
from octoclr.nuget.feed import FetchedPackage, PackageSource, SourceSpec
from octoclr.nuget.versions import NuGetVersion

__all__ = ["ChainedSource"]


class ChainedSource(PackageSource):
    def __init__(self, members: Sequence[PackageSource], spec: SourceSpec, hint: str = "") -> None:
        self.members = list(members)
        self.spec = spec
        self.hint = hint or "Check the package id, or name a source with --source or OCTOCLR_SOURCE."
        self._chosen: Dict[Tuple[str, str], PackageSource] = {}

    def describe(self) -> str:
        return ", then ".join(m.spec.location for m in self.members)

    def versions(self, package_id: str) -> List[NuGetVersion]:
        found: List[NuGetVersion] = []
        for member in self.members:
            try:
                found.extend(member.versions(package_id))
            except PackageNotFoundError:
                continue
        if not found:
            raise self._not_found(package_id)
        return found

    def pick(self, package_id: str, chooser: Callable[[List[NuGetVersion]], Optional[NuGetVersion]]
             ) -> Tuple[Optional[NuGetVersion], List[NuGetVersion]]:
        seen: List[NuGetVersion] = []
        had_package = False
        for member in self.members:
            try:
                version, available = member.pick(package_id, chooser)
            except PackageNotFoundError:
                continue
            had_package = True
            if version is not None:
                self._chosen[(package_id.lower(), version.normalized.lower())] = member
                return version, available
            seen.extend(available)
        if not had_package:
            raise PackageNotFoundError(f"Package {package_id} was found in none of: {self.describe()}. {self.hint}")
        return None, seen

    def fetch(self, package_id: str, version: NuGetVersion, workdir: Path) -> FetchedPackage:
        member = self._chosen.get((package_id.lower(), version.normalized.lower()))
        if member is None:  # not picked through this chain: the first member that has it
            member = next((m for m in self.members if self._has(m, package_id, version)), None)
            if member is None:
                raise PackageNotFoundError(f"{package_id} {version} is in none of: {self.describe()}.")
        fetched = member.fetch(package_id, version, workdir)
        return replace(fetched, origin=fetched.origin or member.spec.location)

    @staticmethod
    def _has(member: PackageSource, package_id: str, version: NuGetVersion) -> bool:
        try:
            return version in member.versions(package_id)
        except PackageNotFoundError:
            return False

    def close(self) -> None:
        for member in self.members:
            member.close()
