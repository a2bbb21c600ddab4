using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using Newtonsoft.Json;
using Octopus.Client.Exceptions;
using Octopus.Client.Model;
using Octopus.Client.Serialization;

namespace Octopus.Client
{
    /// <summary>The synchronous client: HTTP verbs over link templates, sign-in, and the repositories.</summary>
    public interface IOctopusClient : IDisposable
    {
        IOctopusRepository Repository { get; }
        bool IsUsingSecureConnection { get; }
        RootResource RootDocument { get; }

        event Action<OctopusRequest> SendingOctopusRequest;
        event Action<OctopusResponse> ReceivedOctopusResponse;

        IOctopusSpaceRepository ForSpace(SpaceResource space);
        IOctopusSystemRepository ForSystem();

        TResource Get<TResource>(string path, object pathParameters = null);
        ResourceCollection<TResource> List<TResource>(string path, object pathParameters = null);
        IReadOnlyList<TResource> ListAll<TResource>(string path, object pathParameters = null);
        void Paginate<TResource>(string path, Func<ResourceCollection<TResource>, bool> getNextPage);
        void Paginate<TResource>(string path, object pathParameters, Func<ResourceCollection<TResource>, bool> getNextPage);
        TResource Create<TResource>(string path, TResource resource, object pathParameters = null);
        TResponse Create<TCommand, TResponse>(string path, TCommand command, object pathParameters = null);
        void Post<TResource>(string path, TResource resource, object pathParameters = null);
        TResponse Post<TResource, TResponse>(string path, TResource resource, object pathParameters = null);
        void Post(string path);
        void Put<TResource>(string path, TResource resource);
        void Put(string path);
        void Put<TResource>(string path, TResource resource, object pathParameters);
        TResource Update<TResource>(string path, TResource resource, object pathParameters = null);
        TResponse Update<TCommand, TResponse>(string path, TCommand command, object pathParameters = null);
        void Delete(string path, object pathParameters = null, object resource = null);
        TResponse Delete<TCommand, TResponse>(string path, TCommand command, object pathParameters = null);
        Stream GetContent(string path, object pathParameters = null);
        void PutContent(string path, Stream contentStream);
        Uri QualifyUri(string path, object parameters = null);
        void SignIn(LoginCommand loginCommand);
        void SignOut();
    }

    public interface IHttpOctopusClient : IOctopusClient
    {
        event Action<WebRequest> BeforeSendingHttpRequest;
        event Action<WebResponse> AfterReceivingHttpResponse;
    }

    /// <summary>
    /// Blocking client over HttpWebRequest (no Task is waited on, so calls from any thread cannot deadlock).
    /// PUT and DELETE go as POST with X-HTTP-Method-Override; cookies persist for sign-in.
    /// </summary>
    public class OctopusClient : IHttpOctopusClient
    {
        readonly OctopusServerEndpoint serverEndpoint;
        readonly OctopusClientOptions clientOptions;
        readonly CookieContainer cookieContainer = new CookieContainer();
        readonly object sync = new object();
        IOctopusRepository repository;
        Cookie antiforgeryCookie;
        bool disposed;

        public OctopusClient(OctopusServerEndpoint serverEndpoint, OctopusClientOptions clientOptions = null)
        {
            if (serverEndpoint == null) throw new ArgumentNullException("serverEndpoint");
            this.serverEndpoint = serverEndpoint;
            this.clientOptions = clientOptions ?? new OctopusClientOptions();
            repository = new OctopusRepository(this, RepositoryScope.Unspecified());
        }

        public event Action<OctopusRequest> SendingOctopusRequest;
        public event Action<OctopusResponse> ReceivedOctopusResponse;
        public event Action<WebRequest> BeforeSendingHttpRequest;
        public event Action<WebResponse> AfterReceivingHttpResponse;

        public IOctopusRepository Repository
        {
            get { lock (sync) return repository; }
        }

        public bool IsUsingSecureConnection
        {
            get { return serverEndpoint.IsUsingSecureConnection; }
        }

        /// <summary>The root document, loaded by the client's own repository on first use.</summary>
        public RootResource RootDocument
        {
            get { return Repository.LoadRootDocument(); }
        }

        public void Initialize()
        {
            Repository.LoadRootDocument();
        }

        public IOctopusSpaceRepository ForSpace(SpaceResource space)
        {
            if (space == null) throw new ArgumentNullException("space");
            return new OctopusRepository(this, RepositoryScope.ForSpace(space));
        }

        public IOctopusSystemRepository ForSystem()
        {
            return new OctopusRepository(this, RepositoryScope.ForSystem());
        }

        public void SignIn(LoginCommand loginCommand)
        {
            if (loginCommand == null) throw new ArgumentNullException("loginCommand");
            if (loginCommand.State == null)
                loginCommand.State = new LoginState { UsingSecureConnection = IsUsingSecureConnection };
            Post(RootDocument.Links["SignIn"], loginCommand);

            // The server answers with exactly one CSRF cookie for the host root; it must come back as a header.
            var cookies = cookieContainer.GetCookies(serverEndpoint.OctopusServer.Resolve("/")).Cast<Cookie>();
            var csrf = cookies.Single(c => c.Name.StartsWith("Octopus-Csrf-Token", StringComparison.Ordinal));
            lock (sync)
            {
                antiforgeryCookie = csrf;
                repository = new OctopusRepository(this, RepositoryScope.Unspecified());
            }
        }

        public void SignOut()
        {
            Post(RootDocument.Link("SignOut"));
            lock (sync) antiforgeryCookie = null;
        }

        public TResource Get<TResource>(string path, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<TResource>(new OctopusRequest("GET", uri), true).ResponseResource;
        }

        public ResourceCollection<TResource> List<TResource>(string path, object pathParameters = null)
        {
            return Get<ResourceCollection<TResource>>(path, pathParameters);
        }

        public IReadOnlyList<TResource> ListAll<TResource>(string path, object pathParameters = null)
        {
            var resources = new List<TResource>();
            Paginate<TResource>(path, pathParameters, page =>
            {
                resources.AddRange(page.Items);
                return true;
            });
            return resources;
        }

        public void Paginate<TResource>(string path, Func<ResourceCollection<TResource>, bool> getNextPage)
        {
            Paginate(path, null, getNextPage);
        }

        public void Paginate<TResource>(string path, object pathParameters, Func<ResourceCollection<TResource>, bool> getNextPage)
        {
            if (getNextPage == null) throw new ArgumentNullException("getNextPage");
            var page = List<TResource>(path, pathParameters);
            while (getNextPage(page) && page.Items.Count > 0 && page.HasLink("Page.Next"))
                page = List<TResource>(page.Link("Page.Next"));
        }

        public TResource Create<TResource>(string path, TResource resource, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            var response = DispatchRequest<TResource>(new OctopusRequest("POST", uri, resource), true);
            return Get<TResource>(response.Location);
        }

        public TResponse Create<TCommand, TResponse>(string path, TCommand command, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<TResponse>(new OctopusRequest("POST", uri, command), true).ResponseResource;
        }

        public void Post<TResource>(string path, TResource resource, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            DispatchRequest<string>(new OctopusRequest("POST", uri, resource), false);
        }

        public TResponse Post<TResource, TResponse>(string path, TResource resource, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<TResponse>(new OctopusRequest("POST", uri, resource), true).ResponseResource;
        }

        public void Post(string path)
        {
            DispatchRequest<string>(new OctopusRequest("POST", QualifyUri(path)), false);
        }

        public void Put<TResource>(string path, TResource resource)
        {
            Put(path, resource, null);
        }

        public void Put(string path)
        {
            DispatchRequest<string>(new OctopusRequest("PUT", QualifyUri(path)), false);
        }

        public void Put<TResource>(string path, TResource resource, object pathParameters)
        {
            DispatchRequest<string>(new OctopusRequest("PUT", QualifyUri(path, pathParameters), resource), false);
        }

        public TResource Update<TResource>(string path, TResource resource, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            DispatchRequest<string>(new OctopusRequest("PUT", uri, resource), false);
            return DispatchRequest<TResource>(new OctopusRequest("GET", uri), true).ResponseResource;
        }

        public TResponse Update<TCommand, TResponse>(string path, TCommand command, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<TResponse>(new OctopusRequest("PUT", uri, command), true).ResponseResource;
        }

        public void Delete(string path, object pathParameters = null, object resource = null)
        {
            var uri = QualifyUri(path, pathParameters);
            DispatchRequest<string>(new OctopusRequest("DELETE", uri, resource), false);
        }

        public TResponse Delete<TCommand, TResponse>(string path, TCommand command, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<TResponse>(new OctopusRequest("DELETE", uri, command), true).ResponseResource;
        }

        public Stream GetContent(string path, object pathParameters = null)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<Stream>(new OctopusRequest("GET", uri), true).ResponseResource;
        }

        public void PutContent(string path, Stream contentStream)
        {
            if (contentStream == null) throw new ArgumentNullException("contentStream");
            DispatchRequest<string>(new OctopusRequest("PUT", QualifyUri(path), contentStream), false);
        }

        public Uri QualifyUri(string path, object parameters = null)
        {
            var expanded = UrlTemplate.Resolve(path, parameters);
            return serverEndpoint.OctopusServer.Resolve(expanded);
        }

        protected virtual OctopusResponse<TResponseResource> DispatchRequest<TResponseResource>(OctopusRequest request, bool readResponse)
        {
            if (disposed) throw new ObjectDisposedException("OctopusClient");
            var webRequest = (HttpWebRequest)WebRequest.Create(request.Uri);
            webRequest.CookieContainer = cookieContainer;
            webRequest.Accept = "application/json";
            webRequest.ContentType = "application/json";
            webRequest.UserAgent = ApiVersionCheck.UserAgent;
            webRequest.Credentials = serverEndpoint.Credentials;
            webRequest.Timeout = (int)clientOptions.Timeout.TotalMilliseconds;
            webRequest.ReadWriteTimeout = (int)clientOptions.Timeout.TotalMilliseconds;
            webRequest.AllowAutoRedirect = true;
            if (serverEndpoint.Proxy != null) webRequest.Proxy = serverEndpoint.Proxy;
            webRequest.Headers["X-Octopus-ApiKey"] = serverEndpoint.ApiKey ?? "";
            var csrf = antiforgeryCookie;
            if (csrf != null) webRequest.Headers["X-Octopus-Csrf-Token"] = csrf.Value;
            webRequest.Method = request.Method;
            if (request.Method == "PUT" || request.Method == "DELETE")
            {
                webRequest.Method = "POST";
                webRequest.Headers["X-HTTP-Method-Override"] = request.Method;
            }

            var beforeSending = BeforeSendingHttpRequest;
            if (beforeSending != null) beforeSending(webRequest);
            var sending = SendingOctopusRequest;
            if (sending != null) sending(request);

            if (request.RequestResource != null)
            {
                var stream = request.RequestResource as Stream;
                var upload = request.RequestResource as FileUpload;
                byte[] body;
                if (upload != null)
                {
                    body = MultipartBody(upload, webRequest);
                }
                else if (stream != null)
                {
                    webRequest.ContentType = "application/octet-stream";
                    using (var buffer = new MemoryStream())
                    {
                        stream.CopyTo(buffer);
                        body = buffer.ToArray();
                    }
                }
                else
                {
                    body = new UTF8Encoding(false).GetBytes(JsonSerialization.SerializeObject(request.RequestResource));
                }
                webRequest.ContentLength = body.Length;
                using (var requestStream = webRequest.GetRequestStream())
                {
                    requestStream.Write(body, 0, body.Length);
                }
            }
            else if (webRequest.Method == "POST")
            {
                webRequest.ContentLength = 0;
            }

            HttpWebResponse webResponse;
            try
            {
                webResponse = (HttpWebResponse)webRequest.GetResponse();
            }
            catch (WebException ex)
            {
                var errorResponse = ex.Response as HttpWebResponse;
                if (errorResponse == null) throw;
                using (errorResponse)
                {
                    throw OctopusExceptionFactory.CreateException(ex, errorResponse);
                }
            }

            using (webResponse)
            {
                var after = AfterReceivingHttpResponse;
                if (after != null) after(webResponse);
                var resource = default(TResponseResource);
                if (readResponse)
                {
                    if (typeof(TResponseResource) == typeof(Stream))
                    {
                        var copy = new MemoryStream();
                        using (var responseStream = webResponse.GetResponseStream())
                            if (responseStream != null) responseStream.CopyTo(copy);
                        copy.Position = 0;
                        resource = (TResponseResource)(object)copy;
                    }
                    else
                    {
                        string content;
                        using (var reader = new StreamReader(webResponse.GetResponseStream() ?? Stream.Null))
                            content = reader.ReadToEnd();
                        resource = ReadResource<TResponseResource>((int)webResponse.StatusCode, content, 100);
                    }
                }
                var location = webResponse.Headers.Get("Location");
                var octopusResponse = new OctopusResponse<TResponseResource>(request, webResponse.StatusCode, location, resource);
                var received = ReceivedOctopusResponse;
                if (received != null) received(octopusResponse);
                return octopusResponse;
            }
        }

        /// <summary>A file as the real synchronous client posts it: one part named file, values unquoted, CRLF first.</summary>
        static byte[] MultipartBody(FileUpload upload, HttpWebRequest webRequest)
        {
            var boundary = "----------------------------" + DateTime.Now.Ticks.ToString("x");
            webRequest.ContentType = "multipart/form-data; boundary=" + boundary;
            using (var buffer = new MemoryStream())
            {
                var head = Encoding.ASCII.GetBytes("\r\n--" + boundary + "\r\n");
                buffer.Write(head, 0, head.Length);
                var headers = Encoding.UTF8.GetBytes("Content-Disposition: form-data; name=file; filename=" + upload.FileName
                                                     + "\r\nContent-Type: application/octet-stream\r\n\r\n");
                buffer.Write(headers, 0, headers.Length);
                upload.Contents.CopyTo(buffer);
                var tail = Encoding.ASCII.GetBytes("\r\n--" + boundary + "--\r\n");
                buffer.Write(tail, 0, tail.Length);
                return buffer.ToArray();
            }
        }

        /// <summary>Deserializes a body the way both clients do: empty is the default value, bad JSON an OctopusDeserializationException.</summary>
        internal static T ReadResource<T>(int statusCode, string content, int excerptLength)
        {
            if (string.IsNullOrWhiteSpace(content)) return default(T);
            try
            {
                return JsonSerialization.DeserializeObject<T>(content);
            }
            catch (Exception ex)
            {
                var excerpt = content.Length > excerptLength ? content.Substring(0, excerptLength) : content;
                throw new OctopusDeserializationException(statusCode,
                    string.Format("Unable to process response from server: {0}. Response content: {1}", ex.Message, excerpt), ex);
            }
        }

        public void Dispose()
        {
            disposed = true;
        }
    }
}
