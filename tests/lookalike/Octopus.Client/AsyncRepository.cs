using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopus.Client.Exceptions;
using Octopus.Client.Model;
using Octopus.Client.Repositories.Async;

namespace Octopus.Client
{
    public interface IOctopusCommonAsyncRepository
    {
        IOctopusAsyncClient Client { get; }
        RepositoryScope Scope { get; }
        ITeamsRepository Teams { get; }
        Task<bool> HasLink(string name);
        Task<bool> HasLinkParameter(string linkName, string parameterName);
        Task<string> Link(string name);
    }

    public interface IOctopusSpaceAsyncRepository : IOctopusCommonAsyncRepository
    {
        IBuiltInPackageRepositoryRepository BuiltInPackageRepository { get; }
        IEnvironmentRepository Environments { get; }
        IFeedRepository Feeds { get; }
        ILifecyclesRepository Lifecycles { get; }
        IMachineRepository Machines { get; }
        IProjectGroupRepository ProjectGroups { get; }
        IProjectRepository Projects { get; }
        ITenantRepository Tenants { get; }
        Task<SpaceRootResource> LoadSpaceRootDocument();
    }

    public interface IOctopusSystemAsyncRepository : IOctopusCommonAsyncRepository
    {
        ISpaceRepository Spaces { get; }
        IUserRepository Users { get; }
        Task<RootResource> LoadRootDocument();
        Task<RootResource> LoadRootDocument(CancellationToken cancellationToken);
    }

    public interface IOctopusAsyncRepository : IOctopusSpaceAsyncRepository, IOctopusCommonAsyncRepository, IOctopusSystemAsyncRepository
    {
    }

    /// <summary>A task started on first use and kept once it succeeded; a faulted or cancelled one is started again.</summary>
    internal sealed class CachedTask<T>
    {
        readonly Func<Task<T>> factory;
        readonly object gate = new object();
        Task<T> task;

        public CachedTask(Func<Task<T>> factory)
        {
            this.factory = factory;
        }

        public Task<T> Value
        {
            get
            {
                lock (gate)
                {
                    if (task == null || task.IsFaulted || task.IsCanceled)
                        task = Task.Run(factory);
                    return task;
                }
            }
        }
    }

    /// <summary>The asynchronous repository; the same link rules as <see cref="OctopusRepository"/>.</summary>
    public class OctopusAsyncRepository : IOctopusAsyncRepository
    {
        readonly CachedTask<RootResource> rootDocument;
        readonly CachedTask<SpaceRootResource> spaceRootDocument;

        public OctopusAsyncRepository(IOctopusAsyncClient client, RepositoryScope repositoryScope = null)
        {
            if (client == null) throw new ArgumentNullException("client");
            Client = client;
            Scope = repositoryScope ?? RepositoryScope.Unspecified();
            rootDocument = new CachedTask<RootResource>(LoadRootDocumentInner);
            spaceRootDocument = new CachedTask<SpaceRootResource>(LoadSpaceRootDocumentInner);

            BuiltInPackageRepository = new BuiltInPackageRepositoryRepository(this);
            Environments = new EnvironmentRepository(this);
            Feeds = new FeedRepository(this);
            Lifecycles = new LifecyclesRepository(this);
            Machines = new MachineRepository(this);
            ProjectGroups = new ProjectGroupRepository(this);
            Projects = new ProjectRepository(this);
            Spaces = new SpaceRepository(this);
            Teams = new TeamsRepository(this);
            Tenants = new TenantRepository(this);
            Users = new UserRepository(this);
        }

        public IOctopusAsyncClient Client { get; private set; }
        public RepositoryScope Scope { get; private set; }

        public IBuiltInPackageRepositoryRepository BuiltInPackageRepository { get; private set; }
        public IEnvironmentRepository Environments { get; private set; }
        public IFeedRepository Feeds { get; private set; }
        public ILifecyclesRepository Lifecycles { get; private set; }
        public IMachineRepository Machines { get; private set; }
        public IProjectGroupRepository ProjectGroups { get; private set; }
        public IProjectRepository Projects { get; private set; }
        public ISpaceRepository Spaces { get; private set; }
        public ITeamsRepository Teams { get; private set; }
        public ITenantRepository Tenants { get; private set; }
        public IUserRepository Users { get; private set; }

        public Task<RootResource> LoadRootDocument()
        {
            return rootDocument.Value;
        }

        public Task<RootResource> LoadRootDocument(CancellationToken cancellationToken)
        {
            var load = rootDocument.Value;
            return cancellationToken.CanBeCanceled ? load.ContinueWith(t => t, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap() : load;
        }

        public Task<SpaceRootResource> LoadSpaceRootDocument()
        {
            return spaceRootDocument.Value;
        }

        public async Task<bool> HasLink(string name)
        {
            var spaceRoot = await LoadSpaceRootDocument().ConfigureAwait(false);
            if (spaceRoot != null && spaceRoot.HasLink(name)) return true;
            var root = await LoadRootDocument().ConfigureAwait(false);
            return root.HasLink(name);
        }

        public async Task<bool> HasLinkParameter(string linkName, string parameterName)
        {
            if (!await HasLink(linkName).ConfigureAwait(false)) return false;
            var link = await Link(linkName).ConfigureAwait(false);
            return new UrlTemplate(link).GetParameterNames().Contains(parameterName, StringComparer.OrdinalIgnoreCase);
        }

        public async Task<string> Link(string name)
        {
            var spaceRoot = await LoadSpaceRootDocument().ConfigureAwait(false);
            if (spaceRoot != null && spaceRoot.HasLink(name)) return spaceRoot.Link(name);
            var root = await LoadRootDocument().ConfigureAwait(false);
            return root.Link(name);
        }

        async Task<RootResource> LoadRootDocumentInner()
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var limit = ApiVersionCheck.RootDocumentRetryLimit;
            Exception lastException = null;
            var retries = 3;
            RootResource root;
            while (true)
            {
                if (retries <= 0 && watch.Elapsed > limit)
                    throw new Exception("Unable to connect to the Octopus Deploy server. See the inner exception for details.", lastException);
                try
                {
                    root = await Client.Get<RootResource>("~/api").ConfigureAwait(false);
                    break;
                }
                catch (System.Net.Http.HttpRequestException ex)
                {
                    lastException = ex;
                }
                catch (OctopusServerException ex)
                {
                    if (ex.HttpStatusCode != 503) throw;
                    lastException = ex;
                }
                await Task.Delay(lastException is System.Net.Http.HttpRequestException ? 1000 : 500).ConfigureAwait(false);
                retries--;
            }
            ApiVersionCheck.Check(root);
            return root;
        }

        async Task<SpaceRootResource> LoadSpaceRootDocumentInner()
        {
            var space = await Scope.Apply(s => Task.FromResult(s), () => Task.FromResult<SpaceResource>(null), TryGetDefaultSpace).ConfigureAwait(false);
            if (space == null) return null;
            return await Client.Get<SpaceRootResource>(space.Link("SpaceHome"), new { id = space.Id }).ConfigureAwait(false);
        }

        async Task<SpaceResource> TryGetDefaultSpace()
        {
            var root = await LoadRootDocument().ConfigureAwait(false);
            if (!root.HasLink("Spaces")) return null;
            try
            {
                var currentUser = await Client.Get<UserResource>(root.Links["CurrentUser"]).ConfigureAwait(false);
                var userSpaces = await Client.Get<SpaceResource[]>(currentUser.Links["Spaces"]).ConfigureAwait(false);
                return userSpaces.SingleOrDefault(s => s.IsDefault);
            }
            catch (OctopusSecurityException)
            {
                return null;
            }
        }
    }
}
