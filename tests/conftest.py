"""Suite-wide switches.

A process hosts one .NET runtime, so the suite runs in passes: the first pass runs
everything with ``OCTOCLR_TEST_RUNTIME`` (default ``mono``), later passes run only the
tests that need .NET (``-m dotnet``) with another runtime. A test needs .NET when it
uses the ``runtime_name`` fixture, directly or through another fixture; such tests get
the ``dotnet`` mark and the runtime's name in their id, e.g. ``test_load[coreclr]``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
REFERENCE = REPO.parent / "shared" / "reference"

#: The runtime of this pass.
RUNTIME = os.environ.get("OCTOCLR_TEST_RUNTIME", "mono")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "runtime_name" in metafunc.fixturenames:
        metafunc.parametrize("runtime_name", [RUNTIME], ids=[RUNTIME], scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "runtime_name" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.dotnet)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/reference``: real Octopus API data that tests may read but the project never copies."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}; these checks need ../shared/reference beside the clone")
    return REFERENCE


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for assemblies and packages built during this run."""
    return tmp_path_factory.mktemp("build")
