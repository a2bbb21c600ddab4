"""Releases and deployment processes: versioned steps, snapshots, and the release template.

A project's deployment process is edited in place (each save bumps ``Version``); a release
freezes a copy of the process and of the project's variables. ``…/deploymentprocesses/{id}/template``
tells a client what the next release needs: the version the project's versioning strategy
gives next (``NextVersionIncrement``) and the packages the steps use, with the version the
last release of the channel selected.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec, resources
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.families import secrets as sealing
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import MODIFY, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

RELEASES = Collection(
    "releases", "Releases", "Releases", "Release",
    query=("skip", "ignoreChannelRules", "take", "ids"),
    required=("Version", "ProjectId"),
    references={"ProjectId": "projects", "ChannelId": "channels"},
    name_field="Version",
    parent_field="ProjectId",
    newest_first=True,
    defaults={"Version": None, "ChannelId": None, "ReleaseNotes": "", "ProjectId": None,
              "ProjectDeploymentProcessSnapshotId": None, "IgnoreChannelRules": False,
              "BuildInformation": [], "LibraryVariableSetSnapshotIds": [], "SelectedPackages": [],
              "ProjectVariableSetSnapshotId": None, "VersionControlReference": None, "Assembled": None},
    links={"Project": "/api/{space}/projects/{ProjectId}", "Channel": "/api/{space}/channels/{ChannelId}",
           "Progression": "{self}/progression", "Deployments": "{self}/deployments{?skip,take}",
           "DeploymentTemplate": "{self}/deployments/template", "Artifacts": "/api/{space}/artifacts?regarding={id}",
           "ProjectVariableSnapshot": "/api/{space}/variables/{ProjectVariableSetSnapshotId}",
           "ProjectDeploymentProcessSnapshot": "/api/{space}/deploymentprocesses/{ProjectDeploymentProcessSnapshotId}",
           "SnapshotVariables": "{self}/snapshot-variables", "Web": "/app#/{space}/releases/{id}"},
    filters={"projectId": "ProjectId", "channelId": "ChannelId"},
    blocked_by=(("deployments", "ReleaseId"),),
)


DEPLOYMENT_PROCESSES = Collection(
    "deploymentprocesses", "DeploymentProcesses", "deploymentprocess", "DeploymentProcess",
    query=("skip", "take", "ids"), required=(), name_field=None, verbs=frozenset({MODIFY}),
    defaults={"ProjectId": None, "Steps": [], "Version": 0, "LastSnapshotId": None},
    links={"Project": "/api/{space}/projects/{ProjectId}", "Template": "/api/{space}/deploymentprocesses/{id}/template{?channel,releaseId}"},
)


family = Family("releases", collections=(RELEASES, DEPLOYMENT_PROCESSES))


def _guid() -> str:
    import uuid

    return str(uuid.uuid4())


# --- processes -------------------------------------------------------------------------------

def check_steps(backend: "Backend", process: dict[str, Any], stored: dict[str, Any], kind: str) -> None:
    """The rules of saving a process (deployment or runbook): not a snapshot, current version, named steps."""
    if "-s-" in stored["Id"]:
        raise BadRequest(f"A snapshot of a {kind} cannot be modified.")
    backend._versioned(process, stored)
    steps = process.get("Steps")
    if not isinstance(steps, list):
        raise validation_failed(["Steps must be a list."])
    errors = []
    for step in steps:
        if not isinstance(step, dict) or not step.get("Name"):
            errors.append("Every step needs a Name.")
            continue
        step.setdefault("Id", _guid())
        step.setdefault("Condition", "Success")
        step.setdefault("Properties", {})
        actions = step.get("Actions")
        if actions is None:
            step["Actions"] = actions = []
        if not isinstance(actions, list):
            errors.append(f"The Actions of step '{step['Name']}' must be a list.")
            continue
        for action in actions:
            if not isinstance(action, dict) or not action.get("Name") or not action.get("ActionType"):
                errors.append(f"Every action of step '{step['Name']}' needs a Name and an ActionType.")
                continue
            action.setdefault("Id", _guid())
            action.setdefault("IsDisabled", False)
            action.setdefault("Properties", {})
            action.setdefault("Packages", [])
    if errors:
        raise validation_failed(sorted(set(errors), key=errors.index))
    process["ProjectId"] = stored.get("ProjectId")


def freeze(backend: "Backend", path: str, source_id: Optional[str], actor: Optional[str]) -> Optional[str]:
    """A frozen copy of a process or variable set (``<id>-s-<version>-<suffix>``), for a release or snapshot."""
    source = backend.store.get(path, source_id or "")
    if source is None:
        return None
    copy = source.resource()
    suffix = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(5))
    copy["Id"] = f"{source.id}-s-{copy.get('Version', 0)}-{suffix}"
    if "LastSnapshotId" in copy:
        copy["LastSnapshotId"] = None
    # The copy keeps the source's sensitive values (before it is saved, so its body says it has them).
    sealing.copy_kept(backend.store, path, source.id, copy["Id"])
    backend._put_child(path, copy, actor)
    if "LastSnapshotId" in source.resource():
        original = source.resource()
        original["LastSnapshotId"] = copy["Id"]
        backend._save(resources.BY_PATH[path], original, actor)
    return copy["Id"]


@family.hook("before_modify", "deploymentprocesses")
def _check_deployment_process(backend: "Backend", process: dict[str, Any], stored: dict[str, Any],
                              actor: Optional[str]) -> None:
    check_steps(backend, process, stored, "deployment process")


# --- releases --------------------------------------------------------------------------------

@family.hook("before_create", "releases")
def _default_channel(backend: "Backend", release: dict[str, Any], actor: Optional[str]) -> None:
    project_id = release.get("ProjectId")
    if not isinstance(project_id, str):
        return  # the generic validation reports it
    project = backend.store.get("projects", project_id)
    if project is None:
        return
    if not release.get("ChannelId"):
        for row in backend.store.rows("channels", project.space_id):
            body = row.resource()
            if (body.get("ProjectId") or "").lower() == project.id.lower() and body.get("IsDefault"):
                release["ChannelId"] = row.id
    channel = backend.store.get("channels", release.get("ChannelId") or "")
    if channel and (channel.resource().get("ProjectId") or "").lower() != project.id.lower():
        raise validation_failed([f"The channel '{channel.id}' does not belong to project '{project.id}'."])
    release["Assembled"] = codec.now_iso()


@family.hook("after_create", "releases")
def _snapshot_process_and_variables(backend: "Backend", release: dict[str, Any], actor: Optional[str],
                                    incoming: dict[str, Any]) -> None:
    project = backend.store.get("projects", release["ProjectId"])
    if project is None:
        return
    body = project.resource()
    release["ProjectDeploymentProcessSnapshotId"] = freeze(backend, "deploymentprocesses",
                                                           body.get("DeploymentProcessId"), actor)
    release["ProjectVariableSetSnapshotId"] = freeze(backend, "variables", body.get("VariableSetId"), actor)
    release["LibraryVariableSetSnapshotIds"] = _freeze_libraries(backend, body, actor)
    backend._save(resources.BY_PATH["releases"], release, actor)


def _freeze_libraries(backend: "Backend", project: dict[str, Any], actor: Optional[str]) -> list[str]:
    """Frozen copies of the variable sets of the library sets the project includes, as a release keeps them."""
    frozen = []
    for library_id in project.get("IncludedLibraryVariableSetIds") or []:
        library = backend.store.get("libraryvariablesets", library_id)
        copy = freeze(backend, "variables", library.resource().get("VariableSetId"), actor) if library else None
        if copy:
            frozen.append(copy)
    return frozen


@family.hook("before_modify", "releases")
def _keep_snapshots(backend: "Backend", release: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    for key in ("ProjectId", "ProjectDeploymentProcessSnapshotId", "ProjectVariableSetSnapshotId", "Assembled",
                "LibraryVariableSetSnapshotIds"):
        release[key] = stored.get(key)


def release_by_version(backend: "Backend", project_id: str, version: str) -> dict[str, Any]:
    _, bodies = backend.store.query("releases", ids=None, name=version)
    for body in bodies:
        release = codec.loads(body)
        if (release.get("ProjectId") or "").lower() == project_id.lower():
            return release
    raise NotFound(f"There is no release {version} of project '{project_id}'.")


@family.route("GET", "projects/{id}/releases/{version}", scope=SPACE)
async def _release_by_version(call: Call) -> Any:
    project = call.backend.find(resources.BY_PATH["projects"], call.params["id"], call.space_id)
    return release_by_version(call.backend, project["Id"], call.params["version"])


@family.route("POST", "releases/{id}/snapshot-variables", scope=SPACE)
async def _snapshot_variables(call: Call) -> Any:
    """Take a fresh snapshot of the project's variables for a release (the process snapshot stays)."""
    backend = call.backend
    releases = resources.BY_PATH["releases"]
    release = backend.find(releases, call.params["id"], call.space_id)
    project = backend.store.get("projects", release.get("ProjectId") or "")
    if project is None:
        raise NotFound(f"The project of release '{release['Id']}' no longer exists.")
    with backend.store.transaction():
        old = release.get("ProjectVariableSetSnapshotId")
        release["ProjectVariableSetSnapshotId"] = freeze(backend, "variables", project.resource().get("VariableSetId"),
                                                         call.actor)
        if old and old != release["ProjectVariableSetSnapshotId"] and not _snapshot_in_use(backend, old, release["Id"]):
            backend.store.delete("variables", old)
        release["LibraryVariableSetSnapshotIds"] = _freeze_libraries(backend, project.resource(), call.actor)
        backend._save(releases, release, call.actor)
    return backend._reread(releases, release)


def _snapshot_in_use(backend: "Backend", variable_set_id: str, release_id: str) -> bool:
    for row in backend.store.rows("deployments"):
        deployment = row.resource()
        if deployment.get("ManifestVariableSetId") == variable_set_id and deployment.get("ReleaseId") != release_id:
            return True
    return False


@family.route("GET", "releases/{id}/deployments/template", scope=SPACE)
async def _deployment_template(call: Call) -> Any:
    backend = call.backend
    release = backend.find(resources.BY_PATH["releases"], call.params["id"], call.space_id)
    project = backend.store.get("projects", release.get("ProjectId") or "")
    process_id = project.resource().get("DeploymentProcessId") if project else None
    current = backend.store.get("deploymentprocesses", process_id or "")
    frozen = backend.store.get("deploymentprocesses", release.get("ProjectDeploymentProcessSnapshotId") or "")
    modified = bool(current and frozen and current.resource().get("Steps") != frozen.resource().get("Steps"))
    space = release["SpaceId"]
    targets = [{"Id": r.id, "Name": r.resource().get("Name"),
                "Links": {"Self": f"/api/{space}/environments/{r.id}",
                          "Preview": f"/api/{space}/releases/{release['Id']}/deployments/preview/{r.id}{{/tenant}}"}}
               for r in backend.store.rows("environments", space)]
    return {"IsDeploymentProcessModified": modified, "DeploymentNotes": None, "IsVariableSetModified": False,
            "IsLibraryVariableSetModified": False, "IsGitResourceModified": False, "PromoteTo": targets,
            "TenantPromotions": [], "Links": {}}


# --- the release template ------------------------------------------------------------------

_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:[-+](.*))?$")
_TOKEN = re.compile(r"#\{\s*([A-Za-z0-9_.]+)\s*\}")


def _parts(version: Optional[str]) -> tuple[int, int, int, int, str]:
    match = _VERSION.match(str(version or ""))
    if not match:
        return 0, 0, 0, 0, ""
    numbers = [int(g) if g else 0 for g in match.groups()[:4]]
    return numbers[0], numbers[1], numbers[2], numbers[3], match.group(5) or ""


def _sort_key(release: dict[str, Any]) -> tuple[Any, ...]:
    major, minor, patch, build, suffix = _parts(release.get("Version"))
    # A prerelease sorts before its release; ties go to the newer one.
    return major, minor, patch, build, suffix == "", suffix, release.get("Assembled") or ""


def next_version(template: str, last: Optional[str], channel_last: Optional[str]) -> str:
    """What a versioning template (``#{Octopus.Version.NextPatch}``…) gives after the last releases."""
    values: dict[str, str] = {}
    for prefix, version in (("Octopus.Version.", last), ("Octopus.Version.Channel.", channel_last)):
        major, minor, patch, build, suffix = _parts(version)
        for name, value in (("Major", major), ("Minor", minor), ("Patch", patch), ("Build", build),
                            ("Revision", build)):
            values[f"{prefix}Last{name}"] = str(value)
            values[f"{prefix}Next{name}"] = str(value + 1)
        values[f"{prefix}LastSuffix"] = suffix
    now = time.gmtime()
    values.update({"Octopus.Date.Year": f"{now.tm_year:04d}", "Octopus.Date.Month": f"{now.tm_mon:02d}",
                   "Octopus.Date.Day": f"{now.tm_mday:02d}", "Octopus.Date.DayOfYear": f"{now.tm_yday:03d}",
                   "Octopus.Time.Hour": f"{now.tm_hour:02d}", "Octopus.Time.Minute": f"{now.tm_min:02d}",
                   "Octopus.Time.Second": f"{now.tm_sec:02d}"})
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _project_releases(backend: "Backend", project_id: str, space_id: Optional[str],
                      channel_id: Optional[str] = None) -> list[dict[str, Any]]:
    found = []
    for row in backend.store.rows("releases", space_id):
        release = row.resource()
        if (release.get("ProjectId") or "").lower() != project_id.lower():
            continue
        if channel_id and (release.get("ChannelId") or "").lower() != channel_id.lower():
            continue
        found.append(release)
    return sorted(found, key=_sort_key)


def _step_packages(backend: "Backend", process: dict[str, Any]) -> list[dict[str, Any]]:
    """Every package an enabled action of the process takes, with its reference name."""
    packages = []
    for step in process.get("Steps") or []:
        for action in step.get("Actions") or []:
            if not isinstance(action, dict) or action.get("IsDisabled"):
                continue
            references = list(action.get("Packages") or [])
            properties = action.get("Properties") or {}
            if not references and properties.get("Octopus.Action.Package.PackageId"):
                references = [{"Name": "", "PackageId": properties.get("Octopus.Action.Package.PackageId"),
                               "FeedId": properties.get("Octopus.Action.Package.FeedId")}]
            for reference in references:
                if not isinstance(reference, dict) or not reference.get("PackageId"):
                    continue
                packages.append({"StepName": step.get("Name"), "ActionName": action.get("Name"),
                                 "PackageReferenceName": reference.get("Name") or "",
                                 "PackageId": reference.get("PackageId"), "FeedId": reference.get("FeedId")})
    return packages


def template_packages(backend: "Backend", process: dict[str, Any], space_id: Optional[str],
                      previous: Optional[dict[str, Any]]) -> list[dict[str, Any]]:
    """The packages of a release or snapshot template: each with its feed's name and the version
    ``previous`` (the last release of the channel, or the runbook's last snapshot) selected for it."""
    feeds = {row.id.lower(): row.resource() for row in backend.store.rows("feeds", space_id)}
    packages = []
    for package in _step_packages(backend, process):
        selected = None
        for choice in (previous or {}).get("SelectedPackages") or []:
            if isinstance(choice, dict) and choice.get("ActionName") == package["ActionName"] and \
                    (choice.get("PackageReferenceName") or "") == package["PackageReferenceName"]:
                selected = choice.get("Version")
        feed = feeds.get(str(package["FeedId"] or "").lower())
        resolvable = feed is not None and "#{" not in str(package["PackageId"])
        packages.append({**package, "NuGetPackageId": package["PackageId"], "NuGetFeedId": package["FeedId"],
                         "FeedName": feed.get("Name") if feed else None,
                         "NuGetFeedName": feed.get("Name") if feed else None,
                         "VersionSelectedLastRelease": selected, "FixedVersion": None, "IsResolvable": resolvable})
    return packages


def release_template(backend: "Backend", process: dict[str, Any], channel_id: Optional[str],
                     release_id: Optional[str]) -> dict[str, Any]:
    project_row = backend.store.get("projects", process.get("ProjectId") or "")
    if project_row is None:
        raise NotFound(f"The project of deployment process '{process['Id']}' no longer exists.")
    project = project_row.resource()
    space_id = project.get("SpaceId")
    if channel_id:
        channel = backend.store.get("channels", channel_id)
        if channel is None or (channel.resource().get("ProjectId") or "").lower() != project["Id"].lower():
            raise BadRequest(f"The channel '{channel_id}' does not belong to project '{project['Id']}'.")
        channel_id = channel.id
    releases = _project_releases(backend, project["Id"], space_id)
    in_channel = _project_releases(backend, project["Id"], space_id, channel_id) if channel_id else releases
    last = releases[-1] if releases else None
    channel_last = in_channel[-1] if in_channel else None
    chosen = None
    if release_id:
        row = backend.store.get("releases", release_id)
        if row is None:
            raise NotFound(f"The release '{release_id}' was not found.")
        chosen = row.resource()
    previous = chosen or channel_last
    strategy = project.get("VersioningStrategy") or {}
    donor = strategy.get("DonorPackage") or None
    template = strategy.get("Template") or "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}." \
                                          "#{Octopus.Version.NextPatch}"
    packages = template_packages(backend, process, space_id, previous)
    return {
        "Id": None, "DeploymentProcessId": process["Id"],
        "LastReleaseVersion": channel_last.get("Version") if channel_last else (last or {}).get("Version"),
        "NextVersionIncrement": None if donor else next_version(
            template, last.get("Version") if last else None, channel_last.get("Version") if channel_last else None),
        "VersioningPackageStepName": donor.get("DeploymentAction") if isinstance(donor, dict) else None,
        "VersioningPackageReferenceName": donor.get("PackageReference") if isinstance(donor, dict) else None,
        "Packages": packages, "GitResources": [], "Links": {},
    }


@family.route("GET", "deploymentprocesses/{id}/template", scope=SPACE)
async def _template(call: Call) -> Any:
    process = call.backend.find(resources.BY_PATH["deploymentprocesses"], call.params["id"], call.space_id)
    return release_template(call.backend, process, call.query("channel") or None, call.query("releaseId") or None)


def _project_process(call: Call) -> dict[str, Any]:
    project = call.backend.find(resources.BY_PATH["projects"], call.params["id"], call.space_id)
    return call.backend.find(resources.BY_PATH["deploymentprocesses"], project["DeploymentProcessId"], call.space_id)


@family.route("GET", "projects/{id}/deploymentprocesses", scope=SPACE)
async def _project_process_get(call: Call) -> Any:
    return _project_process(call)


@family.route("PUT", "projects/{id}/deploymentprocesses", scope=SPACE)
async def _project_process_put(call: Call) -> Any:
    process = _project_process(call)
    body = await call.json()
    return call.backend.modify(resources.BY_PATH["deploymentprocesses"], call.space_id, process["Id"], body,
                               call.actor)


@family.route("GET", "projects/{id}/deploymentprocesses/template", scope=SPACE)
async def _project_process_template(call: Call) -> Any:
    return release_template(call.backend, _project_process(call), call.query("channel") or None,
                            call.query("releaseId") or None)


# --- deployment previews: what a deployment of the release to an environment would run ----------

def _target_roles(step: dict[str, Any]) -> list[str]:
    text = (step.get("Properties") or {}).get("Octopus.Action.TargetRoles") or ""
    return [r.strip() for r in str(text).split(",") if r.strip()]


def preview(backend: "Backend", release: dict[str, Any], environment_id: str, tenant_id: Optional[str]) -> dict[str, Any]:
    from octoclr.simulator.families.deployments import guided_failure

    space = release["SpaceId"]
    environment = backend.store.get("environments", environment_id)
    if environment is None or environment.space_id != space:
        raise NotFound(f"The environment '{environment_id}' was not found.")
    tenant = backend.store.get("tenants", tenant_id) if tenant_id else None
    if tenant_id and (tenant is None or tenant.space_id != space):
        raise NotFound(f"The tenant '{tenant_id}' was not found.")
    machines = [row.resource() for row in backend.store.rows("machines", space)
                if environment.id in (row.resource().get("EnvironmentIds") or [])]
    if tenant is not None:
        machines = [m for m in machines if m.get("TenantedDeploymentParticipation") != "Untenanted"
                    and tenant.id in (m.get("TenantIds") or [])]
    process = backend.store.get("deploymentprocesses", release.get("ProjectDeploymentProcessSnapshotId") or "")
    steps = []
    for number, step in enumerate((process.resource().get("Steps") or []) if process else [], start=1):
        roles = _target_roles(step)
        applicable = [m for m in machines if set(roles) & set(m.get("Roles") or [])] if roles else []
        actions = step.get("Actions") or []
        for index, action in enumerate(actions, start=1):
            available = [m for m in applicable if not m.get("IsDisabled") and m.get("HealthStatus") != "Unavailable"]
            steps.append({
                "ActionId": action.get("Id"), "ActionName": action.get("Name"),
                "ActionNumber": str(number) if len(actions) == 1 else f"{number}.{index}",
                "Roles": roles, "MachineNames": [m["Name"] for m in available],
                "Machines": [{"Id": m["Id"], "Name": m["Name"], "HealthStatus": m.get("HealthStatus"),
                              "HasLatestCalamari": m.get("HasLatestCalamari", True)} for m in available],
                "ExcludedMachines": [],
                "UnavailableMachines": [{"Id": m["Id"], "Name": m["Name"]} for m in applicable if m not in available],
                "HasNoApplicableMachines": bool(roles) and not available,
                "CanBeSkipped": not action.get("IsRequired", False), "IsDisabled": bool(action.get("IsDisabled"))})
    variables = backend.store.get("variables", release.get("ProjectVariableSetSnapshotId") or "")
    elements = []
    for variable in (variables.resource().get("Variables") or []) if variables else []:
        prompt = variable.get("Prompt")
        if isinstance(prompt, dict):
            elements.append({"Name": variable.get("Id"), "IsValueRequired": bool(prompt.get("Required")),
                             "Control": {"Type": "VariableValue", "Name": variable.get("Name"),
                                         "Label": prompt.get("Label") or variable.get("Name"),
                                         "Description": prompt.get("Description") or "",
                                         "Required": bool(prompt.get("Required")),
                                         "DisplaySettings": prompt.get("DisplaySettings") or {}}})
    project = backend.store.get("projects", release.get("ProjectId") or "")
    notes = release.get("ReleaseNotes") or ""
    return {"Id": None, "StepsToExecute": steps, "Form": {"Values": {}, "Elements": elements},
            "UseGuidedFailureModeByDefault": guided_failure(
                backend, project.resource().get("DefaultGuidedFailureMode") if project else None, environment.id, False),
            "Changes": [{"Version": release.get("Version"), "ReleaseNotes": notes, "BuildInformation": [],
                         "WorkItems": [], "Commits": []}],
            "ChangesMarkdown": f"## {release.get('Version')}\n\n{notes}" if notes else "",
            "Links": {"Self": f"/api/{space}/releases/{release['Id']}/deployments/preview/{environment.id}"
                              + (f"/{tenant.id}" if tenant else "")}}


@family.route("GET", "releases/{id}/deployments/preview/{environment}", scope=SPACE)
async def _preview(call: Call) -> Any:
    release = call.backend.find(resources.BY_PATH["releases"], call.params["id"], call.space_id)
    return preview(call.backend, release, call.params["environment"], None)


@family.route("GET", "releases/{id}/deployments/preview/{environment}/{tenant}", scope=SPACE)
async def _tenant_preview(call: Call) -> Any:
    release = call.backend.find(resources.BY_PATH["releases"], call.params["id"], call.space_id)
    return preview(call.backend, release, call.params["environment"], call.params["tenant"])


@family.route("POST", "releases/{id}/deployments/previews", scope=SPACE)
async def _previews(call: Call) -> Any:
    """Several previews at once: ``{"DeploymentPreviews": [{"EnvironmentId": …, "TenantId": …}, …]}``."""
    release = call.backend.find(resources.BY_PATH["releases"], call.params["id"], call.space_id)
    body = await call.json()
    wanted = body.get("DeploymentPreviews") if isinstance(body, dict) else body
    if not isinstance(wanted, list) or not wanted or not all(isinstance(w, dict) and w.get("EnvironmentId")
                                                             for w in wanted):
        raise validation_failed(["Send DeploymentPreviews: a list of {EnvironmentId, TenantId} to preview."])
    return [preview(call.backend, release, str(w["EnvironmentId"]), w.get("TenantId")) for w in wanted]
