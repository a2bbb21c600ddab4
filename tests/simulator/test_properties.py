"""Properties over many generated inputs, against the app in this process (no .NET here, so no GIL issue)."""

from __future__ import annotations

import asyncio
from typing import Any, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from octoclr.simulator.server import ServerConfig, build

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")


class InProcessClient:
    """Synchronous calls into the ASGI app through httpx's ASGI transport."""

    def __init__(self, app: Any, api_key: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
                                        base_url="http://127.0.0.1", headers={"X-Octopus-ApiKey": api_key})

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.post(url, **kwargs))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@pytest.fixture(scope="module")
def client() -> Iterator[InProcessClient]:
    built = build(ServerConfig(seed="none"))
    test_client = InProcessClient(built.app, built.api_key)
    yield test_client
    test_client.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_any_name_round_trips_and_is_unique_ignoring_case(client: InProcessClient, name: str) -> None:
    created = client.post("/api/Spaces-1/environments", json={"Name": name})
    if created.status_code == 400:  # generated twice: it must be the uniqueness rule that refused it
        assert "already exists" in " ".join(created.json()["Errors"])
        return
    assert created.status_code == 201
    fetched = client.get(created.headers["Location"]).json()
    assert fetched["Name"] == name
    assume(name.upper().lower() == name.lower())
    again = client.post("/api/Spaces-1/environments", json={"Name": name.upper()})
    assert again.status_code == 400
    found = client.get("/api/Spaces-1/environments", params={"partialName": name.strip()[:5]}).json()
    assert fetched["Id"] in [item["Id"] for item in found["Items"]] or found["TotalResults"] > 30
    exact = client.get("/api/Spaces-1/environments", params={"name": name}).json()
    assert [item["Id"] for item in exact["Items"]] == [fetched["Id"]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=3),
                         max_leaves=10))
def test_any_json_body_is_answered_with_201_or_a_400_error_body(client: InProcessClient, body: object) -> None:
    before = client.get("/api/Spaces-1/machines").json()["TotalResults"]
    response = client.post("/api/Spaces-1/machines", json=body)
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        error = response.json()
        assert error["ErrorMessage"] and error["Errors"]
        assert client.get("/api/Spaces-1/machines").json()["TotalResults"] == before
