"""Synchronous API: an endpoint and a repository.

PowerShell::

    $endpoint = New-Object Octopus.Client.OctopusServerEndpoint($server, $apiKey)
    $repository = New-Object Octopus.Client.OctopusRepository($endpoint)

C#::

    var endpoint = new OctopusServerEndpoint(server, apiKey);
    var repository = new OctopusRepository(endpoint);

Talks to OCTOPUS_URL with OCTOPUS_API_KEY when set, else to the embedded simulator.
"""

import octoclr
from octoclr.target import octopus_target


def main() -> None:
    with octopus_target() as target:
        endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
        repository = octoclr.OctopusRepository(endpoint)

        root = repository.client.root_document
        print(f"Connected to {root.application} {root.version} at {target.url}")
        for environment in repository.environments.get_all():
            print(f"Environment {environment.id}: {environment.name}")


if __name__ == "__main__":
    main()
