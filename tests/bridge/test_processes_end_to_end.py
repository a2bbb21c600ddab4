"""Releases, deployments, tasks, interruptions and runbooks through the bridge and the look-alike
Octopus.Client, against the simulator: the calls the real client makes for these flows."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest


@pytest.fixture
def server(octopus_clean_simulator):
    return octopus_clean_simulator


@pytest.fixture
def repository(octopus, server):
    return octopus.client.OctopusRepository(octopus.client.OctopusServerEndpoint(server.url, server.api_key))


def wait_until(repository, task, done, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = repository.tasks.get(task.id)
        if done(task):
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {task.id} stayed {task.state}")


def script_step(octopus, process, name: str, body: str = "Write-Host hello"):
    step = process.add_or_update_step(name)
    action = step.add_or_update_action(name)
    action.action_type = "Octopus.Script"
    action.properties["Octopus.Action.Script.ScriptBody"] = octopus.model.PropertyValueResource(body)
    return step


def new_runbook(octopus, repository, project, name: str):
    runbook = octopus.model.RunbookResource()
    runbook.name = name
    runbook.project_id = project.id
    return repository.runbooks.create(runbook)


def test_a_runbook_is_created_edited_snapshotted_published_and_run(octopus, repository) -> None:
    project = repository.projects.find_by_name("OctoFX Web")
    runbook = new_runbook(octopus, repository, project, "Restart the web site")
    assert runbook.runbook_process_id == f"RunbookProcess-{runbook.id}"
    assert repository.runbooks.find_by_name(project, "Restart the web site").id == runbook.id

    process = repository.runbook_processes.get(runbook.runbook_process_id)
    script_step(octopus, process, "Restart IIS")
    process = repository.runbook_processes.modify(process)
    assert process.version == 1 and [s.name for s in process.steps] == ["Restart IIS"]
    assert process.steps[0].actions[0].properties["Octopus.Action.Script.ScriptBody"].value == "Write-Host hello"

    template = repository.runbooks.get_runbook_snapshot_template(runbook)
    assert template.next_name_increment == "Snapshot 1"
    snapshot = octopus.model.RunbookSnapshotResource(project.id)
    snapshot.runbook_id = runbook.id
    snapshot.name = template.next_name_increment
    snapshot = repository.runbook_snapshots.create(snapshot)
    assert snapshot.frozen_runbook_process_id.startswith(runbook.runbook_process_id + "-s-")
    runbook.published_runbook_snapshot_id = snapshot.id
    runbook = repository.runbooks.modify(runbook)
    assert runbook.published_runbook_snapshot_id == snapshot.id

    environment = repository.environments.find_by_name("Development")
    run = octopus.model.RunbookRunResource()
    run.runbook_id = runbook.id
    run.environment_id = environment.id
    run.runbook_snapshot_id = runbook.published_runbook_snapshot_id
    created = repository.runbook_runs.create(run)
    task = wait_until(repository, repository.runbook_runs.get_task(created), lambda t: t.is_completed)
    assert str(task.state) == "Success" and task.finished_successfully
    assert "Step 1: Restart IIS" in repository.tasks.get_raw_output_log(task)
    details = repository.tasks.get_details(task)
    assert [str(c.status) for c in details.activity_log.children] == ["Success"]

    parameters = octopus.model.RunbookRunParameters()
    parameters.environment_ids = ["Environments-1", "Environments-2"]
    runs = repository.runbooks.run(runbook, parameters)
    assert sorted(r.environment_id for r in runs) == ["Environments-1", "Environments-2"]
    assert [r.id for r in repository.runbook_snapshots.get_runbook_runs(snapshot).items] \
        == [r.id for r in reversed(runs)] + [created.id]


def test_release_template_release_snapshot_and_deployment(octopus, repository) -> None:
    project = repository.projects.find_by_name("OctoFX Web")
    process = repository.deployment_processes.get(project.deployment_process_id)
    step = process.add_or_update_step("Deploy web")
    action = step.add_or_update_action("Deploy web")
    action.action_type = "Octopus.TentaclePackage"
    action.packages.add(octopus.model.PackageReference("OctoFX.Web", "feeds-builtin"))
    process = repository.deployment_processes.modify(process)

    channel = repository.channels.find_by_name(project, "Default")
    template = repository.deployment_processes.get_template(process, channel)
    assert template.next_version_increment == "1.0.1"
    assert [(p.action_name, p.package_id, p.feed_id) for p in template.packages] == [
        ("Deploy web", "OctoFX.Web", "feeds-builtin")]

    release = octopus.model.ReleaseResource(template.next_version_increment, project.id, channel.id)
    release.selected_packages.add(octopus.model.SelectedPackage("Deploy web", "", "2.0.0"))
    release = repository.releases.create(release, False)
    assert release.version == "1.0.1" and release.project_deployment_process_snapshot_id
    again = repository.releases.snapshot_variables(release)
    assert again.project_variable_set_snapshot_id != release.project_variable_set_snapshot_id

    later = repository.deployment_processes.get_template(process, channel)
    assert later.next_version_increment == "1.0.2" and later.packages[0].version_selected_last_release == "2.0.0"

    deployment = octopus.model.DeploymentResource()
    deployment.release_id = release.id
    deployment.environment_id = "Environments-1"
    deployment = repository.deployments.create(deployment)
    task = repository.deployments.get_task(deployment)
    repository.tasks.wait_for_completion(task, 1, 1)
    assert str(repository.tasks.get(task.id).state) == "Success"
    assert [d.id for d in repository.releases.get_deployments(release).items] == [deployment.id]


def test_a_queued_deployment_is_cancelled(octopus, repository) -> None:
    release = repository.releases.find_one(lambda r: r.version == "1.0.0")
    deployment = octopus.model.DeploymentResource()
    deployment.release_id = release.id
    deployment.environment_id = "Environments-1"
    import System  # type: ignore[import-not-found]

    later = datetime.now(timezone.utc) + timedelta(hours=2)
    deployment.queue_time = System.DateTimeOffset(later.year, later.month, later.day, later.hour, later.minute,
                                                  later.second, System.TimeSpan.Zero)
    deployment = repository.deployments.create(deployment)
    time.sleep(0.5)
    task = repository.deployments.get_task(deployment)
    assert str(task.state) == "Queued" and not task.has_been_picked_up_by_processor
    queued = [t for t in repository.tasks.find_all() if str(t.state) == "Queued" and t.name == "Deploy"]
    assert [t.id for t in queued] == [task.id]
    repository.tasks.cancel(task)
    assert str(repository.tasks.get(task.id).state) == "Canceled"


def test_a_manual_intervention_is_taken_and_submitted(octopus, repository) -> None:
    project = repository.projects.find_by_name("OctoFX Web")
    process = repository.deployment_processes.get(project.deployment_process_id)
    approval = process.add_or_update_step("Approve")
    approval.add_or_update_manual_intervention_action("Approve", "Check the staging site")
    script_step(octopus, process, "After")
    repository.deployment_processes.modify(process)
    release = repository.releases.create(octopus.model.ReleaseResource("5.0.0", project.id), False)
    deployment = octopus.model.DeploymentResource()
    deployment.release_id = release.id
    deployment.environment_id = "Environments-1"
    deployment = repository.deployments.create(deployment)

    task = wait_until(repository, repository.deployments.get_task(deployment), lambda t: t.has_pending_interruptions)
    pending = repository.interruptions.list(0, None, True, task.id).items
    assert len(pending) == 1 and str(pending[0].type) == "ManualIntervention"
    interruption = pending[0]
    repository.interruptions.take_responsibility(interruption)
    assert repository.interruptions.get_responsible_user(interruption).username == "admin"
    interruption = repository.interruptions.get(interruption.id)
    interruption.form.values["Result"] = "Proceed"
    repository.interruptions.submit(interruption)
    task = wait_until(repository, task, lambda t: t.is_completed)
    assert str(task.state) == "Success"
    assert repository.interruptions.list(0, None, True, task.id).total_results == 0


def test_a_projects_releases_channels_runbooks_and_snapshots_through_its_links(octopus, repository) -> None:
    project = repository.projects.find_by_name("OctoFX Web")
    for version in ("1.1.0", "1.2.0"):
        repository.releases.create(octopus.model.ReleaseResource(version, project.id), False)
    assert repository.projects.get_release_by_version(project, "1.1.0").version == "1.1.0"
    page = repository.projects.get_releases(project, 0, 2)
    assert [r.version for r in page.items] == ["1.2.0", "1.1.0"] and page.total_results == 3
    assert sorted(r.version for r in repository.projects.get_all_releases(project)) == ["1.0.0", "1.1.0", "1.2.0"]
    with pytest.raises(Exception, match="no release 9.9.9"):
        repository.projects.get_release_by_version(project, "9.9.9")
    assert [c.name for c in repository.projects.get_channels(project).items] == ["Default"]
    assert [c.name for c in repository.projects.get_all_channels(project)] == ["Default"]

    for name in ("Restart", "Rotate logs"):
        runbook = octopus.model.RunbookResource()
        runbook.name, runbook.project_id = name, project.id
        repository.runbooks.create(runbook)
    assert sorted(r.name for r in repository.projects.get_all_runbooks(project)) == ["Restart", "Rotate logs"]
    assert repository.projects.get_runbooks(project, 0, 1).total_results == 2
    runbook = repository.runbooks.find_by_name(project, "Restart")
    snapshot = octopus.model.RunbookSnapshotResource(project.id)
    snapshot.runbook_id, snapshot.name = runbook.id, "Snapshot A"
    snapshot = repository.runbook_snapshots.create(snapshot)
    assert [s.id for s in repository.projects.get_runbook_snapshots(project).items] == [snapshot.id]
    assert repository.projects.get_runbook_snapshot_by_name(project, "Snapshot A").id == snapshot.id


def test_the_deployment_template_of_a_release_says_where_it_can_go(octopus, repository) -> None:
    project = repository.projects.find_by_name("OctoFX Web")
    release = repository.projects.get_release_by_version(project, "1.0.0")
    template = repository.releases.get_template(release)
    assert {t.name for t in template.promote_to} >= {"Development", "Test", "Production"}
    assert not template.is_deployment_process_modified
    process = repository.deployment_processes.get(project)
    script_step(octopus, process, "Added after the release")
    repository.deployment_processes.modify(process)
    assert repository.releases.get_template(release).is_deployment_process_modified


def test_a_server_before_2020_3_1_runs_a_runbook_from_the_run_itself(octopus) -> None:
    from octoclr.testing import Simulator

    with Simulator(seed="demo", version="2020.2.5") as old:
        repository = octopus.client.OctopusRepository(octopus.client.OctopusServerEndpoint(old.url, old.api_key))
        project = repository.projects.find_by_name("OctoFX Web")
        runbook = octopus.model.RunbookResource()
        runbook.name, runbook.project_id = "Restart", project.id
        runbook = repository.runbooks.create(runbook)
        snapshot = octopus.model.RunbookSnapshotResource(project.id)
        snapshot.runbook_id, snapshot.name = runbook.id, "Snapshot 1"
        snapshot = repository.runbook_snapshots.create(snapshot)
        run = octopus.model.RunbookRunResource()
        run.environment_id, run.runbook_snapshot_id = "Environments-2", snapshot.id
        created = repository.runbooks.run(runbook, run)
        assert (created.environment_id, created.runbook_snapshot_id) == ("Environments-2", snapshot.id)
        assert created.runbook_id == runbook.id and created.task_id
        parameters = octopus.model.RunbookRunParameters()
        parameters.environment_ids = ["Environments-1"]
        with pytest.raises(Exception, match=r"2020\.2\.5, older than 2020\.3\.1"):
            repository.runbooks.run(runbook, parameters)
        assert repository.runbook_runs.find_all()[0].id == created.id


def test_a_runbook_snapshot_takes_package_versions_and_the_next_template_offers_them(octopus, repository) -> None:
    project = repository.projects.find_by_name("OctoFX Web")
    runbook = new_runbook(octopus, repository, project, "Migrate the database")
    process = repository.runbook_processes.get(runbook.runbook_process_id)
    step = script_step(octopus, process, "Migrate")
    step.actions[0].packages.add(octopus.model.PackageReference("OctoFX.Database", "feeds-builtin"))
    process = repository.runbook_processes.modify(process)

    template = repository.runbook_processes.get_template(process)
    assert [(p.action_name, p.package_reference_name, p.package_id, p.feed_id, p.version_selected_last_release)
            for p in template.packages] == [("Migrate", "", "OctoFX.Database", "feeds-builtin", None)]
    snapshot = octopus.model.RunbookSnapshotResource(project.id)
    snapshot.runbook_id = runbook.id
    snapshot.name = template.next_name_increment
    snapshot.selected_packages.add(octopus.model.SelectedPackage("Migrate", "", "3.1.0"))
    snapshot = repository.runbook_snapshots.create(snapshot)
    assert [(p.action_name, p.version) for p in repository.runbook_snapshots.get(snapshot.id).selected_packages] \
        == [("Migrate", "3.1.0")]
    assert [p.version_selected_last_release for p in repository.runbooks.get_runbook_snapshot_template(runbook).packages] \
        == ["3.1.0"]
