"""Working with resources: load one, change it, save it, synchronously and asynchronously.

PowerShell::

    $machine = $repository.Machines.Get("machines-1");
    $machine.Name = "Test Server 1";
    $repository.Machines.Modify($machine);

C#::

    var machine = await repository.Machines.Get("machines-1");
    machine.Name = "Test Server 1";
    await repository.Machines.Modify(machine);

The async part puts the original name back, so running this against your own server
(OCTOPUS_URL, OCTOPUS_API_KEY) leaves it as it was.
"""

import asyncio

import octoclr
from octoclr.target import octopus_target


def rename(endpoint: "octoclr.OctopusServerEndpoint", new_name: str) -> str:
    repository = octoclr.OctopusRepository(endpoint)
    machine = repository.machines.get("machines-1")
    old_name = machine.name
    machine.name = new_name
    repository.machines.modify(machine)
    print(f"Sync:  {machine.id} renamed from {old_name!r} to {repository.machines.get('machines-1').name!r}")
    return str(old_name)


async def rename_async(endpoint: "octoclr.OctopusServerEndpoint", new_name: str) -> None:
    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        repository = client.repository
        machine = await repository.machines.get("machines-1")
        old_name = machine.name
        machine.name = new_name
        await repository.machines.modify(machine)
        saved = await repository.machines.get("machines-1")
        print(f"Async: {machine.id} renamed from {old_name!r} to {saved.name!r}")


def main() -> None:
    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
        original_name = rename(endpoint, "Test Server 1")
        asyncio.run(rename_async(endpoint, original_name))


if __name__ == "__main__":
    main()
