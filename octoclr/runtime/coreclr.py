"""CoreCLR (.NET Core / .NET 5+), through clr-loader's hostfxr support.

clr-loader finds runtimes through ``DOTNET_ROOT`` and ignores its own ``dotnet_root=``
argument for that step, so the chosen root is exported before it starts. The
runtimeconfig is written by us, for the newest ``Microsoft.NETCore.App`` of that root.
"""

from __future__ import annotations

import ctypes
import glob
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

from octoclr.errors import RuntimeNotFoundError, RuntimeUnusableError
from octoclr.runtime.base import RuntimeBackend, RuntimeInstall

log = logging.getLogger(__name__)

_FRAMEWORK = "Microsoft.NETCore.App"


def _version_key(text: str) -> Tuple[int, ...]:
    main = text.split("-", 1)[0]
    return tuple(int(p) if p.isdigit() else 0 for p in main.split("."))


def candidate_roots() -> Iterator[Path]:
    """Where a .NET might live, in the order we trust them."""
    if os.environ.get("DOTNET_ROOT"):
        yield Path(os.environ["DOTNET_ROOT"])
    dotnet = shutil.which("dotnet")
    if dotnet:
        yield Path(dotnet).resolve().parent
    yield Path("/usr/share/dotnet")
    yield Path("/usr/lib/dotnet")
    yield Path.home() / ".dotnet"
    if sys.platform == "win32":
        yield Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "dotnet"
    bundled = _dotnetcore2_root()
    if bundled:
        yield bundled


def _dotnetcore2_root() -> Optional[Path]:
    """The runtime inside the ``dotnetcore2`` wheel from PyPI, if installed."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("dotnetcore2")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "bin"


def installed_runtimes() -> List[Tuple[str, Path]]:
    """Every (version, root) of Microsoft.NETCore.App found, newest first."""
    found = {}
    for root in candidate_roots():
        shared = root / "shared" / _FRAMEWORK
        if not shared.is_dir():
            continue
        for entry in shared.iterdir():
            if (entry / "System.Private.CoreLib.dll").exists() and entry.name not in found:
                found[entry.name] = root
    return sorted(found.items(), key=lambda item: _version_key(item[0]), reverse=True)


def icu_major_version() -> Optional[int]:
    """The newest ICU whose libraries load in this process, or None."""
    if sys.platform in ("win32", "darwin"):
        return 0  # the OS provides globalization; nothing to probe
    versions = set()
    for folder in ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", *glob.glob("/usr/lib/*-linux-gnu")):
        for path in glob.glob(os.path.join(folder, "libicuuc.so.*")):
            tail = path.rsplit("libicuuc.so.", 1)[1].split(".")[0]
            if tail.isdigit():
                versions.add(int(tail))
    for version in sorted(versions, reverse=True):
        try:
            ctypes.CDLL(f"libicuuc.so.{version}")
            ctypes.CDLL(f"libicui18n.so.{version}")
        except OSError:
            continue
        return version
    return None


def _matches(version: str, prefix: str) -> bool:
    """Whether ``version`` (``8.0.4``) is of the version ``prefix`` (``8``, ``8.0``, ``8.0.4``)."""
    wanted = _version_key(prefix)
    return _version_key(version)[: len(wanted)] == wanted


def _tfm(version: str) -> str:
    major, minor = (_version_key(version) + (0, 0))[:2]
    return f"netcoreapp{major}.{minor}" if major < 5 else f"net{major}.{minor}"


class CoreClrBackend(RuntimeBackend):
    kind = "coreclr"
    framework_family = "netcore"

    def __init__(self, config_dir: Optional[Path] = None, version: Optional[str] = None) -> None:
        self._config_dir = config_dir
        #: A version prefix the runtime must match (``8``, ``8.0``, ``3.1``), or None for the newest.
        self._version = version

    def find(self) -> RuntimeInstall:
        runtimes = installed_runtimes()
        if self._version is not None:
            matching = [item for item in runtimes if _matches(item[0], self._version)]
            if not matching:
                have = ", ".join(f"{v} ({root})" for v, root in runtimes) or "none"
                raise RuntimeNotFoundError(
                    f"No .NET {self._version} runtime ({_FRAMEWORK}) was found; installed: {have}. Install .NET "
                    f"{self._version} or point DOTNET_ROOT at it, or ask for another runtime."
                )
            runtimes = matching
        if not runtimes:
            searched = ", ".join(str(r) for r in candidate_roots())
            raise RuntimeNotFoundError(
                f"No .NET runtime ({_FRAMEWORK}) was found; searched {searched}. Install .NET, set DOTNET_ROOT, "
                "or 'pip install dotnetcore2' for .NET Core 3.1 from PyPI."
            )
        version, root = runtimes[0]
        return RuntimeInstall("coreclr", version, root)

    def start(self, install: RuntimeInstall) -> Any:
        assert install.location is not None
        # clr-loader looks for hostfxr through DOTNET_ROOT, whatever dotnet_root= says.
        os.environ["DOTNET_ROOT"] = str(install.location)
        invariant = self._globalization(install.version)
        config = self._write_runtimeconfig(install.version, invariant)
        from clr_loader import get_coreclr

        try:
            return get_coreclr(runtime_config=config, dotnet_root=install.location)
        except Exception as exc:
            raise RuntimeUnusableError(
                f".NET {install.version} at {install.location} could not be started: {exc}. "
                "Check the installation, or choose another with DOTNET_ROOT or runtime='mono'."
            ) from exc

    def _globalization(self, version: str) -> bool:
        """Decide on invariant globalization; a .NET that finds no ICU aborts the whole process."""
        if os.environ.get("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "").lower() in ("1", "true"):
            return True
        icu = icu_major_version()
        if icu is None:
            log.warning("no ICU library could be loaded: running .NET with invariant globalization")
            os.environ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1"
            return True
        if icu and "CLR_ICU_VERSION_OVERRIDE" not in os.environ and _version_key(version) < (5,):
            # .NET Core 3.1 probes a fixed list of ICU versions that stops before current distributions'.
            os.environ["CLR_ICU_VERSION_OVERRIDE"] = str(icu)
        return False

    def _write_runtimeconfig(self, version: str, invariant: bool) -> Path:
        config = {
            "runtimeOptions": {
                "tfm": _tfm(version),
                "framework": {"name": _FRAMEWORK, "version": version},
                "configProperties": {"System.Globalization.Invariant": invariant},
            }
        }
        folder = self._config_dir or _default_config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"octoclr-{version}{'-invariant' if invariant else ''}.runtimeconfig.json"
        text = json.dumps(config, indent=2)
        if not path.exists() or path.read_text() != text:
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text)
            os.replace(tmp, path)
        return path


def _default_config_dir() -> Path:
    from octoclr.cache import default_cache_root

    return default_cache_root() / "runtime"
