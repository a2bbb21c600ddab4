"""The flows of the public REST samples users start their automation from, in plain HTTP.

Each test follows what one published script does against a real server (its lookups, the
URLs it builds, the fields it reads back), so that a script written that way runs unchanged
against the simulator. The scripts themselves are not part of the project; what each test
says about the server is what the 2020.5 Swagger and the client's source say.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.simulator.conftest import error_of, put
from tests.simulator.test_tasks import wait_for_task
from tests.support.certificates import b64, make
from tests.support.packages import zip_package

SPACE = "/api/Spaces-1"


def every_page(api: httpx.Client, url: str) -> Any:
    """What the samples' paging helper does: add ``skip`` until a short page; a non-page as it is."""
    items: list[Any] = []
    skip = 0
    while True:
        separator = "&" if "?" in url else "?"
        response = api.get(f"{url}{separator}skip={skip}")
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        if not isinstance(body, dict) or "Items" not in body:
            return body
        items += body["Items"]
        if not body["Items"] or len(body["Items"]) != body["ItemsPerPage"]:
            return items
        skip += body["ItemsPerPage"]


def named(items: list[dict], name: str) -> dict:
    found = [item for item in items if item.get("Name") == name]
    assert found, f"nothing named {name!r}"
    return found[0]


def package_runbook(api: httpx.Client) -> dict:
    runbook = api.post(f"{SPACE}/runbooks", json={"Name": "Migrate", "ProjectId": "Projects-1"}).json()
    process = api.get(f"{SPACE}/runbookProcesses/{runbook['RunbookProcessId']}").json()
    process["Steps"] = [{"Name": "Migrate", "Actions": [{
        "Name": "Migrate", "ActionType": "Octopus.TentaclePackage",
        "Packages": [{"Name": "", "PackageId": "OctoFX.Database", "FeedId": "feeds-builtin"}]}]}]
    assert put(api, process["Links"]["Self"], process).status_code == 200
    return runbook


def test_publish_a_runbook_snapshot_with_the_newest_package_of_each_step(api: httpx.Client) -> None:
    for version in ("1.0.0", "1.2.0"):
        pushed = api.post(f"{SPACE}/packages/raw", files={
            "file": (f"OctoFX.Database.{version}.zip", zip_package(version.encode()), "application/octet-stream")})
        assert pushed.status_code == 201, pushed.text
    space = named(api.get("/api/spaces/all").json(), "Default")
    runbook = package_runbook(api)
    runbook = named(api.get(f"/api/{space['Id']}/runbooks/all").json(), "Migrate")
    process = api.get(f"/api/{space['Id']}/runbookProcesses/{runbook['RunbookProcessId']}").json()
    selected = []
    for step in process["Steps"]:
        for action in step["Actions"]:
            for package in action["Packages"] or []:
                versions = api.get(f"/api/{space['Id']}/feeds/{package['FeedId']}/packages/versions",
                                   params={"packageId": package["PackageId"], "take": 1}).json()
                selected.append({"ActionName": action["Name"], "Version": versions["Items"][0]["Version"],
                                 "PackageReferenceName": ""})
    assert [s["Version"] for s in selected] == ["1.2.0"]
    # The sample spells the collection runbookSnapShots: a real server's routes ignore case.
    published = api.post(f"/api/{space['Id']}/runbookSnapShots?publish=true", json={
        "ProjectId": "Projects-1", "RunbookId": runbook["Id"], "Name": "Snapshot HGYTH7J",
        "SelectedPackages": selected})
    assert published.status_code == 201, published.text
    assert published.json()["SelectedPackages"][0]["Version"] == "1.2.0"
    assert api.get(f"{SPACE}/runbooks/{runbook['Id']}").json()["PublishedRunbookSnapshotId"] == published.json()["Id"]


def test_run_a_runbook_in_each_environment_from_its_published_snapshot(api: httpx.Client) -> None:
    runbook = package_runbook(api)
    api.post(f"{SPACE}/runbookSnapshots?publish=true", json={"Name": "Snapshot 1", "RunbookId": runbook["Id"]})
    runbook = named(api.get(f"{SPACE}/runbooks/all").json(), "Migrate")
    environments = [e["Id"] for e in api.get(f"{SPACE}/environments/all").json()
                    if e["Name"] in ("Development", "Test")]
    for environment_id in environments:
        run = api.post(f"{SPACE}/runbookRuns", json={"RunbookId": runbook["Id"], "EnvironmentId": environment_id,
                                                     "RunbookSnapshotId": runbook["PublishedRunbookSnapshotId"]})
        assert run.status_code == 201, run.text
        assert run.json()["TaskId"] and run.json()["RunbookSnapshotId"] == runbook["PublishedRunbookSnapshotId"]


def test_clear_every_sensitive_project_and_library_variable(api: httpx.Client) -> None:
    variables = api.get(f"{SPACE}/variables/variableset-Projects-1").json()
    variables["Variables"] = [{"Name": "DbPassword", "Value": "s3cret", "IsSensitive": True},
                              {"Name": "Colour", "Value": "blue"}]
    assert put(api, variables["Links"]["Self"], variables).status_code == 200
    for project in every_page(api, f"{SPACE}/projects"):
        current = every_page(api, project["Links"]["Variables"])
        changed = False
        for variable in current["Variables"]:
            assert not (variable["IsSensitive"] and variable["Value"]), "a sensitive value came back"
            if variable["IsSensitive"]:
                variable["Value"] = ""
                changed = True
        if changed:
            assert put(api, project["Links"]["Variables"], current).status_code == 200
    after = {v["Name"]: v for v in api.get(f"{SPACE}/variables/variableset-Projects-1").json()["Variables"]}
    assert after["Colour"]["Value"] == "blue" and after["DbPassword"]["Value"] is None
    assert after["DbPassword"]["IsSensitive"]


def test_set_a_tenant_variable_value_for_every_connected_environment(api: httpx.Client) -> None:
    project = api.get(f"{SPACE}/projects/Projects-1").json()
    project["Templates"] = [{"Name": "Tenant.Site.HostName", "Label": "Host", "DisplaySettings": {
        "Octopus.ControlType": "SingleLineText"}},
        {"Name": "Tenant.Site.Key", "DisplaySettings": {"Octopus.ControlType": "Sensitive"}}]
    assert put(api, project["Links"]["Self"], project).status_code == 200
    tenant = named(every_page(api, f"{SPACE}/tenants"), "Acme Corp")
    variables = every_page(api, f"{SPACE}/tenants/{tenant['Id']}/variables")
    for project_id, entry in variables["ProjectVariables"].items():
        templates = {t["Name"]: t for t in entry["Templates"]}
        host, key = templates["Tenant.Site.HostName"], templates["Tenant.Site.Key"]
        assert host["DisplaySettings"]["Octopus.ControlType"] == "SingleLineText"
        for environment_id, values in entry["Variables"].items():
            values[host["Id"]] = "acme.example.com"
            values[key["Id"]] = {"HasValue": True, "NewValue": "k3y"}
    saved = api.put(f"{SPACE}/tenants/{tenant['Id']}/variables", json=variables)
    assert saved.status_code == 200, saved.text
    entry = api.get(f"{SPACE}/tenants/{tenant['Id']}/variables").json()["ProjectVariables"]["Projects-1"]
    assert set(entry["Variables"]) == {"Environments-1", "Environments-2"}
    for values in entry["Variables"].values():
        assert values[host["Id"]] == "acme.example.com"
        assert values[key["Id"]] == {"HasValue": True, "NewValue": None}


def test_replace_a_certificate_with_the_fields_spelled_in_lower_camel_case(api: httpx.Client) -> None:
    first, second = make("old.example.com"), make("new.example.com")
    created = api.post(f"{SPACE}/certificates", json={
        "Name": "MyCertificate", "CertificateData": {"HasValue": True, "NewValue": b64(first.pfx("pw"))},
        "Password": {"HasValue": True, "NewValue": "pw"}})
    assert created.status_code == 201, created.text
    certificate = named(every_page(api, f"{SPACE}/certificates"), "MyCertificate")
    replaced = api.post(f"{SPACE}/certificates/{certificate['Id']}/replace",
                        json={"certificateData": b64(second.pfx("MyPassword")), "password": "MyPassword"})
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["Id"] == certificate["Id"] and body["SubjectCommonName"] == "new.example.com"
    assert body["CertificateData"] == {"HasValue": True, "NewValue": None}
    assert body["Password"] == {"HasValue": True, "NewValue": None}
    assert "MyPassword" not in replaced.text


def test_register_a_listening_tentacle_from_what_discover_finds(api: httpx.Client) -> None:
    environment_ids = [e["Id"] for e in api.get(f"{SPACE}/environments/all").json()
                       if e["Name"] in ("Development", "Test")]
    discovered = api.get(f"{SPACE}/machines/discover",
                         params={"host": "web09.example.com", "port": "10933", "type": "TentaclePassive"})
    assert discovered.status_code == 200, discovered.text
    found = discovered.json()
    assert found["Endpoint"]["CommunicationStyle"] == "TentaclePassive" and found["Endpoint"]["Thumbprint"]
    assert found["Endpoint"]["Uri"] == "https://web09.example.com:10933/"
    target = api.post(f"{SPACE}/machines", json={"Endpoint": found["Endpoint"], "EnvironmentIds": environment_ids,
                                                 "Name": found["Name"], "Roles": ["your-target-role"]})
    assert target.status_code == 201, target.text
    machine = target.json()
    assert machine["Name"] == "web09.example.com" and machine["Roles"] == ["your-target-role"]
    assert machine["MachinePolicyId"] and machine["HealthStatus"] == "Unknown" and machine["Status"]
    assert machine["Thumbprint"] == found["Endpoint"]["Thumbprint"]


def deploy(api: httpx.Client, release_id: str, environment_id: str) -> dict:
    deployment = api.post(f"{SPACE}/deployments", json={"ReleaseId": release_id, "EnvironmentId": environment_id})
    assert deployment.status_code == 201, deployment.text
    wait_for_task(api, deployment.json()["Links"]["Task"])
    return deployment.json()


def test_promote_the_release_last_deployed_to_one_environment_to_another(api: httpx.Client) -> None:
    release = api.get(f"{SPACE}/projects/Projects-1/releases/1.0.0").json()
    newer = api.post(f"{SPACE}/releases", json={"ProjectId": "Projects-1", "Version": "1.0.1"}).json()
    deploy(api, release["Id"], "Environments-2")
    deploy(api, release["Id"], "Environments-1")
    deploy(api, newer["Id"], "Environments-1")

    def last_deployed(environment_id: str) -> "str | None":
        tasks = every_page(api, f"/api/tasks?environment={environment_id}&project=Projects-1&name=Deploy"
                                f"&states=Success&spaces=Spaces-1&includesystem=false")
        if not tasks:
            return None
        deployment = api.get(f"{SPACE}/deployments/{tasks[0]['Arguments']['DeploymentId']}").json()
        return deployment["ReleaseId"]

    assert last_deployed("Environments-1") == newer["Id"]
    assert last_deployed("Environments-2") == release["Id"]
    assert last_deployed("Environments-3") is None
    promoted = deploy(api, newer["Id"], "Environments-2")
    assert last_deployed("Environments-2") == newer["Id"] == promoted["ReleaseId"]


def push_package(api: httpx.Client, file_name: str, payload: bytes) -> httpx.Response:
    """As the push sample sends it: the file in a part named ``fileData``, ``?replace=false``."""
    return api.post(f"{SPACE}/packages/raw?replace=false",
                    files={"fileData": (file_name, payload, "multipart/form-data")})


def test_push_a_package_then_create_a_release_with_the_newest_version_of_each(api: httpx.Client) -> None:
    for version in ("1.2.3", "1.10.0"):
        pushed = push_package(api, f"OctoFX.Web.{version}.zip", zip_package(version.encode()))
        assert pushed.status_code == 201, pushed.text
        assert (pushed.json()["PackageId"], pushed.json()["Version"]) == ("OctoFX.Web", version)
    assert push_package(api, "OctoFX.Web.1.2.3.zip", zip_package(b"again")).status_code == 409
    process = api.get(f"{SPACE}/deploymentprocesses/deploymentprocess-Projects-1").json()
    process["Steps"] = [{"Name": "Deploy web", "Actions": [{
        "Name": "Deploy web", "ActionType": "Octopus.TentaclePackage",
        "Packages": [{"Name": "", "PackageId": "OctoFX.Web", "FeedId": "feeds-builtin"}]}]}]
    assert put(api, process["Links"]["Self"], process).status_code == 200
    project = named(every_page(api, f"{SPACE}/projects"), "OctoFX Web")
    channel = named(every_page(api, f"{SPACE}/projects/{project['Id']}/channels"), "Default")
    template = every_page(api, f"{SPACE}/deploymentprocesses/deploymentprocess-{project['Id']}/template"
                               f"?channel={channel['Id']}")
    selected = []
    for package in template["Packages"]:
        newest = every_page(api, f"{SPACE}/feeds/{package['FeedId']}/packages/versions"
                                 f"?packageId={package['PackageId']}&take=1")
        selected.append({"ActionName": package["ActionName"], "PackageReferenceName": package["PackageReferenceName"],
                         "Version": newest[0]["Version"]})
    assert selected == [{"ActionName": "Deploy web", "PackageReferenceName": "", "Version": "1.10.0"}]
    created = api.post(f"{SPACE}/releases", json={"ChannelId": channel["Id"], "ProjectId": project["Id"],
                                                  "Version": template["NextVersionIncrement"],
                                                  "SelectedPackages": selected})
    assert created.status_code == 201, created.text
    release = created.json()
    assert release["Version"] == "1.0.1" and release["SelectedPackages"][0]["Version"] == "1.10.0"
    frozen = api.get(release["Links"]["ProjectDeploymentProcessSnapshot"]).json()
    assert frozen["Steps"][0]["Actions"][0]["Packages"][0]["PackageId"] == "OctoFX.Web"


def test_deploy_a_release_to_each_tenant(api: httpx.Client) -> None:
    release = api.get(f"{SPACE}/projects/Projects-1/releases/1.0.0").json()
    tenant = named(every_page(api, f"{SPACE}/tenants"), "Acme Corp")
    project = api.get(f"{SPACE}/projects/Projects-1").json()
    assert project["TenantedDeploymentMode"] == "TenantedOrUntenanted"
    for mode, refusal in (("Untenanted", "is not tenanted"), ("Tenanted", "is tenanted: give a TenantId")):
        assert put(api, project["Links"]["Self"], {**project, "TenantedDeploymentMode": mode}).status_code == 200
        project = api.get(project["Links"]["Self"]).json()
        refused = api.post(f"{SPACE}/deployments", json={
            "ReleaseId": release["Id"], "EnvironmentId": "Environments-1",
            "TenantId": tenant["Id"] if mode == "Untenanted" else None})
        assert refusal in error_of(refused)["Errors"][0]
    assert put(api, project["Links"]["Self"], {**project, "TenantedDeploymentMode": "TenantedOrUntenanted"}).status_code == 200
    deployment = api.post(f"{SPACE}/deployments", json={"ReleaseId": release["Id"], "EnvironmentId": "Environments-1",
                                                        "TenantId": tenant["Id"]})
    assert deployment.status_code == 201, deployment.text
    assert deployment.json()["TenantId"] == tenant["Id"]
    task = wait_for_task(api, deployment.json()["Links"]["Task"])
    assert task["State"] == "Success" and task["Arguments"]["DeploymentId"] == deployment.json()["Id"]
    # Production is not among the environments the tenant is connected to.
    refused = api.post(f"{SPACE}/deployments", json={"ReleaseId": release["Id"], "EnvironmentId": "Environments-3",
                                                     "TenantId": tenant["Id"]})
    assert "is not connected to project 'OctoFX Web' in environment 'Environments-3'" in error_of(refused)["Errors"][0]


def test_a_daily_schedule_that_runs_a_runbook(api: httpx.Client) -> None:
    runbook = api.post(f"{SPACE}/runbooks", json={"Name": "Nightly", "ProjectId": "Projects-1"}).json()
    project = named(api.get(f"{SPACE}/projects/all").json(), "OctoFX Web")
    listed = api.get(f"{SPACE}/projects/{project['Id']}/runbooks").json()
    assert named(listed["Items"], "Nightly")["Id"] == runbook["Id"]
    environment_ids = [e["Id"] for e in api.get(f"{SPACE}/environments/all").json()
                       if e["Name"] in ("Development", "Test")]
    trigger = api.post(f"{SPACE}/projecttriggers", json={
        "ProjectId": project["Id"], "Name": "Every morning", "Description": "Every morning", "IsDisabled": False,
        "Filter": {"Timezone": "GMT Standard Time", "FilterType": "OnceDailySchedule",
                   "DaysOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                   "StartTime": "2021-07-22T09:00:00.000Z"},
        "Action": {"ActionType": "RunRunbook", "RunbookId": runbook["Id"], "EnvironmentIds": environment_ids}})
    assert trigger.status_code == 201, trigger.text
    stored = api.get(trigger.json()["Links"]["Self"]).json()
    assert stored["Filter"]["FilterType"] == "OnceDailySchedule" and stored["Action"]["RunbookId"] == runbook["Id"]
    assert stored["Action"]["EnvironmentIds"] == environment_ids
    runbook_triggers = api.get(f"{SPACE}/projecttriggers", params={"runbooks": runbook["Id"]}).json()["Items"]
    assert [t["Id"] for t in runbook_triggers] == [stored["Id"]]


def test_a_health_check_of_the_machines_of_one_environment(api: httpx.Client) -> None:
    environment = named(every_page(api, f"{SPACE}/environments"), "Development")
    machines = every_page(api, f"{SPACE}/machines?environmentids={environment['Id']}")
    assert machines and all(environment["Id"] in m["EnvironmentIds"] for m in machines)
    # QueueTime as Octopus.Client's TaskResource sends it when nothing set it: the least DateTimeOffset.
    started = api.post(f"{SPACE}/tasks", json={
        "SpaceId": "Spaces-1", "Name": "Health", "Description": "Health check started from a script",
        "QueueTime": "0001-01-01T00:00:00+00:00",
        "Arguments": {"Timeout": "0:05:00", "MachineTimeout": "0:05:00", "EnvironmentId": environment["Id"],
                      "MachineIds": [m["Id"] for m in machines]}})
    assert started.status_code == 201, started.text
    task = wait_for_task(api, started.json()["Links"]["Self"])
    assert task["State"] == "Success" and task["Description"] == "Health check started from a script"
    assert task["QueueTime"] >= "2020" and task["StartTime"] >= task["QueueTime"]
    for machine in machines:
        assert api.get(f"{SPACE}/machines/{machine['Id']}").json()["HealthStatus"] == "Healthy"


def test_a_runbook_posted_with_a_null_id_gets_the_servers_defaults(api: httpx.Client) -> None:
    project = named(api.get(f"{SPACE}/projects/all").json(), "OctoFX Web")
    created = api.post(f"{SPACE}/runbooks", json={
        "Id": None, "Name": "Rotate keys", "ProjectId": project["Id"], "EnvironmentScope": "All",
        "RunRetentionPolicy": {"QuantityToKeep": 100, "ShouldKeepForever": False}})
    assert created.status_code == 201, created.text
    runbook = created.json()
    assert runbook["Id"].startswith("Runbooks-") and runbook["RunbookProcessId"] == f"RunbookProcess-{runbook['Id']}"
    assert runbook["MultiTenancyMode"] == "Untenanted" and runbook["SpaceId"] == "Spaces-1"
    assert api.get(runbook["Links"]["RunbookProcesses"]).json()["Steps"] == []


def test_a_library_set_included_by_a_project_and_one_of_its_values_changed(api: httpx.Client) -> None:
    library = api.post(f"{SPACE}/libraryvariablesets", json={"Name": "MyLibraryVariableSet"}).json()
    variables_url = f"{SPACE}/variables/{library['VariableSetId']}"
    variables = api.get(variables_url).json()
    variables["Variables"] = [{"Name": "MyVariable", "Value": "old"},
                              {"Name": "ApiKey", "Value": "k3y", "IsSensitive": True}]
    assert api.put(variables_url, json=variables).status_code == 200
    project = named(every_page(api, f"{SPACE}/projects"), "OctoFX Web")
    found = named(every_page(api, f"{SPACE}/libraryvariablesets"), "MyLibraryVariableSet")
    project["IncludedLibraryVariableSetIds"].append(found["Id"])
    saved = api.put(f"{SPACE}/projects/{project['Id']}", json=project)
    assert saved.status_code == 200 and saved.json()["IncludedLibraryVariableSetIds"] == [found["Id"]]
    # The value changed from what a GET gave: the sensitive one comes back without its value and is kept.
    current = every_page(api, variables_url)
    for variable in current["Variables"]:
        if variable["Name"] == "MyVariable":
            variable["Value"] = "MyValue"
    assert {v["Name"]: v["Value"] for v in current["Variables"]} == {"MyVariable": "MyValue", "ApiKey": None}
    assert api.put(variables_url, json=current).status_code == 200
    after = {v["Name"]: v for v in api.get(variables_url).json()["Variables"]}
    assert after["MyVariable"]["Value"] == "MyValue" and after["ApiKey"]["IsSensitive"]
    assert after["ApiKey"]["Value"] is None
    # A release of the project freezes the library's values too.
    release = api.post(f"{SPACE}/releases", json={"ProjectId": project["Id"], "Version": "9.0.0"}).json()
    [frozen_id] = release["LibraryVariableSetSnapshotIds"]
    frozen = {v["Name"]: v["Value"] for v in api.get(f"{SPACE}/variables/{frozen_id}").json()["Variables"]}
    assert frozen["MyVariable"] == "MyValue"
