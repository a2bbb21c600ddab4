from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Optional

import pytest


def run_python(
    code: str, env: Optional[Dict[str, str]] = None, timeout: float = 120, cwd: Optional[Path] = None
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter: a process hosts one runtime, once."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd
    )


@pytest.fixture
def python():
    return run_python
