"""List every feed of a space with its id, name and type.

Twin of the OctopusDeploy-Api sample "Get all feeds" (Octopus.Client, C# and PowerShell):
``Feeds.FindAll()`` on the space's repository. Each feed comes back as its own class
(``BuiltInFeedResource``, ``NuGetFeedResource``…), chosen from its ``FeedType``.
"""

from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    with octopus_target() as target:
        _, repository = space_repository(target)
        for feed in repository.feeds.find_all():
            print(f"Feed {feed.id}: {feed.name} ({feed.feed_type}, {type(feed).__name__})")


if __name__ == "__main__":
    main()
