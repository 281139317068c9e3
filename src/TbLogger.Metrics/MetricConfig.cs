using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Reads a Keras config object (snake_case keys) for <see cref="MetricFactory"/>. Every <c>Get…</c> call declares a
/// valid key with its Keras default; after the metric is built, keys that were given but never asked for are reported
/// in an <see cref="ArgumentException"/> that lists the valid keys.
/// </summary>
public sealed class MetricConfig
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly List<string> _validKeys = ["name", "dtype"];
    private readonly string? _defaultName;

    internal MetricConfig(string identifier, string? configJson, string? defaultName = null)
    {
        Identifier = identifier;
        _defaultName = defaultName;
        if (string.IsNullOrWhiteSpace(configJson)) return;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(configJson); }
        catch (JsonException e) { throw new ArgumentException($"Config for '{identifier}' is not valid JSON: {e.Message}", "configJson", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"Config for '{identifier}' must be a JSON object.", "configJson");
            foreach (var p in doc.RootElement.EnumerateObject()) _values[p.Name] = p.Value.Clone();
        }
        if (_values.TryGetValue("dtype", out var dtype)) DType = KerasDType.Parse(dtype, $"metric '{identifier}'");
    }

    /// <summary>
    /// The config's <c>dtype</c> as Keras wrote it (<c>"float32"</c> when absent or null): a dtype name such as
    /// <c>"int32"</c> (IoU metrics) or a DTypePolicy (<c>{"class_name": "DTypePolicy", "config": {"name": ...}}</c>).
    /// Kept so that the config round-trips; states are always double precision.
    /// </summary>
    public string DType { get; } = "float32";

    /// <summary>The identifier the metric was requested by, e.g. <c>"mse"</c>.</summary>
    public string Identifier { get; }

    /// <summary>The keys declared so far (name, dtype and every key a <c>Get…</c> call asked for).</summary>
    public IReadOnlyList<string> ValidKeys => _validKeys;

    /// <summary>
    /// The configured <c>name</c>; when absent, the alias the metric was requested by (e.g. <c>"mse"</c>, <c>"acc"</c>),
    /// or null so the class's default name applies.
    /// </summary>
    public string? Name => TryGet("name", out var e) && e.ValueKind != JsonValueKind.Null ? Expect(e, "name", JsonValueKind.String).GetString() : _defaultName;

    /// <summary>True when the config contains <paramref name="key"/> (declares it valid).</summary>
    /// <param name="key">snake_case key.</param>
    /// <returns>Whether it is present and not null.</returns>
    public bool Has(string key) => TryGet(key, out var e) && e.ValueKind != JsonValueKind.Null;

    /// <summary>A number, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">snake_case key.</param>
    /// <param name="defaultValue">The Keras default.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string key, double defaultValue)
        => TryGet(key, out var e) && e.ValueKind != JsonValueKind.Null ? Expect(e, key, JsonValueKind.Number).GetDouble() : defaultValue;

    /// <summary>A number read as float, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">snake_case key.</param>
    /// <param name="defaultValue">The Keras default.</param>
    /// <returns>The value.</returns>
    public float GetSingle(string key, float defaultValue) => (float)GetDouble(key, defaultValue);

    /// <summary>An integer, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">snake_case key.</param>
    /// <param name="defaultValue">The Keras default.</param>
    /// <returns>The value.</returns>
    public int GetInt32(string key, int defaultValue) => GetNullableInt32(key, defaultValue) ?? defaultValue;

    /// <summary>An integer or null, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">snake_case key.</param>
    /// <param name="defaultValue">The Keras default.</param>
    /// <returns>The value.</returns>
    public int? GetNullableInt32(string key, int? defaultValue)
    {
        if (!TryGet(key, out var e)) return defaultValue;
        if (e.ValueKind == JsonValueKind.Null) return null;
        if (Expect(e, key, JsonValueKind.Number).TryGetInt32(out int v)) return v;
        throw new ArgumentException($"Config key '{key}' of '{Identifier}' must be an integer, got {e.GetRawText()}.", "configJson");
    }

    /// <summary>A boolean, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">snake_case key.</param>
    /// <param name="defaultValue">The Keras default.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string key, bool defaultValue)
    {
        if (!TryGet(key, out var e) || e.ValueKind == JsonValueKind.Null) return defaultValue;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"Config key '{key}' of '{Identifier}' must be true or false, got {e.GetRawText()}.", "configJson"),
        };
    }

    /// <summary>A string or null, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">snake_case key.</param>
    /// <param name="defaultValue">The Keras default.</param>
    /// <returns>The value.</returns>
    public string? GetString(string key, string? defaultValue)
    {
        if (!TryGet(key, out var e)) return defaultValue;
        return e.ValueKind == JsonValueKind.Null ? null : Expect(e, key, JsonValueKind.String).GetString();
    }

    /// <summary>A number or a list of numbers (Keras accepts both, e.g. <c>thresholds</c>), or null when absent/null.</summary>
    /// <param name="key">snake_case key.</param>
    /// <returns>The values.</returns>
    public float[]? GetSingleArray(string key)
    {
        if (!TryGet(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind == JsonValueKind.Number) return [e.GetSingle()];
        Expect(e, key, JsonValueKind.Array);
        var list = new List<float>();
        foreach (var item in e.EnumerateArray()) list.Add(Expect(item, key, JsonValueKind.Number).GetSingle());
        return [.. list];
    }

    /// <summary>An integer or a list of integers, or null when absent/null.</summary>
    /// <param name="key">snake_case key.</param>
    /// <returns>The values.</returns>
    public int[]? GetInt32Array(string key)
    {
        if (!TryGet(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind == JsonValueKind.Number) return [e.GetInt32()];
        Expect(e, key, JsonValueKind.Array);
        var list = new List<int>();
        foreach (var item in e.EnumerateArray()) list.Add(Expect(item, key, JsonValueKind.Number).GetInt32());
        return [.. list];
    }

    /// <summary>The raw JSON value, for keys with unusual types.</summary>
    /// <param name="key">snake_case key.</param>
    /// <returns>The element, or null when absent.</returns>
    public JsonElement? GetRaw(string key) => TryGet(key, out var e) ? e : null;

    /// <summary>A number the metric cannot do without (e.g. <c>recall</c> of PrecisionAtRecall).</summary>
    internal double GetRequiredDouble(string key)
        => Has(key) ? GetDouble(key, 0) : throw new ArgumentException($"Config key '{key}' of '{Identifier}' is required.", "configJson");

    /// <summary>An integer the metric cannot do without (e.g. <c>num_classes</c>).</summary>
    internal int GetRequiredInt32(string key)
        => Has(key) ? GetInt32(key, 0) : throw new ArgumentException($"Config key '{key}' of '{Identifier}' is required.", "configJson");

    internal void ThrowOnUnknownKeys()
    {
        foreach (var key in _values.Keys)
            if (!_validKeys.Contains(key))
                throw new ArgumentException(
                    $"Unknown config key '{key}' for '{Identifier}'. Valid keys: {string.Join(", ", _validKeys)}.", "configJson");
    }

    private bool TryGet(string key, out JsonElement value)
    {
        if (!_validKeys.Contains(key)) _validKeys.Add(key);
        return _values.TryGetValue(key, out value);
    }

    private JsonElement Expect(JsonElement e, string key, JsonValueKind kind)
    {
        if (e.ValueKind != kind)
            throw new ArgumentException($"Config key '{key}' of '{Identifier}' must be a {kind.ToString().ToLowerInvariant()}, got {e.GetRawText()}.", "configJson");
        return e;
    }
}
