using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Octopus.Client.Exceptions;
using Octopus.Client.Extensibility;
using Octopus.Client.Model;

namespace Octopus.Client.Repositories
{
    public interface IResourceRepository
    {
        IOctopusClient Client { get; }
    }

    public interface IGet<TResource>
    {
        TResource Get(string idOrHref);
        List<TResource> Get(params string[] ids);
        TResource Refresh(TResource resource);
    }

    public interface IGetAll<TResource>
    {
        List<TResource> GetAll();
    }

    public interface IPaginate<TResource>
    {
        void Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, string path = null, object pathParameters = null);
        TResource FindOne(Func<TResource, bool> search, string path = null, object pathParameters = null);
        List<TResource> FindMany(Func<TResource, bool> search, string path = null, object pathParameters = null);
        List<TResource> FindAll(string path = null, object pathParameters = null);
    }

    public interface IFindByName<TResource> : IPaginate<TResource>
    {
        TResource FindByName(string name, string path = null, object pathParameters = null);
        List<TResource> FindByNames(IEnumerable<string> names, string path = null, object pathParameters = null);
    }

    public interface ICreate<TResource>
    {
        TResource Create(TResource resource, object pathParameters = null);
    }

    public interface IModify<TResource>
    {
        TResource Modify(TResource resource);
    }

    public interface IDelete<TResource>
    {
        void Delete(TResource resource);
    }

    public interface ISpaceRepository : ICreate<SpaceResource>, IModify<SpaceResource>, IDelete<SpaceResource>, IFindByName<SpaceResource>, IGet<SpaceResource>
    {
    }

    public interface IUserRepository : IPaginate<UserResource>, IGet<UserResource>, IModify<UserResource>, IDelete<UserResource>, ICreate<UserResource>
    {
        UserResource Create(string username, string displayName, string password = null, string emailAddress = null);
        ApiKeyCreatedResource CreateApiKey(UserResource user, string purpose = null, DateTimeOffset? expires = null);
        UserResource FindByUsername(string username);
        UserResource GetCurrent();
        SpaceResource[] GetSpaces(UserResource user);
        void SignIn(LoginCommand loginCommand);
        void SignIn(string username, string password, bool rememberMe = false);
        void SignOut();
    }

    public interface ITeamsRepository : ICreate<TeamResource>, IModify<TeamResource>, IDelete<TeamResource>, IFindByName<TeamResource>, IGet<TeamResource>
    {
    }

    public interface IEnvironmentRepository : IPaginate<EnvironmentResource>, IFindByName<EnvironmentResource>, IGet<EnvironmentResource>, ICreate<EnvironmentResource>, IModify<EnvironmentResource>, IDelete<EnvironmentResource>, IGetAll<EnvironmentResource>
    {
        List<MachineResource> GetMachines(EnvironmentResource environment, int? skip = 0, int? take = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null);
    }

    public interface IMachineRepository : IFindByName<MachineResource>, IGet<MachineResource>, ICreate<MachineResource>, IModify<MachineResource>, IDelete<MachineResource>
    {
        MachineConnectionStatus GetConnectionStatus(MachineResource machine);
        List<MachineResource> FindByThumbprint(string thumbprint);
        ResourceCollection<MachineResource> List(int skip = 0, int? take = null, string ids = null, string name = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null, string environmentIds = null);
    }

    public interface IProjectGroupRepository : IFindByName<ProjectGroupResource>, IGet<ProjectGroupResource>, ICreate<ProjectGroupResource>, IModify<ProjectGroupResource>, IDelete<ProjectGroupResource>, IGetAll<ProjectGroupResource>
    {
        List<ProjectResource> GetProjects(ProjectGroupResource projectGroup);
    }

    public interface ILifecyclesRepository : IGet<LifecycleResource>, ICreate<LifecycleResource>, IModify<LifecycleResource>, IDelete<LifecycleResource>, IFindByName<LifecycleResource>
    {
    }

    public interface IProjectRepository : IFindByName<ProjectResource>, IGet<ProjectResource>, ICreate<ProjectResource>, IModify<ProjectResource>, IDelete<ProjectResource>, IGetAll<ProjectResource>
    {
        ResourceCollection<ReleaseResource> GetReleases(ProjectResource project, int skip = 0, int? take = null, string searchByVersion = null);
        IReadOnlyList<ReleaseResource> GetAllReleases(ProjectResource project);
        ReleaseResource GetReleaseByVersion(ProjectResource project, string version);
        ResourceCollection<ChannelResource> GetChannels(ProjectResource project);
        IReadOnlyList<ChannelResource> GetAllChannels(ProjectResource project);
        ResourceCollection<RunbookResource> GetRunbooks(ProjectResource project, int skip = 0, int? take = null, string searchByName = null);
        IReadOnlyList<RunbookResource> GetAllRunbooks(ProjectResource project);
        ResourceCollection<RunbookSnapshotResource> GetRunbookSnapshots(ProjectResource project, int skip = 0, int? take = null, string searchByName = null);
        RunbookSnapshotResource GetRunbookSnapshotByName(ProjectResource project, string name);
    }

    public interface ITenantRepository : IPaginate<TenantResource>, ICreate<TenantResource>, IModify<TenantResource>, IGet<TenantResource>, IDelete<TenantResource>, IFindByName<TenantResource>, IGetAll<TenantResource>
    {
        List<TenantResource> FindAll(string name, string[] tags, int pageSize = int.MaxValue);
    }

    /// <summary>The operations every collection shares, mapped to HTTP as the real client's BasicRepository does.</summary>
    internal abstract class BasicRepository<TResource> where TResource : class, IResource
    {
        protected readonly OctopusRepository Repository;
        protected readonly string CollectionLinkName;

        protected BasicRepository(OctopusRepository repository, string collectionLinkName)
        {
            Repository = repository;
            CollectionLinkName = collectionLinkName;
        }

        public IOctopusClient Client
        {
            get { return Repository.Client; }
        }

        /// <summary>Extra query parameters (mixed-scope collections add <c>spaces</c> and <c>includeSystem</c>).</summary>
        protected virtual IDictionary<string, object> AdditionalQueryParameters
        {
            get { return new Dictionary<string, object>(); }
        }

        /// <summary>The server version a collection needs, checked before any request to it.</summary>
        protected virtual string MinimumCompatibleVersion
        {
            get { return null; }
        }

        protected string ResolveLink()
        {
            if (MinimumCompatibleVersion != null)
                ApiVersionCheck.RequireServerVersion(Repository.LoadRootDocument(), MinimumCompatibleVersion);
            return Repository.Link(CollectionLinkName);
        }

        protected IDictionary<string, object> Parameters(object pathParameters, object extra = null)
        {
            var merged = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in AdditionalQueryParameters) merged[pair.Key] = pair.Value;
            foreach (var pair in UrlTemplate.ToPairs(pathParameters)) merged[pair.Key] = pair.Value;
            foreach (var pair in UrlTemplate.ToPairs(extra)) merged[pair.Key] = pair.Value;
            return merged;
        }

        public TResource Get(string idOrHref)
        {
            if (string.IsNullOrWhiteSpace(idOrHref)) return null;
            if (idOrHref.StartsWith("/", StringComparison.OrdinalIgnoreCase))
                return Client.Get<TResource>(idOrHref, Parameters(null));
            return Client.Get<TResource>(ResolveLink(), Parameters(null, new { id = idOrHref }));
        }

        public List<TResource> Get(params string[] ids)
        {
            if (ids == null) return new List<TResource>();
            var actualIds = ids.Where(id => !string.IsNullOrWhiteSpace(id)).ToArray();
            if (actualIds.Length == 0) return new List<TResource>();
            var link = ResolveLink();
            if (!Regex.IsMatch(link, @"\{\?.*\Wids\W"))
                link += "{?ids}";
            var resources = new List<TResource>();
            Client.Paginate<TResource>(link, Parameters(null, new { ids = actualIds }), page =>
            {
                resources.AddRange(page.Items);
                return true;
            });
            return resources;
        }

        public TResource Refresh(TResource resource)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            return Get(resource.Id);
        }

        public List<TResource> GetAll()
        {
            return Client.Get<List<TResource>>(ResolveLink(), Parameters(null, new { id = "all" }));
        }

        public void Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, string path = null, object pathParameters = null)
        {
            Client.Paginate(path ?? ResolveLink(), Parameters(pathParameters), getNextPage);
        }

        public TResource FindOne(Func<TResource, bool> search, string path = null, object pathParameters = null)
        {
            if (search == null) throw new ArgumentNullException("search");
            TResource resource = null;
            Paginate(page =>
            {
                resource = page.Items.FirstOrDefault(search);
                return resource == null;
            }, path, pathParameters);
            return resource;
        }

        public List<TResource> FindMany(Func<TResource, bool> search, string path = null, object pathParameters = null)
        {
            if (search == null) throw new ArgumentNullException("search");
            var resources = new List<TResource>();
            Paginate(page =>
            {
                resources.AddRange(page.Items.Where(search));
                return true;
            }, path, pathParameters);
            return resources;
        }

        public List<TResource> FindAll(string path = null, object pathParameters = null)
        {
            return FindMany(r => true, path, pathParameters);
        }

        public TResource FindByName(string name, string path = null, object pathParameters = null)
        {
            name = (name ?? string.Empty).Trim();
            if (path == null)
            {
                path = ResolveLink();
                pathParameters = new { name = name };
            }
            return FindOne(r => NameMatches(r, name), path, pathParameters);
        }

        public List<TResource> FindByNames(IEnumerable<string> names, string path = null, object pathParameters = null)
        {
            var wanted = new HashSet<string>((names ?? Enumerable.Empty<string>()).Select(n => (n ?? "").Trim()), StringComparer.OrdinalIgnoreCase);
            return FindMany(r => wanted.Any(n => NameMatches(r, n)), path, pathParameters);
        }

        static bool NameMatches(TResource resource, string name)
        {
            var named = resource as INamedResource;
            return named != null && named.Name != null && string.Equals(named.Name.Trim(), name, StringComparison.OrdinalIgnoreCase);
        }

        public TResource Create(TResource resource, object pathParameters = null)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            var link = ResolveLink();
            AssertSpaceIdMatchesResource(resource);
            return Client.Create(link, resource, pathParameters);
        }

        public TResource Modify(TResource resource)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            AssertSpaceIdMatchesResource(resource);
            return Client.Update(resource.Links["Self"], resource);
        }

        public void Delete(TResource resource)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            AssertSpaceIdMatchesResource(resource);
            Client.Delete(resource.Links["Self"]);
        }

        /// <summary>Space-scoped resources take the repository's space; a different one, or no default space at all, is an error before any request.</summary>
        void AssertSpaceIdMatchesResource(TResource resource)
        {
            var spaceResource = resource as IHaveSpaceResource;
            if (spaceResource == null) return;
            Repository.Scope.Apply(
                space =>
                {
                    if (spaceResource.SpaceId != null && !string.Equals(spaceResource.SpaceId, space.Id, StringComparison.OrdinalIgnoreCase))
                        throw new ResourceSpaceDoesNotMatchRepositorySpaceException(spaceResource, space);
                    spaceResource.SpaceId = space.Id;
                },
                () => { },
                () =>
                {
                    if (Repository.LoadRootDocument().HasLink("Spaces") && Repository.LoadSpaceRootDocument() == null)
                        throw new DefaultSpaceNotFoundException(spaceResource);
                });
        }
    }

    /// <summary>Collections holding both system and space items: the scope becomes <c>spaces</c>/<c>includeSystem</c> query parameters.</summary>
    internal abstract class MixedScopeBaseRepository<TResource> : BasicRepository<TResource> where TResource : class, IResource
    {
        protected MixedScopeBaseRepository(OctopusRepository repository, string collectionLinkName)
            : base(repository, collectionLinkName)
        {
        }

        protected override IDictionary<string, object> AdditionalQueryParameters
        {
            get
            {
                return Repository.Scope.Apply(
                    space => new Dictionary<string, object> { { "spaces", new[] { space.Id } }, { "includeSystem", false } },
                    () => new Dictionary<string, object> { { "includeSystem", true } },
                    () => new Dictionary<string, object> { { "spaces", "all" }, { "includeSystem", true } });
            }
        }
    }

    internal class SpaceRepository : BasicRepository<SpaceResource>, ISpaceRepository
    {
        public SpaceRepository(OctopusRepository repository) : base(repository, "Spaces")
        {
        }
    }

    internal class UserRepository : BasicRepository<UserResource>, IUserRepository
    {
        public UserRepository(OctopusRepository repository) : base(repository, "Users")
        {
        }

        public UserResource Create(string username, string displayName, string password = null, string emailAddress = null)
        {
            return Create(new UserResource
            {
                Username = username,
                DisplayName = displayName,
                Password = password,
                EmailAddress = emailAddress,
                IsActive = true,
                IsService = false,
            });
        }

        public ApiKeyCreatedResource CreateApiKey(UserResource user, string purpose = null, DateTimeOffset? expires = null)
        {
            if (user == null) throw new ArgumentNullException("user");
            return Client.Post<object, ApiKeyCreatedResource>(user.Link("ApiKeys"), new { Purpose = purpose ?? "Requested by Octopus.Client", Expires = expires });
        }

        public UserResource FindByUsername(string username)
        {
            return FindOne(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        }

        public UserResource GetCurrent()
        {
            return Client.Get<UserResource>(Repository.Link("CurrentUser"));
        }

        public SpaceResource[] GetSpaces(UserResource user)
        {
            if (user == null) throw new ArgumentNullException("user");
            return Client.Get<SpaceResource[]>(user.Link("Spaces"));
        }

        public void SignIn(LoginCommand loginCommand)
        {
            Client.SignIn(loginCommand);
        }

        public void SignIn(string username, string password, bool rememberMe = false)
        {
            SignIn(new LoginCommand { Username = username, Password = password, RememberMe = rememberMe });
        }

        public void SignOut()
        {
            Client.SignOut();
        }
    }

    internal class TeamsRepository : MixedScopeBaseRepository<TeamResource>, ITeamsRepository
    {
        public TeamsRepository(OctopusRepository repository) : base(repository, "Teams")
        {
        }

        protected override string MinimumCompatibleVersion
        {
            get { return "2019.1.0"; }
        }
    }

    internal class EnvironmentRepository : BasicRepository<EnvironmentResource>, IEnvironmentRepository
    {
        public EnvironmentRepository(OctopusRepository repository) : base(repository, "Environments")
        {
        }

        public List<MachineResource> GetMachines(EnvironmentResource environment, int? skip = 0, int? take = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null)
        {
            if (environment == null) throw new ArgumentNullException("environment");
            var resources = new List<MachineResource>();
            Client.Paginate<MachineResource>(environment.Link("Machines"), new { skip, take, partialName, roles, isDisabled, healthStatuses, commStyles, tenantIds, tenantTags }, page =>
            {
                resources.AddRange(page.Items);
                return true;
            });
            return resources;
        }
    }

    internal class MachineRepository : BasicRepository<MachineResource>, IMachineRepository
    {
        public MachineRepository(OctopusRepository repository) : base(repository, "Machines")
        {
        }

        public MachineConnectionStatus GetConnectionStatus(MachineResource machine)
        {
            if (machine == null) throw new ArgumentNullException("machine");
            return Client.Get<MachineConnectionStatus>(machine.Link("Connection"));
        }

        public List<MachineResource> FindByThumbprint(string thumbprint)
        {
            if (thumbprint == null) throw new ArgumentNullException("thumbprint");
            return Client.Get<List<MachineResource>>(ResolveLink(), new { id = (string)null, thumbprint });
        }

        public ResourceCollection<MachineResource> List(int skip = 0, int? take = null, string ids = null, string name = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null, string environmentIds = null)
        {
            return Client.List<MachineResource>(ResolveLink(), new { skip, take, ids, name, partialName, roles, isDisabled, healthStatuses, commStyles, tenantIds, tenantTags, environmentIds });
        }
    }

    internal class ProjectGroupRepository : BasicRepository<ProjectGroupResource>, IProjectGroupRepository
    {
        public ProjectGroupRepository(OctopusRepository repository) : base(repository, "ProjectGroups")
        {
        }

        public List<ProjectResource> GetProjects(ProjectGroupResource projectGroup)
        {
            if (projectGroup == null) throw new ArgumentNullException("projectGroup");
            return Client.ListAll<ProjectResource>(projectGroup.Link("Projects")).ToList();
        }
    }

    internal class LifecyclesRepository : BasicRepository<LifecycleResource>, ILifecyclesRepository
    {
        public LifecyclesRepository(OctopusRepository repository) : base(repository, "Lifecycles")
        {
        }
    }

    internal class ProjectRepository : BasicRepository<ProjectResource>, IProjectRepository
    {
        public ProjectRepository(OctopusRepository repository) : base(repository, "Projects")
        {
        }

        // A project's releases, channels, runbooks and snapshots are reached through its own links.
        public ResourceCollection<ReleaseResource> GetReleases(ProjectResource project, int skip = 0, int? take = null, string searchByVersion = null)
        {
            return Client.List<ReleaseResource>(project.Link("Releases"), new { skip, take, searchByVersion });
        }

        public IReadOnlyList<ReleaseResource> GetAllReleases(ProjectResource project)
        {
            return Client.ListAll<ReleaseResource>(project.Link("Releases"));
        }

        public ReleaseResource GetReleaseByVersion(ProjectResource project, string version)
        {
            return Client.Get<ReleaseResource>(project.Link("Releases"), new { version });
        }

        public ResourceCollection<ChannelResource> GetChannels(ProjectResource project)
        {
            return Client.List<ChannelResource>(project.Link("Channels"));
        }

        public IReadOnlyList<ChannelResource> GetAllChannels(ProjectResource project)
        {
            return Client.ListAll<ChannelResource>(project.Link("Channels"));
        }

        public ResourceCollection<RunbookResource> GetRunbooks(ProjectResource project, int skip = 0, int? take = null, string searchByName = null)
        {
            return Client.List<RunbookResource>(project.Link("Runbooks"), new { skip, take, searchByName });
        }

        public IReadOnlyList<RunbookResource> GetAllRunbooks(ProjectResource project)
        {
            return Client.ListAll<RunbookResource>(project.Link("Runbooks"));
        }

        public ResourceCollection<RunbookSnapshotResource> GetRunbookSnapshots(ProjectResource project, int skip = 0, int? take = null, string searchByName = null)
        {
            return Client.List<RunbookSnapshotResource>(project.Link("RunbookSnapshots"), new { skip, take, searchByName });
        }

        public RunbookSnapshotResource GetRunbookSnapshotByName(ProjectResource project, string name)
        {
            return Client.Get<RunbookSnapshotResource>(project.Link("RunbookSnapshots"), new { name });
        }
    }

    internal class TenantRepository : BasicRepository<TenantResource>, ITenantRepository
    {
        public TenantRepository(OctopusRepository repository) : base(repository, "Tenants")
        {
        }

        public List<TenantResource> FindAll(string name, string[] tags, int pageSize = int.MaxValue)
        {
            return Client.List<TenantResource>(ResolveLink(), new { name, tags, take = pageSize }).Items.ToList();
        }
    }
}
