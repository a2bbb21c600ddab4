"""Octodiff's formats: the rolling checksums, signatures and deltas, and their round trips."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from octoclr.simulator import octodiff

data = st.binary(max_size=6000)


def patch(basis: bytes, new: bytes, chunk_size: int = octodiff.DEFAULT_CHUNK_SIZE,
          algorithm: str = octodiff.ADLER32) -> tuple[bytes, bytes]:
    signature = octodiff.create_signature(io.BytesIO(basis), chunk_size, algorithm)
    delta = octodiff.create_delta(signature, new)
    out = io.BytesIO()
    digest = octodiff.apply_delta(basis, delta, out)
    assert digest == hashlib.sha1(new).hexdigest()
    return out.getvalue(), delta


# --- checksums ---------------------------------------------------------------------------


@given(st.binary(max_size=4000))
def test_the_v2_checksum_is_standard_adler32(block: bytes) -> None:
    assert octodiff.checksum(block, octodiff.ADLER32_V2) == zlib.adler32(block)


@given(st.binary(max_size=200))
def test_the_v1_checksum_is_adler32_while_its_sums_fit_16_bits(block: bytes) -> None:
    # Octodiff's default "Adler32" keeps 16-bit sums with no modulus: equal to Adler-32 until they wrap.
    a = 1 + sum(block)
    b = sum(1 + sum(block[:i + 1]) for i in range(len(block)))
    value = octodiff.checksum(block, octodiff.ADLER32)
    assert value == (((b & 0xFFFF) << 16) | (a & 0xFFFF))
    if b < 65521:
        assert value == zlib.adler32(block)


@given(st.binary(min_size=2, max_size=3000), st.sampled_from([octodiff.ADLER32, octodiff.ADLER32_V2]))
def test_rotating_the_window_equals_computing_it_afresh(block: bytes, algorithm: str) -> None:
    window = max(1, len(block) // 2)
    value = octodiff.checksum(block[:window], algorithm)
    for start in range(1, len(block) - window + 1):
        value = octodiff.rotate(value, block[start - 1], block[start + window - 1], window, algorithm)
        assert value == octodiff.checksum(block[start:start + window], algorithm)


def test_an_unknown_checksum_algorithm_is_refused_by_name() -> None:
    with pytest.raises(octodiff.OctodiffError, match="'Fletcher'"):
        octodiff.checksum(b"x", "Fletcher")


# --- signatures ----------------------------------------------------------------------------


def test_the_signature_layout_is_octodiffs() -> None:
    basis = bytes(range(256)) * 20  # 5120 bytes: two full chunks of 2048 and one of 1024
    signature = octodiff.create_signature(io.BytesIO(basis))
    head = b"OCTOSIG\x01\x04SHA1\x07Adler32>>>"
    assert signature.startswith(head)
    records = signature[len(head):]
    assert len(records) == 3 * (2 + 4 + 20)
    for index, (start, length) in enumerate([(0, 2048), (2048, 2048), (4096, 1024)]):
        record = records[index * 26:(index + 1) * 26]
        chunk = basis[start:start + length]
        assert struct.unpack("<hI", record[:6]) == (length, octodiff.checksum(chunk))
        assert record[6:] == hashlib.sha1(chunk).digest()
    parsed = octodiff.read_signature(signature)
    assert [(c.start, c.length) for c in parsed.chunks] == [(0, 2048), (2048, 2048), (4096, 1024)]


@given(data, st.integers(octodiff.MIN_CHUNK_SIZE, 4096), st.sampled_from([octodiff.ADLER32, octodiff.ADLER32_V2]))
def test_a_signature_reads_back_as_written(basis: bytes, chunk_size: int, algorithm: str) -> None:
    parsed = octodiff.read_signature(octodiff.create_signature(io.BytesIO(basis), chunk_size, algorithm))
    assert parsed.rolling_algorithm == algorithm and parsed.hash_algorithm == "SHA1"
    assert b"".join(basis[c.start:c.start + c.length] for c in parsed.chunks) == basis
    assert all(c.hash == hashlib.sha1(basis[c.start:c.start + c.length]).digest() for c in parsed.chunks)


@pytest.mark.parametrize("size", [octodiff.MIN_CHUNK_SIZE - 1, octodiff.MAX_CHUNK_SIZE + 1])
def test_chunk_sizes_outside_octodiffs_limits_are_refused(size: int) -> None:
    with pytest.raises(octodiff.OctodiffError, match="chunk size"):
        octodiff.create_signature(io.BytesIO(b"x"), size)


@pytest.mark.parametrize("broken, message", [
    (b"NOTASIG", "OCTOSIG"),
    (b"OCTOSIG\x02", "newer"),
    (b"OCTOSIG\x01\x03MD5\x07Adler32>>>", "only SHA1"),
    (b"OCTOSIG\x01\x04SHA1\x07Adler32>>", "truncated|marker"),
    (b"OCTOSIG\x01\x04SHA1\x07Adler32>>>" + b"\x00" * 25, "data missing"),
])
def test_a_corrupt_signature_says_what_is_wrong(broken: bytes, message: str) -> None:
    with pytest.raises(octodiff.OctodiffError, match=message):
        octodiff.read_signature(broken)


# --- deltas --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(data, data)
def test_any_file_patches_into_any_other(basis: bytes, new: bytes) -> None:
    result, _ = patch(basis, new)
    assert result == new


@settings(max_examples=40, deadline=None)
@given(data, st.integers(0, 6000), st.binary(max_size=300), st.integers(0, 300),
       st.integers(octodiff.MIN_CHUNK_SIZE, 2048), st.sampled_from([octodiff.ADLER32, octodiff.ADLER32_V2]))
def test_an_edited_file_patches_back_exactly(basis: bytes, at: int, inserted: bytes, removed: int,
                                            chunk_size: int, algorithm: str) -> None:
    at = min(at, len(basis))
    new = basis[:at] + inserted + basis[at + removed:]
    result, _ = patch(basis, new, chunk_size, algorithm)
    assert result == new


def test_a_small_edit_of_a_large_file_makes_a_small_delta() -> None:
    rng = random.Random(7)
    basis = rng.randbytes(300_000) if hasattr(rng, "randbytes") else bytes(rng.getrandbits(8) for _ in range(300_000))
    new = basis[:150_000] + b"an edit in the middle" + basis[150_100:]
    result, delta = patch(basis, new)
    assert result == new
    assert len(delta) < 6000  # two copies and the changed chunk, not 300 kB
    commands = octodiff.read_delta(delta).commands
    assert [type(c).__name__ for c in commands] == ["Copy", "Data", "Copy"]  # adjacent copies merged


def test_the_delta_layout_is_octodiffs() -> None:
    basis = hashlib.sha1(b"seed").digest() * 205  # 4100 bytes; its two full chunks differ
    basis = basis[:4096]
    new = basis + b"tail"
    delta = octodiff.create_delta(octodiff.create_signature(io.BytesIO(basis)), new)
    head = b"OCTODELTA\x01\x04SHA1" + struct.pack("<i", 20) + hashlib.sha1(new).digest() + b">>>"
    assert delta.startswith(head)
    body = delta[len(head):]
    assert body == struct.pack("<Bqq", 0x60, 0, 4096) + struct.pack("<Bq", 0x80, 4) + b"tail"


def test_a_delta_against_another_basis_is_refused_with_both_hashes() -> None:
    basis, other = b"x" * 5000, b"y" * 5000
    delta = octodiff.create_delta(octodiff.create_signature(io.BytesIO(basis)), basis + b"!")
    with pytest.raises(octodiff.OctodiffError, match="different basis") as caught:
        octodiff.apply_delta(other, delta, io.BytesIO())
    assert hashlib.sha1(basis + b"!").hexdigest() in str(caught.value)


def test_a_delta_copying_past_the_basis_is_refused() -> None:
    delta = (b"OCTODELTA\x01\x04SHA1" + struct.pack("<i", 20) + b"\x00" * 20 + b">>>"
             + struct.pack("<Bqq", 0x60, 10, 100))
    with pytest.raises(octodiff.OctodiffError, match="built against another file"):
        octodiff.apply_delta(b"short", delta, io.BytesIO())


@pytest.mark.parametrize("broken, message", [
    (b"OCTOSIG\x01", "OCTODELTA"),
    (b"OCTODELTA\x01\x04SHA1" + struct.pack("<i", 16) + b"\x00" * 16 + b">>>", "20"),
    (b"OCTODELTA\x01\x04SHA1" + struct.pack("<i", 20) + b"\x00" * 20 + b">>>\x99", "unknown command"),
    (b"OCTODELTA\x01\x04SHA1" + struct.pack("<i", 20) + b"\x00" * 20 + b">>>\x80" + struct.pack("<q", 50) + b"ab",
     "truncated"),
])
def test_a_corrupt_delta_says_what_is_wrong(broken: bytes, message: str) -> None:
    with pytest.raises(octodiff.OctodiffError, match=message):
        octodiff.apply_delta(b"", broken, io.BytesIO())
