"""Project groups: the folders projects sit in. A group that still holds a project cannot be deleted.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import Collection

PROJECT_GROUPS = Collection(
    "projectgroups", "ProjectGroups", "ProjectGroups", "ProjectGroup",
    references={"EnvironmentIds": "environments"},
    defaults={"Name": None, "Description": "", "EnvironmentIds": [], "RetentionPolicyId": None},
    links={"Projects": "{self}/projects{?skip,take}", "Web": "/app#/{space}/projectGroups/{id}"},
    blocked_by=(("projects", "ProjectGroupId"),),
)

family = Family("projectgroups", collections=(PROJECT_GROUPS,))
