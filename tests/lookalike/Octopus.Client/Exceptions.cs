using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Octopus.Client.Extensibility;
using Octopus.Client.Model;

namespace Octopus.Client.Exceptions
{
    /// <summary>Base of the errors the server reports; carries the HTTP status code.</summary>
    [Serializable]
    public abstract class OctopusException : Exception
    {
        protected OctopusException(int httpStatusCode, string message)
            : base(message)
        {
            HttpStatusCode = httpStatusCode;
        }

        protected OctopusException(int httpStatusCode, string message, Exception innerException)
            : base(message, innerException)
        {
            HttpStatusCode = httpStatusCode;
        }

        public int HttpStatusCode { get; private set; }

        public string HelpText { get; internal set; }
    }

    [Serializable]
    public class OctopusValidationException : OctopusException
    {
        public OctopusValidationException(string message, ICollection<string> errors)
            : this(400, message, errors)
        {
        }

        public OctopusValidationException(int httpStatusCode, string message, ICollection<string> errors)
            : this(httpStatusCode, message, errors, null)
        {
        }

        public OctopusValidationException(int httpStatusCode, string message, ICollection<string> errors, object details)
            : base(httpStatusCode, message + "\n\n" + string.Join("\n", errors.Select(e => " - " + e)) + "\n")
        {
            ErrorMessage = message;
            Errors = new ReadOnlyCollection<string>(errors.ToList());
            Details = details;
        }

        public string ErrorMessage { get; private set; }

        public ReadOnlyCollection<string> Errors { get; private set; }

        public object Details { get; private set; }

        public TDetails DetailsAs<TDetails>()
        {
            if (Details == null) return default(TDetails);
            var token = Details as JToken ?? JToken.FromObject(Details);
            return token.ToObject<TDetails>();
        }
    }

    [Serializable]
    public class OctopusResourceNotFoundException : OctopusException
    {
        public OctopusResourceNotFoundException(string message)
            : base(404, message)
        {
        }
    }

    [Serializable]
    public class OctopusMethodNotAllowedFoundException : OctopusException
    {
        public OctopusMethodNotAllowedFoundException(string message)
            : base(405, message)
        {
        }
    }

    [Serializable]
    public class OctopusSecurityException : OctopusException
    {
        public OctopusSecurityException(int httpStatusCode, string message)
            : base(httpStatusCode, message)
        {
        }
    }

    [Serializable]
    public class OctopusServerException : OctopusException
    {
        public OctopusServerException(int httpStatusCode, string message)
            : base(httpStatusCode, message)
        {
        }
    }

    [Serializable]
    public class OctopusDeserializationException : OctopusException
    {
        public OctopusDeserializationException(int httpStatusCode, string message)
            : base(httpStatusCode, message)
        {
        }

        public OctopusDeserializationException(int httpStatusCode, string message, Exception innerException)
            : base(httpStatusCode, message, innerException)
        {
        }
    }

    [Serializable]
    public class UnsupportedApiVersionException : OctopusException
    {
        public UnsupportedApiVersionException(string message)
            : base(200, message)
        {
        }
    }

    [Serializable]
    public class OperationNotSupportedByOctopusServerException : OctopusException
    {
        public OperationNotSupportedByOctopusServerException(string requiredOctopusVersion, string message)
            : base(200, message)
        {
            RequiredOctopusVersion = requiredOctopusVersion;
        }

        public string RequiredOctopusVersion { get; private set; }
    }

    [Serializable]
    public class DefaultSpaceNotFoundException : Exception
    {
        public DefaultSpaceNotFoundException(IHaveSpaceResource spaceResource)
            : base(string.Format(
                "Couldn't find a default space while trying to create or modify {0}, this could either mean that default space is disabled, or you don't have permission to access the default space. Please provide a space when creating the repository.",
                (spaceResource as INamedResource) != null ? ((INamedResource)spaceResource).Name : ""))
        {
        }
    }

    [Serializable]
    public class ResourceSpaceDoesNotMatchRepositorySpaceException : Exception
    {
        public ResourceSpaceDoesNotMatchRepositorySpaceException(IHaveSpaceResource spaceResource, SpaceResource currentSpace)
            : base(string.Format(
                "The resource has a different space specified than the one specified by the repository scope. Either change the {0} on the resource to {1}, or use a repository that is scoped to {2}.",
                "SpaceId", currentSpace.Id, spaceResource.SpaceId))
        {
        }
    }

    public class OctopusErrorsContract
    {
        public string ErrorMessage { get; set; }
        public string FullException { get; set; }
        public string[] Errors { get; set; }
        public string HelpText { get; set; }
        public object Details { get; set; }
    }

    /// <summary>Turns an error response into the exception the real client throws for its status code.</summary>
    public static class OctopusExceptionFactory
    {
        public class OctopusErrorsContract
        {
            public string ErrorMessage { get; set; }
            public string FullException { get; set; }
            public string[] Errors { get; set; }
            public string HelpText { get; set; }
            public object Details { get; set; }
        }

        public static OctopusException CreateException(WebException webException, HttpWebResponse response)
        {
            string body;
            using (var stream = response.GetResponseStream())
            using (var reader = new StreamReader(stream ?? Stream.Null))
            {
                body = reader.ReadToEnd();
            }
            return CreateException((int)response.StatusCode, body);
        }

        public static async Task<OctopusException> CreateException(HttpResponseMessage response)
        {
            var body = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return CreateException((int)response.StatusCode, body);
        }

        public static OctopusException CreateException(int statusCode, string body)
        {
            if (statusCode == 400 || statusCode == 409)
            {
                // As in the real client: an empty body gives a NullReferenceException, HTML a JsonReaderException,
                // a body without "Errors" an ArgumentNullException.
                var errors = JsonConvert.DeserializeObject<OctopusErrorsContract>(body);
                return new OctopusValidationException(statusCode, errors.ErrorMessage, errors.Errors, errors.Details) { HelpText = errors.HelpText };
            }

            if (statusCode == 401 || statusCode == 403)
            {
                var errors = JsonConvert.DeserializeObject<OctopusErrorsContract>(body);
                var message = errors != null
                    ? errors.ErrorMessage
                    : string.Format("The server returned a status code of {0}: {1}", statusCode, body);
                return new OctopusSecurityException(statusCode, message) { HelpText = errors != null ? errors.HelpText : null };
            }

            if (statusCode == 404)
            {
                var errors = TryRead(body);
                return new OctopusResourceNotFoundException(errors != null ? errors.ErrorMessage : body);
            }

            if (statusCode == 405)
            {
                var errors = TryRead(body);
                return new OctopusMethodNotAllowedFoundException(errors != null ? errors.ErrorMessage : body);
            }

            var serverErrors = TryRead(body);
            if (serverErrors == null)
                return new OctopusServerException(statusCode, body);
            var text = "Octopus Server returned an error: " + serverErrors.ErrorMessage;
            if (!string.IsNullOrWhiteSpace(serverErrors.FullException))
                text += "\nServer exception: \n" + serverErrors.FullException + "\n-----------------------\n";
            return new OctopusServerException(statusCode, text) { HelpText = serverErrors.HelpText };
        }

        static OctopusErrorsContract TryRead(string body)
        {
            if (string.IsNullOrWhiteSpace(body)) return null;
            try
            {
                return JsonConvert.DeserializeObject<OctopusErrorsContract>(body);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
