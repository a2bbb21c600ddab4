"""Which runtime to host: an explicit choice, ``OCTOCLR_RUNTIME``, or the first that is installed."""

from __future__ import annotations

import logging
import os
import sys
from typing import Dict, Optional, Tuple, Type

from octoclr.errors import RuntimeLoadError, RuntimeNotFoundError
from octoclr.runtime.base import RuntimeBackend, RuntimeInstall

log = logging.getLogger(__name__)

KINDS = ("mono", "coreclr", "netfx")


def backend_class(kind: str) -> Type[RuntimeBackend]:
    # Imported on demand: each backend pulls in its own part of clr-loader.
    if kind == "mono":
        from octoclr.runtime.mono import MonoBackend

        return MonoBackend
    if kind == "coreclr":
        from octoclr.runtime.coreclr import CoreClrBackend

        return CoreClrBackend
    if kind == "netfx":
        from octoclr.runtime.netfx import NetFxBackend

        return NetFxBackend
    raise RuntimeLoadError(f"Unknown runtime {kind!r}: choose one of {', '.join(KINDS)} or 'auto'.")


def requested_kind(runtime: Optional[str]) -> str:
    """The runtime asked for by argument or environment, else ``auto``."""
    kind = (runtime or os.environ.get("OCTOCLR_RUNTIME") or "auto").strip().lower()
    if kind == "dotnet":
        kind = "coreclr"
    if kind != "auto" and kind not in KINDS:
        raise RuntimeLoadError(f"Unknown runtime {kind!r}: choose one of {', '.join(KINDS)} or 'auto'.")
    return kind


def choose(runtime: Optional[str] = None) -> Tuple[RuntimeBackend, RuntimeInstall]:
    """Resolve ``runtime`` (or auto) to a backend and the install it will start."""
    kind = requested_kind(runtime)
    if kind != "auto":
        backend = backend_class(kind)()
        return backend, backend.find()
    order = ("netfx",) if sys.platform == "win32" else ()
    order += ("coreclr", "mono")
    reasons: Dict[str, str] = {}
    for candidate in order:
        backend = backend_class(candidate)()
        try:
            install = backend.find()
        except RuntimeNotFoundError as exc:
            reasons[candidate] = str(exc)
            continue
        log.info("runtime auto: chose %s %s", install.kind, install.version)
        return backend, install
    details = "\n".join(f"  {k}: {v}" for k, v in reasons.items())
    raise RuntimeNotFoundError(f"No .NET runtime was found on this machine.\n{details}")
