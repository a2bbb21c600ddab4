using System;
using System.Collections.Generic;
using System.Linq;
using Octopus.Client.Extensibility;

// Runbooks, their processes, snapshots and runs: the subset of the real models their flows need.
namespace Octopus.Client.Model
{
    public class DeploymentConnectivityPolicy
    {
        public DeploymentConnectivityPolicy()
        {
            TargetRoles = new ReferenceCollection();
        }

        public bool AllowDeploymentsToNoTargets { get; set; }
        public bool ExcludeUnhealthyTargets { get; set; }
        public ReferenceCollection TargetRoles { get; set; }
    }

    public class RunbookResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public RunbookResource()
        {
            Environments = new ReferenceCollection();
            ConnectivityPolicy = new DeploymentConnectivityPolicy { AllowDeploymentsToNoTargets = true };
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public string Description { get; set; }
        public string RunbookProcessId { get; set; }
        public string PublishedRunbookSnapshotId { get; set; }
        public string ProjectId { get; set; }
        public string SpaceId { get; set; }
        public TenantedDeploymentMode MultiTenancyMode { get; set; }
        public DeploymentConnectivityPolicy ConnectivityPolicy { get; set; }
        public RunbookEnvironmentScope EnvironmentScope { get; set; }
        public ReferenceCollection Environments { get; private set; }
        public GuidedFailureMode DefaultGuidedFailureMode { get; set; }
        public bool ForcePackageDownload { get; set; }
    }

    public class RunbookProcessResource : Resource, IProcessResource, IHaveSpaceResource
    {
        public RunbookProcessResource()
        {
            Steps = new List<DeploymentStepResource>();
        }

        public string RunbookId { get; set; }
        public string ProjectId { get; set; }
        public int Version { get; set; }
        public string LastSnapshotId { get; set; }
        public string SpaceId { get; set; }
        public IList<DeploymentStepResource> Steps { get; private set; }

        public DeploymentStepResource FindStep(string name)
        {
            return Steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        public DeploymentStepResource AddOrUpdateStep(string name)
        {
            var step = FindStep(name);
            if (step == null)
            {
                step = new DeploymentStepResource { Name = name };
                Steps.Add(step);
            }
            return step;
        }

        public IProcessResource RemoveStep(string name)
        {
            var step = FindStep(name);
            if (step != null) Steps.Remove(step);
            return this;
        }

        public IProcessResource ClearSteps()
        {
            Steps.Clear();
            return this;
        }
    }

    public class RunbookSnapshotResource : Resource, IHaveSpaceResource
    {
        public RunbookSnapshotResource()
        {
            SelectedPackages = new List<SelectedPackage>();
            LibraryVariableSetSnapshotIds = new List<string>();
        }

        public RunbookSnapshotResource(string projectId) : this()
        {
            ProjectId = projectId;
        }

        public string Name { get; set; }
        public string RunbookId { get; set; }
        public string Notes { get; set; }
        public string FrozenRunbookProcessId { get; set; }
        public string FrozenProjectVariableSetId { get; set; }
        public string ProjectVariableSetSnapshotId { get; set; }
        public DateTimeOffset Assembled { get; set; }
        public string ProjectId { get; set; }
        public List<string> LibraryVariableSetSnapshotIds { get; set; }
        public List<SelectedPackage> SelectedPackages { get; set; }
        public string SpaceId { get; set; }
    }

    public class RunbookSnapshotTemplateResource : ReleaseTemplateBaseResource
    {
        public string RunbookProcessId { get; set; }
        public string NextNameIncrement { get; set; }
    }

    public class RunbookRunTemplateResource : DeploymentTemplateBaseResource
    {
        public bool IsRunbookProcessModified { get; set; }
    }

    public class RunbookRunResource : Resource, IHaveSpaceResource
    {
        public RunbookRunResource()
        {
            SkipActions = new ReferenceCollection();
            SpecificMachineIds = new ReferenceCollection();
            ExcludedMachineIds = new ReferenceCollection();
            DeployedToMachineIds = new ReferenceCollection();
            FormValues = new Dictionary<string, string>();
        }

        public string EnvironmentId { get; set; }
        public string TenantId { get; set; }
        public bool ForcePackageDownload { get; set; }
        public ReferenceCollection SkipActions { get; set; }
        public ReferenceCollection SpecificMachineIds { get; set; }
        public ReferenceCollection ExcludedMachineIds { get; set; }
        public string ManifestVariableSetId { get; set; }
        public string TaskId { get; set; }
        public string ProjectId { get; set; }
        public bool UseGuidedFailure { get; set; }
        public string Comments { get; set; }
        public Dictionary<string, string> FormValues { get; set; }
        public DateTimeOffset? QueueTime { get; set; }
        public DateTimeOffset? QueueTimeExpiry { get; set; }
        public string Name { get; set; }
        public DateTimeOffset Created { get; set; }
        public string SpaceId { get; set; }
        public string DeployedBy { get; set; }
        public string DeployedById { get; set; }
        public bool FailureEncountered { get; set; }
        public ReferenceCollection DeployedToMachineIds { get; set; }
    
        public string RunbookId { get; set; }
        public string RunbookSnapshotId { get; set; }
        public string FrozenRunbookProcessId { get; set; }
    }

    /// <summary>What POST …/runbooks/{id}/run takes: one run per environment (and tenant).</summary>
    public class RunbookRunParameters
    {
        public RunbookRunParameters()
        {
            UseDefaultSnapshot = true;
            FormValues = new Dictionary<string, string>();
            SkipActions = new string[0];
            SpecificMachineIds = new string[0];
            ExcludedMachineIds = new string[0];
            TenantIds = new string[0];
            TenantTagNames = new string[0];
            EnvironmentIds = new string[0];
        }

        public bool UseDefaultSnapshot { get; set; }
        public string RunbookId { get; set; }
        public string ProjectId { get; set; }
        public string RunbookSnapshotNameOrId { get; set; }
        public string EnvironmentId { get; set; }
        public string[] EnvironmentIds { get; set; }
        public bool ForcePackageDownload { get; set; }
        public bool? UseGuidedFailure { get; set; }
        public string DebugMode { get; set; }
        public string[] SpecificMachineIds { get; set; }
        public string[] ExcludedMachineIds { get; set; }
        public string TenantId { get; set; }
        public string[] TenantIds { get; set; }
        public string[] TenantTagNames { get; set; }
        public string[] SkipActions { get; set; }
        public DateTimeOffset? QueueTime { get; set; }
        public DateTimeOffset? QueueTimeExpiry { get; set; }
        public Dictionary<string, string> FormValues { get; set; }

        public static RunbookRunParameters MapFrom(RunbookRunResource runbookRun)
        {
            return new RunbookRunParameters
            {
                RunbookId = runbookRun.RunbookId,
                ProjectId = runbookRun.ProjectId,
                EnvironmentId = runbookRun.EnvironmentId,
                EnvironmentIds = runbookRun.EnvironmentId == null ? new string[0] : new[] { runbookRun.EnvironmentId },
                RunbookSnapshotNameOrId = runbookRun.RunbookSnapshotId,
                UseDefaultSnapshot = runbookRun.RunbookSnapshotId == null,
                ForcePackageDownload = runbookRun.ForcePackageDownload,
                UseGuidedFailure = runbookRun.UseGuidedFailure,
                SpecificMachineIds = runbookRun.SpecificMachineIds.ToArray(),
                ExcludedMachineIds = runbookRun.ExcludedMachineIds.ToArray(),
                TenantId = runbookRun.TenantId,
                SkipActions = runbookRun.SkipActions.ToArray(),
                QueueTime = runbookRun.QueueTime,
                QueueTimeExpiry = runbookRun.QueueTimeExpiry,
                FormValues = runbookRun.FormValues,
            };
        }
    }
}
