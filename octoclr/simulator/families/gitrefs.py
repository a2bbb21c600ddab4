"""Routes of projects kept in git (config as code), at a branch, tag or commit (``{gitRef}``).

Newer clients reach a version-controlled project's deployment process, runbooks and runbook
processes at a git reference: ``…/projects/{projectId}/{gitRef}/deploymentprocesses``,
``…/{gitRef}/runbooks{/id}``, ``…/{gitRef}/runbooks/v2``, ``…/{gitRef}/runbookProcesses/{id}``.
The simulator keeps every project in its database, as a real server keeps one not converted
to git: such a project is refused with 400 saying so, and one marked ``IsVersionControlled``
answers "not simulated" (it would need a git server). A reference may hold slashes
(``refs/heads/main``), encoded or not.
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator import resources
from octoclr.simulator.exceptions import BadRequest, NotFound
from octoclr.simulator.families.base import SPACE, Call, Family

family = Family("gitrefs")

_ROUTES = (
    (("GET", "PUT"), "projects/{projectId}/{gitRef*}/deploymentprocesses"),
    (("GET",), "projects/{projectId}/{gitRef*}/runbooks"),
    (("POST",), "projects/{projectId}/{gitRef*}/runbooks/v2"),
    (("GET", "PUT", "DELETE"), "projects/{projectId}/{gitRef*}/runbooks/{id}"),
    (("GET", "PUT"), "projects/{projectId}/{gitRef*}/runbookProcesses/{id}"),
)


async def _at_git_ref(call: Call) -> Any:
    project = call.backend.find(resources.BY_PATH["projects"], call.params["projectId"], call.space_id)
    if not project.get("IsVersionControlled"):
        raise BadRequest(f"The project '{project['Name']}' is not version controlled, so it has nothing at the git "
                         f"reference '{call.params['gitRef']}'.",
                         help_text="Use the project's routes without a git reference, such as "
                                   f"{project['Links']['Self']}/runbooks.")
    raise NotFound(f"{call.app._method(call.request)} {call.request.url.path} is not simulated: projects kept in git "
                   "(config as code) would need a git server.", help_text="The simulator's README lists what it simulates.")


for _methods, _pattern in _ROUTES:
    for _method in _methods:
        family.route(_method, _pattern, scope=SPACE)(_at_git_ref)
