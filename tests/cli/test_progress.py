"""The progress line: drawn on a terminal only, cleared at the end, never showing a secret."""

from __future__ import annotations

import io
import logging
import time

import pytest

from octoclr import secrets
from octoclr.progress import Progress, enabled_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def wait_for(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_nothing_is_drawn_when_not_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    assert not enabled_for(stream)
    with caplog.at_level(logging.DEBUG, logger="octoclr"):
        with Progress("machines find-all", unit="requests", stream=stream, delay=0) as progress:
            progress.advance(3)
    assert stream.getvalue() == ""
    assert "machines find-all: done, 3 requests" in caplog.text


def test_a_terminal_sees_the_count_and_a_cleared_line_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCTOCLR_NO_PROGRESS", raising=False)
    stream = Terminal()
    assert enabled_for(stream)
    progress = Progress("machines find-all", unit="requests", stream=stream, delay=0, interval=0.01)
    progress.set_count(7)
    wait_for(lambda: "7 requests" in stream.getvalue())
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\r")
    assert text.endswith("\r" + " " * 100 + "\r")  # the terminal is left as it was


def test_the_delay_keeps_quick_operations_silent() -> None:
    stream = Terminal()
    with Progress("quick", stream=stream, enabled=True, delay=5):
        pass
    assert stream.getvalue() == ""


def test_a_bar_when_the_total_is_known() -> None:
    progress = Progress("Downloading Octopus.Client", total=200, unit="KiB", stream=io.StringIO())
    progress.advance(50)
    assert "[#######-----------------------] 50/200 KiB" in progress.describe()


def test_secrets_never_reach_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCTOCLR_NO_PROGRESS", raising=False)
    secrets.register("hunter2-secret")
    stream = Terminal()
    progress = Progress("calling", stream=stream, delay=0, interval=0.01)
    progress.advance(1, detail="password hunter2-secret")
    wait_for(lambda: "password" in stream.getvalue())
    progress.close()
    assert "hunter2-secret" not in stream.getvalue()


def test_progress_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTOCLR_NO_PROGRESS", "1")
    assert not enabled_for(Terminal())
