"""HTTP for the feeds: timeouts, retries with backoff, proxies from the environment,
a progress bar on a terminal, and a SHA-512 computed while the bytes stream to disk.

Settings come from arguments or the environment: ``OCTOCLR_HTTP_TIMEOUT`` (seconds per
connect/read, default 30), ``OCTOCLR_HTTP_RETRIES`` (default 3),
``OCTOCLR_HTTP_BACKOFF`` (first pause in seconds, doubled each retry, default 0.5) and
``OCTOCLR_DOWNLOAD_DEADLINE`` (seconds one request may take in all, retries included,
default 600). The timeout bounds each read; the deadline bounds the whole: a feed that
sends a byte now and then never trips the first, and always trips the second.
Proxies: httpx reads ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (``trust_env``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from octoclr.errors import FeedError

if TYPE_CHECKING:  # httpx is imported when a download starts: a cache hit never needs it
    import httpx

__all__ = ["HttpSettings", "Downloader", "Downloaded", "NotFound"]

log = logging.getLogger("octoclr.bootstrap")
T = TypeVar("T")


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


DEADLINE_ENV = "OCTOCLR_DOWNLOAD_DEADLINE"


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    deadline: float = 600.0  # a 10 MB client over a slow link takes well under this

    @classmethod
    def from_environment(cls, deadline: Optional[float] = None) -> "HttpSettings":
        chosen = deadline if deadline is not None else _env_number(DEADLINE_ENV, cls.deadline)
        if not chosen > 0:
            raise FeedError(f"The download deadline must be a number of seconds above 0, not {chosen!r} "
                            f"(--download-deadline or {DEADLINE_ENV}).")
        return cls(
            timeout=_env_number("OCTOCLR_HTTP_TIMEOUT", cls.timeout),
            retries=int(_env_number("OCTOCLR_HTTP_RETRIES", cls.retries)),
            backoff=_env_number("OCTOCLR_HTTP_BACKOFF", cls.backoff),
            deadline=chosen,
        )


@dataclass(frozen=True)
class Downloaded:
    path: Path
    sha512: str  # base64, as NuGet writes package hashes
    size: int


class NotFound(Exception):
    """The server answered 404 (the caller knows what was missing)."""


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Deadline:
    """When one request (all its attempts) must be done by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()
        self.at = self.started + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0

    def error(self, url: str, what: str, progress: str = "") -> FeedError:
        return FeedError(
            f"Could not {what} from {url}: it did not finish within the deadline of {self.seconds:g} s"
            f"{progress}. The feed is too slow or stalled. Try again later, give more time with "
            f"--download-deadline or {DEADLINE_ENV}, or use a local folder of .nupkg files with --source."
        )


def sha512_base64(digest: "hashlib._Hash") -> str:
    return base64.b64encode(digest.digest()).decode("ascii")


class _Progress:
    """A one-line bar on stderr; only drawn for a terminal."""

    def __init__(self, label: str, total: Optional[int], enabled: bool) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.done = 0
        self._last = 0.0

    def update(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self._last > 0.1:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        if self.total:
            filled = int(30 * self.done / self.total)
            bar = "#" * filled + "-" * (30 - filled)
            text = f"{self.label} [{bar}] {self.done // 1024} / {self.total // 1024} KiB"
        else:
            text = f"{self.label} {self.done // 1024} KiB"
        sys.stderr.write("\r" + text[:120])
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw()
            sys.stderr.write("\n")
            sys.stderr.flush()


class Downloader:
    """One HTTP client for a bootstrap run. Use as a context manager."""

    def __init__(self, settings: Optional[HttpSettings] = None, *, quiet: bool = True,
                 transport: Optional["httpx.BaseTransport"] = None) -> None:
        self.settings = settings or HttpSettings.from_environment()
        self.quiet = quiet
        self._transport = transport
        self._http: Optional["httpx.Client"] = None

    @property
    def _client(self) -> "httpx.Client":
        # Made on first request: a run that finds everything in a folder or the cache sends none,
        # and an HTTP client (its TLS context above all) costs a tenth of a second to make.
        if self._http is None:
            import httpx

            from octoclr import __version__

            self._http = httpx.Client(
                timeout=httpx.Timeout(self.settings.timeout),
                follow_redirects=True,
                trust_env=True,
                headers={"User-Agent": f"octoclr/{__version__}"},
                transport=self._transport,
            )
        return self._http

    def __enter__(self) -> "Downloader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def _with_retries(self, url: str, what: str, operation: Callable[[_Deadline], T]) -> T:
        import httpx

        deadline = _Deadline(self.settings.deadline)
        attempts = max(1, self.settings.retries + 1)
        for attempt in range(1, attempts + 1):
            try:
                return operation(deadline)
            except (httpx.TransportError, _Retryable) as exc:
                if deadline.passed():
                    raise deadline.error(url, what) from None
                reason = exc.reason if isinstance(exc, _Retryable) else _describe_transport_error(exc, self.settings.timeout)
                if attempt == attempts:
                    raise FeedError(
                        f"Could not {what} from {url}: {reason} (tried {attempts} times). "
                        "Check the source address, your network and proxy settings (HTTPS_PROXY), "
                        "or use a local folder of .nupkg files with --source, or --offline to use the cache."
                    ) from None
                pause = self.settings.backoff * (2 ** (attempt - 1))
                if pause >= deadline.remaining():
                    raise deadline.error(url, what, f" ({reason})") from None
                log.info("%s: %s; retrying in %.1f s", url, reason, pause)
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _timeout(self, deadline: _Deadline) -> "httpx.Timeout":
        """Each read waits at most the timeout, and never past the deadline."""
        import httpx

        return httpx.Timeout(max(0.01, min(self.settings.timeout, deadline.remaining())))

    @staticmethod
    def _check_status(response: "httpx.Response", url: str, what: str) -> None:
        if response.status_code == 404:
            raise NotFound(url)
        if response.status_code >= 500:
            raise _Retryable(f"the server answered {response.status_code}")
        if response.status_code >= 400:
            raise FeedError(
                f"Could not {what} from {url}: the server answered {response.status_code}. "
                "Check the source address; feeds that need credentials are not supported, use a local folder instead."
            )

    def _stream(self, url: str, what: str, deadline: _Deadline, sink: Callable[[bytes], None],
                progress: Optional[_Progress] = None) -> int:
        """GET ``url`` into ``sink`` chunk by chunk as the bytes arrive, within the deadline; the byte count."""
        size = 0
        with self._client.stream("GET", url, timeout=self._timeout(deadline)) as response:
            self._check_status(response, url, what)
            expected = response.headers.get("Content-Length")
            total = int(expected) if expected and expected.isdigit() else None
            if progress is not None:
                progress.total = total
            for chunk in response.iter_bytes():  # no chunk size: each read is seen, so the deadline is checked
                sink(chunk)
                size += len(chunk)
                if progress is not None:
                    progress.update(len(chunk))
                if deadline.passed():
                    shown = f" ({size} of {total} bytes received)" if total else f" ({size} bytes received)"
                    raise deadline.error(url, what, shown)
            if total is not None and size != total:
                raise _Retryable(f"the download was cut short ({size} of {total} bytes)")
        return size

    def _get_bytes(self, url: str, what: str) -> bytes:
        def attempt(deadline: _Deadline) -> bytes:
            parts: list = []
            self._stream(url, what, deadline, parts.append)
            return b"".join(parts)

        return self._with_retries(url, what, attempt)

    def get_json(self, url: str, what: str = "read the feed") -> Any:
        """GET and decode JSON; :class:`NotFound` on 404, :class:`FeedError` when it cannot be had."""
        import json

        body = self._get_bytes(url, what)
        try:
            return json.loads(body)
        except ValueError:
            raise FeedError(
                f"{url} did not answer JSON; is it a NuGet v3 service index (ending in /index.json)?"
            ) from None

    def get_text(self, url: str, what: str = "read the feed") -> str:
        return self._get_bytes(url, what).decode("utf-8", errors="replace")

    def download(self, url: str, destination: Path, label: str) -> Downloaded:
        """Stream ``url`` into ``destination``, hashing as it goes; refuse a body cut short or too slow.

        Whatever fails, no partial file is left behind.
        """
        destination = Path(destination)
        what = f"download {label}"

        def attempt(deadline: _Deadline) -> Downloaded:
            digest = hashlib.sha512()
            progress = _Progress(f"Downloading {label}", None, enabled=not self.quiet and sys.stderr.isatty())
            try:
                with open(destination, "wb") as sink:
                    def write(chunk: bytes) -> None:
                        sink.write(chunk)
                        digest.update(chunk)

                    size = self._stream(url, what, deadline, write, progress)
            finally:
                progress.close()
            return Downloaded(destination, sha512_base64(digest), size)

        try:
            return self._with_retries(url, what, attempt)
        except BaseException:
            destination.unlink(missing_ok=True)
            raise


def _describe_transport_error(exc: "httpx.TransportError", timeout: float) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s ({type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the connection was closed early, the download was cut short ({exc})"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    return f"{type(exc).__name__}: {exc}"


def hash_file(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return sha512_base64(digest)
