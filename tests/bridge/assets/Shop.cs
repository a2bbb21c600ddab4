// A small library with names unrelated to Octopus, covering every rule of the bridge:
// interfaces with internal implementations and inherited interfaces, overloads, generics,
// extension methods, delegates, tasks, IDisposable, enums, DateTimeOffset, Nullable,
// dictionaries, lists and an exception hierarchy.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Acme.Shop.Model
{
    public enum Colour { Red, Green, Blue }

    [Flags]
    public enum Features { None = 0, Fast = 1, Cheap = 2 }

    public class LinkMap : Dictionary<string, string>
    {
        public LinkMap() : base(StringComparer.OrdinalIgnoreCase) { }
    }

    public abstract class Entity
    {
        public string Id { get; set; }
        public LinkMap Links { get; set; }
        protected Entity() { Links = new LinkMap(); }
    }

    public class Part
    {
        public string Name { get; set; }
        public int Count { get; set; }
    }

    public class Widget : Entity
    {
        public Widget() { Tags = new List<string>(); Attributes = new Dictionary<string, string>(); Parts = new List<Part>(); }
        public string Name { get; set; }
        public Colour Colour { get; set; }
        public Features Features { get; set; }
        public decimal Price { get; set; }
        public int Quantity { get; set; }
        public double? Weight { get; set; }
        public bool IsDisabled { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTime? ReleasedOn { get; set; }
        public List<string> Tags { get; set; }
        public Dictionary<string, string> Attributes { get; set; }
        public List<Part> Parts { get; set; }
        public Part Owner { get; set; }
        public string ReadOnlyNote { get { return "note"; } }
        public int Revision;
        public const int MaxTags = 10;
    }

    public class Gadget : Entity
    {
        public string Name { get; set; }
        public string @class { get; set; }
        public int Size { get; set; }
        public int size { get; set; }
    }

    public class LoginRequest
    {
        public string Username { get; set; }
        public string Password { get; set; }
        public bool RememberMe { get; set; }
    }
}

namespace Acme.Shop.Errors
{
    public class ShopException : Exception
    {
        public ShopException(string message) : base(message) { }
        public ShopException(string message, Exception inner) : base(message, inner) { }
    }

    public class ShopNotFoundException : ShopException
    {
        public ShopNotFoundException(string message) : base(message) { }
    }

    public class ShopServerException : ShopException
    {
        public int HttpStatusCode { get; private set; }
        public string HelpText { get; private set; }
        public ShopServerException(int status, string message, string helpText) : base(message) { HttpStatusCode = status; HelpText = helpText; }
    }

    public class ShopValidationException : ShopServerException
    {
        public List<string> Errors { get; private set; }
        public ShopValidationException(string message, List<string> errors) : base(400, message, "fix it") { Errors = errors; }
    }
}

namespace Acme.Shop
{
    using Acme.Shop.Model;
    using Acme.Shop.Errors;

    public class ShopEndpoint
    {
        public ShopEndpoint(string url) : this(url, null) { }
        public ShopEndpoint(string url, string apiKey) { Url = url; ApiKey = apiKey; }
        public string Url { get; private set; }
        public string ApiKey { get; private set; }
    }

    public interface IGet<T> { T Get(string id); }
    public interface IFindAll<T> { List<T> FindAll(); IEnumerable<T> Stream(); }
    public interface IFindMany<T>
    {
        T FindOne(Func<T, bool> predicate);
        List<T> FindMany(Func<T, bool> predicate);
        void Paginate(Func<List<T>, bool> getNextPage);
    }
    public interface ICreate<T> { T Create(T item); }
    public interface IModify<T> { T Modify(T item); }
    public interface IDelete<T> { void Delete(T item); }
    public interface IFindByName<T> { T FindByName(string name); List<T> FindByNames(IEnumerable<string> names); }

    public interface IWidgetStore : IGet<Widget>, IFindAll<Widget>, IFindMany<Widget>, ICreate<Widget>, IModify<Widget>, IDelete<Widget>, IFindByName<Widget>
    {
        int Count();
        Widget[] Top(int count);
        Widget[] ByColour(params Colour[] colours);
    }

    public interface IAccounts
    {
        bool SignIn(LoginRequest request);
        string Whoami();
    }

    public interface IHasWidgets { IWidgetStore Widgets { get; } }
    public interface IHasAccounts { IAccounts Accounts { get; } }

    public interface IShopRepository : IHasWidgets, IHasAccounts
    {
        IShopClient Client { get; }
        string Scope { get; }
    }

    public interface IShopClient
    {
        T Get<T>(string path);
        T Get<T>(string path, IDictionary<string, object> pathParameters);
        string RootLink(string rel);
    }

    internal class Store : IWidgetStore
    {
        readonly List<Widget> items = new List<Widget>();
        int next = 1;
        public Widget Get(string id)
        {
            if (id == null) throw new ArgumentNullException("id");
            var w = items.FirstOrDefault(i => i.Id == id);
            if (w == null) throw new ShopNotFoundException("There is no widget " + id);
            return w;
        }
        public List<Widget> FindAll() { return items.ToList(); }
        public IEnumerable<Widget> Stream() { foreach (var i in items) yield return i; }
        public Widget FindOne(Func<Widget, bool> predicate) { return items.FirstOrDefault(predicate); }
        public List<Widget> FindMany(Func<Widget, bool> predicate) { return items.Where(predicate).ToList(); }
        public void Paginate(Func<List<Widget>, bool> getNextPage)
        {
            for (int i = 0; i < items.Count; i += 2)
                if (!getNextPage(items.Skip(i).Take(2).ToList())) return;
        }
        public Widget Create(Widget item)
        {
            if (string.IsNullOrEmpty(item.Name))
                throw new ShopValidationException("The widget is invalid", new List<string> { "Name is required" });
            item.Id = "widgets-" + (next++);
            item.Links["Self"] = "/api/widgets/" + item.Id;
            item.Links["Parts"] = "/api/widgets/" + item.Id + "/parts";
            items.Add(item);
            return item;
        }
        public Widget Modify(Widget item) { var i = items.FindIndex(x => x.Id == item.Id); items[i] = item; return item; }
        public void Delete(Widget item) { items.RemoveAll(x => x.Id == item.Id); }
        public Widget FindByName(string name) { return items.FirstOrDefault(i => i.Name == name); }
        public List<Widget> FindByNames(IEnumerable<string> names) { var set = new HashSet<string>(names); return items.Where(i => set.Contains(i.Name)).ToList(); }
        public int Count() { return items.Count; }
        public Widget[] Top(int count) { return items.Take(count).ToArray(); }
        public Widget[] ByColour(params Colour[] colours) { return items.Where(i => colours.Contains(i.Colour)).ToArray(); }
    }

    internal class Accounts : IAccounts
    {
        string user;
        public bool SignIn(LoginRequest request)
        {
            if (request == null) throw new ArgumentNullException("request");
            if (request.Password != "secret") throw new ShopServerException(401, "Invalid username or password " + request.Password, null);
            user = request.Username; return true;
        }
        public string Whoami() { return user; }
    }

    internal class Client : IShopClient
    {
        public T Get<T>(string path) { return Get<T>(path, null); }
        public T Get<T>(string path, IDictionary<string, object> pathParameters)
        {
            var id = pathParameters != null && pathParameters.ContainsKey("id") ? pathParameters["id"].ToString() : "0";
            var json = "{\"Path\": \"" + path + "\", \"Id\": \"" + id + "\", \"Items\": [1, 2.5, true, null, \"x\"], \"Nested\": {\"A\": {\"B\": []}}}";
            return JsonConvert.DeserializeObject<T>(json);
        }
        public string RootLink(string rel) { return "/api/" + rel.ToLowerInvariant(); }
    }

    public class ShopRepository : IShopRepository
    {
        static readonly Store shared = new Store();
        public ShopRepository(ShopEndpoint endpoint) { Endpoint = endpoint; Widgets = shared; Accounts = new Accounts(); Client = new Client(); Scope = "system"; }
        internal ShopRepository(ShopEndpoint endpoint, string scope) : this(endpoint) { Scope = scope; }
        public ShopEndpoint Endpoint { get; private set; }
        public IWidgetStore Widgets { get; private set; }
        public IAccounts Accounts { get; private set; }
        public IShopClient Client { get; private set; }
        public string Scope { get; private set; }
        public static IShopRepository Open(ShopEndpoint endpoint) { return new ShopRepository(endpoint); }
    }

    public static class ShopRepositoryExtensions
    {
        public static IShopRepository ForArea(this IShopRepository repository, string area)
        {
            return new ShopRepository(((ShopRepository)repository).Endpoint, area);
        }
        public static string Describe(this Widget widget, string prefix) { return prefix + widget.Name; }
    }

    public class Calculator
    {
        public int Add(int a, int b) { return a + b; }
        public double Add(double a, double b) { return a + b; }
        public string Add(string a, string b) { return a + b; }
        public string Join(string separator, params string[] values) { return string.Join(separator, values); }
        public string Greet(string name, string greeting = "Hello", int times = 1)
        {
            return string.Join(" ", Enumerable.Repeat(greeting + " " + name, times));
        }
        public string Describe(Colour colour) { return "colour " + colour; }
        public string Describe(Features features) { return "features " + features; }
        public int Total(List<int> values) { return values.Sum(); }
        public int TotalArray(int[] values) { return values.Sum(); }
        public int TotalEnumerable(IEnumerable<int> values) { return values.Sum(); }
        public string Keys(IDictionary<string, object> values) { return string.Join(",", values.Keys.OrderBy(k => k)) + "=" + string.Join(",", values.OrderBy(k => k.Key).Select(kv => kv.Value == null ? "null" : kv.Value.ToString())); }
        public string Apply(Func<int, int> f, int x) { return "r" + f(x); }
        public bool Test(Predicate<string> p, string s) { return p(s); }
        public void Each(Action<int> action, int count) { for (int i = 0; i < count; i++) action(i); }
        public DateTimeOffset AddDay(DateTimeOffset when) { return when.AddDays(1); }
        public DateTime AddHour(DateTime when) { return when.AddHours(1); }
        public int? Maybe(int? value) { return value.HasValue ? value * 2 : null; }
        public string Nothing() { return null; }
        public string NameOf(Widget widget) { return widget.Name; }
        public T Echo<T>(T value) { return value; }
        public T Make<T>() where T : new() { return new T(); }
        public string TypeName<T>() { return typeof(T).FullName; }
        public Dictionary<string, int> Counts() { return new Dictionary<string, int> { { "a", 1 }, { "b", 2 } }; }
        public static int Twice(int x) { return 2 * x; }
        public void Fail(string message) { throw new InvalidOperationException(message); }
        public void FailWith(int kind)
        {
            switch (kind)
            {
                case 0: throw new ShopNotFoundException("no such thing");
                case 1: throw new ShopValidationException("bad", new List<string> { "A is required", "B is too long" });
                case 2: throw new ShopServerException(500, "server broke", "try later");
                case 3: throw new ShopException("Unable to connect to the remote server", new System.Net.WebException("refused"));
                case 4: throw new NotSupportedException("The server version 2018.1 is not supported by this client; this feature needs 2019.1 or later.");
                case 5: throw new System.Reflection.TargetInvocationException(new ShopNotFoundException("wrapped"));
                default: throw new AggregateException(new ShopNotFoundException("aggregated"));
            }
        }

        public Task<int> AddAsync(int a, int b, int delayMs) { return Task.Delay(delayMs).ContinueWith(t => a + b); }
        public Task DoAsync(int delayMs) { return Task.Delay(delayMs); }
        public Task<string> FailAsync(int delayMs)
        {
            return Task.Delay(delayMs).ContinueWith<string>(t => { throw new ShopNotFoundException("async missing"); });
        }
        public int Cancelled;
        public Task<int> SlowAsync(int delayMs, CancellationToken token)
        {
            return Task.Delay(delayMs, token).ContinueWith(t => { if (t.IsCanceled) { Interlocked.Increment(ref Cancelled); token.ThrowIfCancellationRequested(); } return 42; }, TaskContinuationOptions.ExecuteSynchronously);
        }
        public Task<Widget> WidgetAsync(string name) { return Task.FromResult(new Widget { Name = name, Id = "widgets-99" }); }
    }

    public static class Clock
    {
        public static TimeSpan Timeout { get; set; }
    }

    public class Shelf
    {
        readonly Dictionary<string, int> slots = new Dictionary<string, int> { { "a", 1 } };
        public int this[string name] { get { return slots[name]; } set { slots[name] = value; } }
        public class Label { public string Text { get; set; } }
    }

    public class Session : IDisposable
    {
        public static int Disposed;
        public bool IsOpen { get; private set; }
        public Session() { IsOpen = true; }
        public void Dispose() { IsOpen = false; Disposed++; }
    }

    public class AsyncSession : IDisposable
    {
        public static int Disposed;
        AsyncSession() { }
        public static Task<AsyncSession> Create(string name) { return Task.Delay(5).ContinueWith(t => new AsyncSession { Name = name }); }
        public string Name { get; private set; }
        public Task<string> Hello() { return Task.FromResult("hello " + Name); }
        public void Dispose() { Disposed++; }
    }
}

namespace Acme.Shop.Serialization
{
    public static class JsonSerialization
    {
        public static JsonSerializerSettings GetDefaultSerializerSettings()
        {
            var s = new JsonSerializerSettings { NullValueHandling = NullValueHandling.Include, DateFormatHandling = DateFormatHandling.IsoDateFormat };
            s.Converters.Add(new Newtonsoft.Json.Converters.StringEnumConverter());
            return s;
        }
    }
}
