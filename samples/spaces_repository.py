"""Spaces through the repository: the OctopusRepositoryExtensions.ForSpace extension method.

PowerShell::

    $repository = New-Object Octopus.Client.OctopusRepository($endpoint)
    $space = $repository.Spaces.FindByName("Space Name")
    $repositoryForSpace = [Octopus.Client.OctopusRepositoryExtensions]::ForSpace($repository, $space)
    $projects = $repositoryForSpace.Projects.GetAll()

C#::

    var repositoryForSpace = repository.ForSpace(space);

Uses the space named by OCTOPUS_SPACE; on the simulator, its demo space by default.
"""

import octoclr
from octoclr.target import octopus_target


def main() -> None:
    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
        repository = octoclr.OctopusRepository(endpoint)

        space = repository.spaces.find_by_name(target.space)
        print(f"Space {space.id}: {space.name}")

        repository_for_space = repository.for_space(space)  # the extension method, called as a method
        projects = repository_for_space.projects.get_all()
        for project in projects:
            print(f"Project {project.id}: {project.name}")
        print(f"Projects in {space.name}: {len(projects)}")


if __name__ == "__main__":
    main()
