namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>Hinge</c>: mean over the last axis of max(1 − t·p, 0). Labels are −1/1; when every label of the batch is
/// 0 or 1 they are mapped to −1/1 first (as Keras).
/// </summary>
public sealed class Hinge : ElementwiseMeanMetric
{
    private bool _convert;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"hinge"</c>.</param>
    public Hinge(string? name = null) : base(name ?? "hinge")
    {
    }

    /// <inheritdoc/>
    protected override void OnBatch(ReadOnlySpan<float> yTrue, int width) => _convert = HingeLabels.AllBinary(yTrue);

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            float t = _convert ? 2 * yTrue[i] - 1 : yTrue[i];
            destination[i] = MathF.Max(1 - t * yPred[i], 0);
        }
    }
}
