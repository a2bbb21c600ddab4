"""Which runtime to host: an explicit choice, ``OCTOCLR_RUNTIME``, or the first that is installed."""

from __future__ import annotations

import logging
import os
import re
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


#: ``coreclr:8``, ``coreclr:3.1``, ``dotnet8``, ``dotnet:8.0``, ``net8``: CoreCLR of that version.
_VERSIONED = re.compile(r"^(?:coreclr|dotnet|net)[:@=]?(\d+(?:\.\d+){0,2})$")
_SPELLING = "mono, coreclr, netfx, auto, or CoreCLR of a version such as coreclr:8 or dotnet8"


def parse_runtime(runtime: Optional[str]) -> Tuple[str, Optional[str]]:
    """The (kind, version selector) asked for by argument or ``OCTOCLR_RUNTIME``; kind ``auto`` by default.

    The selector is a version prefix (``8``, ``8.0``, ``3.1``) that the chosen
    ``Microsoft.NETCore.App`` must start with; only CoreCLR takes one.
    """
    text = (runtime or os.environ.get("OCTOCLR_RUNTIME") or "auto").strip().lower()
    if text == "dotnet":
        return "coreclr", None
    if text == "auto" or text in KINDS:
        return text, None
    versioned = _VERSIONED.match(text)
    if versioned:
        return "coreclr", versioned.group(1)
    raise RuntimeLoadError(f"Unknown runtime {text!r}: choose one of {_SPELLING}.")


def requested_kind(runtime: Optional[str]) -> str:
    """The runtime asked for by argument or environment, else ``auto``."""
    return parse_runtime(runtime)[0]


def choose(runtime: Optional[str] = None) -> Tuple[RuntimeBackend, RuntimeInstall]:
    """Resolve ``runtime`` (or auto) to a backend and the install it will start."""
    kind, wanted_version = parse_runtime(runtime)
    if wanted_version is not None:
        from octoclr.runtime.coreclr import CoreClrBackend

        versioned = CoreClrBackend(version=wanted_version)
        return versioned, versioned.find()
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
