using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>Validation and config output of user thresholds (Keras's <c>parse_init_thresholds</c>).</summary>
internal static class ThresholdList
{
    /// <summary>The thresholds to use: the user's, validated to lie in [0, 1], or the one default.</summary>
    /// <param name="thresholds">User thresholds, or null.</param>
    /// <param name="defaultThreshold">Used when <paramref name="thresholds"/> is null.</param>
    /// <param name="paramName">Parameter name for errors.</param>
    /// <returns>A new array.</returns>
    public static double[] Parse(IReadOnlyList<float>? thresholds, double defaultThreshold, string paramName = "thresholds")
    {
        if (thresholds is null) return [defaultThreshold];
        if (thresholds.Count == 0) throw new ArgumentException("At least one threshold is required.", paramName);
        var result = new double[thresholds.Count];
        for (int i = 0; i < result.Length; i++)
        {
            float t = thresholds[i];
            if (!(t >= 0 && t <= 1))
                throw new ArgumentOutOfRangeException(paramName, t, $"Threshold values must be in [0, 1]; thresholds[{i}] is {t}.");
            result[i] = t;
        }
        return result;
    }

    /// <summary>Writes <c>"key": null</c> or the list of thresholds.</summary>
    /// <param name="writer">Config writer.</param>
    /// <param name="key">snake_case key.</param>
    /// <param name="thresholds">The user's thresholds, or null.</param>
    public static void Write(Utf8JsonWriter writer, string key, IReadOnlyList<float>? thresholds)
    {
        if (thresholds is null)
        {
            writer.WriteNull(key);
            return;
        }
        writer.WriteStartArray(key);
        foreach (float t in thresholds) writer.WriteNumberValue(t);
        writer.WriteEndArray();
    }

    /// <summary>A copy of the list as floats (the public Thresholds properties).</summary>
    /// <param name="values">The thresholds.</param>
    /// <returns>A read-only copy.</returns>
    public static IReadOnlyList<float> AsFloats(ReadOnlySpan<double> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (float)values[i];
        return Array.AsReadOnly(result);
    }
}
