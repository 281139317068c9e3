namespace TbLogger.Metrics;

/// <summary>
/// A built-in metric's factory entry, implemented by the metric class itself next to its <c>WriteConfig</c>, so that
/// its Keras config schema (keys, defaults, required keys) is written and read back in one file. The Keras class name
/// is the .NET class name. <see cref="MetricFactory"/> lists the classes and looks them up; a user's metric registers
/// through <see cref="MetricFactory.Register"/>.
/// </summary>
internal interface IRegisteredMetric
{
    /// <summary>Keras's string aliases (e.g. <c>"mse"</c>), which also become the metric's default name.</summary>
    static virtual string[] Aliases => [];

    /// <summary>Builds the metric from a Keras config, reading every supported key through <paramref name="config"/>.</summary>
    /// <param name="config">The parsed config; keys not read are refused afterwards.</param>
    /// <returns>The metric.</returns>
    static abstract Metric FromConfig(MetricConfig config);
}
