"""``Stream`` parameters take Python files and bytes; a returned ``Stream`` reads as a Python binary file.

Acme.Inventory's ``Labels`` measures what it is given (length and Adler-32, as zlib computes
them) and keeps the stream, so a test sees it disposed after the call; the look-alike pushes
a package from an open file to the simulator and downloads it back as a stream.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest

from octoclr import errors
from tests.support.packages import nupkg

DATA = bytes(range(256)) * 9000  # 2.3 MB, more than one chunk


def _measure(data: bytes) -> str:
    return f"{len(data)}:{zlib.adler32(data):08x}"


@pytest.fixture
def labels(acme):
    return acme.inventory.Labels


def test_python_data_and_files_are_given_as_streams(labels, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    compressed = tmp_path / "data.bin.gz"
    with gzip.open(compressed, "wb") as writing:
        writing.write(DATA)
    with open(path, "rb") as file:
        file.seek(100)
        assert labels.measure(file) == _measure(DATA[100:])  # from the file's position
        assert file.read(10) == DATA[100:110]  # the Python file is untouched
    assert type(labels.last_given).__name__ == "FileStream"  # .NET read the file itself
    assert labels.last_given.can_read is False  # and it was disposed when the call returned
    for given, expected in [
        (DATA, DATA), (bytearray(DATA), DATA), (memoryview(DATA)[5:], DATA[5:]), (b"", b""),
        (io.BytesIO(DATA), DATA), (gzip.open(compressed, "rb"), DATA),  # read in chunks, not the .gz bytes
    ]:
        assert labels.measure(given) == _measure(expected)
    with pytest.raises(errors.ConversionError, match="argument contents: a text file .* binary mode"):
        labels.measure(open(path, encoding="latin-1"))
    with pytest.raises(TypeError, match="matches no overload"):
        labels.measure(12)


def test_a_returned_stream_is_a_binary_file_read_in_chunks(labels) -> None:
    stream = labels.print(3)
    assert isinstance(stream, io.RawIOBase) and stream.readable() and stream.seekable()
    assert stream.read(7) == b"label-0" and stream.tell() == 7
    assert stream.read() == b"00000\nlabel-000001\nlabel-000002\n"
    stream.seek(0)
    buffer = bytearray(13)
    assert stream.readinto(buffer) == 13 and bytes(buffer) == b"label-000000\n"
    with labels.print(50_000) as many:  # 650 kB
        lines = list(many)
    assert len(lines) == 50_000 and lines[-1] == b"label-049999\n"
    assert many.closed and many.dotnet_stream.CanRead is False
    mixed = labels.print(3)
    assert mixed.readline() == b"label-000000\n" and mixed.tell() == 13
    assert mixed.read(6) == b"label-" and mixed.readline(3) == b"000" and mixed.read() == b"001\nlabel-000002\n"
    with io.BufferedReader(labels.print(2)) as buffered:
        assert buffered.readline() == b"label-000000\n"
    assert labels.echo(b"abc").read() == b"abc"  # handed back: not disposed under the caller


def test_a_package_pushed_from_an_open_file_and_downloaded_as_a_stream(octopus, octopus_clean_simulator, tmp_path: Path) -> None:
    server = octopus_clean_simulator
    repository = octopus.client.OctopusRepository(octopus.client.OctopusServerEndpoint(server.url, server.api_key))
    content = nupkg("Streamed.Push", "1.0.0", b"s" * 200_000)
    path = tmp_path / "Streamed.Push.1.0.0.nupkg"
    path.write_bytes(content)
    packages = repository.built_in_package_repository
    with open(path, "rb") as file:
        pushed = packages.push_package(path.name, file, "FailIfExists")
    assert (pushed.package_id, pushed.package_size_bytes) == ("Streamed.Push", len(content))
    again = packages.push_package(path.name, io.BytesIO(content), "IgnoreIfExists")
    assert again.hash == pushed.hash
    with repository.client.get_content(pushed.links["Raw"]) as downloaded:
        assert downloaded.read() == content
