"""Leave the runtime cleanly when the interpreter exits.

A Python thread still blocked inside .NET when the interpreter exits crashes Mono.
Code that lets a thread wait inside .NET registers a stopper here; at exit every
stopper runs (e.g. cancels the .NET wait) before pythonnet shuts the runtime down.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Callable, List

log = logging.getLogger(__name__)

_stoppers: List[Callable[[], None]] = []
_lock = threading.Lock()
_installed = False


def register(stopper: Callable[[], None]) -> Callable[[], None]:
    """Run ``stopper`` at exit; returns a function that unregisters it."""
    with _lock:
        _stoppers.append(stopper)

    def unregister() -> None:
        with _lock:
            if stopper in _stoppers:
                _stoppers.remove(stopper)

    return unregister


def _run_stoppers() -> None:
    with _lock:
        stoppers = list(reversed(_stoppers))
        _stoppers.clear()
    for stopper in stoppers:
        try:
            stopper()
        except Exception:  # exit must go on whatever one stopper does
            log.debug("a stopper failed at exit", exc_info=True)


def install() -> None:
    """Register the exit hook; atexit runs it before pythonnet's own (registered earlier, run later)."""
    global _installed
    if not _installed:
        atexit.register(_run_stoppers)
        _installed = True
