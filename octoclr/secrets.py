"""Keep API keys and passwords out of messages, reprs and logs.

Values registered here (the API key of an endpoint, a sign-in password) are replaced
by a mask wherever octoclr formats text that might contain them, and a logging
filter on the ``octoclr`` logger does the same for every record.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Iterable

MASK = "********"

# Octopus API keys have this shape; masked even when nobody registered them.
_API_KEY_PATTERN = re.compile(r"API-[A-Z0-9]{16,}", re.IGNORECASE)

_lock = threading.Lock()
_known: set[str] = set()


def register(secret: str | None) -> None:
    """Remember a value that must never be shown."""
    if secret and len(secret) >= 4:
        with _lock:
            _known.add(secret)


def redact(text: str, extra: Iterable[str] = (), shapes: bool = True) -> str:
    """Return ``text`` with every known secret (and, with ``shapes``, anything shaped like an API key) masked.

    ``shapes=False`` is for output the user asked to see a secret in (a key just created):
    registered secrets, such as the key the user signs in with, are still masked.
    """
    with _lock:
        secrets = sorted(set(_known).union(s for s in extra if s), key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return _API_KEY_PATTERN.sub(MASK, text) if shapes else text


class RedactingFilter(logging.Filter):
    """Masks secrets in log records of the ``octoclr`` logger tree."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_filter() -> None:
    logger = logging.getLogger("octoclr")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
