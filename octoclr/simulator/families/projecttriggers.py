"""Project triggers: what starts a deployment or runbook run of a project by itself.

A trigger's name is unique within its project; ``scheduledprojecttriggers`` lists the
scheduled ones, read-only.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import READ_ONLY, Collection

PROJECT_TRIGGERS = Collection(
    "projecttriggers", "ProjectTriggers", "ProjectTriggers", "ProjectTrigger",
    query=("skip", "take", "ids"),
    required=("Name", "ProjectId"),
    references={"ProjectId": "projects"},
    parent_field="ProjectId",
    defaults={"Name": None, "ProjectId": None, "IsDisabled": False, "Filter": None, "Action": None,
              "Description": ""},
)

SCHEDULED_PROJECT_TRIGGERS = Collection(
    "scheduledprojecttriggers", "ScheduledProjectTriggers", "ProjectTriggers", "ProjectTrigger",
    query=("skip", "take", "ids"), verbs=READ_ONLY,
)

family = Family("projecttriggers", collections=(PROJECT_TRIGGERS, SCHEDULED_PROJECT_TRIGGERS))
