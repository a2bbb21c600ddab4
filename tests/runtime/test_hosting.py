"""Hosting a runtime: each case in its own process, since a process hosts one runtime once."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from octoclr.errors import RuntimeLoadError, RuntimeNotFoundError
from octoclr.runtime import coreclr, selection


def test_start_hosts_the_runtime_and_reports_its_version(python, runtime_name):
    result = python(
        f"""
        import json, octoclr.runtime as r
        hosted = r.start({runtime_name!r})
        again = r.start()
        import System
        print(json.dumps({{"kind": hosted.kind, "version": hosted.version, "same": again is hosted,
                          "two": int(System.Math.Max(1, 2))}}))
        """
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["kind"] == runtime_name and info["same"] and info["two"] == 2
    assert info["version"][0].isdigit()


def test_asking_for_another_runtime_after_one_is_hosted_is_a_clear_error(python, runtime_name):
    other = "coreclr" if runtime_name == "mono" else "mono"
    result = python(
        f"""
        import octoclr.runtime as r
        from octoclr.errors import RuntimeConflictError
        r.start({runtime_name!r})
        try:
            r.start({other!r})
        except RuntimeConflictError as exc:
            print(exc)
        """
    )
    assert result.returncode == 0, result.stderr
    assert f"already hosts {runtime_name}" in result.stdout
    assert "new Python process" in result.stdout


def test_runtime_comes_from_the_environment_when_not_given(python, runtime_name):
    result = python(
        "import octoclr.runtime as r; print(r.start().kind)", env={"OCTOCLR_RUNTIME": runtime_name}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == runtime_name


def test_mono_gets_preemptive_suspend_unless_the_user_chose(python):
    code = "import os, octoclr.runtime as r; r.start('mono'); print(os.environ['MONO_THREADS_SUSPEND'])"
    chosen = python(code, env={"MONO_THREADS_SUSPEND": "coop"})
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip() == "coop"
    default = python(
        "import os; os.environ.pop('MONO_THREADS_SUSPEND', None)\n" + code
    )
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "preemptive"


def test_mono_gets_more_thread_pool_workers_per_cpu_unless_the_user_chose(python):
    code = "import os, octoclr.runtime as r; r.start('mono'); print(os.environ['MONO_THREADS_PER_CPU'])"
    chosen = python(code, env={"MONO_THREADS_PER_CPU": "1"})
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip() == "1"
    default = python("import os; os.environ.pop('MONO_THREADS_PER_CPU', None)\n" + code)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "4"


def test_a_thread_blocked_in_dotnet_at_exit_is_stopped_not_crashed(python, runtime_name):
    # Mono crashes at exit while a Python thread still waits inside .NET; the stopper releases it.
    result = python(
        f"""
        import threading, octoclr.runtime as r
        from octoclr.runtime import shutdown
        r.start({runtime_name!r})
        import System
        gate = System.Threading.ManualResetEvent(False)
        waiter = threading.Thread(target=gate.WaitOne, daemon=True)
        waiter.start()
        shutdown.register(lambda: (gate.Set(), waiter.join(5)))
        print("leaving")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "leaving"


def test_objects_left_at_exit_are_still_finalized_by_the_interpreter(python, runtime_name, tmp_path):
    # The runtime's shutdown runs with the heap frozen; the interpreter's own teardown must
    # still collect what only module globals kept alive, so finalizers that save work run.
    saved = tmp_path / "saved.txt"
    result = python(
        f"""
        import octoclr.runtime as r
        r.start({runtime_name!r})
        import System

        class Journal:
            def __init__(self):
                self.me = self  # a cycle: only the cyclic collector frees it
                self.lines = [str(System.Math.Max(1, 2))]
            def __del__(self, open=open):  # the builtins are gone by then
                with open({str(saved)!r}, "w") as handle:
                    handle.write(",".join(self.lines))

        journal = Journal()
        print("leaving")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "leaving"
    assert saved.read_text() == "2"


def test_unknown_runtime_names_the_choices():
    with pytest.raises(RuntimeLoadError, match="choose one of mono, coreclr, netfx, auto, or CoreCLR of a version"):
        selection.requested_kind("java")


@pytest.mark.parametrize(
    "spelling, expected",
    [("coreclr:8", ("coreclr", "8")), ("dotnet8", ("coreclr", "8")), ("dotnet:8.0", ("coreclr", "8.0")),
     ("net8", ("coreclr", "8")), ("CoreCLR:3.1", ("coreclr", "3.1")), ("dotnet", ("coreclr", None)),
     ("mono", ("mono", None)), ("auto", ("auto", None))],
)
def test_runtime_spellings_name_a_kind_and_a_version(spelling, expected):
    assert selection.parse_runtime(spelling) == expected


def _fake_dotnet(root: Path, version: str) -> None:
    folder = root / "shared" / "Microsoft.NETCore.App" / version
    folder.mkdir(parents=True)
    (folder / "System.Private.CoreLib.dll").write_bytes(b"")


def test_a_version_selector_chooses_that_dotnet_and_auto_the_newest(monkeypatch, tmp_path):
    _fake_dotnet(tmp_path / "old", "3.1.23")
    _fake_dotnet(tmp_path / "new", "8.0.4")
    monkeypatch.setattr(coreclr, "candidate_roots", lambda: iter([tmp_path / "old", tmp_path / "new"]))
    monkeypatch.setattr(selection.sys, "platform", "linux")
    assert selection.choose("coreclr:3.1")[1].location == tmp_path / "old"
    assert selection.choose("dotnet8")[1].location == tmp_path / "new"
    auto = selection.choose("auto")[1]
    assert (auto.kind, auto.version) == ("coreclr", "8.0.4")


def test_a_version_selector_that_nothing_matches_lists_what_is_installed(monkeypatch, tmp_path):
    _fake_dotnet(tmp_path / "old", "3.1.23")
    monkeypatch.setattr(coreclr, "candidate_roots", lambda: iter([tmp_path / "old"]))
    with pytest.raises(RuntimeNotFoundError) as caught:
        selection.choose("dotnet8")
    assert "No .NET 8 runtime" in str(caught.value) and "3.1.23" in str(caught.value)
    assert "DOTNET_ROOT" in str(caught.value)


def test_icu_workaround_is_not_applied_to_dotnet8(monkeypatch, tmp_path):
    monkeypatch.setattr(coreclr, "icu_major_version", lambda: 72)
    monkeypatch.delenv("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", raising=False)
    monkeypatch.delenv("CLR_ICU_VERSION_OVERRIDE", raising=False)
    backend = coreclr.CoreClrBackend(config_dir=tmp_path)
    assert backend._globalization("8.0.4") is False
    import os

    assert "CLR_ICU_VERSION_OVERRIDE" not in os.environ
    config = json.loads(backend._write_runtimeconfig("8.0.4", False).read_text())
    assert config["runtimeOptions"]["tfm"] == "net8.0"
    assert config["runtimeOptions"]["framework"]["version"] == "8.0.4"


def test_a_pass_that_names_a_version_hosts_that_version(python, runtime_name):
    from tests.conftest import RUNTIME_VERSION

    if RUNTIME_VERSION is None:
        pytest.skip("this pass names no .NET version")
    result = python("import octoclr.runtime as r; h = r.start(); print(h.kind, h.version)", env={"OCTOCLR_RUNTIME": runtime_name})
    assert result.returncode == 0, result.stderr
    kind, version = result.stdout.split()
    assert kind == "coreclr" and coreclr._matches(version, RUNTIME_VERSION), result.stdout


def test_coreclr_not_found_says_where_it_looked_and_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(coreclr, "candidate_roots", lambda: iter([tmp_path / "nowhere"]))
    with pytest.raises(RuntimeNotFoundError) as caught:
        coreclr.CoreClrBackend().find()
    message = str(caught.value)
    assert str(tmp_path / "nowhere") in message and "pip install dotnetcore2" in message


def test_newest_netcore_app_is_chosen(monkeypatch, tmp_path):
    for root, version in ((tmp_path / "a", "3.1.23"), (tmp_path / "b", "6.0.5"), (tmp_path / "a", "5.0.1")):
        folder = root / "shared" / "Microsoft.NETCore.App" / version
        folder.mkdir(parents=True)
        (folder / "System.Private.CoreLib.dll").write_bytes(b"")
    monkeypatch.setattr(coreclr, "candidate_roots", lambda: iter([tmp_path / "a", tmp_path / "b"]))
    install = coreclr.CoreClrBackend().find()
    assert (install.version, install.location) == ("6.0.5", tmp_path / "b")


def test_missing_icu_means_invariant_globalization_with_a_log_line(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(coreclr, "icu_major_version", lambda: None)
    monkeypatch.delenv("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", raising=False)
    backend = coreclr.CoreClrBackend(config_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="octoclr"):
        invariant = backend._globalization("3.1.23")
    config = json.loads(backend._write_runtimeconfig("3.1.23", invariant).read_text())
    assert invariant is True
    assert config["runtimeOptions"]["configProperties"]["System.Globalization.Invariant"] is True
    assert config["runtimeOptions"]["tfm"] == "netcoreapp3.1"
    assert "invariant globalization" in caplog.text


def test_icu_present_is_pinned_for_old_dotnet(monkeypatch, tmp_path):
    monkeypatch.setattr(coreclr, "icu_major_version", lambda: 72)
    monkeypatch.delenv("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", raising=False)
    monkeypatch.delenv("CLR_ICU_VERSION_OVERRIDE", raising=False)
    assert coreclr.CoreClrBackend(config_dir=tmp_path)._globalization("3.1.23") is False
    import os

    assert os.environ["CLR_ICU_VERSION_OVERRIDE"] == "72"
