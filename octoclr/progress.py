"""A one-line progress indicator on stderr, drawn only when stderr is a terminal.

Work that may take a while (a long pagination, a download) reports through
:class:`Progress`: ``advance()`` as items or bytes arrive, ``close()`` at the end. On a
terminal it draws a bar when the total is known and a spinner with a count and the
elapsed time otherwise, after a short delay so that quick operations never flash a line.
Anywhere else (a pipe, a file, CI logs) it draws nothing, and what it would have said is
logged at DEBUG level on the ``octoclr`` logger instead.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from types import TracebackType
from typing import IO, Optional, Type

import octoclr.secrets as secrets

__all__ = ["Progress", "enabled_for"]

log = logging.getLogger("octoclr.progress")

_SPINNER = "|/-\\"
_BAR_WIDTH = 30
_LINE_WIDTH = 100


def _env_delay() -> float:
    """Seconds before the indicator appears; ``OCTOCLR_PROGRESS_DELAY`` overrides the default."""
    try:
        return max(0.0, float(os.environ.get("OCTOCLR_PROGRESS_DELAY", "0.5")))
    except ValueError:
        return 0.5


def enabled_for(stream: IO[str]) -> bool:
    """Draw on ``stream`` only when it is a terminal and the user has not turned progress off."""
    if os.environ.get("OCTOCLR_NO_PROGRESS"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


class Progress:
    """One indicator line. Thread-safe: ``advance`` may be called from any thread."""

    def __init__(
        self,
        label: str,
        *,
        total: Optional[int] = None,
        unit: str = "",
        stream: Optional[IO[str]] = None,
        enabled: Optional[bool] = None,
        delay: Optional[float] = None,
        interval: float = 0.1,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.count = 0
        self.detail = ""
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = enabled_for(self._stream) if enabled is None else enabled
        self._delay = _env_delay() if delay is None else delay
        self._interval = interval
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._drawn = False
        self._frame = 0
        self._thread: Optional[threading.Thread] = None
        if self.enabled:
            # A ticker keeps the spinner and the clock moving while the caller is blocked in .NET.
            self._thread = threading.Thread(target=self._tick, name="octoclr-progress", daemon=True)
            self._thread.start()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.close()

    def advance(self, count: int = 1, detail: str = "") -> None:
        with self._lock:
            self.count += count
            if detail:
                self.detail = detail
        log.debug("%s: %s", self.label, self.describe())

    def set_count(self, count: int, detail: str = "") -> None:
        with self._lock:
            self.count = count
            if detail:
                self.detail = detail

    def describe(self) -> str:
        """The indicator's text without the spinner, e.g. ``machines find-all  12 requests  3.4 s``."""
        elapsed = time.monotonic() - self._started
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            done = min(self.count, self.total)
            filled = int(_BAR_WIDTH * done / self.total)
            text = f"{self.label} [{'#' * filled}{'-' * (_BAR_WIDTH - filled)}] {done}/{self.total}{unit}"
        else:
            text = f"{self.label}  {self.count}{unit}" if self.count or self.unit else self.label
        text += f"  {elapsed:.1f} s"
        if self.detail:
            text += f"  {self.detail}"
        return secrets.redact(text)

    def _tick(self) -> None:
        if self._delay > 0 and self._stop.wait(self._delay):
            return
        while not self._stop.is_set():
            self._draw()
            self._stop.wait(self._interval)

    def _draw(self) -> None:
        with self._lock:
            spinner = "" if self.total else _SPINNER[self._frame % len(_SPINNER)] + " "
            self._frame += 1
            line = (spinner + self.describe())[:_LINE_WIDTH]
            try:
                self._stream.write("\r" + line.ljust(_LINE_WIDTH))
                self._stream.flush()
                self._drawn = True
            except (ValueError, OSError):
                self._stop.set()

    def close(self) -> None:
        """Stop drawing and clear the line, leaving the terminal as it was."""
        first = not self._stop.is_set()
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
        with self._lock:
            if self._drawn:
                try:
                    self._stream.write("\r" + " " * _LINE_WIDTH + "\r")
                    self._stream.flush()
                except (ValueError, OSError):
                    pass
                self._drawn = False
        if first:
            unit = f" {self.unit}" if self.unit else ""
            log.debug("%s: done, %d%s, %.1f s", self.label, self.count, unit, time.monotonic() - self._started)
