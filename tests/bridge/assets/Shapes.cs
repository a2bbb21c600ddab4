// Objects of every shape Newtonsoft.Json writes differently: the compiled JSON writers of
// the bridge must write each exactly as JsonConvert.SerializeObject does (see
// tests/bridge/test_writers.py). Names are unrelated to any client library.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.Serialization;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;

namespace Acme.Shapes
{
    public enum Size { Small, Medium, Large }

    [Flags]
    public enum Access { None = 0, Read = 1, Write = 2, Admin = 4 }

    public enum Spelled { [EnumMember(Value = "first-one")] First, Second }

    public class Numbers
    {
        public int Int { get; set; }
        public long Long { get; set; }
        public short Short { get; set; }
        public byte Byte { get; set; }
        public sbyte SByte { get; set; }
        public uint UInt { get; set; }
        public ulong ULong { get; set; }
        public ushort UShort { get; set; }
        public float Float { get; set; }
        public double Double { get; set; }
        public decimal Decimal { get; set; }
        public char Char { get; set; }
        public bool Bool { get; set; }
        public int? NullableInt { get; set; }
        public double? NullableDouble { get; set; }
        public decimal? NullableDecimal { get; set; }
        public bool? NullableBool { get; set; }
        public char? NullableChar { get; set; }
        public long? NullableLong { get; set; }
    }

    public class Moments
    {
        public DateTime Utc { get; set; }
        public DateTime Local { get; set; }
        public DateTime Unspecified { get; set; }
        public DateTimeOffset Offset { get; set; }
        public DateTime? Maybe { get; set; }
        public DateTimeOffset? MaybeOffset { get; set; }
        public TimeSpan Span { get; set; }
        public TimeSpan? MaybeSpan { get; set; }
        public Guid Guid { get; set; }
        public Guid? MaybeGuid { get; set; }
        public Uri Uri { get; set; }
        public byte[] Bytes { get; set; }
    }

    public class Enums
    {
        public Size Size { get; set; }
        public Access Access { get; set; }
        public Size? MaybeSize { get; set; }
        public Spelled Spelled { get; set; }
        public object Boxed { get; set; }
    }

    public class Text
    {
        public string Value { get; set; }
    }

    public class Attributed
    {
        [JsonProperty("renamed")] public string Original { get; set; }
        [JsonIgnore] public string Hidden { get; set; }
        [JsonProperty(NullValueHandling = NullValueHandling.Ignore)] public string SkippedWhenNull { get; set; }
        [JsonProperty] private string secret = "private field";
        [JsonProperty] private int Counter { get { return 7; } }
        public string Field;
        [JsonProperty(Order = -2)] public string First { get; set; }
        [JsonConverter(typeof(StringEnumConverter))] public Size Named { get; set; }
        [JsonConverter(typeof(Upper))] public string Shouted { get; set; }
        public string WriteOnly { set { } }
    }

    // Output a compiled writer leaves to Newtonsoft: conditions, callbacks, defaults, extension data.
    public class Conditional
    {
        public string Name { get; set; }
        public string Maybe { get; set; }
        public bool ShouldSerializeMaybe() { return Name == "show"; }
    }

    public class WithCallback
    {
        public string Name { get; set; }
        public string Stamp { get; set; }
        [OnSerializing] internal void Before(StreamingContext context) { Stamp = "while written"; }
        [OnSerialized] internal void After(StreamingContext context) { Stamp = null; }
    }

    public class WithDefaults
    {
        [JsonProperty(DefaultValueHandling = DefaultValueHandling.Ignore)] public int Zero { get; set; }
        public int Other { get; set; }
    }

    public class WithExtensionData
    {
        public string Name { get; set; }
        [JsonExtensionData] public IDictionary<string, JToken> Extra { get; set; }
    }

    [JsonConverter(typeof(AsText))]
    public class Token
    {
        public string Value { get; set; }
    }

    public abstract class Shape
    {
        public string Id { get; set; }
    }

    public class Circle : Shape
    {
        public double Radius { get; set; }
        public DateTimeOffset? DrawnAt { get; set; }
        public Size Size { get; set; }
    }

    public class Square : Shape
    {
        public double Side { get; set; }
        public Shape Inner { get; set; }
    }

    public interface INamed
    {
        string Name { get; }
    }

    public class Named : INamed
    {
        public string Name { get; set; }
        public Size Size { get; set; }
    }

    public struct Point
    {
        public int X { get; set; }
        public int Y { get; set; }
    }

    public sealed class Sealed
    {
        public string Name { get; set; }
        public Point Where { get; set; }
    }

    public class Base
    {
        public string Name { get; set; }
    }

    public class Hiding : Base
    {
        public new int Name { get; set; }
    }

    public class Containers
    {
        public List<string> Strings { get; set; }
        public int[] Ints { get; set; }
        public List<object> Mixed { get; set; }
        public IEnumerable<int> Lazy { get; set; }
        public IList<Shape> Shapes { get; set; }
        public Dictionary<string, object> Bag { get; set; }
        public Dictionary<string, Token> Tokens { get; set; }
        public Dictionary<int, string> ByNumber { get; set; }
        public Hashtable Table { get; set; }
        public JObject Json { get; set; }
        public KeyValuePair<string, int> Pair { get; set; }
        public HashSet<Size> Sizes { get; set; }
        public int[,] Grid { get; set; }
        public List<List<string>> Nested { get; set; }
        public INamed Someone { get; set; }
        public Sealed Sealed { get; set; }
        public Point Point { get; set; }
        public Point? MaybePoint { get; set; }
    }

    public class Node
    {
        public string Name { get; set; }
        public Node Next { get; set; }
    }

    public class Upper : JsonConverter
    {
        public override bool CanConvert(Type objectType) { return objectType == typeof(string); }
        public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer) { return reader.Value; }
        public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer) { writer.WriteValue(((string)value).ToUpperInvariant()); }
    }

    public class AsText : JsonConverter
    {
        public override bool CanConvert(Type objectType) { return objectType == typeof(Token); }
        public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer) { return new Token { Value = (string)reader.Value }; }
        public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer) { writer.WriteValue("token:" + ((Token)value).Value); }
    }

    // Writes every shape as its properties, like a client's converter for a class hierarchy.
    public class ShapeConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) { return typeof(Shape).IsAssignableFrom(objectType); }
        public override object ReadJson(JsonReader reader, Type objectType, object existingValue, JsonSerializer serializer) { throw new NotSupportedException(); }
        public override void WriteJson(JsonWriter writer, object value, JsonSerializer serializer)
        {
            writer.WriteStartObject();
            foreach (var property in value.GetType().GetProperties())
            {
                writer.WritePropertyName(property.Name);
                serializer.Serialize(writer, property.GetValue(value, null));
            }
            writer.WriteEndObject();
        }
    }

    public static class Samples
    {
        static IEnumerable<int> Count(int n) { for (var i = 0; i < n; i++) yield return i; }

        public static object[] All()
        {
            var square = new Square { Id = "s1", Side = 2, Inner = new Circle { Id = "c1", Radius = 0.5 } };
            return new object[]
            {
                new Numbers
                {
                    Int = int.MinValue, Long = long.MaxValue, Short = -3, Byte = 255, SByte = -8, UInt = uint.MaxValue, ULong = ulong.MaxValue,
                    UShort = 65535, Float = 1.1f, Double = 0.1 + 0.2, Decimal = 79228162514264337593543950335m, Char = '"', Bool = true,
                    NullableInt = null, NullableDouble = double.NaN, NullableDecimal = 1.50m, NullableBool = false, NullableChar = '\u0001', NullableLong = -1,
                },
                new Numbers { Double = double.PositiveInfinity, Float = float.NegativeInfinity, Decimal = -0.0001m, Char = 'x' },
                new Moments
                {
                    Utc = new DateTime(2021, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567 % 10000000),
                    Local = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Local),
                    Unspecified = new DateTime(1999, 12, 31, 23, 59, 59, 999),
                    Offset = new DateTimeOffset(2021, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(-5)).AddTicks(4567),
                    Maybe = null, MaybeOffset = DateTimeOffset.MinValue, Span = TimeSpan.FromMilliseconds(-1234567.891),
                    MaybeSpan = TimeSpan.Zero, Guid = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), MaybeGuid = null,
                    Uri = new Uri("https://example.com/a b?c=\"d\""), Bytes = new byte[] { 0, 1, 2, 250 },
                },
                new Enums { Size = Size.Large, Access = Access.Read | Access.Admin, MaybeSize = Size.Small, Spelled = Spelled.First, Boxed = Access.Write },
                new Enums { Access = (Access)64, MaybeSize = null, Spelled = Spelled.Second, Boxed = (Size)7 },
                new Text { Value = "quote \" backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007 ü 😀 </script> \u2028" },
                new Text(),
                new Attributed { Original = "o", Hidden = "h", SkippedWhenNull = null, Field = "f", First = "1", Named = Size.Medium, Shouted = "loud" },
                new Attributed { SkippedWhenNull = "present", Shouted = null },
                new Conditional { Name = "show", Maybe = "m" },
                new Conditional { Name = "hide", Maybe = "m" },
                new WithCallback { Name = "called" },
                new WithDefaults { Zero = 0, Other = 0 },
                new WithExtensionData { Name = "x", Extra = new Dictionary<string, JToken> { { "more", new JValue(1) } } },
                new Token { Value = "t" },
                square,
                new Named { Name = "n", Size = Size.Medium },
                new Sealed { Name = "s", Where = new Point { X = 1, Y = 2 } },
                new Hiding { Name = 5 },
                new Containers
                {
                    Strings = new List<string> { "a", null, "c" },
                    Ints = new[] { 1, 2, 3 },
                    Mixed = new List<object> { 1, "two", 3.0, null, Size.Large, new Circle { Id = "m", Radius = 1 }, new List<int> { 4 }, new Dictionary<string, int> { { "k", 5 } }, new Token { Value = "in list" }, true, 'c', 2.5m, new DateTime(2001, 1, 1) },
                    Lazy = Count(3),
                    Shapes = new List<Shape> { square, new Circle { Id = "c2" }, null },
                    Bag = new Dictionary<string, object> { { "a", 1 }, { "b", null }, { "c", new[] { "x" } }, { "d", new Named { Name = "in bag" } }, { "e\"", "escaped key" } },
                    Tokens = new Dictionary<string, Token> { { "one", new Token { Value = "1" } }, { "none", null } },
                    ByNumber = new Dictionary<int, string> { { 1, "one" }, { -2, "minus two" } },
                    Table = new Hashtable { { "h", 1 } },
                    Json = JObject.Parse("{\"a\": [1, {\"b\": null}]}"),
                    Pair = new KeyValuePair<string, int>("k", 9),
                    Sizes = new HashSet<Size> { Size.Small, Size.Large },
                    Grid = new int[,] { { 1, 2 }, { 3, 4 } },
                    Nested = new List<List<string>> { new List<string> { "x" }, null, new List<string>() },
                    Someone = new Named { Name = "someone" },
                    Sealed = new Sealed { Name = "inner" },
                    Point = new Point { X = 3, Y = 4 },
                    MaybePoint = null,
                },
                new Containers(),
                new List<Shape> { new Circle { Id = "top" } },
                new Dictionary<string, Numbers> { { "n", new Numbers() } },
                new object[] { "text", 5, null, new Text { Value = "in array" } },
                "just text",
                42,
            };
        }

        // A chain deeper than any limit a writer might keep.
        public static Node Chain(int length)
        {
            Node head = null;
            for (var i = 0; i < length; i++) head = new Node { Name = "n" + i, Next = head };
            return head;
        }

        public static Node Loop()
        {
            var first = new Node { Name = "first" };
            first.Next = new Node { Name = "second", Next = first };
            return first;
        }

        public static JsonSerializerSettings ClientSettings()
        {
            var settings = new JsonSerializerSettings { Formatting = Formatting.Indented, NullValueHandling = NullValueHandling.Ignore };
            settings.Converters.Add(new StringEnumConverter());
            settings.Converters.Add(new IsoDateTimeConverter { DateTimeFormat = "yyyy-MM-ddTHH:mm:ss.fffK" });
            settings.Converters.Add(new ShapeConverter());
            return settings;
        }

        public static JsonSerializerSettings DateSettings()
        {
            return new JsonSerializerSettings
            {
                DateFormatHandling = DateFormatHandling.MicrosoftDateFormat,
                DateTimeZoneHandling = DateTimeZoneHandling.Utc,
                FloatFormatHandling = FloatFormatHandling.Symbol,
                StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
                DefaultValueHandling = DefaultValueHandling.Include,
            };
        }

        public static JsonSerializerSettings CultureSettings()
        {
            return new JsonSerializerSettings { Culture = new System.Globalization.CultureInfo("de-DE") };
        }
    }
}
