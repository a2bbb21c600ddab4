"""Suite-wide switches.

A process hosts one .NET runtime, so the suite runs in passes: the first pass runs
everything with ``OCTOCLR_TEST_RUNTIME`` (default ``mono``), later passes run only the
tests that need .NET (``-m dotnet``) with another runtime. A test needs .NET when it
uses the ``runtime_name`` fixture, directly or through another fixture; such tests get
the ``dotnet`` mark and the runtime's name in their id, e.g. ``test_load[coreclr]``.

A pass may name CoreCLR of one version (``OCTOCLR_TEST_RUNTIME=dotnet8`` or ``coreclr:8``):
its tests see ``runtime_name == "coreclr"``, carry the pass's name in their id
(``test_load[dotnet8]``), and ``DOTNET_ROOT`` is pinned to the folder holding that
version, so that the test processes host it too; a pass whose version is not installed
stops at once with a message instead of testing another runtime.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Tuple

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
REFERENCE = REPO.parent / "shared" / "reference"

#: The name of this pass, as its test ids show it.
RUNTIME_PASS = os.environ.get("OCTOCLR_TEST_RUNTIME", "mono").strip().lower()


def _pass_runtime(name: str) -> Tuple[str, Optional[str]]:
    """The runtime kind of the pass and the CoreCLR version it pins, if any."""
    from octoclr.runtime.selection import parse_runtime

    try:
        return parse_runtime(name)
    except Exception as exc:
        raise pytest.UsageError(f"OCTOCLR_TEST_RUNTIME={name!r}: {exc}") from None


#: The runtime kind of this pass: what ``runtime_name`` gives the tests.
RUNTIME, RUNTIME_VERSION = _pass_runtime(RUNTIME_PASS)


def pytest_configure(config: pytest.Config) -> None:
    if RUNTIME_VERSION is not None:
        _pin_dotnet_root(RUNTIME_VERSION)


def _pin_dotnet_root(version: str) -> None:
    from octoclr.runtime.coreclr import CoreClrBackend

    try:
        install = CoreClrBackend(version=version).find()
    except Exception as exc:
        raise pytest.UsageError(f"this pass is for .NET {version}, which is not installed: {exc}") from None
    # Every test process finds runtimes through DOTNET_ROOT first, and takes the newest there.
    os.environ["DOTNET_ROOT"] = str(install.location)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "runtime_name" in metafunc.fixturenames:
        metafunc.parametrize("runtime_name", [RUNTIME], ids=[RUNTIME_PASS], scope="session")


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
