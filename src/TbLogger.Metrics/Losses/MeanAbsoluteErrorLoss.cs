using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>Keras's <c>MeanAbsoluteError</c>: <c>mean(abs(y_true − y_pred), axis=-1)</c> (identifiers <c>"mae"</c>, <c>"mean_absolute_error"</c>).</summary>
/// <remarks>The gradient at y_pred = y_true is taken as 0 (the subgradient Keras's autodiff gives).</remarks>
public sealed class MeanAbsoluteErrorLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"mean_absolute_error"</c>).</param>
    public MeanAbsoluteErrorLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_absolute_error")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        Span<float> e = Scratch(ErrorSlot, rows.YPred.Length);
        TensorPrimitives.Subtract(rows.YPred, rows.YTrue, e);
        TensorPrimitives.Abs(e, e);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        for (int i = 0; i < p.Length; i++) grad[i] = MathF.Sign(p[i] - t[i]);
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["mean_absolute_error", "mae"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new MeanAbsoluteErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_absolute_error"));
}
