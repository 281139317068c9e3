namespace TbLogger.Metrics;

/// <summary>Keras's <c>Accuracy</c>: how often predictions equal labels exactly (mean over the last axis, then over samples).</summary>
public sealed class Accuracy : ElementwiseMeanMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"accuracy"</c>.</param>
    public Accuracy(string? name = null) : base(name ?? "accuracy")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = yTrue[i] == yPred[i] ? 1f : 0f;
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["acc"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new Accuracy(c.Name);
}
