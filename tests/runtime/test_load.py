"""``octoclr.load()`` end to end: bootstrap from a local NuGet feed, host the runtime, use the client.

This is the foundation's promise: ``octoclr bootstrap`` + ``octoclr.load()`` + constructing
``Octopus.Client.OctopusServerEndpoint`` from Python, on each runtime.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.csharp import mcs_available
from tests.support.feed import NuGetTestFeed
from tests.support.nupkg import NEWTONSOFT_NUPKG, build_test_client, compile_test_client

pytestmark = pytest.mark.skipif(
    not (mcs_available() and Path(NEWTONSOFT_NUPKG).exists()),
    reason="needs Mono's mcs and Debian's nupkg-newtonsoft.json.6.0.8 to build the test packages",
)


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    build = tmp_path_factory.mktemp("load-build")
    client = build_test_client(build / "packages", "8.2.0", compile_test_client(build))
    with NuGetTestFeed([client, Path(NEWTONSOFT_NUPKG)]) as running:
        yield running


@pytest.fixture
def env(tmp_path, feed, runtime_name):
    return {
        "OCTOCLR_SOURCE": feed.url,
        "OCTOCLR_CACHE_DIR": str(tmp_path / "cache"),
        "OCTOCLR_RUNTIME": runtime_name,
        "HOME": str(tmp_path),  # the lock file and anything else per-user stay in this test
    }


def octoclr_cli(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "octoclr", *args],
        capture_output=True, text=True, timeout=180, cwd=cwd, env={**os.environ, **env},
    )


def test_bootstrap_then_load_then_construct_an_endpoint(python, env, runtime_name, tmp_path):
    bootstrapped = octoclr_cli("bootstrap", "--quiet", env=env, cwd=tmp_path)
    assert bootstrapped.returncode == 0, bootstrapped.stderr
    result = python(
        """
        import json, os, octoclr
        client = octoclr.load()
        again = octoclr.load(version="8.2.0")
        from Octopus.Client import OctopusServerEndpoint
        endpoint = OctopusServerEndpoint("http://127.0.0.1:1", "API-TESTKEY0000000000000000")
        print(json.dumps({
            "runtime": client.runtime.kind,
            "same": again is client,
            "client": [client.bootstrap.packages[-1].id, client.bootstrap.packages[-1].version],
            "framework": client.bootstrap.framework,
            "ids": [p.id for p in client.bootstrap.packages],
            "endpoint": str(endpoint.OctopusServer),
        }))
        """,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["runtime"] == runtime_name and out["same"]
    assert out["client"] == ["Octopus.Client", "8.2.0"]
    assert out["framework"] == ("netstandard2.0" if runtime_name == "coreclr" else "net45")
    # Newtonsoft.Json comes first (a dependency); Microsoft.CSharp is provided by the runtime.
    assert out["ids"] == ["Newtonsoft.Json", "Octopus.Client"]
    assert out["endpoint"].startswith("http://127.0.0.1:1")
    # A script run outside any project (here tmp_path) leaves no lock file behind.
    assert not (tmp_path / "octoclr.lock.json").exists()


def test_load_of_another_version_in_the_same_process_is_refused(python, env, tmp_path):
    result = python(
        """
        import octoclr
        from octoclr.errors import RuntimeConflictError
        octoclr.load()
        try:
            octoclr.load(version="9.0.0")
        except RuntimeConflictError as exc:
            print(exc)
        """,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "8.2.0 is already loaded" in result.stdout and "new Python process" in result.stdout


def test_info_lists_runtime_client_assemblies_and_cache(env, runtime_name, tmp_path):
    result = octoclr_cli("info", "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["runtime"]["kind"] == runtime_name
    assert info["client"]["id"] == "Octopus.Client" and info["client"]["version"] == "8.2.0"
    assert info["cache_dir"] == env["OCTOCLR_CACHE_DIR"]
    loaded = {a["name"]: a for a in info["assemblies"]}
    assert loaded["Octopus.Client"]["path"].startswith(env["OCTOCLR_CACHE_DIR"])
    assert loaded["Newtonsoft.Json"]["version"].startswith("6.0.")
    human = octoclr_cli("info", env=env, cwd=tmp_path)
    assert human.returncode == 0, human.stderr
    assert f"runtime         {runtime_name}" in human.stdout and "Octopus.Client 8.2.0" in human.stdout


def test_print_powershell_gives_add_type_lines_in_load_order(env, tmp_path):
    result = octoclr_cli("bootstrap", "--quiet", "--runtime", "coreclr", "--print-powershell", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert [Path(line.split("'")[1]).name for line in lines] == ["Newtonsoft.Json.dll", "Octopus.Client.dll"]
    assert all(line.startswith("Add-Type -Path '") for line in lines)
    assert all(Path(line.split("'")[1]).is_file() for line in lines)


def test_unreachable_source_is_one_line_and_a_nonzero_exit(env, tmp_path):
    unreachable = {**env, "OCTOCLR_SOURCE": "http://127.0.0.1:9/v3/index.json"}
    result = octoclr_cli("bootstrap", env=unreachable, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("octoclr: error:")
    # info is what one runs when something is wrong: it says so, and succeeds.
    described = octoclr_cli("info", env=unreachable, cwd=tmp_path)
    assert described.returncode == 0, described.stderr
    assert "Traceback" not in described.stderr and "not loaded: Could not read the service index" in described.stdout


def test_load_refuses_a_cached_dll_replaced_by_another_build(python, env, runtime_name, tmp_path):
    bootstrapped = octoclr_cli("bootstrap", "--quiet", "--json", env=env, cwd=tmp_path)
    assert bootstrapped.returncode == 0, bootstrapped.stderr
    dll = Path(next(a for a in json.loads(bootstrapped.stdout)["assemblies"] if a.endswith("Octopus.Client.dll")))
    dll.write_bytes(dll.read_bytes() + b"\0another build")
    result = python(
        """
        import octoclr
        from octoclr.errors import IntegrityError
        try:
            octoclr.load()
        except IntegrityError as exc:
            print("refused:", exc)
        """,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "refused:" in result.stdout and "Octopus.Client.dll" in result.stdout
    repaired = octoclr_cli("bootstrap", "--quiet", env=env, cwd=tmp_path)
    assert repaired.returncode == 0, repaired.stderr
    assert not dll.read_bytes().endswith(b"another build")
