"""The bridge's public surface: what ``__all__`` names exists, and importing it hosts no .NET."""

from __future__ import annotations

import subprocess
import sys
import types

import octoclr.bridge


def test_all_names_exist_and_are_public() -> None:
    public = {
        name
        for name, value in vars(octoclr.bridge).items()
        if not name.startswith("_") and name != "annotations" and not isinstance(value, types.ModuleType)
    }
    assert set(octoclr.bridge.__all__) == public
    for name in octoclr.bridge.__all__:
        assert getattr(octoclr.bridge, name).__doc__


def test_importing_the_bridge_does_not_host_dotnet() -> None:
    code = "import sys, octoclr.bridge; print('clr' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
