// Edits a project's deployment process and runs a runbook through the official TypeScript client,
// @octopusdeploy/api-client, using only the client's own repositories, and prints a JSON summary.
//
// Environment: OCTOPUS_URL and OCTOPUS_API_KEY; OCTOPUS_SPACE (default "Default"), a space with an
// environment named OCTOPUS_ENVIRONMENT (default "Development"), a project group and a lifecycle.
// Optional: OCTOPUS_RUN_ID, a suffix that keeps names unique across runs against one server.
//
// Two sections after the project is made: "deployment" (edit the deployment process, create a
// release and deploy it through the Executions API) and "runbook" (create, list, modify a runbook
// below its project, edit its process, snapshot and publish it, run it by names, delete it).
// One failing does not hide the other. Exit status 0 with {"ok": true} when every step worked.

import octopus from "@octopusdeploy/api-client";

import { recorder } from "./walkthrough.mjs";

const {
    Client,
    DeploymentProcessRepository,
    DeploymentRepository,
    EnvironmentRepository,
    LifecycleRepository,
    NewProject,
    ProjectGroupRepository,
    ProjectRepository,
    ReleaseRepository,
    RunbookProcessRepository,
    RunbookRepository,
    RunbookRunRepository,
    RunbookSnapshotRepository,
    ServerTaskWaiter,
} = octopus;

const spaceName = process.env.OCTOPUS_SPACE || "Default";
const environmentName = process.env.OCTOPUS_ENVIRONMENT || "Development";
const runId = process.env.OCTOPUS_RUN_ID || String(process.pid);

const { summary, step, section, connect, run } = recorder();

// One script step with one action, as the portal writes it.
function scriptStep(name, script) {
    return {
        Name: name,
        Condition: "Success",
        StartTrigger: "StartAfterPrevious",
        PackageRequirement: "LetOctopusDecide",
        Properties: { "Octopus.Action.TargetRoles": "web-server" },
        Actions: [
            {
                Name: name,
                ActionType: "Octopus.Script",
                IsDisabled: false,
                IsRequired: false,
                CanBeUsedForProjectVersioning: false,
                Environments: [],
                ExcludedEnvironments: [],
                Channels: [],
                TenantTags: [],
                Packages: [],
                Properties: { "Octopus.Action.Script.ScriptBody": script, "Octopus.Action.Script.Syntax": "Bash" },
            },
        ],
    };
}

async function main() {
    const client = await connect(Client);
    const waiter = new ServerTaskWaiter(client, spaceName);

    const [environment] = (await step("environments.list", () =>
        new EnvironmentRepository(client, spaceName).list({ partialName: environmentName }))).Items;
    const [projectGroup] = (await step("projectGroups.list", () =>
        new ProjectGroupRepository(client, spaceName).list({ take: 1 }))).Items;
    const [lifecycle] = (await step("lifecycles.list", () =>
        new LifecycleRepository(client, spaceName).list({ take: 1 }))).Items;
    const projects = new ProjectRepository(client, spaceName);
    const project = await step("projects.create", () =>
        projects.create(NewProject(`TS Process ${runId}`, projectGroup, lifecycle)),
    );
    summary.project = { Id: project.Id, Name: project.Name };

    await section("deployment", async () => {
        const processes = new DeploymentProcessRepository(client, spaceName);
        const process = await step("deploymentProcesses.get", () => processes.get(project));
        const updated = await step("deploymentProcesses.update", () =>
            processes.update(project, { ...process, Steps: [scriptStep("Say hello", "echo hello")] }),
        );
        const fetched = await step("deploymentProcesses.get(again)", () => processes.get(project));
        summary.deploymentProcess = {
            before: { Id: process.Id, Version: process.Version, Steps: process.Steps.length },
            updated: { Id: updated.Id, Version: updated.Version, StepNames: updated.Steps.map((s) => s.Name),
                       ActionIds: updated.Steps.flatMap((s) => s.Actions.map((a) => a.Id)) },
            fetchedStepNames: fetched.Steps.map((s) => s.Name),
        };
        const created = await step("releases.create", () =>
            new ReleaseRepository(client, spaceName).create({ spaceName, ProjectName: project.Name, ReleaseVersion: "1.0.0" }),
        );
        const deployed = await step("deployments.create", () =>
            new DeploymentRepository(client, spaceName).create({
                spaceName, ProjectName: project.Name, ReleaseVersion: created.ReleaseVersion,
                EnvironmentNames: [environment.Name],
            }),
        );
        const [pair] = deployed.DeploymentServerTasks;
        const task = await step("deployment.wait", () => waiter.waitForServerTaskToComplete(pair.ServerTaskId, 200, 30000));
        summary.deployment = { release: created, deploymentId: pair.DeploymentId, taskState: task.State };
    });

    await section("runbook", async () => {
        const runbooks = new RunbookRepository(client, spaceName, project);
        const runbook = await step("runbooks.create", () =>
            runbooks.create({
                Name: "Restart web",
                ProjectId: project.Id,
                Description: "Bounce the site",
                MultiTenancyMode: "Untenanted",
                EnvironmentScope: "All",
                DefaultGuidedFailureMode: "EnvironmentDefault",
                RunRetentionPolicy: { QuantityToKeep: 10, ShouldKeepForever: false },
            }),
        );
        const listed = await step("runbooks.list", () => runbooks.list({ partialName: "Restart" }));
        const modified = await step("runbooks.modify", () =>
            runbooks.modify({ ...runbook, Description: "Bounce the site, gently" }),
        );
        const processes = new RunbookProcessRepository(client, spaceName, project);
        const process = await step("runbookProcesses.get", () => processes.get(runbook));
        const updated = await step("runbookProcesses.update", () =>
            processes.update({ ...process, Steps: [scriptStep("Restart", "echo restarting")] }),
        );
        const snapshot = await step("runbookSnapshots.create(publish)", () =>
            new RunbookSnapshotRepository(client, spaceName, project).create(runbook, "Snapshot 1", true),
        );
        const published = await step("runbooks.get", () => runbooks.get(runbook.Id));
        const runs = new RunbookRunRepository(client, spaceName);
        const ran = await step("runbookRuns.create", () =>
            runs.create({ spaceName, ProjectName: project.Name, RunbookName: runbook.Name,
                          EnvironmentNames: [environment.Name] }),
        );
        const [pair] = ran.RunbookRunServerTasks;
        const run = await step("runbookRuns.get", () => runs.get(pair.RunbookRunId));
        const runList = await step("runbookRuns.list", () => runs.list({ runbooks: [runbook.Id] }));
        const task = await step("runbookRun.wait", () => waiter.waitForServerTaskToComplete(pair.ServerTaskId, 200, 30000));
        summary.runbook = {
            created: { Id: runbook.Id, ProjectId: runbook.ProjectId, RunbookProcessId: runbook.RunbookProcessId },
            listedIds: listed.Items.map((r) => r.Id),
            modifiedDescription: modified.Description,
            process: { Id: process.Id, RunbookId: process.RunbookId, updatedVersion: updated.Version,
                       stepNames: updated.Steps.map((s) => s.Name) },
            snapshot: { Id: snapshot.Id, ProjectId: snapshot.ProjectId, RunbookId: snapshot.RunbookId,
                        FrozenRunbookProcessId: snapshot.FrozenRunbookProcessId },
            publishedSnapshotId: published.PublishedRunbookSnapshotId,
            run: { pair, RunbookSnapshotId: run.RunbookSnapshotId, EnvironmentId: run.EnvironmentId, TaskId: run.TaskId },
            runListIds: runList.Items.map((r) => r.Id),
            taskState: task.State,
        };
        await step("runbooks.del", () => runbooks.del(published));
        summary.runbook.listedAfterDelete = (await step("runbooks.list(after)", () => runbooks.list({}))).Items.length;
    });
}

run(main);
