"""pytest fixtures for tests that talk to an Octopus Server: a simulator in its own process.

- ``octopus_simulator`` (session): a running :class:`octoclr.testing.Simulator` with the
  demo seed; ``.url``, ``.api_key``, ``.username``, ``.password``, ``.set_fault()``, ``.reset()``.
- ``octopus_clean_simulator``: the same simulator, reset to its seeded state for this test.
- ``octopus_endpoint``: ``(url, api_key)`` of a freshly reset simulator.

The ini option ``octopus_simulator_seed`` chooses the seed: ``demo`` (default), ``none``
or a JSON file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from octoclr.testing import Endpoint, Simulator


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("octopus_simulator_seed", "seed of the octopus_simulator fixture: demo, none or a JSON file",
                  default="demo")


@pytest.fixture(scope="session")
def octopus_simulator(pytestconfig: pytest.Config) -> Iterator["Simulator"]:
    from octoclr.testing import Simulator

    seed = pytestconfig.getini("octopus_simulator_seed") or "demo"
    with Simulator(seed=seed) as simulator:
        yield simulator


@pytest.fixture
def octopus_clean_simulator(octopus_simulator: "Simulator") -> "Simulator":
    octopus_simulator.reset()
    return octopus_simulator


@pytest.fixture
def octopus_endpoint(octopus_clean_simulator: "Simulator") -> "Endpoint":
    return octopus_clean_simulator.endpoint
