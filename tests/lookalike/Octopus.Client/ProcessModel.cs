using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Octopus.Client.Extensibility;

// Deployment and runbook processes, releases, deployments, server tasks and interruptions:
// the subset of the real models the release, deployment, runbook and task flows need.
namespace Octopus.Client.Model
{
    public enum DeploymentStepCondition { Success = 0, Failure = 1, Always = 2, Variable = 3 }
    public enum DeploymentActionCondition { Success = 0, Variable = 1 }
    public enum DeploymentStepPackageRequirement { LetOctopusDecide = 0, BeforePackageAcquisition = 1, AfterPackageAcquisition = 2 }
    public enum DeploymentStepStartTrigger { StartAfterPrevious = 0, StartWithPrevious = 1 }
    public enum TaskState { Queued = 1, Executing = 2, Failed = 3, Canceled = 4, TimedOut = 5, Success = 6, Cancelling = 8 }
    public enum ActivityStatus { Pending = 0, Running = 1, Success = 2, Failed = 3, Skipped = 4, SuccessWithWarning = 5, Canceled = 6 }
    public enum RunbookEnvironmentScope { All = 0, Specified = 1, FromProjectLifecycles = 2 }

    /// <summary>A step or action property: plain text, or a sensitive value the server never sends back.</summary>
    [JsonConverter(typeof(PropertyValueResource.PropertyValueJsonConverter))]
    public class PropertyValueResource
    {
        public PropertyValueResource(string value) : this(value, false)
        {
        }

        public PropertyValueResource(string value, bool isSensitive)
        {
            Value = value;
            IsSensitive = isSensitive;
        }

        public bool IsSensitive { get; private set; }
        public string Value { get; private set; }

        /// <summary>Plain values are JSON strings; sensitive ones objects with HasValue and NewValue.</summary>
        public class PropertyValueJsonConverter : JsonConverter
        {
            public override bool CanConvert(Type objectType)
            {
                return objectType == typeof(PropertyValueResource);
            }

            public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer)
            {
                if (reader.TokenType == JsonToken.Null) return null;
                if (reader.TokenType == JsonToken.StartObject)
                {
                    var sensitive = JObject.Load(reader);
                    var value = sensitive["NewValue"];
                    return new PropertyValueResource(value == null || value.Type == JTokenType.Null ? null : value.ToString(), true);
                }
                return new PropertyValueResource(Convert.ToString(reader.Value, System.Globalization.CultureInfo.InvariantCulture));
            }

            public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer)
            {
                var property = (PropertyValueResource)value;
                if (!property.IsSensitive)
                {
                    writer.WriteValue(property.Value);
                    return;
                }
                writer.WriteStartObject();
                writer.WritePropertyName("HasValue");
                writer.WriteValue(property.Value != null);
                writer.WritePropertyName("NewValue");
                writer.WriteValue(property.Value);
                writer.WriteEndObject();
            }
        }
    }

    public class PackageReference
    {
        public PackageReference()
        {
            Properties = new Dictionary<string, string>();
        }

        public PackageReference(string name, string packageId, string feedId) : this()
        {
            Name = name;
            PackageId = packageId;
            FeedId = feedId;
        }

        public PackageReference(string packageId, string feedId) : this("", packageId, feedId)
        {
        }

        public string Id { get; set; }
        public string Name { get; set; }
        public string PackageId { get; set; }
        public string FeedId { get; set; }
        public string AcquisitionLocation { get; set; }
        public IDictionary<string, string> Properties { get; private set; }

        [JsonIgnore]
        public bool IsPrimaryPackage
        {
            get { return string.IsNullOrEmpty(Name); }
        }
    }

    public class PackageReferenceCollection : ICollection<PackageReference>
    {
        readonly List<PackageReference> items = new List<PackageReference>();

        public int Count { get { return items.Count; } }
        public bool IsReadOnly { get { return false; } }
        public PackageReference PrimaryPackage { get { return items.FirstOrDefault(p => p.IsPrimaryPackage); } }

        public void Add(PackageReference item) { items.Add(item); }
        public void Clear() { items.Clear(); }
        public bool Contains(PackageReference item) { return items.Contains(item); }
        public void CopyTo(PackageReference[] array, int arrayIndex) { items.CopyTo(array, arrayIndex); }
        public bool Remove(PackageReference item) { return items.Remove(item); }
        public IEnumerator<PackageReference> GetEnumerator() { return items.GetEnumerator(); }
        IEnumerator IEnumerable.GetEnumerator() { return items.GetEnumerator(); }

        public PackageReference GetByName(string name)
        {
            return items.Single(p => string.Equals(p.Name ?? "", name ?? "", StringComparison.OrdinalIgnoreCase));
        }
    }

    public class DeploymentActionResource : Resource, IHaveSlugResource
    {
        public DeploymentActionResource()
        {
            Properties = new Dictionary<string, PropertyValueResource>();
            Packages = new PackageReferenceCollection();
            Environments = new ReferenceCollection();
            ExcludedEnvironments = new ReferenceCollection();
            Channels = new ReferenceCollection();
            TenantTags = new ReferenceCollection();
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public string ActionType { get; set; }
        public string Notes { get; set; }
        public bool IsDisabled { get; set; }
        public bool IsRequired { get; set; }
        public bool CanBeUsedForProjectVersioning { get; set; }
        public string WorkerPoolId { get; set; }
        public string WorkerPoolVariable { get; set; }
        public DeploymentActionCondition Condition { get; set; }
        public ReferenceCollection Environments { get; private set; }
        public ReferenceCollection ExcludedEnvironments { get; private set; }
        public ReferenceCollection Channels { get; private set; }
        public ReferenceCollection TenantTags { get; private set; }
        public PackageReferenceCollection Packages { get; private set; }
        public IDictionary<string, PropertyValueResource> Properties { get; private set; }
    }

    public class DeploymentStepResource : IHaveSlugResource
    {
        public DeploymentStepResource()
        {
            Actions = new List<DeploymentActionResource>();
            Properties = new Dictionary<string, PropertyValueResource>();
        }

        public string Id { get; set; }
        public string Name { get; set; }
        public string Slug { get; set; }
        public bool RequiresPackagesToBeAcquired { get; set; }
        public DeploymentStepCondition Condition { get; set; }
        public DeploymentStepStartTrigger StartTrigger { get; set; }
        public DeploymentStepPackageRequirement PackageRequirement { get; set; }
        public List<DeploymentActionResource> Actions { get; private set; }
        public IDictionary<string, PropertyValueResource> Properties { get; private set; }

        public DeploymentActionResource FindAction(string name)
        {
            return Actions.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        public DeploymentActionResource AddOrUpdateAction(string name)
        {
            var action = FindAction(name);
            if (action == null)
            {
                action = new DeploymentActionResource { Name = name };
                Actions.Add(action);
            }
            return action;
        }

        public DeploymentActionResource AddOrUpdateManualInterventionAction(string name, string instructions)
        {
            var action = AddOrUpdateAction(name);
            action.ActionType = "Octopus.Manual";
            action.Properties["Octopus.Action.Manual.Instructions"] = new PropertyValueResource(instructions);
            return action;
        }

        public DeploymentStepResource ClearActions()
        {
            Actions.Clear();
            return this;
        }

        public DeploymentStepResource RemoveAction(string name)
        {
            Actions.RemoveAll(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
            return this;
        }

        public DeploymentStepResource WithCondition(DeploymentStepCondition condition)
        {
            Condition = condition;
            return this;
        }

        public DeploymentStepResource TargetingRoles(params string[] roles)
        {
            Properties["Octopus.Action.TargetRoles"] = new PropertyValueResource(string.Join(",", roles));
            return this;
        }
    }

    public interface IProcessResource : IResource
    {
        string ProjectId { get; set; }
        int Version { get; set; }
        string LastSnapshotId { get; set; }
        IList<DeploymentStepResource> Steps { get; }
        DeploymentStepResource FindStep(string name);
        DeploymentStepResource AddOrUpdateStep(string name);
        IProcessResource RemoveStep(string name);
        IProcessResource ClearSteps();
    }


    public class DeploymentProcessResource : Resource, IProcessResource, IHaveSpaceResource
    {
        public DeploymentProcessResource()
        {
            Steps = new List<DeploymentStepResource>();
        }

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

    public class SelectedPackage
    {
        public SelectedPackage()
        {
        }

        public SelectedPackage(string actionName, string version)
        {
            ActionName = actionName;
            Version = version;
        }

        public SelectedPackage(string actionName, string packageReferenceName, string version)
        {
            ActionName = actionName;
            PackageReferenceName = packageReferenceName;
            Version = version;
        }

        public string StepName { get; set; }
        public string ActionName { get; set; }
        public string PackageReferenceName { get; set; }
        public string Version { get; set; }
    }

    public class ReleaseTemplatePackage
    {
        public string StepName { get; set; }
        public string ActionName { get; set; }
        public string PackageReferenceName { get; set; }
        public string PackageId { get; set; }
        public string FeedId { get; set; }
        public string FeedName { get; set; }
        public string NuGetPackageId { get; set; }
        public string NuGetFeedId { get; set; }
        public string NuGetFeedName { get; set; }
        public string VersionSelectedLastRelease { get; set; }
        public string FixedVersion { get; set; }
        public bool IsResolvable { get; set; }
    }

    public class ReleaseTemplateBaseResource : Resource
    {
        public ReleaseTemplateBaseResource()
        {
            Packages = new List<ReleaseTemplatePackage>();
        }

        public IList<ReleaseTemplatePackage> Packages { get; set; }
    }

    public class ReleaseTemplateResource : ReleaseTemplateBaseResource
    {
        public string DeploymentProcessId { get; set; }
        public string LastReleaseVersion { get; set; }
        public string NextVersionIncrement { get; set; }
        public string VersioningPackageStepName { get; set; }
        public string VersioningPackageReferenceName { get; set; }
    }

    public class DeploymentPromotionTarget : Resource
    {
        public string Name { get; set; }
    }

    public class DeploymentTemplateBaseResource : Resource
    {
        public DeploymentTemplateBaseResource()
        {
            PromoteTo = new List<DeploymentPromotionTarget>();
        }

        public bool IsVariableSetModified { get; set; }
        public bool IsLibraryVariableSetModified { get; set; }
        public bool IsGitResourceModified { get; set; }
        public List<DeploymentPromotionTarget> PromoteTo { get; set; }
    }

    public class DeploymentTemplateResource : DeploymentTemplateBaseResource
    {
        public string DeploymentNotes { get; set; }
        public bool IsDeploymentProcessModified { get; set; }
    }

    public class ChannelResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public ChannelResource()
        {
            TenantTags = new ReferenceCollection();
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public string Description { get; set; }
        public string ProjectId { get; set; }
        public string LifecycleId { get; set; }
        public bool IsDefault { get; set; }
        public string SpaceId { get; set; }
        public ReferenceCollection TenantTags { get; set; }
    }

    public class ReleaseResource : Resource, IHaveSpaceResource
    {
        public ReleaseResource()
        {
            SelectedPackages = new List<SelectedPackage>();
            LibraryVariableSetSnapshotIds = new List<string>();
        }

        public ReleaseResource(string version, string projectId) : this()
        {
            Version = version;
            ProjectId = projectId;
        }

        public ReleaseResource(string version, string projectId, string channelId) : this(version, projectId)
        {
            ChannelId = channelId;
        }

        public string Version { get; set; }
        public string ChannelId { get; set; }
        public string ReleaseNotes { get; set; }
        public string ProjectId { get; set; }
        public bool IgnoreChannelRules { get; set; }
        public DateTimeOffset Assembled { get; set; }
        public string ProjectDeploymentProcessSnapshotId { get; set; }
        public string ProjectVariableSetSnapshotId { get; set; }
        public List<string> LibraryVariableSetSnapshotIds { get; set; }
        public List<SelectedPackage> SelectedPackages { get; set; }
        public string SpaceId { get; set; }
    }


    public class DeploymentResource : Resource, IHaveSpaceResource
    {
        public DeploymentResource()
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
    
        public string ReleaseId { get; set; }
        public string ChannelId { get; set; }
        public string DeploymentProcessId { get; set; }
        public bool ForcePackageRedeployment { get; set; }
    }

    public class TaskResource : Resource, IHaveSpaceResource
    {
        public TaskResource()
        {
            Arguments = new Dictionary<string, object>();
            PendingInterruptionTypes = new List<InterruptionType>();
        }

        public string Name { get; set; }
        public string Description { get; set; }
        public Dictionary<string, object> Arguments { get; set; }
        public TaskState State { get; set; }
        public string Completed { get; set; }
        public DateTimeOffset QueueTime { get; set; }
        public DateTimeOffset? QueueTimeExpiry { get; set; }
        public DateTimeOffset? StartTime { get; set; }
        public DateTimeOffset? LastUpdatedTime { get; set; }
        public DateTimeOffset? CompletedTime { get; set; }
        public string ServerNode { get; set; }
        public string Duration { get; set; }
        public string ErrorMessage { get; set; }
        public bool HasBeenPickedUpByProcessor { get; set; }
        public bool CanRerun { get; set; }
        public bool HasWarningsOrErrors { get; set; }
        public string ProjectId { get; set; }
        public string SpaceId { get; set; }
        public List<InterruptionType> PendingInterruptionTypes { get; set; }

        [JsonIgnore]
        public bool IsCompleted
        {
            get { return State == TaskState.Success || State == TaskState.Failed || State == TaskState.Canceled || State == TaskState.TimedOut; }
        }

        [JsonIgnore]
        public bool FinishedSuccessfully
        {
            get { return State == TaskState.Success; }
        }

        [JsonIgnore]
        public bool HasPendingInterruptions
        {
            get { return PendingInterruptionTypes != null && PendingInterruptionTypes.Count > 0; }
        }
    }

    public class ActivityElement
    {
        public string Id { get; set; }
        public string Name { get; set; }
        public ActivityStatus Status { get; set; }
        public DateTimeOffset? Started { get; set; }
        public DateTimeOffset? Ended { get; set; }
        public int ProgressPercentage { get; set; }
        public string ProgressMessage { get; set; }
        public bool ShowAtSummaryLevel { get; set; }
        public ActivityElement[] Children { get; set; }
        public ActivityLogElement[] LogElements { get; set; }
    }

    public class TaskProgress
    {
        public int ProgressPercentage { get; set; }
        public string EstimatedTimeRemaining { get; set; }
    }

    public class TaskDetailsResource : Resource
    {
        public TaskResource Task { get; set; }
        public TaskProgress Progress { get; set; }
        public IList<ActivityElement> ActivityLogs { get; set; }
        public long PhysicalLogSize { get; set; }

        [JsonIgnore]
        public ActivityElement ActivityLog
        {
            get { return ActivityLogs == null ? null : ActivityLogs.FirstOrDefault(); }
            set { ActivityLogs = value == null ? new List<ActivityElement>() : new List<ActivityElement> { value }; }
        }
    }

    /// <summary>The kind of an interruption, written as its name.</summary>
    [JsonConverter(typeof(Octopus.Client.Serialization.InterruptionTypeConverter))]
    public class InterruptionType : IEquatable<InterruptionType>
    {
        public static readonly InterruptionType ManualIntervention = new InterruptionType("ManualIntervention");
        public static readonly InterruptionType GuidedFailure = new InterruptionType("GuidedFailure");
        public static readonly InterruptionType PullRequestCompletion = new InterruptionType("PullRequestCompletion");
        public static readonly InterruptionType ArgoCDApplicationSync = new InterruptionType("ArgoCDApplicationSync");

        readonly string value;

        public InterruptionType(string value)
        {
            this.value = value ?? "";
        }

        public bool Equals(InterruptionType other)
        {
            return other != null && string.Equals(value, other.value, StringComparison.OrdinalIgnoreCase);
        }

        public override bool Equals(object obj)
        {
            return Equals(obj as InterruptionType);
        }

        public override int GetHashCode()
        {
            return value.ToLowerInvariant().GetHashCode();
        }

        public override string ToString()
        {
            return value;
        }
    }

    public class InterruptionResource : Resource, IHaveSpaceResource
    {
        public InterruptionResource()
        {
            RelatedDocumentIds = new ReferenceCollection();
            ResponsibleTeamIds = new ReferenceCollection();
            Form = new Forms.Form();
        }

        public string Title { get; set; }
        public InterruptionType Type { get; set; }
        public DateTimeOffset Created { get; set; }
        public bool IsPending { get; set; }
        public Forms.Form Form { get; set; }
        public ReferenceCollection RelatedDocumentIds { get; set; }
        public ReferenceCollection ResponsibleTeamIds { get; set; }
        public string ResponsibleUserId { get; set; }
        public bool CanTakeResponsibility { get; set; }
        public bool HasResponsibility { get; set; }
        public string TaskId { get; set; }
        public string CorrelationId { get; set; }
        public bool IsLinkedToOtherInterruption { get; set; }
        public string SpaceId { get; set; }
    }
}

namespace Octopus.Client.Model.Forms
{
    /// <summary>An interruption's form: the values someone submits (Result, Guidance, Notes…).</summary>
    public class Form
    {
        public Form()
        {
            Values = new Dictionary<string, string>();
        }

        public Dictionary<string, string> Values { get; private set; }
    }
}

namespace Octopus.Client.Serialization
{
    public class InterruptionTypeConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType)
        {
            return objectType == typeof(Octopus.Client.Model.InterruptionType);
        }

        public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer)
        {
            return reader.TokenType == JsonToken.Null ? null : new Octopus.Client.Model.InterruptionType(Convert.ToString(reader.Value));
        }

        public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer)
        {
            writer.WriteValue(value == null ? null : value.ToString());
        }
    }
}
