"""The Executions API: ``…/releases/create/v1``, ``…/deployments/create/{untenanted,tenanted}/v1``
and ``…/runbook-runs/create/v1``.

Newer clients (the TypeScript api-client, the Octopus CLI) create releases, deployments and
runbook runs with one command that names the project, channel, environments and tenants
by name, slug or id, instead of posting resources. Each command is carried out with the
backend's ordinary create operations, so the same validation and side effects apply.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from octoclr.simulator import resources
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.exceptions import BadRequest, NotFound, validation_failed
from octoclr.simulator.store import ANY_SPACE

class Executions:
    """Carries out execution commands against a backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def space(self, url_space: Optional[str], command: dict[str, Any]) -> str:
        wanted = url_space or command.get("spaceidorname") or command.get("spacename") or self.backend.default_space_id()
        found = self._named("spaces", None, str(wanted or ""))
        if found is None:
            raise validation_failed([f"The space '{wanted}' does not exist."])
        return str(found["Id"])

    def _named(self, path: str, space_id: Optional[str], value: str,
               parent: Optional[tuple[str, str]] = None) -> Optional[dict[str, Any]]:
        """A resource by id, name or (projects) slug, case-insensitively."""
        row = self.backend.store.get(path, value)
        if row is not None and (space_id is None or row.space_id == space_id):
            return row.resource()
        coll = resources.BY_PATH[path]
        for candidate in self.backend.store.rows(path, space_id if coll.scope == resources.SPACE else ANY_SPACE):
            body = candidate.resource()
            if parent and (body.get(parent[0]) or "").lower() != parent[1].lower():
                continue
            names = [body.get(coll.name_field or "Name"), body.get("Slug")]
            if any(isinstance(n, str) and n.strip().lower() == value.strip().lower() for n in names):
                return body
        return None

    @staticmethod
    def _lower_keys(command: Any) -> dict[str, Any]:
        if not isinstance(command, dict):
            raise BadRequest("The request body must be a JSON object.")
        return {str(k).lower(): v for k, v in command.items()}

    def _project(self, space_id: str, command: dict[str, Any]) -> dict[str, Any]:
        name = command.get("projectname")
        if not isinstance(name, str) or not name.strip():
            raise validation_failed(["Please provide a ProjectName."])
        project = self._named("projects", space_id, name)
        if project is None:
            raise validation_failed([f"The project '{name}' does not exist in space {space_id}."])
        return project

    def create_release(self, url_space: Optional[str], body: Any, actor: Optional[str]) -> dict[str, Any]:
        command = self._lower_keys(body)
        space_id = self.space(url_space, command)
        project = self._project(space_id, command)
        channel_id = None
        if command.get("channelname"):
            channel = self._named("channels", space_id, str(command["channelname"]), ("ProjectId", project["Id"]))
            if channel is None:
                raise validation_failed([f"The channel '{command['channelname']}' does not exist in project "
                                         f"{project['Name']}."])
            channel_id = channel["Id"]
        version = command.get("releaseversion") or command.get("packageversion") or self._next_version(project)
        existing = self._release(project, str(version))
        if existing is not None:
            if command.get("ignoreifalreadyexists"):
                return {"ReleaseId": existing["Id"], "ReleaseVersion": existing["Version"]}
            raise validation_failed([f"A release with the version '{version}' already exists in project "
                                     f"{project['Name']}."])
        release = self.backend.create(resources.BY_PATH["releases"], space_id, {
            "ProjectId": project["Id"], "Version": str(version), "ChannelId": channel_id,
            "ReleaseNotes": command.get("releasenotes") or "",
            "IgnoreChannelRules": bool(command.get("ignorechannelrules"))}, actor)
        return {"ReleaseId": release["Id"], "ReleaseVersion": release["Version"]}

    def _release(self, project: dict[str, Any], version: str) -> Optional[dict[str, Any]]:
        for row in self.backend.store.rows("releases", project["SpaceId"]):
            body = row.resource()
            if body.get("ProjectId") == project["Id"] and str(body.get("Version")).lower() == version.lower():
                return body
        return None

    def _next_version(self, project: dict[str, Any]) -> str:
        """What the default versioning template gives: the last release's patch number plus one."""
        last = (0, 0, 0)
        for row in self.backend.store.rows("releases", project["SpaceId"]):
            body = row.resource()
            match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str(body.get("Version")))
            if body.get("ProjectId") == project["Id"] and match:
                major, minor, patch = (int(g) for g in match.groups())
                last = max(last, (major, minor, patch))
        return f"{last[0]}.{last[1]}.{last[2] + 1}"

    def deploy(self, url_space: Optional[str], body: Any, actor: Optional[str], *, tenanted: bool) -> dict[str, Any]:
        command = self._lower_keys(body)
        space_id = self.space(url_space, command)
        project = self._project(space_id, command)
        version = command.get("releaseversion")
        if not version:
            raise validation_failed(["Please provide a ReleaseVersion."])
        release = self._release(project, str(version))
        if release is None:
            raise validation_failed([f"Release {version} of project {project['Name']} does not exist."])
        if tenanted:
            environments = [command.get("environmentname")]
            tenant_names = command.get("tenants") or []
            if not isinstance(tenant_names, list) or not tenant_names:
                raise validation_failed(["Please name at least one tenant in Tenants."])
            tenants = []
            for name in tenant_names:
                tenant = self._named("tenants", space_id, str(name))
                if tenant is None:
                    raise validation_failed([f"The tenant '{name}' does not exist."])
                tenants.append(tenant["Id"])
        else:
            environments = command.get("environmentnames") or []
            tenants = [None]
        if not isinstance(environments, list) or not environments or not all(environments):
            raise validation_failed(["Please name at least one environment."])
        resolved = []
        for name in environments:
            environment = self._named("environments", space_id, str(name))
            if environment is None:
                raise validation_failed([f"The environment '{name}' does not exist in space {space_id}."])
            resolved.append(environment["Id"])
        machines = []
        for name in command.get("specificmachinenames") or []:
            machine = self._named("machines", space_id, str(name))
            if machine is None:
                raise validation_failed([f"The deployment target '{name}' does not exist."])
            machines.append(machine["Id"])
        created = []
        with self.backend.store.transaction():
            for environment_id in resolved:
                for tenant_id in tenants:
                    deployment = self.backend.create(resources.BY_PATH["deployments"], space_id, {
                        "ReleaseId": release["Id"], "EnvironmentId": environment_id, "TenantId": tenant_id,
                        "ForcePackageRedeployment": bool(command.get("forcepackageredeployment")),
                        "ForcePackageDownload": bool(command.get("forcepackagedownload")),
                        "UseGuidedFailure": bool(command.get("useguidedfailure")),
                        "SpecificMachineIds": machines, "SkipActions": []}, actor)
                    created.append({"DeploymentId": deployment["Id"], "ServerTaskId": deployment["TaskId"]})
        return {"DeploymentServerTasks": created}

    def run_runbook(self, url_space: Optional[str], body: Any, actor: Optional[str]) -> dict[str, Any]:
        """``…/runbook-runs/create/v1``: run a runbook named in a project, in named environments.

        The snapshot is the one named in ``Snapshot`` (name or id), else the published one; a
        tenanted runbook runs once per environment and tenant (``Tenants`` by name or id, and
        every tenant carrying one of ``TenantTags``).
        """
        command = self._lower_keys(body)
        space_id = self.space(url_space, command)
        project = self._project(space_id, command)
        runbook = self._runbook(project, command.get("runbookname"))
        snapshot_id = self._snapshot(runbook, command.get("snapshot"))
        environments = [self._required("environments", space_id, name, "environment")["Id"]
                        for name in self._names(command, "EnvironmentNames", "environment")]
        tenants = self._run_tenants(space_id, runbook, command)
        machines = {key: [self._required("machines", space_id, name, "deployment target")["Id"]
                          for name in self._names(command, key, "deployment target", optional=True)]
                    for key in ("SpecificMachineNames", "ExcludedMachineNames")}
        skipped = self._skipped_actions(runbook, snapshot_id, self._names(command, "SkipStepNames", "step",
                                                                          optional=True))
        variables = command.get("variables") or {}
        if not isinstance(variables, dict):
            raise validation_failed(["Variables must be an object of prompted variable names and values."])
        created = []
        with self.backend.store.transaction():
            for environment_id in dict.fromkeys(environments):
                for tenant_id in tenants:
                    run = self.backend.create(resources.BY_PATH["runbookruns"], space_id, {
                        "RunbookId": runbook["Id"], "RunbookSnapshotId": snapshot_id, "EnvironmentId": environment_id,
                        "TenantId": tenant_id, "ForcePackageDownload": bool(command.get("forcepackagedownload")),
                        "UseGuidedFailure": bool(command.get("useguidedfailure")),
                        "SpecificMachineIds": machines["SpecificMachineNames"],
                        "ExcludedMachineIds": machines["ExcludedMachineNames"], "SkipActions": skipped,
                        "QueueTime": command.get("runat"), "QueueTimeExpiry": command.get("norunafter"),
                        "FormValues": {str(k): v for k, v in variables.items()}}, actor)
                    created.append({"RunbookRunId": run["Id"], "ServerTaskId": run["TaskId"]})
        return {"RunbookRunServerTasks": created}

    def run_git_runbook(self, url_space: Optional[str], body: Any) -> None:
        """``…/runbook-runs/git/create/v1``: a runbook kept in git at a ``GitRef``, which the simulator has not.

        A project kept in the database is refused with 400, as a real server refuses it; one marked
        version controlled answers "not simulated", since its runbooks would live on a git server.
        """
        command = self._lower_keys(body)
        project = self._project(self.space(url_space, command), command)
        if not project.get("IsVersionControlled"):
            raise BadRequest(f"The project '{project['Name']}' is not version controlled, so it has no runbooks in git.",
                             help_text="Run its runbooks with POST …/runbook-runs/create/v1, which takes no GitRef.")
        raise NotFound("POST …/runbook-runs/git/create/v1 is not simulated: projects kept in git (config as code) "
                       "would need a git server.", help_text="The simulator's README lists what it simulates.")

    @staticmethod
    def _names(command: dict[str, Any], field: str, what: str, *, optional: bool = False) -> list[str]:
        """The list of names a command gives in ``field`` (as the client spells it, e.g. EnvironmentNames)."""
        names = command.get(field.lower())
        if names is None and optional:
            return []
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise validation_failed([f"{field} must be a list of {what} names."])
        if not names and not optional:
            raise validation_failed([f"Please name at least one {what} in {field}."])
        return names

    def _required(self, path: str, space_id: str, name: str, what: str) -> dict[str, Any]:
        found = self._named(path, space_id, name)
        if found is None:
            raise validation_failed([f"The {what} '{name}' does not exist in space {space_id}."])
        return found

    def _runbook(self, project: dict[str, Any], name: Any) -> dict[str, Any]:
        if not isinstance(name, str) or not name.strip():
            raise validation_failed(["Please provide a RunbookName."])
        runbook = self._named("runbooks", project["SpaceId"], name, ("ProjectId", project["Id"]))
        if runbook is None or (runbook.get("ProjectId") or "").lower() != project["Id"].lower():
            raise validation_failed([f"The runbook '{name}' does not exist in project {project['Name']}."])
        return runbook

    def _snapshot(self, runbook: dict[str, Any], name: Any) -> Optional[str]:
        """The named snapshot's id; None for the published one, which the run's own rules check."""
        if not name:
            return None
        found = self._named("runbooksnapshots", runbook["SpaceId"], str(name), ("RunbookId", runbook["Id"]))
        if found is None or (found.get("RunbookId") or "").lower() != runbook["Id"].lower():
            raise validation_failed([f"The runbook '{runbook['Name']}' has no snapshot named '{name}'."])
        return str(found["Id"])

    def _run_tenants(self, space_id: str, runbook: dict[str, Any], command: dict[str, Any]) -> list[Optional[str]]:
        chosen = [self._required("tenants", space_id, name, "tenant")["Id"]
                  for name in self._names(command, "Tenants", "tenant", optional=True)]
        tags = {t.lower() for t in self._names(command, "TenantTags", "tenant tag", optional=True)}
        if tags:
            chosen += [row.id for row in self.backend.store.rows("tenants", space_id)
                       if tags & {str(t).lower() for t in row.resource().get("TenantTags") or []}]
        if not chosen and runbook.get("MultiTenancyMode") == "Tenanted":
            raise validation_failed([f"The runbook '{runbook['Name']}' is tenanted: name at least one tenant in "
                                     "Tenants or TenantTags."])
        if tags and not chosen:
            raise validation_failed([f"No tenant carries any of the tags {', '.join(sorted(tags))}."])
        return list(dict.fromkeys(chosen)) or [None]  # type: ignore[list-item]

    def _skipped_actions(self, runbook: dict[str, Any], snapshot_id: Optional[str], names: list[str]) -> list[str]:
        """The ids of the actions of the steps named (or the actions named) in the process that will run."""
        if not names:
            return []
        snapshot_id = snapshot_id or runbook.get("PublishedRunbookSnapshotId")
        snapshot = self.backend.store.get("runbooksnapshots", str(snapshot_id or ""))
        process_id = snapshot.resource().get("FrozenRunbookProcessId") if snapshot else runbook.get("RunbookProcessId")
        process = self.backend.store.get("runbookprocesses", str(process_id or ""))
        steps = process.resource().get("Steps") or [] if process else []
        skipped = []
        for name in names:
            matched = [str(action["Id"]) for step in steps for action in step.get("Actions") or []
                       if name.strip().lower() in (str(step.get("Name")).lower(), str(action.get("Name")).lower())]
            if not matched:
                raise validation_failed([f"The runbook '{runbook['Name']}' has no step named '{name}' to skip."])
            skipped += matched
        return list(dict.fromkeys(skipped))
