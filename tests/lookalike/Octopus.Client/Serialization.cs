using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Octopus.Client.Extensibility;
using Octopus.Client.Model;
using Octopus.Client.Model.Endpoints;

namespace Octopus.Client.Serialization
{
    /// <summary>The JSON settings of every request and response body: indented, enums as strings, fixed date format.</summary>
    public static class JsonSerialization
    {
        public static JsonSerializerSettings GetDefaultSerializerSettings()
        {
            return new JsonSerializerSettings
            {
                Formatting = Formatting.Indented,
                Converters = new List<JsonConverter>
                {
                    new StringEnumConverter(),
                    new DateConverter(),
                    new HrefConverter(() => null),
                    new EndpointConverter(),
                    new FeedConverter(),
                },
            };
        }

        public static string SerializeObject(object o)
        {
            return JsonConvert.SerializeObject(o, GetDefaultSerializerSettings());
        }

        public static T DeserializeObject<T>(string value)
        {
            return JsonConvert.DeserializeObject<T>(value, GetDefaultSerializerSettings());
        }
    }

    public class DateConverter : IsoDateTimeConverter
    {
        public DateConverter()
        {
            DateTimeFormat = "yyyy-MM-ddTHH:mm:ss.fffK";
        }
    }

    /// <summary>Writes an <see cref="Href"/> as its string; reads one from a string.</summary>
    public class HrefConverter : JsonConverter
    {
        readonly Func<string> baseUrl;

        public HrefConverter(Func<string> baseUrl)
        {
            this.baseUrl = baseUrl;
        }

        public override bool CanConvert(Type objectType)
        {
            return objectType == typeof(Href);
        }

        public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer)
        {
            if (reader.TokenType == JsonToken.Null) return null;
            var value = Convert.ToString(reader.Value);
            var prefix = baseUrl == null ? null : baseUrl();
            return new Href(prefix != null && value.StartsWith("~/") ? prefix.TrimEnd('/') + value.Substring(1) : value);
        }

        public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer)
        {
            writer.WriteValue(value == null ? null : ((Href)value).AsString());
        }
    }

    /// <summary>Reads an abstract resource as the derived type named by one of its properties, and writes every readable property back.</summary>
    public abstract class InheritedClassConverter<TBaseResource, TEnumType> : JsonConverter
    {
        protected abstract IDictionary<TEnumType, Type> DerivedTypeMappings { get; }

        protected abstract string TypeDesignatingPropertyName { get; }

        protected virtual Type DefaultType
        {
            get { return null; }
        }

        public override bool CanConvert(Type objectType)
        {
            return typeof(TBaseResource).IsAssignableFrom(objectType);
        }

        public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer)
        {
            if (reader.TokenType == JsonToken.Null) return null;
            var jo = JObject.Load(reader);
            var designator = jo.Properties().FirstOrDefault(p => string.Equals(p.Name, TypeDesignatingPropertyName, StringComparison.OrdinalIgnoreCase));
            Type type;
            if (designator == null || designator.Value.Type == JTokenType.Null)
            {
                if (DefaultType == null)
                    throw new JsonSerializationException(string.Format("Missing property '{0}' on {1}", TypeDesignatingPropertyName, typeof(TBaseResource).Name));
                type = DefaultType;
            }
            else
            {
                var key = (TEnumType)Enum.Parse(typeof(TEnumType), designator.Value.ToString(), true);
                if (!DerivedTypeMappings.TryGetValue(key, out type))
                    throw new JsonSerializationException(string.Format("Unable to determine type of {0} for {1} '{2}'", typeof(TBaseResource).Name, TypeDesignatingPropertyName, key));
            }
            var target = Activator.CreateInstance(type);
            using (var inner = jo.CreateReader())
            {
                serializer.Populate(inner, target);
            }
            return target;
        }

        public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer)
        {
            if (value == null)
            {
                writer.WriteNull();
                return;
            }
            writer.WriteStartObject();
            var properties = value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
                .OrderBy(p => p.Name == "Links" ? 1 : 0)
                .ToList();
            foreach (var property in properties)
            {
                var propertyValue = property.GetValue(value, null);
                if (propertyValue == null && (property.Name == "Id" || property.Name == "LastModifiedOn" || property.Name == "LastModifiedBy"))
                    continue;
                writer.WritePropertyName(property.Name);
                serializer.Serialize(writer, propertyValue);
            }
            writer.WriteEndObject();
        }
    }

    public class EndpointConverter : InheritedClassConverter<EndpointResource, CommunicationStyle>
    {
        static readonly IDictionary<CommunicationStyle, Type> Mappings = new Dictionary<CommunicationStyle, Type>
        {
            { CommunicationStyle.TentaclePassive, typeof(ListeningTentacleEndpointResource) },
            { CommunicationStyle.TentacleActive, typeof(PollingTentacleEndpointResource) },
            { CommunicationStyle.Ssh, typeof(SshEndpointResource) },
            { CommunicationStyle.OfflineDrop, typeof(OfflineDropEndpointResource) },
            { CommunicationStyle.AzureWebApp, typeof(AzureWebAppEndpointResource) },
            { CommunicationStyle.AzureCloudService, typeof(CloudServiceEndpointResource) },
            { CommunicationStyle.Kubernetes, typeof(KubernetesEndpointResource) },
            { CommunicationStyle.None, typeof(CloudRegionEndpointResource) },
        };

        protected override IDictionary<CommunicationStyle, Type> DerivedTypeMappings
        {
            get { return Mappings; }
        }

        protected override string TypeDesignatingPropertyName
        {
            get { return "CommunicationStyle"; }
        }
    }
}
