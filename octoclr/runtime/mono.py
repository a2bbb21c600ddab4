"""Mono, through clr-loader's ``get_mono``.

Mono before 6.12 (Debian ships 6.8) deadlocks when Python and .NET threads interleave
under load (measured: 1,000 awaits through the thread pool hang with the default
cooperative suspend and finish in 0.4 s with preemptive suspend), so the suspend
mode is set before Mono starts unless the user chose one; so is the number of thread pool
workers per CPU (see :meth:`MonoBackend.start`).
"""

from __future__ import annotations

import ctypes.util
import logging
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any, Optional

from octoclr.errors import RuntimeNotFoundError, RuntimeUnusableError
from octoclr.runtime.base import RuntimeBackend, RuntimeInstall

log = logging.getLogger(__name__)

#: Thread pool workers per CPU that Mono may start without waiting for its monitor (Mono's own default is 1).
MONO_THREADS_PER_CPU = 4

_LIBMONO_CANDIDATES = (
    "/usr/lib/libmono-2.0.so.1",
    "/usr/lib/x86_64-linux-gnu/libmono-2.0.so.1",
    "/usr/lib/aarch64-linux-gnu/libmono-2.0.so.1",
    "/usr/local/lib/libmono-2.0.so.1",
    "/Library/Frameworks/Mono.framework/Versions/Current/lib/libmonosgen-2.0.dylib",
)


def _find_libmono() -> Optional[Path]:
    override = os.environ.get("OCTOCLR_LIBMONO")
    if override:
        return Path(override)
    for candidate in _LIBMONO_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    found = ctypes.util.find_library("mono-2.0")  # a soname such as libmono-2.0.so.1: dlopen finds it
    return Path(found) if found else None


def _mono_version() -> str:
    mono = shutil.which("mono")
    if not mono:
        return "unknown"
    try:
        out = subprocess.run([mono, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"version (\d+(?:\.\d+)+)", out)
    return match.group(1) if match else "unknown"


class MonoBackend(RuntimeBackend):
    kind = "mono"
    framework_family = "netfx"

    def find(self) -> RuntimeInstall:
        libmono = _find_libmono()
        if libmono is None:
            raise RuntimeNotFoundError(
                "Mono was not found (no libmono-2.0 library). Install it, e.g. "
                "'apt-get install mono-runtime libmono-2.0-1', or choose another runtime with "
                "runtime='coreclr' or OCTOCLR_RUNTIME=coreclr."
            )
        return RuntimeInstall("mono", _mono_version(), libmono.parent, {"libmono": str(libmono)})

    def start(self, install: RuntimeInstall) -> Any:
        if "MONO_THREADS_SUSPEND" not in os.environ:
            os.environ["MONO_THREADS_SUSPEND"] = "preemptive"
        # Mono's thread pool runs one worker per CPU, and adds another only when its monitor,
        # every half second, finds them all busy. A blocking HTTP call keeps workers waiting
        # on other work items, so on a small machine the first call of a process waited one or
        # two of those ticks (on 2 CPUs the first Projects.Get took 0.8-1.1 s of which 0.23 s
        # was work). More workers per CPU let the pool start what the call needs at once;
        # threads are still only made when work asks for them.
        if "MONO_THREADS_PER_CPU" not in os.environ:
            os.environ["MONO_THREADS_PER_CPU"] = str(MONO_THREADS_PER_CPU)
        from clr_loader import get_mono

        with warnings.catch_warnings():
            # clr-loader warns about Mono < 6.12; the suspend mode above is the remedy it hints at.
            warnings.simplefilter("ignore", UserWarning)
            try:
                return get_mono(libmono=install.details.get("libmono"))
            except Exception as exc:  # clr-loader raises plain RuntimeError/OSError
                raise RuntimeUnusableError(
                    f"Mono {install.version} at {install.details.get('libmono')} could not be started: {exc}. "
                    "Check that mono-runtime and its class libraries (libmono-2.0-1, mono-devel) are installed."
                ) from exc
