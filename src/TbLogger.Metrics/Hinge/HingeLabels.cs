namespace TbLogger.Metrics;

/// <summary>Keras's <c>convert_binary_labels_to_hinge</c> test.</summary>
internal static class HingeLabels
{
    /// <summary>True when every label is exactly 0 or 1.</summary>
    public static bool AllBinary(ReadOnlySpan<float> labels)
    {
        foreach (var t in labels) if (t != 0f && t != 1f) return false;
        return true;
    }
}
