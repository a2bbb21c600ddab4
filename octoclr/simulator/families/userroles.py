"""User roles and scoped user roles: the permissions a role grants, and a team holding a role.

A scoped user role gives a team a role, in a space (or at system level), restricted to the
projects, environments, tenants and project groups it names; what follows for a user is the
permissions family's.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import MIXED, PAGING, SYSTEM, Collection

USER_ROLES = Collection(
    "userroles", "UserRoles", "UserRoles", "UserRole", SYSTEM,
    defaults={"Name": None, "Description": "", "SupportedRestrictions": [], "SpacePermissionDescriptions": [],
              "SystemPermissionDescriptions": [], "GrantedSpacePermissions": [],
              "GrantedSystemPermissions": [], "CanBeDeleted": True},
)

SCOPED_USER_ROLES = Collection(
    "scopeduserroles", "ScopedUserRoles", "ScopedUserRoles", "ScopedUserRole", MIXED,
    query=PAGING + ("spaces", "includeSystem"),
    required=("UserRoleId", "TeamId"),
    name_field=None,
    references={"UserRoleId": "userroles", "TeamId": "teams", "ProjectIds": "projects",
                "EnvironmentIds": "environments", "TenantIds": "tenants", "ProjectGroupIds": "projectgroups"},
    defaults={"UserRoleId": None, "TeamId": None, "ProjectIds": [], "EnvironmentIds": [], "TenantIds": [],
              "ProjectGroupIds": []},
)

family = Family("userroles", collections=(USER_ROLES, SCOPED_USER_ROLES))
