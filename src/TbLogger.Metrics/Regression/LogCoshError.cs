namespace TbLogger.Metrics;

/// <summary>Keras's <c>LogCoshError</c> metric: mean(log(cosh(yPred − yTrue)), axis=-1), averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.LogCoshLoss"/> (one implementation of the function for both).</remarks>
public sealed class LogCoshError : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"logcosh"</c>.</param>
    public LogCoshError(string? name = null)
        : base(name ?? "logcosh", new Losses.LogCoshLoss(name: name ?? "logcosh"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["logcosh", "log_cosh"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new LogCoshError(c.Name);
}
