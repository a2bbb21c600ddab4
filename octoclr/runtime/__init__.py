"""Host .NET in this process and load the client into it.

A process hosts one runtime, once. :func:`start` hosts it (idempotent);
:func:`load_assemblies` loads files into it; :func:`load` does both after
bootstrapping the client. A later call asking for another runtime raises
:class:`~octoclr.errors.RuntimeConflictError`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional, Tuple

from octoclr.errors import RuntimeConflictError, RuntimeUnusableError
from octoclr.runtime import shutdown
from octoclr.runtime.assemblies import load_assemblies as _load_files
from octoclr.runtime.assemblies import loaded_assemblies
from octoclr.runtime.base import RuntimeInstall
from octoclr.runtime.selection import choose, requested_kind

__all__ = ["HostedRuntime", "LoadedClient", "start", "load", "load_assemblies", "hosted", "current", "loaded_assemblies"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HostedRuntime:
    kind: str
    version: str  # as the runtime reports itself (System.Environment.Version or Mono's own)
    install: RuntimeInstall
    started_in: float  # seconds


@dataclass(frozen=True)
class LoadedClient:
    """What :func:`octoclr.load` hosted and loaded."""

    runtime: HostedRuntime
    bootstrap: Any  # octoclr.bootstrapper.BootstrapResult
    assemblies: Tuple[Any, ...] = field(repr=False)
    load_arguments: Tuple[Optional[str], Optional[str], Optional[str]] = (None, None, None)


_lock = threading.RLock()
_hosted: Optional[HostedRuntime] = None
_client: Optional[LoadedClient] = None


def hosted() -> Optional[HostedRuntime]:
    """The runtime hosted in this process, if any."""
    return _hosted


def current() -> Optional[LoadedClient]:
    """The client loaded by :func:`load`, if any."""
    return _client


def start(runtime: Optional[str] = None) -> HostedRuntime:
    """Host ``runtime`` (``mono``, ``coreclr``, ``netfx`` or ``auto``) in this process, once."""
    global _hosted
    with _lock:
        kind = requested_kind(runtime)
        if _hosted is not None:
            if kind not in ("auto", _hosted.kind):
                raise RuntimeConflictError(
                    f"This process already hosts {_hosted.kind} {_hosted.version}; it cannot also host {kind}. "
                    f"A process hosts one .NET runtime: start a new Python process to use {kind}."
                )
            return _hosted
        _refuse_foreign_runtime(kind)
        backend, install = choose(runtime)
        began = time.perf_counter()
        clr_runtime = backend.start(install)
        import pythonnet

        shutdown.prepare()
        try:
            pythonnet.load(clr_runtime)
            import clr  # noqa: F401  (pythonnet's import hook, needed before any .NET import)
            import System  # type: ignore[import-not-found]
        except Exception as exc:
            raise RuntimeUnusableError(
                f"{install.kind} {install.version} started but pythonnet could not attach to it: {exc}"
            ) from exc
        version = install.version if install.kind == "mono" else str(System.Environment.Version)
        shutdown.install()
        _hosted = HostedRuntime(install.kind, version, install, time.perf_counter() - began)
        log.info("hosted %s %s in %.2f s", install.kind, version, _hosted.started_in)
        return _hosted


def _refuse_foreign_runtime(kind: str) -> None:
    """pythonnet may already run a runtime that someone else loaded (e.g. ``pythonnet.load()``)."""
    import pythonnet

    existing = getattr(pythonnet, "_RUNTIME", None)
    if existing is None:
        return
    name = type(existing).__name__.lower()
    foreign = "mono" if "mono" in name else "netfx" if "netfx" in name else "coreclr"
    if kind not in ("auto", foreign):
        raise RuntimeConflictError(
            f"pythonnet already hosts {foreign} in this process; it cannot also host {kind}. "
            "Start a new Python process, or ask for the runtime that is hosted."
        )
    raise RuntimeConflictError(
        "pythonnet already hosts a runtime that octoclr did not start. Call octoclr.load() before "
        "pythonnet.load() or 'import clr', so octoclr can prepare the runtime's environment."
    )


def load_assemblies(paths: List[Path]) -> List[Any]:
    """Load assembly files into the hosted runtime (hosting the default one first if needed)."""
    start()
    return _load_files(paths)


def load(
    runtime: Optional[str] = None,
    version: Optional[str] = None,
    source: Optional[str] = None,
    framework: Optional[str] = None,
    **bootstrap_options: Any,
) -> LoadedClient:
    """Bootstrap the client where needed, host the runtime and load the client's assemblies.

    A second call with compatible arguments returns the client already loaded.
    """
    global _client
    with _lock:
        if _client is not None:
            _check_compatible(_client, runtime, version, source, framework)
            return _client
        hosted_runtime = start(runtime)
        from octoclr.bootstrapper import bootstrap

        result = bootstrap(version=version, source=source, framework=framework, runtime=hosted_runtime.kind, **bootstrap_options)
        assemblies = _load_files(list(result.assemblies))
        _client = LoadedClient(hosted_runtime, result, tuple(assemblies), (version, source, framework))
        return _client


def _check_compatible(client: LoadedClient, runtime: Optional[str], version: Optional[str], source: Optional[str], framework: Optional[str]) -> None:
    kind = requested_kind(runtime)
    if kind not in ("auto", client.runtime.kind):
        raise RuntimeConflictError(
            f"This process already hosts {client.runtime.kind}; it cannot also host {kind}. "
            "Start a new Python process to use another runtime."
        )
    client_package = client.bootstrap.packages[-1]
    if version and version != client_package.version and not _version_in(version, client_package.version):
        raise RuntimeConflictError(
            f"Octopus.Client {client_package.version} is already loaded in this process; {version} cannot be "
            "loaded beside it. Start a new Python process to use another version."
        )
    if framework and framework != client.bootstrap.framework:
        raise RuntimeConflictError(
            f"The {client.bootstrap.framework} build is already loaded; the {framework} build cannot be loaded "
            "beside it. Start a new Python process."
        )


def _version_in(spec: str, version: str) -> bool:
    try:
        from octoclr.nuget.versions import NuGetVersion, parse_requirement

        # As users write it: a bare version is exact, a bracketed range a range.
        return parse_requirement(spec).contains(NuGetVersion.parse(version))
    except Exception:
        return False
