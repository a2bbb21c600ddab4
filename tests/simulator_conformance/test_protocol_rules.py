"""The rules of ``octopus-client-protocol.md``, replayed over raw HTTP as the .NET client sends them.

Each test is named after one rule of the notes (section numbers in the docstrings). Requests carry
the sync client's headers (``Content-Type: application/json`` on every request, ``Expect:
100-continue`` with a body, an empty ``X-Octopus-ApiKey`` when signed in by cookie) and bodies
indented as Newtonsoft writes them.
"""

from __future__ import annotations

import re
import time
from contextlib import closing
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Tuple

import httpx
import pytest

from .conftest import DOTNET_USER_AGENT, create_space, dotnet_body, dotnet_headers, error_body_problems, unique

if TYPE_CHECKING:
    from .swagger import SwaggerDescription


@pytest.fixture(scope="module")
def dotnet(server_root: str, simulator: Any) -> Iterator[httpx.Client]:
    """An HTTP client that sends what Octopus.Client 8.2.0 sends with an API key."""
    with httpx.Client(base_url=server_root, headers=dotnet_headers(simulator.api_key), timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
def default_space(api: httpx.Client, current_user: Dict[str, Any]) -> Dict[str, Any]:
    (space,) = [space for space in api.get(current_user["Links"]["Spaces"]).json() if space["IsDefault"]]
    return space


@pytest.fixture(scope="module")
def space_links(api: httpx.Client, default_space: Dict[str, Any]) -> Dict[str, str]:
    return api.get(default_space["Links"]["SpaceHome"]).json()["Links"]


def expand(template: str, **values: str) -> str:
    """Expand a link template the client's way: given variables filled in, the rest dropped."""

    def replace(match: "re.Match[str]") -> str:
        operator, names = match.group(1), match.group(2).split(",")
        given = [(name, values[name]) for name in names if name in values]
        if not given:
            return ""
        if operator == "/":
            return "".join(f"/{value}" for _, value in given)
        if operator == "?":
            return "?" + "&".join(f"{name}={value}" for name, value in given)
        return "".join(value for _, value in given)

    return re.sub(r"\{([/?]?)([^}]*)\}", replace, template)


def create_environment(client: httpx.Client, space_links: Dict[str, str], name: str = "") -> httpx.Response:
    """``Environments.Create`` (S7): the exact body of an unscoped repository, SpaceId null."""
    body: Dict[str, Any] = {
        "Name": name or unique("Env"),
        "Description": None,
        "SortOrder": 0,
        "UseGuidedFailure": False,
        "AllowDynamicInfrastructure": False,
        "SpaceId": None,
        "ExtensionSettings": [],
        "Links": {},
    }
    return client.post(
        expand(space_links["Environments"]), content=dotnet_body(body), headers={"Expect": "100-continue"}
    )


@pytest.fixture()
def environment(dotnet: httpx.Client, space_links: Dict[str, str]) -> Dict[str, Any]:
    response = create_environment(dotnet, space_links)
    assert response.status_code in (200, 201), response.text
    return dotnet.get(response.headers["location"]).json()


def set_cookies(response: httpx.Response) -> List[Tuple[str, str, Dict[str, str]]]:
    """(name, value, attributes) of every Set-Cookie header, attribute names lower-cased."""
    cookies = []
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for morsel in parsed.values():
            attributes = {key: str(value) for key, value in morsel.items() if value}
            flags = {part.strip().lower() for part in header.split(";")[1:]}
            for flag in ("secure", "httponly"):
                if flag in flags:
                    attributes[flag] = "true"
            cookies.append((morsel.key, morsel.value, attributes))
    return cookies


def sign_in(server_root: str, username: str, password: str) -> Tuple[httpx.Client, httpx.Response]:
    """``Users.SignIn`` (§2): POST the root ``SignIn`` link with the client's body and headers."""
    client = httpx.Client(base_url=server_root, headers=dotnet_headers(""), timeout=20)
    root = client.get("/api").json()
    body = {"Username": username, "Password": password, "RememberMe": False, "State": {"UsingSecureConnection": False}}
    response = client.post(expand(root["Links"]["SignIn"]), content=dotnet_body(body), headers={"Expect": "100-continue"})
    return client, response


def csrf_token(client: httpx.Client) -> str:
    (token,) = [cookie.value for cookie in client.cookies.jar if cookie.name.startswith("Octopus-Csrf-Token")]
    return token or ""


# -- §0.1 transport ----------------------------------------------------------------------------


def test_get_with_json_content_type_and_empty_body_is_served(dotnet: httpx.Client) -> None:
    """§0.1: the sync client sends Content-Type: application/json and Content-Length: 0 on GET."""
    response = dotnet.get("/api/users/me", headers={"Content-Length": "0"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")


def test_get_with_expect_100_continue_is_served(dotnet: httpx.Client) -> None:
    response = dotnet.get("/api/users/me", headers={"Expect": "100-continue"})
    assert response.status_code == 200, response.text


def test_post_with_expect_100_continue_is_answered_without_waiting(
    dotnet: httpx.Client, space_links: Dict[str, str]
) -> None:
    """§0.1: the client sends the body at once and does not wait for ``100 Continue``."""
    started = time.monotonic()
    response = create_environment(dotnet, space_links)
    assert response.status_code == 201, response.text
    assert time.monotonic() - started < 5


def test_responses_are_not_compressed_when_no_accept_encoding_is_sent(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    """§0.1: the client sends no Accept-Encoding, so the server must not compress."""
    response = dotnet.get(expand(space_links["Environments"]), headers={"Accept-Encoding": ""})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def test_method_override_put_on_post_modifies(dotnet: httpx.Client, environment: Dict[str, Any]) -> None:
    """§0.1/§0.3 Modify: POST Links.Self + X-HTTP-Method-Override: PUT with the whole resource."""
    changed = dict(environment, Name=unique("Renamed"), Description="changed")
    response = dotnet.post(
        environment["Links"]["Self"],
        content=dotnet_body(changed),
        headers={"X-HTTP-Method-Override": "PUT", "Expect": "100-continue"},
    )
    assert 200 <= response.status_code < 300, response.text
    again = dotnet.get(environment["Links"]["Self"]).json()
    assert (again["Name"], again["Description"]) == (changed["Name"], "changed")
    assert again["Id"] == environment["Id"]


def test_method_override_delete_on_post_deletes(dotnet: httpx.Client, environment: Dict[str, Any]) -> None:
    """§0.3 Delete / S7: POST Links.Self + X-HTTP-Method-Override: DELETE, Content-Length 0, no body."""
    response = dotnet.post(
        environment["Links"]["Self"], headers={"X-HTTP-Method-Override": "DELETE", "Content-Length": "0"}
    )
    assert 200 <= response.status_code < 300, response.text
    gone = dotnet.get(environment["Links"]["Self"])
    assert gone.status_code == 404
    assert not error_body_problems(gone), error_body_problems(gone)


def test_delete_of_a_missing_resource_is_404(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    """S7: deleting what is not there → 404 (OctopusResourceNotFoundException)."""
    response = dotnet.post(
        expand(space_links["Environments"], id="Environments-999999"),
        headers={"X-HTTP-Method-Override": "DELETE", "Content-Length": "0"},
    )
    assert response.status_code == 404
    assert not error_body_problems(response), error_body_problems(response)


# -- §0.2 links and ids --------------------------------------------------------------------------


def test_ids_are_matched_case_insensitively(dotnet: httpx.Client, environment: Dict[str, Any], space_links: Dict[str, str]) -> None:
    """§0.2: ``Machines.Get("machines-1")`` requests the id as typed; the server must find it."""
    response = dotnet.get(expand(space_links["Environments"], id=environment["Id"].lower()))
    assert response.status_code == 200, response.text
    assert response.json()["Id"] == environment["Id"]
    upper = dotnet.get(expand(space_links["Environments"], id=environment["Id"].upper()))
    assert upper.status_code == 200, upper.text


# A real server's user resource links its Gravatar image by full URL; no client follows it.
EXTERNAL_LINKS = {"Avatar"}


def test_links_are_absolute_paths_never_full_urls(
    dotnet: httpx.Client, current_user: Dict[str, Any], default_space: Dict[str, Any], environment: Dict[str, Any],
    space_links: Dict[str, str],
) -> None:
    """§0.2: a link with scheme and host is requested as ``GET /http://...``; links start with ``/``."""
    documents = {
        "/api": dotnet.get("/api").json(),
        "current user": current_user,
        "space": default_space,
        "space root": {"Links": space_links},
        "environment": environment,
        "page": dotnet.get(expand(space_links["Environments"])).json(),
    }
    wrong = {
        f"{where}: {name}": link
        for where, document in documents.items()
        for name, link in document["Links"].items()
        if name not in EXTERNAL_LINKS and (not isinstance(link, str) or not link.startswith(("/", "~/")) or "://" in link)
    }
    assert not wrong, wrong


def test_collection_links_declare_id_for_get_and_all(space_links: Dict[str, str], dotnet: httpx.Client) -> None:
    """§1.3: templates need ``{/id}`` for Get(id) and GetAll(); ``Spaces`` too (in /api)."""
    root_links = dotnet.get("/api").json()["Links"]
    for name in ("Projects", "Environments", "Machines", "ProjectGroups", "Lifecycles", "Tenants", "Releases", "Deployments"):
        assert "{/id}" in space_links[name], f"{name}: {space_links[name]}"
    assert "{/id}" in root_links["Spaces"], root_links["Spaces"]


def test_ids_query_returns_the_named_items(
    dotnet: httpx.Client, space_links: Dict[str, str]
) -> None:
    """§0.3 Get(params ids): ``?ids=A,B`` returns those items, as a page."""
    created = []
    for _ in range(3):
        response = create_environment(dotnet, space_links)
        assert response.status_code == 201, response.text
        created.append(dotnet.get(response.headers["location"]).json()["Id"])
    wanted = [created[0], created[2]]
    response = dotnet.get(expand(space_links["Environments"], ids=",".join(wanted)))
    assert response.status_code == 200, response.text
    page = response.json()
    assert sorted(item["Id"] for item in page["Items"]) == sorted(wanted)
    assert isinstance(page["Links"], dict)


def test_name_query_finds_a_name_with_spaces(dotnet: httpx.Client, api: httpx.Client, current_user: Dict[str, Any]) -> None:
    """S5 FindByName: ``GET /api/spaces?name=Space%20Name`` (spaces encoded as %20)."""
    space = create_space(api, current_user["Id"], name=unique("Space Name"))
    response = dotnet.get("/api/spaces?name=" + space["Name"].replace(" ", "%20"))
    assert response.status_code == 200, response.text
    assert space["Id"] in [item["Id"] for item in response.json()["Items"]]


def test_all_route_returns_a_plain_array(dotnet: httpx.Client, space_links: Dict[str, str], environment: Dict[str, Any]) -> None:
    """§0.3 GetAll(): ``…/environments/all`` must be a JSON array, not a page."""
    response = dotnet.get(expand(space_links["Environments"], id="all"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, list)
    assert environment["Id"] in [item["Id"] for item in body]


# -- §1 bootstrap --------------------------------------------------------------------------------


def test_root_document_is_anonymous_and_declares_api_version_3_0(server_root: str) -> None:
    """§1.1/§6: GET /api needs no authentication; ApiVersion within 3.0.0–3.0.99; GUID InstallationId."""
    with httpx.Client(base_url=server_root, headers=dotnet_headers(""), timeout=20) as client:
        response = client.get("/api")
    assert response.status_code == 200, response.text
    root = response.json()
    major, minor, patch = (int(part) for part in root["ApiVersion"].split("."))
    assert (major, minor) == (3, 0) and patch <= 99
    assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", root["InstallationId"], re.IGNORECASE)


def test_default_space_discovery_sequence(dotnet: httpx.Client) -> None:
    """§1.2: /api → Links.CurrentUser → user.Links.Spaces (plain array, one IsDefault) → SpaceHome."""
    root = dotnet.get("/api").json()
    user_response = dotnet.get(root["Links"]["CurrentUser"])
    assert user_response.status_code == 200, user_response.text
    spaces_response = dotnet.get(user_response.json()["Links"]["Spaces"])
    assert spaces_response.status_code == 200, spaces_response.text
    spaces = spaces_response.json()
    assert isinstance(spaces, list), "the user's spaces must be a plain JSON array, not a page"
    defaults = [space for space in spaces if space.get("IsDefault") is True]
    assert len(defaults) == 1, f"exactly one default space expected, got {defaults}"
    space_home = defaults[0]["Links"]["SpaceHome"]
    assert "{spaceId}" not in space_home, "8.2.0 does not fill {spaceId}; it would GET /api/"
    home = dotnet.get(expand(space_home, id=defaults[0]["Id"]))
    assert home.status_code == 200, home.text
    assert "Environments" in home.json()["Links"]


def test_anonymous_current_user_is_401_not_an_error(server_root: str) -> None:
    """§1.2: /api/users/me before sign-in must be 401 or 403 (tolerated); 404/500 would propagate."""
    with httpx.Client(base_url=server_root, headers=dotnet_headers(""), timeout=20) as client:
        response = client.get("/api/users/me")
    assert response.status_code == 401
    assert not error_body_problems(response), error_body_problems(response)


def test_space_resource_has_what_the_client_needs(dotnet: httpx.Client, default_space: Dict[str, Any]) -> None:
    """§1.4 SpaceResource: Id, Name, IsDefault and Links.SpaceHome, in pages and in the user array."""
    page = dotnet.get("/api/spaces").json()
    for space in page["Items"] + [default_space]:
        assert {"Id", "Name", "IsDefault"} <= set(space), space
        assert space["Links"]["SpaceHome"] and space["Links"]["Self"]


def test_space_scoped_links_of_another_space_point_into_it(
    api: httpx.Client, current_user: Dict[str, Any], space_links: Dict[str, str]
) -> None:
    """§1.3 pitfall: a link missing from a space root silently falls back to the default space."""
    other = create_space(api, current_user["Id"])
    links = api.get(other["Links"]["SpaceHome"]).json()["Links"]
    scoped = [name for name, link in space_links.items() if re.match(r"^/api/Spaces-\d+/", link)]
    assert scoped, "the default space root has no space-scoped links"
    wrong = {name: links.get(name) for name in scoped if not str(links.get(name, "")).startswith(f"/api/{other['Id']}/")}
    assert not wrong, wrong


# -- §0.3 create ---------------------------------------------------------------------------------


def test_create_is_201_with_a_location_to_get(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    """S7: 201, ``Location: /api/Spaces-1/environments/Environments-101`` (root-relative), JSON body."""
    response = create_environment(dotnet, space_links)
    assert response.status_code == 201, response.text
    location = response.headers.get("location")
    assert location, "without Location the client throws 'template is null'"
    assert location.startswith("/api/") and "://" not in location, location
    response.json()  # empty or JSON; a non-JSON body is an OctopusDeserializationException
    fetched = dotnet.get(location)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["Links"]["Self"]


def test_create_with_null_space_id_takes_the_space_from_the_url(
    dotnet: httpx.Client, api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    """S7: an unscoped repository posts SpaceId null; the server takes the space from the URL."""
    other = create_space(api, current_user["Id"])
    links = api.get(other["Links"]["SpaceHome"]).json()["Links"]
    response = create_environment(dotnet, links)
    assert response.status_code == 201, response.text
    assert dotnet.get(response.headers["location"]).json()["SpaceId"] == other["Id"]


def test_modify_without_space_id_keeps_the_stored_space(
    dotnet: httpx.Client, space_links: Dict[str, str], environment: Dict[str, Any], default_space: Dict[str, Any]
) -> None:
    """§1.4: the 8.2.0 MachineResource PUT carries no SpaceId; the server keeps the stored one."""
    machine = {
        "Name": unique("web"),
        "Roles": ["web-server"],
        "EnvironmentIds": [environment["Id"]],
        "TenantIds": [],
        "TenantTags": [],
        "TenantedDeploymentParticipation": "Untenanted",
        "IsDisabled": False,
        "Endpoint": {"CommunicationStyle": "None"},
        "Links": {},
    }
    created = dotnet.post(expand(space_links["Machines"]), content=dotnet_body(machine), headers={"Expect": "100-continue"})
    assert created.status_code == 201, created.text
    stored = dotnet.get(created.headers["location"]).json()
    assert stored["Endpoint"]["CommunicationStyle"] == "None"
    without_space = {key: value for key, value in stored.items() if key != "SpaceId"}
    without_space["Name"] = unique("web")
    response = dotnet.post(
        stored["Links"]["Self"], content=dotnet_body(without_space), headers={"X-HTTP-Method-Override": "PUT"}
    )
    assert 200 <= response.status_code < 300, response.text
    again = dotnet.get(stored["Links"]["Self"]).json()
    assert again["SpaceId"] == default_space["Id"]
    assert again["Name"] == without_space["Name"]


def test_machine_has_a_connection_link_that_answers(
    dotnet: httpx.Client, space_links: Dict[str, str], environment: Dict[str, Any]
) -> None:
    """S4: ``GET m.Links.Connection`` → a MachineConnectionStatus document."""
    machine = {
        "Name": unique("web"),
        "Roles": ["web-server"],
        "EnvironmentIds": [environment["Id"]],
        "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web01:10933/",
                     "Thumbprint": "8A7E6157A34158EDA1B5127CB027B2A267760A4F"},
    }
    created = dotnet.post(expand(space_links["Machines"]), content=dotnet_body(machine))
    assert created.status_code == 201, created.text
    stored = dotnet.get(created.headers["location"]).json()
    connection = dotnet.get(stored["Links"]["Connection"])
    assert connection.status_code == 200, connection.text
    assert isinstance(connection.json(), dict)


# -- §3 paging shape ---------------------------------------------------------------------------


def test_empty_page_has_items_and_links_never_null(
    dotnet: httpx.Client, api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    """§3: Items and Links must be present and non-null, even with nothing to list."""
    other = create_space(api, current_user["Id"])
    links = api.get(other["Links"]["SpaceHome"]).json()["Links"]
    page = dotnet.get(expand(links["Projects"])).json()
    assert page["Items"] == []
    assert isinstance(page["Links"], dict)
    assert "Page.Next" not in page["Links"]


def test_first_request_without_skip_and_take_then_page_next_verbatim(
    dotnet: httpx.Client, api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    """S6: 70 projects at 30 a page: GET → Page.Next → Page.Next gives all 70, then no Page.Next."""
    other = create_space(api, current_user["Id"])
    links = api.get(other["Links"]["SpaceHome"]).json()["Links"]
    group = api.post(expand(links["ProjectGroups"]), json={"Name": unique("Group")}).json()
    lifecycle = api.post(expand(links["Lifecycles"]), json={"Name": unique("Lifecycle")}).json()
    for number in range(70):
        response = api.post(
            expand(links["Projects"]),
            json={"Name": f"Project {number:02d}", "ProjectGroupId": group["Id"], "LifecycleId": lifecycle["Id"]},
        )
        assert response.status_code == 201, response.text
    requested: List[str] = []
    seen: List[str] = []
    url: Any = expand(links["Projects"])
    while url:
        requested.append(url)
        page = dotnet.get(url).json()
        seen += [item["Id"] for item in page["Items"]]
        url = page["Links"].get("Page.Next") if page["Items"] else None
    assert len(requested) == 3, requested
    assert len(seen) == len(set(seen)) == 70


# -- §2 sign-in, cookies, CSRF -------------------------------------------------------------------


def test_sign_in_sets_exactly_one_csrf_cookie_with_path_root(server_root: str, simulator: Any) -> None:
    """§2.3–2.5: any 2xx, then exactly one ``Octopus-Csrf-Token…`` cookie with path=/, not Secure, no domain."""
    client, response = sign_in(server_root, simulator.username, simulator.password)
    with closing(client):
        assert 200 <= response.status_code < 300, response.text
        cookies = set_cookies(response)
        csrf = [cookie for cookie in cookies if cookie[0].startswith("Octopus-Csrf-Token")]
        assert len(csrf) == 1, f"exactly one CSRF cookie expected: {cookies}"
        name, value, attributes = csrf[0]
        assert value
        assert attributes.get("path") == "/", attributes
        assert "secure" not in attributes and "domain" not in attributes, attributes


def test_sign_in_sets_an_http_only_authentication_cookie_with_path_root(server_root: str, simulator: Any) -> None:
    """§2.6: ``OctopusIdentificationToken…=…; path=/; HttpOnly``; a Secure one over http is never sent back."""
    client, response = sign_in(server_root, simulator.username, simulator.password)
    with closing(client):
        auth = [cookie for cookie in set_cookies(response) if cookie[0].startswith("OctopusIdentificationToken")]
        assert len(auth) == 1, set_cookies(response)
        _, _, attributes = auth[0]
        assert attributes.get("path") == "/" and "httponly" in attributes and "secure" not in attributes, attributes


def test_cookie_authenticated_get_with_an_empty_api_key(server_root: str, simulator: Any) -> None:
    """§2.7: after sign-in every request carries the cookies, the CSRF header and an empty API key."""
    client, response = sign_in(server_root, simulator.username, simulator.password)
    with closing(client):
        assert 200 <= response.status_code < 300, response.text
        me = client.get("/api/users/me", headers={"X-Octopus-Csrf-Token": csrf_token(client)})
        assert me.status_code == 200, me.text
        assert me.json()["Username"] == simulator.username


def test_cookie_authenticated_write_requires_the_csrf_header(
    server_root: str, simulator: Any, space_links: Dict[str, str]
) -> None:
    """§2.7: a cookie-authenticated write without X-Octopus-Csrf-Token is refused; with it, it works."""
    client, response = sign_in(server_root, simulator.username, simulator.password)
    with closing(client):
        assert 200 <= response.status_code < 300, response.text
        refused = create_environment(client, space_links)
        assert refused.status_code in (400, 401, 403), refused.text
        assert not error_body_problems(refused), error_body_problems(refused)
        client.headers["X-Octopus-Csrf-Token"] = csrf_token(client)
        accepted = create_environment(client, space_links)
        assert accepted.status_code == 201, accepted.text


def test_wrong_password_is_400_with_errors(server_root: str, simulator: Any) -> None:
    """§2.10: 400 ``{"ErrorMessage":"Invalid username or password.","Errors":[…]}``."""
    client, response = sign_in(server_root, simulator.username, simulator.password + "-wrong")
    with closing(client):
        assert response.status_code == 400, response.text
        assert not error_body_problems(response), error_body_problems(response)
        assert response.json()["Errors"], "Errors must name the problem"
        assert not [c for c in set_cookies(response) if c[0].startswith("OctopusIdentificationToken")]


def test_sign_out_expires_the_cookies(server_root: str, simulator: Any) -> None:
    """§2.9: POST SignOut with no body; cookies go away only when the server expires them."""
    client, response = sign_in(server_root, simulator.username, simulator.password)
    with closing(client):
        root = client.get("/api").json()
        token = csrf_token(client)
        out = client.post(
            root["Links"]["SignOut"], headers={"Content-Length": "0", "X-Octopus-Csrf-Token": token}
        )
        assert 200 <= out.status_code < 300, out.text
        expired = {}
        for name, _, attributes in set_cookies(out):
            gone = attributes.get("max-age") == "0" or (
                "expires" in attributes and parsedate_to_datetime(attributes["expires"]) < datetime.now(timezone.utc)
            )
            expired[name] = gone
        auth = [name for name in expired if name.startswith("OctopusIdentificationToken")]
        assert auth and all(expired[name] for name in auth), f"sign-out must expire the auth cookie: {set_cookies(out)}"
        assert client.get("/api/users/me").status_code == 401


# -- §5 status codes and error bodies ------------------------------------------------------------


def test_validation_error_is_400_with_errors_listed(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    """§5: 400 → OctopusValidationException, which needs ``Errors`` present (else ArgumentNullException)."""
    response = dotnet.post(expand(space_links["Environments"]), content=dotnet_body({"Description": "no name"}))
    assert response.status_code == 400, response.text
    assert not error_body_problems(response), error_body_problems(response)
    assert response.json()["Errors"]


def test_duplicate_name_in_a_space_is_400(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    name = unique("Twin")
    assert create_environment(dotnet, space_links, name).status_code == 201
    again = create_environment(dotnet, space_links, name)
    assert again.status_code == 400, again.text
    assert not error_body_problems(again), error_body_problems(again)


def test_malformed_json_is_400(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    response = dotnet.post(expand(space_links["Environments"]), content=b'{"Name": "broken",')
    assert response.status_code == 400, response.text
    assert not error_body_problems(response), error_body_problems(response)


def test_missing_resource_is_404_with_error_body(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    response = dotnet.get(expand(space_links["Environments"], id="Environments-999999"))
    assert response.status_code == 404
    assert not error_body_problems(response), error_body_problems(response)


def test_unknown_route_is_404(dotnet: httpx.Client) -> None:
    response = dotnet.get("/api/no-such-collection-anywhere")
    assert response.status_code == 404
    assert not error_body_problems(response), error_body_problems(response)


def test_wrong_verb_is_405(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    """§5: 405 → OctopusMethodNotAllowedFoundException (message = ErrorMessage)."""
    response = dotnet.request("PATCH", expand(space_links["Environments"]), content=b"{}")
    assert response.status_code == 405, response.text
    assert not error_body_problems(response), error_body_problems(response)


def test_no_credentials_is_401(server_root: str, space_links: Dict[str, str]) -> None:
    with httpx.Client(base_url=server_root, headers=dotnet_headers(""), timeout=20) as client:
        response = client.get(expand(space_links["Environments"]))
    assert response.status_code == 401
    assert not error_body_problems(response), error_body_problems(response)


def test_wrong_api_key_is_401(server_root: str, space_links: Dict[str, str]) -> None:
    with httpx.Client(base_url=server_root, headers=dotnet_headers("API-WRONGWRONGWRONGWRONGWRONG"), timeout=20) as client:
        response = client.get(expand(space_links["Environments"]))
    assert response.status_code == 401
    assert not error_body_problems(response), error_body_problems(response)


@pytest.mark.parametrize("how", ["header", "query", "bearer"])
def test_api_key_is_accepted_by_header_query_and_bearer(server_root: str, simulator: Any, how: str) -> None:
    headers: Dict[str, str] = {}
    params: Dict[str, str] = {}
    if how == "header":
        headers["X-Octopus-ApiKey"] = simulator.api_key
    elif how == "query":
        params["apikey"] = simulator.api_key
    else:
        headers["Authorization"] = f"Bearer {simulator.api_key}"
    with httpx.Client(base_url=server_root, timeout=20) as client:
        response = client.get("/api/users/me", headers=headers, params=params)
    assert response.status_code == 200, response.text


def test_non_administrator_touching_system_resources_is_403(
    server_root: str, api: httpx.Client
) -> None:
    """§5: 403 → OctopusSecurityException; a plain user may not create spaces."""
    user = api.post(
        "/api/users",
        json={"Username": unique("plain").replace(" ", "-"), "DisplayName": "Plain User", "IsActive": True,
              "IsService": False, "Password": "Correct-Horse-Battery-9"},
    )
    assert user.status_code == 201, user.text
    key = api.post(f"/api/users/{user.json()['Id']}/apikeys", json={"Purpose": "conformance"})
    assert key.status_code in (200, 201), key.text
    with httpx.Client(base_url=server_root, headers=dotnet_headers(key.json()["ApiKey"]), timeout=20) as client:
        assert client.get("/api/users/me").status_code == 200
        response = client.post("/api/spaces", content=dotnet_body({"Name": unique("Forbidden"), "SpaceManagersTeamMembers": [], "SpaceManagersTeams": []}))
    assert response.status_code == 403, response.text
    assert not error_body_problems(response), error_body_problems(response)


# -- §0.3 mixed-scope repositories ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["spaces=all&includeSystem=True", "spaces={space}&includeSystem=False", "includeSystem=True"],
    ids=["unscoped", "for-space", "for-system"],
)
def test_mixed_scope_queries_with_capitalised_booleans(
    dotnet: httpx.Client, default_space: Dict[str, Any], query: str
) -> None:
    """§0.3: Teams, Tasks, … get ``?spaces=…&includeSystem=True|False`` (capitalised booleans)."""
    root = dotnet.get("/api").json()
    for name in ("Teams", "Tasks"):
        url = expand(root["Links"][name]) + "?" + query.format(space=default_space["Id"])
        response = dotnet.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"
        assert isinstance(response.json()["Items"], list)


# -- additions: async client headers, ids as typed, what every resource needs ---------------------


def test_async_client_post_with_charset_and_no_expect_is_accepted(
    server_root: str, simulator: Any, space_links: Dict[str, str]
) -> None:
    """§0.1 async column: ``Content-Type: application/json; charset=utf-8``, no Expect, no Content-Type on GET."""
    headers = {"Accept": "application/json", "X-Octopus-ApiKey": simulator.api_key, "User-Agent": DOTNET_USER_AGENT}
    with httpx.Client(base_url=server_root, headers=headers, timeout=20) as client:
        assert client.get(expand(space_links["Environments"])).status_code == 200
        response = client.post(
            expand(space_links["Environments"]),
            content=dotnet_body({"Name": unique("Async"), "SpaceId": None, "Links": {}}),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
    assert response.status_code == 201, response.text


def test_ids_query_matches_ids_case_insensitively(dotnet: httpx.Client, space_links: Dict[str, str]) -> None:
    """§0.2: ids are sent exactly as typed, in ``?ids=`` as in paths."""
    response = create_environment(dotnet, space_links)
    wanted = dotnet.get(response.headers["location"]).json()["Id"]
    page = dotnet.get(expand(space_links["Environments"], ids=wanted.lower())).json()
    assert [item["Id"] for item in page["Items"]] == [wanted]


def test_sign_in_works_with_an_api_key_too(server_root: str, simulator: Any) -> None:
    """§2: with a key on the endpoint, sign-in sends both the key and, afterwards, the cookies."""
    client = httpx.Client(base_url=server_root, headers=dotnet_headers(simulator.api_key), timeout=20)
    with closing(client):
        body = {"Username": simulator.username, "Password": simulator.password, "RememberMe": False,
                "State": {"UsingSecureConnection": False}}
        response = client.post("/api/users/login", content=dotnet_body(body))
        assert 200 <= response.status_code < 300, response.text
        me = client.get("/api/users/me", headers={"X-Octopus-Csrf-Token": csrf_token(client)})
        assert me.status_code == 200, me.text


def test_every_machine_has_a_communication_style_and_a_connection_link(
    dotnet: httpx.Client, space_links: Dict[str, str]
) -> None:
    """§1.4: an ``Endpoint`` without ``CommunicationStyle`` fails to deserialise; S4 follows ``Connection``."""
    styles = {"TentaclePassive", "TentacleActive", "Ssh", "OfflineDrop", "AzureCloudService", "AzureWebApp",
              "Kubernetes", "AzureServiceFabricCluster", "None"}
    machines = dotnet.get(expand(space_links["Machines"], id="all")).json()
    assert machines, "the default space has no machines to check (the demo seed has some)"
    for machine in machines:
        assert machine["Endpoint"]["CommunicationStyle"] in styles, machine["Endpoint"]
        assert machine["Links"]["Connection"], machine["Links"]


def test_every_resource_has_a_self_link_that_leads_back_to_it(
    dotnet: httpx.Client, space_links: Dict[str, str]
) -> None:
    """§1.4: Modify and Delete need ``Links.Self``; it must lead to the same resource."""
    broken = {}
    checked = 0
    for name in ("Environments", "Machines", "ProjectGroups", "Lifecycles", "Projects", "Tenants", "Releases", "Deployments"):
        page = dotnet.get(expand(space_links[name])).json()
        for item in page["Items"][:5]:
            checked += 1
            self_link = item.get("Links", {}).get("Self")
            if not self_link:
                broken[f"{name} {item.get('Id')}"] = "no Links.Self"
                continue
            again = dotnet.get(self_link)
            if again.status_code != 200 or again.json().get("Id") != item["Id"]:
                broken[f"{name} {item['Id']}"] = f"{self_link} → {again.status_code}"
    assert checked >= 8, f"only {checked} resources to check; the demo seed fills the default space"
    assert not broken, broken


def newtonsoft_resource(swagger: SwaggerDescription, definition: str, **given: Any) -> Dict[str, Any]:
    """A new resource as Octopus.Client writes it (§0.1): every property present, unset ones null,
    collections empty, enums as strings, Id/LastModifiedOn/LastModifiedBy left out, Links last."""
    body: Dict[str, Any] = {}
    for name, schema in sorted(swagger.properties_of(definition).items()):
        if name in ("Id", "LastModifiedOn", "LastModifiedBy", "Links"):
            continue
        kind = schema.get("type")
        if kind == "array":
            body[name] = []
        elif kind == "boolean":
            body[name] = False
        elif kind == "integer":
            body[name] = 0
        elif "enum" in schema:
            body[name] = schema["enum"][0]
        else:
            body[name] = None
    body.update(given)
    body["Links"] = {}
    return body


def test_create_accepts_every_property_as_the_dotnet_client_writes_it(
    dotnet: httpx.Client, api: httpx.Client, current_user: Dict[str, Any], swagger: SwaggerDescription
) -> None:
    """§0.1: nulls are written out for every unset property; the server must take them as "unset"."""
    space = create_space(api, current_user["Id"])
    links = api.get(space["Links"]["SpaceHome"]).json()["Links"]
    created: Dict[str, Any] = {}
    refused: Dict[str, str] = {}

    def create(link: str, definition: str, **given: Any) -> None:
        body = newtonsoft_resource(swagger, definition, **given)
        response = dotnet.post(expand(links[link]), content=dotnet_body(body), headers={"Expect": "100-continue"})
        if response.status_code == 201:
            created[link] = dotnet.get(response.headers["location"]).json()
        else:
            refused[link] = f"{response.status_code} {response.text[:300]}"

    create("Environments", "EnvironmentResource", Name=unique("Env"))
    create("ProjectGroups", "ProjectGroupResource", Name=unique("Group"))
    create("Lifecycles", "LifecycleResource", Name=unique("Lifecycle"))
    if "ProjectGroups" in created and "Lifecycles" in created:
        create("Projects", "ProjectResource", Name=unique("Project"), TenantedDeploymentMode="Untenanted",
               ProjectGroupId=created["ProjectGroups"]["Id"], LifecycleId=created["Lifecycles"]["Id"])
    if "Environments" in created:
        create("Machines", "DeploymentTargetResource", Name=unique("web"), Roles=["web"],
               EnvironmentIds=[created["Environments"]["Id"]], Endpoint={"CommunicationStyle": "None"},
               TenantedDeploymentParticipation="Untenanted")
    create("Feeds", "FeedResource", Name=unique("Feed"), FeedType="NuGet", FeedUri="https://api.nuget.org/v3/index.json")
    assert not refused, f"bodies written as the .NET client writes them were refused: {refused}"
    for link, resource in created.items():
        assert resource["SpaceId"] == space["Id"], (link, resource.get("SpaceId"))
