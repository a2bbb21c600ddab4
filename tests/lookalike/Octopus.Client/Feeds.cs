using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Octopus.Client.Exceptions;
using Octopus.Client.Extensibility;
using Octopus.Client.Model;
using Octopus.Client.Repositories;

namespace Octopus.Client.Model
{
    public enum FeedType
    {
        None = 0,
        NuGet = 1,
        Docker = 2,
        Maven = 3,
        OctopusProject = 4,
        GitHub = 5,
        BuiltIn = 6,
        Helm = 7,
        OciRegistry = 8,
        AwsElasticContainerRegistry = 9,
        S3 = 10,
        AzureContainerRegistry = 11,
        GoogleContainerRegistry = 12,
        ArtifactoryGeneric = 13,
        Npm = 14,
        GcsStorage = 15,
        PyPi = 16,
    }

    /// <summary>A feed; the server's FeedType picks the derived class (see FeedConverter).</summary>
    public class FeedResource : Resource, INamedResource, IHaveSpaceResource, IHaveSlugResource
    {
        public virtual FeedType FeedType { get { return FeedType.None; } }
        public string Name { get; set; }
        public string SpaceId { get; set; }
        public string Slug { get; set; }
    }

    public class BuiltInFeedResource : FeedResource
    {
        public override FeedType FeedType { get { return FeedType.BuiltIn; } }
        public bool? DeletePackagesAssociatedWithReleases { get; set; }
        public int? DeleteUnreleasedPackagesAfterDays { get; set; }
        public bool IsBuiltInRepoSyncEnabled { get; set; }
    }

    public class NuGetFeedResource : FeedResource
    {
        public static readonly int DefaultDownloadAttempts = 5;
        public static readonly int DefaultDownloadRetryBackoffSeconds = 10;
        public static readonly bool DefaultEnhancedMode = false;

        public NuGetFeedResource()
        {
            DownloadAttempts = DefaultDownloadAttempts;
            DownloadRetryBackoffSeconds = DefaultDownloadRetryBackoffSeconds;
            EnhancedMode = DefaultEnhancedMode;
        }

        public override FeedType FeedType { get { return FeedType.NuGet; } }
        public string FeedUri { get; set; }
        public bool EnhancedMode { get; set; }
        public int DownloadAttempts { get; set; }
        public int DownloadRetryBackoffSeconds { get; set; }
        public string Username { get; set; }
    }

    public class DockerFeedResource : FeedResource
    {
        public override FeedType FeedType { get { return FeedType.Docker; } }
    }

    public class MavenFeedResource : FeedResource
    {
        public override FeedType FeedType { get { return FeedType.Maven; } }
    }

    public class GitHubFeedResource : FeedResource
    {
        public override FeedType FeedType { get { return FeedType.GitHub; } }
    }

    public class HelmFeedResource : FeedResource
    {
        public override FeedType FeedType { get { return FeedType.Helm; } }
    }

    public class BuiltInFeedStatsResource : Resource
    {
        public int TotalPackages { get; set; }
    }

    public enum OverwriteMode
    {
        FailIfExists,
        OverwriteExisting,
        IgnoreIfExists,
    }

    /// <summary>A file to post as multipart/form-data (the part is named "file").</summary>
    public class FileUpload
    {
        public Stream Contents { get; set; }
        public string FileName { get; set; }
    }

    public class PackageResource : Resource
    {
        [Obsolete("Replaced by PackageId")]
        public string NuGetPackageId
        {
            get { return PackageId; }
            set { PackageId = value; }
        }

        public string PackageId { get; set; }

        [Obsolete("Replaced by FeedId")]
        public string NuGetFeedId
        {
            get { return FeedId; }
            set { FeedId = value; }
        }

        public string FeedId { get; set; }
        public string Title { get; set; }
        public string Summary { get; set; }
        public string Version { get; set; }
        public string Description { get; set; }
        public DateTimeOffset? Published { get; set; }
        public string ReleaseNotes { get; set; }
        public string FileExtension { get; set; }
    }

    public class PackageFromBuiltInFeedResource : PackageResource
    {
        public string Hash { get; set; }
        public long? PackageSizeBytes { get; set; }
    }

    public class PackageSignatureResource
    {
        public string BaseVersion { get; set; }
        public byte[] Signature { get; set; }
    }
}

namespace Octopus.Client.Serialization
{
    public class FeedConverter : InheritedClassConverter<FeedResource, FeedType>
    {
        static readonly IDictionary<FeedType, Type> Mappings = new Dictionary<FeedType, Type>
        {
            { FeedType.BuiltIn, typeof(BuiltInFeedResource) },
            { FeedType.NuGet, typeof(NuGetFeedResource) },
            { FeedType.Docker, typeof(DockerFeedResource) },
            { FeedType.Maven, typeof(MavenFeedResource) },
            { FeedType.GitHub, typeof(GitHubFeedResource) },
            { FeedType.Helm, typeof(HelmFeedResource) },
        };

        protected override IDictionary<FeedType, Type> DerivedTypeMappings
        {
            get { return Mappings; }
        }

        protected override string TypeDesignatingPropertyName
        {
            get { return "FeedType"; }
        }
    }
}

namespace Octopus.Client.Repositories
{
    public interface IFeedRepository : ICreate<FeedResource>, IModify<FeedResource>, IDelete<FeedResource>, IGet<FeedResource>, IFindByName<FeedResource>
    {
        List<PackageResource> GetVersions(FeedResource feed, string[] packageIds);
    }

    internal class FeedRepository : BasicRepository<FeedResource>, IFeedRepository
    {
        public FeedRepository(OctopusRepository repository) : base(repository, "Feeds")
        {
        }

        public List<PackageResource> GetVersions(FeedResource feed, string[] packageIds)
        {
            if (feed == null) throw new ArgumentNullException("feed");
            return Client.Get<List<PackageResource>>(feed.Link("VersionsTemplate"), new { packageIds = packageIds });
        }
    }

    public interface IBuiltInPackageRepositoryRepository
    {
        PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, bool replaceExisting = false);
        PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, bool replaceExisting, bool useDeltaCompression);
        PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode);
        PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode, bool useDeltaCompression);
        ResourceCollection<PackageFromBuiltInFeedResource> ListPackages(string packageId, int skip = 0, int take = 30);
        ResourceCollection<PackageFromBuiltInFeedResource> LatestPackages(int skip = 0, int take = 30);
        void DeletePackage(PackageResource package);
        void DeletePackages(IReadOnlyList<PackageResource> packages);
        PackageFromBuiltInFeedResource GetPackage(string packageId, string version);
    }

    /// <summary>
    /// The built-in feed as the real client drives it: a push first tries a delta against the nearest
    /// version the server holds (its Octodiff signature), and falls back to the whole file unless the
    /// server refused the package itself (a validation error).
    /// </summary>
    internal class BuiltInPackageRepositoryRepository : IBuiltInPackageRepositoryRepository
    {
        readonly OctopusRepository repository;

        public BuiltInPackageRepositoryRepository(OctopusRepository repository)
        {
            this.repository = repository;
        }

        public PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, bool replaceExisting = false)
        {
            return PushPackage(fileName, contents, replaceExisting ? OverwriteMode.OverwriteExisting : OverwriteMode.FailIfExists, true);
        }

        public PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, bool replaceExisting, bool useDeltaCompression)
        {
            return PushPackage(fileName, contents, replaceExisting ? OverwriteMode.OverwriteExisting : OverwriteMode.FailIfExists, useDeltaCompression);
        }

        public PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode)
        {
            return PushPackage(fileName, contents, overwriteMode, true);
        }

        public PackageFromBuiltInFeedResource PushPackage(string fileName, Stream contents, OverwriteMode overwriteMode, bool useDeltaCompression)
        {
            if (fileName == null) throw new ArgumentNullException("fileName");
            if (contents == null) throw new ArgumentNullException("contents");
            if (useDeltaCompression)
            {
                try
                {
                    var viaDelta = AttemptDeltaPush(fileName, contents, overwriteMode);
                    if (viaDelta != null) return viaDelta;
                }
                catch (Exception ex) when (!(ex is OctopusValidationException))
                {
                    // As the real client: anything but the server refusing the package means "push it whole".
                }
            }
            contents.Seek(0, SeekOrigin.Begin);
            return repository.Client.Post<FileUpload, PackageFromBuiltInFeedResource>(
                repository.Link("PackageUpload"), new FileUpload { Contents = contents, FileName = fileName }, UploadParameters(overwriteMode, null, null));
        }

        object UploadParameters(OverwriteMode overwriteMode, string packageId, string baseVersion)
        {
            // Servers before 2019.7.9 take replace=true|false instead of overwriteMode.
            var link = repository.Link(packageId == null ? "PackageUpload" : "PackageDeltaUpload");
            if (link.IndexOf("overwriteMode", StringComparison.OrdinalIgnoreCase) >= 0)
                return new { overwriteMode, packageId, baseVersion };
            return new { replace = overwriteMode == OverwriteMode.OverwriteExisting, packageId, baseVersion };
        }

        PackageFromBuiltInFeedResource AttemptDeltaPush(string fileName, Stream contents, OverwriteMode overwriteMode)
        {
            if (!repository.HasLink("PackageDeltaSignature")) return null;
            string packageId, version;
            if (!PackageIdentity.TryParse(Path.GetFileNameWithoutExtension(fileName), out packageId, out version)) return null;
            PackageSignatureResource signature;
            try
            {
                signature = repository.Client.Get<PackageSignatureResource>(repository.Link("PackageDeltaSignature"), new { packageId, version });
            }
            catch (OctopusResourceNotFoundException)
            {
                return null;
            }
            contents.Seek(0, SeekOrigin.Begin);
            byte[] file;
            using (var copy = new MemoryStream())
            {
                contents.CopyTo(copy);
                file = copy.ToArray();
            }
            var delta = DeltaBuilder.Build(signature.Signature, file);
            if (delta.Length > 0.95 * file.Length) return null;  // not worth it, as the real client decides
            using (var deltaStream = new MemoryStream(delta))
            {
                return repository.Client.Post<FileUpload, PackageFromBuiltInFeedResource>(
                    repository.Link("PackageDeltaUpload"),
                    new FileUpload { Contents = deltaStream, FileName = Path.GetFileName(fileName) },
                    UploadParameters(overwriteMode, packageId, signature.BaseVersion));
            }
        }

        public ResourceCollection<PackageFromBuiltInFeedResource> ListPackages(string packageId, int skip = 0, int take = 30)
        {
            return repository.Client.List<PackageFromBuiltInFeedResource>(repository.Link("Packages"), new { nuGetPackageId = packageId, take, skip });
        }

        public ResourceCollection<PackageFromBuiltInFeedResource> LatestPackages(int skip = 0, int take = 30)
        {
            return repository.Client.List<PackageFromBuiltInFeedResource>(repository.Link("Packages"), new { latest = true, take, skip });
        }

        public void DeletePackage(PackageResource package)
        {
            if (package == null) throw new ArgumentNullException("package");
            repository.Client.Delete(repository.Link("Packages"), new { id = package.Id });
        }

        public void DeletePackages(IReadOnlyList<PackageResource> packages)
        {
            if (packages == null) throw new ArgumentNullException("packages");
            repository.Client.Delete(repository.Link("PackagesBulk"), new { ids = packages.Select(p => p.Id).ToArray() });
        }

        public PackageFromBuiltInFeedResource GetPackage(string packageId, string version)
        {
            return repository.Client.Get<PackageFromBuiltInFeedResource>(repository.Link("Packages"), new { id = packageId + "." + version });
        }
    }

    /// <summary>
    /// SHA-1 (FIPS 180-4) in managed code: .NET Core 3.1 reaches SHA1 through the system's OpenSSL 1.x and
    /// aborts the process where only OpenSSL 3 is installed, so the look-alike does not depend on it.
    /// </summary>
    internal sealed class ManagedSha1
    {
        public byte[] ComputeHash(byte[] data)
        {
            return ComputeHash(data, 0, data.Length);
        }

        public byte[] ComputeHash(byte[] data, int offset, int count)
        {
            uint h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
            var padded = new byte[((count + 8) / 64 + 1) * 64];
            Buffer.BlockCopy(data, offset, padded, 0, count);
            padded[count] = 0x80;
            var bits = (ulong)count * 8;
            for (var i = 0; i < 8; i++) padded[padded.Length - 1 - i] = (byte)(bits >> (8 * i));
            var w = new uint[80];
            for (var block = 0; block < padded.Length; block += 64)
            {
                for (var i = 0; i < 16; i++)
                    w[i] = (uint)(padded[block + 4 * i] << 24 | padded[block + 4 * i + 1] << 16 | padded[block + 4 * i + 2] << 8 | padded[block + 4 * i + 3]);
                for (var i = 16; i < 80; i++) w[i] = RotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
                uint a = h0, b = h1, c = h2, d = h3, e = h4;
                for (var i = 0; i < 80; i++)
                {
                    uint f, k;
                    if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
                    else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
                    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
                    else { f = b ^ c ^ d; k = 0xCA62C1D6; }
                    var next = RotateLeft(a, 5) + f + e + k + w[i];
                    e = d; d = c; c = RotateLeft(b, 30); b = a; a = next;
                }
                h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
            }
            var digest = new byte[20];
            var words = new[] { h0, h1, h2, h3, h4 };
            for (var i = 0; i < 5; i++)
                for (var j = 0; j < 4; j++) digest[4 * i + j] = (byte)(words[i] >> (24 - 8 * j));
            return digest;
        }

        static uint RotateLeft(uint value, int count)
        {
            return (value << count) | (value >> (32 - count));
        }
    }

    /// <summary>"Acme.Web.1.0.0" as package id and version, the way Octopus reads a package file name.</summary>
    internal static class PackageIdentity
    {
        static readonly Regex IdAndVersion = new Regex(
            @"^(?<id>\w+([_.-]\w+)*?)\.(?<version>\d+(\.\d+){0,3}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)$");

        public static bool TryParse(string text, out string packageId, out string version)
        {
            var match = IdAndVersion.Match(text ?? "");
            packageId = match.Success ? match.Groups["id"].Value : null;
            version = match.Success ? match.Groups["version"].Value : null;
            return match.Success;
        }
    }

    /// <summary>
    /// An Octodiff delta (format 1) from a signature and the new file: a window of each chunk size rolls
    /// over the file; where its Adler-32 style checksum and then its SHA1 match a chunk of the basis, that
    /// chunk is copied, and the bytes between matches are sent as data. Adjacent copies are merged.
    /// </summary>
    internal static class DeltaBuilder
    {
        struct Chunk
        {
            public long Start;
            public int Length;
            public uint Checksum;
            public byte[] Hash;
        }

        public static byte[] Build(byte[] signature, byte[] file)
        {
            string rollingName;
            var chunks = ReadSignature(signature, out rollingName);
            var v2 = rollingName == "Adler32V2";
            var index = new Dictionary<long, List<Chunk>>();
            foreach (var chunk in chunks)
            {
                var key = ((long)chunk.Length << 32) | chunk.Checksum;
                List<Chunk> list;
                if (!index.TryGetValue(key, out list)) index[key] = list = new List<Chunk>();
                list.Add(chunk);
            }
            var sizes = chunks.Select(c => c.Length).Distinct().OrderByDescending(s => s).ToArray();
            var rolling = new Dictionary<int, KeyValuePair<int, uint>>();

            var sha = new ManagedSha1();
            using (var output = new MemoryStream())
            using (var writer = new BinaryWriter(output))
            {
                writer.Write(Encoding.ASCII.GetBytes("OCTODELTA"));
                writer.Write((byte)1);
                writer.Write("SHA1");
                var fileHash = sha.ComputeHash(file);
                writer.Write(fileHash.Length);
                writer.Write(fileHash);
                writer.Write(Encoding.ASCII.GetBytes(">>>"));

                long copyStart = -1, copyLength = 0;
                int literalFrom = 0, position = 0;
                while (position < file.Length)
                {
                    Chunk? found = null;
                    foreach (var size in sizes)
                    {
                        if (position + size > file.Length) continue;
                        KeyValuePair<int, uint> state;
                        uint value;
                        if (rolling.TryGetValue(size, out state) && state.Key == position - 1)
                            value = Rotate(state.Value, file[position - 1], file[position + size - 1], size, v2);
                        else
                            value = Checksum(file, position, size, v2);
                        rolling[size] = new KeyValuePair<int, uint>(position, value);
                        List<Chunk> candidates;
                        if (!index.TryGetValue(((long)size << 32) | value, out candidates)) continue;
                        var hash = sha.ComputeHash(file, position, size);
                        foreach (var candidate in candidates)
                        {
                            if (candidate.Hash.SequenceEqual(hash))
                            {
                                found = candidate;
                                break;
                            }
                        }
                        if (found != null) break;
                    }
                    if (found == null)
                    {
                        position++;
                        continue;
                    }
                    if (position > literalFrom)
                    {
                        FlushCopy(writer, ref copyStart, ref copyLength);
                        WriteData(writer, file, literalFrom, position - literalFrom);
                    }
                    var match = found.Value;
                    if (copyStart >= 0 && copyStart + copyLength == match.Start)
                    {
                        copyLength += match.Length;
                    }
                    else
                    {
                        FlushCopy(writer, ref copyStart, ref copyLength);
                        copyStart = match.Start;
                        copyLength = match.Length;
                    }
                    position += match.Length;
                    literalFrom = position;
                }
                if (file.Length > literalFrom)
                {
                    FlushCopy(writer, ref copyStart, ref copyLength);
                    WriteData(writer, file, literalFrom, file.Length - literalFrom);
                }
                FlushCopy(writer, ref copyStart, ref copyLength);
                writer.Flush();
                return output.ToArray();
            }
        }

        static void FlushCopy(BinaryWriter writer, ref long start, ref long length)
        {
            if (start < 0) return;
            writer.Write((byte)0x60);
            writer.Write(start);
            writer.Write(length);
            start = -1;
            length = 0;
        }

        static void WriteData(BinaryWriter writer, byte[] file, int offset, int count)
        {
            writer.Write((byte)0x80);
            writer.Write((long)count);
            writer.Write(file, offset, count);
        }

        static List<Chunk> ReadSignature(byte[] signature, out string rollingName)
        {
            using (var reader = new BinaryReader(new MemoryStream(signature)))
            {
                var header = Encoding.ASCII.GetString(reader.ReadBytes(7));
                if (header != "OCTOSIG" || reader.ReadByte() != 1)
                    throw new InvalidDataException("The server's package signature is not an Octodiff signature (version 1).");
                var hashName = reader.ReadString();
                rollingName = reader.ReadString();
                if (hashName != "SHA1" || (rollingName != "Adler32" && rollingName != "Adler32V2"))
                    throw new InvalidDataException("The signature uses " + hashName + "/" + rollingName + ", which this client does not know.");
                if (Encoding.ASCII.GetString(reader.ReadBytes(3)) != ">>>")
                    throw new InvalidDataException("The signature has no end-of-metadata marker.");
                var chunks = new List<Chunk>();
                long start = 0;
                while (reader.BaseStream.Position + 26 <= reader.BaseStream.Length)
                {
                    var chunk = new Chunk { Start = start, Length = reader.ReadInt16(), Checksum = reader.ReadUInt32(), Hash = reader.ReadBytes(20) };
                    chunks.Add(chunk);
                    start += chunk.Length;
                }
                return chunks;
            }
        }

        static uint Checksum(byte[] block, int offset, int count, bool v2)
        {
            int a = 1, b = 0;
            for (var i = offset; i < offset + count; i++)
            {
                a = v2 ? (a + block[i]) % 65521 : (a + block[i]) & 0xFFFF;
                b = v2 ? (b + a) % 65521 : (b + a) & 0xFFFF;
            }
            return (uint)((b << 16) | a);
        }

        static uint Rotate(uint checksum, byte remove, byte add, int window, bool v2)
        {
            long modulus = v2 ? 65521 : 65536;
            long a = checksum & 0xFFFF, b = checksum >> 16;
            a = ((a - remove + add) % modulus + modulus) % modulus;
            b = ((b - (long)window * remove + a - 1) % modulus + modulus) % modulus;
            return (uint)((b << 16) | a);
        }
    }
}
