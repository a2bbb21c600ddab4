using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using Octopus.Client.Exceptions;
using Octopus.Client.Model;
using Octopus.Client.Repositories;

namespace Octopus.Client
{
    /// <summary>Which part of the server a repository talks to: one space, the system, or the default space ("unspecified").</summary>
    public class RepositoryScope
    {
        enum Kind
        {
            Space,
            System,
            Unspecified,
        }

        readonly Kind kind;
        readonly SpaceResource space;

        RepositoryScope(Kind kind, SpaceResource space)
        {
            this.kind = kind;
            this.space = space;
        }

        public static RepositoryScope ForSpace(SpaceResource space)
        {
            if (space == null) throw new ArgumentNullException("space");
            return new RepositoryScope(Kind.Space, space);
        }

        public static RepositoryScope ForSystem()
        {
            return new RepositoryScope(Kind.System, null);
        }

        public static RepositoryScope Unspecified()
        {
            return new RepositoryScope(Kind.Unspecified, null);
        }

        public T Apply<T>(Func<SpaceResource, T> whenSpaceScoped, Func<T> whenSystemScoped, Func<T> whenUnspecifiedScope)
        {
            switch (kind)
            {
                case Kind.Space:
                    return whenSpaceScoped(space);
                case Kind.System:
                    return whenSystemScoped();
                default:
                    return whenUnspecifiedScope();
            }
        }

        public void Apply(Action<SpaceResource> whenSpaceScoped, Action whenSystemScoped, Action whenUnspecifiedScope)
        {
            switch (kind)
            {
                case Kind.Space:
                    whenSpaceScoped(space);
                    break;
                case Kind.System:
                    whenSystemScoped();
                    break;
                default:
                    whenUnspecifiedScope();
                    break;
            }
        }

        public override string ToString()
        {
            return kind == Kind.Space ? "Space " + space.Id : kind.ToString();
        }
    }

    public interface IOctopusCommonRepository
    {
        IOctopusClient Client { get; }
        RepositoryScope Scope { get; }
        ITaskRepository Tasks { get; }
        ITeamsRepository Teams { get; }
        bool HasLink(string name);
        bool HasLinkParameter(string linkName, string parameterName);
        string Link(string name);
    }

    public interface IOctopusSpaceRepository : IOctopusCommonRepository
    {
        IBuiltInPackageRepositoryRepository BuiltInPackageRepository { get; }
        IEnvironmentRepository Environments { get; }
        IFeedRepository Feeds { get; }
        ILifecyclesRepository Lifecycles { get; }
        IMachineRepository Machines { get; }
        IProjectGroupRepository ProjectGroups { get; }
        IProjectRepository Projects { get; }
        ITenantRepository Tenants { get; }
        // Releases, deployments, tasks, interruptions and runbooks (RepositoriesProcesses.cs).
        IChannelRepository Channels { get; }
        IDeploymentProcessRepository DeploymentProcesses { get; }
        IDeploymentRepository Deployments { get; }
        IInterruptionRepository Interruptions { get; }
        IReleaseRepository Releases { get; }
        IRunbookProcessRepository RunbookProcesses { get; }
        IRunbookRunRepository RunbookRuns { get; }
        IRunbookRepository Runbooks { get; }
        IRunbookSnapshotRepository RunbookSnapshots { get; }
        SpaceRootResource LoadSpaceRootDocument();
    }

    public interface IOctopusSystemRepository : IOctopusCommonRepository
    {
        ISpaceRepository Spaces { get; }
        IUserRepository Users { get; }
        RootResource LoadRootDocument();
    }

    public interface IOctopusRepository : IOctopusSpaceRepository, IOctopusCommonRepository, IOctopusSystemRepository
    {
    }

    /// <summary>A value computed on first use and kept once it succeeded (a failure is retried on the next use).</summary>
    internal sealed class Cached<T> where T : class
    {
        readonly Func<T> factory;
        readonly object gate = new object();
        bool hasValue;
        T value;

        public Cached(Func<T> factory)
        {
            this.factory = factory;
        }

        public T Value
        {
            get
            {
                lock (gate)
                {
                    if (!hasValue)
                    {
                        value = factory();
                        hasValue = true;
                    }
                    return value;
                }
            }
        }
    }

    /// <summary>
    /// The synchronous repository. Links are looked up in the space root first (the scope's space, or the
    /// user's default space), then in the root document.
    /// </summary>
    public class OctopusRepository : IOctopusRepository
    {
        readonly Cached<RootResource> rootDocument;
        readonly Cached<SpaceRootResource> spaceRootDocument;

        public OctopusRepository(OctopusServerEndpoint endpoint)
            : this(endpoint, RepositoryScope.Unspecified())
        {
        }

        public OctopusRepository(OctopusServerEndpoint endpoint, RepositoryScope repositoryScope)
            : this(new OctopusClient(endpoint), repositoryScope)
        {
        }

        public OctopusRepository(IOctopusClient client, RepositoryScope repositoryScope = null)
        {
            if (client == null) throw new ArgumentNullException("client");
            Client = client;
            Scope = repositoryScope ?? RepositoryScope.Unspecified();
            rootDocument = new Cached<RootResource>(LoadRootDocumentInner);
            spaceRootDocument = new Cached<SpaceRootResource>(LoadSpaceRootDocumentInner);

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
            Channels = new ChannelRepository(this);
            DeploymentProcesses = new DeploymentProcessRepository(this);
            Deployments = new DeploymentRepository(this);
            Interruptions = new InterruptionRepository(this);
            Releases = new ReleaseRepository(this);
            RunbookProcesses = new RunbookProcessRepository(this);
            RunbookRuns = new RunbookRunRepository(this);
            Runbooks = new RunbookRepository(this);
            RunbookSnapshots = new RunbookSnapshotRepository(this);
            Tasks = new TaskRepository(this);
        }

        public IOctopusClient Client { get; private set; }
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
        public IChannelRepository Channels { get; private set; }
        public IDeploymentProcessRepository DeploymentProcesses { get; private set; }
        public IDeploymentRepository Deployments { get; private set; }
        public IInterruptionRepository Interruptions { get; private set; }
        public IReleaseRepository Releases { get; private set; }
        public IRunbookProcessRepository RunbookProcesses { get; private set; }
        public IRunbookRunRepository RunbookRuns { get; private set; }
        public IRunbookRepository Runbooks { get; private set; }
        public IRunbookSnapshotRepository RunbookSnapshots { get; private set; }
        public ITaskRepository Tasks { get; private set; }

        public RootResource LoadRootDocument()
        {
            return rootDocument.Value;
        }

        public SpaceRootResource LoadSpaceRootDocument()
        {
            return spaceRootDocument.Value;
        }

        public bool HasLink(string name)
        {
            var spaceRoot = LoadSpaceRootDocument();
            return (spaceRoot != null && spaceRoot.HasLink(name)) || LoadRootDocument().HasLink(name);
        }

        public bool HasLinkParameter(string linkName, string parameterName)
        {
            if (!HasLink(linkName)) return false;
            return new UrlTemplate(Link(linkName)).GetParameterNames().Contains(parameterName, StringComparer.OrdinalIgnoreCase);
        }

        public string Link(string name)
        {
            var spaceRoot = LoadSpaceRootDocument();
            if (spaceRoot != null && spaceRoot.HasLink(name)) return spaceRoot.Link(name);
            return LoadRootDocument().Link(name);
        }

        RootResource LoadRootDocumentInner()
        {
            var watch = Stopwatch.StartNew();
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
                    root = Client.Get<RootResource>("~/api");
                    break;
                }
                catch (WebException ex)
                {
                    if (ex.Response != null) throw;
                    lastException = ex;
                    Thread.Sleep(1000);
                }
                catch (OctopusServerException ex)
                {
                    if (ex.HttpStatusCode != 503) throw;
                    lastException = ex;
                    Thread.Sleep(500);
                }
                retries--;
            }
            ApiVersionCheck.Check(root);
            return root;
        }

        SpaceRootResource LoadSpaceRootDocumentInner()
        {
            var space = Scope.Apply(s => s, () => null, TryGetDefaultSpace);
            if (space == null) return null;
            return Client.Get<SpaceRootResource>(space.Link("SpaceHome"), new { id = space.Id });
        }

        SpaceResource TryGetDefaultSpace()
        {
            var root = LoadRootDocument();
            if (!root.HasLink("Spaces")) return null;
            try
            {
                var currentUser = Client.Get<UserResource>(root.Links["CurrentUser"]);
                var userSpaces = Client.Get<SpaceResource[]>(currentUser.Links["Spaces"]);
                return userSpaces.SingleOrDefault(s => s.IsDefault);
            }
            catch (OctopusSecurityException)
            {
                return null;
            }
        }
    }

    /// <summary>Repositories for one space or for the system, from any repository.</summary>
    public static class OctopusRepositoryExtensions
    {
        public static IOctopusSpaceRepository ForSpace(this IOctopusRepository repo, SpaceResource space)
        {
            if (repo == null) throw new ArgumentNullException("repo");
            return repo.Client.ForSpace(space);
        }

        public static IOctopusSystemRepository ForSystem(this IOctopusRepository repo)
        {
            if (repo == null) throw new ArgumentNullException("repo");
            return repo.Client.ForSystem();
        }

        public static IOctopusSpaceAsyncRepository ForSpace(this IOctopusAsyncRepository repo, SpaceResource space)
        {
            if (repo == null) throw new ArgumentNullException("repo");
            return repo.Client.ForSpace(space);
        }

        public static IOctopusSystemAsyncRepository ForSystem(this IOctopusAsyncRepository repo)
        {
            if (repo == null) throw new ArgumentNullException("repo");
            return repo.Client.ForSystem();
        }

        public static IOctopusAsyncRepository CreateRepository(this IOctopusAsyncClient client, RepositoryScope scope = null)
        {
            return new OctopusAsyncRepository(client, scope);
        }
    }
}
