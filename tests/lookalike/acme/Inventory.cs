// A small library with no relation to Octopus, so the bridge can prove it holds no Octopus
// knowledge: public interfaces with internal implementations (one inheriting another), a
// generic method, an extension method class, a Task-returning method that honours a
// CancellationToken, a delegate parameter, an enum, nullable and DateTimeOffset properties,
// a params overload, an exception hierarchy, and constructors of every primitive parameter
// type (which reach .NET through reflection, not pythonnet's own binding), and streams both
// ways. No HTTP.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Acme.Inventory
{
    public enum StockLevel
    {
        Empty = 0,
        Low = 1,
        Plenty = 2,
    }

    public delegate bool ItemFilter(Item item);

    public class Item
    {
        public Item()
        {
            Tags = new List<string>();
            AddedOn = DateTimeOffset.UtcNow;
        }

        public Item(string sku, string name, int quantity) : this()
        {
            Sku = sku;
            Name = name;
            Quantity = quantity;
        }

        public string Sku { get; set; }
        public string Name { get; set; }
        public int Quantity { get; set; }
        public decimal Price { get; set; }
        public List<string> Tags { get; set; }
        public DateTimeOffset AddedOn { get; set; }
        public DateTimeOffset? ExpiresOn { get; set; }
        public int? ReorderAt { get; set; }

        public StockLevel Level
        {
            get { return Quantity <= 0 ? StockLevel.Empty : Quantity < (ReorderAt ?? 5) ? StockLevel.Low : StockLevel.Plenty; }
        }

        public override string ToString()
        {
            return Sku + " " + Name;
        }
    }

    public class PerishableItem : Item
    {
        public double StorageTemperature { get; set; }
    }

    public class InventoryException : Exception
    {
        public InventoryException(string sku, string message) : base(message)
        {
            Sku = sku;
        }

        public string Sku { get; private set; }
    }

    public class OutOfStockException : InventoryException
    {
        public OutOfStockException(string sku, int requested, int available)
            : base(sku, string.Format("Only {0} of {1} left, {2} requested", available, sku, requested))
        {
            Requested = requested;
            Available = available;
        }

        public int Requested { get; private set; }
        public int Available { get; private set; }
    }

    public interface IReadOnlyInventory
    {
        int Count { get; }
        Item Find(string sku);
        List<Item> Find(params string[] skus);
        IReadOnlyList<Item> All();
        IEnumerable<Item> Stream();
        List<Item> Where(Func<Item, bool> predicate);
        List<Item> Filter(ItemFilter filter);
        TItem Get<TItem>(string sku) where TItem : Item;
        TResult Describe<TResult>(string sku, Func<Item, TResult> projection);
        Task<Item> FindAsync(string sku, CancellationToken cancellationToken = default(CancellationToken));
        Task<int> CountSlowly(TimeSpan delay, CancellationToken cancellationToken);
    }

    public interface IInventory : IReadOnlyInventory, IDisposable
    {
        event Action<Item> ItemAdded;
        bool IsDisposed { get; }
        void Add(Item item);
        void AddMany(IEnumerable<Item> items);
        Item Take(string sku, int quantity);
        IDictionary<string, int> Totals(IDictionary<string, object> options = null);
    }

    public interface IWarehouse
    {
        string Name { get; }
        IInventory Inventory { get; }
        StockLevel LevelOf(string sku);
    }

    public static class Warehouses
    {
        public static IWarehouse Open(string name, params Item[] items)
        {
            var warehouse = new Warehouse(name);
            warehouse.Inventory.AddMany(items ?? new Item[0]);
            return warehouse;
        }
    }

    // One constructor per shape of primitive parameters; Summary says what each received,
    // written with the invariant culture.
    public class Parcel
    {
        public Parcel(int crates, StockLevel level)
        {
            Summary = Join("int", crates, "level", level);
        }

        public Parcel(byte pallets, short boxes, long units, double weight, char grade)
        {
            Summary = Join("byte", pallets, "short", boxes, "long", units, "double", weight, "char", grade);
        }

        public Parcel(float volume, ushort small, uint medium, ulong large, sbyte offset, bool fragile, decimal value)
        {
            Summary = Join("float", volume, "ushort", small, "uint", medium, "ulong", large, "sbyte", offset, "bool", fragile, "decimal", value);
        }

        public Parcel(int? crates, StockLevel? level, double? weight)
        {
            Summary = Join("int?", crates.HasValue ? (object)crates.Value : "null", "level?", level.HasValue ? (object)level.Value : "null",
                "double?", weight.HasValue ? (object)weight.Value : "null");
        }

        public string Summary { get; private set; }

        public static string Repeat<T>(T value, int times, char separator)
        {
            // A count is the caller's to choose: a few billion parts would take all the memory there is.
            if (times < 0 || times > 10000) throw new ArgumentOutOfRangeException("times", times, "between 0 and 10000 parts");
            var parts = new List<string>();
            for (var i = 0; i < times; i++) parts.Add(Convert.ToString(value, CultureInfo.InvariantCulture));
            return string.Join(separator.ToString(), parts);
        }

        static string Join(params object[] parts)
        {
            var text = new List<string>();
            for (var i = 0; i < parts.Length; i += 2)
                text.Add(parts[i] + "=" + Convert.ToString(parts[i + 1], CultureInfo.InvariantCulture));
            return string.Join(" ", text);
        }
    }

    // Streams in and out: Print returns one for the caller to read and dispose, Measure reads
    // one to its end (and keeps it, so a test can see whether it was disposed), Echo returns
    // the stream it was given.
    public static class Labels
    {
        public static Stream LastGiven { get; private set; }

        public static Stream Print(int count)
        {
            var stream = new MemoryStream();
            var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
            for (var i = 0; i < count; i++) writer.Write("label-" + i.ToString("D6", CultureInfo.InvariantCulture) + "\n");
            writer.Flush();
            stream.Position = 0;
            return stream;
        }

        // Length and Adler-32 of what is left to read (no crypto: .NET Core 3.1 on OpenSSL 3 has none).
        public static string Measure(Stream contents)
        {
            LastGiven = contents;
            uint a = 1, b = 0;
            long length = 0;
            var buffer = new byte[65536];
            int read;
            while ((read = contents.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    a = (a + buffer[i]) % 65521;
                    b = (b + a) % 65521;
                }
                length += read;
            }
            return length.ToString(CultureInfo.InvariantCulture) + ":" + ((b << 16) | a).ToString("x8", CultureInfo.InvariantCulture);
        }

        public static Stream Echo(Stream contents)
        {
            return contents;
        }
    }

    public static class InventoryExtensions
    {
        public static int TotalQuantity(this IReadOnlyInventory inventory)
        {
            if (inventory == null) throw new ArgumentNullException("inventory");
            return inventory.All().Sum(i => i.Quantity);
        }

        public static Item Cheapest(this IReadOnlyInventory inventory, StockLevel atLeast = StockLevel.Low)
        {
            return inventory.All().Where(i => i.Level >= atLeast).OrderBy(i => i.Price).FirstOrDefault();
        }
    }

    internal class Warehouse : IWarehouse
    {
        readonly Inventory inventory = new Inventory();

        public Warehouse(string name)
        {
            Name = name;
        }

        public string Name { get; private set; }

        public IInventory Inventory
        {
            get { return inventory; }
        }

        public StockLevel LevelOf(string sku)
        {
            var item = inventory.Find(sku);
            return item == null ? StockLevel.Empty : item.Level;
        }
    }

    internal class Inventory : IInventory
    {
        readonly List<Item> items = new List<Item>();
        readonly object gate = new object();

        public event Action<Item> ItemAdded;

        public bool IsDisposed { get; private set; }

        public int Count
        {
            get { lock (gate) return items.Count; }
        }

        public void Add(Item item)
        {
            if (item == null) throw new ArgumentNullException("item");
            if (string.IsNullOrWhiteSpace(item.Sku)) throw new ArgumentException("An item needs a SKU", "item");
            lock (gate)
            {
                if (items.Any(i => string.Equals(i.Sku, item.Sku, StringComparison.OrdinalIgnoreCase)))
                    throw new InventoryException(item.Sku, "Duplicate SKU " + item.Sku);
                items.Add(item);
            }
            var added = ItemAdded;
            if (added != null) added(item);
        }

        public void AddMany(IEnumerable<Item> newItems)
        {
            foreach (var item in newItems) Add(item);
        }

        public Item Find(string sku)
        {
            lock (gate) return items.FirstOrDefault(i => string.Equals(i.Sku, sku, StringComparison.OrdinalIgnoreCase));
        }

        public List<Item> Find(params string[] skus)
        {
            return (skus ?? new string[0]).Select(Find).Where(i => i != null).ToList();
        }

        public IReadOnlyList<Item> All()
        {
            lock (gate) return items.ToList();
        }

        public IEnumerable<Item> Stream()
        {
            foreach (var item in All())
                yield return item;
        }

        public List<Item> Where(Func<Item, bool> predicate)
        {
            if (predicate == null) throw new ArgumentNullException("predicate");
            return All().Where(predicate).ToList();
        }

        public List<Item> Filter(ItemFilter filter)
        {
            if (filter == null) throw new ArgumentNullException("filter");
            return All().Where(i => filter(i)).ToList();
        }

        public TItem Get<TItem>(string sku) where TItem : Item
        {
            var item = Find(sku);
            if (item == null) throw new InventoryException(sku, "No item " + sku);
            var typed = item as TItem;
            if (typed == null) throw new InvalidCastException(string.Format("{0} is a {1}, not a {2}", sku, item.GetType().Name, typeof(TItem).Name));
            return typed;
        }

        public TResult Describe<TResult>(string sku, Func<Item, TResult> projection)
        {
            return projection(Get<Item>(sku));
        }

        public async Task<Item> FindAsync(string sku, CancellationToken cancellationToken = default(CancellationToken))
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            var item = Find(sku);
            if (item == null) throw new InventoryException(sku, "No item " + sku);
            return item;
        }

        public async Task<int> CountSlowly(TimeSpan delay, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return Count;
        }

        public Item Take(string sku, int quantity)
        {
            lock (gate)
            {
                var item = Find(sku);
                if (item == null) throw new InventoryException(sku, "No item " + sku);
                if (item.Quantity < quantity) throw new OutOfStockException(sku, quantity, item.Quantity);
                item.Quantity -= quantity;
                return item;
            }
        }

        public IDictionary<string, int> Totals(IDictionary<string, object> options = null)
        {
            object minimum = null;
            if (options != null) options.TryGetValue("minimum", out minimum);
            var floor = minimum == null ? int.MinValue : Convert.ToInt32(minimum);
            return All().Where(i => i.Quantity >= floor).ToDictionary(i => i.Sku, i => i.Quantity);
        }

        public void Dispose()
        {
            IsDisposed = true;
        }
    }
}
