"""Smaller promises: the v2 feed, proxies, the progress bar, the default lock file, quoting."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from octoclr.bootstrapper import BootstrapResult, InstalledPackage, bootstrap
from octoclr.errors import FeedError
from octoclr.nuget.download import Downloader, HttpSettings
from tests.support.feed import unreachable_url


def test_a_nuget_v2_feed(feed, cache_dir, lock_path) -> None:
    result = bootstrap(version="[8.0,9.0)", source=feed.v2_url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    assert [(p.id, p.version) for p in result.packages] == [("Newtonsoft.Json", "6.0.8"), ("Octopus.Client", "8.2.0")]
    assert feed.count("/api/v2/package/Octopus.Client/8.2.0") == 1


def test_proxies_come_from_the_environment(feed, cache_dir, lock_path, monkeypatch) -> None:
    dead_proxy = unreachable_url().split("/v3/")[0]
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)
    monkeypatch.setenv("OCTOCLR_HTTP_RETRIES", "0")
    with pytest.raises(FeedError, match="cannot connect.*proxy settings"):
        bootstrap(source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    assert feed.requests == []  # the request went to the proxy, not to the feed


@pytest.mark.parametrize("tty, quiet, drawn", [(False, False, False), (True, True, False), (True, False, True)])
def test_progress_bar_only_on_a_terminal_and_not_quiet(feed, tmp_path, monkeypatch, tty, quiet, drawn) -> None:
    stderr = io.StringIO()
    stderr.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", stderr)
    url = f"{feed.base}/v3/flatcontainer/newtonsoft.json/6.0.8/newtonsoft.json.6.0.8.nupkg"
    with Downloader(HttpSettings(timeout=5, retries=0), quiet=quiet) as downloader:
        result = downloader.download(url, tmp_path / "n.nupkg", "Newtonsoft.Json 6.0.8")
    assert result.size == (tmp_path / "n.nupkg").stat().st_size > 0
    assert ("Downloading Newtonsoft.Json 6.0.8" in stderr.getvalue()) is drawn


def test_the_lock_file_sits_at_the_root_of_the_project_the_folder_is_in(feed, cache_dir, tmp_path,
                                                                       monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    deep = tmp_path / "scripts" / "nightly"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    result = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir)
    assert result.lock_path == tmp_path / "octoclr.lock.json"
    assert json.loads((tmp_path / "octoclr.lock.json").read_text())["packages"]
    assert not (deep / "octoclr.lock.json").exists()


def test_outside_a_project_nothing_is_locked_or_left_behind(feed, cache_dir, tmp_path) -> None:
    # The test runs in tmp_path, which no project holds: a script started from /tmp or a
    # step's work folder.
    result = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir)
    assert result.client.version == "8.2.0" and result.lock_path is None
    assert not (tmp_path / "octoclr.lock.json").exists()


def test_the_environment_names_a_lock_file_that_must_be_written(feed, cache_dir, tmp_path, monkeypatch) -> None:
    named = tmp_path / "locks" / "octoclr.lock.json"
    monkeypatch.setenv("OCTOCLR_LOCK_FILE", str(named))
    result = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir)
    assert result.lock_path == named and json.loads(named.read_text())["targets"][0]["version"] == "8.2.0"


def test_bootstrap_lock_writes_one_here_outside_a_project(feed, cache_dir, tmp_path) -> None:
    from octoclr.cli import main

    assert main(["bootstrap", "--version", "8.2.0", "--source", feed.url, "--runtime", "mono",
                 "--cache-dir", str(cache_dir), "--quiet", "--lock"]) == 0
    assert json.loads((tmp_path / "octoclr.lock.json").read_text())["packages"]


def test_offline_with_a_new_lock_file_uses_what_the_cache_holds(feed, cache_dir, lock_path, tmp_path) -> None:
    online = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    other_lock = tmp_path / "other" / "octoclr.lock.json"
    feed.reset()
    offline = bootstrap(offline=True, runtime="mono", cache_dir=cache_dir, lock_path=other_lock)
    assert offline.packages == online.packages and feed.requests == []
    assert json.loads(other_lock.read_text())["targets"][0]["version"] == "8.2.0"


def test_powershell_quotes_paths() -> None:
    path = Path("/opt/O'Brien/Octopus.Client.dll")
    package = InstalledPackage("Octopus.Client", "1.0.0", "net45", "x", path.parent, (path,))
    result = BootstrapResult((package,), "net45", "src", Path("/cache"))
    assert result.powershell() == "Add-Type -Path '/opt/O''Brien/Octopus.Client.dll'\n"


def test_unknown_runtime_and_framework(cache_dir, lock_path) -> None:
    from octoclr.errors import BootstrapError

    with pytest.raises(BootstrapError, match="Unknown runtime 'java'"):
        bootstrap(runtime="java", cache_dir=cache_dir, lock_path=lock_path)
    with pytest.raises(BootstrapError, match="not a target framework moniker"):
        bootstrap(framework="java8", cache_dir=cache_dir, lock_path=lock_path)


def test_an_unwritable_default_lock_file_only_warns(feed, cache_dir, tmp_path, monkeypatch, caplog) -> None:
    from octoclr.errors import LockFileError

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    import types

    # Root may write anywhere, so the refusal is simulated, for the lock file's writes only.
    monkeypatch.setattr("octoclr.lockfile.tempfile", types.SimpleNamespace(mkstemp=refuse))
    (tmp_path / "pyproject.toml").write_text("")  # a project, whose own lock file cannot be written
    result = bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir)
    assert result.client.version == "8.2.0"
    assert "were not locked" in caplog.text and not (tmp_path / "octoclr.lock.json").exists()
    with pytest.raises(LockFileError, match="cannot be written.*Permission denied.*--lock-file"):
        bootstrap(version="8.2.0", source=feed.url, runtime="mono", cache_dir=cache_dir,
                  lock_path=tmp_path / "given" / "octoclr.lock.json")
