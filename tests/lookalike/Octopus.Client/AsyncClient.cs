using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Octopus.Client.Exceptions;
using Octopus.Client.Model;
using Octopus.Client.Serialization;

namespace Octopus.Client
{
    public interface IOctopusAsyncClient : IDisposable
    {
        IOctopusAsyncRepository Repository { get; }
        bool IsUsingSecureConnection { get; }
        RootResource RootDocument { get; }

        event Action<OctopusRequest> SendingOctopusRequest;
        event Action<OctopusResponse> ReceivedOctopusResponse;
        event Action<HttpRequestMessage> BeforeSendingHttpRequest;
        event Action<HttpResponseMessage> AfterReceivedHttpResponse;

        IOctopusSpaceAsyncRepository ForSpace(SpaceResource space);
        IOctopusSystemAsyncRepository ForSystem();

        Task<TResource> Get<TResource>(string path, object pathParameters = null);
        Task<TResource> Get<TResource>(string path, CancellationToken cancellationToken);
        Task<TResource> Get<TResource>(string path, object pathParameters, CancellationToken cancellationToken);
        Task<ResourceCollection<TResource>> List<TResource>(string path, object pathParameters = null);
        Task<ResourceCollection<TResource>> List<TResource>(string path, CancellationToken cancellationToken);
        Task<ResourceCollection<TResource>> List<TResource>(string path, object pathParameters, CancellationToken cancellationToken);
        Task<IReadOnlyList<TResource>> ListAll<TResource>(string path, object pathParameters = null);
        Task<IReadOnlyList<TResource>> ListAll<TResource>(string path, CancellationToken cancellationToken);
        Task<IReadOnlyList<TResource>> ListAll<TResource>(string path, object pathParameters, CancellationToken cancellationToken);
        Task Paginate<TResource>(string path, Func<ResourceCollection<TResource>, bool> getNextPage);
        Task Paginate<TResource>(string path, Func<ResourceCollection<TResource>, bool> getNextPage, CancellationToken cancellationToken);
        Task Paginate<TResource>(string path, object pathParameters, Func<ResourceCollection<TResource>, bool> getNextPage);
        Task Paginate<TResource>(string path, object pathParameters, Func<ResourceCollection<TResource>, bool> getNextPage, CancellationToken cancellationToken);
        Task<TResource> Create<TResource>(string path, TResource resource, object pathParameters = null);
        Task<TResource> Create<TResource>(string path, TResource resource, CancellationToken cancellationToken);
        Task<TResource> Create<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken);
        Task Post<TResource>(string path, TResource resource, object pathParameters = null);
        Task Post<TResource>(string path, TResource resource, CancellationToken cancellationToken);
        Task Post<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken);
        Task<TResponse> Post<TResource, TResponse>(string path, TResource resource, object pathParameters = null);
        Task<TResponse> Post<TResource, TResponse>(string path, TResource resource, CancellationToken cancellationToken);
        Task<TResponse> Post<TResource, TResponse>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken);
        Task Post(string path);
        Task Post(string path, CancellationToken cancellationToken);
        Task Put<TResource>(string path, TResource resource);
        Task Put<TResource>(string path, TResource resource, CancellationToken cancellationToken);
        Task Put<TResource>(string path, TResource resource, object pathParameters);
        Task Put<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken);
        Task Put(string path);
        Task Put(string path, CancellationToken cancellationToken);
        Task<TResource> Update<TResource>(string path, TResource resource, object pathParameters = null);
        Task<TResource> Update<TResource>(string path, TResource resource, CancellationToken cancellationToken);
        Task<TResource> Update<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken);
        Task Delete(string path, object pathParameters = null, object resource = null);
        Task Delete(string path, CancellationToken cancellationToken);
        Task Delete(string path, object pathParameters, object resource, CancellationToken cancellationToken);
        Task<Stream> GetContent(string path, object pathParameters = null);
        Task<Stream> GetContent(string path, CancellationToken cancellationToken);
        Task<Stream> GetContent(string path, object pathParameters, CancellationToken cancellationToken);
        Uri QualifyUri(string path, object parameters = null);
        Task SignIn(LoginCommand loginCommand);
        Task SignIn(LoginCommand loginCommand, CancellationToken cancellationToken);
        Task SignOut();
        Task SignOut(CancellationToken cancellationToken);
    }

    /// <summary>
    /// The asynchronous client over HttpClient. <see cref="Create"/> loads and checks the root document first.
    /// Every await uses ConfigureAwait(false), so waiting on a task from any thread cannot deadlock.
    /// </summary>
    public class OctopusAsyncClient : IOctopusAsyncClient
    {
        readonly OctopusServerEndpoint serverEndpoint;
        readonly OctopusClientOptions clientOptions;
        readonly CookieContainer cookieContainer = new CookieContainer();
        readonly HttpClient client;
        readonly object sync = new object();
        IOctopusAsyncRepository repository;
        Cookie antiforgeryCookie;

        OctopusAsyncClient(OctopusServerEndpoint serverEndpoint, OctopusClientOptions clientOptions)
        {
            this.serverEndpoint = serverEndpoint;
            this.clientOptions = clientOptions ?? new OctopusClientOptions();
            var handler = new HttpClientHandler
            {
                CookieContainer = cookieContainer,
                UseCookies = true,
                AllowAutoRedirect = true,
                Credentials = serverEndpoint.Credentials,
            };
            if (serverEndpoint.Proxy != null)
            {
                handler.UseProxy = true;
                handler.Proxy = serverEndpoint.Proxy;
            }
            client = new HttpClient(handler, true) { Timeout = this.clientOptions.Timeout };
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Octopus-ApiKey", serverEndpoint.ApiKey ?? "");
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", ApiVersionCheck.UserAgent);
            repository = new OctopusAsyncRepository(this, RepositoryScope.Unspecified());
        }

        public static async Task<IOctopusAsyncClient> Create(OctopusServerEndpoint serverEndpoint, OctopusClientOptions clientOptions = null)
        {
            if (serverEndpoint == null) throw new ArgumentNullException("serverEndpoint");
            var created = new OctopusAsyncClient(serverEndpoint, clientOptions);
            try
            {
                created.RootDocument = await created.EstablishSession().ConfigureAwait(false);
            }
            catch
            {
                created.Dispose();
                throw;
            }
            return created;
        }

        public event Action<OctopusRequest> SendingOctopusRequest;
        public event Action<OctopusResponse> ReceivedOctopusResponse;
        public event Action<HttpRequestMessage> BeforeSendingHttpRequest;
        public event Action<HttpResponseMessage> AfterReceivedHttpResponse;

        public IOctopusAsyncRepository Repository
        {
            get { lock (sync) return repository; }
        }

        public bool IsUsingSecureConnection
        {
            get { return serverEndpoint.IsUsingSecureConnection; }
        }

        public RootResource RootDocument { get; private set; }

        async Task<RootResource> EstablishSession()
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
                    root = await Get<RootResource>("~/api").ConfigureAwait(false);
                    break;
                }
                catch (HttpRequestException ex)
                {
                    lastException = ex;
                }
                catch (OctopusServerException ex)
                {
                    if (ex.HttpStatusCode != 503) throw;
                    lastException = ex;
                }
                await Task.Delay(lastException is HttpRequestException ? 1000 : 500).ConfigureAwait(false);
                retries--;
            }
            ApiVersionCheck.Check(root);
            return root;
        }

        public IOctopusSpaceAsyncRepository ForSpace(SpaceResource space)
        {
            if (space == null) throw new ArgumentNullException("space");
            return new OctopusAsyncRepository(this, RepositoryScope.ForSpace(space));
        }

        public IOctopusSystemAsyncRepository ForSystem()
        {
            return new OctopusAsyncRepository(this, RepositoryScope.ForSystem());
        }

        public Task SignIn(LoginCommand loginCommand)
        {
            return SignIn(loginCommand, CancellationToken.None);
        }

        public async Task SignIn(LoginCommand loginCommand, CancellationToken cancellationToken)
        {
            if (loginCommand == null) throw new ArgumentNullException("loginCommand");
            if (loginCommand.State == null)
                loginCommand.State = new LoginState { UsingSecureConnection = IsUsingSecureConnection };
            var link = await Repository.Link("SignIn").ConfigureAwait(false);
            await Post(link, loginCommand, null, cancellationToken).ConfigureAwait(false);

            // Exactly one CSRF cookie for the host root; it goes back as a header on every request.
            var cookies = cookieContainer.GetCookies(serverEndpoint.OctopusServer.Resolve("/")).Cast<Cookie>();
            var csrf = cookies.Single(c => c.Name.StartsWith("Octopus-Csrf-Token", StringComparison.Ordinal));
            lock (sync)
            {
                antiforgeryCookie = csrf;
                repository = new OctopusAsyncRepository(this, RepositoryScope.Unspecified());
            }
        }

        public Task SignOut()
        {
            return SignOut(CancellationToken.None);
        }

        public async Task SignOut(CancellationToken cancellationToken)
        {
            await Post(RootDocument.Link("SignOut"), cancellationToken).ConfigureAwait(false);
            lock (sync) antiforgeryCookie = null;
        }

        public Task<TResource> Get<TResource>(string path, object pathParameters = null)
        {
            return Get<TResource>(path, pathParameters, CancellationToken.None);
        }

        public Task<TResource> Get<TResource>(string path, CancellationToken cancellationToken)
        {
            return Get<TResource>(path, null, cancellationToken);
        }

        public async Task<TResource> Get<TResource>(string path, object pathParameters, CancellationToken cancellationToken)
        {
            var uri = QualifyUri(path, pathParameters);
            var response = await DispatchRequest<TResource>(new OctopusRequest("GET", uri), true, cancellationToken).ConfigureAwait(false);
            return response.ResponseResource;
        }

        public Task<ResourceCollection<TResource>> List<TResource>(string path, object pathParameters = null)
        {
            return Get<ResourceCollection<TResource>>(path, pathParameters, CancellationToken.None);
        }

        public Task<ResourceCollection<TResource>> List<TResource>(string path, CancellationToken cancellationToken)
        {
            return Get<ResourceCollection<TResource>>(path, null, cancellationToken);
        }

        public Task<ResourceCollection<TResource>> List<TResource>(string path, object pathParameters, CancellationToken cancellationToken)
        {
            return Get<ResourceCollection<TResource>>(path, pathParameters, cancellationToken);
        }

        public Task<IReadOnlyList<TResource>> ListAll<TResource>(string path, object pathParameters = null)
        {
            return ListAll<TResource>(path, pathParameters, CancellationToken.None);
        }

        public Task<IReadOnlyList<TResource>> ListAll<TResource>(string path, CancellationToken cancellationToken)
        {
            return ListAll<TResource>(path, null, cancellationToken);
        }

        public async Task<IReadOnlyList<TResource>> ListAll<TResource>(string path, object pathParameters, CancellationToken cancellationToken)
        {
            var resources = new List<TResource>();
            await Paginate<TResource>(path, pathParameters, page =>
            {
                resources.AddRange(page.Items);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return resources;
        }

        public Task Paginate<TResource>(string path, Func<ResourceCollection<TResource>, bool> getNextPage)
        {
            return Paginate(path, null, getNextPage, CancellationToken.None);
        }

        public Task Paginate<TResource>(string path, Func<ResourceCollection<TResource>, bool> getNextPage, CancellationToken cancellationToken)
        {
            return Paginate(path, null, getNextPage, cancellationToken);
        }

        public Task Paginate<TResource>(string path, object pathParameters, Func<ResourceCollection<TResource>, bool> getNextPage)
        {
            return Paginate(path, pathParameters, getNextPage, CancellationToken.None);
        }

        public async Task Paginate<TResource>(string path, object pathParameters, Func<ResourceCollection<TResource>, bool> getNextPage, CancellationToken cancellationToken)
        {
            if (getNextPage == null) throw new ArgumentNullException("getNextPage");
            var page = await List<TResource>(path, pathParameters, cancellationToken).ConfigureAwait(false);
            while (getNextPage(page) && page.Items.Count > 0 && page.HasLink("Page.Next"))
                page = await List<TResource>(page.Link("Page.Next"), null, cancellationToken).ConfigureAwait(false);
        }

        public Task<TResource> Create<TResource>(string path, TResource resource, object pathParameters = null)
        {
            return Create(path, resource, pathParameters, CancellationToken.None);
        }

        public Task<TResource> Create<TResource>(string path, TResource resource, CancellationToken cancellationToken)
        {
            return Create(path, resource, null, cancellationToken);
        }

        public async Task<TResource> Create<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken)
        {
            var uri = QualifyUri(path, pathParameters);
            var response = await DispatchRequest<TResource>(new OctopusRequest("POST", uri, resource), true, cancellationToken).ConfigureAwait(false);
            return await Get<TResource>(response.Location, null, cancellationToken).ConfigureAwait(false);
        }

        public Task Post<TResource>(string path, TResource resource, object pathParameters = null)
        {
            return Post(path, resource, pathParameters, CancellationToken.None);
        }

        public Task Post<TResource>(string path, TResource resource, CancellationToken cancellationToken)
        {
            return Post(path, resource, null, cancellationToken);
        }

        public Task Post<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken)
        {
            var uri = QualifyUri(path, pathParameters);
            return DispatchRequest<string>(new OctopusRequest("POST", uri, resource), false, cancellationToken);
        }

        public Task<TResponse> Post<TResource, TResponse>(string path, TResource resource, object pathParameters = null)
        {
            return Post<TResource, TResponse>(path, resource, pathParameters, CancellationToken.None);
        }

        public Task<TResponse> Post<TResource, TResponse>(string path, TResource resource, CancellationToken cancellationToken)
        {
            return Post<TResource, TResponse>(path, resource, null, cancellationToken);
        }

        public async Task<TResponse> Post<TResource, TResponse>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken)
        {
            var uri = QualifyUri(path, pathParameters);
            var response = await DispatchRequest<TResponse>(new OctopusRequest("POST", uri, resource), true, cancellationToken).ConfigureAwait(false);
            return response.ResponseResource;
        }

        public Task Post(string path)
        {
            return Post(path, CancellationToken.None);
        }

        public Task Post(string path, CancellationToken cancellationToken)
        {
            return DispatchRequest<string>(new OctopusRequest("POST", QualifyUri(path)), false, cancellationToken);
        }

        public Task Put<TResource>(string path, TResource resource)
        {
            return Put(path, resource, null, CancellationToken.None);
        }

        public Task Put<TResource>(string path, TResource resource, CancellationToken cancellationToken)
        {
            return Put(path, resource, null, cancellationToken);
        }

        public Task Put<TResource>(string path, TResource resource, object pathParameters)
        {
            return Put(path, resource, pathParameters, CancellationToken.None);
        }

        public Task Put<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken)
        {
            return DispatchRequest<string>(new OctopusRequest("PUT", QualifyUri(path, pathParameters), resource), false, cancellationToken);
        }

        public Task Put(string path)
        {
            return Put(path, CancellationToken.None);
        }

        public Task Put(string path, CancellationToken cancellationToken)
        {
            return DispatchRequest<string>(new OctopusRequest("PUT", QualifyUri(path)), false, cancellationToken);
        }

        public Task<TResource> Update<TResource>(string path, TResource resource, object pathParameters = null)
        {
            return Update(path, resource, pathParameters, CancellationToken.None);
        }

        public Task<TResource> Update<TResource>(string path, TResource resource, CancellationToken cancellationToken)
        {
            return Update(path, resource, null, cancellationToken);
        }

        public async Task<TResource> Update<TResource>(string path, TResource resource, object pathParameters, CancellationToken cancellationToken)
        {
            var uri = QualifyUri(path, pathParameters);
            await DispatchRequest<string>(new OctopusRequest("PUT", uri, resource), false, cancellationToken).ConfigureAwait(false);
            var response = await DispatchRequest<TResource>(new OctopusRequest("GET", uri), true, cancellationToken).ConfigureAwait(false);
            return response.ResponseResource;
        }

        public Task Delete(string path, object pathParameters = null, object resource = null)
        {
            return Delete(path, pathParameters, resource, CancellationToken.None);
        }

        public Task Delete(string path, CancellationToken cancellationToken)
        {
            return Delete(path, null, null, cancellationToken);
        }

        public Task Delete(string path, object pathParameters, object resource, CancellationToken cancellationToken)
        {
            return DispatchRequest<string>(new OctopusRequest("DELETE", QualifyUri(path, pathParameters), resource), false, cancellationToken);
        }

        public Task<Stream> GetContent(string path, object pathParameters = null)
        {
            return GetContent(path, pathParameters, CancellationToken.None);
        }

        public Task<Stream> GetContent(string path, CancellationToken cancellationToken)
        {
            return GetContent(path, null, cancellationToken);
        }

        public async Task<Stream> GetContent(string path, object pathParameters, CancellationToken cancellationToken)
        {
            var response = await DispatchRequest<Stream>(new OctopusRequest("GET", QualifyUri(path, pathParameters)), true, cancellationToken).ConfigureAwait(false);
            return response.ResponseResource;
        }

        public Uri QualifyUri(string path, object parameters = null)
        {
            var expanded = UrlTemplate.Resolve(path, parameters);
            return serverEndpoint.OctopusServer.Resolve(expanded);
        }

        protected virtual async Task<OctopusResponse<TResponseResource>> DispatchRequest<TResponseResource>(OctopusRequest request, bool readResponse, CancellationToken cancellationToken)
        {
            using (var message = new HttpRequestMessage())
            {
                message.RequestUri = request.Uri;
                message.Method = new HttpMethod(request.Method);
                if (request.Method == "PUT" || request.Method == "DELETE")
                {
                    message.Method = HttpMethod.Post;
                    message.Headers.Add("X-HTTP-Method-Override", request.Method);
                }
                var csrf = antiforgeryCookie;
                if (csrf != null) message.Headers.Add("X-Octopus-Csrf-Token", csrf.Value);

                if (request.RequestResource != null)
                {
                    var stream = request.RequestResource as Stream;
                    var upload = request.RequestResource as FileUpload;
                    if (upload != null)
                    {
                        // As the real async client: a form with one file part named "file".
                        var file = new StreamContent(upload.Contents);
                        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                        var form = new MultipartFormDataContent();
                        form.Add(file, "file", upload.FileName);
                        message.Content = form;
                    }
                    else if (stream != null)
                    {
                        message.Content = new StreamContent(stream);
                        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    }
                    else
                    {
                        message.Content = new StringContent(JsonSerialization.SerializeObject(request.RequestResource), new UTF8Encoding(false), "application/json");
                    }
                }
                else if (message.Method == HttpMethod.Post)
                {
                    message.Content = new ByteArrayContent(new byte[0]);
                }

                var beforeSending = BeforeSendingHttpRequest;
                if (beforeSending != null) beforeSending(message);
                var sending = SendingOctopusRequest;
                if (sending != null) sending(request);

                using (var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false))
                {
                    var after = AfterReceivedHttpResponse;
                    if (after != null) after(response);
                    if (!response.IsSuccessStatusCode)
                        throw await OctopusExceptionFactory.CreateException(response).ConfigureAwait(false);

                    var resource = default(TResponseResource);
                    if (readResponse && response.Content != null)
                    {
                        if (typeof(TResponseResource) == typeof(Stream))
                        {
                            var copy = new MemoryStream();
                            await response.Content.CopyToAsync(copy).ConfigureAwait(false);
                            copy.Position = 0;
                            resource = (TResponseResource)(object)copy;
                        }
                        else
                        {
                            var content = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                            resource = OctopusClient.ReadResource<TResponseResource>((int)response.StatusCode, content, 1000);
                        }
                    }
                    var location = response.Headers.Location == null ? null : response.Headers.Location.OriginalString;
                    var octopusResponse = new OctopusResponse<TResponseResource>(request, response.StatusCode, location, resource);
                    var received = ReceivedOctopusResponse;
                    if (received != null) received(octopusResponse);
                    return octopusResponse;
                }
            }
        }

        public void Dispose()
        {
            client.Dispose();
        }
    }
}
