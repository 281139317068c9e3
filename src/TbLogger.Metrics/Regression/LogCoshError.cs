namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>LogCoshError</c>: mean over the last axis of log(cosh(yPred − yTrue)), computed stably as
/// |x| + log1p(e^(−2|x|)) − log 2 in double precision.
/// </summary>
public sealed class LogCoshError : ElementwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"logcosh"</c> (Keras's default).</param>
    public LogCoshError(string? name = null) : base(name ?? "logcosh")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double x = Math.Abs((double)(yPred[i] - yTrue[i]));
            destination[i] = (float)(x + Math.Log(1 + Math.Exp(-2 * x)) - Math.Log(2));
        }
    }
}
