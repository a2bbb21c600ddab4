"""The root documents and the paging of the simulator, compared with a real server's responses.

References: ``canned/root-document-2019.7.12.json`` (``GET /api`` of a real Octopus Server) and
``canned/machine-tasks-skip-{0,30,60,90,120}.json`` (five consecutive pages of 139 items, 30 a page).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Set

import httpx
import pytest

from .conftest import create_space

SPACE_PREFIX = "/api/Spaces-1/"
_VARIABLE_GROUP = re.compile(r"\{([^}]*)\}")


def template_variables(template: str) -> Set[str]:
    """The variables of an RFC 6570 template: ``/api/x{/id}{?skip,take}`` → {id, skip, take}."""
    names: Set[str] = set()
    for group in _VARIABLE_GROUP.findall(template):
        names.update(name.strip() for name in group.lstrip("/?&#+.;").split(","))
    return names


def space_scoped_links(reference_root: Dict[str, Any]) -> Dict[str, str]:
    """The links a real server points into the default space (they belong in every space root)."""
    return {name: link for name, link in reference_root["Links"].items() if link.startswith(SPACE_PREFIX)}


@pytest.fixture(scope="module")
def root(anonymous_module: httpx.Client) -> Dict[str, Any]:
    response = anonymous_module.get("/api")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def anonymous_module(server_root: str) -> Any:
    with httpx.Client(base_url=server_root, timeout=20) as client:
        yield client


def test_root_document_has_every_link_name_of_a_real_server(
    root: Dict[str, Any], reference_root: Dict[str, Any]
) -> None:
    missing = sorted(set(reference_root["Links"]) - set(root["Links"]))
    assert not missing, f"/api lacks {len(missing)} links that a real server's root document has: {missing}"


def test_root_document_fields_are_those_of_a_real_server(
    root: Dict[str, Any], reference_root: Dict[str, Any]
) -> None:
    assert set(reference_root) <= set(root), sorted(set(reference_root) - set(root))
    assert root["Application"] == "Octopus Deploy"
    assert root["ApiVersion"] == "3.0.0"
    uuid.UUID(root["InstallationId"])  # the .NET client refuses a non-GUID InstallationId
    assert re.match(r"^\d{4}\.\d+\.\d+", root["Version"]), root["Version"]


def test_root_link_templates_declare_the_parameters_of_a_real_server(
    root: Dict[str, Any], reference_root: Dict[str, Any]
) -> None:
    """The .NET client sends a query parameter only when the template declares it (§0.2)."""
    lacking = {}
    for name, reference in reference_root["Links"].items():
        served = root["Links"].get(name)
        if served is None:
            continue  # reported by the link-name test
        absent = template_variables(reference) - template_variables(served) - {"spaceId"}
        if absent:
            lacking[name] = sorted(absent)
    assert not lacking, f"link templates lack parameters a real server declares: {lacking}"


def test_root_link_paths_are_those_of_a_real_server(
    root: Dict[str, Any], reference_root: Dict[str, Any], api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    """Same route for the same link name; a system-level route may have moved into the default
    space (as feeds did in later servers), never elsewhere."""
    spaces = api.get(current_user["Links"]["Spaces"]).json()
    (default,) = [space for space in spaces if space["IsDefault"]]
    different = {}
    for name, reference in reference_root["Links"].items():
        served = root["Links"].get(name)
        if served is None:
            continue  # reported by the link-name test
        real_path = reference.split("{", 1)[0].replace(SPACE_PREFIX, f"/api/{default['Id']}/")
        served_path = served.split("{", 1)[0]
        moved_into_space = real_path.replace("/api/", f"/api/{default['Id']}/", 1)
        if served_path not in (real_path, moved_into_space):
            different[name] = f"{served_path} (real: {real_path})"
    assert not different, f"links whose route differs from a real server's: {different}"


@pytest.mark.parametrize("collection", ["environments", "projects", "machines", "feeds", "lifecycles", "projectgroups"])
def test_routes_without_a_space_serve_the_default_space(
    collection: str, api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    """``/api/<collection>`` (documented beside ``/api/{baseSpaceId}/<collection>``) is the default space."""
    spaces = api.get(current_user["Links"]["Spaces"]).json()
    (default,) = [space for space in spaces if space["IsDefault"]]
    unscoped = api.get(f"/api/{collection}/all")
    scoped = api.get(f"/api/{default['Id']}/{collection}/all")
    assert unscoped.status_code == scoped.status_code == 200, (unscoped.status_code, scoped.status_code)
    assert sorted(item["Id"] for item in unscoped.json()) == sorted(item["Id"] for item in scoped.json())


def test_root_space_scoped_links_point_into_the_default_space(
    root: Dict[str, Any], reference_root: Dict[str, Any], api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    spaces = api.get(current_user["Links"]["Spaces"]).json()
    (default,) = [space for space in spaces if space["IsDefault"]]
    wrong = {
        name: root["Links"][name]
        for name in space_scoped_links(reference_root)
        if name in root["Links"] and not root["Links"][name].startswith(f"/api/{default['Id']}/")
    }
    assert not wrong, f"space-scoped links of /api that do not point into {default['Id']}: {wrong}"


@pytest.mark.parametrize("which", ["default space", "new space"])
def test_space_root_has_every_space_scoped_link_of_a_real_server(
    which: str, reference_root: Dict[str, Any], api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    if which == "default space":
        spaces = api.get(current_user["Links"]["Spaces"]).json()
        (space,) = [space for space in spaces if space["IsDefault"]]
    else:
        space = create_space(api, current_user["Id"])
    response = api.get(space["Links"]["SpaceHome"])
    assert response.status_code == 200, response.text
    links = response.json()["Links"]
    expected = space_scoped_links(reference_root)
    missing = sorted(set(expected) - set(links))
    assert not missing, f"the root of {space['Id']} lacks {len(missing)} space-scoped links: {missing}"
    elsewhere = {name: links[name] for name in expected if not links[name].startswith(f"/api/{space['Id']}/")}
    assert not elsewhere, f"links of the root of {space['Id']} that point elsewhere: {elsewhere}"


# -- paging -------------------------------------------------------------------------------------

REAL_PAGE_SKIPS = (0, 30, 60, 90, 120)


@pytest.fixture(scope="module")
def real_pages(reference_dir: Path) -> List[Dict[str, Any]]:
    return [
        json.loads((reference_dir / "canned" / f"machine-tasks-skip-{skip}.json").read_text(encoding="utf-8-sig"))
        for skip in REAL_PAGE_SKIPS
    ]


@pytest.fixture(scope="module")
def simulator_pages(api: httpx.Client, current_user: Dict[str, Any], real_pages: List[Dict[str, Any]]) -> Dict[str, Any]:
    """As many environments as the real collection has items, walked the way the .NET client walks."""
    space = create_space(api, current_user["Id"])
    base = f"/api/{space['Id']}/environments"
    created = set()
    for number in range(real_pages[0]["TotalResults"]):
        response = api.post(base, json={"Name": f"Paged {number:03d}"})
        assert response.status_code == 201, response.text
        created.add(response.json()["Id"])
    pages = []
    response = api.get(base)  # the first request carries no skip or take (§3)
    while True:
        assert response.status_code == 200, response.text
        pages.append(response.json())
        following = pages[-1]["Links"].get("Page.Next")
        if not following or not pages[-1]["Items"] or len(pages) > 10:
            break
        response = api.get(following)  # used verbatim
    return {"base": base, "created": created, "pages": pages}


def test_page_next_chain_returns_every_item_once(simulator_pages: Dict[str, Any]) -> None:
    ids = [item["Id"] for page in simulator_pages["pages"] for item in page["Items"]]
    assert len(ids) == len(set(ids)), "an item came back on two pages"
    assert set(ids) == simulator_pages["created"]


def test_pages_have_the_counts_of_a_real_server(
    simulator_pages: Dict[str, Any], real_pages: List[Dict[str, Any]]
) -> None:
    served = [(p["TotalResults"], p["ItemsPerPage"], len(p["Items"])) for p in simulator_pages["pages"]]
    real = [(p["TotalResults"], p["ItemsPerPage"], len(p["Items"])) for p in real_pages]
    assert served == real


def test_pages_have_the_keys_of_a_real_server(
    simulator_pages: Dict[str, Any], real_pages: List[Dict[str, Any]]
) -> None:
    for served, real in zip(simulator_pages["pages"], real_pages):
        expected = set(real) | {"NumberOfPages", "LastPageNumber"}
        assert expected <= set(served), f"page lacks {sorted(expected - set(served))}"
        assert isinstance(served["ItemType"], str) and served["ItemType"]
        assert served["IsStale"] is False
        assert served["NumberOfPages"] == len(real_pages)
        assert served["LastPageNumber"] == len(real_pages) - 1


def test_page_links_are_those_of_a_real_server(
    simulator_pages: Dict[str, Any], real_pages: List[Dict[str, Any]]
) -> None:
    for index, (served, real) in enumerate(zip(simulator_pages["pages"], real_pages)):
        links = served["Links"]
        for name in ("Self", "Template", "Page.Current", "Page.All", "Page.Last"):
            assert name in links, f"page {index} lacks {name}: {links}"
        for name in ("Page.Next", "Page.Previous"):
            assert (name in links) == (name in real["Links"]), f"page {index}: {name} is {links.get(name)!r}"
        for name, link in links.items():
            assert link.startswith("/api/") and "://" not in link, f"page {index}: {name} = {link!r}"


def test_page_current_last_and_all_links_lead_where_they_say(
    api: httpx.Client, simulator_pages: Dict[str, Any], real_pages: List[Dict[str, Any]]
) -> None:
    first = simulator_pages["pages"][0]
    current = api.get(first["Links"]["Page.Current"]).json()
    assert [item["Id"] for item in current["Items"]] == [item["Id"] for item in first["Items"]]
    last = api.get(first["Links"]["Page.Last"]).json()
    assert [item["Id"] for item in last["Items"]] == [item["Id"] for item in simulator_pages["pages"][-1]["Items"]]
    everything = api.get(first["Links"]["Page.All"]).json()
    assert len(everything["Items"]) == real_pages[0]["TotalResults"]
    assert "Page.Next" not in everything["Links"]


def test_skip_and_take_select_a_window(api: httpx.Client, simulator_pages: Dict[str, Any]) -> None:
    in_order = [item["Id"] for page in simulator_pages["pages"] for item in page["Items"]]
    page = api.get(simulator_pages["base"], params={"skip": 45, "take": 10}).json()
    assert [item["Id"] for item in page["Items"]] == in_order[45:55]
    assert page["ItemsPerPage"] == 10


@pytest.mark.parametrize("which", ["root document", "default space root"])
def test_every_collection_link_answers(
    which: str, root: Dict[str, Any], api: httpx.Client, current_user: Dict[str, Any]
) -> None:
    """A ``…{/id}`` link the server advertises is a collection a client may list: it must answer."""
    if which == "root document":
        links = root["Links"]
    else:
        (space,) = [s for s in api.get(current_user["Links"]["Spaces"]).json() if s["IsDefault"]]
        links = api.get(space["Links"]["SpaceHome"]).json()["Links"]
    failing = {}
    for name, template in sorted(links.items()):
        path = template.split("{", 1)[0]
        if not template[len(path):].startswith("{/id}") or "{" in path:
            continue
        response = api.get(path)
        if response.status_code != 200:
            failing[name] = f"GET {path} → {response.status_code}"
    assert not failing, f"advertised collections that do not answer: {failing}"


def test_page_next_of_a_filtered_list_keeps_the_filter(api: httpx.Client, simulator_pages: Dict[str, Any]) -> None:
    """§3: the client follows ``Page.Next`` verbatim, so the link itself must carry ``partialName``."""
    names: List[str] = []
    response = api.get(simulator_pages["base"], params={"partialName": "paged 0"})  # case-insensitive, as real
    for _ in range(10):
        page = response.json()
        names += [item["Name"] for item in page["Items"]]
        following = page["Links"].get("Page.Next")
        if not following:
            break
        response = api.get(following)
    assert len(names) == len(set(names)) == 100, len(names)
    assert all(name.startswith("Paged 0") for name in names)
