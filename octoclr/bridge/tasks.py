"""``Task`` and ``Task<T>`` as asyncio awaitables, without a thread per call.

``await`` registers a .NET continuation (``ContinueWith``) whose delegate hands the
outcome to the event loop with ``loop.call_soon_threadsafe``: the loop is never blocked
and no Python thread waits. ``.result(timeout)`` is for synchronous code and waits with
``Task.Wait`` — a method, during which pythonnet releases the GIL — never through the
``Result`` property, whose getter keeps the GIL (a deadlock when the server is in this
process). Cancelling the awaiting asyncio task cancels the .NET call when the method took
a ``CancellationToken`` (the bridge passes its own when the caller gave none).
Failures arrive as the classes of :mod:`octoclr.errors`, never as ``AggregateException``.

A task the library cancelled by itself (no token of the caller's, nor the bridge's, was
cancelled: the client's own request timeout ran out) raises :class:`octoclr.TimeoutError`;
one cancelled through a token, the caller's or the bridge's, raises
``asyncio.CancelledError``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Dict, Generator, Optional

import System
from System.Threading import CancellationToken
from System.Threading.Tasks import Task, TaskContinuationOptions, TaskStatus

from octoclr import errors, timeouts
from octoclr.bridge import conversion, interruptible, network
from octoclr.bridge.compat import UNBOUND_CALLS_WORK

if TYPE_CHECKING:
    import asyncio
# asyncio itself is imported where a task is awaited or found cancelled: a script that
# only makes synchronous calls does not pay for loading it.

_continue_with: Any = None
_SLICE = 0.1  # seconds between two looks at pending signals while waiting


def _continuation_binding() -> Any:
    global _continue_with
    if _continue_with is None:
        _continue_with = Task.ContinueWith.Overloads[System.Action[Task], TaskContinuationOptions]
    return _continue_with


class DotNetTask:
    """An awaitable over a running .NET task."""

    __slots__ = ("_task", "_source", "_has_result", "_objects")

    def __init__(self, task: Any, source: Any = None, objects: Any = ()) -> None:
        self._task = task
        self._source = source
        self._objects = objects  # the call's target and arguments: the caller's tokens, the server's address
        has_result = _has_result.get(type(task))
        if has_result is None:
            has_result = _has_result[type(task)] = _returns_value(task.GetType())
        self._has_result = has_result

    @property
    def dotnet_task(self) -> Any:
        return self._task

    def done(self) -> bool:
        return bool(self._task.IsCompleted)

    def cancel(self) -> bool:
        """Ask the .NET call to stop (only possible when it took a CancellationToken)."""
        if self._source is None:
            return False
        self._source.Cancel()
        return True

    def result(self, timeout: Optional[float] = None) -> Any:
        """Wait for the task and return its converted result.

        The wait goes in short slices of ``Task.Wait(milliseconds)`` (a method: the GIL is
        free meanwhile), so that Ctrl-C stops it; ``timeout`` defaults to the limit of
        :mod:`octoclr.timeouts`. On either, the task is cancelled where it took a token.
        """
        from octoclr.bridge.exceptions import convert_exception, is_dotnet_exception

        limit = timeouts.current_timeout() if timeout is None else timeout
        watch = interruptible.Watch(self._objects, "the .NET task", limit)
        task = self._task
        try:
            while not task.IsCompleted:
                interruptible.park_if_exiting()  # a daemon thread must not go back into .NET during exit
                ending = watch.check()
                if ending is not None:
                    self.cancel()
                    if isinstance(ending, errors.TimeoutError):
                        raise errors.TimeoutError(
                            f"the .NET task did not finish within {limit:g} s; it was cancelled where it could be. "
                            "Allow more time with result(timeout=...), octoclr.timeout(seconds) or "
                            f"{timeouts.ENVIRONMENT_VARIABLE}."
                        )
                    raise ending
                left = _SLICE if watch.deadline is None else min(_SLICE, watch.deadline - time.monotonic())
                task.Wait(int(max(left, 0) * 1000) + 1)
        except KeyboardInterrupt:
            self.cancel()
            raise
        except Exception as error:
            if not is_dotnet_exception(error):
                raise
            if not task.IsCompleted:
                raise convert_exception(error, "the .NET task", watch.address) from None
            # Wait() throws for a faulted or cancelled task: its status says which, as for an await.
        return self._outcome(watch.address)

    def _outcome(self, address: Any = None) -> Any:
        from octoclr.bridge.exceptions import convert_exception

        task = self._task
        status = task.Status
        if status == TaskStatus.Faulted:
            raise convert_exception(task.Exception, "the .NET task", address or self._address)
        if status == TaskStatus.Canceled:
            if self._cancelled_by_itself():
                raise errors.TimeoutError(
                    "the .NET task was cancelled by the library itself, not through a token: its own time limit "
                    "(such as the client's request timeout) ran out. Allow more time in the client's options "
                    "(e.g. OctopusClientOptions.Timeout), or check that the server answers."
                )
            import asyncio

            raise asyncio.CancelledError("the .NET task was cancelled")
        if not self._has_result:
            return None
        # GetResult() is a method: the task is complete, so it returns at once.
        return conversion.to_python(task.GetAwaiter().GetResult())

    def _address(self) -> Any:
        return network.address_of(self._objects)

    def _cancelled_by_itself(self) -> bool:
        """True when no token that reached the call was cancelled: the library gave up on its own."""
        if self._source is not None:
            return not bool(self._source.IsCancellationRequested)
        tokens = [o for o in network.flat(self._objects) if isinstance(o, CancellationToken)]
        return not any(bool(t.IsCancellationRequested) for t in tokens)

    def __await__(self) -> Generator[Any, None, Any]:
        import asyncio

        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if self._task.IsCompleted:
            _settle(future, self)
        else:
            def on_completed(_: Any) -> None:
                try:
                    loop.call_soon_threadsafe(_settle, future, self)
                except RuntimeError:  # the loop closed before the task finished
                    pass

            action = System.Action[Task](on_completed)
            if UNBOUND_CALLS_WORK:
                _continuation_binding()(self._task, action, TaskContinuationOptions.ExecuteSynchronously)
            else:
                self._task.ContinueWith.Overloads[System.Action[Task], TaskContinuationOptions](
                    action, TaskContinuationOptions.ExecuteSynchronously
                )
        try:
            return (yield from future.__await__())
        except asyncio.CancelledError:
            self.cancel()
            raise

    def __repr__(self) -> str:
        return f"<.NET task {self._task.Status}>"


_has_result: Dict[type, bool] = {}


def _returns_value(task_type: Any) -> bool:
    while task_type is not None and not (task_type.IsGenericType and task_type.GetGenericTypeDefinition().FullName == "System.Threading.Tasks.Task`1"):
        task_type = task_type.BaseType
    # Task<VoidTaskResult> is how .NET spells a plain Task internally.
    return task_type is not None and task_type.GetGenericArguments()[0].Name != "VoidTaskResult"


def _settle(future: "asyncio.Future[Any]", task: DotNetTask) -> None:
    import asyncio

    if future.done():
        return
    try:
        value = task._outcome()
    except asyncio.CancelledError:
        future.cancel()
    except BaseException as error:  # noqa: BLE001  (handed to the awaiting coroutine)
        future.set_exception(error)
    else:
        future.set_result(value)


def when_done(task: Any, callback: Any) -> None:
    """Call ``callback()`` (on a .NET thread) once ``task`` completes, however it ends."""

    def on_completed(_: Any) -> None:
        try:
            callback()
        except Exception:  # noqa: BLE001 - nothing on a .NET thread-pool thread could report it
            pass

    action = System.Action[Task](on_completed)
    if UNBOUND_CALLS_WORK:
        _continuation_binding()(task, action, TaskContinuationOptions.ExecuteSynchronously)
    else:
        task.ContinueWith.Overloads[System.Action[Task], TaskContinuationOptions](action, TaskContinuationOptions.ExecuteSynchronously)


def wrap_task(task: Any, source: Any = None, objects: Any = ()) -> Any:
    """``task`` as an awaitable; ``objects`` are the call's target and arguments (tokens, the server)."""
    if task is None:
        return None
    return DotNetTask(task, source, objects)
