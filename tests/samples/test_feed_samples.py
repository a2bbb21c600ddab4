"""The feed and package samples (``samples/feeds/``), run as users run them, one after another
against one simulator, each result checked over plain HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Dict

import httpx
import pytest

from tests.samples.harness import SAMPLES, ServerFacts, run_python, script_environment
from tests.support.packages import zip_package

FEED_SAMPLES = SAMPLES / "feeds"


@pytest.fixture
def env(runtime_name: str, lookalike_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    monkeypatch.chdir(tmp_path)
    return script_environment(runtime_name, lookalike_source, tmp_path / "cache")


def run(name: str, env: Dict[str, str], *args: str) -> str:
    finished = run_python([str(FEED_SAMPLES / name), *args], env, Path.cwd())
    assert finished.returncode == 0, finished.explain()
    return finished.stdout


def test_the_feed_samples_against_one_server(env: Dict[str, str], live_simulator: ServerFacts, tmp_path: Path) -> None:
    facts = live_simulator
    space = facts.default_space
    env = dict(env, OCTOPUS_URL=facts.url, OCTOPUS_API_KEY=facts.api_key, OCTOPUS_SPACE=space["Name"])
    with httpx.Client(base_url=facts.url, headers={"X-Octopus-ApiKey": facts.api_key}, timeout=30) as http:
        feeds = http.get(f"/api/{space['Id']}/feeds/all").json()
        listed = run("get_all_feeds.py", env)
        for feed in feeds:
            assert f"Feed {feed['Id']}: {feed['Name']} ({feed['FeedType']}" in listed
        assert "BuiltInFeedResource" in listed

        pushed = run("push_package.py", env)
        stored = http.get(f"/api/{space['Id']}/packages/packages-Samples.Hello.1.0.0").json()
        assert f"Pushed Samples.Hello 1.0.0 ({stored['PackageSizeBytes']} bytes, SHA1 {stored['Hash']})" in pushed

        own = tmp_path / "Samples.Hello.1.1.0.zip"
        own.write_bytes(zip_package(b"a second version"))
        run("push_package.py", env, str(own))
        assert http.get(f"/api/{space['Id']}/packages/packages-Samples.Hello.1.1.0").json()["Hash"] == \
            hashlib.sha1(own.read_bytes()).hexdigest()
        again = run_python([str(FEED_SAMPLES / "push_package.py"), str(own)], env, Path.cwd())
        assert again.returncode != 0 and "already exists" in again.stderr  # FailIfExists, as the sample pushes
        run("push_package.py", env, str(own), "--overwrite")

        found = run("find_packages_from_feed.py", env, "Samples.Hello")
        assert found.splitlines() == ["Package: Samples.Hello with version: 1.1.0",
                                      "Package: Samples.Hello with version: 1.0.0"]

        downloaded = run("download_package.py", env, "Samples.Hello", "1.1.0", str(tmp_path))
        assert (tmp_path / "Samples.Hello.1.1.0.zip").read_bytes() == own.read_bytes()
        assert "Downloaded file to" in downloaded

        created = run("create_feed.py", env, "nuget to delete")
        made = http.get(f"/api/{space['Id']}/feeds", params={"name": "nuget to delete"}).json()["Items"]
        assert len(made) == 1 and f"Created feed {made[0]['Id']}: nuget to delete (NuGet)" in created
        renamed = run("change_feed.py", env, "nuget to delete", "renamed feed")
        assert f"Renamed feed {made[0]['Id']} from 'nuget to delete' to 'renamed feed'" in renamed
        run("delete_feed.py", env, "renamed feed")
        assert http.get(f"/api/{space['Id']}/feeds/{made[0]['Id']}").status_code == 404


def test_a_feed_sample_runs_alone_on_its_own_simulator(env: Dict[str, str]) -> None:
    out = run("push_package.py", env)
    assert out.startswith("Pushed Samples.Hello 1.0.0 (")
