"""List the versions of a package that a feed holds.

Twin of the OctopusDeploy-Api sample "Find packages from feed": find the built-in feed by
name and list its ``SearchPackageVersionsTemplate`` link with the package id. The package
id is the first argument (default "Samples.Hello").
"""

import sys

import octoclr
from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    package_id = sys.argv[1] if len(sys.argv) > 1 else "Samples.Hello"
    with octopus_target() as target:
        client, repository = space_repository(target)
        feed = repository.feeds.find_by_name("Octopus Server (built-in)")
        found = client.list[octoclr.model.PackageResource](
            feed.links["SearchPackageVersionsTemplate"], {"packageId": package_id})
        for package in found.items:
            print(f"Package: {package.package_id} with version: {package.version}")
        if not found.items:
            print(f"No versions of {package_id} in {feed.name}")


if __name__ == "__main__":
    main()
