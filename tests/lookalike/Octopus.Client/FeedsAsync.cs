using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopus.Client.Exceptions;
using Octopus.Client.Model;

namespace Octopus.Client.Repositories.Async
{
    public interface IFeedRepository : ICreate<FeedResource>, IModify<FeedResource>, IDelete<FeedResource>, IGet<FeedResource>, IFindByName<FeedResource>
    {
        Task<List<PackageResource>> GetVersions(FeedResource feed, string[] packageIds);
        Task<List<PackageResource>> GetVersions(FeedResource feed, string[] packageIds, CancellationToken cancellationToken);
    }

    internal class FeedRepository : BasicRepository<FeedResource>, IFeedRepository
    {
        public FeedRepository(OctopusAsyncRepository repository) : base(repository, "Feeds")
        {
        }

        public Task<List<PackageResource>> GetVersions(FeedResource feed, string[] packageIds)
        {
            return GetVersions(feed, packageIds, CancellationToken.None);
        }

        public Task<List<PackageResource>> GetVersions(FeedResource feed, string[] packageIds, CancellationToken cancellationToken)
        {
            if (feed == null) throw new ArgumentNullException("feed");
            return Client.Get<List<PackageResource>>(feed.Link("VersionsTemplate"), new { packageIds = packageIds }, cancellationToken);
        }
    }

    public interface IBuiltInPackageRepositoryRepository
    {
        Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, bool replaceExisting = false);
        Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, bool replaceExisting, bool useDeltaCompression);
        Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode);
        Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode, bool useDeltaCompression);
        Task<ResourceCollection<PackageFromBuiltInFeedResource>> ListPackages(string packageId, int skip = 0, int take = 30);
        Task<ResourceCollection<PackageFromBuiltInFeedResource>> LatestPackages(int skip = 0, int take = 30);
        Task DeletePackage(PackageResource package);
        Task DeletePackages(IReadOnlyList<PackageResource> packages);
        Task<PackageFromBuiltInFeedResource> GetPackage(string packageId, string version);
    }

    /// <summary>The asynchronous twin of the synchronous built-in package repository: delta first, then the whole file.</summary>
    internal class BuiltInPackageRepositoryRepository : IBuiltInPackageRepositoryRepository
    {
        readonly OctopusAsyncRepository repository;

        public BuiltInPackageRepositoryRepository(OctopusAsyncRepository repository)
        {
            this.repository = repository;
        }

        public Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, bool replaceExisting = false)
        {
            return PushPackage(fileName, contents, replaceExisting ? OverwriteMode.OverwriteExisting : OverwriteMode.FailIfExists, true);
        }

        public Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, bool replaceExisting, bool useDeltaCompression)
        {
            return PushPackage(fileName, contents, replaceExisting ? OverwriteMode.OverwriteExisting : OverwriteMode.FailIfExists, useDeltaCompression);
        }

        public Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode)
        {
            return PushPackage(fileName, contents, overwriteMode, true);
        }

        public async Task<PackageFromBuiltInFeedResource> PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode, bool useDeltaCompression)
        {
            if (fileName == null) throw new ArgumentNullException("fileName");
            if (contents == null) throw new ArgumentNullException("contents");
            if (useDeltaCompression)
            {
                try
                {
                    var viaDelta = await AttemptDeltaPush(fileName, contents, overwriteMode).ConfigureAwait(false);
                    if (viaDelta != null) return viaDelta;
                }
                catch (Exception ex) when (!(ex is OctopusValidationException))
                {
                    // As the real client: anything but the server refusing the package means "push it whole".
                }
            }
            contents.Seek(0, SeekOrigin.Begin);
            var link = await repository.Link("PackageUpload").ConfigureAwait(false);
            return await repository.Client.Post<FileUpload, PackageFromBuiltInFeedResource>(
                link, new FileUpload { Contents = contents, FileName = fileName }, Parameters(link, overwriteMode, null, null)).ConfigureAwait(false);
        }

        static object Parameters(string link, OverwriteMode overwriteMode, string packageId, string baseVersion)
        {
            if (link.IndexOf("overwriteMode", StringComparison.OrdinalIgnoreCase) >= 0)
                return new { overwriteMode, packageId, baseVersion };
            return new { replace = overwriteMode == OverwriteMode.OverwriteExisting, packageId, baseVersion };
        }

        async Task<PackageFromBuiltInFeedResource> AttemptDeltaPush(string fileName, Stream contents, OverwriteMode overwriteMode)
        {
            if (!await repository.HasLink("PackageDeltaSignature").ConfigureAwait(false)) return null;
            string packageId, version;
            if (!Octopus.Client.Repositories.PackageIdentity.TryParse(Path.GetFileNameWithoutExtension(fileName), out packageId, out version)) return null;
            PackageSignatureResource signature;
            try
            {
                signature = await repository.Client.Get<PackageSignatureResource>(
                    await repository.Link("PackageDeltaSignature").ConfigureAwait(false), new { packageId, version }).ConfigureAwait(false);
            }
            catch (OctopusResourceNotFoundException)
            {
                return null;
            }
            contents.Seek(0, SeekOrigin.Begin);
            byte[] file;
            using (var copy = new MemoryStream())
            {
                await contents.CopyToAsync(copy).ConfigureAwait(false);
                file = copy.ToArray();
            }
            var delta = Octopus.Client.Repositories.DeltaBuilder.Build(signature.Signature, file);
            if (delta.Length > 0.95 * file.Length) return null;
            var link = await repository.Link("PackageDeltaUpload").ConfigureAwait(false);
            using (var deltaStream = new MemoryStream(delta))
            {
                return await repository.Client.Post<FileUpload, PackageFromBuiltInFeedResource>(
                    link, new FileUpload { Contents = deltaStream, FileName = Path.GetFileName(fileName) },
                    Parameters(link, overwriteMode, packageId, signature.BaseVersion)).ConfigureAwait(false);
            }
        }

        public async Task<ResourceCollection<PackageFromBuiltInFeedResource>> ListPackages(string packageId, int skip = 0, int take = 30)
        {
            return await repository.Client.List<PackageFromBuiltInFeedResource>(
                await repository.Link("Packages").ConfigureAwait(false), new { nuGetPackageId = packageId, take, skip }).ConfigureAwait(false);
        }

        public async Task<ResourceCollection<PackageFromBuiltInFeedResource>> LatestPackages(int skip = 0, int take = 30)
        {
            return await repository.Client.List<PackageFromBuiltInFeedResource>(
                await repository.Link("Packages").ConfigureAwait(false), new { latest = true, take, skip }).ConfigureAwait(false);
        }

        public async Task DeletePackage(PackageResource package)
        {
            if (package == null) throw new ArgumentNullException("package");
            await repository.Client.Delete(await repository.Link("Packages").ConfigureAwait(false), new { id = package.Id }).ConfigureAwait(false);
        }

        public async Task DeletePackages(IReadOnlyList<PackageResource> packages)
        {
            if (packages == null) throw new ArgumentNullException("packages");
            await repository.Client.Delete(await repository.Link("PackagesBulk").ConfigureAwait(false),
                new { ids = packages.Select(p => p.Id).ToArray() }).ConfigureAwait(false);
        }

        public async Task<PackageFromBuiltInFeedResource> GetPackage(string packageId, string version)
        {
            return await repository.Client.Get<PackageFromBuiltInFeedResource>(
                await repository.Link("Packages").ConfigureAwait(false), new { id = packageId + "." + version }).ConfigureAwait(false);
        }
    }
}
