"""octoclr.target: the server the samples talk to (no .NET needed)."""

from __future__ import annotations

import httpx
import pytest

from octoclr.errors import OctopusConnectionError, SecurityError
from octoclr.target import Target, octopus_target
from tests.samples.harness import ServerFacts
from tests.support.feed import unreachable_url


def closed_port_url() -> str:
    return unreachable_url().rsplit("/v3/", 1)[0]


def test_octopus_url_is_used_as_given_without_contacting_it() -> None:
    url = closed_port_url()
    env = {"OCTOPUS_URL": url + "/", "OCTOPUS_API_KEY": "API-TARGETTESTKEY0000001", "OCTOPUS_SPACE": "Ops"}
    with octopus_target(env) as target:
        assert target == Target(url, "API-TARGETTESTKEY0000001", "Ops", None, None, simulated=False)


def test_the_default_space_of_a_real_server(live_simulator: ServerFacts) -> None:
    env = {"OCTOPUS_URL": live_simulator.url, "OCTOPUS_API_KEY": live_simulator.api_key}
    with octopus_target(env) as target:
        assert target.space == live_simulator.default_space["Name"]
        assert not target.simulated


def test_without_octopus_url_a_simulator_runs_for_the_block(demo_facts: ServerFacts) -> None:
    with octopus_target({}) as target:
        assert target.simulated
        assert target.space == demo_facts.demo_space["Name"]
        assert target.username == demo_facts.username and target.password and target.api_key
        response = httpx.get(f"{target.url}/api/users/me", headers={"X-Octopus-ApiKey": target.api_key})
        assert response.json()["Username"] == target.username
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{target.url}/api", timeout=5)


def test_octopus_space_chooses_the_simulator_space() -> None:
    with octopus_target({"OCTOPUS_SPACE": "Somewhere Else"}) as target:
        assert target.simulated and target.space == "Somewhere Else"


def test_unreachable_server_says_what_to_check() -> None:
    with pytest.raises(OctopusConnectionError, match="Check OCTOPUS_URL"):
        with octopus_target({"OCTOPUS_URL": closed_port_url(), "OCTOPUS_API_KEY": "API-TARGETTESTKEY0000002"}):
            pass


def test_wrong_api_key(live_simulator: ServerFacts) -> None:
    wrong = "API-WRONGKEY0000000000000"
    with pytest.raises(SecurityError, match="OCTOPUS_API_KEY") as caught:
        with octopus_target({"OCTOPUS_URL": live_simulator.url, "OCTOPUS_API_KEY": wrong}):
            pass
    assert wrong not in str(caught.value)


def test_secrets_stay_out_of_the_repr() -> None:
    target = Target("http://127.0.0.1:1", "API-TARGETTESTKEY0000003", "Default", "admin", "s3cret-pass", simulated=True)
    assert "API-TARGETTESTKEY0000003" not in repr(target)
    assert "s3cret-pass" not in repr(target)
