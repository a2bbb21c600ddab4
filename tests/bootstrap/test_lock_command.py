"""``octoclr lock``: the project's lock file created or updated for each runtime asked, at once or not
at all, and ``--check``, which writes nothing and fails when the lock file is missing or would change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from octoclr.cli import main
from octoclr.errors import IntegrityError
from octoclr.locking import lock_project
from tests.support.nupkg import build_test_client


@pytest.fixture
def packages(nuget_test_packages, tmp_path) -> Path:
    """A folder source of its own, which a test may change."""
    folder = tmp_path / "packages"
    shutil.copytree(nuget_test_packages.folder, folder)
    return folder


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "project"
    (folder / "scripts").mkdir(parents=True)
    (folder / "pyproject.toml").write_text("[project]\nname = 'deploy-scripts'\n")
    monkeypatch.chdir(folder / "scripts")  # run from below the project's root
    return folder


def lock(packages: Path, cache_dir: Path, *extra: str) -> int:
    return main(["lock", "--source", str(packages), "--cache-dir", str(cache_dir), *extra])


def test_lock_writes_the_projects_file_for_each_runtime(project, packages, cache_dir, capsys) -> None:
    assert lock(packages, cache_dir, "--runtime", "mono", "--runtime", "coreclr") == 0
    lock_file = project / "octoclr.lock.json"
    assert capsys.readouterr().out.startswith(f"wrote {lock_file}\n")
    written = json.loads(lock_file.read_text())
    assert {(t["target"], t["version"], t["framework"]) for t in written["targets"]} == {
        ("mono", "11.0.0", "net45"), ("coreclr", "11.0.0", "netstandard2.0")}
    assert {(p["id"], p["framework"]) for p in written["packages"]} >= {("Octopus.Client", "net45"), ("Octopus.Client", "netstandard2.0")}
    assert not (project / "scripts" / "octoclr.lock.json").exists()
    # Again: nothing to change, and the file is left exactly as it was.
    before = lock_file.read_bytes()
    assert lock(packages, cache_dir, "--runtime", "mono", "--runtime", "coreclr") == 0
    assert capsys.readouterr().out == f"{lock_file} is up to date\n"
    assert lock_file.read_bytes() == before


def test_lock_moves_a_target_when_another_version_is_asked(project, packages, cache_dir, capsys) -> None:
    assert lock(packages, cache_dir, "--runtime", "mono") == 0
    capsys.readouterr()
    assert lock(packages, cache_dir, "--runtime", "mono", "--version", "8.2.0") == 0
    out = capsys.readouterr().out
    assert "target mono: Octopus.Client 8.2.0 (net45), was 11.0.0 (net45)" in out and out.startswith("updated ")
    targets = json.loads((project / "octoclr.lock.json").read_text())["targets"]
    assert [(t["target"], t["version"]) for t in targets] == [("mono", "8.2.0")]


def test_check_fails_when_the_lock_file_is_missing_or_would_change_and_writes_nothing(project, packages, cache_dir, capsys) -> None:
    lock_file = project / "octoclr.lock.json"
    assert lock(packages, cache_dir, "--runtime", "mono", "--check") == 1
    err = capsys.readouterr().err
    assert f"{lock_file} does not exist; run `octoclr lock`" in err and "package Octopus.Client 11.0.0 (net45)" in err
    assert not lock_file.exists()

    assert lock(packages, cache_dir, "--runtime", "mono") == 0
    before = lock_file.read_bytes()
    capsys.readouterr()
    assert lock(packages, cache_dir, "--runtime", "mono", "--check") == 0
    assert capsys.readouterr().out == f"{lock_file} is up to date\n"
    # A runtime not locked yet, or another version, is out of date; the file stays as it was.
    assert lock(packages, cache_dir, "--runtime", "coreclr", "--check") == 1
    assert "target coreclr: Octopus.Client 11.0.0 (netstandard2.0), was not locked" in capsys.readouterr().err
    assert lock(packages, cache_dir, "--runtime", "mono", "--version", "8.2.0", "--check", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["up_to_date"] is False and report["written"] is False
    assert report["changed"] == ["mono: Octopus.Client 8.2.0 (net45), was 11.0.0 (net45)"]
    assert lock_file.read_bytes() == before


def test_check_refuses_another_nupkg_for_a_locked_version(project, packages, cache_dir, nuget_test_packages, tmp_path, capsys) -> None:
    assert lock(packages, cache_dir, "--runtime", "mono") == 0
    lock_file = project / "octoclr.lock.json"
    before = lock_file.read_bytes()
    rebuilt = build_test_client(tmp_path / "rebuilt", "11.0.0", nuget_test_packages.client_dlls,
                                extra_entries={"rebuilt.txt": b"another build under the same version"})
    shutil.copyfile(rebuilt, packages / "octopus.client.11.0.0.nupkg")
    fresh_cache = tmp_path / "fresh-cache"  # so the source is read again
    assert lock(packages, fresh_cache, "--runtime", "mono", "--check") == 3
    err = capsys.readouterr().err
    assert "Octopus.Client 11.0.0" in err and str(packages) in err
    with pytest.raises(IntegrityError):
        lock_project(["mono"], source=str(packages), cache_dir=fresh_cache)
    assert lock_file.read_bytes() == before


def test_a_runtime_that_fails_leaves_the_lock_file_as_it_was(project, packages, cache_dir, nuget_test_packages, capsys) -> None:
    # 12.0.0's netstandard2.0 build needs a package nobody has: Mono can lock it, CoreCLR cannot.
    build_test_client(packages, "12.0.0", nuget_test_packages.client_dlls,
                      dependencies={".NETFramework4.5": [("Newtonsoft.Json", "[6.0.8, )")],
                                    ".NETStandard2.0": [("Newtonsoft.Json", "[6.0.8, )"), ("Not.Published", "[1.0.0, )")]})
    assert lock(packages, cache_dir, "--runtime", "mono", "--runtime", "coreclr", "--version", "12.0.0") == 3
    assert "Not.Published" in capsys.readouterr().err
    assert not (project / "octoclr.lock.json").exists()


def test_outside_a_project_it_writes_in_the_current_folder(packages, cache_dir, tmp_path, monkeypatch) -> None:
    work = tmp_path / "step-work"
    work.mkdir()
    monkeypatch.chdir(work)
    report = lock_project(["mono"], source=str(packages), cache_dir=cache_dir)
    assert report.path == work / "octoclr.lock.json" and report.written and not report.existed
    assert report.added and report.changed == ("mono: Octopus.Client 11.0.0 (net45), was not locked",)
    named = tmp_path / "elsewhere" / "pins.json"
    assert lock_project(["mono"], source=str(packages), cache_dir=cache_dir, lock_file=named).path == named
    assert named.is_file()


def test_the_same_package_from_another_source_keeps_the_entry(project, packages, cache_dir, tmp_path) -> None:
    assert lock_project(["mono"], source=str(packages), cache_dir=cache_dir).written
    lock_file = project / "octoclr.lock.json"
    before = lock_file.read_bytes()
    moved = tmp_path / "mirror"
    shutil.copytree(packages, moved)
    report = lock_project(["mono"], source=str(moved), cache_dir=tmp_path / "cache-2")
    assert report.up_to_date and not report.written
    assert lock_file.read_bytes() == before


def test_lock_hosts_no_runtime(project, packages, cache_dir) -> None:
    import subprocess
    import sys

    probe = ("import sys\nfrom octoclr.cli import main\n"
             f"status = main(['lock', '--runtime', 'mono', '--source', {str(packages)!r}, '--cache-dir', {str(cache_dir)!r}, '-q'])\n"
             "print(status, 'pythonnet' in sys.modules, 'clr_loader' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=project / "scripts")
    assert done.stdout.split() == ["0", "False", "False"], done.stderr
    assert (project / "octoclr.lock.json").is_file()
