"""Per-type behaviour, registered beside the core and keyed by .NET type name.

The core never names a particular type. Anything type-specific is registered here:

* :func:`implementation_for` copies the methods of a prototype class onto the proxy
  class of every .NET type that is, derives from or implements the named type (like
  JPype's ``JImplementationFor``); proxy classes made before the registration get them too.
* :func:`result_converter_for` turns values of the named type (or a subclass) into
  plain Python values when they come back from .NET.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Tuple

_lock = threading.RLock()
_implementations: List[Tuple[str, type]] = []
_result_converters: Dict[str, Callable[[Any], Any]] = {}
_listeners: List[Callable[[str, type], None]] = []


def implementation_for(*type_names: str) -> Callable[[type], type]:
    """Class decorator: the prototype's members join the proxies of ``type_names``.

    Names are full .NET names; generic definitions use the backtick form
    (``System.Collections.Generic.IDictionary`2``).
    """

    def register(prototype: type) -> type:
        with _lock:
            for name in type_names:
                _implementations.append((name, prototype))
                for listener in list(_listeners):
                    listener(name, prototype)
        return prototype

    return register


def implementations(names: Tuple[str, ...]) -> List[type]:
    """Prototypes registered for any of ``names``, in registration order."""
    wanted = set(names)
    with _lock:
        return [prototype for name, prototype in _implementations if name in wanted]


def on_implementation(listener: Callable[[str, type], None]) -> None:
    """Call ``listener(type_name, prototype)`` for each later registration."""
    with _lock:
        _listeners.append(listener)


def result_converter_for(type_name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(converter: Callable[[Any], Any]) -> Callable[[Any], Any]:
        with _lock:
            _result_converters[type_name] = converter
        return converter

    return register


def result_converter(names: List[str]) -> Callable[[Any], Any] | None:
    """The converter registered for the first of ``names`` (a type and its bases) that has one."""
    for name in names:
        converter = _result_converters.get(name)
        if converter is not None:
            return converter
    return None


def copy_members(prototype: type, target: type) -> None:
    for name, value in vars(prototype).items():
        if name in ("__module__", "__dict__", "__weakref__", "__doc__", "__qualname__", "__slots__", "__annotations__"):
            continue
        type.__setattr__(target, name, value)  # replaces a same-named member alias on purpose
