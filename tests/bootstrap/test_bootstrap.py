"""Bootstrapping from the local NuGet v3 feed: versions, frameworks, dependencies, lock file, cache."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from octoclr.bootstrapper import bootstrap
from tests.support.feed import NuGetTestFeed


def run(feed: NuGetTestFeed, cache_dir: Path, lock_path: Path, **options):
    options.setdefault("runtime", "mono")
    return bootstrap(source=feed.url, cache_dir=cache_dir, lock_path=lock_path, **options)


def ids_and_versions(result) -> list:
    return [(p.id, p.version, p.framework) for p in result.packages]


def test_newest_stable_on_mono_with_its_real_dependency(feed, cache_dir, lock_path) -> None:
    result = run(feed, cache_dir, lock_path)
    assert ids_and_versions(result) == [("Newtonsoft.Json", "6.0.8", "net45"), ("Octopus.Client", "11.0.0", "net45")]
    assert result.framework == "net45" and result.source == feed.url and not result.from_cache
    assert [a.name for a in result.assemblies] == ["Newtonsoft.Json.dll", "Octopus.Client.dll"]
    assert all(a.is_file() and cache_dir in a.parents for a in result.assemblies)
    # Nothing but lib/net45 was unpacked: no tools/install.ps1, no other framework.
    client_dir = result.packages[-1].path
    assert sorted(p.name for p in client_dir.iterdir() if not p.name.startswith(".")) == ["Octopus.Client.dll"]


def test_coreclr_takes_netstandard_and_skips_what_the_runtime_provides(feed, cache_dir, lock_path, caplog) -> None:
    caplog.set_level(logging.WARNING, "octoclr")
    result = run(feed, cache_dir, lock_path, runtime="coreclr")
    assert ids_and_versions(result) == [("Newtonsoft.Json", "6.0.8", "net45"), ("Octopus.Client", "11.0.0", "netstandard2.0")]
    assert feed.count("microsoft.csharp") == 0  # provided by the runtime: never asked for
    # Newtonsoft.Json 6.0.8 has only lib/net45: used as a fallback, with a warning saying so.
    assert any("Newtonsoft.Json 6.0.8 has no netstandard2.0 build" in r.getMessage() for r in caplog.records)
    # And the version notes know the 7.1-11.x netstandard2.0 client needs Octodiff too.
    assert any("usually needs Octodiff" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "version, prerelease, expected",
    [
        ("7.1.0", False, "7.1.0"),
        ("[8.0,9.0)", False, "8.2.0"),
        ("[8.0,)", False, "11.0.0"),
        ("[8.0,)", True, "22.0.0-beta"),
        ("22.0.0-beta", False, "22.0.0-beta"),
        (None, True, "22.0.0-beta"),
    ],
)
def test_exact_version_range_and_prerelease(feed, cache_dir, lock_path, version, prerelease, expected) -> None:
    assert run(feed, cache_dir, lock_path, version=version, prerelease=prerelease).client.version == expected


def test_the_locked_version_wins_while_it_satisfies_the_request(feed, cache_dir, lock_path) -> None:
    run(feed, cache_dir, lock_path, version="8.2.0")
    assert run(feed, cache_dir, lock_path, version="[8.0,)").client.version == "8.2.0"
    assert run(feed, cache_dir, lock_path, version="[9.0,)").client.version == "11.0.0"


def test_explicit_framework(feed, cache_dir, lock_path) -> None:
    result = run(feed, cache_dir, lock_path, runtime=None, framework="netstandard2.0")
    assert result.framework == "netstandard2.0"
    assert result.client.assemblies[0].parent.name == "netstandard2.0"


def test_lock_file_records_every_package_and_a_second_run_is_served_from_the_cache(feed, cache_dir, lock_path, monkeypatch) -> None:
    first = run(feed, cache_dir, lock_path, version="8.2.0")
    lock = json.loads(lock_path.read_text())
    assert {(p["id"], p["version"], p["framework"]) for p in lock["packages"]} == {
        ("Newtonsoft.Json", "6.0.8", "net45"), ("Octopus.Client", "8.2.0", "net45")}
    assert all(p["source"] == feed.url and len(p["sha512"]) == 88 for p in lock["packages"])
    assert {p.id: p.sha512 for p in first.packages} == {p["id"]: p["sha512"] for p in lock["packages"]}
    assert lock["targets"] == [{"package": "Octopus.Client", "target": "mono", "version": "8.2.0", "framework": "net45"}]

    feed.reset()

    def no_zip_reading(*args, **kwargs):
        raise AssertionError("a cache hit must not open a package")

    monkeypatch.setattr("octoclr.nuget.package.NupkgReader.__init__", no_zip_reading)
    again = run(feed, cache_dir, lock_path)  # no version: the locked one, not the newest
    assert again.from_cache and again.packages == first.packages
    assert feed.requests == []  # the cache hit asked the feed nothing

    offline = bootstrap(offline=True, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)
    assert offline.packages == first.packages


def test_a_new_version_request_updates_the_lock(feed, cache_dir, lock_path) -> None:
    run(feed, cache_dir, lock_path, version="8.2.0")
    assert run(feed, cache_dir, lock_path, version="[11.0,)").client.version == "11.0.0"
    target = json.loads(lock_path.read_text())["targets"][0]
    assert target["version"] == "11.0.0"


def test_another_runtime_reuses_the_downloaded_package(feed, cache_dir, lock_path) -> None:
    run(feed, cache_dir, lock_path, version="8.2.0")
    before = feed.count(".nupkg")
    result = run(feed, cache_dir, lock_path, version="8.2.0", runtime="coreclr")
    assert result.framework == "netstandard2.0"
    assert feed.count(".nupkg") == before  # extracted from the cached .nupkg


def test_offline_without_cache_says_what_to_do(cache_dir, lock_path) -> None:
    from octoclr.errors import PackageNotFoundError

    with pytest.raises(PackageNotFoundError, match="offline.*Run the bootstrap once with network access"):
        bootstrap(offline=True, runtime="mono", cache_dir=cache_dir, lock_path=lock_path)


def test_powershell_lines_in_load_order(feed, cache_dir, lock_path) -> None:
    result = run(feed, cache_dir, lock_path)
    lines = result.powershell().splitlines()
    assert lines == [f"Add-Type -Path '{a}'" for a in result.assemblies]
    assert "Newtonsoft.Json.dll" in lines[0] and "Octopus.Client.dll" in lines[1]
