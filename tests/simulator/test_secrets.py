"""Secrets never come back: accounts, feeds, proxies, certificates, project version-control
passwords and sensitive variables answer ``{"HasValue": true, "NewValue": null}`` (or a null
Value), while the server keeps what was sent until a change clears or replaces it."""

from __future__ import annotations

import warnings
from typing import Iterator

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from octoclr.simulator.app import SimulatorApp
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.seed import bootstrap
from octoclr.simulator.store import Store
from tests.simulator.conftest import delete, put

SECRET = "s3cr3t-Value-9f2c"
API_KEY = "API-SECRETSTEST000000000000000"
MASKED = {"HasValue": True, "NewValue": None}
EMPTY = {"HasValue": False, "NewValue": None}


def sensitive(value: str = SECRET) -> dict:
    return {"HasValue": True, "NewValue": value}


def _every_answer(api: httpx.Client, collection: str, resource: dict) -> list[httpx.Response]:
    self_link = resource["Links"]["Self"]
    return [api.get(self_link), api.get(f"/api/Spaces-1/{collection}"), api.get(f"/api/Spaces-1/{collection}/all"),
            api.get(f"/api/{collection}?ids={resource['Id']}")]


ACCOUNTS = [
    {"AccountType": "UsernamePassword", "Username": "deploy", "Password": sensitive()},
    {"AccountType": "Token", "Token": sensitive()},
    {"AccountType": "AmazonWebServicesAccount", "AccessKey": "AKIAEXAMPLE", "SecretKey": sensitive()},
    {"AccountType": "AzureServicePrincipal", "SubscriptionNumber": "sub", "ClientId": "client", "TenantId": "t",
     "Password": sensitive()},
    {"AccountType": "AzureSubscription", "SubscriptionNumber": "sub", "CertificateBytes": sensitive()},
    {"AccountType": "GoogleCloudAccount", "JsonKey": sensitive()},
    {"AccountType": "SshKeyPair", "Username": "root", "PrivateKeyFile": sensitive(),
     "PrivateKeyPassphrase": sensitive(SECRET + "-passphrase")},
]


@pytest.mark.parametrize("account", ACCOUNTS, ids=[a["AccountType"] for a in ACCOUNTS])
def test_no_account_type_sends_its_secret_back(api: httpx.Client, account: dict) -> None:
    created = api.post("/api/Spaces-1/accounts", json={"Name": f"A {account['AccountType']}", **account})
    assert created.status_code == 201, created.text
    answers = [created, *_every_answer(api, "accounts", created.json())]
    body = created.json()
    modified = put(api, body["Links"]["Self"], {**body, "Description": "changed"})
    answers.append(modified)
    for answer in answers:
        assert answer.status_code == 200 or answer.status_code == 201, answer.text
        assert SECRET not in answer.text
    secret_fields = [k for k, v in account.items() if isinstance(v, dict)]
    for field in secret_fields:
        assert body[field] == MASKED
        assert modified.json()[field] == MASKED, "a modify without a new value keeps the secret"


def test_feeds_proxies_and_version_control_passwords_are_masked(api: httpx.Client) -> None:
    feed = api.post("/api/Spaces-1/feeds", json={"Name": "Private", "FeedType": "NuGet", "Username": "me",
                                                 "FeedUri": "https://nuget.example.com/v3/index.json",
                                                 "Password": sensitive()})
    proxy = api.post("/api/Spaces-1/proxies", json={"Name": "Proxy", "Host": "proxy.example.com",
                                                   "Password": sensitive()})
    project = api.get("/api/Spaces-1/projects/Projects-1").json()
    project["VersionControlSettings"]["Password"] = sensitive()
    saved = put(api, project["Links"]["Self"], project)
    for response in (feed, proxy, saved, *_every_answer(api, "feeds", feed.json()),
                     *_every_answer(api, "proxies", proxy.json()), api.get(project["Links"]["Self"])):
        assert response.status_code in (200, 201), response.text
        assert SECRET not in response.text
    assert feed.json()["Password"] == MASKED and proxy.json()["Password"] == MASKED
    assert saved.json()["VersionControlSettings"]["Password"] == MASKED


def test_sensitive_variables_come_back_with_a_null_value(api: httpx.Client) -> None:
    url = "/api/Spaces-1/variables/variableset-Projects-1"
    variables = api.get(url).json()
    variables["Variables"] = [{"Name": "Plain", "Value": "visible"},
                              {"Name": "Secret", "Value": SECRET, "IsSensitive": True}]
    saved = put(api, url, variables)
    assert saved.status_code == 200 and SECRET not in saved.text
    assert {v["Name"]: v["Value"] for v in saved.json()["Variables"]} == {"Plain": "visible", "Secret": None}
    release = api.post("/api/Spaces-1/releases", json={"ProjectId": "Projects-1", "Version": "9.9.9"}).json()
    snapshot = api.get(f"/api/Spaces-1/variables/{release['ProjectVariableSetSnapshotId']}")
    assert snapshot.status_code == 200 and SECRET not in snapshot.text
    assert {v["Name"]: v["Value"] for v in snapshot.json()["Variables"]} == {"Plain": "visible", "Secret": None}


# --- what the server keeps, seen from inside ------------------------------------------------------

@pytest.fixture
def inside(tmp_path) -> Iterator[tuple[TestClient, Backend]]:
    backend = Backend(Store(tmp_path / "octopus.db"))
    bootstrap(backend, username="admin", password="Password01!", api_key=API_KEY, installation_id=None)
    with TestClient(SimulatorApp(backend), headers={"X-Octopus-ApiKey": API_KEY}) as client:
        yield client, backend


def test_the_server_keeps_a_secret_until_it_is_cleared_or_replaced(inside: tuple[TestClient, Backend]) -> None:
    client, backend = inside
    account = client.post("/api/accounts", json={"Name": "Deploy", "AccountType": "UsernamePassword",
                                                 "Username": "deploy", "Password": sensitive()}).json()
    kept = lambda: backend.store.secrets("accounts", account["Id"])  # noqa: E731
    assert kept() == {"Password": f'"{SECRET}"'}
    assert SECRET.encode() not in backend.store.get("accounts", account["Id"]).body
    # Left out, or HasValue true without a new value: kept.
    without = {k: v for k, v in account.items() if k != "Password"}
    assert client.put(account["Links"]["Self"], json=without).json()["Password"] == MASKED
    assert client.put(account["Links"]["Self"], json={**account, "Password": MASKED}).json()["Password"] == MASKED
    assert kept() == {"Password": f'"{SECRET}"'}
    # A new value replaces it.
    client.put(account["Links"]["Self"], json={**account, "Password": sensitive("other")})
    assert kept() == {"Password": '"other"'}
    # HasValue false clears it.
    cleared = client.put(account["Links"]["Self"], json={**account, "Password": EMPTY}).json()
    assert cleared["Password"] == EMPTY and kept() == {}


def test_kept_secrets_persist_and_go_with_their_resource(tmp_path, inside: tuple[TestClient, Backend]) -> None:
    client, backend = inside
    feed = client.post("/api/feeds", json={"Name": "Private", "FeedType": "NuGet", "Password": sensitive()}).json()
    reopened = Store(tmp_path / "octopus.db")
    assert reopened.secrets("feeds", feed["Id"]) == {"Password": f'"{SECRET}"'}
    reopened.close()
    assert client.delete(feed["Links"]["Self"]).status_code == 200
    assert backend.store.secrets("feeds", feed["Id"]) == {}


def test_sensitive_variables_keep_their_value_by_id(inside: tuple[TestClient, Backend]) -> None:
    client, backend = inside
    environment = client.post("/api/environments", json={"Name": "Dev"}).json()
    lifecycle = client.get("/api/lifecycles/all").json()[0]
    group = client.get("/api/projectgroups/all").json()[0]
    project = client.post("/api/projects", json={"Name": "P", "LifecycleId": lifecycle["Id"],
                                                 "ProjectGroupId": group["Id"]}).json()
    url = f"/api/variables/{project['VariableSetId']}"
    variables = client.get(url).json()
    variables["Variables"] = [{"Name": "Secret", "Value": SECRET, "IsSensitive": True,
                               "Scope": {"Environment": [environment["Id"]]}}]
    saved = client.put(url, json=variables).json()
    variable_id = saved["Variables"][0]["Id"]
    field = f"Variables[].Value:{variable_id.lower()}"
    assert backend.store.secrets("variables", project["VariableSetId"]) == {field: f'"{SECRET}"'}
    # Sent back as the server gave it (Value null): still kept.
    again = client.put(url, json=saved).json()
    assert again["Variables"][0]["Value"] is None
    assert backend.store.secrets("variables", project["VariableSetId"]) == {field: f'"{SECRET}"'}
    # A release's snapshot keeps it too, hidden the same way.
    release = client.post("/api/releases", json={"ProjectId": project["Id"], "Version": "1.0.0"}).json()
    snapshot_id = release["ProjectVariableSetSnapshotId"]
    assert backend.store.secrets("variables", snapshot_id) == {field: f'"{SECRET}"'}
    # Removed from the set: forgotten.
    client.put(url, json={**again, "Variables": []})
    assert backend.store.secrets("variables", project["VariableSetId"]) == {}


def test_deleting_a_space_forgets_its_secrets(inside: tuple[TestClient, Backend]) -> None:
    client, backend = inside
    space = client.post("/api/spaces", json={"Name": "Temp", "SpaceManagersTeamMembers": ["Users-1"]}).json()
    account = client.post(f"/api/{space['Id']}/accounts", json={"Name": "T", "AccountType": "Token",
                                                                 "Token": sensitive()}).json()
    assert backend.store.secrets("accounts", account["Id"]) == {"Token": f'"{SECRET}"'}
    client.put(space["Links"]["Self"], json={**space, "TaskQueueStopped": True})
    assert client.delete(space["Links"]["Self"]).status_code == 200
    assert backend.store.secrets("accounts", account["Id"]) == {}
