using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;
using Octopus.Client.Extensibility;
using Octopus.Client.Model.Endpoints;

namespace Octopus.Client.Model
{
    public interface IAuditedResource
    {
        string LastModifiedBy { get; set; }
        DateTimeOffset? LastModifiedOn { get; set; }
    }

    public interface IHaveSlugResource
    {
        string Slug { get; set; }
    }

    /// <summary>Base of every REST resource. <c>Id</c> and the audit fields are left out of a body when null; <c>Links</c> goes last.</summary>
    public abstract class Resource : IResource, IAuditedResource
    {
        protected Resource()
        {
            Links = new LinkCollection();
        }

        [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
        public string Id { get; set; }

        [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
        public string LastModifiedBy { get; set; }

        [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
        public DateTimeOffset? LastModifiedOn { get; set; }

        [JsonProperty(Order = int.MaxValue)]
        public LinkCollection Links { get; set; }

        public bool HasLink(string name)
        {
            return Links != null && Links.ContainsKey(name);
        }

        public string Link(string name)
        {
            Href value;
            if (Links == null || !Links.TryGetValue(name, out value))
                throw new Exception(string.Format("The document does not define a link for '{0}'", name));
            return value == null ? null : value.AsString();
        }

        public override string ToString()
        {
            return GetType().Name + " " + Id;
        }
    }

    public class ExtensionSettingsValues
    {
        public string ExtensionId { get; set; }
        public object Values { get; set; }
    }

    public abstract class ResourceWithExtensionSettings : Resource
    {
        protected ResourceWithExtensionSettings()
        {
            ExtensionSettings = new List<ExtensionSettingsValues>();
        }

        public List<ExtensionSettingsValues> ExtensionSettings { get; set; }

        public TSettings GetExtensionSettings<TSettings>(string extensionId)
        {
            var values = ExtensionSettings.FirstOrDefault(s => s.ExtensionId == extensionId);
            if (values == null || values.Values == null) return default(TSettings);
            return Serialization.JsonSerialization.DeserializeObject<TSettings>(Serialization.JsonSerialization.SerializeObject(values.Values));
        }
    }

    /// <summary>A set of ids (case-insensitive), written as a JSON array.</summary>
    [Serializable]
    public class ReferenceCollection : HashSet<string>
    {
        public ReferenceCollection() : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        public ReferenceCollection(string singleValue) : this(new[] { singleValue })
        {
        }

        public ReferenceCollection(IEnumerable<string> values) : base(values ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase)
        {
        }

        protected ReferenceCollection(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context)
        {
        }

        public static ReferenceCollection One(string item)
        {
            return new ReferenceCollection(item);
        }

        public void ReplaceAll(IEnumerable<string> newItems)
        {
            Clear();
            if (newItems == null) return;
            foreach (var item in newItems) Add(item);
        }

        public ReferenceCollection Clone()
        {
            return new ReferenceCollection(this);
        }

        public override string ToString()
        {
            return string.Join(", ", this);
        }
    }

    public class ResourceCollection<TResource> : Resource
    {
        public ResourceCollection(IEnumerable<TResource> items, LinkCollection links)
        {
            if (items == null) throw new ArgumentNullException("items");
            if (links == null) throw new ArgumentNullException("links");
            Items = items.ToList();
            Links = links;
        }

        [JsonProperty]
        public string ItemType { get; private set; }
        public int TotalResults { get; set; }
        public int ItemsPerPage { get; set; }
        public bool IsStale { get; set; }
        public IList<TResource> Items { get; set; }
    }

    public class RootResource : Resource
    {
        public string Application { get; set; }
        public string Version { get; set; }
        public string ApiVersion { get; set; }
        public Guid InstallationId { get; set; }
        public bool IsEarlyAccessProgram { get; set; }
        public bool HasLongTermSupport { get; set; }
    }

    public class SpaceRootResource : Resource
    {
    }

    public class SpaceResource : Resource, INamedResource
    {
        public SpaceResource()
        {
            SpaceManagersTeams = new ReferenceCollection();
            SpaceManagersTeamMembers = new ReferenceCollection();
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public string Description { get; set; }
        public bool IsDefault { get; set; }
        public bool IsPrivate { get; set; }
        public bool TaskQueueStopped { get; set; }
        public ReferenceCollection SpaceManagersTeams { get; set; }
        public ReferenceCollection SpaceManagersTeamMembers { get; set; }
    }

    public class IdentityClaimResource
    {
        public string Value { get; set; }
        public bool IsIdentifyingClaim { get; set; }
    }

    public class IdentityResource
    {
        public IdentityResource()
        {
            Claims = new Dictionary<string, IdentityClaimResource>();
        }

        public IdentityResource(string identityProviderName) : this()
        {
            IdentityProviderName = identityProviderName;
        }

        public string IdentityProviderName { get; set; }

        [JsonProperty(ObjectCreationHandling = ObjectCreationHandling.Reuse)]
        public Dictionary<string, IdentityClaimResource> Claims { get; private set; }
    }

    public abstract class ApiKeyResourceBase : Resource
    {
        public string Purpose { get; set; }
        public string UserId { get; set; }
        public DateTimeOffset Created { get; set; }
        public DateTimeOffset? Expires { get; set; }
    }

    /// <summary>The answer to creating an API key: the only time the key itself is sent.</summary>
    public class ApiKeyCreatedResource : ApiKeyResourceBase
    {
        public string ApiKey { get; set; }
    }

    public class UserResource : Resource
    {
        public UserResource()
        {
            Identities = new IdentityResource[0];
        }

        public string Username { get; set; }
        public string DisplayName { get; set; }
        public bool IsActive { get; set; }
        public bool IsService { get; set; }
        public string EmailAddress { get; set; }
        public bool CanPasswordBeEdited { get; set; }
        public bool IsRequestor { get; set; }
        public string Password { get; set; }
        public DateTimeOffset Created { get; set; }
        public IdentityResource[] Identities { get; set; }
    }

    public class NamedReferenceItem
    {
        public string Id { get; set; }
        public string DisplayName { get; set; }
        public bool DisplayIdAndName { get; set; }
    }

    public class NamedReferenceItemCollection : List<NamedReferenceItem>
    {
    }

    public class TeamResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public TeamResource()
        {
            MemberUserIds = new ReferenceCollection();
            ExternalSecurityGroups = new NamedReferenceItemCollection();
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public ReferenceCollection MemberUserIds { get; set; }
        public NamedReferenceItemCollection ExternalSecurityGroups { get; set; }
        public bool CanBeDeleted { get; set; }
        public bool CanBeRenamed { get; set; }
        public bool CanChangeRoles { get; set; }
        public bool CanChangeMembers { get; set; }
        public string SpaceId { get; set; }
        public string Description { get; set; }
    }

    public class EnvironmentResource : ResourceWithExtensionSettings, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public EnvironmentResource()
        {
            EnvironmentTags = new List<string>();
        }

        public string Name { get; set; }
        public string Description { get; set; }
        public int SortOrder { get; set; }
        public bool UseGuidedFailure { get; set; }
        public bool AllowDynamicInfrastructure { get; set; }
        public string SpaceId { get; set; }
        public string Slug { get; set; }
        public List<string> EnvironmentTags { get; set; }
    }

    public enum GuidedFailureMode
    {
        EnvironmentDefault = 0,
        Off = 1,
        On = 2,
    }

    public enum TenantedDeploymentMode
    {
        Untenanted = 0,
        TenantedOrUntenanted = 1,
        Tenanted = 2,
    }

    public class ProjectResource : ResourceWithExtensionSettings, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public ProjectResource()
        {
            IncludedLibraryVariableSetIds = new List<string>();
        }

        public ProjectResource(string id, string name, string slug) : this()
        {
            Id = id;
            Name = name;
            Slug = slug;
        }

        public string VariableSetId { get; set; }
        public string DeploymentProcessId { get; set; }
        public string ClonedFromProjectId { get; set; }
        public string DeploymentChangesTemplate { get; set; }
        public string ReleaseNotesTemplate { get; set; }
        public List<string> IncludedLibraryVariableSetIds { get; set; }
        public bool DefaultToSkipIfAlreadyInstalled { get; set; }
        public TenantedDeploymentMode TenantedDeploymentMode { get; set; }
        public GuidedFailureMode DefaultGuidedFailureMode { get; set; }
        public string Name { get; set; }
        public string Slug { get; set; }
        public string Description { get; set; }
        public bool IsDisabled { get; set; }
        public string ProjectGroupId { get; set; }
        public string LifecycleId { get; set; }
        public bool AutoCreateRelease { get; set; }
        public bool IsVersionControlled { get; set; }
        public Nullable<bool> AllowIgnoreChannelRules { get; set; }
        public string SpaceId { get; set; }
    }

    public class ProjectGroupResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public ProjectGroupResource()
        {
            EnvironmentIds = new ReferenceCollection();
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public ReferenceCollection EnvironmentIds { get; set; }
        public string Description { get; set; }
        public string RetentionPolicyId { get; set; }
        public string SpaceId { get; set; }
    }

    public class LifecycleResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public string Name { get; set; }
        public string Slug { get; set; }
        public string Description { get; set; }
        public string SpaceId { get; set; }
        public RetentionPeriod ReleaseRetentionPolicy { get; set; }
        public RetentionPeriod TentacleRetentionPolicy { get; set; }

        public LifecycleResource WithReleaseRetentionPolicy(RetentionPeriod period)
        {
            ReleaseRetentionPolicy = period;
            return this;
        }

        public LifecycleResource WithTentacleRetentionPolicy(RetentionPeriod period)
        {
            TentacleRetentionPolicy = period;
            return this;
        }
    }

    public enum RetentionUnit
    {
        Days = 0,
        Items = 1,
    }

    // Immutable, built only through its constructor (Newtonsoft too, by parameter name), as the real one.
    public class RetentionPeriod : IEquatable<RetentionPeriod>
    {
        public RetentionPeriod(int quantityToKeep, RetentionUnit unit)
        {
            QuantityToKeep = quantityToKeep;
            Unit = unit;
        }

        public int QuantityToKeep { get; private set; }
        public RetentionUnit Unit { get; private set; }

        public bool ShouldKeepForever
        {
            get { return QuantityToKeep == 0; }
        }

        public static RetentionPeriod KeepForever()
        {
            return new RetentionPeriod(0, RetentionUnit.Items);
        }

        public static RetentionPeriod Default()
        {
            return new RetentionPeriod(30, RetentionUnit.Days);
        }

        public bool Equals(RetentionPeriod other)
        {
            return other != null && QuantityToKeep == other.QuantityToKeep && Unit == other.Unit;
        }

        public override bool Equals(object obj)
        {
            return Equals(obj as RetentionPeriod);
        }

        public override int GetHashCode()
        {
            return QuantityToKeep * 2 + (int)Unit;
        }

        public override string ToString()
        {
            return ShouldKeepForever ? "Forever" : QuantityToKeep + " " + Unit;
        }
    }

    public class TenantResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public TenantResource()
        {
            ProjectEnvironments = new Dictionary<string, ReferenceCollection>();
            TenantTags = new ReferenceCollection();
        }

        public string Name { get; set; }
        public string Slug { get; set; }
        public string Description { get; set; }
        public bool IsDisabled { get; set; }
        public string ClonedFromTenantId { get; set; }
        public IDictionary<string, ReferenceCollection> ProjectEnvironments { get; set; }
        public ReferenceCollection TenantTags { get; set; }
        public string SpaceId { get; set; }

        public TenantResource ClearProjects()
        {
            ProjectEnvironments.Clear();
            return this;
        }

        public TenantResource ConnectToProjectAndEnvironments(ProjectResource project, params EnvironmentResource[] environments)
        {
            ProjectEnvironments[project.Id] = new ReferenceCollection(environments.Select(e => e.Id));
            return this;
        }
    }

    public enum MachineModelStatus
    {
        Online = 0,
        Offline = 1,
        Unknown = 2,
        NeedsUpgrade = 3,
        CalamariNeedsUpgrade = 4,
        Disabled = 5,
    }

    public enum MachineModelHealthStatus
    {
        Healthy = 0,
        Unavailable = 1,
        Unknown = 2,
        HasWarnings = 3,
        Unhealthy = 4,
    }

    public enum CommunicationStyle
    {
        None = 0,
        TentaclePassive = 1,
        TentacleActive = 2,
        Ssh = 3,
        OfflineDrop = 4,
        AzureWebApp = 5,
        Ftp = 6,
        AzureCloudService = 7,
        AzureServiceFabricCluster = 8,
        Kubernetes = 9,
        StepPackage = 10,
        KubernetesTentacle = 11,
        AwsEcsCluster = 12,
    }

    public abstract class MachineBasedResource : Resource, INamedResource, IHaveSlugResource, IHaveSpaceResource
    {
        public string Name { get; set; }
        public string Thumbprint { get; set; }
        public string Uri { get; set; }
        public bool IsDisabled { get; set; }
        public string MachinePolicyId { get; set; }
        public MachineModelStatus Status { get; set; }
        public MachineModelHealthStatus HealthStatus { get; set; }
        public bool HasLatestCalamari { get; set; }
        public string StatusSummary { get; set; }
        public bool IsInProcess { get; set; }
        public EndpointResource Endpoint { get; set; }
        public string OperatingSystem { get; set; }
        public string ShellName { get; set; }
        public string ShellVersion { get; set; }
        public string Architecture { get; set; }
        public string OperatingSystemVersion { get; set; }
        public bool SkipInitialHealthCheck { get; set; }
        public string Slug { get; set; }
        public string SpaceId { get; set; }
    }

    public class MachineResource : MachineBasedResource
    {
        public MachineResource()
        {
            EnvironmentIds = new ReferenceCollection();
            Roles = new ReferenceCollection();
            TenantIds = new ReferenceCollection();
            TenantTags = new ReferenceCollection();
        }

        public ReferenceCollection EnvironmentIds { get; set; }
        public ReferenceCollection Roles { get; set; }
        public TenantedDeploymentMode TenantedDeploymentParticipation { get; set; }
        public ReferenceCollection TenantIds { get; set; }
        public ReferenceCollection TenantTags { get; set; }

        public MachineResource AddOrUpdateEnvironments(params EnvironmentResource[] environments)
        {
            foreach (var environment in environments) EnvironmentIds.Add(environment.Id);
            return this;
        }

        public MachineResource AddOrUpdateRoles(params string[] roles)
        {
            foreach (var role in roles) Roles.Add(role);
            return this;
        }

        public MachineResource RemoveRole(string role)
        {
            Roles.Remove(role);
            return this;
        }

        public MachineResource ClearRoles()
        {
            Roles.Clear();
            return this;
        }

        public MachineResource ClearEnvironments()
        {
            EnvironmentIds.Clear();
            return this;
        }
    }

    public class ActivityLogElement
    {
        public string Category { get; set; }
        public string MessageText { get; set; }
        public string Detail { get; set; }
        public DateTimeOffset? OccurredAt { get; set; }
    }

    public class MachineConnectionStatus : Resource
    {
        public string MachineId { get; set; }
        public List<ActivityLogElement> Logs { get; set; }
        public string Status { get; set; }
        public string CurrentTentacleVersion { get; set; }
        public DateTimeOffset LastChecked { get; set; }
    }

    public class LoginState
    {
        public bool UsingSecureConnection { get; set; }
    }

    public class LoginCommand
    {
        public string Username { get; set; }
        public string Password { get; set; }
        public bool RememberMe { get; set; }
        public LoginState State { get; set; }
    }
}
