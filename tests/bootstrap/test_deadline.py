"""Each download has an overall deadline, beside the timeout of each read, and a failure leaves no partial file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from octoclr.bootstrapper import bootstrap
from octoclr.cli import main
from octoclr.errors import FeedError
from octoclr.nuget.download import HttpSettings


def tmp_files(cache_dir: Path) -> list:
    folder = cache_dir / "tmp"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def patient_reads(monkeypatch):
    """Each read may wait 5 s: a byte every 2 s passes every read timeout, so only the deadline stops it."""
    monkeypatch.setenv("OCTOCLR_HTTP_TIMEOUT", "5")


def test_a_feed_dribbling_a_byte_every_two_seconds_fails_at_the_deadline(feed, cache_dir, lock_path, patient_reads) -> None:
    feed.dribble("/octopus.client/8.2.0/", interval=2.0)
    started = time.monotonic()
    with pytest.raises(FeedError) as info:
        bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path,
                  download_deadline=3)
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert "Could not download Octopus.Client 8.2.0" in message
    assert "did not finish within the deadline of 3 s" in message and "bytes received" in message
    assert "--download-deadline" in message and "OCTOCLR_DOWNLOAD_DEADLINE" in message
    assert elapsed < 8, f"the deadline of 3 s took {elapsed:.1f} s"
    assert tmp_files(cache_dir) == []  # no partial .nupkg left in the cache's tmp folder
    assert not lock_path.exists()


def test_the_deadline_comes_from_the_environment_and_the_command_line(feed, cache_dir, lock_path, patient_reads,
                                                                      monkeypatch, capsys) -> None:
    feed.dribble("/octopus.client/8.2.0/", interval=2.0)
    monkeypatch.setenv("OCTOCLR_DOWNLOAD_DEADLINE", "2")
    with pytest.raises(FeedError, match="deadline of 2 s"):
        bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    monkeypatch.setenv("OCTOCLR_DOWNLOAD_DEADLINE", "100")
    argv = ["bootstrap", "--quiet", "--source", feed.url, "--runtime", "mono", "--version", "8.2.0",
            "--cache-dir", str(cache_dir), "--lock-file", str(lock_path), "--download-deadline", "2.5"]
    assert main(argv) == 3
    assert "deadline of 2.5 s" in capsys.readouterr().err
    assert tmp_files(cache_dir) == []


def test_a_dribbling_service_index_is_stopped_too(feed, cache_dir, lock_path, patient_reads) -> None:
    feed.dribble("/v3/index.json", interval=2.0)
    with pytest.raises(FeedError, match="Could not read the service index .* deadline of 2 s"):
        bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path,
                  download_deadline=2)


def test_after_the_feed_recovers_the_download_succeeds(feed, cache_dir, lock_path, patient_reads) -> None:
    feed.dribble("/octopus.client/8.2.0/", interval=2.0, times=1)
    with pytest.raises(FeedError):
        bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path,
                  download_deadline=2)
    result = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path,
                       download_deadline=2)
    assert result.client.version == "8.2.0"
    assert tmp_files(cache_dir) == []


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_deadline_that_is_not_a_positive_number_is_refused(monkeypatch, value) -> None:
    monkeypatch.setenv("OCTOCLR_DOWNLOAD_DEADLINE", value)
    with pytest.raises(FeedError, match="above 0"):
        HttpSettings.from_environment()


def test_the_default_deadline_is_generous() -> None:
    assert HttpSettings.from_environment().deadline == 600
