"""Leave the runtime cleanly when the interpreter exits.

A Python thread still blocked inside .NET when the interpreter exits crashes Mono.
Code that lets a thread wait inside .NET registers a stopper here; at exit every
stopper runs (e.g. cancels the .NET wait) before pythonnet shuts the runtime down.
A stopper that must leave at once (``os._exit``) finds the status the interpreter was
exiting with in :func:`exit_status`.

pythonnet's shutdown then collects garbage in a loop, a full Python collection and a
.NET one each round, until a round frees nothing: with octoclr's modules and caches
alive, that costs a one-shot process more than its call (0.35 s of 1.7 s on Mono).
Everything still reachable at that point stays reachable until the interpreter's own
teardown, so the objects alive then are collected once here and frozen (``gc.freeze``)
for pythonnet's rounds, and thawed again once pythonnet is done, so that the
interpreter's last collections see every object as usual.
"""

from __future__ import annotations

import atexit
import gc
import logging
import sys
import threading
from typing import Any, Callable, List

log = logging.getLogger(__name__)

_stoppers: List[Callable[[], None]] = []
_lock = threading.Lock()
_installed = False
_thaw_installed = False


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
    _freeze_for_runtime_shutdown()


def _freeze_for_runtime_shutdown() -> None:
    gc.collect()  # what is garbage now is finalized while the runtime still runs
    gc.freeze()


def _thaw() -> None:
    gc.unfreeze()


def prepare() -> None:
    """Before pythonnet starts: register the thaw, which atexit then runs after pythonnet's shutdown."""
    global _thaw_installed
    if not _thaw_installed:
        atexit.register(_thaw)
        _thaw_installed = True


def install() -> None:
    """Register the exit hook; atexit runs it before pythonnet's own (registered earlier, run later)."""
    global _installed
    if not _installed:
        atexit.register(_run_stoppers)
        _installed = True


_exit_code: List[Any] = []
_real_exit = None


def _recording_exit(code: Any = None) -> None:
    _exit_code[:] = [code]
    assert _real_exit is not None
    _real_exit(code)


def record_exit_status() -> None:
    """Note the code given to ``sys.exit`` (atexit hooks cannot see it otherwise).

    Done when octoclr is imported (below), not when the first call starts: ``sys.exit(main())``
    looks ``sys.exit`` up before ``main`` runs, so a later patch would miss the command line's
    own status.
    """
    global _real_exit
    if _real_exit is None:
        _real_exit = sys.exit
        sys.exit = _recording_exit


def exit_status() -> int:
    """The status the interpreter is exiting with, as far as an atexit hook can tell."""
    if _exit_code:
        code = _exit_code[0]
        if code is None:
            return 0
        if isinstance(code, int) and not isinstance(code, bool):
            return code & 0xFF
        return 1  # sys.exit("message"): Python printed the message and exits with 1
    if getattr(sys, "last_type", None) is not None:  # an uncaught exception was printed
        return 1
    return 0


record_exit_status()
