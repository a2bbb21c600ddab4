"""What each kind of resource does beyond storage: spaces, projects, releases, deployments, tasks…"""

from __future__ import annotations

import time

import httpx

from octoclr.testing import Simulator
from tests.simulator.conftest import delete, error_of, put


def wait_for_task(api: httpx.Client, task_url: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    states = []
    while time.monotonic() < deadline:
        task = api.get(task_url).json()
        if not states or states[-1] != task["State"]:
            states.append(task["State"])
        if task["IsCompleted"]:
            task["_states"] = states
            return task
        time.sleep(0.03)
    raise AssertionError(f"task did not complete: {states}")


def test_creating_a_space_makes_its_root_document_live(api: httpx.Client) -> None:
    assert api.get("/api/Spaces-3").status_code == 404
    space = api.post("/api/spaces", json={"Name": "Team B", "SpaceManagersTeamMembers": ["Users-1"]})
    assert space.status_code == 201
    body = space.json()
    assert body["Id"] == "Spaces-3" and body["IsDefault"] is False
    home = api.get(body["Links"]["SpaceHome"])
    assert home.status_code == 200
    assert home.json()["Links"]["Projects"].startswith("/api/Spaces-3/projects")
    # A new space comes with what a real server creates for it.
    assert [l["Name"] for l in api.get("/api/Spaces-3/lifecycles/all").json()] == ["Default Lifecycle"]
    assert [g["Name"] for g in api.get("/api/Spaces-3/projectgroups/all").json()] == ["Default Project Group"]
    assert api.get("/api/Spaces-3/machinepolicies/all").json()[0]["IsDefault"] is True
    assert [f["FeedType"] for f in api.get("/api/Spaces-3/feeds/all").json()] == ["BuiltIn"]
    team = api.get("/api/Spaces-3/teams/all").json()
    assert team[0]["MemberUserIds"] == ["Users-1"]
    assert any(s["Id"] == "Spaces-3" for s in api.get("/api/users/me/spaces").json())


def test_space_needs_a_manager(api: httpx.Client) -> None:
    response = api.post("/api/spaces", json={"Name": "Orphan"})
    assert response.status_code == 400
    assert "manager" in " ".join(error_of(response)["Errors"])


def test_deleting_a_space_needs_its_task_queue_stopped(api: httpx.Client) -> None:
    space = api.get("/api/spaces/Spaces-2").json()
    refused = delete(api, space["Links"]["Self"])
    assert refused.status_code == 400
    assert "task queue" in error_of(refused)["ErrorMessage"]
    assert put(api, space["Links"]["Self"], {**space, "TaskQueueStopped": True}).status_code == 200
    assert delete(api, space["Links"]["Self"]).status_code == 200
    assert api.get("/api/Spaces-2").status_code == 404
    assert api.get("/api/Spaces-2/projects").status_code == 404
    assert api.get("/api/Spaces-1/machines/Machines-1").status_code == 200
    assert delete(api, "/api/spaces/Spaces-1").status_code == 400  # the default space stays


def test_making_another_space_default_leaves_exactly_one(api: httpx.Client) -> None:
    space = api.get("/api/spaces/Spaces-2").json()
    assert put(api, space["Links"]["Self"], {**space, "IsDefault": True}).status_code == 200
    defaults = [s["Id"] for s in api.get("/api/users/me/spaces").json() if s["IsDefault"]]
    assert defaults == ["Spaces-2"]
    assert api.get("/api").json()["Links"]["Projects"].startswith("/api/Spaces-2/")
    assert api.post("/api/environments", json={"Name": "Goes to two"}).json()["SpaceId"] == "Spaces-2"


def test_project_brings_deployment_process_variables_and_default_channel(api: httpx.Client) -> None:
    project = api.post("/api/Spaces-1/projects", json={"Name": "New App", "LifecycleId": "Lifecycles-1",
                                                        "ProjectGroupId": "ProjectGroups-1"})
    assert project.status_code == 201
    body = project.json()
    assert body["Slug"] == "new-app"
    process = api.get(body["Links"]["DeploymentProcess"]).json()
    assert process["ProjectId"] == body["Id"] and process["Steps"] == [] and process["Version"] == 0
    variables = api.get(body["Links"]["Variables"]).json()
    assert variables["OwnerId"] == body["Id"] and variables["Variables"] == []
    channels = api.get(body["Links"]["Channels"].split("{")[0]).json()
    assert [(c["Name"], c["IsDefault"]) for c in channels["Items"]] == [("Default", True)]
    assert api.get(f"/api/Spaces-1/projects/{body['Slug']}").json()["Id"] == body["Id"]


def test_deployment_process_and_variables_are_versioned(api: httpx.Client) -> None:
    url = "/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1"
    process = api.get(url).json()
    process["Steps"] = [{"Name": "Deploy web", "Actions": [{"Name": "Deploy web", "ActionType": "Octopus.Script"}]}]
    saved = put(api, url, process)
    assert saved.status_code == 200
    assert saved.json()["Version"] == 1 and saved.json()["Steps"][0]["Id"]
    stale = put(api, url, process)  # still Version 0
    assert stale.status_code == 409
    error_of(stale)
    variables = api.get("/api/Spaces-1/variables/variableset-Projects-1").json()
    variables["Variables"] = [{"Name": "ConnectionString", "Value": "db"},
                              {"Name": "Secret", "Value": "hunter2", "IsSensitive": True}]
    stored = put(api, "/api/Spaces-1/variables/variableset-Projects-1", variables).json()
    assert stored["Version"] == 1
    assert [v["Value"] for v in stored["Variables"]] == ["db", None]


def test_release_deployment_and_task_run_to_success(api: httpx.Client) -> None:
    release = api.post("/api/Spaces-1/releases", json={"ProjectId": "projects-1", "Version": "2.0.0"})
    assert release.status_code == 201, release.text
    body = release.json()
    assert body["ProjectId"] == "Projects-1" and body["ChannelId"].startswith("Channels-")
    assert body["ProjectDeploymentProcessSnapshotId"].startswith("deploymentprocess-Projects-1-s-")
    assert api.get(body["Links"]["ProjectDeploymentProcessSnapshot"]).status_code == 200
    duplicate = api.post("/api/Spaces-1/releases", json={"ProjectId": "Projects-1", "Version": "2.0.0"})
    assert duplicate.status_code == 400
    deployment = api.post("/api/Spaces-1/deployments", json={"ReleaseId": body["Id"], "EnvironmentId": "Environments-1"})
    assert deployment.status_code == 201, deployment.text
    dep = deployment.json()
    assert dep["TaskId"].startswith("ServerTasks-") and dep["ProjectId"] == "Projects-1"
    assert dep["Name"] == "Deploy to Development" and dep["DeployedBy"] == "admin"
    task = wait_for_task(api, dep["Links"]["Task"])
    assert task["State"] == "Success" and task["FinishedSuccessfully"] is True
    assert task["_states"][-1] == "Success" and len(task["_states"]) >= 2
    assert task["Arguments"]["DeploymentId"] == dep["Id"]
    details = api.get(task["Links"]["Details"].split("{")[0]).json()
    assert details["Task"]["Id"] == task["Id"]
    assert "Success" in api.get(task["Links"]["Raw"]).text
    release_deployments = api.get(body["Links"]["Deployments"].split("{")[0]).json()
    assert [d["Id"] for d in release_deployments["Items"]] == [dep["Id"]]
    by_project = api.get("/api/Spaces-1/deployments", params={"projects": "Projects-1"}).json()
    assert dep["Id"] in [d["Id"] for d in by_project["Items"]]
    tasks = api.get("/api/tasks", params={"spaces": "Spaces-1", "includeSystem": "False"}).json()
    assert task["Id"] in [t["Id"] for t in tasks["Items"]]
    assert api.get("/api/Spaces-1/projects/Projects-1/releases/2.0.0").json()["Id"] == body["Id"]


def test_deployment_references_must_exist(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/deployments", json={"ReleaseId": "Releases-999", "EnvironmentId": "Environments-1"})
    assert response.status_code == 400
    assert api.get("/api/tasks").json()["TotalResults"] == 0


def test_a_task_can_be_cancelled(api: httpx.Client) -> None:
    task = api.post("/api/tasks", json={"Name": "Health", "Description": "Check health", "SpaceId": "Spaces-1"})
    assert task.status_code == 201
    cancelled = api.post(task.json()["Links"]["Cancel"])
    if cancelled.status_code == 400:  # it finished first
        assert api.get(task.json()["Links"]["Self"]).json()["State"] == "Success"
    else:
        assert cancelled.json()["State"] == "Canceled"


def test_channels_belong_to_their_project(api: httpx.Client) -> None:
    channel = api.post("/api/Spaces-1/channels", json={"Name": "Hotfix", "ProjectId": "Projects-1"})
    assert channel.status_code == 201
    assert api.post("/api/Spaces-1/channels", json={"Name": "Hotfix", "ProjectId": "Projects-2"}).status_code == 201
    assert api.post("/api/Spaces-1/channels", json={"Name": "hotfix", "ProjectId": "Projects-1"}).status_code == 400
    wrong = api.post("/api/Spaces-1/releases", json={"ProjectId": "Projects-2", "Version": "1.0.0",
                                                     "ChannelId": channel.json()["Id"]})
    assert wrong.status_code == 400
    default = next(c for c in api.get("/api/Spaces-1/projects/Projects-1/channels").json()["Items"] if c["IsDefault"])
    assert delete(api, default["Links"]["Self"]).status_code == 400


def test_in_use_resources_cannot_be_deleted(api: httpx.Client) -> None:
    lifecycle = delete(api, "/api/Spaces-1/lifecycles/Lifecycles-10")
    assert lifecycle.status_code == 400
    assert "Projects-1" in error_of(lifecycle)["ErrorMessage"]
    assert delete(api, "/api/Spaces-1/environments/Environments-3").status_code == 400
    assert delete(api, "/api/Spaces-1/projects/Projects-1").status_code == 200
    assert api.get("/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1").status_code == 404
    assert delete(api, "/api/Spaces-1/lifecycles/Lifecycles-10").status_code == 200


def test_tenants_feeds_lifecycles_policies_teams_environments(api: httpx.Client) -> None:
    tenant = api.post("/api/Spaces-1/tenants", json={"Name": "Globex", "ProjectEnvironments": {"Projects-1": []}})
    assert tenant.status_code == 201 and tenant.json()["TenantTags"] == []
    filtered = api.get("/api/Spaces-1/tenants", params={"projectId": "Projects-1"}).json()
    assert {t["Name"] for t in filtered["Items"]} == {"Acme Corp", "Globex"}
    feed = api.post("/api/Spaces-1/feeds", json={"Name": "MyGet", "FeedType": "NuGet", "FeedUri": "https://x/"})
    assert feed.status_code == 201
    assert {f["FeedType"] for f in api.get("/api/Spaces-1/feeds/all").json()} == {"BuiltIn", "NuGet"}
    lifecycle = api.post("/api/Spaces-1/lifecycles", json={"Name": "Fast"}).json()
    assert lifecycle["ReleaseRetentionPolicy"]["Unit"] == "Days"
    policy = api.post("/api/Spaces-1/machinepolicies", json={"Name": "Strict"}).json()
    assert policy["MachineHealthCheckPolicy"]["HealthCheckType"] == "RunScript"
    team = api.post("/api/teams", json={"Name": "Ops", "MemberUserIds": ["users-1"], "SpaceId": "Spaces-1"})
    assert team.status_code == 201 and team.json()["MemberUserIds"] == ["Users-1"]
    assert api.post("/api/teams", json={"Name": "Bad", "MemberUserIds": ["Users-99"]}).status_code == 400
    env = api.get("/api/Spaces-1/environments/Environments-1").json()
    first_modified = env["LastModifiedOn"]
    time.sleep(0.01)
    env["UseGuidedFailure"] = True
    assert put(api, env["Links"]["Self"], env).json()["LastModifiedOn"] > first_modified
    machines = api.get(env["Links"]["Machines"].split("{")[0]).json()
    assert {m["Name"] for m in machines["Items"]} == {"web01", "db01"}
    assert api.get("/api/Spaces-1/machineroles/all").json() == ["db-server", "web-server"]


def test_built_in_teams_are_protected(api: httpx.Client) -> None:
    assert delete(api, "/api/teams/teams-administrators").status_code == 400
    team = api.get("/api/teams/teams-administrators").json()
    assert put(api, team["Links"]["Self"], {**team, "MemberUserIds": []}).status_code == 400
    assert put(api, team["Links"]["Self"], {**team, "Name": "Renamed"}).status_code == 400


def test_seed_file(tmp_path) -> None:
    seed = {"environments": [{"Name": "Only"}],
            "projects": [{"Name": "Seeded", "LifecycleId": "Lifecycles-1", "ProjectGroupId": "ProjectGroups-1"}]}
    with Simulator(seed=seed) as octopus:
        with httpx.Client(base_url=octopus.url, headers={"X-Octopus-ApiKey": octopus.api_key}) as api:
            assert [e["Name"] for e in api.get("/api/Spaces-1/environments/all").json()] == ["Only"]
            assert api.get("/api/Spaces-1/projects/all").json()[0]["DeploymentProcessId"] == \
                "deploymentprocess-Projects-1"
            assert [s["Name"] for s in api.get("/api/spaces/all").json()] == ["Default"]


def test_a_bad_seed_fails_start_with_the_reason(tmp_path) -> None:
    import pytest

    from octoclr.errors import SimulatorError

    with pytest.raises(SimulatorError, match=r"machines\[0\]"):
        Simulator(seed={"machines": [{"Name": "no endpoint"}]}).start()


def test_executions_api_creates_releases_and_deploys_by_name(api: httpx.Client) -> None:
    created = api.post("/api/Spaces-1/releases/create/v1", json={
        "spaceIdOrName": "Default", "ProjectName": "OctoFX Rate Service", "ChannelName": "Default"})
    assert created.status_code == 200, created.text
    assert created.json()["ReleaseVersion"] == "0.0.1"
    second = api.post("/api/Spaces-1/releases/create/v1", json={"ProjectName": "octofx-rate-service"}).json()
    assert second["ReleaseVersion"] == "0.0.2"
    again = api.post("/api/Spaces-1/releases/create/v1", json={"ProjectName": "Projects-2", "ReleaseVersion": "0.0.2"})
    assert again.status_code == 400
    same = api.post("/api/Spaces-1/releases/create/v1", json={"ProjectName": "Projects-2", "ReleaseVersion": "0.0.2",
                                                               "IgnoreIfAlreadyExists": True}).json()
    assert same["ReleaseId"] == second["ReleaseId"]
    deployed = api.post("/api/Spaces-1/deployments/create/untenanted/v1", json={
        "ProjectName": "OctoFX Rate Service", "ReleaseVersion": "0.0.1", "EnvironmentNames": ["Development", "test"]})
    assert deployed.status_code == 200, deployed.text
    tasks = deployed.json()["DeploymentServerTasks"]
    assert len(tasks) == 2
    for entry in tasks:
        assert wait_for_task(api, f"/api/Spaces-1/tasks/{entry['ServerTaskId']}")["State"] == "Success"
        assert api.get(f"/api/Spaces-1/deployments/{entry['DeploymentId']}").json()["ReleaseId"] == created.json()["ReleaseId"]
    tenanted = api.post("/api/Spaces-1/deployments/create/tenanted/v1", json={
        "ProjectName": "OctoFX Web", "ReleaseVersion": "1.0.0", "EnvironmentName": "Development",
        "Tenants": ["Acme Corp"], "TenantTags": []})
    assert tenanted.status_code == 200, tenanted.text
    bad = api.post("/api/Spaces-1/deployments/create/untenanted/v1", json={
        "ProjectName": "OctoFX Web", "ReleaseVersion": "1.0.0", "EnvironmentNames": ["Nowhere"]})
    assert bad.status_code == 400
    assert "Nowhere" in " ".join(error_of(bad)["Errors"])


def test_changes_are_recorded_as_events(api: httpx.Client) -> None:
    env = api.post("/api/Spaces-1/environments", json={"Name": "Audited"}).json()
    put(api, env["Links"]["Self"], {**env, "Description": "changed"})
    delete(api, env["Links"]["Self"])
    events = api.get("/api/events", params={"regarding": env["Id"]}).json()["Items"]
    assert [e["Category"] for e in events] == ["Deleted", "Modified", "Created"]
    assert events[-1]["Message"] == "Created environment Audited"
    assert all(e["Username"] == "admin" and e["SpaceId"] == "Spaces-1" for e in events)
    in_space = api.get("/api/Spaces-1/events", params={"regarding": env["Id"]}).json()
    assert in_space["TotalResults"] == 3


def test_dashboard_shows_the_latest_deployment_per_project_and_environment(api: httpx.Client) -> None:
    root_link = api.get("/api/Spaces-1").json()["Links"]["Dashboard"].split("{")[0]
    empty = api.get(root_link).json()
    assert empty["Items"] == [] and {p["Name"] for p in empty["Projects"]} == {"OctoFX Web", "OctoFX Rate Service"}
    assert [e["Name"] for e in empty["Environments"]] == ["Development", "Test", "Production"]
    first = api.post("/api/Spaces-1/deployments", json={"ReleaseId": "Releases-1", "EnvironmentId": "Environments-1"})
    second = api.post("/api/Spaces-1/deployments", json={"ReleaseId": "Releases-1", "EnvironmentId": "Environments-1"})
    wait_for_task(api, second.json()["Links"]["Task"])
    items = api.get(root_link, params={"projectId": "Projects-1"}).json()["Items"]
    assert [(i["DeploymentId"], i["State"], i["ReleaseVersion"]) for i in items] == \
        [(second.json()["Id"], "Success", "1.0.0")]
    assert first.json()["Id"] != second.json()["Id"]


def test_a_health_check_task_marks_its_targets_healthy(api: httpx.Client) -> None:
    machine = api.post("/api/Spaces-1/machines", json={
        "Name": "new01", "Roles": ["web"], "EnvironmentIds": ["Environments-2"],
        "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://new01:10933/", "Thumbprint": "AB"}}).json()
    assert machine["HealthStatus"] == "Unknown"
    task = api.post("/api/tasks", json={"Name": "Health", "Description": "Check new01", "SpaceId": "Spaces-1",
                                        "Arguments": {"MachineIds": [machine["Id"]], "Timeout": "00:05:00"}})
    assert task.status_code == 201
    wait_for_task(api, task.json()["Links"]["Self"])
    assert api.get(machine["Links"]["Self"]).json()["HealthStatus"] == "Healthy"
    machine_tasks = api.get(machine["Links"]["Tasks"].split("{")[0]).json()
    assert [t["Id"] for t in machine_tasks["Items"]] == [task.json()["Id"]]


def test_tenant_project_environments_must_exist(api: httpx.Client) -> None:
    bad = api.post("/api/Spaces-1/tenants", json={"Name": "Initech", "ProjectEnvironments": {"Projects-3": []}})
    assert bad.status_code == 400 and "Projects-3" in " ".join(error_of(bad)["Errors"])  # Projects-3 is in Spaces-2
    bad = api.post("/api/Spaces-1/tenants", json={"Name": "Initech",
                                                  "ProjectEnvironments": {"Projects-1": ["Environments-99"]}})
    assert bad.status_code == 400
    good = api.post("/api/Spaces-1/tenants", json={"Name": "Initech",
                                                   "ProjectEnvironments": {"projects-1": ["environments-3"]}})
    assert good.json()["ProjectEnvironments"] == {"Projects-1": ["Environments-3"]}
