namespace TbLogger.Metrics.Losses;

/// <summary>Keras's label conversion for hinge losses: 0/1 labels become −1/1, but only when every label is 0 or 1.</summary>
internal static class HingeLabels
{
    public static ReadOnlySpan<float> Convert(ReadOnlySpan<float> labels, Span<float> scratch)
    {
        foreach (float t in labels)
            if (t != 0f && t != 1f) return labels;
        for (int i = 0; i < labels.Length; i++) scratch[i] = 2f * labels[i] - 1f;
        return scratch;
    }
}
