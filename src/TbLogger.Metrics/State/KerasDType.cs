using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>Reads Keras's <c>dtype</c> config values: a dtype or policy name, or a serialized DTypePolicy.</summary>
internal static class KerasDType
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "bool", "mixed_float16", "mixed_bfloat16", "float8_e4m3fn", "float8_e5m2",
    };

    /// <summary>The dtype name, or "float32" for null.</summary>
    /// <exception cref="ArgumentException">Not a Keras dtype (the message names the value and the owner).</exception>
    public static string Parse(JsonElement value, string owner)
    {
        if (value.ValueKind == JsonValueKind.Null) return "float32";
        if (value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("name", out var name))
            value = name;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } s && Names.Contains(s)) return s;
        throw new ArgumentException(
            $"Config key 'dtype' of {owner} must be a Keras dtype name ({string.Join(", ", Names)}) or a DTypePolicy; got {value.GetRawText()}.",
            "configJson");
    }
}
