"""Differences between the pythonnet versions the bridge supports."""

from __future__ import annotations

import re
from pathlib import Path


def _pythonnet_version() -> tuple:
    # The version is in the name of the installed distribution's folder beside the package:
    # read there, it costs nothing, where importlib.metadata adds a tenth of a one-shot
    # process's imports.
    import pythonnet

    package = Path(pythonnet.__file__).parent
    for info in package.parent.glob("pythonnet-*.dist-info"):
        found = re.match(r"pythonnet-(\d+)\.(\d+)", info.name)
        if found:
            return int(found.group(1)), int(found.group(2))
    import importlib.metadata  # another layout (an egg, a zip): ask the metadata

    try:
        return tuple(int(part) for part in importlib.metadata.version("pythonnet").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return (99, 0)


#: Whether a class-level overload may be called with the instance as first argument
#: (``Type.Method.Overloads[...](instance, ...)``). pythonnet before 3.1 (3.0.5 is the
#: newest for Python 3.9) throws a NullReferenceException inside ``MethodBinding.tp_call``
#: for such calls, which ends the process; there, calls bind through the instance instead.
UNBOUND_CALLS_WORK = _pythonnet_version() >= (3, 1)
