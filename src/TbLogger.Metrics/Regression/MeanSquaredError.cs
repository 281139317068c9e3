namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanSquaredError</c> metric: the weighted mean over samples of mean((yTrue − yPred)², axis=-1).</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.MeanSquaredErrorLoss"/> (one implementation of the function for both).</remarks>
public sealed class MeanSquaredError : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_squared_error"</c>.</param>
    public MeanSquaredError(string? name = null)
        : base(name ?? "mean_squared_error", new Losses.MeanSquaredErrorLoss(name: name ?? "mean_squared_error"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["mse", "MSE"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new MeanSquaredError(c.Name);
}
