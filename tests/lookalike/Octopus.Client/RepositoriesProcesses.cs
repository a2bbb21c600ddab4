using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Octopus.Client.Model;

// Repositories of channels, deployment processes, releases, deployments, server tasks,
// interruptions and runbooks (synchronous), calling the routes the real client calls.
namespace Octopus.Client.Repositories
{
    public interface IChannelRepository : ICreate<ChannelResource>, IModify<ChannelResource>, IGet<ChannelResource>, IDelete<ChannelResource>, IPaginate<ChannelResource>, IGetAll<ChannelResource>
    {
        ChannelResource FindByName(ProjectResource project, string name);
    }

    public interface IDeploymentProcessRepository : IGet<DeploymentProcessResource>, IModify<DeploymentProcessResource>
    {
        DeploymentProcessResource Get(ProjectResource project);
        ReleaseTemplateResource GetTemplate(DeploymentProcessResource deploymentProcess, ChannelResource channel);
    }

    public interface IReleaseRepository : IGet<ReleaseResource>, ICreate<ReleaseResource>, IPaginate<ReleaseResource>, IModify<ReleaseResource>, IDelete<ReleaseResource>
    {
        ReleaseResource Create(ReleaseResource release, bool ignoreChannelRules = false);
        ResourceCollection<DeploymentResource> GetDeployments(ReleaseResource release, int skip = 0, int? take = null);
        ReleaseResource SnapshotVariables(ReleaseResource release);
        DeploymentTemplateResource GetTemplate(ReleaseResource release);
    }

    public interface IDeploymentRepository : IGet<DeploymentResource>, ICreate<DeploymentResource>, IPaginate<DeploymentResource>, IDelete<DeploymentResource>
    {
        TaskResource GetTask(DeploymentResource resource);
        ResourceCollection<DeploymentResource> FindBy(string[] projects, string[] environments, int skip = 0, int? take = null);
    }

    public interface ITaskRepository : IPaginate<TaskResource>, IGet<TaskResource>, ICreate<TaskResource>
    {
        void Cancel(TaskResource task);
        TaskResource ExecuteHealthCheck(string description = null, int timeoutAfterMinutes = 5, int machineTimeoutAfterMinutes = 5, string environmentId = null, string[] machineIds = null, string restrictTo = null, string workerpoolId = null, string[] workerIds = null);
        TaskDetailsResource GetDetails(TaskResource resource, bool? includeVerboseOutput = null, int? tail = null);
        string GetRawOutputLog(TaskResource resource);
        void ModifyState(TaskResource task, TaskState newState, string reason);
        void WaitForCompletion(TaskResource task, int pollIntervalSeconds = 4, int timeoutAfterMinutes = 0, Action<TaskResource[]> interval = null);
        void WaitForCompletion(TaskResource[] tasks, int pollIntervalSeconds = 4, int timeoutAfterMinutes = 0, Action<TaskResource[]> interval = null);
    }

    public interface IInterruptionRepository : IGet<InterruptionResource>
    {
        ResourceCollection<InterruptionResource> List(int skip = 0, int? take = null, bool pendingOnly = false, string regardingDocumentId = null);
        void Submit(InterruptionResource interruption);
        void TakeResponsibility(InterruptionResource interruption);
        UserResource GetResponsibleUser(InterruptionResource interruption);
    }

    public interface IRunbookRepository : IFindByName<RunbookResource>, IPaginate<RunbookResource>, IGet<RunbookResource>, ICreate<RunbookResource>, IModify<RunbookResource>, IDelete<RunbookResource>
    {
        RunbookResource FindByName(ProjectResource project, string name);
        RunbookSnapshotTemplateResource GetRunbookSnapshotTemplate(RunbookResource runbook);
        RunbookRunTemplateResource GetRunbookRunTemplate(RunbookResource runbook);
        RunbookRunResource Run(RunbookResource runbook, RunbookRunResource runbookRun);
        RunbookRunResource[] Run(RunbookResource runbook, RunbookRunParameters runbookRunParameters);
    }

    public interface IRunbookProcessRepository : IGet<RunbookProcessResource>, IModify<RunbookProcessResource>
    {
        RunbookSnapshotTemplateResource GetTemplate(RunbookProcessResource runbookProcess);
    }

    public interface IRunbookSnapshotRepository : IGet<RunbookSnapshotResource>, ICreate<RunbookSnapshotResource>, IPaginate<RunbookSnapshotResource>, IModify<RunbookSnapshotResource>, IDelete<RunbookSnapshotResource>
    {
        RunbookSnapshotResource Create(RunbookSnapshotResource runbookSnapshot);
        ResourceCollection<RunbookRunResource> GetRunbookRuns(RunbookSnapshotResource runbookSnapshot, int skip = 0, int? take = null);
        RunbookRunTemplateResource GetTemplate(RunbookSnapshotResource runbookSnapshot);
        RunbookSnapshotResource SnapshotVariables(RunbookSnapshotResource runbookSnapshot);
    }

    public interface IRunbookRunRepository : IGet<RunbookRunResource>, ICreate<RunbookRunResource>, IPaginate<RunbookRunResource>, IDelete<RunbookRunResource>
    {
        TaskResource GetTask(RunbookRunResource resource);
        ResourceCollection<RunbookRunResource> FindBy(string[] projects, string[] runbooks, string[] environments, int skip = 0, int? take = null);
    }

    internal class ChannelRepository : BasicRepository<ChannelResource>, IChannelRepository
    {
        public ChannelRepository(OctopusRepository repository) : base(repository, "Channels")
        {
        }

        public ChannelResource FindByName(ProjectResource project, string name)
        {
            return FindByName(name, project.Link("Channels"));
        }
    }

    internal class DeploymentProcessRepository : BasicRepository<DeploymentProcessResource>, IDeploymentProcessRepository
    {
        public DeploymentProcessRepository(OctopusRepository repository) : base(repository, "DeploymentProcesses")
        {
        }

        public DeploymentProcessResource Get(ProjectResource project)
        {
            return Client.Get<DeploymentProcessResource>(project.Link("DeploymentProcess"));
        }

        public ReleaseTemplateResource GetTemplate(DeploymentProcessResource deploymentProcess, ChannelResource channel)
        {
            return Client.Get<ReleaseTemplateResource>(deploymentProcess.Link("Template"), new { channel = channel == null ? null : channel.Id });
        }
    }

    internal class ReleaseRepository : BasicRepository<ReleaseResource>, IReleaseRepository
    {
        public ReleaseRepository(OctopusRepository repository) : base(repository, "Releases")
        {
        }

        public ReleaseResource Create(ReleaseResource release, bool ignoreChannelRules = false)
        {
            return Client.Create(ResolveLink(), release, new { ignoreChannelRules });
        }

        public ResourceCollection<DeploymentResource> GetDeployments(ReleaseResource release, int skip = 0, int? take = null)
        {
            return Client.List<DeploymentResource>(release.Link("Deployments"), new { skip, take });
        }

        public ReleaseResource SnapshotVariables(ReleaseResource release)
        {
            Client.Post(release.Link("SnapshotVariables"));
            return Get(release.Id);
        }

        public DeploymentTemplateResource GetTemplate(ReleaseResource release)
        {
            return Client.Get<DeploymentTemplateResource>(release.Link("DeploymentTemplate"));
        }
    }

    internal class DeploymentRepository : BasicRepository<DeploymentResource>, IDeploymentRepository
    {
        public DeploymentRepository(OctopusRepository repository) : base(repository, "Deployments")
        {
        }

        public TaskResource GetTask(DeploymentResource resource)
        {
            return Client.Get<TaskResource>(resource.Link("Task"));
        }

        public ResourceCollection<DeploymentResource> FindBy(string[] projects, string[] environments, int skip = 0, int? take = null)
        {
            return Client.List<DeploymentResource>(ResolveLink(), new { skip, take, projects = projects ?? new string[0], environments = environments ?? new string[0] });
        }
    }

    internal class TaskRepository : MixedScopeBaseRepository<TaskResource>, ITaskRepository
    {
        public TaskRepository(OctopusRepository repository) : base(repository, "Tasks")
        {
        }

        public void Cancel(TaskResource task)
        {
            Client.Post(task.Link("Cancel"));
        }

        // A "Health" server task: the timeouts go as TimeSpans ("00:05:00"), every argument is sent, unset ones as null.
        public TaskResource ExecuteHealthCheck(string description = null, int timeoutAfterMinutes = 5, int machineTimeoutAfterMinutes = 5, string environmentId = null, string[] machineIds = null, string restrictTo = null, string workerpoolId = null, string[] workerIds = null)
        {
            var task = new TaskResource();
            task.Name = "Health";
            task.Description = string.IsNullOrWhiteSpace(description) ? "Manual health check" : description;
            task.Arguments["Timeout"] = TimeSpan.FromMinutes(timeoutAfterMinutes);
            task.Arguments["MachineTimeout"] = TimeSpan.FromMinutes(machineTimeoutAfterMinutes);
            task.Arguments["EnvironmentId"] = environmentId;
            task.Arguments["WorkerpoolId"] = workerpoolId;
            task.Arguments["RestrictTo"] = restrictTo;
            task.Arguments["MachineIds"] = machineIds;
            task.Arguments["WorkerIds"] = workerIds;
            return Create(task);
        }

        public TaskDetailsResource GetDetails(TaskResource resource, bool? includeVerboseOutput = null, int? tail = null)
        {
            return Client.Get<TaskDetailsResource>(resource.Link("Details"), new { verbose = includeVerboseOutput, tail });
        }

        public string GetRawOutputLog(TaskResource resource)
        {
            using (var content = Client.GetContent(resource.Link("Raw")))
            using (var reader = new StreamReader(content))
            {
                return reader.ReadToEnd();
            }
        }

        public void ModifyState(TaskResource task, TaskState newState, string reason)
        {
            Client.Post(task.Link("State"), new { State = newState.ToString(), Reason = reason });
        }

        public void WaitForCompletion(TaskResource task, int pollIntervalSeconds = 4, int timeoutAfterMinutes = 0, Action<TaskResource[]> interval = null)
        {
            WaitForCompletion(new[] { task }, pollIntervalSeconds, timeoutAfterMinutes, interval);
        }

        public void WaitForCompletion(TaskResource[] tasks, int pollIntervalSeconds = 4, int timeoutAfterMinutes = 0, Action<TaskResource[]> interval = null)
        {
            var started = DateTime.UtcNow;
            while (true)
            {
                var current = tasks.Select(t => Get(t.Id)).ToArray();
                if (interval != null) interval(current);
                if (current.All(t => t.IsCompleted)) return;
                if (timeoutAfterMinutes > 0 && DateTime.UtcNow - started > TimeSpan.FromMinutes(timeoutAfterMinutes))
                    throw new TimeoutException(string.Format("One or more tasks did not complete before the timeout was reached. We waited {0} minutes for the tasks to complete.", timeoutAfterMinutes));
                Thread.Sleep(TimeSpan.FromSeconds(pollIntervalSeconds));
            }
        }
    }

    internal class InterruptionRepository : BasicRepository<InterruptionResource>, IInterruptionRepository
    {
        public InterruptionRepository(OctopusRepository repository) : base(repository, "Interruptions")
        {
        }

        public ResourceCollection<InterruptionResource> List(int skip = 0, int? take = null, bool pendingOnly = false, string regardingDocumentId = null)
        {
            return Client.List<InterruptionResource>(ResolveLink(), new { skip, take, pendingOnly, regarding = regardingDocumentId });
        }

        public void Submit(InterruptionResource interruption)
        {
            Client.Post(interruption.Link("Submit"), interruption.Form.Values);
        }

        public void TakeResponsibility(InterruptionResource interruption)
        {
            Client.Put(interruption.Link("Responsible"), (InterruptionResource)null);
        }

        public UserResource GetResponsibleUser(InterruptionResource interruption)
        {
            return Client.Get<UserResource>(interruption.Link("Responsible"));
        }
    }

    internal class RunbookRepository : BasicRepository<RunbookResource>, IRunbookRepository
    {
        public RunbookRepository(OctopusRepository repository) : base(repository, "Runbooks")
        {
        }

        public RunbookResource FindByName(ProjectResource project, string name)
        {
            return FindByName(name, project.Link("Runbooks"));
        }

        public RunbookSnapshotTemplateResource GetRunbookSnapshotTemplate(RunbookResource runbook)
        {
            return Client.Get<RunbookSnapshotTemplateResource>(runbook.Link("RunbookSnapshotTemplate"));
        }

        public RunbookRunTemplateResource GetRunbookRunTemplate(RunbookResource runbook)
        {
            return Client.Get<RunbookRunTemplateResource>(runbook.Link("RunbookRunTemplate"));
        }

        // Servers from 2020.3.1 take run parameters and answer with one run per environment and
        // tenant; older ones take the run itself and answer with it.
        const string RunbookRunParametersSince = "2020.3.1";

        public RunbookRunResource Run(RunbookResource runbook, RunbookRunResource runbookRun)
        {
            if (!ApiVersionCheck.ServerIsAtLeast(Repository.LoadRootDocument(), RunbookRunParametersSince))
                return Client.Post<object, RunbookRunResource>(runbook.Link("CreateRunbookRun"), runbookRun);
            return Run(runbook, RunbookRunParameters.MapFrom(runbookRun)).FirstOrDefault();
        }

        public RunbookRunResource[] Run(RunbookResource runbook, RunbookRunParameters runbookRunParameters)
        {
            var root = Repository.LoadRootDocument();
            if (!ApiVersionCheck.ServerIsAtLeast(root, RunbookRunParametersSince))
                throw new Octopus.Client.Exceptions.UnsupportedApiVersionException(string.Format(
                    "This Octopus Deploy server is version {0}, older than {1}, and does not support running a runbook with RunbookRunParameters. Please update the server to {1} or newer.",
                    root.Version, RunbookRunParametersSince));
            return Client.Post<object, RunbookRunResource[]>(runbook.Link("CreateRunbookRun"), runbookRunParameters);
        }
    }

    internal class RunbookProcessRepository : BasicRepository<RunbookProcessResource>, IRunbookProcessRepository
    {
        public RunbookProcessRepository(OctopusRepository repository) : base(repository, "RunbookProcesses")
        {
        }

        public RunbookSnapshotTemplateResource GetTemplate(RunbookProcessResource runbookProcess)
        {
            return Client.Get<RunbookSnapshotTemplateResource>(runbookProcess.Link("RunbookSnapshotTemplate"));
        }
    }

    internal class RunbookSnapshotRepository : BasicRepository<RunbookSnapshotResource>, IRunbookSnapshotRepository
    {
        public RunbookSnapshotRepository(OctopusRepository repository) : base(repository, "RunbookSnapshots")
        {
        }

        public RunbookSnapshotResource Create(RunbookSnapshotResource runbookSnapshot)
        {
            return Client.Create(ResolveLink(), runbookSnapshot);
        }

        public ResourceCollection<RunbookRunResource> GetRunbookRuns(RunbookSnapshotResource runbookSnapshot, int skip = 0, int? take = null)
        {
            return Client.List<RunbookRunResource>(runbookSnapshot.Link("RunbookRuns"), new { skip, take });
        }

        public RunbookRunTemplateResource GetTemplate(RunbookSnapshotResource runbookSnapshot)
        {
            return Client.Get<RunbookRunTemplateResource>(runbookSnapshot.Link("RunbookRunTemplate"));
        }

        public RunbookSnapshotResource SnapshotVariables(RunbookSnapshotResource runbookSnapshot)
        {
            Client.Post(runbookSnapshot.Link("SnapshotVariables"));
            return Get(runbookSnapshot.Id);
        }
    }

    internal class RunbookRunRepository : BasicRepository<RunbookRunResource>, IRunbookRunRepository
    {
        public RunbookRunRepository(OctopusRepository repository) : base(repository, "RunbookRuns")
        {
        }

        public TaskResource GetTask(RunbookRunResource resource)
        {
            return Client.Get<TaskResource>(resource.Link("Task"));
        }

        public ResourceCollection<RunbookRunResource> FindBy(string[] projects, string[] runbooks, string[] environments, int skip = 0, int? take = null)
        {
            return Client.List<RunbookRunResource>(ResolveLink(), new { skip, take, projects = projects ?? new string[0], runbooks = runbooks ?? new string[0], environments = environments ?? new string[0] });
        }
    }
}
