"""What the simulator does not simulate says so, naming the route, instead of a bare "not found"."""

from __future__ import annotations

import httpx
import pytest

from tests.simulator.conftest import error_of


@pytest.mark.parametrize("method, path, reason", [
    ("GET", "/api/Spaces-1/accounts/Accounts-1/resourceGroups", "Azure"),
    ("GET", "/api/accounts/azureenvironments", "Azure"),
    ("POST", "/api/jiraintegration/connectivitycheck/jira", "Jira"),
    ("POST", "/api/migrations/import", "migrations"),
    ("GET", "/api/Spaces-1/tenants/variableset-test", "variable set test"),
    ("POST", "/api/Spaces-1/projects/Projects-1/versioncontrolsettings/test", "git"),
    ("GET", "/api/dynamic-extensions/features/values", "extensions"),
])
def test_a_known_route_that_is_not_simulated_says_why(api: httpx.Client, method: str, path: str, reason: str) -> None:
    response = api.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 404
    message = error_of(response)["ErrorMessage"]
    assert f"{method} {path} is not simulated" in message and reason in message


def test_site_routes_outside_the_api_say_so_too(anonymous: httpx.Client) -> None:
    response = anonymous.get("/.well-known/acme-challenge/abc")
    assert response.status_code == 404 and "not simulated" in error_of(response)["ErrorMessage"]


def test_unknown_routes_name_the_route_and_say_not_simulated(api: httpx.Client) -> None:
    below = api.get("/api/Spaces-1/projects/Projects-1/nosuchthing")
    assert below.status_code == 404
    assert "/api/Spaces-1/projects/Projects-1/nosuchthing is not simulated" in error_of(below)["ErrorMessage"]
    other = api.get("/api/Spaces-1/nosuchcollection/here")
    assert "/api/Spaces-1/nosuchcollection/here is not simulated" in error_of(other)["ErrorMessage"]
