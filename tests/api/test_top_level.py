"""The package's top level: curated names, and submodules that never start .NET."""

from __future__ import annotations

import subprocess
import sys

import octoclr


def test_all_names_exist():
    missing = [name for name in octoclr.__all__ if not hasattr(octoclr, name)]
    assert missing == []


def test_importing_a_submodule_by_from_import_does_not_host_dotnet():
    code = (
        "import sys\n"
        "from octoclr import target, step\n"
        "import octoclr.runtime as r\n"
        "assert 'clr' not in sys.modules and r.hosted() is None, 'a submodule import hosted .NET'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_connect_without_a_server_says_what_to_set(monkeypatch):
    monkeypatch.delenv("OCTOPUS_URL", raising=False)
    try:
        octoclr.connect()
    except octoclr.OctoclrError as exc:
        assert "OCTOPUS_URL" in str(exc) and "server=" in str(exc)
    else:
        raise AssertionError("connect() without a server must fail")
