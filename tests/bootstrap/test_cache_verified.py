"""The cache is verified, not just marked: every extracted file's SHA-512 is recorded and checked before use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from octoclr.bootstrapper import bootstrap
from octoclr.cache import MARKER
from octoclr.cli import main
from octoclr.errors import IntegrityError


def cached_client_dll(result) -> Path:
    return next(a for a in result.assemblies if a.name == "Octopus.Client.dll")


@pytest.fixture
def bootstrapped(feed, cache_dir, lock_path):
    result = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    dll = cached_client_dll(result)
    return result, dll, dll.read_bytes()


@pytest.fixture
def another_build(test_packages) -> bytes:
    """A genuine Octopus.Client.dll, but not the one extracted: the netstandard2.0 build."""
    return test_packages.client_dlls["netstandard2.0"].read_bytes()


def test_the_marker_records_every_extracted_file(bootstrapped) -> None:
    result, dll, _ = bootstrapped
    marker = json.loads((dll.parent / MARKER).read_text())
    assert set(marker["files"]) == {"Octopus.Client.dll"}
    assert all(len(h) == 88 for h in marker["files"].values())  # base64 of 64 bytes


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online-as-load-does"])
def test_a_cached_dll_replaced_by_another_build_is_refused_naming_the_file(
        bootstrapped, another_build, feed, cache_dir, lock_path, offline) -> None:
    _, dll, _ = bootstrapped
    dll.write_bytes(another_build)
    with pytest.raises(IntegrityError) as info:
        bootstrap(source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path, offline=offline)
    message = str(info.value)
    assert "Octopus.Client 8.2.0 (net45/Octopus.Client.dll)" in message and str(dll) in message
    assert "--repair" in message


def test_outside_a_project_the_cache_is_verified_too(bootstrapped, another_build, feed, cache_dir) -> None:
    _, dll, _ = bootstrapped
    dll.write_bytes(another_build)
    with pytest.raises(IntegrityError, match="net45/Octopus.Client.dll"):
        bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir)  # no lock file in force


def test_a_missing_cached_file_is_refused(bootstrapped, feed, cache_dir, lock_path) -> None:
    _, dll, _ = bootstrapped
    dll.unlink()
    with pytest.raises(IntegrityError, match=r"received: \(missing\)"):
        bootstrap(source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path, offline=True)


def common(feed, cache_dir, lock_path) -> list:
    return ["bootstrap", "--quiet", "--source", feed.url, "--runtime", "mono", "--cache-dir", str(cache_dir),
            "--lock-file", str(lock_path)]


def test_repair_offline_replaces_the_entry_from_the_cached_nupkg(bootstrapped, another_build, feed, cache_dir, lock_path) -> None:
    _, dll, original = bootstrapped
    dll.write_bytes(another_build)
    before = feed.count(".nupkg")
    assert main(common(feed, cache_dir, lock_path) + ["--offline", "--repair"]) == 0
    assert dll.read_bytes() == original and feed.count(".nupkg") == before
    assert bootstrap(source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path, offline=True).from_cache
    assert list((cache_dir / "tmp").iterdir()) == []


def test_the_next_online_bootstrap_replaces_the_entry(bootstrapped, another_build, feed, cache_dir, lock_path) -> None:
    _, dll, original = bootstrapped
    dll.write_bytes(another_build)
    assert main(common(feed, cache_dir, lock_path)) == 0
    assert dll.read_bytes() == original


def test_repair_downloads_again_when_the_cached_nupkg_changed_too(bootstrapped, another_build, feed, cache_dir, lock_path,
                                                                  capsys) -> None:
    result, dll, original = bootstrapped
    dll.write_bytes(another_build)
    nupkg = next(dll.parent.parent.glob("*.nupkg"))
    nupkg.write_bytes(nupkg.read_bytes()[:-10])
    assert main(common(feed, cache_dir, lock_path) + ["--offline", "--repair"]) == 3  # offline, nothing to repair from
    assert "The cached .nupkg was changed" in capsys.readouterr().err
    before = feed.count("/octopus.client/8.2.0/")
    assert main(common(feed, cache_dir, lock_path) + ["--version", "8.2.0"]) == 0
    assert feed.count("/octopus.client/8.2.0/") == before + 1
    assert dll.read_bytes() == original


def test_an_entry_from_before_file_hashes_is_extracted_again(bootstrapped, feed, cache_dir, lock_path) -> None:
    _, dll, original = bootstrapped
    marker_path = dll.parent / MARKER
    marker = json.loads(marker_path.read_text())
    del marker["files"]
    marker_path.write_text(json.dumps(marker))
    dll.write_bytes(b"an old entry nobody can vouch for")
    result = bootstrap(source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path, offline=True)
    assert cached_client_dll(result).read_bytes() == original
    assert "files" in json.loads(marker_path.read_text())


def test_a_damaged_entry_left_by_a_crash_is_replaced_whole(bootstrapped, another_build, feed, cache_dir, lock_path) -> None:
    _, dll, original = bootstrapped
    (dll.parent / "stray.txt").write_text("left behind")
    dll.write_bytes(another_build)
    assert main(common(feed, cache_dir, lock_path) + ["--repair", "--offline"]) == 0
    assert sorted(p.name for p in dll.parent.iterdir()) == sorted([MARKER, "Octopus.Client.dll"])
