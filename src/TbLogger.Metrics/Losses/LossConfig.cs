using System.Text;
using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// A parsed loss config (Keras's <c>get_config()</c> dict as JSON): typed reads with defaults, and a check that every
/// key is one the loss knows. TF.js's camelCase keys (e.g. <c>labelSmoothing</c>) are read as their snake_case form.
/// A loss registered with <see cref="LossFactory.Register"/> reads its keys through it.
/// </summary>
public sealed class LossConfig
{
    private static readonly string[] CommonKeys = ["name", "reduction", "dtype"];

    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly string _lossName;

    private LossConfig(string lossName) => _lossName = lossName;

    /// <exception cref="ArgumentException">Invalid JSON, not an object, duplicate or unknown keys.</exception>
    internal static LossConfig Parse(string? json, string lossName, IReadOnlyList<string> keys)
    {
        var config = new LossConfig(lossName);
        if (string.IsNullOrWhiteSpace(json)) return config;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The config for loss '{lossName}' is not valid JSON: {e.Message}", "configJson", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"The config for loss '{lossName}' must be a JSON object.", "configJson");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string key = ToSnakeCase(property.Name);
                if (!CommonKeys.Contains(key) && !keys.Contains(key))
                    throw new ArgumentException(
                        $"Unknown config key '{property.Name}' for loss '{lossName}'. Valid keys: {string.Join(", ", CommonKeys.Concat(keys))}.",
                        "configJson");
                if (!config._values.TryAdd(key, property.Value.Clone()))
                    throw new ArgumentException($"Config key '{property.Name}' appears twice for loss '{lossName}'.", "configJson");
            }
        }
        config.CheckDtype();
        return config;
    }

    /// <summary>The <c>name</c> key, or <paramref name="defaultName"/> when absent or null.</summary>
    /// <param name="defaultName">The loss's default name.</param>
    /// <returns>The name.</returns>
    public string Name(string defaultName)
    {
        if (!_values.TryGetValue("name", out var v) || v.ValueKind == JsonValueKind.Null) return defaultName;
        if (v.ValueKind != JsonValueKind.String) throw WrongType("name", "a string");
        return v.GetString()!;
    }

    /// <summary>The <c>reduction</c> key (Keras's or TF.js's name), or <paramref name="defaultReduction"/> when absent.</summary>
    /// <param name="defaultReduction">The loss's default reduction.</param>
    /// <returns>The reduction.</returns>
    public Reduction Reduction(Reduction defaultReduction)
    {
        if (!_values.TryGetValue("reduction", out var v)) return defaultReduction;
        if (v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) throw WrongType("reduction", "a string or null");
        return ReductionNames.Parse(v.GetString());
    }

    /// <summary>A boolean key, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The snake_case key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <returns>The value.</returns>
    public bool Bool(string key, bool defaultValue)
    {
        if (!_values.TryGetValue(key, out var v)) return defaultValue;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(key, "true or false"),
        };
    }

    /// <summary>A number key, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The snake_case key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <returns>The value.</returns>
    public float Float(string key, float defaultValue)
    {
        if (!_values.TryGetValue(key, out var v)) return defaultValue;
        if (v.ValueKind != JsonValueKind.Number) throw WrongType(key, "a number");
        return (float)v.GetDouble();
    }

    /// <summary>An integer key, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The snake_case key.</param>
    /// <param name="defaultValue">The default.</param>
    /// <returns>The value.</returns>
    public int Int(string key, int defaultValue)
    {
        if (!_values.TryGetValue(key, out var v)) return defaultValue;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i)) throw WrongType(key, "an integer");
        return i;
    }

    /// <summary>An integer key that may be null (e.g. <c>ignore_class</c>).</summary>
    /// <param name="key">The snake_case key.</param>
    /// <returns>The value, or null when absent or null.</returns>
    public int? NullableInt(string key)
    {
        if (!_values.TryGetValue(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Int(key, 0);
    }

    /// <summary>null, one integer, or an array of integers (Keras's axis tuples).</summary>
    /// <param name="key">The snake_case key.</param>
    /// <returns>The axes, or null.</returns>
    public int[]? Axes(string key)
    {
        if (!_values.TryGetValue(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number) return [Int(key, 0)];
        if (v.ValueKind != JsonValueKind.Array) throw WrongType(key, "null, an integer or an array of integers");
        var axes = new List<int>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int a)) throw WrongType(key, "null, an integer or an array of integers");
            axes.Add(a);
        }
        return [.. axes];
    }

    // Keras's Loss accepts a dtype (its get_config does not write one); we compute in float32 whatever it names.
    private void CheckDtype()
    {
        if (_values.TryGetValue("dtype", out var v)) KerasDType.Parse(v, $"loss '{_lossName}'");
    }

    private ArgumentException WrongType(string key, string expected)
        => new($"Config key '{key}' of loss '{_lossName}' must be {expected}; got {_values[key].GetRawText()}.", "configJson");

    private static string ToSnakeCase(string key)
    {
        var sb = new StringBuilder(key.Length + 4);
        foreach (char c in key)
        {
            if (char.IsUpper(c))
            {
                if (sb.Length > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
