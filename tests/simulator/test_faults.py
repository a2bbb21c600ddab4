"""Fault injection and the control routes."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from octoclr.simulator.server import ServerConfig, build
from octoclr.testing import Simulator
from tests.simulator.conftest import error_of


def test_latency_applies_to_matching_routes_only(api: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api/*/environments*", latency=0.3)
    started = time.monotonic()
    assert api.get("/api/Spaces-1/environments").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert api.get("/api/Spaces-1/projects").status_code == 200
    assert time.monotonic() - started < 0.3


def test_error_status_for_the_next_n_requests(api: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api/Spaces-1/machines/*", status=503, times=2)
    first = api.get("/api/Spaces-1/machines/Machines-1")
    assert first.status_code == 503
    error_of(first)
    assert api.get("/api/Spaces-1/machines/Machines-1").status_code == 503
    assert api.get("/api/Spaces-1/machines/Machines-1").status_code == 200
    assert sim.faults() == []


def test_fault_on_the_root_document(anonymous: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api", status=500, times=1)
    assert anonymous.get("/api").status_code == 500
    assert anonymous.get("/api").status_code == 200


def test_faults_can_match_one_method(api: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api/Spaces-1/environments", method="POST", status=409)
    assert api.get("/api/Spaces-1/environments").status_code == 200
    assert api.post("/api/Spaces-1/environments", json={"Name": "Never"}).status_code == 409
    sim.clear_faults()
    assert api.post("/api/Spaces-1/environments", json={"Name": "Now"}).status_code == 201


def test_dropped_connection(api: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api/users/me", drop=True, times=1)
    with pytest.raises(httpx.TransportError):
        api.get("/api/users/me")
    assert api.get("/api/users/me").status_code == 200


def test_reset_clears_faults_and_data(api: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api/Spaces-1/tenants", status=500)
    api.post("/api/Spaces-1/environments", json={"Name": "Gone after reset"})
    sim.reset()
    assert sim.faults() == []
    assert api.get("/api/Spaces-1/tenants").status_code == 200
    assert api.get("/api/Spaces-1/environments", params={"name": "Gone after reset"}).json()["Items"] == []
    assert api.get("/api/users/me").status_code == 200  # credentials survive a reset


def test_bad_fault_definitions_are_refused(anonymous: httpx.Client) -> None:
    for body in ({"path": "/api", "status": 42}, {"latency": -1}, {"path": "/api", "colour": "red"}, [1]):
        response = anonymous.post("/_simulator/faults", json=body)
        assert response.status_code == 400, body
    assert anonymous.get("/_simulator/nothing").status_code == 404


def test_control_routes_answer_only_on_loopback() -> None:
    app = build(ServerConfig(seed="none")).app

    async def call(client_host: str) -> int:
        transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://simulator") as client:
            return (await client.post("/_simulator/reset", json={})).status_code

    assert asyncio.run(call("10.1.2.3")) == 403
    assert asyncio.run(call("127.0.0.1")) == 200


def test_control_routes_refuse_what_a_web_page_could_send(anonymous: httpx.Client) -> None:
    # A cross-site form posts text/plain (or a form) from a foreign Origin: both are refused.
    form = anonymous.post("/_simulator/reset", content=b"x=1", headers={"Content-Type": "text/plain"})
    assert form.status_code == 400 and "application/json" in form.json()["ErrorMessage"]
    no_body = anonymous.post("/_simulator/reset")
    assert no_body.status_code == 400
    foreign = anonymous.post("/_simulator/reset", json={}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "evil.example" in foreign.json()["ErrorMessage"]
    fault = anonymous.post("/_simulator/faults", json={"path": "/api", "status": 500},
                           headers={"Origin": "http://attacker.test:8080"})
    assert fault.status_code == 403 and anonymous.get("/_simulator/faults").json() == []
    assert anonymous.get("/_simulator/faults", headers={"Origin": "null"}).status_code == 403
    # Pages and tools on the loopback interface keep working.
    for origin in ("http://localhost:3000", "http://127.0.0.1:8065", "http://[::1]:9000"):
        assert anonymous.post("/_simulator/reset", json={}, headers={"Origin": origin}).status_code == 200, origin
    assert anonymous.post("/_simulator/reset", json={}).status_code == 200


@pytest.mark.parametrize("body", ["", "null", "{\"Id\": "], ids=["empty", "null", "truncated"])
def test_a_body_fault_answers_that_text_as_it_is(api: httpx.Client, sim: Simulator, body: str) -> None:
    sim.set_fault("/api/Spaces-1/environments/*", body=body, times=1)
    answer = api.get("/api/Spaces-1/environments/Environments-1")
    assert answer.status_code == 200 and answer.text == body
    assert answer.headers["content-type"].startswith("application/json")
    assert api.get("/api/Spaces-1/environments/Environments-1").json()["Id"] == "Environments-1"


def test_a_body_fault_keeps_a_status_given_with_it(api: httpx.Client, sim: Simulator) -> None:
    sim.set_fault("/api", body="", status=503, times=1)
    answer = api.get("/api")
    assert answer.status_code == 503 and answer.content == b""


def test_a_body_fault_must_be_text(sim: Simulator) -> None:
    with pytest.raises(Exception, match="body must be the text to answer with"):
        sim.set_fault("/api", body=42)  # type: ignore[arg-type]
