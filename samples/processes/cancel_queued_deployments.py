"""Cancel every deployment that is queued and not yet picked up.

Twin of the OctopusDeploy-Api sample "Cancel queued deployments": list the space's tasks and
cancel each ``Deploy`` task still ``Queued`` that no processor has taken.
"""

from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    with octopus_target() as target:
        repository = space_repository(target)
        queued = [t for t in repository.tasks.find_all()
                  if str(t.state) == "Queued" and not t.has_been_picked_up_by_processor and t.name == "Deploy"]
        for task in queued:
            repository.tasks.cancel(task)
            print(f"Cancelled {task.id}: {task.description}")
        print(f"{len(queued)} queued deployments cancelled")


if __name__ == "__main__":
    main()
