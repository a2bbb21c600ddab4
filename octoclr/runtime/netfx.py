"""The .NET Framework, on Windows only, through clr-loader's ``get_netfx``."""

from __future__ import annotations

import sys
from typing import Any

from octoclr.errors import RuntimeNotFoundError, RuntimeUnusableError
from octoclr.runtime.base import RuntimeBackend, RuntimeInstall


class NetFxBackend(RuntimeBackend):
    kind = "netfx"
    framework_family = "netfx"

    def find(self) -> RuntimeInstall:
        if sys.platform != "win32":
            raise RuntimeNotFoundError(
                "The .NET Framework runtime exists only on Windows. Use runtime='mono' or runtime='coreclr' here."
            )
        return RuntimeInstall("netfx", "4.x")

    def start(self, install: RuntimeInstall) -> Any:
        from clr_loader import get_netfx

        try:
            return get_netfx()
        except Exception as exc:
            raise RuntimeUnusableError(f"The .NET Framework could not be started: {exc}") from exc
