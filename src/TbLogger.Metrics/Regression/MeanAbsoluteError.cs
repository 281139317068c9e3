namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanAbsoluteError</c> metric: the weighted mean over samples of mean(|yTrue − yPred|, axis=-1).</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.MeanAbsoluteErrorLoss"/> (one implementation of the function for both).</remarks>
public sealed class MeanAbsoluteError : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_absolute_error"</c>.</param>
    public MeanAbsoluteError(string? name = null)
        : base(name ?? "mean_absolute_error", new Losses.MeanAbsoluteErrorLoss(name: name ?? "mean_absolute_error"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["mae", "MAE"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new MeanAbsoluteError(c.Name);
}
