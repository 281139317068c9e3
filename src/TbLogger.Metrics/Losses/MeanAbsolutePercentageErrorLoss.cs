using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>MeanAbsolutePercentageError</c>: <c>100 · mean(abs((y_true − y_pred) / max(abs(y_true), ε)), axis=-1)</c>
/// (identifiers <c>"mape"</c>, <c>"mean_absolute_percentage_error"</c>).
/// </summary>
public sealed class MeanAbsolutePercentageErrorLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"mean_absolute_percentage_error"</c>).</param>
    public MeanAbsolutePercentageErrorLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_absolute_percentage_error")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        Span<float> e = Scratch(ErrorSlot, rows.YPred.Length), denominator = Scratch(ErrorSlot + 1, rows.YPred.Length);
        // |t − p| / max(|t|, ε), vectorised pass by pass; the factor 100 is folded into the row scale.
        TensorPrimitives.Abs(rows.YTrue, denominator);
        TensorPrimitives.Max(denominator, Epsilon, denominator);
        TensorPrimitives.Subtract(rows.YTrue, rows.YPred, e);
        TensorPrimitives.Divide(e, denominator, e);
        TensorPrimitives.Abs(e, e);
        RowOps.SumRows(e, rows.Length, 100f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        for (int i = 0; i < p.Length; i++) grad[i] = MathF.Sign(p[i] - t[i]) / MathF.Max(MathF.Abs(t[i]), Epsilon);
        RowOps.ScaleRows(grad, rows.Length, upstream, 100f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["mean_absolute_percentage_error", "mape"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new MeanAbsolutePercentageErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_absolute_percentage_error"));
}
