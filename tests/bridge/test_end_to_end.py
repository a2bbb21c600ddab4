"""End to end: the documentation's snippets in their Python form, through the bridge, against
the look-alike Octopus.Client talking HTTP to the simulator (in its own process)."""

from __future__ import annotations

import asyncio

import pytest

from octoclr import errors
from octoclr.bridge import api


@pytest.fixture
def server(octopus_clean_simulator):
    return octopus_clean_simulator


@pytest.fixture
def endpoint(octopus, server):
    return octopus.client.OctopusServerEndpoint(server.url, server.api_key)


@pytest.fixture
def repository(octopus, endpoint):
    return octopus.client.OctopusRepository(endpoint)


def test_sync_repository(octopus, repository) -> None:
    assert isinstance(repository, octopus.client.OctopusRepository)
    environments = repository.environments.get_all()
    assert {e.name for e in environments} >= {"Development", "Test", "Production"}


def test_sign_in_with_username_and_password(octopus, server) -> None:
    endpoint = octopus.client.OctopusServerEndpoint(server.url)
    repository = octopus.client.OctopusRepository(endpoint)
    repository.users.sign_in(octopus.model.LoginCommand(username=server.username, password=server.password))
    assert repository.users.get_current().username == server.username


def test_bad_password_is_a_security_error_without_the_password(octopus, server) -> None:
    repository = octopus.client.OctopusRepository(octopus.client.OctopusServerEndpoint(server.url))
    with pytest.raises(errors.OctopusError) as caught:
        repository.users.sign_in(octopus.model.LoginCommand(username=server.username, password="wrong-password-123"))
    assert "wrong-password-123" not in str(caught.value) and "wrong-password-123" not in repr(caught.value)
    assert caught.value.status_code in (400, 401)


def test_a_validation_error_shows_each_problem_once(octopus, repository, server) -> None:
    # The server repeats "Invalid username or password." as its only error; Octopus.Client's
    # message joins ErrorMessage and Errors: the octoclr error says it once.
    signed_out = octopus.client.OctopusRepository(octopus.client.OctopusServerEndpoint(server.url))
    with pytest.raises(errors.ValidationError) as caught:
        signed_out.users.sign_in(octopus.model.LoginCommand(username=server.username, password="wrong-password-123"))
    assert str(caught.value).count("Invalid username or password.") == 1, str(caught.value)
    assert caught.value.errors == ["Invalid username or password."]
    # A resource that fails validation: the heading once, each error once.
    with pytest.raises(errors.ValidationError) as caught:
        repository.environments.create(octopus.model.EnvironmentResource())
    text = str(caught.value)
    assert text.count("There was a problem with your request.") == 1, text
    assert caught.value.errors and all(text.count(problem) == 1 for problem in caught.value.errors), text


def test_load_modify_save(octopus, repository) -> None:
    machine = repository.machines.get("machines-1")
    assert isinstance(machine, octopus.model.MachineResource)
    machine.name = "Test Server 1"
    repository.machines.modify(machine)
    assert repository.machines.get("machines-1").name == "Test Server 1"


def test_client_get_link_without_type_gives_python_data(repository) -> None:
    machine = repository.machines.get("machines-1")
    connection = repository.client.get(machine.links["Connection"])
    assert isinstance(connection, dict)


def test_generic_get_of_the_current_user(octopus, repository, server) -> None:
    link = repository.client.root_document.links["CurrentUser"]
    assert isinstance(link, str)
    me = repository.client.get[octopus.model.UserResource](link)
    assert isinstance(me, octopus.model.UserResource)
    assert me.id == repository.users.get_current().id


def test_spaces_through_the_client(octopus, endpoint) -> None:
    client = octopus.client.OctopusClient(endpoint)
    space = client.for_system().spaces.find_by_name("Space Name")
    projects = client.for_space(space).projects.get_all()
    assert [p.name for p in projects] == ["Inventory API"]


def test_spaces_through_the_extension_method(repository) -> None:
    space = repository.spaces.find_by_name("Space Name")
    projects = repository.for_space(space).projects.get_all()
    assert [p.name for p in projects] == ["Inventory API"]


def test_find_many_with_a_predicate(repository) -> None:
    web = repository.machines.find_many(lambda m: "web-server" in m.roles)
    assert sorted(m.name for m in web) == ["web01", "web02"]


def test_async_client(octopus, endpoint, server) -> None:
    async def main():
        async with await octopus.client.OctopusAsyncClient.create(endpoint) as client:
            machine = await client.repository.machines.get("machines-1")
            machine.name = "Async Server"
            await client.repository.machines.modify(machine)
            return (await client.repository.machines.get("machines-1")).name

    assert asyncio.run(main()) == "Async Server"


def test_async_sign_in_and_generic_get(octopus, server) -> None:
    async def main():
        endpoint = octopus.client.OctopusServerEndpoint(server.url)
        async with await octopus.client.OctopusAsyncClient.create(endpoint) as client:
            await client.repository.users.sign_in(octopus.model.LoginCommand(username=server.username, password=server.password))
            me = await client.get[octopus.model.UserResource](client.root_document.links["CurrentUser"])
            connection = await client.get((await client.repository.machines.get("machines-1")).links["Connection"])
            return me.username, connection

    username, connection = asyncio.run(main())
    assert username == server.username and isinstance(connection, dict)


def test_async_errors_are_not_aggregate(octopus, endpoint) -> None:
    async def main():
        async with await octopus.client.OctopusAsyncClient.create(endpoint) as client:
            await client.repository.machines.get("machines-404")

    with pytest.raises(errors.NotFoundError):
        asyncio.run(main())


def test_not_found(repository) -> None:
    with pytest.raises(errors.NotFoundError) as caught:
        repository.machines.get("machines-404")
    assert caught.value.status_code == 404
    assert isinstance(caught.value, LookupError)


def test_failing_server(repository, server) -> None:
    server.set_fault("/api/*machines*", status=500, times=1)
    with pytest.raises(errors.ServerError) as caught:
        repository.machines.get("machines-1")
    assert caught.value.status_code == 500


def test_dropped_connection(repository, server) -> None:
    server.set_fault("/api/*machines*", drop=True, times=3)
    with pytest.raises(errors.OctopusConnectionError):
        repository.machines.get("machines-1")


def test_nothing_listening(octopus) -> None:
    import socket

    import System

    # The client retries the root document for 60 s; the look-alike lets tests shorten that.
    System.Environment.SetEnvironmentVariable("OCTOCLR_LOOKALIKE_ROOT_RETRY_SECONDS", "0.5")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = octopus.client.OctopusServerEndpoint(f"http://127.0.0.1:{port}", "API-AAAAAAAAAAAAAAAAAAAAAAAAAA")
    with pytest.raises(errors.OctopusConnectionError):
        octopus.client.OctopusRepository(endpoint).machines.get("machines-1")


def test_to_dict_both_styles(octopus, repository) -> None:
    machine = repository.machines.get("machines-1")
    data = api.to_dict(machine)
    assert data["id"] == machine.id and data["name"] == machine.name
    assert data["links"]["Self"] == machine.links["Self"]
    rest = api.to_dict(machine, style="json")
    assert rest["Id"] == machine.id and "Links" in rest
    rebuilt = api.from_dict(data, octopus.model.MachineResource)
    assert api.to_dict(rebuilt) == data
    assert api.to_dict(api.from_dict(rest, octopus.model.MachineResource)) == data


def test_python_style_keeps_what_the_properties_hold(octopus) -> None:
    import datetime as dt

    # The client's JSON settings write dates to the millisecond; Python values keep every digit.
    moment = dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc)
    data = {"id": "Projects-9", "name": "P", "last_modified_on": moment}
    project = api.from_dict(data, octopus.model.ProjectResource)
    assert api.to_dict(project)["last_modified_on"] == project.last_modified_on == moment
    # Members the client leaves out of its JSON when null are there, as None.
    assert api.to_dict(octopus.model.ProjectResource(name="Q"))["last_modified_on"] is None


def test_every_client_exception_maps_to_its_class(octopus) -> None:
    import System

    from octoclr.bridge import exceptions, reflection

    assembly = octopus.client.OctopusClient.__dotnet_type__.Assembly
    exception_type = reflection.clr_type(System.Exception)
    expected = {
        "OctopusResourceNotFoundException": errors.NotFoundError,
        "OctopusValidationException": errors.ValidationError,
        "OctopusSecurityException": errors.SecurityError,
        "OctopusMethodNotAllowedFoundException": errors.MethodNotAllowedError,
        "OctopusServerException": errors.ServerError,
        "UnsupportedApiVersionException": errors.UnsupportedServerError,
    }
    found = {t.Name: t for t in assembly.GetExportedTypes() if exception_type.IsAssignableFrom(t)}
    assert set(expected) <= set(found)
    for name, dotnet_type in found.items():
        error_class = exceptions.error_class_for(dotnet_type)
        assert issubclass(error_class, errors.OctopusError)
        if name in expected:
            assert error_class is expected[name], name
