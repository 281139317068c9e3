namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanAbsolutePercentageError</c> metric: 100 · mean(|yTrue − yPred| / max(|yTrue|, ε), axis=-1), averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.MeanAbsolutePercentageErrorLoss"/> (one implementation of the function for both).</remarks>
public sealed class MeanAbsolutePercentageError : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_absolute_percentage_error"</c>.</param>
    public MeanAbsolutePercentageError(string? name = null)
        : base(name ?? "mean_absolute_percentage_error", new Losses.MeanAbsolutePercentageErrorLoss(name: name ?? "mean_absolute_percentage_error"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["mape", "MAPE"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new MeanAbsolutePercentageError(c.Name);
}
