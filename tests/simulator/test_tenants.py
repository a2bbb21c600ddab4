"""Tenants over HTTP: variables from project and library templates, missing variables, secrets kept."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from octoclr.simulator.app import SimulatorApp
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.families import tenants
from octoclr.simulator.seed import apply_seed, bootstrap, demo_seed
from octoclr.simulator.store import Store
from tests.simulator.conftest import error_of, put

API_KEY = "API-TENANTSTEST0000000000000000"

SPACE = "/api/Spaces-1"
SENSITIVE = {"Octopus.ControlType": "Sensitive"}


def templated(api: httpx.Client) -> dict:
    """Projects-1 with two templates, a library set with two more, included by the project."""
    project = api.get(f"{SPACE}/projects/Projects-1").json()
    project["Templates"] = [{"Name": "Tenant.Url", "Label": "URL", "DisplaySettings": {}},
                            {"Name": "Tenant.DbPassword", "DisplaySettings": SENSITIVE},
                            {"Name": "Tenant.Region", "DefaultValue": "eu-west", "DisplaySettings": {}}]
    library = api.post(f"{SPACE}/libraryvariablesets", json={
        "Name": "Tenant settings", "Templates": [
            {"Name": "Contact", "DisplaySettings": {}},
            {"Name": "ApiToken", "DisplaySettings": SENSITIVE, "DefaultValue": {"HasValue": True, "NewValue": "dflt"}}]})
    assert library.status_code == 201, library.text
    project["IncludedLibraryVariableSetIds"] = [library.json()["Id"]]
    saved = put(api, project["Links"]["Self"], project)
    assert saved.status_code == 200, saved.text
    return {"project": saved.json(), "library": library.json()}


def acme(api: httpx.Client) -> dict:
    tenants = api.get(f"{SPACE}/tenants", params={"name": "Acme Corp"}).json()["Items"]
    return tenants[0]


def by_name(templates: list[dict]) -> dict[str, dict]:
    return {t["Name"]: t for t in templates}


def test_templates_get_ids_and_a_sensitive_default_never_comes_back(api: httpx.Client) -> None:
    made = templated(api)
    templates = by_name(made["project"]["Templates"])
    assert all(t["Id"] for t in templates.values())
    token = by_name(made["library"]["Templates"])["ApiToken"]
    assert token["DefaultValue"] == {"HasValue": True, "NewValue": None}
    again = api.get(made["library"]["Links"]["Self"]).json()
    assert "dflt" not in str(again)
    # Saving the project again keeps its template ids.
    resaved = put(api, made["project"]["Links"]["Self"], made["project"]).json()
    assert by_name(resaved["Templates"])["Tenant.Url"]["Id"] == templates["Tenant.Url"]["Id"]


def test_tenant_variables_list_the_templates_of_connected_projects_and_included_libraries(api: httpx.Client) -> None:
    made = templated(api)
    tenant = acme(api)
    variables = api.get(tenant["Links"]["Variables"])
    assert variables.status_code == 200, variables.text
    body = variables.json()
    assert body["TenantId"] == tenant["Id"] and body["TenantName"] == "Acme Corp" and body["SpaceId"] == "Spaces-1"
    assert api.get(body["Links"]["Self"]).json()["TenantId"] == tenant["Id"]
    project = body["ProjectVariables"]["Projects-1"]
    assert project["ProjectName"] == "OctoFX Web"
    assert [t["Name"] for t in project["Templates"]] == ["Tenant.Url", "Tenant.DbPassword", "Tenant.Region"]
    # One value set per connected environment, empty until values are given.
    assert project["Variables"] == {"Environments-1": {}, "Environments-2": {}}
    assert api.get(project["Links"]["Self"]).json()["Id"] == "Projects-1"
    library = body["LibraryVariables"][made["library"]["Id"]]
    assert library["LibraryVariableSetName"] == "Tenant settings" and library["Variables"] == {}
    assert api.get(library["Links"]["Self"]).json()["Id"] == made["library"]["Id"]


def test_values_are_saved_and_a_sensitive_value_is_kept_but_never_returned(api: httpx.Client) -> None:
    made = templated(api)
    tenant = acme(api)
    url, password = (by_name(made["project"]["Templates"])[n]["Id"] for n in ("Tenant.Url", "Tenant.DbPassword"))
    contact = by_name(made["library"]["Templates"])["Contact"]["Id"]
    library_id = made["library"]["Id"]
    body = api.get(tenant["Links"]["Variables"]).json()
    body["ProjectVariables"]["Projects-1"]["Variables"]["Environments-1"] = {
        url: "https://acme.dev", password: {"HasValue": True, "NewValue": "s3cret!"}}
    body["LibraryVariables"][library_id]["Variables"] = {contact: "ops@acme.example"}
    saved = api.post(tenant["Links"]["Variables"], json=body)  # Octopus.Client's ModifyVariables posts
    assert saved.status_code == 200, saved.text
    assert "s3cret!" not in saved.text
    again = api.get(tenant["Links"]["Variables"]).json()
    assert "s3cret!" not in str(again)
    dev = again["ProjectVariables"]["Projects-1"]["Variables"]["Environments-1"]
    assert dev == {url: "https://acme.dev", password: {"HasValue": True, "NewValue": None}}
    assert again["LibraryVariables"][library_id]["Variables"] == {contact: "ops@acme.example"}
    assert again["LastModifiedBy"] and again["LastModifiedOn"]
    # Sent back as it came (HasValue without a new value): the kept value stays; a PUT works like the POST.
    dev[url] = "https://acme.test"
    assert put(api, tenant["Links"]["Variables"], again).status_code == 200
    third = api.get(tenant["Links"]["Variables"]).json()["ProjectVariables"]["Projects-1"]["Variables"]
    assert third["Environments-1"] == {url: "https://acme.test", password: {"HasValue": True, "NewValue": None}}
    # Left out of a save, a value is gone.
    again["ProjectVariables"]["Projects-1"]["Variables"]["Environments-1"] = {url: "https://acme.test"}
    put(api, tenant["Links"]["Variables"], again)
    fourth = api.get(tenant["Links"]["Variables"]).json()["ProjectVariables"]["Projects-1"]["Variables"]
    assert fourth["Environments-1"] == {url: "https://acme.test"}


def test_values_for_what_the_tenant_is_not_connected_to_are_refused(api: httpx.Client) -> None:
    made = templated(api)
    tenant = acme(api)
    url = by_name(made["project"]["Templates"])["Tenant.Url"]["Id"]
    body = api.get(tenant["Links"]["Variables"]).json()
    body["ProjectVariables"]["Projects-1"]["Variables"]["Environments-3"] = {url: "https://prod"}
    body["ProjectVariables"]["Projects-2"] = {"Variables": {"Environments-1": {}}}
    body["ProjectVariables"]["Projects-1"]["Variables"]["Environments-1"] = {"no-such-template": "x"}
    refused = put(api, tenant["Links"]["Variables"], body)
    assert refused.status_code == 400
    errors = " ".join(error_of(refused)["Errors"])
    assert "Environments-3" in errors and "Projects-2" in errors and "no-such-template" in errors
    assert put(api, tenant["Links"]["Variables"], {"TenantId": "Tenants-999"}).status_code == 400
    assert api.get(f"{SPACE}/tenants/Tenants-999/variables").status_code == 404


def test_missing_variables_name_templates_without_a_value_or_default(api: httpx.Client) -> None:
    made = templated(api)
    tenant = acme(api)
    names = by_name(made["project"]["Templates"])
    missing = api.get(f"{SPACE}/tenants/variables-missing", params={"includeDetails": "true"}).json()
    assert [m["TenantId"] for m in missing] == [tenant["Id"]]
    found = {(m.get("ProjectId") or m.get("LibraryVariableSetId"), m.get("EnvironmentId"), m["VariableTemplateName"])
             for m in missing[0]["MissingVariables"]}
    # Tenant.Region and ApiToken have defaults; the rest is missing in both connected environments.
    assert found == {("Projects-1", "Environments-1", "Tenant.Url"), ("Projects-1", "Environments-2", "Tenant.Url"),
                     ("Projects-1", "Environments-1", "Tenant.DbPassword"),
                     ("Projects-1", "Environments-2", "Tenant.DbPassword"),
                     (made["library"]["Id"], None, "Contact")}
    assert "MissingVariables" not in api.get(f"{SPACE}/tenants/variables-missing").json()[0]
    only_test = api.get(f"{SPACE}/tenants/variables-missing",
                        params={"includeDetails": "true", "environmentId": "Environments-2", "projectId": "Projects-1"})
    assert {m.get("EnvironmentId") for m in only_test.json()[0]["MissingVariables"]} == {"Environments-2", None}
    body = api.get(tenant["Links"]["Variables"]).json()
    for environment in ("Environments-1", "Environments-2"):
        body["ProjectVariables"]["Projects-1"]["Variables"][environment] = {
            names["Tenant.Url"]["Id"]: "u", names["Tenant.DbPassword"]["Id"]: "p"}
    body["LibraryVariables"][made["library"]["Id"]]["Variables"] = {
        by_name(made["library"]["Templates"])["Contact"]["Id"]: "c"}
    assert put(api, tenant["Links"]["Variables"], body).status_code == 200
    assert api.get(f"{SPACE}/tenants/variables-missing").json() == []


def test_all_tenant_variables_of_a_space_and_by_project(api: httpx.Client) -> None:
    templated(api)
    other = api.post(f"{SPACE}/tenants", json={"Name": "Globex", "ProjectEnvironments": {"Projects-2": ["Environments-1"]}})
    assert other.status_code == 201
    everything = api.get(f"{SPACE}/tenantvariables/all").json()
    assert [v["TenantName"] for v in everything] == ["Acme Corp", "Globex"]
    assert [v["TenantName"] for v in api.get("/api/tenantvariables/all", params={"projectId": "Projects-2"}).json()] \
        == ["Globex"]
    assert everything[1]["ProjectVariables"]["Projects-2"]["Templates"] == []


@pytest.fixture
def inside(tmp_path) -> Iterator[tuple[TestClient, Backend]]:
    backend = Backend(Store(tmp_path / "octopus.db"))
    bootstrap(backend, username="admin", password="Password01!", api_key=API_KEY, installation_id=None)
    apply_seed(backend, demo_seed())
    with TestClient(SimulatorApp(backend), headers={"X-Octopus-ApiKey": API_KEY}) as client:
        yield client, backend  # type: ignore[misc]


def test_the_server_keeps_a_sensitive_value_apart_and_drops_it_with_the_tenant(
        inside: tuple[TestClient, Backend]) -> None:
    client, backend = inside
    made = templated(client)  # type: ignore[arg-type]
    tenant = client.post(f"{SPACE}/tenants", json={"Name": "Initech",
                                                   "ProjectEnvironments": {"Projects-1": ["Environments-1"]}}).json()
    password = by_name(made["project"]["Templates"])["Tenant.DbPassword"]["Id"]
    body = client.get(tenant["Links"]["Variables"]).json()
    body["ProjectVariables"]["Projects-1"]["Variables"]["Environments-1"] = {password: "kept-value"}
    assert client.put(tenant["Links"]["Variables"], json=body).status_code == 200
    assert b"kept-value" not in backend.store.get(tenants.VALUES, tenant["Id"]).body
    field = f"project:Projects-1:Environments-1:{password}"
    assert tenants.reveal(backend, tenant["Id"], field) == "kept-value"
    assert client.delete(tenant["Links"]["Self"]).status_code == 200
    assert backend.store.get(tenants.VALUES, tenant["Id"]) is None
    assert backend.store.secrets(tenants.VALUES, tenant["Id"]) == {}


def test_multi_tenancy_status_and_tag_tests(api: httpx.Client) -> None:
    assert api.get(f"{SPACE}/tenants/status").json()["Enabled"] is True
    tag_set = api.post(f"{SPACE}/tagsets", json={"Name": "Tier", "Tags": [{"Name": "Gold"}, {"Name": "Silver"}]}).json()
    region = api.post(f"{SPACE}/tagsets", json={"Name": "Region", "Tags": [{"Name": "EU"}]}).json()
    assert tag_set["Id"] and region["Id"]
    tenant = acme(api)
    tenant["TenantTags"] = ["Tier/Gold", "Region/EU"]
    assert put(api, tenant["Links"]["Self"], tenant).status_code == 200
    other = api.post(f"{SPACE}/tenants", json={"Name": "Globex", "TenantTags": ["Tier/Silver"]}).json()

    def test(*tags: str) -> dict:
        return api.get(f"{SPACE}/tenants/tag-test", params={"tags": ",".join(tags)}).json()

    within_a_set = test("Tier/Gold", "Tier/Silver")
    assert within_a_set[tenant["Id"]]["IsMatched"] and within_a_set[other["Id"]]["IsMatched"]
    across_sets = test("Tier/Silver", "Region/EU")
    assert not across_sets[tenant["Id"]]["IsMatched"] and not across_sets[other["Id"]]["IsMatched"]
    assert test("Tier/Gold", "Region/EU")[tenant["Id"]]["IsMatched"]
    only = api.get(f"{SPACE}/tenants/tag-test", params={"tenantIds": other["Id"], "tags": "Tier/Silver"}).json()
    assert list(only) == [other["Id"]]
