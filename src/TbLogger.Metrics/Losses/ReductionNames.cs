namespace TbLogger.Metrics.Losses;

/// <summary>Keras's and TF.js's names for <see cref="Reduction"/> values, as used in config JSON.</summary>
public static class ReductionNames
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Valid { get; } =
        ["none", "sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "sum_by_nonzero_weights"];

    /// <summary>The Keras string for a reduction (TF.js's name, snake_case, for <see cref="Reduction.SumByNonzeroWeights"/>).</summary>
    /// <param name="reduction">The reduction.</param>
    /// <returns><c>"none"</c>, <c>"sum"</c>, <c>"sum_over_batch_size"</c>, <c>"mean_with_sample_weight"</c> or <c>"sum_by_nonzero_weights"</c>.</returns>
    public static string ToKeras(Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Sum => "sum",
        Reduction.SumOverBatchSize => "sum_over_batch_size",
        Reduction.Mean => "mean_with_sample_weight",
        Reduction.SumByNonzeroWeights => "sum_by_nonzero_weights",
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    /// <summary>
    /// Parses a Keras reduction string. Keras's <c>"mean"</c> means the same as <c>"sum_over_batch_size"</c> (divide by
    /// the number of values), so it maps there; the weighted mean is <c>"mean_with_sample_weight"</c>. Null means none.
    /// </summary>
    /// <param name="name">The name (case-insensitive), or null.</param>
    /// <returns>The reduction.</returns>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static Reduction Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "none" => Reduction.None,
        "sum" => Reduction.Sum,
        "sum_over_batch_size" or "mean" => Reduction.SumOverBatchSize,
        "mean_with_sample_weight" => Reduction.Mean,
        "sum_by_nonzero_weights" => Reduction.SumByNonzeroWeights,
        _ => throw new ArgumentException(
            $"Invalid value for reduction: '{name}'. Expected one of: {string.Join(", ", Valid)} (or null).", nameof(name)),
    };
}
