"""Every failure a user can meet: a clear error that says what to do, and a cache left as it was."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from octoclr.bootstrapper import bootstrap
from octoclr.errors import (
    CorruptPackageError,
    FeedError,
    IntegrityError,
    NoCompatibleFrameworkError,
    PackageNotFoundError,
    UnsafePackageError,
)
from tests.bootstrap.conftest import snapshot
from tests.support.feed import unreachable_url
from tests.support.nupkg import build_nupkg


@pytest.fixture
def warm(feed, cache_dir, lock_path):
    """A cache and lock file already holding Octopus.Client 8.2.0, and a function that checks
    they are unchanged."""
    bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    before = snapshot(cache_dir, lock_path)
    assert any("octopus.client" in name for name in before)
    feed.reset()

    def intact() -> bool:
        return snapshot(cache_dir, lock_path) == before

    return intact


def attempt(source, cache_dir, lock_path, **options):
    options.setdefault("runtime", "mono")
    return bootstrap(source=source, cache_dir=cache_dir, lock_path=lock_path, **options)


def test_feed_unreachable(warm, cache_dir, lock_path) -> None:
    url = unreachable_url()
    with pytest.raises(FeedError) as info:
        attempt(url, cache_dir, lock_path, version="11.0.0")
    message = str(info.value)
    assert f"Could not read the service index from {url}" in message
    assert "cannot connect" in message and "tried 3 times" in message
    assert "Check the source address" in message and "--offline" in message
    assert warm()


def test_not_a_feed(warm, feed, cache_dir, lock_path) -> None:
    with pytest.raises(FeedError, match="no NuGet v3 service index there.*ends in /v3/index.json"):
        attempt(feed.base + "/nothing/index.json", cache_dir, lock_path, version="11.0.0")
    assert warm()


def test_package_not_found(warm, feed, cache_dir, lock_path) -> None:
    with pytest.raises(PackageNotFoundError, match=r"Package Octopus\.Nothing was not found in .*Check the package id and the source"):
        attempt(feed.url, cache_dir, lock_path, package_id="Octopus.Nothing")
    assert warm()


def test_version_not_found(warm, feed, cache_dir, lock_path) -> None:
    with pytest.raises(PackageNotFoundError) as info:
        attempt(feed.url, cache_dir, lock_path, version="[12.0,20.0)")
    message = str(info.value)
    assert "No version of Octopus.Client matches [12.0,20.0)" in message
    assert "Available: 22.0.0-beta, 11.0.0, 8.2.0, 7.1.0" in message
    assert "--version" in message
    assert warm()


def test_prerelease_hint(feed, cache_dir, lock_path) -> None:
    with pytest.raises(PackageNotFoundError, match="add --prerelease"):
        attempt(feed.url, cache_dir, lock_path, version="[12.0,)")


def test_no_usable_framework(warm, feed, test_packages, cache_dir, lock_path, tmp_path) -> None:
    package = build_nupkg(tmp_path / "odd", "Octopus.Client", "5.0.0",
                          libs={"net6.0": [test_packages.client_dlls["netstandard2.0"]],
                                "portable-net45+win8": [test_packages.client_dlls["net45"]]})
    feed.add_package(package)
    try:
        with pytest.raises(NoCompatibleFrameworkError) as info:
            attempt(feed.url, cache_dir, lock_path, version="5.0.0")
    finally:
        feed.remove_package("Octopus.Client", "5.0.0")
    message = str(info.value)
    assert "Octopus.Client 5.0.0 has no lib/ folder that net48 (mono) can use; it has: net6.0, portable-net45+win8" in message
    assert "--runtime, --framework" in message
    assert warm()


def test_hash_mismatch_against_the_lock_file(warm, feed, cache_dir, lock_path, tmp_path) -> None:
    feed.tamper("octopus.client.8.2.0.nupkg")
    fresh_cache = tmp_path / "fresh-cache"
    with pytest.raises(IntegrityError) as info:
        attempt(feed.url, fresh_cache, lock_path, version="8.2.0")
    error = info.value
    assert error.package == "Octopus.Client 8.2.0" and error.source == feed.url
    assert error.expected != error.actual
    for part in ("Octopus.Client 8.2.0", error.expected, error.actual, feed.url, "delete its entry from the lock file"):
        assert part in str(error)
    assert warm()
    assert not (fresh_cache / "packages").exists() or snapshot(fresh_cache / "packages") == {}


def test_cache_entry_changed_behind_our_back(warm, cache_dir, lock_path) -> None:
    import json

    marker = next(cache_dir.glob("packages/octopus.client/8.2.0/net45/.octoclr-entry.json"))
    data = json.loads(marker.read_text())
    data["sha512"] = "A" * 86 + "=="
    marker.write_text(json.dumps(data))
    with pytest.raises(IntegrityError, match="the cache entry"):
        bootstrap(offline=True, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)


@pytest.mark.parametrize("same_lock", [True, False], ids=["locked", "new-lock-file"])
def test_offline_use_rehashes_the_cached_package(warm, cache_dir, lock_path, tmp_path, same_lock) -> None:
    nupkg = next(cache_dir.glob("packages/octopus.client/8.2.0/*.nupkg"))
    nupkg.write_bytes(nupkg.read_bytes() + b"tampered")
    used_lock = lock_path if same_lock else tmp_path / "elsewhere" / "octoclr.lock.json"
    with pytest.raises(IntegrityError, match="the cached file"):
        bootstrap(offline=True, runtime="mono", cache_dir=cache_dir, lock_path=used_lock)


def test_corrupt_zip(warm, feed, cache_dir, lock_path, tmp_path) -> None:
    garbage = tmp_path / "octopus.client.6.0.0.nupkg"
    garbage.write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    feed.add_package(garbage, as_id="Octopus.Client", as_version="6.0.0")
    try:
        with pytest.raises(CorruptPackageError, match="Octopus.Client 6.0.0 is not a readable .nupkg.*download it again"):
            attempt(feed.url, cache_dir, lock_path, version="6.0.0")
    finally:
        feed.remove_package("Octopus.Client", "6.0.0")
    assert warm()


def test_unsafe_zip_entry(warm, feed, test_packages, cache_dir, lock_path, tmp_path) -> None:
    package = build_nupkg(tmp_path / "evil", "Octopus.Client", "6.1.0",
                          libs={"net45": [test_packages.client_dlls["net45"]]},
                          extra_entries={"lib/net45/../../../../evil.dll": b"payload", "../escape.txt": b"payload"})
    feed.add_package(package)
    try:
        with pytest.raises(UnsafePackageError, match="would be written outside the package folder.*do not use it"):
            attempt(feed.url, cache_dir, lock_path, version="6.1.0")
    finally:
        feed.remove_package("Octopus.Client", "6.1.0")
    assert warm()
    assert not list(tmp_path.rglob("evil.dll")) and not list(tmp_path.rglob("escape.txt"))


def test_truncated_download(warm, feed, cache_dir, lock_path) -> None:
    feed.truncate("octopus.client.11.0.0.nupkg")
    with pytest.raises(FeedError) as info:
        attempt(feed.url, cache_dir, lock_path, version="11.0.0")
    message = str(info.value)
    assert "Could not download Octopus.Client 11.0.0" in message and "cut short" in message
    assert feed.count("octopus.client.11.0.0.nupkg") == 3  # every attempt was tried
    assert warm()
    assert list((cache_dir / "tmp").iterdir()) == []  # no half-written file left behind


def test_500_then_200_succeeds_with_a_retry(feed, cache_dir, lock_path) -> None:
    feed.fail("/v3/index.json", status=500)
    feed.fail("octopus.client.11.0.0.nupkg", status=503)
    result = attempt(feed.url, cache_dir, lock_path, version="11.0.0")
    assert result.client.version == "11.0.0"
    assert feed.count("/v3/index.json") == 2 and feed.count("octopus.client.11.0.0.nupkg") == 2


def test_a_4xx_is_not_retried(feed, cache_dir, lock_path) -> None:
    feed.fail("/v3/index.json", status=401)
    with pytest.raises(FeedError, match="answered 401"):
        attempt(feed.url, cache_dir, lock_path, version="11.0.0")
    assert feed.count("/v3/index.json") == 1


def test_a_hanging_feed_is_bounded_by_the_timeout(warm, feed, cache_dir, lock_path, monkeypatch) -> None:
    monkeypatch.setenv("OCTOCLR_HTTP_RETRIES", "1")
    feed.hang("/octopus.client/index.json")
    started = time.monotonic()
    with pytest.raises(FeedError) as info:
        attempt(feed.url, cache_dir, lock_path, version="[11.0,)")
    elapsed = time.monotonic() - started
    assert "no answer within 1 s" in str(info.value) and "tried 2 times" in str(info.value)
    assert elapsed < 20  # two 1-second timeouts, not the feed's 30-second hang
    assert warm()
