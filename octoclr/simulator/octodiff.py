"""Octodiff's signature and delta formats, for the built-in feed's delta uploads.

Octopus.Client pushes a new version of a package as a delta against a version the server
already holds: it asks for the stored version's *signature*, builds a delta with Octodiff
and posts it; the server applies it to the stored package. This module speaks both binary
formats (version 1), written here from the format itself:

Signature::

    "OCTOSIG" 0x01 <string hash name> <string rolling checksum name> ">>>"
    then per chunk of the basis file, in file order:
        int16 length, uint32 rolling checksum, hash bytes (20 for SHA1)

Delta::

    "OCTODELTA" 0x01 <string hash name> int32 hash length, hash of the new file ">>>"
    then commands until the end:
        0x60 int64 start, int64 length    copy that range of the basis file
        0x80 int64 length, bytes          these bytes

Numbers are little-endian; a string is a .NET ``BinaryWriter`` string (its UTF-8 length as
a 7-bit varint, then the bytes). The hash is SHA1; the rolling checksum is Octodiff's
"Adler32" (sums kept to 16 bits, no modulus: what Octodiff writes by default) or
"Adler32V2" (modulo 65521). Chunks are 2048 bytes by default, 128 to 31744.

:func:`apply_delta` checks the result against the hash the delta carries, so a stored
package is byte-identical to the client's file or the upload is refused.

Checked once by hand against Octodiff's own C# build (not part of the suite, which cannot
build third-party code): signatures came out byte-identical, and deltas made by either side
applied on the other.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Optional, Protocol

SIGNATURE_HEADER = b"OCTOSIG"
DELTA_HEADER = b"OCTODELTA"
END_OF_METADATA = b">>>"
FORMAT_VERSION = 1
COPY_COMMAND = 0x60
DATA_COMMAND = 0x80

MIN_CHUNK_SIZE = 128
DEFAULT_CHUNK_SIZE = 2048
MAX_CHUNK_SIZE = 31 * 1024

HASH_ALGORITHMS = {"SHA1": 20}
ADLER32, ADLER32_V2 = "Adler32", "Adler32V2"
_ADLER_MODULUS = 65521


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


class OctodiffError(ValueError):
    """A signature or delta that cannot be read or applied; the message says why."""


# --- rolling checksums ---------------------------------------------------------------


def checksum(data: bytes, algorithm: str = ADLER32) -> int:
    """The rolling checksum of one window, as Octodiff computes it."""
    a, b = 1, 0
    if algorithm == ADLER32:
        for byte in data:
            a = (a + byte) & 0xFFFF
            b = (b + a) & 0xFFFF
    elif algorithm == ADLER32_V2:
        for byte in data:
            a = (a + byte) % _ADLER_MODULUS
            b = (b + a) % _ADLER_MODULUS
    else:
        raise OctodiffError(f"The rolling checksum algorithm '{algorithm}' is not supported; "
                            f"use {ADLER32} or {ADLER32_V2}.")
    return (b << 16) | a


def rotate(value: int, remove: int, add: int, window: int, algorithm: str = ADLER32) -> int:
    """The checksum of the window moved one byte on: ``remove`` leaves, ``add`` enters."""
    a, b = value & 0xFFFF, value >> 16
    modulus = 0x10000 if algorithm == ADLER32 else _ADLER_MODULUS
    a = (a - remove + add) % modulus
    b = (b - window * remove + a - 1) % modulus
    return (b << 16) | a


# --- .NET BinaryWriter strings ----------------------------------------------------------


def _write_string(text: str) -> bytes:
    data = text.encode("utf-8")
    size, prefix = len(data), bytearray()
    while True:
        byte = size & 0x7F
        size >>= 7
        prefix.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(prefix) + data


class _Reader:
    def __init__(self, data: bytes, what: str) -> None:
        self.data = memoryview(data)
        self.at = 0
        self.what = what

    def take(self, count: int) -> bytes:
        if count < 0 or self.at + count > len(self.data):
            raise OctodiffError(f"The {self.what} is truncated: it ends inside a field at byte {self.at}.")
        piece = bytes(self.data[self.at:self.at + count])
        self.at += count
        return piece

    def unpack(self, fmt: str) -> int:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        size = shift = 0
        while True:
            byte = self.take(1)[0]
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if shift > 28:
                raise OctodiffError(f"The {self.what} has a malformed string length at byte {self.at}.")
        try:
            return self.take(size).decode("utf-8")
        except UnicodeDecodeError:
            raise OctodiffError(f"The {self.what} has a string that is not UTF-8 at byte {self.at}.") from None

    def expect(self, marker: bytes, problem: str) -> None:
        if self.take(min(len(marker), self.remaining)) != marker:
            raise OctodiffError(f"The {self.what} {problem}.")

    @property
    def remaining(self) -> int:
        return len(self.data) - self.at


def _hash_length(name: str, what: str) -> int:
    length = HASH_ALGORITHMS.get(name)
    if length is None:
        raise OctodiffError(f"The {what} uses the hash algorithm '{name}'; only SHA1 is supported.")
    return length


# --- signatures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    start: int
    length: int
    rolling: int
    hash: bytes


@dataclass(frozen=True)
class Signature:
    hash_algorithm: str
    rolling_algorithm: str
    chunks: tuple[Chunk, ...]


def _chunks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    while True:
        block = stream.read(size)
        if not block:
            return
        while len(block) < size:  # a short read is not the end of a file-like stream
            more = stream.read(size - len(block))
            if not more:
                break
            block += more
        yield block


def create_signature(basis: BinaryIO, chunk_size: int = DEFAULT_CHUNK_SIZE, rolling_algorithm: str = ADLER32) -> bytes:
    """The signature of ``basis`` (read from its current position to the end)."""
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise OctodiffError(f"The chunk size must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE}, not {chunk_size}.")
    checksum(b"", rolling_algorithm)  # refuses an unknown algorithm before any work
    out = bytearray(SIGNATURE_HEADER + bytes([FORMAT_VERSION]) + _write_string("SHA1")
                    + _write_string(rolling_algorithm) + END_OF_METADATA)
    for block in _chunks(basis, chunk_size):
        out += struct.pack("<hI", len(block), checksum(block, rolling_algorithm)) + hashlib.sha1(block).digest()
    return bytes(out)


def read_signature(data: bytes) -> Signature:
    reader = _Reader(data, "signature")
    reader.expect(SIGNATURE_HEADER, "does not start with OCTOSIG: it is not an Octodiff signature")
    if reader.take(1)[0] != FORMAT_VERSION:
        raise OctodiffError("The signature uses a newer Octodiff format than version 1.")
    hash_name = reader.string()
    rolling_name = reader.string()
    checksum(b"", rolling_name)
    reader.expect(END_OF_METADATA, "has no end-of-metadata marker (>>>)")
    hash_length = _hash_length(hash_name, "signature")
    record = 2 + 4 + hash_length
    if reader.remaining % record:
        raise OctodiffError("The signature is corrupt: its last chunk has data missing.")
    chunks, start = [], 0
    while reader.remaining:
        length = reader.unpack("<h")
        rolling = reader.unpack("<I")
        digest = reader.take(hash_length)
        if length <= 0:
            raise OctodiffError(f"The signature is corrupt: a chunk at offset {start} has length {length}.")
        chunks.append(Chunk(start, length, rolling, digest))
        start += length
    return Signature(hash_name, rolling_name, tuple(chunks))


# --- deltas -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    start: int
    length: int


@dataclass(frozen=True)
class Data:
    data: bytes


@dataclass(frozen=True)
class Delta:
    hash_algorithm: str
    expected_hash: bytes
    commands: tuple["Copy | Data", ...]


def read_delta(data: bytes) -> Delta:
    reader = _Reader(data, "delta")
    reader.expect(DELTA_HEADER, "does not start with OCTODELTA: it is not an Octodiff delta")
    if reader.take(1)[0] != FORMAT_VERSION:
        raise OctodiffError("The delta uses a newer Octodiff format than version 1.")
    hash_name = reader.string()
    expected_length = _hash_length(hash_name, "delta")
    length = reader.unpack("<i")
    if length != expected_length:
        raise OctodiffError(f"The delta's {hash_name} hash is {length} bytes long; it should be {expected_length}.")
    expected = reader.take(length)
    reader.expect(END_OF_METADATA, "has no end-of-metadata marker (>>>)")
    commands: list[Copy | Data] = []
    while reader.remaining:
        command = reader.take(1)[0]
        if command == COPY_COMMAND:
            start, size = reader.unpack("<q"), reader.unpack("<q")
            if start < 0 or size < 0:
                raise OctodiffError(f"The delta has a copy command with a negative range ({start}, {size}).")
            commands.append(Copy(start, size))
        elif command == DATA_COMMAND:
            size = reader.unpack("<q")
            commands.append(Data(reader.take(size)))
        else:
            raise OctodiffError(f"The delta is corrupt: unknown command byte 0x{command:02x} at byte {reader.at - 1}.")
    return Delta(hash_name, expected, tuple(commands))


def apply_delta(basis: bytes, delta: bytes, out: Writable) -> str:
    """Write ``basis`` patched by ``delta`` to ``out``; returns the result's SHA1 (hex).

    Raises :class:`OctodiffError` when the delta is corrupt, copies past the end of the basis,
    or the result's hash is not the one the delta expects (the basis was not the file the
    delta was built against). ``out`` may then hold a partial result: write to a temporary
    file and keep it only on success.
    """
    parsed = read_delta(delta)
    digest = hashlib.sha1()
    for command in parsed.commands:
        if isinstance(command, Copy):
            if command.start + command.length > len(basis):
                raise OctodiffError(
                    f"The delta copies bytes {command.start}..{command.start + command.length} of a basis package "
                    f"of {len(basis)} bytes: it was built against another file.")
            piece = basis[command.start:command.start + command.length]
        else:
            piece = command.data
        digest.update(piece)
        out.write(piece)
    if digest.digest() != parsed.expected_hash:
        raise OctodiffError(
            f"The patched package's SHA1 is {digest.hexdigest()}, but the delta expects "
            f"{parsed.expected_hash.hex()}: the delta was built against a different basis package.")
    return digest.hexdigest()


def create_delta(signature: bytes, new: bytes) -> bytes:
    """A delta that turns the signature's basis into ``new`` (what a client does; used by tests).

    Rolls a window of each chunk size the signature has over ``new``, and copies a basis chunk
    wherever checksum and SHA1 agree; adjacent copies merge into one command.
    """
    parsed = read_signature(signature)
    out = bytearray(DELTA_HEADER + bytes([FORMAT_VERSION]) + _write_string(parsed.hash_algorithm)
                    + struct.pack("<i", 20) + hashlib.sha1(new).digest() + END_OF_METADATA)
    by_checksum: dict[tuple[int, int], list[Chunk]] = {}
    for chunk in parsed.chunks:
        by_checksum.setdefault((chunk.length, chunk.rolling), []).append(chunk)
    sizes = sorted({c.length for c in parsed.chunks}, reverse=True)
    pending: Optional[Copy] = None
    literal_from = 0
    position = 0

    def flush_copy() -> None:
        nonlocal pending
        if pending is not None:
            out.extend(struct.pack("<Bqq", COPY_COMMAND, pending.start, pending.length))
            pending = None

    def emit_data(end: int) -> None:
        if end > literal_from:
            flush_copy()
            out.extend(struct.pack("<Bq", DATA_COMMAND, end - literal_from) + new[literal_from:end])

    rolling: dict[int, Optional[tuple[int, int]]] = {size: None for size in sizes}  # (window start, checksum)
    while position < len(new):
        found = None
        for size in sizes:
            if position + size > len(new):
                continue
            state = rolling[size]
            if state is not None and state[0] == position - 1:
                value = rotate(state[1], new[position - 1], new[position + size - 1], size, parsed.rolling_algorithm)
            else:
                value = checksum(new[position:position + size], parsed.rolling_algorithm)
            rolling[size] = (position, value)
            candidates = by_checksum.get((size, value))
            if candidates:
                digest = hashlib.sha1(new[position:position + size]).digest()
                found = next((c for c in candidates if c.hash == digest), None)
                if found is not None:
                    break
        if found is None:
            position += 1
            continue
        emit_data(position)
        if pending is not None and pending.start + pending.length == found.start:
            pending = Copy(pending.start, pending.length + found.length)
        else:
            flush_copy()
            pending = Copy(found.start, found.length)
        position += found.length
        literal_from = position
    emit_data(len(new))
    flush_copy()
    return bytes(out)
