"""Create a release of a project, with the newest built-in feed version of each package.

Twin of the OctopusDeploy-Api sample "Create release": find the channel, walk the deployment
process for package references, take the latest version the built-in feed holds of each, and
create the release with those selected packages. Arguments: project, version, channel
(defaults: "OctoFX Web", the next version the release template suggests, "Default").
"""

import sys

import octoclr
from octoclr.target import octopus_target

from _common import project_named, space_repository


def main() -> None:
    project_name = sys.argv[1] if len(sys.argv) > 1 else "OctoFX Web"
    channel_name = sys.argv[3] if len(sys.argv) > 3 else "Default"
    with octopus_target() as target:
        repository = space_repository(target)
        project = project_named(repository, project_name)
        channel = repository.channels.find_one(lambda c: c.project_id == project.id and c.name == channel_name)
        if channel is None:
            raise SystemExit(f"Project {project_name!r} has no channel named {channel_name!r}.")
        process = repository.deployment_processes.get(project.deployment_process_id)
        version = sys.argv[2] if len(sys.argv) > 2 else \
            repository.deployment_processes.get_template(process, channel).next_version_increment

        release = octoclr.model.ReleaseResource(version, project.id, channel.id)
        for step in process.steps:
            for action in step.actions:
                for package in action.packages:
                    feed = repository.feeds.get(package.feed_id)
                    if str(feed.feed_type) != "BuiltIn":
                        continue
                    found = repository.built_in_package_repository.list_packages(package.package_id).items
                    if len(found) == 0:
                        raise SystemExit(f"The built-in feed holds no {package.package_id}; push one first.")
                    release.selected_packages.add(
                        octoclr.model.SelectedPackage(action.name, package.name or "", found[0].version))
                    print(f"  {action.name}: {package.package_id} {found[0].version}")
        created = repository.releases.create(release, False)
        print(f"Created release {created.version} ({created.id}) of {project_name} in channel {channel_name}")


if __name__ == "__main__":
    main()
