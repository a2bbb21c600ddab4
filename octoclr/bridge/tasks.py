"""``Task`` and ``Task<T>`` as asyncio awaitables, without a thread per call.

``await`` registers a .NET continuation (``ContinueWith``) whose delegate hands the
outcome to the event loop with ``loop.call_soon_threadsafe``: the loop is never blocked
and no Python thread waits. ``.result(timeout)`` is for synchronous code and waits with
``Task.Wait`` — a method, during which pythonnet releases the GIL — never through the
``Result`` property, whose getter keeps the GIL (a deadlock when the server is in this
process). Cancelling the awaiting asyncio task cancels the .NET call when the method took
a ``CancellationToken`` (the bridge passes its own when the caller gave none).
Failures arrive as the classes of :mod:`octoclr.errors`, never as ``AggregateException``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Dict, Generator, Optional

import System
from System.Threading.Tasks import Task, TaskContinuationOptions, TaskStatus

from octoclr import errors, timeouts
from octoclr.bridge import conversion, interruptible
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

    __slots__ = ("_task", "_source", "_has_result")

    def __init__(self, task: Any, source: Any = None) -> None:
        self._task = task
        self._source = source
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
        deadline = None if limit is None else time.monotonic() + limit
        task = self._task
        try:
            while not task.IsCompleted:
                interruptible.park_if_exiting()  # a daemon thread must not go back into .NET during exit
                left = _SLICE if deadline is None else min(_SLICE, deadline - time.monotonic())
                if left <= 0:
                    self.cancel()
                    raise errors.TimeoutError(
                        f"the .NET task did not finish within {limit:g} s; it was cancelled where it could be. "
                        "Allow more time with result(timeout=...), octoclr.timeout(seconds) or "
                        f"{timeouts.ENVIRONMENT_VARIABLE}."
                    )
                task.Wait(int(left * 1000) + 1)
        except KeyboardInterrupt:
            self.cancel()
            raise
        except Exception as error:
            if is_dotnet_exception(error):
                raise convert_exception(error) from None
            raise
        return self._outcome()

    def _outcome(self) -> Any:
        from octoclr.bridge.exceptions import convert_exception

        task = self._task
        status = task.Status
        if status == TaskStatus.Faulted:
            raise convert_exception(task.Exception)
        if status == TaskStatus.Canceled:
            import asyncio

            raise asyncio.CancelledError("the .NET task was cancelled")
        if not self._has_result:
            return None
        # GetResult() is a method: the task is complete, so it returns at once.
        return conversion.to_python(task.GetAwaiter().GetResult())

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


def wrap_task(task: Any, source: Any = None) -> Any:
    if task is None:
        return None
    return DotNetTask(task, source)
