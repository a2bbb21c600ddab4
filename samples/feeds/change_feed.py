"""Rename a feed.

Twin of the OctopusDeploy-Api sample "Change feed": find the feed by name, set a new
name, ``Feeds.Modify``. Arguments: the feed's name and its new name (defaults: "nuget.org"
and "nuget.org feed").
"""

import sys

from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    old_name = sys.argv[1] if len(sys.argv) > 1 else "nuget.org"
    new_name = sys.argv[2] if len(sys.argv) > 2 else "nuget.org feed"
    with octopus_target() as target:
        _, repository = space_repository(target)
        feed = repository.feeds.find_by_name(old_name)
        if feed is None:
            raise SystemExit(f"There is no feed named {old_name!r} in space {target.space!r}.")
        feed.name = new_name
        saved = repository.feeds.modify(feed)
        print(f"Renamed feed {saved.id} from {old_name!r} to {repository.feeds.get(saved.id).name!r}")


if __name__ == "__main__":
    main()
