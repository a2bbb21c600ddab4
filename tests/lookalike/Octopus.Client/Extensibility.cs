// Look-alike of Octopus.Client for octoclr's tests: same public names and shapes as the
// real client (see ../shared/reference/octopus-client-public-surface-22.5.txt), a small subset.
using System;
using System.Collections.Generic;

namespace Octopus.Client.Extensibility
{
    public interface IResource
    {
        string Id { get; }
        LinkCollection Links { get; set; }
    }

    public interface INamedResource
    {
        string Name { get; }
    }

    public interface IHaveSpaceResource
    {
        string SpaceId { get; set; }
    }

    /// <summary>A link of a resource: a URL template such as <c>/api/Spaces-1/machines{/id}</c>.</summary>
    public class Href : IEquatable<Href>
    {
        readonly string value;

        public Href(string value)
        {
            this.value = value;
        }

        public string AsString()
        {
            return value;
        }

        public override string ToString()
        {
            return value;
        }

        public bool Equals(Href other)
        {
            if (ReferenceEquals(null, other)) return false;
            return string.Equals(value, other.value);
        }

        public override bool Equals(object obj)
        {
            return Equals(obj as Href);
        }

        public override int GetHashCode()
        {
            return value != null ? value.GetHashCode() : 0;
        }

        public static bool operator ==(Href left, Href right)
        {
            return Equals(left, right);
        }

        public static bool operator !=(Href left, Href right)
        {
            return !Equals(left, right);
        }

        public static implicit operator string(Href href)
        {
            return href == null ? null : href.value;
        }

        public static implicit operator Href(string value)
        {
            return value == null ? null : new Href(value);
        }
    }

    /// <summary>The links of a resource. Names are matched case-insensitively, as the server may vary the case.</summary>
    [Serializable]
    public class LinkCollection : Dictionary<string, Href>
    {
        public LinkCollection() : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        protected LinkCollection(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context)
        {
        }

        public static LinkCollection Self(Href href)
        {
            return new LinkCollection().Add("Self", href);
        }

        public new LinkCollection Add(string name, Href value)
        {
            base.Add(name, value);
            return this;
        }
    }
}
