"""Differences between the pythonnet versions the bridge supports."""

from __future__ import annotations

import importlib.metadata


def _pythonnet_version() -> tuple:
    try:
        return tuple(int(part) for part in importlib.metadata.version("pythonnet").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return (99, 0)


#: Whether a class-level overload may be called with the instance as first argument
#: (``Type.Method.Overloads[...](instance, ...)``). pythonnet before 3.1 (3.0.5 is the
#: newest for Python 3.9) throws a NullReferenceException inside ``MethodBinding.tp_call``
#: for such calls, which ends the process; there, calls bind through the instance instead.
UNBOUND_CALLS_WORK = _pythonnet_version() >= (3, 1)
