using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// TF.js's <c>tf.losses.absoluteDifference</c>: |labels − predictions| per element, weighted and reduced element-wise
/// (default <see cref="Reduction.SumByNonzeroWeights"/>) (identifiers <c>"absolute_difference"</c>, <c>"absoluteDifference"</c>).
/// </summary>
/// <remarks>
/// Unlike Keras's <see cref="MeanAbsoluteError"/>, nothing is averaged per sample: the per-sample values are the
/// elements themselves, so weights may have any shape that broadcasts onto yPred's.
/// </remarks>
public sealed class AbsoluteDifferenceLoss : Loss, IRegisteredLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default TF.js's <see cref="Reduction.SumByNonzeroWeights"/>).</param>
    /// <param name="name">The name (default <c>"absolute_difference"</c>).</param>
    public AbsoluteDifferenceLoss(Reduction reduction = Reduction.SumByNonzeroWeights, string name = "absolute_difference")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Elementwise(rank);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        TensorPrimitives.Subtract(rows.YPred, rows.YTrue, values);
        TensorPrimitives.Abs(values, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        for (int i = 0; i < p.Length; i++) grad[i] = MathF.Sign(p[i] - t[i]) * upstream[i];
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["absolute_difference", "absoluteDifference"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new AbsoluteDifferenceLoss(c.Reduction(Reduction.SumByNonzeroWeights), c.Name("absolute_difference"));
}
