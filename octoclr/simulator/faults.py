"""Fault injection for reliability tests: latency, error statuses, bodies and dropped connections.

Rules are set through ``/_simulator/faults`` (loopback only) or
``octoclr.testing.Simulator.set_fault``. A rule matches requests by a path pattern
(``fnmatch`` style, case-insensitive, e.g. ``/api/*/machines*``) and optionally a method,
and may apply only to its next ``times`` matching requests. ``body`` answers with that text
as it is, with ``status`` (200 unless given): ``""`` for a response with no content where
JSON is expected, ``"null"`` for a literal JSON null, or anything else malformed.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass
from typing import Any, Optional


@dataclass
class Fault:
    path: str = "*"
    method: Optional[str] = None
    latency: float = 0.0  # seconds added before the request is handled
    status: Optional[int] = None  # answer with this status and an Octopus error body
    drop: bool = False  # close the connection without an answer
    body: Optional[str] = None  # answer with this text verbatim (with status, else 200)
    times: Optional[int] = None  # how many more requests it applies to; None = until cleared

    @classmethod
    def from_json(cls, data: Any) -> "Fault":
        if not isinstance(data, dict):
            raise ValueError("A fault is a JSON object such as {\"path\": \"/api/*\", \"status\": 503}.")
        unknown = set(data) - {"path", "method", "latency", "status", "drop", "body", "times"}
        if unknown:
            raise ValueError(f"Unknown fault fields: {', '.join(sorted(unknown))}.")
        fault = cls(**data)
        if not isinstance(fault.path, str) or not fault.path:
            raise ValueError("path must be a non-empty pattern, e.g. /api/*/machines*.")
        if not isinstance(fault.latency, (int, float)) or fault.latency < 0 or fault.latency > 600:
            raise ValueError("latency must be a number of seconds between 0 and 600.")
        if fault.status is not None and (not isinstance(fault.status, int) or not 100 <= fault.status <= 599):
            raise ValueError("status must be an HTTP status between 100 and 599.")
        if fault.body is not None and not isinstance(fault.body, str):
            raise ValueError("body must be the text to answer with, e.g. \"\" or \"null\".")
        if fault.times is not None and (not isinstance(fault.times, int) or fault.times < 1):
            raise ValueError("times must be a positive number of requests.")
        if fault.method is not None:
            fault.method = str(fault.method).upper()
        return fault

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return fnmatch.fnmatchcase(path.lower(), self.path.lower())


class FaultTable:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._faults)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def take(self, method: str, path: str) -> Optional[Fault]:
        """The first rule for this request, counting it against the rule's ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None
