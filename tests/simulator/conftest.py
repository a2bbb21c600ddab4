"""Fixtures for the simulator's own tests: one simulator process per session, reset per test."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from octoclr.testing import Simulator


@pytest.fixture
def sim(octopus_clean_simulator: Simulator) -> Simulator:
    return octopus_clean_simulator


@pytest.fixture
def api(sim: Simulator) -> Iterator[httpx.Client]:
    """An administrator's client, with the headers the .NET client sends."""
    with httpx.Client(base_url=sim.url, headers={"X-Octopus-ApiKey": sim.api_key, "Accept": "application/json"},
                      timeout=10) as client:
        yield client


@pytest.fixture
def anonymous(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        yield client


@pytest.fixture
def plain_user(api: httpx.Client, anonymous: httpx.Client) -> httpx.Client:
    """A user who is not an administrator, with an API key."""
    user = api.post("/api/users", json={"Username": "jane", "DisplayName": "Jane", "Password": "correct horse"})
    assert user.status_code == 201, user.text
    assert "Password" not in user.json()
    key = api.post(f"/api/users/{user.json()['Id']}/apikeys", json={"Purpose": "tests"}).json()["ApiKey"]
    anonymous.headers["X-Octopus-ApiKey"] = key
    return anonymous


def put(client: httpx.Client, url: str, body: dict) -> httpx.Response:
    """Modify the way Octopus.Client does it: POST with X-HTTP-Method-Override: PUT."""
    return client.post(url, json=body, headers={"X-HTTP-Method-Override": "PUT"})


def delete(client: httpx.Client, url: str) -> httpx.Response:
    return client.post(url, headers={"X-HTTP-Method-Override": "DELETE", "Content-Length": "0"})


def error_of(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"ErrorMessage", "Errors", "HelpText", "FullException", "Details"}, body
    assert isinstance(body["Errors"], list) and body["Errors"], body
    return body
