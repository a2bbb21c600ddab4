using System;
using System.Globalization;
using System.Net;
using System.Security.Authentication;
using System.Text.RegularExpressions;

namespace Octopus.Client
{
    public interface ILinkResolver
    {
        bool IsUsingSecureConnection { get; }
        Uri Resolve(string link);
    }

    /// <summary>
    /// Resolves links the way the real client does: <c>~/</c> against the endpoint base (virtual directory
    /// included, a trailing <c>/api</c> stripped), everything else against scheme, host and port only.
    /// </summary>
    public class DefaultLinkResolver : ILinkResolver
    {
        readonly Uri baseUri;
        readonly string virtualDirectory;

        public DefaultLinkResolver(Uri baseUri, string virtualDirectory = null)
        {
            if (baseUri == null) throw new ArgumentNullException("baseUri");
            this.baseUri = new Uri(baseUri.GetLeftPart(UriPartial.Authority));
            var path = virtualDirectory ?? baseUri.AbsolutePath;
            path = path.TrimEnd('/');
            if (path.EndsWith("/api", StringComparison.OrdinalIgnoreCase))
                path = path.Substring(0, path.Length - 4);
            this.virtualDirectory = path;
        }

        public bool IsUsingSecureConnection
        {
            get { return baseUri.Scheme == Uri.UriSchemeHttps; }
        }

        public Uri Resolve(string link)
        {
            if (link == null) throw new ArgumentNullException("link");
            var authority = baseUri.GetLeftPart(UriPartial.Authority);
            if (link.StartsWith("~/", StringComparison.Ordinal))
                return new Uri(authority + virtualDirectory + link.Substring(1));
            return new Uri(authority + (link.StartsWith("/", StringComparison.Ordinal) ? link : "/" + link));
        }

        public override string ToString()
        {
            return baseUri.GetLeftPart(UriPartial.Authority) + virtualDirectory;
        }
    }

    /// <summary>Where the server is and how to authenticate: an API key, or none (then sign in with a LoginCommand).</summary>
    public class OctopusServerEndpoint
    {
        public OctopusServerEndpoint(string octopusServerAddress)
            : this(octopusServerAddress, null, null)
        {
        }

        public OctopusServerEndpoint(string octopusServerAddress, string apiKey)
            : this(octopusServerAddress, apiKey, null)
        {
        }

        public OctopusServerEndpoint(string octopusServerAddress, string apiKey, ICredentials credentials)
            : this(new DefaultLinkResolver(ParseAddress(octopusServerAddress)), apiKey, credentials)
        {
        }

        public OctopusServerEndpoint(ILinkResolver octopusServer, string apiKey, ICredentials credentials)
        {
            if (octopusServer == null) throw new ArgumentNullException("octopusServer");
            OctopusServer = octopusServer;
            ApiKey = apiKey;
            Credentials = credentials ?? CredentialCache.DefaultNetworkCredentials;
        }

        public static OctopusServerEndpoint CreateWithApiKey(string octopusServerAddress, string apiKey, ICredentials credentials = null)
        {
            if (string.IsNullOrWhiteSpace(apiKey))
                throw new ArgumentException("An API key was not provided. Please set an API key in the ApiKey property of the OctopusServerEndpoint. You can get your API key from the Octopus web portal by clicking your username and choosing the 'API Keys' page.", "apiKey");
            return new OctopusServerEndpoint(octopusServerAddress, apiKey, credentials);
        }

        public string ApiKey { get; private set; }

        public string BearerToken { get; private set; }

        public ICredentials Credentials { get; private set; }

        public ILinkResolver OctopusServer { get; private set; }

        public bool IsUsingSecureConnection
        {
            get { return OctopusServer.IsUsingSecureConnection; }
        }

        public IWebProxy Proxy { get; set; }

        public OctopusServerEndpoint AsUser(string userId)
        {
            return new OctopusServerEndpoint(OctopusServer, ApiKey, Credentials) { Proxy = Proxy };
        }

        public override string ToString()
        {
            return OctopusServer.ToString();
        }

        static Uri ParseAddress(string address)
        {
            if (address == null) throw new ArgumentNullException("octopusServerAddress");
            return new Uri(address);
        }
    }

    public class OctopusClientOptions
    {
        public OctopusClientOptions()
        {
            Timeout = TimeSpan.FromSeconds(100);
            AllowDefaultProxy = true;
        }

        public TimeSpan Timeout { get; set; }
        public bool AllowDefaultProxy { get; set; }
        public bool IgnoreSslErrors { get; set; }
        public string Proxy { get; set; }
        public string ProxyUsername { get; set; }
        public string ProxyPassword { get; set; }
        public SslProtocols SslProtocols { get; set; }
    }

    public class OctopusRequest
    {
        public OctopusRequest(string method, Uri uri, object requestResource = null)
        {
            Method = method;
            Uri = uri;
            RequestResource = requestResource;
        }

        public string Method { get; private set; }
        public Uri Uri { get; private set; }
        public object RequestResource { get; private set; }
    }

    public class OctopusResponse
    {
        public OctopusResponse(OctopusRequest request, HttpStatusCode statusCode, string location, object responseResource)
        {
            Request = request;
            StatusCode = statusCode;
            Location = location;
            ResponseResource = responseResource;
        }

        public OctopusRequest Request { get; private set; }
        public HttpStatusCode StatusCode { get; private set; }
        public string Location { get; private set; }
        public object ResponseResource { get; private set; }
    }

    public class OctopusResponse<TResponseResource> : OctopusResponse
    {
        public OctopusResponse(OctopusRequest request, HttpStatusCode statusCode, string location, TResponseResource responseResource)
            : base(request, statusCode, location, responseResource)
        {
            ResponseResource = responseResource;
        }

        public new TResponseResource ResponseResource { get; private set; }
    }

    /// <summary>Semantic versions as far as the client compares them: numbers, then a pre-release sorting below the release.</summary>
    internal sealed class SemanticVersion : IComparable<SemanticVersion>
    {
        static readonly Regex Pattern = new Regex(@"^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$");

        readonly int[] numbers;
        readonly string preRelease;
        readonly string original;

        SemanticVersion(int[] numbers, string preRelease, string original)
        {
            this.numbers = numbers;
            this.preRelease = preRelease;
            this.original = original;
        }

        public string PreRelease
        {
            get { return preRelease; }
        }

        public static SemanticVersion Parse(string value)
        {
            var match = value == null ? null : Pattern.Match(value);
            if (match == null || !match.Success)
                throw new ArgumentException(string.Format("'{0}' is not a valid version string", value), "value");
            var numbers = new int[4];
            for (var i = 0; i < 4; i++)
                numbers[i] = match.Groups[i + 1].Success ? int.Parse(match.Groups[i + 1].Value, CultureInfo.InvariantCulture) : 0;
            return new SemanticVersion(numbers, match.Groups[5].Success ? match.Groups[5].Value : null, value.Trim());
        }

        public SemanticVersion Release()
        {
            return new SemanticVersion(new[] { numbers[0], numbers[1], numbers[2], 0 }, null, string.Format("{0}.{1}.{2}", numbers[0], numbers[1], numbers[2]));
        }

        public int CompareTo(SemanticVersion other)
        {
            for (var i = 0; i < 4; i++)
            {
                var c = numbers[i].CompareTo(other.numbers[i]);
                if (c != 0) return c;
            }
            if (preRelease == null) return other.preRelease == null ? 0 : 1;
            if (other.preRelease == null) return -1;
            return string.Compare(preRelease, other.preRelease, StringComparison.OrdinalIgnoreCase);
        }

        public override string ToString()
        {
            return original;
        }
    }

    /// <summary>Checks every root document the client loads: the API version must be 3.0.0 to 3.0.99.</summary>
    internal static class ApiVersionCheck
    {
        public const string SupportedApiSchemaVersionMin = "3.0.0";
        public const string SupportedApiSchemaVersionMax = "3.0.99";

        public static void Check(Model.RootResource root)
        {
            if (string.IsNullOrWhiteSpace(root.ApiVersion))
                throw new Exceptions.UnsupportedApiVersionException("This Octopus Deploy server uses an older API specification than this tool can handle. Please check for updates to the Octo tool.");
            var min = SemanticVersion.Parse(SupportedApiSchemaVersionMin);
            var max = SemanticVersion.Parse(SupportedApiSchemaVersionMax);
            var current = SemanticVersion.Parse(root.ApiVersion);
            if (current.CompareTo(min) < 0 || current.CompareTo(max) > 0)
                throw new Exceptions.UnsupportedApiVersionException(string.Format(
                    "This Octopus Deploy server uses a newer API specification ({0}) than this tool can handle ({1} to {2}). Please check for updates to this tool.",
                    root.ApiVersion, SupportedApiSchemaVersionMin, SupportedApiSchemaVersionMax));
        }

        /// <summary>Repositories that need a minimum server version check <c>Version</c> (Major.Minor.Patch only).</summary>
        public static void RequireServerVersion(Model.RootResource root, string minimum)
        {
            var version = SemanticVersion.Parse(root.Version);
            if (version.ToString() == "0.0.0-local") return;
            if (version.Release().CompareTo(SemanticVersion.Parse(minimum)) < 0)
                throw new NotSupportedException(string.Format(
                    "The version of the Octopus Server ('{0}') you are connecting to is not compatible with this version of Octopus.Client for this API call. Please upgrade your Octopus Server to a version greater than '{1}'",
                    root.Version, minimum));
        }

        /// <summary>Whether the server is at least <paramref name="minimum"/> (a local build, 0.0.0-local, counts as any).</summary>
        public static bool ServerIsAtLeast(Model.RootResource root, string minimum)
        {
            var version = SemanticVersion.Parse(root.Version);
            return version.ToString() == "0.0.0-local" || version.Release().CompareTo(SemanticVersion.Parse(minimum)) >= 0;
        }

        /// <summary>How long the root document is retried on 503 or connection errors (60 s, as the real client; overridable for tests).</summary>
        public static TimeSpan RootDocumentRetryLimit
        {
            get
            {
                var setting = Environment.GetEnvironmentVariable("OCTOCLR_LOOKALIKE_ROOT_RETRY_SECONDS");
                double seconds;
                if (setting != null && double.TryParse(setting, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
                    return TimeSpan.FromSeconds(seconds);
                return TimeSpan.FromSeconds(60);
            }
        }

        public static string UserAgent
        {
            get
            {
                var os = Environment.OSVersion;
                var arch = IntPtr.Size == 8 ? "x64" : "x86";
                return string.Format(CultureInfo.InvariantCulture, "OctopusClient-dotnet/{0} ({1} {2}; {3}) NoneOrUnknown",
                    typeof(ApiVersionCheck).Assembly.GetName().Version.ToString(3), os.Platform == PlatformID.Unix ? "Unix" : os.Platform.ToString(), os.Version, arch);
            }
        }
    }
}
