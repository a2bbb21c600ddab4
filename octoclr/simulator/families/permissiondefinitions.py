"""The permissions a server knows: ``GET /api/permissions/all``.

A dictionary from each permission's name to what it allows, the restrictions (projects,
environments, tenants, project groups) a scoped user role can narrow it by, and whether a
role grants it at system level, in a space, or both. The web portal reads it to build its
user role editor; a script reads it to learn which names a role may grant. The names are the
server's; the descriptions are the simulator's own words.
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator.families.base import SYSTEM, Call, Family

family = Family("permissiondefinitions")

_RESTRICTIONS = {"P": "ProjectIds", "E": "EnvironmentIds", "T": "TenantIds", "G": "ProjectGroupIds"}
_LEVELS = {"space": (False, True), "system": (True, False), "both": (True, True)}

#: name, where a role grants it, the restrictions it takes (letters of _RESTRICTIONS, "-" for none), what it allows.
_TABLE = """
AdministerSystem                  system  -     Do everything on the server, in every space
ConfigureServer                   system  -     Change the server's configuration (sign-in, SMTP, maintenance, retention)
SpaceCreate                       system  -     Create spaces
SpaceView                         both    -     See spaces
SpaceEdit                         both    -     Change spaces
SpaceDelete                       system  -     Delete spaces
UserView                          both    -     See users
UserEdit                          system  -     Change users and their sign-in identities
UserInvite                        system  -     Invite users to register
UserRoleView                      both    -     See user roles
UserRoleEdit                      system  -     Change user roles
TeamView                          both    -     See teams and who is in them
TeamCreate                        both    -     Create teams
TeamEdit                          both    -     Change teams, their members and roles
TeamDelete                        both    -     Delete teams
EventView                         both    PEGT  See the audit log
TaskView                          both    PEGT  See server tasks and their logs
TaskCreate                        both    PEGT  Start server tasks (health checks, backups, scripts)
TaskCancel                        both    PEGT  Cancel server tasks
TaskEdit                          both    PEGT  Change server tasks (their state or queue)
ProjectView                       space   PG    See projects
ProjectCreate                     space   G     Create projects
ProjectEdit                       space   PG    Change projects
ProjectDelete                     space   PG    Delete projects
ProcessView                       space   PG    See deployment and runbook processes
ProcessEdit                       space   PG    Change deployment processes
VariableView                      space   PEGT  See variables scoped to what the role allows
VariableViewUnscoped              space   PEGT  See variables that have no scope
VariableEdit                      space   PEGT  Change variables scoped to what the role allows
VariableEditUnscoped              space   PEGT  Change variables that have no scope
ReleaseView                       space   PGT   See releases
ReleaseCreate                     space   PGT   Create releases
ReleaseEdit                       space   PGT   Change releases
ReleaseDelete                     space   PGT   Delete releases
DefectReport                      space   PEGT  Report a defect in a release
DefectResolve                     space   PEGT  Resolve a defect in a release
DeploymentView                    space   PEGT  See deployments
DeploymentCreate                  space   PEGT  Deploy releases
DeploymentDelete                  space   PEGT  Delete deployments
RunbookView                       space   PG    See runbooks
RunbookEdit                       space   PG    Create and change runbooks, their processes and snapshots
RunbookRunView                    space   PEGT  See runbook runs
RunbookRunCreate                  space   PEGT  Run runbooks
RunbookRunDelete                  space   PEGT  Delete runbook runs
TriggerView                       space   PG    See project triggers
TriggerCreate                     space   PG    Create project triggers
TriggerEdit                       space   PG    Change project triggers
TriggerDelete                     space   PG    Delete project triggers
ArtifactView                      space   PEGT  See artifacts
ArtifactCreate                    space   PEGT  Attach artifacts
ArtifactEdit                      space   PEGT  Change artifacts
ArtifactDelete                    space   PEGT  Delete artifacts
InterruptionView                  space   PEGT  See manual interventions and guided failures
InterruptionSubmit                space   PEGT  Answer manual interventions and guided failures
InterruptionViewSubmitResponsible space   PEGT  Take responsibility for an interruption, see it and answer it
EnvironmentView                   space   E     See environments
EnvironmentCreate                 space   E     Create environments
EnvironmentEdit                   space   E     Change environments
EnvironmentDelete                 space   E     Delete environments
MachineView                       space   ET    See deployment targets
MachineCreate                     space   ET    Add deployment targets
MachineEdit                       space   ET    Change deployment targets
MachineDelete                     space   ET    Delete deployment targets
MachinePolicyView                 space   -     See machine policies
MachinePolicyCreate               space   -     Create machine policies
MachinePolicyEdit                 space   -     Change machine policies
MachinePolicyDelete               space   -     Delete machine policies
WorkerView                        space   -     See workers and worker pools
WorkerEdit                        space   -     Add, change and delete workers and worker pools
ProjectGroupView                  space   G     See project groups
ProjectGroupCreate                space   G     Create project groups
ProjectGroupEdit                  space   G     Change project groups
ProjectGroupDelete                space   G     Delete project groups
LifecycleView                     space   -     See lifecycles
LifecycleCreate                   space   -     Create lifecycles
LifecycleEdit                     space   -     Change lifecycles
LifecycleDelete                   space   -     Delete lifecycles
LibraryVariableSetView            space   -     See library variable sets and script modules
LibraryVariableSetCreate          space   -     Create library variable sets and script modules
LibraryVariableSetEdit            space   -     Change library variable sets and script modules
LibraryVariableSetDelete          space   -     Delete library variable sets and script modules
ActionTemplateView                space   -     See step templates
ActionTemplateCreate              space   -     Create step templates
ActionTemplateEdit                space   -     Change step templates
ActionTemplateDelete              space   -     Delete step templates
FeedView                          space   -     See feeds and the packages in them
FeedEdit                          space   -     Create, change and delete feeds
BuiltInFeedPush                   space   P     Push packages to the built-in feed
BuiltInFeedAdminister             space   -     Replace and delete packages in the built-in feed
BuiltInFeedDownload               space   -     Download packages from the built-in feed
BuildInformationPush              space   P     Push build information
BuildInformationAdminister        space   -     Replace and delete build information
AccountView                       space   ET    See accounts
AccountCreate                     space   ET    Create accounts
AccountEdit                       space   ET    Change accounts
AccountDelete                     space   ET    Delete accounts
CertificateView                   space   ET    See certificates
CertificateCreate                 space   ET    Add certificates
CertificateEdit                   space   ET    Change certificates
CertificateDelete                 space   ET    Delete certificates
CertificateExportPrivateKey       space   ET    Export certificates with their private keys
TenantView                        space   T     See tenants
TenantCreate                      space   T     Create tenants
TenantEdit                        space   T     Change tenants and their variables
TenantDelete                      space   T     Delete tenants
TagSetCreate                      space   -     Create tag sets
TagSetEdit                        space   -     Change tag sets
TagSetDelete                      space   -     Delete tag sets
ProxyView                         space   -     See proxies
ProxyCreate                       space   -     Create proxies
ProxyEdit                         space   -     Change proxies
ProxyDelete                       space   -     Delete proxies
SubscriptionView                  space   -     See subscriptions
SubscriptionCreate                space   -     Create subscriptions
SubscriptionEdit                  space   -     Change subscriptions
SubscriptionDelete                space   -     Delete subscriptions
"""


def definitions() -> dict[str, dict[str, Any]]:
    """Every permission by name, as ``permissions/all`` answers."""
    found: dict[str, dict[str, Any]] = {}
    for line in _TABLE.strip().splitlines():
        name, level, restrictions, description = line.split(None, 3)
        system, space = _LEVELS[level]
        found[name] = {"Description": description + ".",
                       "SupportedRestrictions": [_RESTRICTIONS[c] for c in restrictions if c != "-"],
                       "CanApplyAtSystemLevel": system, "CanApplyAtSpaceLevel": space}
    return found


@family.route("GET", "permissions/all", scope=SYSTEM)
async def _all(call: Call) -> Any:
    return definitions()
