"""octoclr: drive Octopus Deploy from Python through the official Octopus.Client .NET library.

``octoclr.bootstrap()`` fetches the client from a NuGet feed, a folder or an installed
Octopus Server or Tentacle; ``octoclr.load()`` hosts .NET in this process and loads it.
Every public type of the client's root namespace is an attribute of this package
(``octoclr.OctopusRepository``), ``octoclr.model`` is its model namespace, and both load
the client on first use with ``octoclr.load()``'s defaults.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from octoclr import errors
from octoclr.bootstrapper import BootstrapResult, bootstrap
from octoclr.bridge.api import from_dict, namespace, to_dict, unwrap, wrap
from octoclr.connection import connect
from octoclr.errors import *  # noqa: F401,F403  (the error classes are public at top level)
from octoclr.runtime import LoadedClient, load
from octoclr.timeouts import set_timeout, timeout

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "bootstrap",
    "BootstrapResult",
    "load",
    "LoadedClient",
    "connect",
    "to_dict",
    "from_dict",
    "wrap",
    "unwrap",
    "namespace",
    "timeout",
    "set_timeout",
    "errors",
    *errors.__all__,
]


def __getattr__(name: str) -> Any:
    """``octoclr.OctopusRepository``, ``octoclr.model``...: generated from the loaded client."""
    if name.startswith("__"):
        raise AttributeError(name)
    # ``from octoclr import demo`` asks here before importing the submodule: a submodule
    # is never a .NET type, and must not start the runtime.
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    from octoclr.bridge import api

    # Hosts the runtime and loads the client with load()'s defaults when nothing is hosted yet.
    return api.top_level(name)
