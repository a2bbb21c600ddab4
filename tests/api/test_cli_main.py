"""The command line's frame: argument errors never echo a secret."""

from __future__ import annotations

import subprocess
import sys

KEY = "API-ABCDEFGHIJKLMNOPQRSTUV0123"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "octoclr", *args], capture_output=True, text=True, timeout=60)


def test_a_mistyped_option_does_not_echo_an_api_key():
    for args in (("--bogus", KEY), ("info", "--bogus", KEY), (KEY,)):
        result = run(*args)
        assert result.returncode == 2
        assert KEY not in result.stderr + result.stdout
        assert "error:" in result.stderr


def test_no_command_prints_help_and_exits_2():
    result = run()
    assert result.returncode == 2
    assert "bootstrap" in result.stdout and "serve" in result.stdout
