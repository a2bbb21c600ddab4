"""What the feed samples share: the repository of the target's space."""

from __future__ import annotations

from typing import Any

import octoclr
from octoclr.target import Target


def space_repository(target: Target) -> tuple[Any, Any]:
    """``(client, repository for the target's space)``, found by the space's name."""
    endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
    repository = octoclr.OctopusRepository(endpoint)
    client = octoclr.OctopusClient(endpoint)
    space = repository.spaces.find_by_name(target.space)
    if space is None:
        raise SystemExit(f"There is no space named {target.space!r} on {target.url}; set OCTOPUS_SPACE.")
    return client, client.for_space(space)
