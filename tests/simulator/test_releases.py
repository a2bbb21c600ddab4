"""Releases over HTTP: the release template, project-scoped processes, variable snapshots, the dynamic dashboard."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import put
from tests.simulator.test_tasks import wait_for_task

PROCESS = "/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1"


def with_package_step(api: httpx.Client) -> dict:
    process = api.get(PROCESS).json()
    process["Steps"] = [{"Name": "Deploy web", "Actions": [{
        "Name": "Deploy web", "ActionType": "Octopus.TentaclePackage",
        "Packages": [{"Name": "", "PackageId": "OctoFX.Web", "FeedId": "feeds-builtin"},
                     {"Name": "tools", "PackageId": "OctoFX.Tools", "FeedId": "feeds-builtin"}]}]},
        {"Name": "Off", "Actions": [{"Name": "Off", "ActionType": "Octopus.TentaclePackage", "IsDisabled": True,
                                     "Packages": [{"Name": "", "PackageId": "Unused", "FeedId": "feeds-builtin"}]}]}]
    saved = put(api, process["Links"]["Self"], process)
    assert saved.status_code == 200, saved.text
    return saved.json()


def test_the_template_gives_the_next_version_and_the_packages_the_steps_use(api: httpx.Client) -> None:
    process = with_package_step(api)
    template = api.get(process["Links"]["Template"].split("{")[0]).json()
    # The demo project has release 1.0.0; the default strategy bumps the patch.
    assert template["NextVersionIncrement"] == "1.0.1" and template["LastReleaseVersion"] == "1.0.0"
    assert template["DeploymentProcessId"] == process["Id"]
    packages = {(p["ActionName"], p["PackageReferenceName"]): p for p in template["Packages"]}
    assert set(packages) == {("Deploy web", ""), ("Deploy web", "tools")}
    web = packages[("Deploy web", "")]
    assert web["PackageId"] == "OctoFX.Web" and web["FeedId"] == "feeds-builtin" and web["IsResolvable"]
    assert web["FeedName"] == "Octopus Server (built-in)" and web["VersionSelectedLastRelease"] is None
    release = api.post("/api/Spaces-1/releases", json={
        "ProjectId": "Projects-1", "Version": "1.4.9",
        "SelectedPackages": [{"ActionName": "Deploy web", "PackageReferenceName": "", "Version": "2.1.0"}]})
    assert release.status_code == 201
    after = api.get(process["Links"]["Template"].split("{")[0], params={"channel": release.json()["ChannelId"]}).json()
    assert after["NextVersionIncrement"] == "1.4.10"
    picked = {(p["ActionName"], p["PackageReferenceName"]): p["VersionSelectedLastRelease"] for p in after["Packages"]}
    assert picked == {("Deploy web", ""): "2.1.0", ("Deploy web", "tools"): None}


def test_the_versioning_strategy_template_is_what_the_next_version_follows(api: httpx.Client) -> None:
    project = api.get("/api/Spaces-1/projects/Projects-1").json()
    project["VersioningStrategy"] = {"Template": "#{Octopus.Version.NextMajor}.0.0-rc", "DonorPackage": None}
    assert put(api, project["Links"]["Self"], project).status_code == 200
    template = api.get(f"{PROCESS}/template").json()
    assert template["NextVersionIncrement"] == "2.0.0-rc"
    project["VersioningStrategy"] = {"Template": None,
                                     "DonorPackage": {"DeploymentAction": "Deploy web", "PackageReference": ""}}
    put(api, project["Links"]["Self"], project)
    donor = api.get(f"{PROCESS}/template").json()
    assert donor["NextVersionIncrement"] is None and donor["VersioningPackageStepName"] == "Deploy web"


def test_the_project_scoped_deployment_process_and_its_template(api: httpx.Client) -> None:
    scoped = api.get("/api/Spaces-1/projects/Projects-1/deploymentprocesses")
    assert scoped.status_code == 200 and scoped.json()["Id"] == "deploymentprocess-Projects-1"
    body = scoped.json()
    body["Steps"] = [{"Name": "Hello", "Actions": [{"Name": "Hello", "ActionType": "Octopus.Script"}]}]
    saved = put(api, "/api/Spaces-1/projects/Projects-1/deploymentprocesses", body)
    assert saved.status_code == 200 and saved.json()["Version"] == body["Version"] + 1
    assert api.get(PROCESS).json()["Steps"][0]["Name"] == "Hello"
    template = api.get("/api/Spaces-1/projects/Projects-1/deploymentprocesses/template").json()
    assert template["NextVersionIncrement"] == "1.0.1"


def test_snapshot_variables_takes_the_variables_again(api: httpx.Client) -> None:
    release = api.get("/api/Spaces-1/projects/Projects-1/releases/1.0.0").json()
    variables = api.get("/api/Spaces-1/variables/variableset-Projects-1").json()
    variables["Variables"] = [{"Name": "Colour", "Value": "blue"}]
    put(api, variables["Links"]["Self"], variables)
    old = api.get(release["Links"]["ProjectVariableSnapshot"]).json()
    assert [v["Name"] for v in old["Variables"]] == []
    again = api.post(release["Links"]["SnapshotVariables"])
    assert again.status_code == 200
    fresh = again.json()
    assert fresh["ProjectVariableSetSnapshotId"] != release["ProjectVariableSetSnapshotId"]
    assert fresh["ProjectDeploymentProcessSnapshotId"] == release["ProjectDeploymentProcessSnapshotId"]
    assert [v["Value"] for v in api.get(fresh["Links"]["ProjectVariableSnapshot"]).json()["Variables"]] == ["blue"]


def test_the_dynamic_dashboard_shows_current_and_previous_deployments(api: httpx.Client) -> None:
    first = api.get("/api/Spaces-1/projects/Projects-1/releases/1.0.0").json()
    second = api.post("/api/Spaces-1/releases", json={"ProjectId": "Projects-1", "Version": "1.1.0"}).json()
    for release in (first, second):
        deployment = api.post("/api/Spaces-1/deployments", json={"ReleaseId": release["Id"],
                                                                 "EnvironmentId": "Environments-1"}).json()
        wait_for_task(api, deployment["Links"]["Task"])
    dashboard = api.get("/api/Spaces-1/dashboard/dynamic", params={
        "projects": "Projects-1", "environments": "Environments-1", "includePrevious": "true"}).json()
    assert [e["Id"] for e in dashboard["Environments"]] == ["Environments-1"]
    assert [p["Id"] for p in dashboard["Projects"]] == ["Projects-1"]
    assert [i["ReleaseVersion"] for i in dashboard["Items"]] == ["1.1.0"]
    assert dashboard["Items"][0]["State"] == "Success" and dashboard["Items"][0]["IsCurrent"]
    assert [i["ReleaseVersion"] for i in dashboard["PreviousItems"]] == ["1.0.0"]
    without = api.get("/api/Spaces-1/dashboard/dynamic", params={"projects": "Projects-1"}).json()
    assert without["PreviousItems"] == [] and len(without["Environments"]) == 3
    link = api.get("/api/Spaces-1").json()["Links"]["DashboardDynamic"]
    assert link.startswith("/api/Spaces-1/dashboard/dynamic")
