"""Delete a feed by name.

Twin of the OctopusDeploy-Api sample "Delete feed": ``Feeds.FindByName``, then
``Feeds.Delete``. The feed's name is the first argument (default "nuget to delete").
"""

import sys

from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "nuget to delete"
    with octopus_target() as target:
        _, repository = space_repository(target)
        feed = repository.feeds.find_by_name(name)
        if feed is None:
            raise SystemExit(f"There is no feed named {name!r} in space {target.space!r}.")
        repository.feeds.delete(feed)
        print(f"Deleted feed {feed.id}: {name}")


if __name__ == "__main__":
    main()
