"""What every runtime backend provides, and the description of a hosted runtime."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional


@dataclass(frozen=True)
class RuntimeInstall:
    """A runtime found on this machine, before it is started."""

    kind: str  # "mono", "coreclr" or "netfx"
    version: str
    location: Optional[Path] = None  # DOTNET_ROOT for CoreCLR, libmono's folder for Mono
    details: Dict[str, str] = field(default_factory=dict)


class RuntimeBackend(ABC):
    """One kind of .NET runtime: how to find it and how to start it inside this process."""

    #: The name users pass as ``runtime=`` and ``OCTOCLR_RUNTIME``.
    kind: str
    #: Which family of lib/ folders the bootstrap should pick for this runtime.
    framework_family: str

    @abstractmethod
    def find(self) -> RuntimeInstall:
        """Locate an installed runtime, or raise RuntimeNotFoundError saying how to get one."""

    @abstractmethod
    def start(self, install: RuntimeInstall) -> Any:
        """Return a clr_loader Runtime for ``install``, with the environment prepared for it."""
