"""One simulator for the whole conformance suite, reached over plain HTTP as real clients reach it.

Every check here is independent of the simulator's code: it talks to ``octoclr.testing.Simulator``
over HTTP only and compares what comes back with the official API description, the canned
responses of a real server and the recorded behaviour of the real .NET client. Tests that change
state work in spaces or under names of their own, so they share one simulator process.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional

import httpx
import pytest

if TYPE_CHECKING:
    from .swagger import SwaggerDescription

#: What the synchronous Octopus.Client 8.2.0 (HttpWebRequest) sends, per the protocol notes §0.1.
DOTNET_USER_AGENT = "OctopusClient-dotnet/8.2.0 (Unix 6.18.44.657; x64) NoneOrUnknown"

_names = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other test uses, so tests can share one server."""
    return f"{prefix} {next(_names)}"


def dotnet_headers(api_key: str = "", *, body: bool = False) -> Dict[str, str]:
    """Headers exactly as the sync .NET client sends them (an empty key when it has none)."""
    headers = {
        "Accept": "application/json",
        "X-Octopus-ApiKey": api_key,
        "User-Agent": DOTNET_USER_AGENT,
        "Content-Type": "application/json",  # on every request, GET included
        "Connection": "keep-alive",
    }
    if body:
        headers["Expect"] = "100-continue"
    return headers


def dotnet_body(resource: Dict[str, Any]) -> bytes:
    """A request body as Newtonsoft writes it: indented UTF-8 JSON."""
    return json.dumps(resource, indent=2).encode("utf-8")


@pytest.fixture(scope="session")
def simulator() -> Iterator[Any]:
    try:
        from octoclr.testing import Simulator
    except ImportError as error:  # the simulator is a separate piece of work
        pytest.skip(f"octoclr.testing.Simulator is not available ({error}); nothing to check yet")
    # The demo seed: the main job and the samples run against it, so its data is checked too.
    with Simulator(seed="demo") as running:
        yield running


@pytest.fixture(scope="session")
def server_root(simulator: Any) -> str:
    """``scheme://host:port`` of the simulator: links are resolved against this, never the base path."""
    url = httpx.URL(str(simulator.url))
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


@pytest.fixture(scope="session")
def api(server_root: str, simulator: Any) -> Iterator[httpx.Client]:
    """An administrator's HTTP client, authenticated by API key header."""
    with httpx.Client(
        base_url=server_root, headers={"X-Octopus-ApiKey": simulator.api_key}, timeout=20
    ) as client:
        yield client


@pytest.fixture()
def anonymous(server_root: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_root, timeout=20) as client:
        yield client


@pytest.fixture(scope="session")
def swagger(reference_dir: Path) -> "SwaggerDescription":
    pytest.importorskip("jsonschema", reason="the Swagger checks need jsonschema (pip install 'jsonschema>=4.18')")
    from .swagger import SwaggerDescription

    return SwaggerDescription(reference_dir / "octopus-server-2020.5-swagger.json")


@pytest.fixture(scope="session")
def reference_root(reference_dir: Path) -> Dict[str, Any]:
    """``GET /api`` of a real Octopus Server 2019.7.12 (the file starts with a byte-order mark)."""
    return json.loads((reference_dir / "canned" / "root-document-2019.7.12.json").read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="session")
def current_user(api: httpx.Client) -> Dict[str, Any]:
    response = api.get("/api/users/me")
    assert response.status_code == 200, response.text
    return response.json()


def space_body(owner_id: str, name: Optional[str] = None) -> Dict[str, Any]:
    """A new space managed by ``owner_id``, as the web portal sends it."""
    return {
        "Name": name or unique("Conformance Space"),
        "Description": "",
        "IsDefault": False,
        "TaskQueueStopped": False,
        "SpaceManagersTeams": [],
        "SpaceManagersTeamMembers": [owner_id],
    }


def create_space(api: httpx.Client, owner_id: str, name: Optional[str] = None) -> Dict[str, Any]:
    response = api.post("/api/spaces", json=space_body(owner_id, name))
    assert response.status_code in (200, 201), f"creating a space: {response.status_code} {response.text}"
    return response.json()


def error_body_problems(response: httpx.Response) -> list[str]:
    """How an error response differs from the Octopus error body the .NET client parses (§5)."""
    try:
        body = response.json()
    except ValueError:
        return [f"body is not JSON: {response.text[:200]!r}"]
    if not isinstance(body, dict):
        return [f"body is not an object: {body!r}"]
    problems = []
    if not isinstance(body.get("ErrorMessage"), str) or not body["ErrorMessage"]:
        problems.append(f"ErrorMessage missing or empty: {body!r}")
    if not isinstance(body.get("Errors"), list):
        problems.append(f"Errors missing or not a list (the client needs it present): {body!r}")
    return problems
