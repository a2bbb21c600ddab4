"""Fetch Octopus.Client and its dependencies for a runtime: resolve, download, verify, cache.

(Contract only; the implementation fills this module in.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple, Union


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

    @property
    def assemblies(self) -> Tuple[Path, ...]:
        """Every assembly to load, in load order (dependencies before their dependants)."""
        return tuple(a for p in self.packages for a in p.assemblies)


def bootstrap(
    version: Optional[str] = None,
    source: Optional[str] = None,
    framework: Optional[str] = None,
    offline: bool = False,
    *,
    runtime: Optional[str] = None,
    lock_path: Union[str, Path, None] = None,
    cache_dir: Union[str, Path, None] = None,
    quiet: bool = True,
    package_id: str = "Octopus.Client",
) -> BootstrapResult:
    raise NotImplementedError
