// Drives an Octopus Server through the official TypeScript client, @octopusdeploy/api-client,
// using only the client's own repositories, and prints a JSON summary of what it saw on stdout.
//
// Environment: OCTOPUS_URL (e.g. http://127.0.0.1:8065) and OCTOPUS_API_KEY.
// Optional: OCTOPUS_RUN_ID, a suffix that keeps names unique across runs against one server.
//
// The walkthrough has sections. Connecting, spaces, environments and projects build on each other
// and stop the run when they fail; the two ways to deploy (the Executions API that the client's
// repositories use, and the REST collections reached through the client's own Client.doCreate)
// run independently, so one failing does not hide the other. Exit status 0 with {"ok": true}
// when every step worked, 1 otherwise with "failures" (section → step and error). Either way the
// summary lists every HTTP exchange the client made, so a failure names the request it was.

import octopus from "@octopusdeploy/api-client";

import { recorder } from "./walkthrough.mjs";

const {
    Client,
    DeploymentRepository,
    EnvironmentRepository,
    LifecycleRepository,
    NewProject,
    ProjectGroupRepository,
    ProjectRepository,
    ReleaseRepository,
    ServerTaskWaiter,
    SpaceRepository,
    SpaceServerTaskRepository,
    spaceScopedRoutePrefix,
    userGetCurrent,
} = octopus;

const runId = process.env.OCTOPUS_RUN_ID || String(process.pid);

const { summary, step, section, connect, run } = recorder();

function describe(resource, ...fields) {
    const picked = {};
    for (const field of ["Id", "Name", ...fields]) {
        if (resource !== undefined && resource !== null && field in resource) picked[field] = resource[field];
    }
    return picked;
}

async function main() {
    const client = await connect(Client);
    const serverInformation = await client.getServerInformation();
    summary.server = { version: serverInformation.version, installationId: serverInformation.installationId };

    const me = await step("userGetCurrent", () => userGetCurrent(client));
    summary.currentUser = describe(me, "Username", "IsActive", "IsService");

    // Spaces: system-level repository.
    const spaces = new SpaceRepository(client);
    const spacePage = await step("spaces.list", () => spaces.list({ skip: 0, take: 1000 }));
    summary.spacesBefore = {
        totalResults: spacePage.TotalResults,
        itemType: spacePage.ItemType,
        names: spacePage.Items.map((s) => s.Name),
        defaultSpaces: spacePage.Items.filter((s) => s.IsDefault).map((s) => s.Id),
    };
    const spaceName = `TS Client Space ${runId}`;
    const createdSpace = await step("spaces.create", () =>
        spaces.create({
            Name: spaceName,
            Description: "Created by the official TypeScript client",
            IsDefault: false,
            SpaceManagersTeams: [],
            SpaceManagersTeamMembers: [me.Id],
        }),
    );
    const fetchedSpace = await step("spaces.get", () => spaces.get(createdSpace.Id));
    const spaceSearch = await step("spaces.list(partialName)", () => spaces.list({ partialName: spaceName }));
    summary.space = {
        created: describe(createdSpace, "Slug", "IsDefault", "SpaceManagersTeamMembers", "TaskQueueStopped"),
        fetched: describe(fetchedSpace, "Slug", "IsDefault"),
        foundByPartialName: spaceSearch.Items.map((s) => s.Id),
    };

    // Environments, in the new space (the client resolves the space by name).
    const environments = new EnvironmentRepository(client, spaceName);
    const environment = await step("environments.create", () =>
        environments.create({ Name: "Development", Description: "first stop", UseGuidedFailure: false }),
    );
    const spareEnvironment = await step("environments.create(spare)", () =>
        environments.create({ Name: "Scratch" }),
    );
    const fetchedEnvironment = await step("environments.get", () => environments.get(environment.Id));
    const modifiedEnvironment = await step("environments.modify", () =>
        environments.modify({ ...fetchedEnvironment, Description: "changed through PUT" }),
    );
    await step("environments.del", () => environments.del(spareEnvironment));
    const environmentPage = await step("environments.list", () => environments.list({ skip: 0, take: 30 }));
    summary.environments = {
        created: describe(environment, "SpaceId", "SortOrder", "UseGuidedFailure", "AllowDynamicInfrastructure"),
        fetched: describe(fetchedEnvironment, "SpaceId", "Description"),
        modifiedDescription: modifiedEnvironment.Description,
        listedNames: environmentPage.Items.map((e) => e.Name),
        totalResults: environmentPage.TotalResults,
    };

    // A project needs a project group and a lifecycle.
    const projectGroups = new ProjectGroupRepository(client, spaceName);
    const projectGroup = await step("projectGroups.create", () =>
        projectGroups.create({ Name: "TS Group", Description: "holds the TS project" }),
    );
    const lifecycles = new LifecycleRepository(client, spaceName);
    const retention = { QuantityToKeep: 0, ShouldKeepForever: true, Unit: "Days" };
    const lifecycle = await step("lifecycles.create", () =>
        lifecycles.create({
            Name: "TS Lifecycle",
            Description: "one phase",
            ReleaseRetentionPolicy: retention,
            TentacleRetentionPolicy: retention,
            Phases: [
                {
                    Name: "Development",
                    AutomaticDeploymentTargets: [],
                    OptionalDeploymentTargets: [environment.Id],
                    MinimumEnvironmentsBeforePromotion: 0,
                    IsOptionalPhase: false,
                },
            ],
        }),
    );
    const projects = new ProjectRepository(client, spaceName);
    const project = await step("projects.create", () =>
        projects.create(NewProject("TS Project", projectGroup, lifecycle)),
    );
    const fetchedProject = await step("projects.get", () => projects.get(project.Id));
    const projectPage = await step("projects.list", () => projects.list({ partialName: "TS Proj" }));
    summary.projectGroup = describe(projectGroup, "SpaceId");
    summary.lifecycle = describe(lifecycle, "SpaceId", "Phases");
    summary.project = {
        created: describe(project, "SpaceId", "ProjectGroupId", "LifecycleId", "DeploymentProcessId", "VariableSetId", "Slug"),
        fetched: describe(fetchedProject, "ProjectGroupId", "LifecycleId"),
        listedIds: projectPage.Items.map((p) => p.Id),
    };

    // Release and deployment through the Executions API, then wait for the server task.
    await section("executions", async () => {
        const releases = new ReleaseRepository(client, spaceName);
        const createdRelease = await step("releases.create", () =>
            releases.create({ spaceName, ProjectName: project.Name, ReleaseVersion: "1.0.0" }),
        );
        const release = await step("releases.get", () => releases.get(createdRelease.ReleaseId));
        const projectReleases = await step("releases.listForProject", () => releases.listForProject(project.Id));
        summary.release = {
            created: createdRelease,
            fetched: describe(release, "Version", "ProjectId", "ChannelId", "SpaceId"),
            forProject: projectReleases.Items.map((r) => r.Id),
        };

        const deployments = new DeploymentRepository(client, spaceName);
        const createdDeployment = await step("deployments.create", () =>
            deployments.create({
                spaceName,
                ProjectName: project.Name,
                ReleaseVersion: createdRelease.ReleaseVersion,
                EnvironmentNames: [environment.Name],
            }),
        );
        const [deploymentTask] = createdDeployment.DeploymentServerTasks;
        const deployment = await step("deployments.get", () => deployments.get(deploymentTask.DeploymentId));
        const deploymentPage = await step("deployments.list", () => deployments.list({ projects: [project.Id] }));
        summary.deployment = {
            created: createdDeployment,
            fetched: describe(deployment, "ReleaseId", "EnvironmentId", "ProjectId", "TaskId", "SpaceId"),
            listedIds: deploymentPage.Items.map((d) => d.Id),
        };
        summary.task = await waitForTask("", deploymentTask.ServerTaskId);
    });

    // The same through the REST collections, posted with the client's own Client.doCreate, so that
    // the task repositories are checked even where the Executions API is missing.
    await section("rest", async () => {
        const args = { spaceName };
        const channels = await step("rest.channels", () =>
            client.request(`${spaceScopedRoutePrefix}/projects/${project.Id}/channels`, args),
        );
        const channel = channels.Items.find((c) => c.IsDefault);
        const release = await step("rest.releases.create", () =>
            client.doCreate(`${spaceScopedRoutePrefix}/releases`, { ProjectId: project.Id, ChannelId: channel.Id, Version: "2.0.0" }, args),
        );
        const deployment = await step("rest.deployments.create", () =>
            client.doCreate(`${spaceScopedRoutePrefix}/deployments`, { ReleaseId: release.Id, EnvironmentId: environment.Id }, args),
        );
        summary.restDeployment = describe(deployment, "ReleaseId", "EnvironmentId", "TaskId");
        summary.restTask = await waitForTask("rest.", deployment.TaskId);
    });

    // Refusals reach the caller as the client's OctopusError, built from the server's error body.
    await section("errors", async () => {
        summary.errors = {};
        const expectRefusal = async (name, action) => {
            await step(name, async () => {
                try {
                    await action();
                } catch (error) {
                    summary.errors[name] = { statusCode: error.StatusCode ?? null, message: error.message };
                    return;
                }
                throw new Error(`${name} was accepted but should have been refused`);
            });
        };
        await expectRefusal("errors.getMissingProject", () => projects.get("Projects-999999"));
        await expectRefusal("errors.duplicateEnvironment", () => environments.create({ Name: environment.Name }));
        await expectRefusal("errors.projectWithoutLifecycle", () =>
            projects.create({ Name: "No Lifecycle", ProjectGroupId: projectGroup.Id, LifecycleId: "Lifecycles-999999" }),
        );
    });

    async function waitForTask(prefix, taskId) {
        const waiter = new ServerTaskWaiter(client, spaceName);
        const completedTask = await step(`${prefix}serverTasks.waitForServerTaskToComplete`, () =>
            waiter.waitForServerTaskToComplete(taskId, 200, 30000),
        );
        const tasks = new SpaceServerTaskRepository(client, spaceName);
        const fetchedTask = await step(`${prefix}serverTasks.getById`, () => tasks.getById(taskId));
        const details = await step(`${prefix}serverTasks.getDetails`, () => tasks.getDetails(taskId));
        return {
            completed: describe(completedTask, "State", "IsCompleted", "FinishedSuccessfully"),
            fetched: describe(fetchedTask, "State", "IsCompleted", "FinishedSuccessfully", "Description"),
            detailsTaskId: details && details.Task ? details.Task.Id : null,
        };
    }
}

run(main);
