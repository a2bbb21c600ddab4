"""``System.IO.Stream`` across the boundary, both ways, without reading everything into memory.

Python → .NET, for a parameter declared ``Stream``:

* a binary file with a real path (``open(path, "rb")``) becomes a ``FileStream`` opened on
  that path at the file's position: .NET reads the file itself, Python copies nothing;
* ``bytes``, ``bytearray``, ``memoryview`` and ``io.BytesIO`` (from its position) become a
  ``MemoryStream``, filled by one memory copy;
* any other object with ``read`` (a socket file, a ``gzip`` file) is read in chunks into
  a ``MemoryStream``: .NET cannot call back into a Python stream it holds (no subclass of
  ``Stream`` can be written in Python), so its bytes are copied once.

A stream made here for a method's argument belongs to that call: :class:`CallStreams`
disposes it when the call returns (a ``FileStream`` holds the file open), or, for a method
returning a task, when the task completes.

.NET → Python: a ``Stream`` a method returns becomes :class:`DotNetStream`, an
``io.RawIOBase`` (``read``, ``readinto``, iteration by lines, ``with``) that reads the .NET
stream in chunks as asked; closing it disposes the .NET stream.
"""

from __future__ import annotations

import ctypes
import io
import os
import threading
from typing import Any, List, Optional

import System
from System.Runtime.InteropServices import Marshal

from octoclr.errors import ConversionError

#: How much is copied at a time: large enough to make crossings rare, small enough to stay out of the way.
CHUNK = 1 << 20

_STREAM_TYPE: Any = None


def stream_type() -> Any:
    global _STREAM_TYPE
    if _STREAM_TYPE is None:
        import clr

        _STREAM_TYPE = clr.GetClrType(System.IO.Stream)
    return _STREAM_TYPE


def is_stream_type(dotnet_type: Any) -> bool:
    """Whether a parameter of ``dotnet_type`` takes any stream (``Stream`` itself)."""
    return bool(dotnet_type.Equals(stream_type()))


def fits(value: Any) -> bool:
    """Whether a Python value can be given where a ``Stream`` is declared."""
    return isinstance(value, (bytes, bytearray, memoryview)) or callable(getattr(value, "read", None))


# --------------------------------------------------------------------------------------
# Python → .NET


def to_stream(value: Any, what: str) -> Any:
    """A .NET stream reading what ``value`` holds (see the module docstring); owned by the current call."""
    if isinstance(value, io.TextIOBase):
        raise ConversionError(f"{what}: a text file gives str, a .NET Stream takes bytes; open the file in binary mode ('rb')")
    if isinstance(value, (bytes, bytearray, memoryview)):
        stream = _memory_stream(value)
    elif isinstance(value, io.BytesIO):
        with value.getbuffer() as whole:  # released at once: a BytesIO cannot grow while it is exported
            stream = _memory_stream(whole[value.tell():])
    else:
        path = _file_path(value)
        if path is not None:
            stream = System.IO.FileStream(path, System.IO.FileMode.Open, System.IO.FileAccess.Read,
                                          System.IO.FileShare.ReadWrite | System.IO.FileShare.Delete)
            stream.Seek(value.tell(), System.IO.SeekOrigin.Begin)
        else:
            stream = _read_into_memory(value, what)
    CallStreams.own(stream)
    return stream


def _file_path(value: Any) -> Optional[str]:
    """The path of a binary file opened for reading on a regular file, else None.

    Only the file objects ``open()`` makes: others with a ``name`` (a ``GzipFile``) read
    something else than the bytes at that path.
    """
    raw = value.raw if isinstance(value, (io.BufferedReader, io.BufferedRandom)) else value
    if not isinstance(raw, io.FileIO):
        return None
    name = getattr(value, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    mode = getattr(value, "mode", "b")
    if not isinstance(name, str) or (isinstance(mode, str) and "b" not in mode):
        return None
    try:
        if not (value.seekable() and os.path.isfile(name)) or os.fstat(value.fileno()).st_ino != os.stat(name).st_ino:
            return None  # the path no longer names the file that is open
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    if any("\ud800" <= c <= "\udfff" for c in name):
        return None  # a path .NET cannot spell (undecodable bytes): read it here instead
    return name


def _memory_stream(data: Any) -> Any:
    """A read-only MemoryStream over a copy of ``data`` (one memcpy, no per-byte work)."""
    with memoryview(data) as original, original.cast("B") as view:
        buffer = System.Array.CreateInstance(System.Byte, len(view))
        if len(view):
            _copy_in(view, buffer, 0)
    return System.IO.MemoryStream(buffer, False)


def _read_into_memory(source: Any, what: str) -> Any:
    stream = System.IO.MemoryStream()
    buffer = System.Array.CreateInstance(System.Byte, CHUNK)
    while True:
        chunk = source.read(CHUNK)
        if not chunk:
            break
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            stream.Dispose()
            raise ConversionError(f"{what}: {type(source).__name__}.read() gave {type(chunk).__name__}, not bytes; open the file in binary mode ('rb')")
        view = memoryview(chunk).cast("B")
        for start in range(0, len(view), CHUNK):
            part = view[start:start + CHUNK]
            _copy_in(part, buffer, 0)
            stream.Write(buffer, 0, len(part))
    stream.Position = 0
    return stream


def _copy_in(view: memoryview, buffer: Any, offset: int) -> None:
    """Copy a contiguous byte buffer into a .NET ``byte[]`` with one ``Marshal.Copy``."""
    if view.readonly:
        whole = isinstance(view.obj, bytes) and view.nbytes == len(view.obj)
        data = view.obj if whole else view.tobytes()
        holder = ctypes.c_char_p(data)  # points into ``data`` itself, which lives until the copy is done
        address = ctypes.cast(holder, ctypes.c_void_p).value or 0
    else:
        address = ctypes.addressof(ctypes.c_char.from_buffer(view))
    Marshal.Copy(System.IntPtr(address), buffer, offset, len(view))


# --------------------------------------------------------------------------------------
# The streams of one call


class CallStreams:
    """The streams made for one call's arguments, disposed when the call is over."""

    _current = threading.local()

    def __init__(self) -> None:
        self.streams: List[Any] = []
        self._outer: Optional[CallStreams] = None

    def __enter__(self) -> "CallStreams":
        self._outer = getattr(CallStreams._current, "value", None)
        CallStreams._current.value = self
        return self

    def __exit__(self, *exc_info: Any) -> None:
        CallStreams._current.value = self._outer

    @staticmethod
    def own(stream: Any) -> None:
        current = getattr(CallStreams._current, "value", None)
        if current is not None:
            current.streams.append(stream)

    def release(self, result: Any = None) -> None:
        """Dispose the streams now, or when ``result`` (a .NET task) completes."""
        if not self.streams:
            return
        streams, self.streams = self.streams, []
        from octoclr.bridge.tasks import DotNetTask, when_done

        if isinstance(result, DotNetStream):  # the method handed an argument back: the caller's now
            streams = [s for s in streams if not System.Object.ReferenceEquals(s, result.dotnet_stream)]
        if isinstance(result, DotNetTask) and not result.done():
            when_done(result.dotnet_task, lambda: _dispose(streams))
        else:
            _dispose(streams)


def _dispose(streams: List[Any]) -> None:
    for stream in streams:
        try:
            stream.Dispose()
        except Exception:  # noqa: BLE001 - a stream that cannot close must not hide the call's outcome
            pass


# --------------------------------------------------------------------------------------
# .NET → Python


class DotNetStream(io.RawIOBase):
    """A .NET ``Stream`` read from Python as a binary file, in chunks; ``dotnet_stream`` is the stream itself.

    Lines (``readline``, iteration) come from a read-ahead of one chunk, served first by
    every later read, so a line costs no crossing of its own.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.dotnet_stream = stream
        self._buffer: Any = None
        self._pending = bytearray()  # read from .NET ahead of the caller (by readline)

    def readable(self) -> bool:
        return bool(self.dotnet_stream.CanRead)

    def seekable(self) -> bool:
        return not self.closed and bool(self.dotnet_stream.CanSeek)

    def readinto(self, target: Any) -> int:
        with memoryview(target) as original, original.cast("B") as view:
            if self._pending:
                count = min(len(view), len(self._pending))
                view[:count] = self._pending[:count]
                del self._pending[:count]
                return count
            return self._read_dotnet(view)

    def _read_dotnet(self, view: memoryview) -> int:
        wanted = min(len(view), CHUNK)
        if wanted == 0:
            return 0
        if self._buffer is None or len(self._buffer) < wanted:
            self._buffer = System.Array.CreateInstance(System.Byte, max(wanted, 1 << 16))
        count = int(self.dotnet_stream.Read(self._buffer, 0, wanted))
        if count:
            Marshal.Copy(self._buffer, 0, System.IntPtr(ctypes.addressof(ctypes.c_char.from_buffer(view))), count)
        return count

    def readline(self, size: Optional[int] = -1) -> bytes:
        limit = -1 if size is None else size
        while True:
            end = self._pending.find(b"\n") + 1
            if end and (limit < 0 or end <= limit):
                return self._take(end)
            if 0 <= limit <= len(self._pending):
                return self._take(limit)
            chunk = bytearray(1 << 16)
            count = self._read_dotnet(memoryview(chunk))
            if not count:
                return self._take(len(self._pending))
            self._pending += memoryview(chunk)[:count]

    def _take(self, count: int) -> bytes:
        line = bytes(self._pending[:count])
        del self._pending[:count]
        return line

    def readall(self) -> bytes:
        parts = [self._take(len(self._pending))]
        while True:
            chunk = self.read(CHUNK)
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.seekable():
            raise io.UnsupportedOperation("this .NET stream cannot seek")
        if whence == io.SEEK_CUR:
            offset -= len(self._pending)
        self._pending.clear()
        origin = {io.SEEK_SET: System.IO.SeekOrigin.Begin, io.SEEK_CUR: System.IO.SeekOrigin.Current,
                  io.SEEK_END: System.IO.SeekOrigin.End}[whence]
        return int(self.dotnet_stream.Seek(offset, origin))

    def tell(self) -> int:
        if not self.seekable():
            raise io.UnsupportedOperation("this .NET stream has no position")
        return int(self.dotnet_stream.Position) - len(self._pending)

    def close(self) -> None:
        if not self.closed:
            _dispose([self.dotnet_stream])
        super().close()

    def __repr__(self) -> str:
        return f"<DotNetStream {self.dotnet_stream.GetType().FullName}{' closed' if self.closed else ''}>"
