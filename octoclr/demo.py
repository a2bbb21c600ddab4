"""The main job: fetch Octopus.Client, start the simulator, and walk through every documented flow.

Each section of the client's documentation is shown as the Python line that does it,
followed by what came back, so that a new user sees octoclr work end to end on a
machine that has no Octopus Server: ``octoclr demo``.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any, Callable, Iterable, Optional

from octoclr.errors import FeedError
from octoclr.target import Target, simulated_target

__all__ = ["run", "DEFAULT_SOURCE_NAME"]

DEFAULT_SOURCE_NAME = "nuget.org"
MACHINE_ID = "machines-1"
NEW_MACHINE_NAME = "Test Server 1"
ASYNC_MACHINE_NAME = "Test Server 1 (async)"

Write = Callable[[str], None]


class _Narrator:
    """Prints a section title, the code being run, and what came back."""

    def __init__(self, write: Write) -> None:
        self._write = write

    def section(self, title: str) -> None:
        self._write("")
        self._write(f"== {title}")

    def code(self, line: str) -> None:
        self._write(f"   >>> {line}")

    def result(self, text: str) -> None:
        # ASCII only: a console or a redirected file in a legacy code page must print it too.
        for number, line in enumerate(text.splitlines() or [""]):
            self._write(f"   {'->' if number == 0 else '  '} {line}")


def describe(resource: Any) -> str:
    """``Machines-1 'Test Server 1'``: the id and name of a resource."""
    name = getattr(resource, "name", None)
    if name is None:
        name = getattr(resource, "username", None)
    identity = getattr(resource, "id", None)
    return f"{identity} {name!r}" if name is not None else str(identity)


def describe_all(resources: Iterable[Any]) -> str:
    lines = [describe(r) for r in resources]
    return "\n".join(lines) if lines else "(none)"


def show_data(data: Any, limit: int = 8) -> str:
    """Plain Python data (as ``client.get(link)`` returns it), its scalar fields only."""
    if not isinstance(data, dict):
        return repr(data)
    fields = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool)) or v is None}
    shown = dict(list(fields.items())[:limit])
    return json.dumps(shown, indent=None, default=str)


def run(
    runtime: Optional[str] = None,
    source: Optional[str] = None,
    version: Optional[str] = None,
    *,
    write: Write = print,
) -> int:
    """Run the walkthrough; returns the exit status."""
    say = _Narrator(write)
    source = source or os.environ.get("OCTOCLR_SOURCE") or None
    client = _load(say, runtime, source, version)
    package = client.bootstrap.packages[-1]
    say.result(f"Octopus.Client {package.version} ({package.framework}) on {client.runtime.kind} {client.runtime.version}")

    say.section("Starting the embedded Octopus Server simulator with its demo data")
    with simulated_target() as target:
        say.result(f"{target.url}, administrator {target.username!r}, demo space {target.space!r}")
        _walk(say, target)
    say.section("Done: the simulator has stopped. Point OCTOPUS_URL and OCTOPUS_API_KEY at your server to run the samples there.")
    return 0


def _load(say: _Narrator, runtime: Optional[str], source: Optional[str], version: Optional[str]) -> Any:
    import octoclr

    say.section(f"Bootstrapping Octopus.Client from {source or DEFAULT_SOURCE_NAME}")
    given = {"runtime": runtime, "source": source, "version": version}
    say.code(f"octoclr.load({', '.join(f'{k}={v!r}' for k, v in given.items() if v)})")
    try:
        return octoclr.load(runtime=runtime, version=version, source=source)
    except FeedError as exc:
        if source:
            raise
        raise FeedError(
            f"{DEFAULT_SOURCE_NAME} cannot be reached from here: set OCTOCLR_SOURCE (or pass --source) to a "
            "NuGet feed URL, a folder of .nupkg files, or an Octopus Server or Tentacle program folder that "
            f"holds Octopus.Client.dll. ({exc})"
        ) from exc


def _walk(say: _Narrator, target: Target) -> None:
    import octoclr

    say.section("Synchronous API: OctopusServerEndpoint and OctopusRepository")
    say.code("endpoint = octoclr.OctopusServerEndpoint(server, api_key)")
    endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
    say.code("repository = octoclr.OctopusRepository(endpoint)")
    repository = octoclr.OctopusRepository(endpoint)
    root = repository.client.root_document
    say.result(f"connected to {root.application} {root.version} (API {root.api_version})")

    say.section("Signing in with a username and password instead of an API key")
    say.code("anonymous = octoclr.OctopusRepository(octoclr.OctopusServerEndpoint(server))")
    anonymous = octoclr.OctopusRepository(octoclr.OctopusServerEndpoint(target.url))
    say.code(f"anonymous.users.sign_in(octoclr.model.LoginCommand(username={target.username!r}, password=...))")
    anonymous.users.sign_in(octoclr.model.LoginCommand(username=target.username, password=target.password))
    say.code("anonymous.users.get_current()")
    say.result(f"signed in as {describe(anonymous.users.get_current())}")

    say.section("Working with resources: load, change, save")
    say.code(f'machine = repository.machines.get("{MACHINE_ID}")')
    machine = repository.machines.get(MACHINE_ID)
    say.result(describe(machine))
    say.code(f'machine.name = "{NEW_MACHINE_NAME}"; repository.machines.modify(machine)')
    machine.name = NEW_MACHINE_NAME
    repository.machines.modify(machine)
    say.code(f'repository.machines.get("{MACHINE_ID}").name')
    say.result(repr(repository.machines.get(MACHINE_ID).name))

    say.section("Working directly with the client: following a link")
    say.code('connection = repository.client.get(machine.links["Connection"])')
    connection = repository.client.get(machine.links["Connection"])
    say.result(show_data(connection))

    say.section("The root document and the current user")
    say.code('link = repository.client.root_document.links["CurrentUser"]')
    link = repository.client.root_document.links["CurrentUser"]
    say.result(str(link))
    say.code("me = repository.client.get[octoclr.model.UserResource](link)")
    me = repository.client.get[octoclr.model.UserResource](link)
    say.result(describe(me))
    say.code("repository.users.get_current()")
    say.result(describe(repository.users.get_current()))

    say.section("Spaces through the client: OctopusClient.for_space")
    say.code("client = octoclr.OctopusClient(endpoint)")
    client = octoclr.OctopusClient(endpoint)
    say.code(f"space = client.for_system().spaces.find_by_name({target.space!r})")
    space = client.for_system().spaces.find_by_name(target.space)
    say.result(describe(space))
    say.code("client.for_space(space).projects.get_all()")
    say.result(describe_all(client.for_space(space).projects.get_all()))

    say.section("Spaces through the repository: the OctopusRepositoryExtensions.ForSpace extension")
    say.code(f"space = repository.spaces.find_by_name({target.space!r})")
    space = repository.spaces.find_by_name(target.space)
    say.code("repository.for_space(space).projects.get_all()")
    say.result(describe_all(repository.for_space(space).projects.get_all()))

    say.section("Asynchronous API: OctopusAsyncClient")
    say.code("async with await octoclr.OctopusAsyncClient.create(endpoint) as client:")
    say.code(f'    machine = await client.repository.machines.get("{MACHINE_ID}")')
    say.code(f'    machine.name = "{ASYNC_MACHINE_NAME}"; await client.repository.machines.modify(machine)')
    machine = asyncio.run(_load_and_save_async(endpoint))
    say.result(f"saved: {describe(machine)}")


async def _load_and_save_async(endpoint: Any) -> Any:
    import octoclr

    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        machine = await client.repository.machines.get(MACHINE_ID)
        machine.name = ASYNC_MACHINE_NAME
        await client.repository.machines.modify(machine)
        return await client.repository.machines.get(MACHINE_ID)
