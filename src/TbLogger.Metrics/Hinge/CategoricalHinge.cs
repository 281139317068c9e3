namespace TbLogger.Metrics;

/// <summary>Keras's <c>CategoricalHinge</c>: per row max(max((1 − t)·p) − Σ t·p + 1, 0), averaged over samples.</summary>
public sealed class CategoricalHinge : RowwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"categorical_hinge"</c>.</param>
    public CategoricalHinge(string? name = null) : base(name ?? "categorical_hinge")
    {
    }

    /// <inheritdoc/>
    protected override float ComputeRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double pos = 0, neg = double.NegativeInfinity;
        for (int j = 0; j < yTrue.Length; j++)
        {
            pos += (double)yTrue[j] * yPred[j];
            neg = Math.Max(neg, (1.0 - yTrue[j]) * yPred[j]);
        }
        return (float)Math.Max(neg - pos + 1, 0);
    }
}
