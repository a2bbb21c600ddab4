"""Blocking .NET calls that Ctrl-C and a time limit can stop.

Python runs signal handlers on the main thread between bytecodes, so while that thread is
inside a .NET method that waits on the network, Ctrl-C waits for the method to return
(for ever, when the server never answers). A call that may block therefore runs on a
worker thread (pythonnet lets go of the GIL inside .NET methods) while the caller waits
for it in short slices, between which Python handles signals. On ``KeyboardInterrupt``,
or when the time limit of :mod:`octoclr.timeouts` passes, the call's
``CancellationTokenSource`` (where the bridge made one) is cancelled and the call is
abandoned: the caller's exception is raised at once, and the worker finishes the call in
the background, drops its outcome and goes back to the pool.
Between slices the caller also looks at the call's server (:class:`Watch`): a refused
connection ends the call early, and past the limit a server answering 5xx, or nothing,
makes it an ``OctopusConnectionError`` rather than a bare timeout.

Which calls may block is decided per type, once (:func:`may_block`): members of types
that hold data (a serializer can make them: a public parameterless constructor, or a
value type) run on the caller's thread at pythonnet's own cost; members of other types
(clients, repositories, anything made from an endpoint or handed out behind an interface)
go through a worker. A call made on a worker thread (a .NET callback into Python that
calls .NET again) runs there directly.

At exit, idle workers are stopped before the runtime shuts down (a thread attached to
Mono that is still alive holds Mono's shutdown up); workers still inside a call (abandoned,
or waited for by a daemon thread the interpreter is leaving behind) are waited for a
moment, and a thread that comes back from one during exit is parked rather than handed
its outcome (see :func:`stop_idle_workers`).
"""

from __future__ import annotations

import _thread
import threading
import time
from typing import Any, Callable, List, Optional, Sequence

from octoclr import errors, timeouts
from octoclr.bridge import network

#: How long the caller waits between two looks at pending signals.
SLICE = 0.1
#: Idle workers kept for later calls; more are started when calls are abandoned.
MAX_IDLE = 4

_pool_lock = threading.Lock()
_idle: List["_Worker"] = []
_abandoned: List["_Worker"] = []  # workers still inside a call nobody waits for
_in_call: set = set()  # workers inside a call, abandoned or not
_worker_threads: set = set()  # idents of worker threads: calls from them run inline
_stopping = False


class _Worker:
    """A daemon thread that makes one call at a time, handed over through two locks."""

    __slots__ = ("go", "done", "job", "outcome", "abandoned", "thread")

    def __init__(self) -> None:
        self.go = _thread.allocate_lock()
        self.go.acquire()
        self.done = _thread.allocate_lock()
        self.done.acquire()
        self.job: Optional[tuple] = None
        self.outcome: Optional[tuple] = None
        self.abandoned = False
        self.thread = threading.Thread(target=self._run, name="octoclr-call", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        _worker_threads.add(threading.get_ident())
        while True:
            self.go.acquire()
            job = self.job
            if job is None:  # asked to stop
                return
            function, args = job
            try:
                outcome: tuple = (True, function(*args))
            except BaseException as error:  # noqa: BLE001  (handed to the caller)
                outcome = (False, error)
            with _pool_lock:
                self.job = None
                _in_call.discard(self)
                if _stopping:  # the interpreter is leaving: end this thread before the runtime goes
                    if self.abandoned:
                        _abandoned.remove(self)
                    else:
                        self.outcome = outcome
                        self.done.release()
                    return
                if not self.abandoned:
                    self.outcome = outcome
                    self.done.release()
                    continue
                self.abandoned = False
                _abandoned.remove(self)
                if _stopping or len(_idle) >= MAX_IDLE:
                    return
                _idle.append(self)

    def stop(self) -> None:
        self.job = None
        self.go.release()


def _take_worker() -> _Worker:
    try:
        return _idle.pop()
    except IndexError:
        pass
    global _registered
    if not _registered:
        from octoclr.runtime import shutdown

        shutdown.register(stop_idle_workers)
        _registered = True
    return _Worker()


_registered = False


def call(function: Callable[..., Any], args: Sequence[Any], source: Any = None, what: str = "the call",
         bounds_itself: bool = False) -> Any:
    """``function(*args)`` on a worker, waited for so that Ctrl-C and the time limit stop it."""
    if _stopping or threading.get_ident() in _worker_threads:
        park_if_exiting()
        return function(*args)
    watch = Watch(args, what, timeouts.current_timeout(bounds_itself))
    worker = _take_worker()
    worker.job = (function, args)
    with _pool_lock:
        _in_call.add(worker)
    worker.go.release()
    done = worker.done
    ending: Optional[BaseException] = None
    try:
        while not done.acquire(True, SLICE):
            ending = watch.check()
            if ending is not None:
                break
    except BaseException:
        if _abandon(worker, source):
            raise
        # It finished as the interrupt came: the worker is free, the interrupt still stands.
        worker.outcome = None
        _idle.append(worker)
        raise
    if ending is not None and _abandon(worker, source):
        raise ending  # (else it finished as the call was to end: take its outcome)
    park_if_exiting()
    ok, value = worker.outcome  # type: ignore[misc]
    worker.outcome = None
    _idle.append(worker)
    if ok:
        return value
    raise watch.explained(value)


class Watch:
    """What ends a call early, looked at between the caller's slices of waiting.

    Past the time limit the call ends with :class:`octoclr.TimeoutError`, or with
    :class:`octoclr.OctopusConnectionError` carrying the status when the call's server
    answers ``/api`` with a 5xx (the client retries the root document while it does) or
    not at all. From :data:`PROBE_AFTER` seconds on, every :data:`PROBE_EVERY` seconds,
    a refused TCP connection to the server ends it at once: nobody is listening there.
    """

    __slots__ = ("objects", "what", "limit", "started", "deadline", "probe_at", "_address")

    def __init__(self, objects: Sequence[Any], what: str, limit: Optional[float]) -> None:
        self.objects = objects
        self.what = what
        self.limit = limit
        self.started = time.monotonic()
        self.deadline = None if limit is None else self.started + limit
        self.probe_at = self.started + PROBE_AFTER
        self._address: Any = _UNKNOWN

    def address(self) -> Optional[str]:
        if self._address is _UNKNOWN:
            try:
                self._address = network.address_of(self.objects)
            except Exception:  # finding it is an aid to the message; the call goes on without it
                self._address = None
        return self._address  # type: ignore[return-value]

    def check(self) -> Optional[BaseException]:
        """The error that ends the call now, or None to keep waiting."""
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            return self._past_limit()
        if now >= self.probe_at:
            self.probe_at = now + PROBE_EVERY
            address = self.address()
            if address is not None and network.nobody_listening(address):
                return errors.OctopusConnectionError(
                    f"nobody is listening at {address}: {self.what} cannot connect (connection refused). "
                    "Check the server URL and that the Octopus Server is running."
                )
        return None

    def _past_limit(self) -> BaseException:
        address = self.address()
        status = network.root_status(address) if address is not None else _UNKNOWN
        advice = (f"Allow more time with octoclr.timeout(seconds) around the call, octoclr.set_timeout() "
                  f"or {timeouts.ENVIRONMENT_VARIABLE}.")
        if status is None:
            return errors.OctopusConnectionError(
                f"{self.what} did not finish within {self.limit:g} s and the server at {address} does not answer. "
                "Check the server URL, the network and that the Octopus Server is running.")
        if isinstance(status, int) and status >= 500:
            return errors.OctopusConnectionError(
                f"{self.what} did not finish within {self.limit:g} s: the server at {address} answers HTTP {status} "
                "on /api, and the client retries while it does. Check that the Octopus Server has started and is "
                f"healthy, or wait for it longer. {advice}", status_code=status)
        return errors.TimeoutError(
            f"{self.what} did not finish within {self.limit:g} s; the server may be slow or not answering. {advice}")

    def explained(self, error: BaseException) -> BaseException:
        """``error`` as raised by the call, with what only the call knows (its name, its server) where it helps."""
        from octoclr.bridge import exceptions

        if exceptions.is_dotnet_exception(error):
            return exceptions.convert_exception(error, self.what, self.address)
        return error


_UNKNOWN = object()
#: Seconds a call runs before its server is first checked for a listener, and between checks.
PROBE_AFTER = 1.0
PROBE_EVERY = 5.0


def _abandon(worker: _Worker, source: Any) -> bool:
    """Leave ``worker`` to finish alone; False when it had finished (its outcome is waiting)."""
    with _pool_lock:
        if worker.done.acquire(False):
            return False
        worker.abandoned = True
        _abandoned.append(worker)
    if source is not None:
        try:
            source.Cancel()
        except Exception:  # cancelling is a courtesy to the server; the caller is free already
            pass
    return True


def calls_in_flight() -> int:
    """How many abandoned calls are still running on workers."""
    return len(_abandoned)


def park_if_exiting() -> None:
    """Hold a daemon thread here for good once the interpreter is exiting.

    By then only daemon threads are left besides the main one (Python joins the others
    before its exit hooks run). One that went on would call into .NET, or be handed an
    outcome (an exception, printed as the thread dies) while the runtime shuts down: that
    is what printed ``InternalPythonnetException`` and turned a good exit status into 1.
    Parked on a Python lock it holds nothing up, and the interpreter drops it at the end.
    """
    if _stopping and threading.current_thread() is not threading.main_thread():
        threading.Event().wait()


#: How long exit waits for abandoned calls to end before leaving without the runtime's shutdown.
EXIT_GRACE = 2.0


def stop_idle_workers(wait: float = 1.0) -> None:
    """At exit, before the runtime shuts down: stop idle workers, let calls in flight end.

    A call still running when the runtime shuts down comes back into a finalized pythonnet,
    which prints ``InternalPythonnetException`` and ends the process with status 1 (or
    aborts it, on CoreCLR). So exit waits :data:`EXIT_GRACE` seconds for calls still on
    workers (abandoned ones, and those a daemon thread waits for); a worker ends its thread
    as its call returns. Any call still running then, the process leaves at once
    (``os._exit``) with the status it was exiting with, after flushing its output.
    """
    global _stopping
    with _pool_lock:
        _stopping = True
        idle = list(_idle)
        _idle.clear()
    for worker in idle:
        worker.stop()
    deadline = time.monotonic() + wait
    for worker in idle:
        worker.thread.join(max(0.0, deadline - time.monotonic()))
    deadline = time.monotonic() + EXIT_GRACE
    while _in_call and time.monotonic() < deadline:
        time.sleep(0.02)
    if _in_call:
        _leave_now()


def _leave_now() -> None:
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    from octoclr.runtime.shutdown import exit_status

    os._exit(exit_status())


# --- which types' members may block ----------------------------------------------


def may_block(dotnet_type: Any) -> bool:
    """Whether members of ``dotnet_type`` may wait on I/O (see the module's docstring)."""
    if dotnet_type.IsValueType or dotnet_type.IsEnum:
        return False
    if dotnet_type.IsInterface:
        return True
    if dotnet_type.IsAbstract and dotnet_type.IsSealed:  # a static class: helpers, extensions
        return True
    if dotnet_type.IsAbstract:
        return True
    if (dotnet_type.FullName or "").startswith("System.") and not (dotnet_type.FullName or "").startswith("System.Net"):
        return False  # the framework's own collections, strings, types and the like
    return dotnet_type.GetConstructor(_no_types()) is None


_NO_TYPES: List[Any] = []


def _no_types() -> Any:
    if not _NO_TYPES:
        import System

        _NO_TYPES.append(System.Type.EmptyTypes)
    return _NO_TYPES[0]
