"""The flows of the public Octopus.Client samples users start from, through the bridge and the
look-alike client against the simulator: a space found by name in any case, then its repository
from ``client.ForSpace``, as each sample does before its own work."""

from __future__ import annotations

import pytest


@pytest.fixture
def server(octopus_clean_simulator):
    return octopus_clean_simulator


@pytest.fixture
def for_space(octopus, server):
    endpoint = octopus.client.OctopusServerEndpoint(server.url, server.api_key)
    repository = octopus.client.OctopusRepository(endpoint)
    space = repository.spaces.find_by_name("default")  # the samples write it in lower case
    assert space is not None and space.name == "Default"
    return octopus.client.OctopusClient(endpoint).for_space(space)


def test_a_role_added_to_a_target_and_the_target_disabled(for_space) -> None:
    machine = for_space.machines.find_by_name("web01")
    machine.roles.add("testrole")
    for_space.machines.modify(machine)
    machine = for_space.machines.find_by_name("web01")
    assert sorted(machine.roles) == ["testrole", "web-server"]
    machine.is_disabled = True
    for_space.machines.modify(machine)
    again = for_space.machines.get(machine.id)
    assert again.is_disabled and sorted(again.roles) == ["testrole", "web-server"]
    assert [m.name for m in for_space.machines.find_all() if m.is_disabled] == ["web01"]


def test_a_health_check_of_named_machines_in_an_environment(for_space) -> None:
    environment_id = for_space.environments.find_by_name("Development").id
    machine_ids = [m.id for m in for_space.machines.find_all() if m.name in ("web01",)]
    task = for_space.tasks.execute_health_check("Health check started from a script", 5, 5, environment_id, machine_ids)
    assert task.name == "Health" and task.description == "Health check started from a script"
    for_space.tasks.wait_for_completion(task, 1, 1)
    finished = for_space.tasks.get(task.id)
    assert str(finished.state) == "Success"
    assert finished.arguments["EnvironmentId"] == environment_id and str(finished.arguments["Timeout"]) == "00:05:00"
    assert str(for_space.machines.find_by_name("web01").health_status) == "Healthy"
