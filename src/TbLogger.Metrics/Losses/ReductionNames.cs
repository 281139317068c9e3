namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's and TF.js's names for <see cref="Reduction"/> values, as used in configs. Keras's names are lower-case
/// (<c>"mean"</c> is Keras's sum over batch size); TF.js's are upper-case (<c>"MEAN"</c> divides by the broadcast
/// weights), so a name always gives its own framework's divisor.
/// </summary>
public static class ReductionNames
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Valid { get; } =
    [
        "none", "sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "sum_by_nonzero_weights",
        "NONE", "SUM", "SUM_OVER_BATCH_SIZE", "MEAN", "SUM_BY_NONZERO_WEIGHTS",
    ];

    /// <summary>The config name for a reduction: Keras's where Keras has it, otherwise TF.js's.</summary>
    /// <param name="reduction">The reduction.</param>
    /// <returns><c>"none"</c>, <c>"sum"</c>, <c>"sum_over_batch_size"</c>, <c>"mean_with_sample_weight"</c>, <c>"MEAN"</c> or <c>"sum_by_nonzero_weights"</c>.</returns>
    public static string ToKeras(Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Sum => "sum",
        Reduction.SumOverBatchSize => "sum_over_batch_size",
        Reduction.SumOverGivenWeights => "mean_with_sample_weight",
        Reduction.SumOverBroadcastWeights => "MEAN",
        Reduction.SumByNonzeroWeights => "sum_by_nonzero_weights",
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    /// <summary>
    /// Parses a Keras (lower-case) or TF.js (upper-case) reduction name. Keras's <c>"mean"</c> divides by the number of
    /// values (<see cref="Reduction.SumOverBatchSize"/>) and its <c>"mean_with_sample_weight"</c> by the weights as
    /// passed; TF.js's <c>"MEAN"</c> divides by the weights after broadcasting. Null means none.
    /// </summary>
    /// <param name="name">The name, or null.</param>
    /// <returns>The reduction.</returns>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static Reduction Parse(string? name) => name switch
    {
        null or "none" or "NONE" => Reduction.None,
        "sum" or "SUM" => Reduction.Sum,
        "sum_over_batch_size" or "mean" or "SUM_OVER_BATCH_SIZE" => Reduction.SumOverBatchSize,
        "mean_with_sample_weight" => Reduction.SumOverGivenWeights,
        "MEAN" => Reduction.SumOverBroadcastWeights,
        "sum_by_nonzero_weights" or "SUM_BY_NONZERO_WEIGHTS" => Reduction.SumByNonzeroWeights,
        _ => throw new ArgumentException(
            $"Invalid value for reduction: '{name}'. Expected one of: {string.Join(", ", Valid)} (or null); " +
            "lower-case names are Keras's, upper-case TF.js's.", nameof(name)),
    };
}
