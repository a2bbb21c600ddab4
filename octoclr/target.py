"""Which Octopus Server a sample or the demo talks to: yours, or the embedded simulator.

``OCTOPUS_URL`` (with ``OCTOPUS_API_KEY``, and ``OCTOPUS_SPACE`` where a space matters)
points at a real server; without it, :func:`octopus_target` starts the simulator with
its demo data in a separate process and stops it on exit, so every sample runs on a
machine that has never seen an Octopus Server::

    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Iterator, List, Mapping, Optional

import httpx

import octoclr.secrets as secrets
from octoclr.errors import OctopusConnectionError, SecurityError

__all__ = ["Target", "octopus_target", "simulated_target", "DEMO_SEED"]

log = logging.getLogger(__name__)

#: The simulator's built-in demo data: a second space, environments, machines, projects.
DEMO_SEED = "demo"


@dataclass(frozen=True)
class Target:
    """An Octopus Server to talk to, and how to sign in to it."""

    url: str
    api_key: Optional[str] = field(repr=False)
    #: Name of the space the space samples work in.
    space: str
    username: Optional[str] = None
    password: Optional[str] = field(default=None, repr=False)
    #: True when this is the embedded simulator started for the caller.
    simulated: bool = False

    def describe(self) -> str:
        where = "the embedded Octopus Server simulator" if self.simulated else "OCTOPUS_URL"
        return f"{self.url} ({where}), space {self.space!r}"


@contextlib.contextmanager
def octopus_target(environ: Optional[Mapping[str, str]] = None, *, seed: str = DEMO_SEED) -> Iterator[Target]:
    """The server named by ``OCTOPUS_URL``, else a simulator with demo data for the ``with`` block.

    ``OCTOPUS_USERNAME``/``OCTOPUS_PASSWORD`` are used by the sign-in sample against a real
    server; the simulator's administrator account is used otherwise.
    """
    env = os.environ if environ is None else environ
    url = env.get("OCTOPUS_URL", "").strip()
    if url:
        api_key = env.get("OCTOPUS_API_KEY") or None
        password = env.get("OCTOPUS_PASSWORD") or None
        for secret in (api_key, password):
            if secret:
                secrets.register(secret)
        space = env.get("OCTOPUS_SPACE") or _space_name(url, api_key, prefer_default=True)
        yield Target(url.rstrip("/"), api_key, space, env.get("OCTOPUS_USERNAME") or None, password)
        return

    with simulated_target(seed=seed, space=env.get("OCTOPUS_SPACE") or None) as target:
        yield target


@contextlib.contextmanager
def simulated_target(*, seed: str = DEMO_SEED, space: Optional[str] = None) -> Iterator[Target]:
    """A simulator with ``seed`` data, running for the ``with`` block; its demo space by default."""
    from octoclr.testing import Simulator

    log.info("starting the embedded Octopus Server simulator with its %s data", seed)
    with Simulator(seed=seed) as simulator:
        yield Target(
            simulator.url.rstrip("/"),
            simulator.api_key,
            space or _space_name(simulator.url, simulator.api_key, prefer_default=False),
            simulator.username,
            simulator.password,
            simulated=True,
        )


def _space_name(url: str, api_key: Optional[str], *, prefer_default: bool) -> str:
    """The space to show when none is named: the default one on a real server, the demo's own
    second space on the simulator (working in a space other than the default is the point of
    the space samples)."""
    spaces = _spaces(url, api_key)
    if not spaces:
        raise OctopusConnectionError(f"{url} lists no spaces; set OCTOPUS_SPACE to the name of a space to use.")
    defaults = [s for s in spaces if s.get("IsDefault")]
    others = [s for s in spaces if not s.get("IsDefault")]
    ordered = defaults + others if prefer_default else others + defaults
    return str(ordered[0]["Name"])


def _spaces(url: str, api_key: Optional[str]) -> List[Mapping[str, Any]]:
    # Plain HTTP on purpose: choosing a space must not need .NET loaded yet.
    headers = {"X-Octopus-ApiKey": api_key} if api_key else {}
    try:
        response = httpx.get(f"{url.rstrip('/')}/api/spaces/all", headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        raise OctopusConnectionError(
            f"Cannot reach the Octopus Server at {url}: {type(exc).__name__}. Check OCTOPUS_URL, "
            "or unset it to use the embedded simulator."
        ) from exc
    if response.status_code in (401, 403):
        raise SecurityError(
            f"{url} refused the API key (HTTP {response.status_code}); check OCTOPUS_API_KEY, or set "
            "OCTOPUS_SPACE to the space's name.",
            status_code=response.status_code,
        )
    if response.status_code != 200:
        raise OctopusConnectionError(
            f"{url}/api/spaces/all answered HTTP {response.status_code}; set OCTOPUS_SPACE to the name of a space.",
            status_code=response.status_code,
        )
    body = response.json()
    items = body.get("Items", []) if isinstance(body, dict) else body
    return [s for s in items if isinstance(s, dict) and "Name" in s]
