"""``octoclr bootstrap`` and the checkout entry script ``bootstrap/octoclr-bootstrap.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from octoclr.cli import main
from tests.bootstrap.conftest import snapshot
from tests.conftest import REPO


def common(feed, cache_dir, lock_path) -> list:
    return ["bootstrap", "--source", feed.url, "--runtime", "mono", "--cache-dir", str(cache_dir), "--lock-file", str(lock_path)]


def test_json_output(feed, cache_dir, lock_path, capsys) -> None:
    assert main(common(feed, cache_dir, lock_path) + ["--version", "[8.0,9.0)", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(p["id"], p["version"]) for p in result["packages"]] == [("Newtonsoft.Json", "6.0.8"), ("Octopus.Client", "8.2.0")]
    assert result["framework"] == "net45" and result["lock_file"] == str(lock_path)
    assert all(Path(a).is_file() for a in result["assemblies"])


def test_print_powershell_gives_add_type_lines_in_load_order(feed, cache_dir, lock_path, capsys) -> None:
    assert main(common(feed, cache_dir, lock_path) + ["--print-powershell"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Add-Type -Path '") and lines[0].endswith("Newtonsoft.Json.dll'")
    assert lines[1].endswith("/net45/Octopus.Client.dll'")
    assert all(Path(line[len("Add-Type -Path '"):-1]).is_file() for line in lines)


def test_summary_and_cached_second_run(feed, cache_dir, lock_path, capsys) -> None:
    assert main(common(feed, cache_dir, lock_path)) == 0
    first = capsys.readouterr().out
    assert first.startswith(f"Octopus.Client 11.0.0 (net45) from {feed.url}\n")
    assert main(common(feed, cache_dir, lock_path) + ["--offline"]) == 0
    assert "[cached]" in capsys.readouterr().out


def test_errors_are_one_line_and_a_nonzero_status(feed, cache_dir, lock_path, capsys) -> None:
    assert main(common(feed, cache_dir, lock_path) + ["--version", "99.0.0"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("octoclr: error: No version of Octopus.Client matches [99.0.0]")
    assert "Traceback" not in err
    assert main(common(feed, cache_dir, lock_path) + ["--version", "nine"]) == 3
    assert "Cannot use the version 'nine'" in capsys.readouterr().err
    assert not (cache_dir / "packages").exists()


def test_the_entry_script_runs_from_the_checkout_without_octoclr_installed(feed, cache_dir, lock_path, tmp_path) -> None:
    script = REPO / "bootstrap" / "octoclr-bootstrap.py"
    # -S: no site-packages, so no installed octoclr; the three libraries it needs are given explicitly.
    import filelock
    import h11
    import httpcore
    import httpx
    import platformdirs

    paths = {str(Path(m.__file__).parent.parent) for m in (httpx, httpcore, h11, platformdirs, filelock)}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sorted(paths)))
    command = [sys.executable, "-S", str(script), "--source", feed.url, "--runtime", "coreclr",
               "--cache-dir", str(cache_dir), "--lock-file", str(lock_path), "--print-powershell"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith("/netstandard2.0/Octopus.Client.dll'")
    # It never imported the .NET hosting layer.
    probe = [sys.executable, "-S", "-c",
             f"import runpy, sys; sys.argv=['x', '--help']\n"
             f"try: runpy.run_path({str(script)!r}, run_name='__main__')\n"
             f"except SystemExit: pass\n"
             f"print('pythonnet' in sys.modules, 'clr_loader' in sys.modules)"]
    assert subprocess.run(probe, capture_output=True, text=True, env=env).stdout.strip().endswith("False False")


def test_the_entry_script_says_which_libraries_are_missing(tmp_path) -> None:
    script = REPO / "bootstrap" / "octoclr-bootstrap.py"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-S", str(script)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode != 0
    assert "missing Python packages: httpx, platformdirs, filelock" in done.stderr
    assert "pip install httpx platformdirs filelock" in done.stderr
