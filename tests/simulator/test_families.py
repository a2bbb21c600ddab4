"""The family mechanism: a family's routes, hooks and links reach the app, in-process."""

from __future__ import annotations

from typing import Any, Iterator

import warnings

import pytest

with warnings.catch_warnings():
    # Starlette's test client still runs on httpx here; its deprecation says nothing about this code.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from octoclr.simulator import families, rootdoc
from octoclr.simulator.app import SimulatorApp
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.families.base import SYSTEM, Call, Family
from octoclr.simulator.seed import bootstrap
from octoclr.simulator.store import Store

API_KEY = "API-FAMILYTEST0000000000000000"


def _family() -> Family:
    family = Family("widgets")
    seen: list[str] = []

    @family.route("GET", "widgets/{id}/gears/{rest*}")
    async def gears(call: Call) -> Any:
        return {"Id": call.params["id"], "Rest": call.params["rest"], "Space": call.space(),
                "Take": call.query_int("take", 30)}

    @family.route("POST", "widgets/{id}/gears/{rest*}")
    async def post_gears(call: Call) -> Any:
        body = await call.json()
        return {"Echo": body, "Actor": call.actor}

    @family.route("GET", "widgetstats", scope=SYSTEM, system=True)
    async def stats(call: Call) -> Any:
        return call.page("Widget", [b'{"N":1}', b'{"N":2}', b'{"N":3}'], "/api/widgetstats{?skip,take}")

    @family.hook("after_create", "environments")
    def remember(backend: Backend, resource: dict, actor: Any, incoming: dict) -> None:
        seen.append(resource["Id"])

    family.seen = seen  # type: ignore[attr-defined]
    return family


@pytest.fixture
def family_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Family]]:
    family = _family()
    monkeypatch.setattr(families, "FAMILIES", (family, *families.FAMILIES))
    backend = Backend(Store())
    bootstrap(backend, username="admin", password="Password01!", api_key=API_KEY, installation_id=None)
    with TestClient(SimulatorApp(backend), headers={"X-Octopus-ApiKey": API_KEY}) as client:
        yield client, family


def test_a_family_route_answers_with_its_captures_and_the_space(family_client: tuple[TestClient, Family]) -> None:
    client, _ = family_client
    body = client.get("/api/Spaces-1/widgets/Widgets-7/gears/a/b?TAKE=5").json()
    assert body == {"Id": "Widgets-7", "Rest": "a/b", "Space": "Spaces-1", "Take": 5}
    # Without a space, the default space.
    assert client.get("/api/widgets/Widgets-7/gears/x").json()["Space"] == "Spaces-1"


def test_methods_of_one_pattern_share_a_route_and_others_are_405(family_client: tuple[TestClient, Family]) -> None:
    client, _ = family_client
    posted = client.post("/api/widgets/W-1/gears/x", json={"A": 1})
    assert posted.json() == {"Echo": {"A": 1}, "Actor": "Users-1"}
    refused = client.delete("/api/widgets/W-1/gears/x")
    assert refused.status_code == 405 and "GET" in refused.headers["Allow"]


def test_a_system_route_is_not_served_below_a_space_and_pages(family_client: tuple[TestClient, Family]) -> None:
    client, _ = family_client
    page = client.get("/api/widgetstats?skip=1&take=1").json()
    assert page["TotalResults"] == 3 and page["Items"] == [{"N": 2}] and "Page.Next" in page["Links"]
    assert client.get("/api/Spaces-1/widgetstats").status_code == 404


def test_anonymous_callers_are_refused_on_family_routes(family_client: tuple[TestClient, Family]) -> None:
    client, _ = family_client
    assert client.get("/api/widgets/W-1/gears/x", headers={"X-Octopus-ApiKey": ""}).status_code == 401


def test_hooks_run_after_the_backends_own_rules(family_client: tuple[TestClient, Family]) -> None:
    client, family = family_client
    created = client.post("/api/environments", json={"Name": "Hooked"}).json()
    assert family.seen == [created["Id"]]  # type: ignore[attr-defined]


def test_family_root_links_join_the_root_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    family = Family("linked", root_links="WidgetThing  space  widgets/thing{?x}")
    monkeypatch.setattr(families, "FAMILIES", (family,))
    monkeypatch.setattr(rootdoc, "OTHER_LINKS", rootdoc._other_links())
    assert rootdoc.space_links("Spaces-2")["WidgetThing"] == "/api/Spaces-2/widgets/thing{?x}"
