using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Octopus.Client
{
    /// <summary>
    /// RFC 6570 link templates as the server writes them: <c>{name}</c>, <c>{/id}</c>, <c>{?a,b}</c>, <c>{&amp;a}</c>.
    /// Unset variables expand to nothing; lists become comma lists; only declared variables are sent.
    /// </summary>
    public class UrlTemplate
    {
        static readonly Regex Expression = new Regex(@"\{([+#./;?&]?)([^}]*)\}", RegexOptions.Compiled);

        readonly string template;
        readonly Dictionary<string, object> parameters = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

        public UrlTemplate(string template)
        {
            if (template == null) throw new ArgumentException("template is null");
            this.template = template;
        }

        public void SetParameter(string name, object value)
        {
            parameters[name] = value;
        }

        public void SetParameter(string name, string value)
        {
            parameters[name] = value;
        }

        public void SetParameter(string name, IEnumerable<string> value)
        {
            parameters[name] = value;
        }

        public void SetParameter(string name, IDictionary<string, string> value)
        {
            parameters[name] = value;
        }

        public IEnumerable<string> GetParameterNames()
        {
            return Expression.Matches(template).Cast<Match>()
                .SelectMany(m => m.Groups[2].Value.Split(','))
                .Select(v => v.Trim().TrimEnd('*'))
                .Where(v => v.Length > 0)
                .ToList();
        }

        public string Resolve()
        {
            return Expression.Replace(template, Expand);
        }

        public static string Resolve(string template, object parameters)
        {
            var dictionary = parameters as IDictionary<string, object>;
            if (dictionary != null) return Resolve(template, dictionary);
            var urlTemplate = new UrlTemplate(template);
            foreach (var pair in ToPairs(parameters))
                urlTemplate.SetParameter(pair.Key, pair.Value);
            return urlTemplate.Resolve();
        }

        public static string Resolve(string template, IDictionary<string, object> parameters)
        {
            var urlTemplate = new UrlTemplate(template);
            if (parameters != null)
                foreach (var pair in parameters)
                    urlTemplate.SetParameter(pair.Key, pair.Value);
            return urlTemplate.Resolve();
        }

        internal static IEnumerable<KeyValuePair<string, object>> ToPairs(object parameters)
        {
            if (parameters == null) yield break;
            var generic = parameters as IDictionary<string, object>;
            if (generic != null)
            {
                foreach (var pair in generic) yield return pair;
                yield break;
            }
            var plain = parameters as IDictionary;
            if (plain != null)
            {
                foreach (DictionaryEntry entry in plain) yield return new KeyValuePair<string, object>(Convert.ToString(entry.Key, CultureInfo.InvariantCulture), entry.Value);
                yield break;
            }
            foreach (var property in parameters.GetType().GetProperties())
            {
                if (property.GetIndexParameters().Length == 0)
                    yield return new KeyValuePair<string, object>(property.Name, property.GetValue(parameters, null));
            }
        }

        string Expand(Match match)
        {
            var op = match.Groups[1].Value;
            var names = match.Groups[2].Value.Split(',').Select(n => n.Trim().TrimEnd('*')).Where(n => n.Length > 0);
            var output = new StringBuilder();
            var first = true;
            foreach (var name in names)
            {
                object value;
                if (!parameters.TryGetValue(name, out value)) continue;
                var items = Items(value);
                if (items == null) continue;
                var encoded = string.Join(",", items.Select(i => op == "+" || op == "#" ? i : Uri.EscapeDataString(i)));
                switch (op)
                {
                    case "/":
                        output.Append('/').Append(encoded);
                        break;
                    case "?":
                    case "&":
                        output.Append(first ? op : "&").Append(name).Append('=').Append(encoded);
                        break;
                    case ".":
                        output.Append('.').Append(encoded);
                        break;
                    case ";":
                        output.Append(';').Append(name).Append('=').Append(encoded);
                        break;
                    case "#":
                        output.Append(first ? "#" : ",").Append(encoded);
                        break;
                    default:
                        output.Append(first ? "" : ",").Append(encoded);
                        break;
                }
                first = false;
            }
            return output.ToString();
        }

        static List<string> Items(object value)
        {
            if (value == null) return null;
            var text = value as string;
            if (text != null) return new List<string> { text };
            var map = value as IDictionary<string, string>;
            if (map != null) return map.SelectMany(p => new[] { p.Key, p.Value }).ToList();
            var sequence = value as IEnumerable;
            if (sequence != null)
            {
                var list = sequence.Cast<object>().Where(o => o != null).Select(Scalar).ToList();
                return list.Count == 0 ? null : list;
            }
            return new List<string> { Scalar(value) };
        }

        static string Scalar(object value)
        {
            if (value is bool) return (bool)value ? "True" : "False";
            if (value is DateTimeOffset) return ((DateTimeOffset)value).ToString("o", CultureInfo.InvariantCulture);
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }
}
