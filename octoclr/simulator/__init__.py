"""An Octopus Server simulator: a real HTTP server on loopback that the official clients accept.

Run it with ``octoclr serve``, or from tests with :class:`octoclr.testing.Simulator`
(a separate process) and the ``octopus_simulator`` pytest fixture.

Modules: :mod:`.resources` (collections as data), :mod:`.store` (SQLite),
:mod:`.behaviours` (the backend), :mod:`.executions` (the Executions API), :mod:`.auth`,
:mod:`.rootdoc`, :mod:`.app` (HTTP),
:mod:`.faults`, :mod:`.seed`, :mod:`.server` (runner).
"""

from __future__ import annotations

from octoclr.simulator.server import DEFAULT_VERSION, ServerConfig, build

__all__ = ["DEFAULT_VERSION", "ServerConfig", "build"]
