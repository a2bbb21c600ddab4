"""Take a fresh snapshot of a project's variables for an existing release.

Twin of the OctopusDeploy-Api sample "Update release variable snapshot": find the release of
the project's channel by version and call ``Releases.SnapshotVariables``. Arguments: project,
version, channel (defaults: "OctoFX Web", "1.0.0", "Default").
"""

import sys

from octoclr.target import octopus_target

from _common import project_named, space_repository


def main() -> None:
    project_name = sys.argv[1] if len(sys.argv) > 1 else "OctoFX Web"
    version = sys.argv[2] if len(sys.argv) > 2 else "1.0.0"
    channel_name = sys.argv[3] if len(sys.argv) > 3 else "Default"
    with octopus_target() as target:
        repository = space_repository(target)
        project = project_named(repository, project_name)
        channel = repository.channels.find_by_name(project, channel_name)
        release = repository.releases.find_one(
            lambda r: r.project_id == project.id and r.channel_id == channel.id and r.version == version)
        if release is None:
            raise SystemExit(f"There is no release {version} of {project_name} in channel {channel_name}.")
        before = release.project_variable_set_snapshot_id
        after = repository.releases.snapshot_variables(release).project_variable_set_snapshot_id
        print(f"Release {version}: variable snapshot {before} replaced by {after}")


if __name__ == "__main__":
    main()
