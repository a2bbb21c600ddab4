"""JSON in and out: orjson when installed (several times faster), the standard library otherwise."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

try:  # pragma: no cover - which branch runs depends on the environment
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

    def loads(data: bytes | str) -> Any:
        return orjson.loads(data)

    DecodeError: type[Exception] = orjson.JSONDecodeError
except ImportError:  # pragma: no cover
    import json

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def loads(data: bytes | str) -> Any:
        return json.loads(data)

    DecodeError = ValueError


def now_iso() -> str:
    """A timestamp in the server's format, e.g. ``2020-02-20T10:00:00.000+00:00``."""
    moment = datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"
