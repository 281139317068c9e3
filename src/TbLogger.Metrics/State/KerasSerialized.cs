using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>Splits Keras's <c>serialize_keras_object</c> form into its class name and config JSON.</summary>
internal static class KerasSerialized
{
    /// <exception cref="ArgumentException">Not JSON, not an object or string, or no string <c>class_name</c>.</exception>
    public static (string ClassName, string? ConfigJson) Split(string json, string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The serialized {kind} is not valid JSON: {e.Message}", "serializedJson", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String) return (root.GetString()!, null);
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("class_name", out var name) || name.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(name.GetString()))
                throw new ArgumentException(
                    $"The serialized {kind} must be an object with a string \"class_name\" (and a \"config\" object), as Keras writes it.",
                    "serializedJson");
            if (!root.TryGetProperty("config", out var config) || config.ValueKind == JsonValueKind.Null) return (name.GetString()!, null);
            if (config.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"The serialized {kind}'s \"config\" must be an object; got {config.GetRawText()}.", "serializedJson");
            return (name.GetString()!, config.GetRawText());
        }
    }
}
