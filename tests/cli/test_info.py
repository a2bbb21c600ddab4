"""``octoclr info`` when something is missing: it says what it found, what is missing and how to get it, and exits 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.feed import unreachable_url


def info(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "octoclr", "info", *args], capture_output=True, text=True,
                          timeout=180, cwd=cwd, env=env)


@pytest.fixture
def nothing(tmp_path, runtime_name) -> dict:
    """Nothing cached, the feed out of reach, no project, no package folders in HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTOCLR_", "Octopus", "NUGET_"))}
    env.update({
        "HOME": str(tmp_path / "home"),
        "OCTOCLR_CACHE_DIR": str(tmp_path / "cache"),
        "OCTOCLR_SOURCE": unreachable_url(),
        "OCTOCLR_RUNTIME": runtime_name,
        "OCTOCLR_HTTP_RETRIES": "0",
        "OCTOCLR_HTTP_TIMEOUT": "2",
    })
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    return env


def test_info_with_nothing_cached_and_the_feed_unreachable(nothing, runtime_name, tmp_path) -> None:
    result = info(env=nothing, cwd=tmp_path / "work")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "client          not loaded: Could not read the service index" in out
    assert "runtimes" in out and f"would use      {runtime_name}" in out
    assert f" * {runtime_name}" in out  # the runtime that would be chosen is marked
    assert f"cache          {nothing['OCTOCLR_CACHE_DIR']}\n  (empty)" in out
    assert "lock file      none (not in a project)" in out
    assert f"client from    {nothing['OCTOCLR_SOURCE']} (v3, OCTOCLR_SOURCE)" in out
    assert "missing\n  Octopus.Client in the cache:" in out and "how: Run `octoclr bootstrap` where" in out
    assert not list((tmp_path / "work").iterdir())  # no lock file, nothing else left behind


def test_info_json_with_nothing(nothing, runtime_name, tmp_path) -> None:
    project = tmp_path / "work"
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = info("--json", env=nothing, cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["loaded"] is False and data["client"] is None
    assert "Could not read the service index" in data["problem"]
    found = data["diagnostics"]
    assert found["chosen_runtime"] == runtime_name
    assert {r["kind"] for r in found["runtimes"]} == {"mono", "coreclr", "netfx"}
    assert next(r for r in found["runtimes"] if r["kind"] == runtime_name)["found"] is True
    assert found["cache_dir"] == nothing["OCTOCLR_CACHE_DIR"] and found["cache"] == []
    assert found["lock_file"] == {"path": str(project / "octoclr.lock.json"), "named": False, "exists": False}
    assert found["client_from"]["kind"] == "v3" and found["client_from"]["location"] == nothing["OCTOCLR_SOURCE"]
    assert [m["what"] for m in found["missing"]] == ["Octopus.Client in the cache"]
    assert "octoclr bootstrap" in found["missing"][0]["how"]


def test_info_with_a_runtime_that_is_not_installed_still_describes_the_rest(nothing, tmp_path) -> None:
    nothing["OCTOCLR_RUNTIME"] = "netfx" if sys.platform != "win32" else "mono"
    result = info("--json", env=nothing, cwd=tmp_path / "work")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["loaded"] is False and data["diagnostics"]["chosen_runtime"] is None
    missing = data["diagnostics"]["missing"]
    assert missing[0]["what"] == f"the runtime {nothing['OCTOCLR_RUNTIME']!r}" and "Install" in missing[0]["how"]


def test_info_loads_the_client_from_powershells_package_folder(lookalike_source, runtime_name, tmp_path) -> None:
    """No source named, nothing cached: the client PowerShell installed for this user is loaded."""
    import shutil
    import zipfile

    from tests.support.feed import _nuspec_identity

    home = tmp_path / "home"
    packages = home / ".local" / "share" / "PackageManagement" / "NuGet" / "Packages"
    for nupkg in sorted(lookalike_source.glob("*.nupkg")):
        package_id, version = _nuspec_identity(nupkg)
        folder = packages / f"{package_id}.{version}"  # as Install-Package lays it out
        folder.mkdir(parents=True)
        shutil.copyfile(nupkg, folder / f"{package_id}.{version}.nupkg")
        with zipfile.ZipFile(nupkg) as archive:
            archive.extractall(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCTOCLR_", "Octopus", "NUGET_", "XDG_"))}
    env.update({
        "HOME": str(home),
        "OCTOCLR_CACHE_DIR": str(tmp_path / "cache"),
        "OCTOCLR_RUNTIME": runtime_name,
        "OCTOCLR_HTTP_RETRIES": "0",
        # Reaching nuget.org would fail at once: everything must come from the folder.
        "HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": "",
    })
    (tmp_path / "work").mkdir()
    result = info("--json", env=env, cwd=tmp_path / "work")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["loaded"] is True, data["problem"]
    assert data["source"] == str(packages)
    assert data["client"]["id"] == "Octopus.Client" and str(tmp_path / "cache") in data["client"]["path"]
    folders = data["diagnostics"]["machine_packages"]
    assert folders[0]["folder"] == str(packages)
    assert {p["id"] for p in folders[0]["packages"]} >= {"Octopus.Client", "Newtonsoft.Json"}
