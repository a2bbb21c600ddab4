"""Add an external NuGet feed to a space.

Twin of the OctopusDeploy-Api sample "Create feed": a ``NuGetFeedResource`` with a name,
URI, download attempts and back-off, then ``Feeds.Create``. Give the name as the first
argument (default "nuget.org 3").
"""

import sys

import octoclr
from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "nuget.org 3"
    with octopus_target() as target:
        _, repository = space_repository(target)
        feed = octoclr.model.NuGetFeedResource(
            name=name, feed_uri="https://api.nuget.org/v3/index.json",
            download_attempts=5, download_retry_backoff_seconds=10, enhanced_mode=False)
        created = repository.feeds.create(feed)
        print(f"Created feed {created.id}: {created.name} ({created.feed_type}) at {created.feed_uri}")


if __name__ == "__main__":
    main()
