namespace TbLogger.Metrics.Losses;

/// <summary>
/// How a <see cref="Loss"/> turns its weighted per-sample values into one number, named for what it divides by. Each
/// framework's reduction maps to the member with that framework's divisor, including under weight broadcasting.
/// </summary>
/// <remarks>
/// With per-sample values <c>v</c>, the sample weights <c>s</c> as passed and <c>w</c> = <c>s</c> broadcast to the
/// per-sample shape (times any mask the loss produces; 1 when none are given):
/// <list type="table">
/// <listheader><term>Member</term><description>Result; framework names</description></listheader>
/// <item><term><see cref="None"/></term><description>the per-element values <c>w·v</c> (<see cref="Loss.ComputeUnreduced"/>, <see cref="Loss.ComputePerSample"/>); Keras <c>"none"</c>/<c>None</c>, TF.js <c>NONE</c>.</description></item>
/// <item><term><see cref="Sum"/></term><description><c>Σ w·v</c>; Keras <c>"sum"</c>, TF.js <c>SUM</c>.</description></item>
/// <item><term><see cref="SumOverBatchSize"/></term><description><c>Σ w·v / count(v)</c>; Keras <c>"sum_over_batch_size"</c> (its default) and <c>"mean"</c>, TF.js <c>SUM_OVER_BATCH_SIZE</c>.</description></item>
/// <item><term><see cref="SumOverGivenWeights"/></term><description><c>Σ w·v / Σ s</c>, the weights as passed (Keras <c>"mean_with_sample_weight"</c>): weight <c>[2]</c> over 4 values divides by 2.</description></item>
/// <item><term><see cref="SumOverBroadcastWeights"/></term><description><c>Σ w·v / Σ w</c>, the weights after broadcasting (TF.js <c>MEAN</c>): weight <c>[2]</c> over 4 values divides by 8.</description></item>
/// <item><term><see cref="SumByNonzeroWeights"/></term><description><c>Σ w·v / count(w ≠ 0)</c> after broadcasting; TF.js <c>SUM_BY_NONZERO_WEIGHTS</c> (its default).</description></item>
/// </list>
/// Without weights the three weighted divisors are <c>count(v)</c>. A divisor of zero gives 0, as Keras's
/// <c>divide_no_nan</c>. With a mask (<c>ignore_class</c>), <see cref="SumOverBatchSize"/> divides by the number of
/// unmasked values and <see cref="SumOverGivenWeights"/> by the masked weights' sum, as Keras's <c>apply_mask</c> does.
/// </remarks>
public enum Reduction
{
    /// <summary>No reduction: one loss per element (Keras <c>"none"</c>/<c>None</c>, TF.js <c>NONE</c>). <see cref="Loss.Compute"/> refuses it (there is no single value); <see cref="Loss.Gradient"/> gives the gradient of the sum.</summary>
    None = 0,

    /// <summary>Sum of the weighted values (Keras <c>"sum"</c>, TF.js <c>SUM</c>).</summary>
    Sum = 1,

    /// <summary>Weighted sum divided by the number of per-sample values (Keras <c>"sum_over_batch_size"</c> and <c>"mean"</c>, the Keras default; TF.js <c>SUM_OVER_BATCH_SIZE</c>).</summary>
    SumOverBatchSize = 2,

    /// <summary>Weighted sum divided by the sum of the weights after broadcasting them onto the values (TF.js <c>MEAN</c>). Weights must not be negative.</summary>
    SumOverBroadcastWeights = 3,

    /// <summary>TF.js's name for <see cref="SumOverBroadcastWeights"/> (<c>MEAN</c>).</summary>
    Mean = SumOverBroadcastWeights,

    /// <summary>Weighted sum divided by the number of non-zero weights after broadcasting (TF.js <c>SUM_BY_NONZERO_WEIGHTS</c>, its default).</summary>
    SumByNonzeroWeights = 4,

    /// <summary>Weighted sum divided by the sum of the weights as passed, before broadcasting (Keras <c>"mean_with_sample_weight"</c>). Weights must not be negative.</summary>
    SumOverGivenWeights = 5,

    /// <summary>Keras's name for <see cref="SumOverGivenWeights"/> (<c>"mean_with_sample_weight"</c>).</summary>
    MeanWithSampleWeight = SumOverGivenWeights,
}
