"""Working directly with the client: follow a resource's link.

PowerShell::

    $connection = $repository.Client.Get($machine.Links["Connection"]);

C#::

    var connection = repository.Client.Get(machine.Links["Connection"]);        // sync
    var connection = await client.Get(machine.Links["Connection"]);             // async

Without a type argument, ``client.get`` returns the JSON as plain Python data.
"""

import asyncio

import octoclr
from octoclr.target import octopus_target


async def connection_async(endpoint: "octoclr.OctopusServerEndpoint") -> None:
    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        machine = await client.repository.machines.get("machines-1")
        connection = await client.get(machine.links["Connection"])
        print(f"Async: {machine.links['Connection']} -> Status {connection['Status']}")


def main() -> None:
    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
        repository = octoclr.OctopusRepository(endpoint)

        machine = repository.machines.get("machines-1")
        connection = repository.client.get(machine.links["Connection"])
        print(f"Sync:  {machine.links['Connection']} -> Status {connection['Status']}")
        print(f"       fields: {', '.join(sorted(connection))}")

        asyncio.run(connection_async(endpoint))


if __name__ == "__main__":
    main()
