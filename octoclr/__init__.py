"""octoclr: drive Octopus Deploy from Python through the official Octopus.Client .NET library.

``octoclr.bootstrap()`` fetches the client from a NuGet feed, a folder or an installed
Octopus Server or Tentacle; ``octoclr.load()`` hosts .NET in this process and loads it.
"""

from __future__ import annotations

from octoclr import errors
from octoclr.bootstrapper import BootstrapResult, bootstrap
from octoclr.errors import *  # noqa: F401,F403  (the error classes are public at top level)
from octoclr.runtime import LoadedClient, load

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "bootstrap",
    "BootstrapResult",
    "load",
    "LoadedClient",
    "errors",
    *errors.__all__,
]
