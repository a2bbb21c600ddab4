"""A user script: report machines by environment, rename one, and read the current user."""

from __future__ import annotations

import os
from typing import Dict, List

import octoclr
from octoclr.errors import NotFoundError


def machines_by_environment(repository: octoclr.OctopusRepository) -> Dict[str, List[str]]:
    names: Dict[str, List[str]] = {}
    environments = {e.id: e.name for e in repository.environments.find_all()}
    for machine in repository.machines.find_all():
        for environment_id in machine.environment_ids:
            names.setdefault(environments.get(environment_id, environment_id), []).append(machine.name)
    return names


def rename(repository: octoclr.OctopusRepository, machine_id: str, name: str) -> str:
    try:
        machine = repository.machines.get(machine_id)
    except NotFoundError:
        return ""
    machine.name = name
    saved = repository.machines.modify(machine)
    return saved.name


def is_usable(machine: octoclr.model.MachineResource) -> bool:
    return machine.status == octoclr.model.MachineModelStatus.Online and not machine.is_disabled


def main() -> None:
    endpoint = octoclr.OctopusServerEndpoint(os.environ["OCTOPUS_URL"], os.environ["OCTOPUS_API_KEY"])
    repository = octoclr.OctopusRepository(endpoint)
    for environment, machines in sorted(machines_by_environment(repository).items()):
        print(environment, ", ".join(sorted(machines)))
    print(rename(repository, "machines-1", "Test Server 1"))
    print([m.id for m in repository.machines.find_all() if is_usable(m)])
    me = repository.users.get_current()
    print(me.username.upper(), me.links["Self"])
    disabled = repository.machines.find_many(lambda m: m.is_disabled)
    print(len(disabled))
    space = repository.spaces.find_by_name("Default")
    print([p.name for p in repository.for_space(space).projects.get_all()])
    user = repository.client.get[octoclr.model.UserResource](repository.client.root_document.links["CurrentUser"])
    print(user.display_name)
    command = octoclr.model.LoginCommand(username="me", password="secret")
    repository.users.sign_in(command)
    print(octoclr.to_dict(me, style="json"))
    repository2 = octoclr.connect()
    print(repository2.machines.find_by_name("web01"))


async def asynchronous(endpoint: octoclr.OctopusServerEndpoint) -> str:
    async with await octoclr.OctopusAsyncClient.create(endpoint) as client:
        machine = await client.repository.machines.get("machines-1")
        return machine.name


if __name__ == "__main__":
    main()
