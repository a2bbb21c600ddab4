"""The look-alike Octopus.Client, driven through raw pythonnet (no octoclr bridge).

These tests prove the test double itself: it builds for both frameworks and packs, its
public names are the real client's (checked against the reference surface), and the
documented flows work over real HTTP against the simulator, on the runtime of this pass.
Waits use ``GetAwaiter().GetResult()`` (a method, so pythonnet releases the GIL), never
``Task.Result`` (a property getter, which keeps it).
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Set

import pytest

from tests.support.csharp import mcs_available
from tests.support.lookalike import CLIENT_VERSION, FRAMEWORKS, build_acme, build_lookalike, pack_lookalike
from tests.support.nupkg import NEWTONSOFT_NUPKG

pytestmark = [
    pytest.mark.skipif(not mcs_available(), reason="mcs (Mono's C# compiler) is needed to build the look-alike"),
    pytest.mark.skipif(not NEWTONSOFT_NUPKG.is_file(), reason=f"{NEWTONSOFT_NUPKG} is needed (Debian's nupkg-newtonsoft.json)"),
]


# --- building -----------------------------------------------------------------------------------


def test_builds_both_frameworks_and_packs_them(build_dir: Path) -> None:
    build = build_lookalike(build_dir)
    for framework in FRAMEWORKS:
        assert build.client[framework].stat().st_size > 50_000
    assert build_lookalike(build_dir).folder == build.folder  # cached: no second compile
    assert build.client["net45"].stat().st_mtime == build_lookalike(build_dir).client["net45"].stat().st_mtime

    package = pack_lookalike(build_dir)
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        nuspec = archive.read("Octopus.Client.nuspec").decode()
    assert {"lib/net45/Octopus.Client.dll", "lib/netstandard2.0/Octopus.Client.dll"} <= names
    assert f"<version>{CLIENT_VERSION}</version>" in nuspec
    groups = re.findall(r'<group targetFramework="([^"]+)">(.*?)</group>', nuspec, re.S)
    assert {framework for framework, _ in groups} == {".NETFramework4.5", ".NETStandard2.0"}
    assert all('id="Newtonsoft.Json"' in body for _, body in groups)


def test_acme_builds_without_octopus_names(build_dir: Path) -> None:
    dll = build_acme(build_dir)
    assert b"Acme.Inventory" in dll.read_bytes()
    assert b"Octopus" not in dll.read_bytes()


# --- hosting --------------------------------------------------------------------------------------


class Loaded(NamedTuple):
    System: Any
    clr: Any
    assembly: Any


def _already_loaded(System: Any, simple_name: str) -> Any:
    for assembly in System.AppDomain.CurrentDomain.GetAssemblies():
        if assembly.GetName().Name == simple_name:
            return assembly
    return None


@pytest.fixture(scope="session")
def lookalike(runtime_name: str, build_dir: Path) -> Loaded:
    """The look-alike loaded into this pass's runtime (Mono takes net45, CoreCLR netstandard2.0)."""
    from octoclr import runtime

    runtime.start(runtime_name)
    import clr  # type: ignore
    import System  # type: ignore[import-not-found]

    build = build_lookalike(build_dir)
    # Another suite may have loaded the same look-alike from its package; one copy per process.
    wanted = [p for p in build.assemblies(runtime_name) if _already_loaded(System, p.stem) is None]
    runtime.load_assemblies(wanted)
    assembly = _already_loaded(System, "Octopus.Client")
    if assembly.GetType("Octopus.Client.OctopusAsyncClient") is None:
        pytest.skip(f"this process already loaded another Octopus.Client ({assembly.Location}); one copy per process")
    return Loaded(System, clr, assembly)


def wait(task: Any) -> Any:
    """Block on a .NET task through a method call, so the GIL is released while waiting."""
    return task.GetAwaiter().GetResult()


# --- the public surface ---------------------------------------------------------------------------


def _reference_surface(path: Path) -> Dict[str, Dict[str, Any]]:
    """``{full type name: {"kind", "bases", "members", "signatures"}}`` from the public-surface listing.

    ``signatures`` maps a method name to its parameter lists and ``P:<name>`` to property types,
    each type written by its short name (``Func<ResourceCollection<TResource>, Boolean>``).
    """
    types: Dict[str, Dict[str, Any]] = {}
    namespace = ""
    current = None
    in_body = False
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = raw.rstrip("\r")
        if line and not line.startswith(" ") and line not in ("{", "}"):
            namespace = line.strip()
            continue
        if re.match(r"^  \S", line) and line.strip() not in ("{", "}"):
            words = line.split()
            kind = "enum" if len(words) == 1 else words[-2]
            current = types.setdefault(f"{namespace}.{words[-1]}",
                                       {"kind": kind, "bases": set(), "members": set(), "signatures": {}})
            in_body = False
        elif line == "  {":
            in_body = True
        elif line == "  }":
            current, in_body = None, False
        elif current is not None and line.startswith("    ") and not line.startswith("     "):
            text = line.strip()
            if not in_body:
                current["bases"].add(text)
            elif current["kind"] == "enum":
                pass
            elif text.startswith(".ctor"):
                current["members"].add(".ctor")
                _add_signature(current["signatures"], text)
            else:
                head = text.split("(")[0].split("{")[0].split()
                if head:
                    current["members"].add(head[-1])
                _add_signature(current["signatures"], text)
        elif current is not None and line.startswith("      ") and current["kind"] == "enum" and "=" in line:
            current["members"].add(line.split("=")[0].strip())
    return types


def _split_arguments(text: str) -> List[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"<": 1, ">": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return parts + ([current.strip()] if current.strip() else [])


def _short_reference_type(text: str) -> str:
    head, bracket, rest = text.partition("<")
    return head.rsplit(".", 1)[-1] + bracket + rest


def _add_signature(signatures: Dict[str, Set[Any]], text: str) -> None:
    method = re.match(r"^(?:static )?.*?(\.ctor|\w+)\((.*)\)$", text)
    if method:
        parameters = tuple(_short_reference_type(p) for p in _split_arguments(method.group(2)))
        signatures.setdefault(method.group(1), set()).add(parameters)
        return
    prop = re.match(r"^(?:static )?(.+) (\w+) \{ get;( set;)? \}$", text)
    if prop:
        signatures.setdefault("P:" + prop.group(2), set()).add(_short_reference_type(prop.group(1)))


def _short_type(t: Any) -> str:
    if t.IsByRef:
        return _short_type(t.GetElementType()) + "&"
    if t.IsArray:
        return _short_type(t.GetElementType()) + "[]"
    if t.IsGenericType and not t.IsGenericParameter:
        return t.Name.split("`")[0] + "<" + ", ".join(_short_type(a) for a in t.GetGenericArguments()) + ">"
    return t.Name


def _signature_problems(System: Any, t: Any, signatures: Dict[str, Set[Any]]) -> List[str]:
    """Members the real type has under the same name but with other parameter or property types."""
    flags = System.Reflection.BindingFlags
    declared = flags.Public | flags.Instance | flags.Static | flags.DeclaredOnly
    problems = []
    methods = list(t.GetMethods(declared)) + list(t.GetConstructors(flags.Public | flags.Instance))
    for method in methods:
        name = ".ctor" if method.IsConstructor else method.Name
        if (method.IsSpecialName and not method.IsConstructor) or name not in signatures:
            continue
        parameters = tuple(_short_type(p.ParameterType) for p in method.GetParameters())
        if parameters not in signatures[name]:
            problems.append(f"{_surface_name(t)}.{name}({', '.join(parameters)}) differs from the real {sorted(signatures[name])}")
    for prop in t.GetProperties(declared):
        expected = signatures.get("P:" + prop.Name)
        if expected and _short_type(prop.PropertyType) not in expected:
            problems.append(f"{_surface_name(t)}.{prop.Name} is a {_short_type(prop.PropertyType)}, the real one a {sorted(expected)}")
    return problems


def _kind(t: Any) -> str:
    if t.IsEnum:
        return "enum"
    if t.IsInterface:
        return "interface"
    return "class"


def _surface_name(t: Any) -> str:
    return t.FullName.replace("+", ".")


def _declared_members(System: Any, t: Any) -> Set[str]:
    flags = (System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance
             | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly)
    names = set()
    if t.IsEnum:
        return {str(n) for n in System.Enum.GetNames(t)}
    for member in t.GetMembers(flags):
        kind = str(member.MemberType)
        if kind == "Constructor":
            names.add(".ctor")
        elif kind in ("Property", "Field", "Event"):
            names.add(member.Name)
        elif kind == "Method" and not member.IsSpecialName:
            names.add(member.Name)
    # Overrides of object's members are in the listing only where the real type declares them.
    return names - {"ToString", "Equals", "GetHashCode", "GetType", "Finalize", "MemberwiseClone"}


def test_public_names_and_signatures_are_the_real_clients(lookalike: Loaded, reference_dir: Path) -> None:
    reference = _reference_surface(reference_dir / "octopus-client-public-surface-22.5.txt")
    System = lookalike.System
    problems = []
    public_types = [t for t in lookalike.assembly.GetExportedTypes() if not t.IsSubclassOf(System.Delegate)]
    assert len(public_types) > 80
    for t in public_types:
        name = _surface_name(t)
        if t.IsNested:
            parent = reference.get(_surface_name(t.DeclaringType))
            if parent is None or t.Name not in parent["members"]:
                problems.append(f"{name} is not a public nested type of the real client")
            continue
        expected = reference.get(name)
        if expected is None:
            problems.append(f"{name} is not a public type of the real client")
            continue
        real_kind = {"interface": "interface", "enum": "enum"}.get(expected["kind"], "class")
        if _kind(t) != real_kind:
            problems.append(f"{name} is a {_kind(t)}, the real one a {real_kind}")
        unknown = _declared_members(System, t) - expected["members"]
        if unknown:
            problems.append(f"{name} declares {sorted(unknown)}, which the real one does not")
        problems += _signature_problems(System, t, expected["signatures"])
        for inherited in t.GetInterfaces() if t.IsInterface else ():
            if not inherited.IsGenericType and inherited.FullName.startswith("Octopus."):
                if _surface_name(inherited) not in expected["bases"]:
                    problems.append(f"{name} inherits {_surface_name(inherited)}; the real one does not")
    assert not problems, "\n".join(problems)


def test_repository_implementations_are_internal(lookalike: Loaded) -> None:
    assembly = lookalike.assembly
    for name in ("Octopus.Client.Repositories.MachineRepository", "Octopus.Client.Repositories.Async.MachineRepository",
                 "Octopus.Client.Repositories.SpaceRepository", "Octopus.Client.Repositories.BasicRepository`1"):
        t = assembly.GetType(name)
        assert t is not None, name
        assert not t.IsPublic
    repository_interface = assembly.GetType("Octopus.Client.IOctopusRepository")
    assert repository_interface.GetProperty("Machines") is None  # declared on the inherited interfaces
    inherited = {i.Name for i in repository_interface.GetInterfaces()}
    assert inherited == {"IOctopusSpaceRepository", "IOctopusCommonRepository", "IOctopusSystemRepository"}


# --- link templates, link resolution and the error table (no server) -----------------------------


def test_link_templates_expand_like_the_real_client(lookalike: Loaded) -> None:
    from Octopus.Client import UrlTemplate  # type: ignore[import-not-found]

    System = lookalike.System
    parameters = System.Collections.Generic.Dictionary[System.String, System.Object]()
    parameters["id"] = "Machines-1"
    assert UrlTemplate.Resolve("/api/Spaces-1/machines{/id}{?skip,take}", parameters) == "/api/Spaces-1/machines/Machines-1"
    parameters.Clear()
    parameters["name"] = "Space Name"
    parameters["ids"] = System.Array[System.String](["A-1", "B-2"])
    parameters["partialName"] = None
    parameters["undeclared"] = "dropped"
    expanded = UrlTemplate.Resolve("/api/spaces{/id}{?name,skip,ids,take,partialName}", parameters)
    assert expanded == "/api/spaces?name=Space%20Name&ids=A-1,B-2"
    parameters.Clear()
    parameters["includeSystem"] = True
    assert UrlTemplate.Resolve("/api/teams{?includeSystem}", parameters) == "/api/teams?includeSystem=True"
    assert UrlTemplate.Resolve("/api/x?skip=30&take=30", None) == "/api/x?skip=30&take=30"


@pytest.mark.parametrize("address, link, expected", [
    ("http://h:8080", "~/api", "http://h:8080/api"),
    ("http://h:8080/api", "~/api", "http://h:8080/api"),
    ("http://h:8080/octopus", "~/api", "http://h:8080/octopus/api"),
    ("http://h:8080/octopus/", "/api/Spaces-1", "http://h:8080/api/Spaces-1"),
])
def test_links_resolve_against_the_server_root(lookalike: Loaded, address: str, link: str, expected: str) -> None:
    from Octopus.Client import OctopusServerEndpoint  # type: ignore[import-not-found]

    assert OctopusServerEndpoint(address).OctopusServer.Resolve(link).ToString() == expected


ERROR_BODY = json.dumps({"ErrorMessage": "Something went wrong", "Errors": ["first error", "second error"],
                         "HelpText": "Try X", "FullException": "boom", "Details": {"Field": "Name"}})


@pytest.mark.parametrize("status, exception, message", [
    (400, "OctopusValidationException", "Something went wrong\n\n - first error\n - second error\n"),
    (409, "OctopusValidationException", "Something went wrong\n\n - first error\n - second error\n"),
    (401, "OctopusSecurityException", "Something went wrong"),
    (403, "OctopusSecurityException", "Something went wrong"),
    (404, "OctopusResourceNotFoundException", "Something went wrong"),
    (405, "OctopusMethodNotAllowedFoundException", "Something went wrong"),
    (500, "OctopusServerException", "Octopus Server returned an error: Something went wrong\nServer exception: \nboom\n-----------------------\n"),
    (418, "OctopusServerException", "Octopus Server returned an error: Something went wrong\nServer exception: \nboom\n-----------------------\n"),
])
def test_status_codes_become_the_real_exceptions(lookalike: Loaded, status: int, exception: str, message: str) -> None:
    from Octopus.Client.Exceptions import OctopusExceptionFactory  # type: ignore[import-not-found]

    error = OctopusExceptionFactory.CreateException(status, ERROR_BODY)
    assert error.GetType().FullName == f"Octopus.Client.Exceptions.{exception}"
    assert error.HttpStatusCode == status and error.Message == message
    if exception == "OctopusValidationException":
        assert list(error.Errors) == ["first error", "second error"] and error.HelpText == "Try X"
        assert error.ErrorMessage == "Something went wrong"


def test_error_bodies_that_are_not_octopus_json(lookalike: Loaded) -> None:
    from Octopus.Client.Exceptions import OctopusExceptionFactory  # type: ignore[import-not-found]

    assert OctopusExceptionFactory.CreateException(401, "").Message == "The server returned a status code of 401: "
    assert OctopusExceptionFactory.CreateException(404, "<html>gone</html>").Message == "<html>gone</html>"
    assert OctopusExceptionFactory.CreateException(502, "").GetType().Name == "OctopusServerException"


def test_an_unreachable_server_is_retried_then_reported(lookalike: Loaded) -> None:
    from Octopus.Client import OctopusRepository, OctopusServerEndpoint  # type: ignore[import-not-found]

    System = lookalike.System
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The real client retries the root document for 60 s; the look-alike reads a shorter limit for tests.
    System.Environment.SetEnvironmentVariable("OCTOCLR_LOOKALIKE_ROOT_RETRY_SECONDS", "0")
    try:
        began = time.monotonic()
        with pytest.raises(System.Exception) as failed:
            OctopusRepository(OctopusServerEndpoint(f"http://127.0.0.1:{port}", "API-X")).Machines.FindAll()
        assert 2.5 < time.monotonic() - began < 20  # three retries about a second apart
    finally:
        System.Environment.SetEnvironmentVariable("OCTOCLR_LOOKALIKE_ROOT_RETRY_SECONDS", None)
    assert failed.value.Message == "Unable to connect to the Octopus Deploy server. See the inner exception for details."
    assert failed.value.InnerException.GetType().FullName == "System.Net.WebException"


# --- against a server ---------------------------------------------------------------------------


class Server(NamedTuple):
    url: str
    api_key: str
    username: str
    password: str


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    testing = pytest.importorskip("octoclr.testing", reason="the simulator (octoclr.testing.Simulator) is not available")
    with testing.Simulator() as simulator:
        yield Server(simulator.url, simulator.api_key, simulator.username, simulator.password)


class Seeded(NamedTuple):
    machine_id: str
    machine_name: str
    space_name: str
    space_id: str
    project_names: Set[str]


def _find_or_create(repository: Any, resource: Any) -> Any:
    found = repository.FindByName(resource.Name)
    return found if found is not None else repository.Create(resource)


@pytest.fixture(scope="module")
def seeded(lookalike: Loaded, server: Server) -> Seeded:
    """Data the flows need, created through the look-alike itself (so no particular seed is assumed)."""
    from Octopus.Client import OctopusRepository, OctopusServerEndpoint  # type: ignore[import-not-found]
    from Octopus.Client.Model import (  # type: ignore[import-not-found]
        EnvironmentResource, LifecycleResource, MachineResource, ProjectGroupResource, ProjectResource, SpaceResource)
    from Octopus.Client.Model.Endpoints import CloudRegionEndpointResource  # type: ignore[import-not-found]

    repository = OctopusRepository(OctopusServerEndpoint(server.url, server.api_key))
    environment = EnvironmentResource()
    environment.Name = "Look-alike"
    environment = _find_or_create(repository.Environments, environment)

    machine = MachineResource()
    machine.Name = "lookalike-web01"
    machine.Endpoint = CloudRegionEndpointResource()
    machine.EnvironmentIds.Add(environment.Id)
    machine.Roles.Add("web-server")
    machine = _find_or_create(repository.Machines, machine)

    system = repository.Client.ForSystem()
    space = SpaceResource()
    space.Name = "Look-alike Space"
    space.SpaceManagersTeamMembers.Add(repository.Users.GetCurrent().Id)
    space = _find_or_create(system.Spaces, space)

    in_space = repository.Client.ForSpace(space)
    group = ProjectGroupResource()
    group.Name = "Look-alike Group"
    group = _find_or_create(in_space.ProjectGroups, group)
    lifecycle = LifecycleResource()
    lifecycle.Name = "Look-alike Lifecycle"
    lifecycle = _find_or_create(in_space.Lifecycles, lifecycle)
    names = set()
    for index in (1, 2):
        project = ProjectResource()
        project.Name = f"Look-alike Project {index}"
        project.ProjectGroupId = group.Id
        project.LifecycleId = lifecycle.Id
        names.add(_find_or_create(in_space.Projects, project).Name)
    return Seeded(machine.Id, machine.Name, space.Name, space.Id, names)


def _endpoint(server: Server, with_key: bool = True) -> Any:
    from Octopus.Client import OctopusServerEndpoint  # type: ignore[import-not-found]

    return OctopusServerEndpoint(server.url, server.api_key) if with_key else OctopusServerEndpoint(server.url)


def test_machine_get_modify_with_ids_in_any_case(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Model import MachineModelStatus  # type: ignore[import-not-found]

    repository = OctopusRepository(_endpoint(server))
    machine = repository.Machines.Get(seeded.machine_id.lower())
    assert machine.Id == seeded.machine_id and machine.Name == seeded.machine_name
    assert isinstance(machine.Status, MachineModelStatus)
    assert machine.Endpoint.GetType().Name == "CloudRegionEndpointResource"

    new_name = f"lookalike-{uuid.uuid4().hex[:8]}"
    machine.Name = new_name
    modified = repository.Machines.Modify(machine)
    assert modified.Name == new_name
    assert repository.Machines.Refresh(modified).Name == new_name
    modified.Name = seeded.machine_name
    assert repository.Machines.Modify(modified).Name == seeded.machine_name


def test_sign_in_with_a_login_command(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Exceptions import OctopusException  # type: ignore[import-not-found]
    from Octopus.Client.Model import LoginCommand  # type: ignore[import-not-found]

    wrong = LoginCommand()
    wrong.Username, wrong.Password = server.username, server.password + "-wrong"
    with pytest.raises(OctopusException) as failed:
        OctopusRepository(_endpoint(server, with_key=False)).Users.SignIn(wrong)
    assert failed.value.HttpStatusCode in (400, 401)
    assert server.password not in str(failed.value.Message)

    repository = OctopusRepository(_endpoint(server, with_key=False))
    login = LoginCommand()
    login.Username, login.Password = server.username, server.password
    repository.Users.SignIn(login)
    assert repository.Users.GetCurrent().Username == server.username
    repository.Users.SignOut()


def test_async_client_create_and_machine_get(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusAsyncClient  # type: ignore[import-not-found]

    client = wait(OctopusAsyncClient.Create(_endpoint(server)))
    try:
        assert client.RootDocument.ApiVersion.startswith("3.0")
        machine = wait(client.Repository.Machines.Get(seeded.machine_id.lower()))
        assert machine.Name == seeded.machine_name
        found = wait(client.Repository.Machines.FindByName(seeded.machine_name))
        assert found.Id == seeded.machine_id
    finally:
        client.Dispose()


def test_async_sign_in_and_errors_without_aggregate_wrappers(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client import OctopusAsyncClient  # type: ignore[import-not-found]
    from Octopus.Client.Exceptions import OctopusResourceNotFoundException  # type: ignore[import-not-found]
    from Octopus.Client.Model import LoginCommand  # type: ignore[import-not-found]

    client = wait(OctopusAsyncClient.Create(_endpoint(server, with_key=False)))
    try:
        login = LoginCommand()
        login.Username, login.Password = server.username, server.password
        wait(client.Repository.Users.SignIn(login))
        assert wait(client.Repository.Users.GetCurrent()).Username == server.username
        with pytest.raises(OctopusResourceNotFoundException) as missing:
            wait(client.Repository.Machines.Get("Machines-987654"))
        assert missing.value.HttpStatusCode == 404
        wait(client.SignOut())
    finally:
        client.Dispose()


def test_async_calls_honour_a_cancelled_token(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusAsyncClient  # type: ignore[import-not-found]
    from Octopus.Client.Model import MachineResource  # type: ignore[import-not-found]

    System = lookalike.System
    client = wait(OctopusAsyncClient.Create(_endpoint(server)))
    try:
        source = System.Threading.CancellationTokenSource()
        source.Cancel()
        with pytest.raises(System.OperationCanceledException):
            wait(client.Get[MachineResource]("/api/machines", source.Token))
        with pytest.raises(System.OperationCanceledException):
            wait(client.Repository.Machines.Get(seeded.machine_id, source.Token))
    finally:
        client.Dispose()


def test_client_get_follows_links(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Model import MachineConnectionStatus, MachineResource  # type: ignore[import-not-found]

    System = lookalike.System
    repository = OctopusRepository(_endpoint(server))
    machine = repository.Machines.Get(seeded.machine_id)
    status = repository.Client.Get[MachineConnectionStatus](machine.Link("Connection"))
    assert status.MachineId == machine.Id
    assert repository.Machines.GetConnectionStatus(machine).MachineId == machine.Id

    raw = repository.Client.Get[System.Object](str(machine.Links["Connection"]))
    assert raw.GetType().FullName == "Newtonsoft.Json.Linq.JObject"

    parameters = System.Collections.Generic.Dictionary[System.String, System.Object]()
    parameters["id"] = machine.Id
    by_template = repository.Client.Get[MachineResource](repository.Link("Machines"), parameters)
    assert by_template.Id == machine.Id


def test_root_document_and_current_user(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Model import UserResource  # type: ignore[import-not-found]

    repository = OctopusRepository(_endpoint(server))
    root = repository.Client.RootDocument
    assert root.ApiVersion.startswith("3.0")
    me = repository.Client.Get[UserResource](str(root.Links["CurrentUser"]))
    assert me.Username == server.username
    assert repository.Users.GetCurrent().Id == me.Id
    spaces = repository.Users.GetSpaces(me)
    assert any(space.IsDefault for space in spaces)


def test_for_system_and_for_space(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusClient, OctopusRepository, OctopusRepositoryExtensions  # type: ignore[import-not-found]

    with_client = OctopusClient(_endpoint(server))
    space = with_client.ForSystem().Spaces.FindByName(seeded.space_name)
    assert space.Id == seeded.space_id
    assert with_client.ForSystem().Spaces.FindByName(f"no such space {uuid.uuid4()}") is None

    projects = with_client.ForSpace(space).Projects.GetAll()
    assert seeded.project_names <= {p.Name for p in projects}
    assert {p.SpaceId for p in projects} == {space.Id}

    repository = OctopusRepository(_endpoint(server))
    via_extension = OctopusRepositoryExtensions.ForSpace(repository, space).Projects.GetAll()
    assert sorted(p.Id for p in via_extension) == sorted(p.Id for p in projects)
    default_space_projects = repository.Projects.FindAll()
    assert not seeded.project_names & {p.Name for p in default_space_projects}


def test_predicates_ids_and_paging(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Model import ProjectResource, ResourceCollection, SpaceResource  # type: ignore[import-not-found]

    System = lookalike.System
    repository = OctopusRepository(_endpoint(server))
    space = repository.Client.ForSystem().Spaces.Get(seeded.space_id)
    projects = repository.Client.ForSpace(space).Projects
    everything = projects.FindAll()
    wanted = sorted(p.Id for p in everything)[:2]

    many = projects.FindMany(System.Func[ProjectResource, System.Boolean](lambda p: p.Id in wanted))
    assert sorted(p.Id for p in many) == wanted
    one = projects.FindOne(System.Func[ProjectResource, System.Boolean](lambda p: p.Id == wanted[0]))
    assert one.Id == wanted[0]
    by_ids = projects.Get(System.Array[System.String](wanted))
    assert sorted(p.Id for p in by_ids) == wanted

    pages = []

    def next_page(page: Any) -> bool:
        pages.append(page.Items.Count)
        return True

    projects.Paginate(System.Func[ResourceCollection[ProjectResource], System.Boolean](next_page))
    assert sum(pages) == len(everything)
    assert isinstance(space, SpaceResource)


def test_errors_are_the_real_exception_types(lookalike: Loaded, server: Server) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Exceptions import OctopusResourceNotFoundException, OctopusSecurityException  # type: ignore[import-not-found]

    repository = OctopusRepository(_endpoint(server))
    with pytest.raises(OctopusResourceNotFoundException) as missing:
        repository.Machines.Get("Machines-987654")
    assert missing.value.HttpStatusCode == 404

    anonymous = OctopusRepository(_endpoint(server, with_key=False))
    with pytest.raises(OctopusSecurityException) as refused:
        anonymous.Users.GetCurrent()
    assert refused.value.HttpStatusCode in (401, 403)


def test_json_serialization_is_the_rest_shape(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusRepository  # type: ignore[import-not-found]
    from Octopus.Client.Model import EnvironmentResource, MachineResource  # type: ignore[import-not-found]
    from Octopus.Client.Serialization import JsonSerialization  # type: ignore[import-not-found]

    repository = OctopusRepository(_endpoint(server))
    machine = repository.Machines.Get(seeded.machine_id)
    text = JsonSerialization.SerializeObject(machine)
    assert "\n  " in text  # indented
    body = json.loads(text)
    assert list(body)[-1] == "Links"
    assert body["Id"] == machine.Id and body["Status"] in {"Online", "Offline", "Unknown", "NeedsUpgrade", "CalamariNeedsUpgrade", "Disabled"}
    assert body["Endpoint"]["CommunicationStyle"] == "None"

    fresh = json.loads(JsonSerialization.SerializeObject(EnvironmentResource()))
    assert not {"Id", "LastModifiedOn", "LastModifiedBy"} & set(fresh)
    assert list(fresh)[-1] == "Links" and fresh["Name"] is None

    back = JsonSerialization.DeserializeObject[MachineResource](text)
    assert back.Endpoint.GetType().Name == "CloudRegionEndpointResource" and back.Name == machine.Name


def test_space_mismatch_is_refused_before_any_request(lookalike: Loaded, server: Server, seeded: Seeded) -> None:
    from Octopus.Client import OctopusClient  # type: ignore[import-not-found]
    from Octopus.Client.Exceptions import ResourceSpaceDoesNotMatchRepositorySpaceException  # type: ignore[import-not-found]
    from Octopus.Client.Model import EnvironmentResource  # type: ignore[import-not-found]

    client = OctopusClient(_endpoint(server))
    space = client.ForSystem().Spaces.Get(seeded.space_id)
    sent = []
    client.SendingOctopusRequest += lambda request: sent.append(f"{request.Method} {request.Uri}")
    environment = EnvironmentResource()
    environment.Name = "Elsewhere"
    environment.SpaceId = "Spaces-999"
    in_space = client.ForSpace(space)
    with pytest.raises(ResourceSpaceDoesNotMatchRepositorySpaceException):
        in_space.Environments.Create(environment)
    assert not [request for request in sent if request.startswith("POST")]


def test_version_gated_repositories_check_the_server_version(lookalike: Loaded) -> None:
    from Octopus.Client import OctopusRepository, OctopusServerEndpoint  # type: ignore[import-not-found]

    testing = pytest.importorskip("octoclr.testing", reason="the simulator (octoclr.testing.Simulator) is not available")
    System = lookalike.System
    with testing.Simulator(seed=None, version="2018.12.0") as old:
        repository = OctopusRepository(OctopusServerEndpoint(old.url, old.api_key))
        with pytest.raises(System.NotSupportedException) as refused:
            repository.Teams.FindAll()
        assert "2019.1.0" in str(refused.value.Message)
        assert repository.Environments.FindAll() is not None


# --- the unrelated library ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def acme(lookalike: Loaded, build_dir: Path) -> Any:
    from octoclr import runtime

    if _already_loaded(lookalike.System, "Acme.Inventory") is None:
        runtime.load_assemblies([build_acme(build_dir)])
    import Acme.Inventory  # type: ignore[import-not-found]

    return Acme.Inventory


def test_acme_library_works_through_raw_pythonnet(lookalike: Loaded, acme: Any) -> None:
    System = lookalike.System
    apple = acme.Item("A-1", "Apple", 10)
    apple.Price = System.Decimal(0.5)
    milk = acme.PerishableItem()
    milk.Sku, milk.Name, milk.Quantity = "M-1", "Milk", 2
    warehouse = acme.Warehouses.Open("North", System.Array[acme.Item]([apple, milk]))

    inventory = warehouse.Inventory
    assert inventory.Count == 2 and warehouse.LevelOf("m-1") == acme.StockLevel.Low
    assert acme.InventoryExtensions.TotalQuantity(inventory) == 12
    assert inventory.Get[acme.PerishableItem]("M-1").Name == "Milk"
    assert [i.Sku for i in inventory.Filter(acme.ItemFilter(lambda item: item.Quantity > 5))] == ["A-1"]
    assert wait(inventory.FindAsync("a-1")).Name == "Apple"

    source = System.Threading.CancellationTokenSource()
    source.Cancel()
    with pytest.raises(System.OperationCanceledException):
        wait(inventory.CountSlowly(System.TimeSpan.FromSeconds(5), source.Token))
    with pytest.raises(acme.OutOfStockException) as short:
        inventory.Take("M-1", 5)
    assert (short.value.Requested, short.value.Available, short.value.Sku) == (5, 2, "M-1")
    assert not warehouse.GetType().IsPublic
