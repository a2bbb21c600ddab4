"""Load a set of assemblies and keep references to other versions of them resolving.

The classic binding-redirect problem: Octopus.Client may reference Newtonsoft.Json
11.0.0.0 while the folder has 12.0.0.0 (or Debian's 6.0.0.0 in tests). An
``AppDomain.AssemblyResolve`` handler answers any request for a simple name we loaded
with the assembly we have, whatever version was asked for.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List

from octoclr.errors import RuntimeLoadError

log = logging.getLogger(__name__)

_lock = threading.Lock()
_by_simple_name: Dict[str, Any] = {}
_paths: Dict[str, Path] = {}
_handler_installed = False


def _install_resolve_handler() -> None:
    global _handler_installed
    if _handler_installed:
        return
    import System  # type: ignore[import-not-found]

    def resolve(sender: Any, args: Any) -> Any:
        simple = args.Name.split(",", 1)[0].strip()
        assembly = _by_simple_name.get(simple.lower())
        if assembly is not None:
            log.debug("resolved %s to %s", args.Name, assembly.FullName)
        return assembly

    System.AppDomain.CurrentDomain.AssemblyResolve += System.ResolveEventHandler(resolve)
    _handler_installed = True


def load_assemblies(paths: Iterable[Path]) -> List[Any]:
    """Load each assembly file (dependencies first) and return the .NET Assembly objects."""
    import clr  # type: ignore[import-not-found]
    import System  # type: ignore[import-not-found]

    loaded = []
    with _lock:
        _install_resolve_handler()
        for path in paths:
            path = Path(path).resolve()
            if not path.is_file():
                raise RuntimeLoadError(f"Assembly {path} does not exist. Run 'octoclr bootstrap' again to repair the cache.")
            key = path.stem.lower()
            if key in _by_simple_name and _paths.get(key) == path:
                loaded.append(_by_simple_name[key])
                continue
            try:
                assembly = System.Reflection.Assembly.LoadFrom(str(path))
            except Exception as exc:
                raise RuntimeLoadError(
                    f"Could not load {path.name} from {path.parent}: {exc}. The file may be damaged or built "
                    "for another framework; delete it from the cache and run 'octoclr bootstrap' again."
                ) from exc
            clr.AddReference(assembly.GetName().Name)
            _by_simple_name[key] = assembly
            _paths[key] = path
            loaded.append(assembly)
    return loaded


def loaded_assemblies() -> List[Any]:
    """Every assembly in the current AppDomain, framework ones included."""
    import System  # type: ignore[import-not-found]

    return list(System.AppDomain.CurrentDomain.GetAssemblies())
