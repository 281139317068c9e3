namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanSquaredLogarithmicError</c> metric: mean((log(max(yPred, ε) + 1) − log(max(yTrue, ε) + 1))², axis=-1), averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.MeanSquaredLogarithmicErrorLoss"/> (one implementation of the function for both).</remarks>
public sealed class MeanSquaredLogarithmicError : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_squared_logarithmic_error"</c>.</param>
    public MeanSquaredLogarithmicError(string? name = null)
        : base(name ?? "mean_squared_logarithmic_error", new Losses.MeanSquaredLogarithmicErrorLoss(name: name ?? "mean_squared_logarithmic_error"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["msle", "MSLE"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new MeanSquaredLogarithmicError(c.Name);
}
