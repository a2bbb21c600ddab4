"""A streaming reader of ``multipart/form-data`` bodies, for package uploads.

Clients send one file part: Octopus.Client's synchronous client as
``Content-Disposition: form-data; name=file; filename=Acme.1.0.0.nupkg`` (values unquoted,
the first boundary preceded by CRLF), its async client and the TypeScript client through
their frameworks' form writers (quoted values, ``filename*=``). The file part's bytes go to
a sink as they arrive, so a large package is never held in memory twice; other parts are
kept only if small.
"""

from __future__ import annotations

import re
from typing import Callable, Optional
from urllib.parse import unquote

from octoclr.simulator.exceptions import BadRequest

_MAX_HEADER_BYTES = 16 * 1024
_PARAMETER = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def boundary_of(content_type: Optional[str]) -> bytes:
    """The boundary of a ``multipart/form-data`` content type; a 400 for anything else."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise BadRequest("A package must be uploaded as multipart/form-data with the file in one part.",
                         help_text=f"The request's Content-Type was {content_type or 'missing'}.")
    params = _parameters(content_type)
    boundary = params.get("boundary")
    if not boundary or len(boundary) > 200:
        raise BadRequest("The multipart/form-data Content-Type has no usable boundary.")
    return boundary.encode("latin-1")


def _parameters(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _PARAMETER.findall(";" + header.split(";", 1)[1] if ";" in header else ""):
        value = value.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        found[name.lower()] = value
    return found


def file_name_of(disposition: str) -> Optional[str]:
    """The file name a part's Content-Disposition gives (``filename*`` wins over ``filename``)."""
    params = _parameters(disposition)
    extended = params.get("filename*")
    if extended and "''" in extended:
        charset, _, encoded = extended.partition("''")
        return unquote(encoded, encoding=charset or "utf-8", errors="replace")
    return params.get("filename")


class FilePartReader:
    """Feed body chunks with :meth:`feed`, then :meth:`close`; the first part with a file name
    is written to ``sink`` and its file name kept in :attr:`file_name`."""

    def __init__(self, boundary: bytes, sink: Callable[[bytes], None]) -> None:
        self._delimiter = b"\r\n--" + boundary
        self._sink = sink
        # A CRLF in front lets the first boundary be matched like every later one.
        self._buffer = bytearray(b"\r\n")
        self._state = "preamble"
        self._into_file = False
        self.file_name: Optional[str] = None
        self.file_seen = False

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        self._run()

    def close(self) -> None:
        self._run()
        if self._state != "done":
            raise BadRequest("The multipart/form-data body ended before its closing boundary: the upload was cut short.")
        if not self.file_seen:
            raise BadRequest("A package file must be provided: the form has no part with a file name.")

    def _run(self) -> None:
        delimiter = self._delimiter
        while True:
            if self._state in ("preamble", "content"):
                at = self._buffer.find(delimiter)
                if at < 0:
                    keep = len(delimiter) - 1
                    if len(self._buffer) > keep:
                        self._emit(bytes(self._buffer[:-keep]))
                        del self._buffer[:-keep]
                    return
                self._emit(bytes(self._buffer[:at]))
                del self._buffer[:at + len(delimiter)]
                self._into_file = False
                self._state = "after-boundary"
            elif self._state == "after-boundary":
                if len(self._buffer) < 2:
                    return
                if self._buffer[:2] == b"--":
                    self._state = "done"
                    self._buffer.clear()
                    return
                line_end = self._buffer.find(b"\r\n")
                if line_end < 0:
                    if len(self._buffer) > 256:
                        raise BadRequest("The multipart/form-data body is malformed after a boundary.")
                    return
                del self._buffer[:line_end + 2]  # transport padding, then CRLF
                self._state = "headers"
            elif self._state == "headers":
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buffer) > _MAX_HEADER_BYTES:
                        raise BadRequest("A part of the multipart/form-data body has headers over 16 KiB.")
                    return
                headers = bytes(self._buffer[:end]).decode("utf-8", "replace").split("\r\n")
                del self._buffer[:end + 4]
                self._start_part(headers)
                self._state = "content"
            else:  # done: an epilogue is ignored
                self._buffer.clear()
                return

    def _start_part(self, headers: list[str]) -> None:
        disposition = next((h.split(":", 1)[1].strip() for h in headers
                            if h.lower().startswith("content-disposition:")), "")
        name = file_name_of(disposition) if disposition else None
        if name is not None and not self.file_seen:
            self.file_name = name
            self.file_seen = True
            self._into_file = True

    def _emit(self, data: bytes) -> None:
        if data and self._state == "content" and self._into_file:
            self._sink(data)
