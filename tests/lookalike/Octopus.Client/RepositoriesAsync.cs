using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Octopus.Client.Exceptions;
using Octopus.Client.Extensibility;
using Octopus.Client.Model;

namespace Octopus.Client.Repositories.Async
{
    public interface IResourceRepository
    {
        IOctopusAsyncClient Client { get; }
    }

    public interface IGet<TResource>
    {
        Task<TResource> Get(string idOrHref);
        Task<TResource> Get(string idOrHref, CancellationToken cancellationToken);
        Task<List<TResource>> Get(params string[] ids);
        Task<List<TResource>> Get(CancellationToken cancellationToken, params string[] ids);
        Task<TResource> Refresh(TResource resource);
        Task<TResource> Refresh(TResource resource, CancellationToken cancellationToken);
    }

    public interface IGetAll<TResource>
    {
        Task<List<TResource>> GetAll();
        Task<List<TResource>> GetAll(CancellationToken cancellationToken);
    }

    public interface IPaginate<TResource>
    {
        Task Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, string path = null, object pathParameters = null);
        Task Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, CancellationToken cancellationToken);
        Task Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, string path, object pathParameters, CancellationToken cancellationToken);
        Task<TResource> FindOne(Func<TResource, bool> search, string path = null, object pathParameters = null);
        Task<TResource> FindOne(Func<TResource, bool> search, CancellationToken cancellationToken);
        Task<TResource> FindOne(Func<TResource, bool> search, string path, object pathParameters, CancellationToken cancellationToken);
        Task<List<TResource>> FindMany(Func<TResource, bool> search, string path = null, object pathParameters = null);
        Task<List<TResource>> FindMany(Func<TResource, bool> search, CancellationToken cancellationToken);
        Task<List<TResource>> FindMany(Func<TResource, bool> search, string path, object pathParameters, CancellationToken cancellationToken);
        Task<List<TResource>> FindAll(string path = null, object pathParameters = null);
        Task<List<TResource>> FindAll(CancellationToken cancellationToken);
        Task<List<TResource>> FindAll(string path, object pathParameters, CancellationToken cancellationToken);
    }

    public interface IFindByName<TResource> : IPaginate<TResource>
    {
        Task<TResource> FindByName(string name, string path = null, object pathParameters = null);
        Task<TResource> FindByName(string name, CancellationToken cancellationToken);
        Task<TResource> FindByName(string name, string path, object pathParameters, CancellationToken cancellationToken);
        Task<List<TResource>> FindByNames(IEnumerable<string> names, string path = null, object pathParameters = null);
        Task<List<TResource>> FindByNames(IEnumerable<string> names, CancellationToken cancellationToken);
        Task<List<TResource>> FindByNames(IEnumerable<string> names, string path, object pathParameters, CancellationToken cancellationToken);
    }

    public interface ICreate<TResource>
    {
        Task<TResource> Create(TResource resource, object pathParameters = null);
        Task<TResource> Create(TResource resource, CancellationToken cancellationToken);
        Task<TResource> Create(TResource resource, object pathParameters, CancellationToken cancellationToken);
    }

    public interface IModify<TResource>
    {
        Task<TResource> Modify(TResource resource);
        Task<TResource> Modify(TResource resource, CancellationToken cancellationToken);
    }

    public interface IDelete<TResource>
    {
        Task Delete(TResource resource);
        Task Delete(TResource resource, CancellationToken cancellationToken);
    }

    public interface ISpaceRepository : ICreate<SpaceResource>, IModify<SpaceResource>, IDelete<SpaceResource>, IFindByName<SpaceResource>, IGet<SpaceResource>
    {
    }

    public interface IUserRepository : IPaginate<UserResource>, IGet<UserResource>, IModify<UserResource>, IDelete<UserResource>, ICreate<UserResource>
    {
        Task<UserResource> Create(string username, string displayName, string password = null, string emailAddress = null);
        Task<UserResource> FindByUsername(string username);
        Task<UserResource> GetCurrent();
        Task<SpaceResource[]> GetSpaces(UserResource user);
        Task SignIn(LoginCommand loginCommand);
        Task SignIn(string username, string password, bool rememberMe = false);
        Task SignOut();
    }

    public interface ITeamsRepository : ICreate<TeamResource>, IModify<TeamResource>, IDelete<TeamResource>, IFindByName<TeamResource>, IGet<TeamResource>
    {
    }

    public interface IEnvironmentRepository : IPaginate<EnvironmentResource>, IFindByName<EnvironmentResource>, IGet<EnvironmentResource>, ICreate<EnvironmentResource>, IModify<EnvironmentResource>, IDelete<EnvironmentResource>, IGetAll<EnvironmentResource>
    {
        Task<List<MachineResource>> GetMachines(EnvironmentResource environment, int? skip = 0, int? take = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null);
    }

    public interface IMachineRepository : IFindByName<MachineResource>, IGet<MachineResource>, ICreate<MachineResource>, IModify<MachineResource>, IDelete<MachineResource>
    {
        Task<MachineConnectionStatus> GetConnectionStatus(MachineResource machine);
        Task<List<MachineResource>> FindByThumbprint(string thumbprint);
        Task<ResourceCollection<MachineResource>> List(int skip = 0, int? take = null, string ids = null, string name = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null, string environmentIds = null);
    }

    public interface IProjectGroupRepository : IFindByName<ProjectGroupResource>, IGet<ProjectGroupResource>, ICreate<ProjectGroupResource>, IModify<ProjectGroupResource>, IDelete<ProjectGroupResource>, IGetAll<ProjectGroupResource>
    {
        Task<List<ProjectResource>> GetProjects(ProjectGroupResource projectGroup);
    }

    public interface ILifecyclesRepository : IGet<LifecycleResource>, ICreate<LifecycleResource>, IModify<LifecycleResource>, IDelete<LifecycleResource>, IFindByName<LifecycleResource>
    {
    }

    public interface IProjectRepository : IFindByName<ProjectResource>, IGet<ProjectResource>, ICreate<ProjectResource>, IModify<ProjectResource>, IDelete<ProjectResource>, IGetAll<ProjectResource>
    {
    }

    public interface ITenantRepository : IPaginate<TenantResource>, ICreate<TenantResource>, IModify<TenantResource>, IGet<TenantResource>, IDelete<TenantResource>, IFindByName<TenantResource>, IGetAll<TenantResource>
    {
        Task<List<TenantResource>> FindAll(string name, string[] tags, int pageSize = int.MaxValue);
    }

    /// <summary>The asynchronous twin of the synchronous BasicRepository: same HTTP, real tasks, cancellation tokens passed down.</summary>
    internal abstract class BasicRepository<TResource> where TResource : class, IResource
    {
        protected readonly OctopusAsyncRepository Repository;
        protected readonly string CollectionLinkName;

        protected BasicRepository(OctopusAsyncRepository repository, string collectionLinkName)
        {
            Repository = repository;
            CollectionLinkName = collectionLinkName;
        }

        public IOctopusAsyncClient Client
        {
            get { return Repository.Client; }
        }

        protected virtual IDictionary<string, object> AdditionalQueryParameters
        {
            get { return new Dictionary<string, object>(); }
        }

        protected virtual string MinimumCompatibleVersion
        {
            get { return null; }
        }

        protected async Task<string> ResolveLink()
        {
            if (MinimumCompatibleVersion != null)
                ApiVersionCheck.RequireServerVersion(await Repository.LoadRootDocument().ConfigureAwait(false), MinimumCompatibleVersion);
            return await Repository.Link(CollectionLinkName).ConfigureAwait(false);
        }

        protected IDictionary<string, object> Parameters(object pathParameters, object extra = null)
        {
            var merged = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in AdditionalQueryParameters) merged[pair.Key] = pair.Value;
            foreach (var pair in UrlTemplate.ToPairs(pathParameters)) merged[pair.Key] = pair.Value;
            foreach (var pair in UrlTemplate.ToPairs(extra)) merged[pair.Key] = pair.Value;
            return merged;
        }

        public Task<TResource> Get(string idOrHref)
        {
            return Get(idOrHref, CancellationToken.None);
        }

        public async Task<TResource> Get(string idOrHref, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(idOrHref)) return null;
            if (idOrHref.StartsWith("/", StringComparison.OrdinalIgnoreCase))
                return await Client.Get<TResource>(idOrHref, Parameters(null), cancellationToken).ConfigureAwait(false);
            var link = await ResolveLink().ConfigureAwait(false);
            return await Client.Get<TResource>(link, Parameters(null, new { id = idOrHref }), cancellationToken).ConfigureAwait(false);
        }

        public Task<List<TResource>> Get(params string[] ids)
        {
            return Get(CancellationToken.None, ids);
        }

        public async Task<List<TResource>> Get(CancellationToken cancellationToken, params string[] ids)
        {
            if (ids == null) return new List<TResource>();
            var actualIds = ids.Where(id => !string.IsNullOrWhiteSpace(id)).ToArray();
            if (actualIds.Length == 0) return new List<TResource>();
            var link = await ResolveLink().ConfigureAwait(false);
            if (!Regex.IsMatch(link, @"\{\?.*\Wids\W"))
                link += "{?ids}";
            var resources = new List<TResource>();
            await Client.Paginate<TResource>(link, Parameters(null, new { ids = actualIds }), page =>
            {
                resources.AddRange(page.Items);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return resources;
        }

        public Task<TResource> Refresh(TResource resource)
        {
            return Refresh(resource, CancellationToken.None);
        }

        public Task<TResource> Refresh(TResource resource, CancellationToken cancellationToken)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            return Get(resource.Id, cancellationToken);
        }

        public Task<List<TResource>> GetAll()
        {
            return GetAll(CancellationToken.None);
        }

        public async Task<List<TResource>> GetAll(CancellationToken cancellationToken)
        {
            var link = await ResolveLink().ConfigureAwait(false);
            return await Client.Get<List<TResource>>(link, Parameters(null, new { id = "all" }), cancellationToken).ConfigureAwait(false);
        }

        public Task Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, string path = null, object pathParameters = null)
        {
            return Paginate(getNextPage, path, pathParameters, CancellationToken.None);
        }

        public Task Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, CancellationToken cancellationToken)
        {
            return Paginate(getNextPage, null, null, cancellationToken);
        }

        public async Task Paginate(Func<ResourceCollection<TResource>, bool> getNextPage, string path, object pathParameters, CancellationToken cancellationToken)
        {
            var link = path ?? await ResolveLink().ConfigureAwait(false);
            await Client.Paginate(link, Parameters(pathParameters), getNextPage, cancellationToken).ConfigureAwait(false);
        }

        public Task<TResource> FindOne(Func<TResource, bool> search, string path = null, object pathParameters = null)
        {
            return FindOne(search, path, pathParameters, CancellationToken.None);
        }

        public Task<TResource> FindOne(Func<TResource, bool> search, CancellationToken cancellationToken)
        {
            return FindOne(search, null, null, cancellationToken);
        }

        public async Task<TResource> FindOne(Func<TResource, bool> search, string path, object pathParameters, CancellationToken cancellationToken)
        {
            if (search == null) throw new ArgumentNullException("search");
            TResource resource = null;
            await Paginate(page =>
            {
                resource = page.Items.FirstOrDefault(search);
                return resource == null;
            }, path, pathParameters, cancellationToken).ConfigureAwait(false);
            return resource;
        }

        public Task<List<TResource>> FindMany(Func<TResource, bool> search, string path = null, object pathParameters = null)
        {
            return FindMany(search, path, pathParameters, CancellationToken.None);
        }

        public Task<List<TResource>> FindMany(Func<TResource, bool> search, CancellationToken cancellationToken)
        {
            return FindMany(search, null, null, cancellationToken);
        }

        public async Task<List<TResource>> FindMany(Func<TResource, bool> search, string path, object pathParameters, CancellationToken cancellationToken)
        {
            if (search == null) throw new ArgumentNullException("search");
            var resources = new List<TResource>();
            await Paginate(page =>
            {
                resources.AddRange(page.Items.Where(search));
                return true;
            }, path, pathParameters, cancellationToken).ConfigureAwait(false);
            return resources;
        }

        public Task<List<TResource>> FindAll(string path = null, object pathParameters = null)
        {
            return FindAll(path, pathParameters, CancellationToken.None);
        }

        public Task<List<TResource>> FindAll(CancellationToken cancellationToken)
        {
            return FindAll(null, null, cancellationToken);
        }

        public Task<List<TResource>> FindAll(string path, object pathParameters, CancellationToken cancellationToken)
        {
            return FindMany(r => true, path, pathParameters, cancellationToken);
        }

        public Task<TResource> FindByName(string name, string path = null, object pathParameters = null)
        {
            return FindByName(name, path, pathParameters, CancellationToken.None);
        }

        public Task<TResource> FindByName(string name, CancellationToken cancellationToken)
        {
            return FindByName(name, null, null, cancellationToken);
        }

        public async Task<TResource> FindByName(string name, string path, object pathParameters, CancellationToken cancellationToken)
        {
            name = (name ?? string.Empty).Trim();
            if (path == null)
            {
                path = await ResolveLink().ConfigureAwait(false);
                pathParameters = new { name = name };
            }
            return await FindOne(r => NameMatches(r, name), path, pathParameters, cancellationToken).ConfigureAwait(false);
        }

        public Task<List<TResource>> FindByNames(IEnumerable<string> names, string path = null, object pathParameters = null)
        {
            return FindByNames(names, path, pathParameters, CancellationToken.None);
        }

        public Task<List<TResource>> FindByNames(IEnumerable<string> names, CancellationToken cancellationToken)
        {
            return FindByNames(names, null, null, cancellationToken);
        }

        public Task<List<TResource>> FindByNames(IEnumerable<string> names, string path, object pathParameters, CancellationToken cancellationToken)
        {
            var wanted = new HashSet<string>((names ?? Enumerable.Empty<string>()).Select(n => (n ?? "").Trim()), StringComparer.OrdinalIgnoreCase);
            return FindMany(r => wanted.Any(n => NameMatches(r, n)), path, pathParameters, cancellationToken);
        }

        static bool NameMatches(TResource resource, string name)
        {
            var named = resource as INamedResource;
            return named != null && named.Name != null && string.Equals(named.Name.Trim(), name, StringComparison.OrdinalIgnoreCase);
        }

        public Task<TResource> Create(TResource resource, object pathParameters = null)
        {
            return Create(resource, pathParameters, CancellationToken.None);
        }

        public Task<TResource> Create(TResource resource, CancellationToken cancellationToken)
        {
            return Create(resource, null, cancellationToken);
        }

        public async Task<TResource> Create(TResource resource, object pathParameters, CancellationToken cancellationToken)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            var link = await ResolveLink().ConfigureAwait(false);
            await AssertSpaceIdMatchesResource(resource).ConfigureAwait(false);
            return await Client.Create(link, resource, pathParameters, cancellationToken).ConfigureAwait(false);
        }

        public Task<TResource> Modify(TResource resource)
        {
            return Modify(resource, CancellationToken.None);
        }

        public async Task<TResource> Modify(TResource resource, CancellationToken cancellationToken)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            await AssertSpaceIdMatchesResource(resource).ConfigureAwait(false);
            return await Client.Update(resource.Links["Self"], resource, null, cancellationToken).ConfigureAwait(false);
        }

        public Task Delete(TResource resource)
        {
            return Delete(resource, CancellationToken.None);
        }

        public async Task Delete(TResource resource, CancellationToken cancellationToken)
        {
            if (resource == null) throw new ArgumentNullException("resource");
            await AssertSpaceIdMatchesResource(resource).ConfigureAwait(false);
            await Client.Delete(resource.Links["Self"], null, null, cancellationToken).ConfigureAwait(false);
        }

        async Task AssertSpaceIdMatchesResource(TResource resource)
        {
            var spaceResource = resource as IHaveSpaceResource;
            if (spaceResource == null) return;
            var noDefaultSpace = false;
            SpaceResource scopedSpace = null;
            Repository.Scope.Apply(space => { scopedSpace = space; }, () => { }, () => { noDefaultSpace = true; });
            if (scopedSpace != null)
            {
                if (spaceResource.SpaceId != null && !string.Equals(spaceResource.SpaceId, scopedSpace.Id, StringComparison.OrdinalIgnoreCase))
                    throw new ResourceSpaceDoesNotMatchRepositorySpaceException(spaceResource, scopedSpace);
                spaceResource.SpaceId = scopedSpace.Id;
            }
            else if (noDefaultSpace)
            {
                var root = await Repository.LoadRootDocument().ConfigureAwait(false);
                if (root.HasLink("Spaces") && await Repository.LoadSpaceRootDocument().ConfigureAwait(false) == null)
                    throw new DefaultSpaceNotFoundException(spaceResource);
            }
        }
    }

    internal abstract class MixedScopeBaseRepository<TResource> : BasicRepository<TResource> where TResource : class, IResource
    {
        protected MixedScopeBaseRepository(OctopusAsyncRepository repository, string collectionLinkName)
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
        public SpaceRepository(OctopusAsyncRepository repository) : base(repository, "Spaces")
        {
        }
    }

    internal class UserRepository : BasicRepository<UserResource>, IUserRepository
    {
        public UserRepository(OctopusAsyncRepository repository) : base(repository, "Users")
        {
        }

        public Task<UserResource> Create(string username, string displayName, string password = null, string emailAddress = null)
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

        public Task<UserResource> FindByUsername(string username)
        {
            return FindOne(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        }

        public async Task<UserResource> GetCurrent()
        {
            var link = await Repository.Link("CurrentUser").ConfigureAwait(false);
            return await Client.Get<UserResource>(link).ConfigureAwait(false);
        }

        public Task<SpaceResource[]> GetSpaces(UserResource user)
        {
            if (user == null) throw new ArgumentNullException("user");
            return Client.Get<SpaceResource[]>(user.Link("Spaces"));
        }

        public Task SignIn(LoginCommand loginCommand)
        {
            return Client.SignIn(loginCommand);
        }

        public Task SignIn(string username, string password, bool rememberMe = false)
        {
            return SignIn(new LoginCommand { Username = username, Password = password, RememberMe = rememberMe });
        }

        public Task SignOut()
        {
            return Client.SignOut();
        }
    }

    internal class TeamsRepository : MixedScopeBaseRepository<TeamResource>, ITeamsRepository
    {
        public TeamsRepository(OctopusAsyncRepository repository) : base(repository, "Teams")
        {
        }

        protected override string MinimumCompatibleVersion
        {
            get { return "2019.1.0"; }
        }
    }

    internal class EnvironmentRepository : BasicRepository<EnvironmentResource>, IEnvironmentRepository
    {
        public EnvironmentRepository(OctopusAsyncRepository repository) : base(repository, "Environments")
        {
        }

        public async Task<List<MachineResource>> GetMachines(EnvironmentResource environment, int? skip = 0, int? take = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null)
        {
            if (environment == null) throw new ArgumentNullException("environment");
            var resources = new List<MachineResource>();
            await Client.Paginate<MachineResource>(environment.Link("Machines"), new { skip, take, partialName, roles, isDisabled, healthStatuses, commStyles, tenantIds, tenantTags }, page =>
            {
                resources.AddRange(page.Items);
                return true;
            }).ConfigureAwait(false);
            return resources;
        }
    }

    internal class MachineRepository : BasicRepository<MachineResource>, IMachineRepository
    {
        public MachineRepository(OctopusAsyncRepository repository) : base(repository, "Machines")
        {
        }

        public Task<MachineConnectionStatus> GetConnectionStatus(MachineResource machine)
        {
            if (machine == null) throw new ArgumentNullException("machine");
            return Client.Get<MachineConnectionStatus>(machine.Link("Connection"));
        }

        public async Task<List<MachineResource>> FindByThumbprint(string thumbprint)
        {
            if (thumbprint == null) throw new ArgumentNullException("thumbprint");
            var link = await ResolveLink().ConfigureAwait(false);
            return await Client.Get<List<MachineResource>>(link, new { id = (string)null, thumbprint }).ConfigureAwait(false);
        }

        public async Task<ResourceCollection<MachineResource>> List(int skip = 0, int? take = null, string ids = null, string name = null, string partialName = null, string roles = null, bool? isDisabled = false, string healthStatuses = null, string commStyles = null, string tenantIds = null, string tenantTags = null, string environmentIds = null)
        {
            var link = await ResolveLink().ConfigureAwait(false);
            return await Client.List<MachineResource>(link, new { skip, take, ids, name, partialName, roles, isDisabled, healthStatuses, commStyles, tenantIds, tenantTags, environmentIds }).ConfigureAwait(false);
        }
    }

    internal class ProjectGroupRepository : BasicRepository<ProjectGroupResource>, IProjectGroupRepository
    {
        public ProjectGroupRepository(OctopusAsyncRepository repository) : base(repository, "ProjectGroups")
        {
        }

        public async Task<List<ProjectResource>> GetProjects(ProjectGroupResource projectGroup)
        {
            if (projectGroup == null) throw new ArgumentNullException("projectGroup");
            var projects = await Client.ListAll<ProjectResource>(projectGroup.Link("Projects")).ConfigureAwait(false);
            return projects.ToList();
        }
    }

    internal class LifecyclesRepository : BasicRepository<LifecycleResource>, ILifecyclesRepository
    {
        public LifecyclesRepository(OctopusAsyncRepository repository) : base(repository, "Lifecycles")
        {
        }
    }

    internal class ProjectRepository : BasicRepository<ProjectResource>, IProjectRepository
    {
        public ProjectRepository(OctopusAsyncRepository repository) : base(repository, "Projects")
        {
        }
    }

    internal class TenantRepository : BasicRepository<TenantResource>, ITenantRepository
    {
        public TenantRepository(OctopusAsyncRepository repository) : base(repository, "Tenants")
        {
        }

        public async Task<List<TenantResource>> FindAll(string name, string[] tags, int pageSize = int.MaxValue)
        {
            var link = await ResolveLink().ConfigureAwait(false);
            var page = await Client.List<TenantResource>(link, new { name, tags, take = pageSize }).ConfigureAwait(false);
            return page.Items.ToList();
        }
    }
}
