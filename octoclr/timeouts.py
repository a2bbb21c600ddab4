"""How long a blocking call to the client may take, before octoclr gives up on it.

The limit applies to each synchronous call that may wait on the server and to each
``Task.result()``; past it the call is abandoned (cancelled where it took a
``CancellationToken``) and :class:`octoclr.TimeoutError` is raised. In order of precedence:

1. ``with octoclr.timeout(seconds):`` around calls (per call or block; ``None`` lifts the limit);
2. ``octoclr.set_timeout(seconds)``, or ``timeout=`` of :func:`octoclr.connect`, for the process;
3. the ``OCTOCLR_TIMEOUT`` environment variable (seconds; ``0`` or ``none`` for no limit);
4. :data:`DEFAULT_TIMEOUT`, 100 s, as the client's own request timeout.

A method with a parameter that names a timeout (such as waiting for a server task) bounds
itself: only a limit given with ``octoclr.timeout()`` applies to it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
from typing import Iterator, Optional, Union

__all__ = ["DEFAULT_TIMEOUT", "timeout", "set_timeout", "current_timeout"]

DEFAULT_TIMEOUT = 100.0
ENVIRONMENT_VARIABLE = "OCTOCLR_TIMEOUT"

_UNSET = object()
_process_limit: Union[object, Optional[float]] = _UNSET
# Set by ``with timeout(...)``: (limit,) so that "no limit" (None) differs from "not set".
_block_limit: contextvars.ContextVar[Optional[tuple]] = contextvars.ContextVar("octoclr_timeout", default=None)


def _checked(seconds: Optional[float], what: str) -> Optional[float]:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} is a number of seconds or None, not {type(seconds).__name__}")
    if math.isnan(seconds) or seconds <= 0:
        raise ValueError(f"{what} must be a positive number of seconds (or None for no limit), not {seconds!r}")
    return None if math.isinf(seconds) else float(seconds)


def _from_environment() -> Optional[float]:
    text = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    if text.lower() in ("0", "none", "off", "inf"):
        return None
    try:
        return _checked(float(text), ENVIRONMENT_VARIABLE)
    except (TypeError, ValueError):
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={text!r} is not a number of seconds; "
                         "set it to e.g. 30, or to 0 for no limit") from None


def set_timeout(seconds: Optional[float]) -> None:
    """The limit of every blocking call in this process (``None``: no limit)."""
    global _process_limit
    _process_limit = _checked(seconds, "timeout")


def default_timeout() -> Optional[float]:
    """The process-wide limit: :func:`set_timeout`'s, else ``OCTOCLR_TIMEOUT``'s, else 100 s."""
    global _process_limit
    if _process_limit is _UNSET:
        _process_limit = _from_environment()
    return _process_limit  # type: ignore[return-value]


def current_timeout(bounds_itself: bool = False) -> Optional[float]:
    """The limit for a call made now; ``bounds_itself`` for methods that take their own timeout."""
    block = _block_limit.get()
    if block is not None:
        return block[0]
    if bounds_itself:
        return None
    return default_timeout()


@contextlib.contextmanager
def timeout(seconds: Optional[float]) -> Iterator[None]:
    """``with octoclr.timeout(5):`` limits each blocking call inside the block to 5 s."""
    token = _block_limit.set((_checked(seconds, "timeout"),))
    try:
        yield
    finally:
        _block_limit.reset(token)
