"""The root document (``GET /api``) and each space's root document (``GET /api/Spaces-N``).

Collection links come from :mod:`.resources`; the other links a real server advertises
are listed below, one per line: link name, where it lives (``system`` = ``/api/…``,
``space`` = ``/api/<space>/…``, ``site`` = from the site root), and the path template.
The simulator answers some of them (see :mod:`.behaviours`); the others are advertised
so that clients which only look links up find them, and answer 404 when followed.
"""

from __future__ import annotations

from typing import Any, Optional

from octoclr.simulator import resources

_OTHER_LINKS = """
SignIn                              system  users/login{?returnUrl}
SignOut                             system  users/logout
CurrentUser                         system  users/me
Register                            system  users/register
Invitations                         system  users/invitations
ExternalUserSearch                  system  users/external-search{?partialName}
UserAuthentication                  system  users/authentication{/userId}
UserIdentityMetadata                system  users/identity-metadata
SpaceHome                           system  {spaceId}
Authentication                      system  authentication
LoginInitiated                      system  authentication/checklogininitiated
Authenticate_Google Apps            site    users/authenticate/GoogleApps{?returnUrl}
IntegratedAuthenticationChallenge   site    integrated-challenge
Web                                 site    app
ServerStatus                        system  serverstatus
ServerHealthStatus                  system  serverstatus/health
ExtensionStats                      system  serverstatus/extensions
Timezones                           system  serverstatus/timezones
ServerConfiguration                 system  serverconfiguration
ServerConfigurationSettings         system  serverconfiguration/settings
CertificateConfiguration            system  configuration/certificates{/id}{?skip,take,ids,partialName}
FeaturesConfiguration               system  featuresconfiguration
LetsEncryptConfiguration            system  letsencryptconfiguration
MaintenanceConfiguration            system  maintenanceconfiguration
PerformanceConfiguration            system  performanceconfiguration
UpgradeConfiguration                system  upgradeconfiguration
SmtpConfiguration                   system  smtpconfiguration
SmtpIsConfigured                    system  smtpconfiguration/isconfigured
CurrentLicense                      system  licenses/licenses-current
CurrentLicenseStatus                system  licenses/licenses-current-status
PermissionDescriptions              system  permissions/all
ExternalSecurityGroupProviders      system  externalsecuritygroupproviders
IssueTrackers                       system  issuetrackers{?skip,take,ids,partialName}
EventAgents                         system  events/agents
EventCategories                     system  events/categories{?appliesTo}
EventDocumentTypes                  system  events/documenttypes
EventGroups                         system  events/groups{?appliesTo}
TaskTypes                           system  tasks/taskTypes
Scheduler                           system  scheduler/{name}/logs{?verbose,tail}
OctopusServerClusterSummary         system  octopusservernodes/summary
MigrationsImport                    system  migrations/import
MigrationsPartialExport             system  migrations/partialexport
CloudTemplate                       system  cloudtemplate/{id}/metadata{?packageId,feedId}
ActionTemplateLogo                  space   actiontemplates/{typeOrId}/logo{?cb}
ActionTemplateVersionedLogo         space   actiontemplates/{typeOrId}/versions/{version}/logo{?cb}
ActionTemplatesCategories           space   actiontemplates/categories
ActionTemplatesSearch               space   actiontemplates/search
Dashboard                           space   dashboard{?projectId,releaseId,selectedTenants,selectedTags,showAll,highestLatestVersionPerProjectAndEnvironment}
DashboardConfiguration              space   dashboardconfiguration
DashboardDynamic                    space   dashboard/dynamic{?projects,environments,includePrevious}
DiscoverMachine                     space   machines/discover{?host,port,type,proxyId}
DiscoverWorker                      space   workers/discover{?host,port,type,proxyId}
MachineRoles                        space   machineroles/all
MachinePolicyTemplate               space   machinepolicies/template
EnvironmentSortOrder                space   environments/sortorder
EnvironmentsSummary                 space   environments/summary{?ids,partialName,machinePartialName,roles,isDisabled,healthStatuses,commStyles,tenantIds,tenantTags,hideEmptyEnvironments}
ProjectPulse                        space   projects/pulse{?projectIds}
Reporting/DeploymentsCountedByWeek  space   reporting/deployments-counted-by-week{?projectIds}
TagSetSortOrder                     space   tagsets/sortorder
TenantsMissingVariables             space   tenants/variables-missing{?tenantId,projectId,environmentId,includeDetails}
TenantsStatus                       space   tenants/status
TenantTagTest                       space   tenants/tag-test{?tenantIds,tags}
TenantVariables                     space   tenantvariables/all{?projectId}
UserOnboarding                      space   useronboarding
VariableNames                       space   variables/names{?project,projectEnvironmentsFilter}
VariablePreview                     space   variables/preview{?project,environment,channel,tenant,action,machine,role}
VariablesNonPrintableChars          space   variables/nonPrintableChars
VersionRuleTest                     space   channels/rule-test{?version,versionRange,preReleaseTag,feetType}
WorkerPoolsDynamicWorkerTypes       space   workerpools/dynamicworkertypes
WorkerPoolsSortOrder                space   workerpools/sortorder
WorkerPoolsSummary                  space   workerpools/summary{?ids,partialName,machinePartialName,isDisabled,healthStatuses,commStyles,hideEmptyWorkerPools}
WorkerPoolsSupportedTypes           space   workerpools/supportedtypes
"""


def _other_links() -> list[tuple[str, str, str]]:
    from octoclr.simulator.families import FAMILIES

    table = []
    lines = _OTHER_LINKS.strip().splitlines()
    lines += [line for family in FAMILIES for line in family.root_links.strip().splitlines() if line.strip()]
    for line in lines:
        # Names may contain a space ("Authenticate_Google Apps"), so split from the right.
        name, scope, path = line.rsplit(None, 2)
        table.append((name.strip(), scope, path))
    return table


OTHER_LINKS = _other_links()


def _resolve(scope: str, path: str, space_id: Optional[str]) -> str:
    if scope == "site":
        return "/" + path
    if scope == "space" and space_id:
        return f"/api/{space_id}/{path}"
    return "/api/" + path


def space_links(space_id: str) -> dict[str, str]:
    """Every link of a space: its space-scoped and mixed collections and other space routes."""
    links: dict[str, str] = {}
    for coll in resources.COLLECTIONS:
        if coll.scope in (resources.SPACE, resources.MIXED):
            links[coll.link] = resources.link_template(coll, space_id)
    for name, scope, path in OTHER_LINKS:
        if scope == "space":
            links[name] = _resolve(scope, path, space_id)
    return links


def root_document(version: str, installation_id: str, default_space_id: Optional[str]) -> dict[str, Any]:
    """``GET /api``: system links, plus the default space's links as a real server serves them."""
    links: dict[str, str] = {"Self": "/api"}
    for coll in resources.COLLECTIONS:
        if coll.scope in (resources.SYSTEM, resources.MIXED):
            links[coll.link] = resources.link_template(coll, None)
    for name, scope, path in OTHER_LINKS:
        if scope != "space":
            links[name] = _resolve(scope, path, None)
    if default_space_id:
        for name, template in space_links(default_space_id).items():
            links.setdefault(name, template)
    return {
        "Application": "Octopus Deploy",
        "Version": version,
        "ApiVersion": "3.0.0",
        "InstallationId": installation_id,
        "IsEarlyAccessProgram": False,
        "HasLongTermSupport": False,
        "Links": dict(sorted(links.items(), key=lambda kv: (kv[0] != "Self", kv[0].lower()))),
    }


def space_root_document(space_id: str) -> dict[str, Any]:
    links = {"Self": f"/api/{space_id}", **space_links(space_id)}
    return {"Id": None, "LastModifiedOn": None, "LastModifiedBy": None, "Links": links}
