"""Snapshot a runbook and publish the snapshot.

Twin of the OctopusDeploy-Api sample "Create and publish runbook snapshot": ask the runbook
process for its snapshot template (the next name, the packages its steps use), select the
latest built-in feed version of each package, create the snapshot with ``publish=true`` and
make it the runbook's published snapshot. Arguments: project, runbook (defaults: "OctoFX Web",
"Restart the web site").
"""

import sys

import octoclr
from octoclr.target import octopus_target

from _common import project_named, runbook_named, space_repository


def main() -> None:
    project_name = sys.argv[1] if len(sys.argv) > 1 else "OctoFX Web"
    runbook_name = sys.argv[2] if len(sys.argv) > 2 else "Restart the web site"
    with octopus_target() as target:
        repository = space_repository(target)
        project = project_named(repository, project_name)
        runbook = runbook_named(repository, project, runbook_name)
        process = repository.runbook_processes.get(runbook.runbook_process_id)
        template = repository.runbook_processes.get_template(process)

        snapshot = octoclr.model.RunbookSnapshotResource(project_id=project.id, runbook_id=runbook.id,
                                                         name=template.next_name_increment)
        for package in template.packages:
            if package.feed_id != "feeds-builtin":
                continue
            latest = repository.built_in_package_repository.list_packages(package.package_id, 0, 1).items
            if len(latest) == 0:
                raise SystemExit(f"The built-in feed holds no {package.package_id}; push one first.")
            snapshot.selected_packages.add(octoclr.model.SelectedPackage(
                action_name=package.action_name, package_reference_name=package.package_reference_name,
                version=latest[0].version))
        published = repository.runbook_snapshots.create(snapshot, {"publish": True})

        runbook = repository.runbooks.get(runbook.id)
        runbook.published_runbook_snapshot_id = published.id
        repository.runbooks.modify(runbook)
        print(f"Published runbook snapshot: {published.id} ({published.name})")


if __name__ == "__main__":
    main()
