"""``octoclr.connect()``: a repository from arguments or the environment, in one call.

This is the convenience users reach for first; it stands on the generated bridge and
uses only documented members of the client (``OctopusServerEndpoint``,
``OctopusRepository``, ``Spaces.FindByName``/``Get``, the ``ForSpace`` extension).
"""

from __future__ import annotations

import os
from typing import Any, Optional

from octoclr import secrets
from octoclr.errors import NotFoundError, OctoclrError


#: The client class connect() returns, by its name in the client's root namespace; the
#: command line calls repositories on it and the stubs type connect() with it.
REPOSITORY_CLASS = "OctopusRepository"


class ConnectionSettingsError(OctoclrError):
    """No server was given and none is set in the environment."""

    exit_code = 2


def connect(server: Optional[str] = None, api_key: Optional[str] = None, space: Optional[str] = None) -> Any:
    """A repository for ``server`` (default ``OCTOPUS_URL``) with ``api_key`` (``OCTOPUS_API_KEY``).

    With ``space`` (a space name or id; default ``OCTOPUS_SPACE``) the repository is scoped
    to that space; otherwise it works in the user's default space, as the client does.
    """
    import octoclr

    server = server or os.environ.get("OCTOPUS_URL")
    api_key = api_key if api_key is not None else os.environ.get("OCTOPUS_API_KEY")
    space = space if space is not None else os.environ.get("OCTOPUS_SPACE") or None
    if not server:
        raise ConnectionSettingsError(
            "No Octopus Server given: pass server= (and api_key=) to octoclr.connect(), "
            "or set OCTOPUS_URL and OCTOPUS_API_KEY."
        )
    secrets.register(api_key)
    endpoint = octoclr.OctopusServerEndpoint(server, api_key) if api_key else octoclr.OctopusServerEndpoint(server)
    repository = getattr(octoclr, REPOSITORY_CLASS)(endpoint)
    if not space:
        return repository
    return repository.for_space(find_space(repository, space))


def find_space(repository: Any, space: str) -> Any:
    """The space named ``space``, or with that id; NotFoundError naming both tries otherwise."""
    found = repository.spaces.find_by_name(space)
    if found is not None:
        return found
    try:
        return repository.spaces.get(space)
    except NotFoundError:
        pass
    raise NotFoundError(
        f"No space named or with the id {space!r} on this server. "
        "Check the name (see octoclr call spaces find-all) or leave the space out for the default space."
    )
