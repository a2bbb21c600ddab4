"""Spaces through the client: OctopusClient.ForSystem and OctopusClient.ForSpace.

PowerShell::

    $client = New-Object Octopus.Client.OctopusClient($endpoint)
    $repository = $client.ForSystem()
    $space = $repository.Spaces.FindByName("Space Name")
    $repositoryForSpace = $client.ForSpace($space)
    $projects = $repositoryForSpace.Projects.GetAll()

Uses the space named by OCTOPUS_SPACE; on the simulator, its demo space by default.
"""

import octoclr
from octoclr.target import octopus_target


def main() -> None:
    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
        client = octoclr.OctopusClient(endpoint)

        repository = client.for_system()
        space = repository.spaces.find_by_name(target.space)
        print(f"Space {space.id}: {space.name}")

        repository_for_space = client.for_space(space)
        projects = repository_for_space.projects.get_all()
        for project in projects:
            print(f"Project {project.id}: {project.name}")
        print(f"Projects in {space.name}: {len(projects)}")


if __name__ == "__main__":
    main()
