namespace TbLogger.Metrics.Losses;

/// <summary>
/// How a <see cref="Loss"/> turns its weighted per-sample values into one number. Every built-in supports every reduction.
/// </summary>
/// <remarks>
/// With per-sample values <c>v</c> and effective weights <c>w</c> (sample weights broadcast to the per-sample shape,
/// times any mask the loss produces, 1 when none are given):
/// <list type="bullet">
/// <item><see cref="None"/>: no reduction; <see cref="Loss.ComputePerSample"/> gives <c>w·v</c>.</item>
/// <item><see cref="Sum"/>: <c>Σ w·v</c>.</item>
/// <item><see cref="SumOverBatchSize"/>: <c>Σ w·v / count(v)</c> (Keras's default; the divisor ignores the weights).</item>
/// <item><see cref="Mean"/>: <c>Σ w·v / Σ w</c> (Keras's <c>mean_with_sample_weight</c>, TF.js's <c>MEAN</c>).</item>
/// <item><see cref="SumByNonzeroWeights"/>: <c>Σ w·v / count(w ≠ 0)</c> (TF.js's default).</item>
/// </list>
/// A divisor of zero gives 0, as Keras's <c>divide_no_nan</c> does.
/// </remarks>
public enum Reduction
{
    /// <summary>No reduction (Keras <c>"none"</c>/<c>None</c>, TF.js <c>NONE</c>). <see cref="Loss.Compute"/> then returns the sum, whose gradient <see cref="Loss.Gradient"/> gives.</summary>
    None = 0,

    /// <summary>Sum of the weighted values (Keras <c>"sum"</c>, TF.js <c>SUM</c>).</summary>
    Sum = 1,

    /// <summary>Weighted sum divided by the number of per-sample values (Keras <c>"sum_over_batch_size"</c> and <c>"mean"</c>; the Keras default).</summary>
    SumOverBatchSize = 2,

    /// <summary>Weighted sum divided by the sum of the weights (Keras <c>"mean_with_sample_weight"</c>, TF.js <c>MEAN</c>). Weights must not be negative.</summary>
    Mean = 3,

    /// <summary>Weighted sum divided by the number of non-zero weights (TF.js <c>SUM_BY_NONZERO_WEIGHTS</c>, its default).</summary>
    SumByNonzeroWeights = 4,
}
