using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>Keras's <c>MeanSquaredError</c>: <c>mean(square(y_true − y_pred), axis=-1)</c> (identifiers <c>"mse"</c>, <c>"mean_squared_error"</c>).</summary>
public sealed class MeanSquaredErrorLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"mean_squared_error"</c>).</param>
    public MeanSquaredErrorLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_squared_error")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        Span<float> e = Scratch(ErrorSlot, rows.YPred.Length);
        TensorPrimitives.Subtract(rows.YPred, rows.YTrue, e);
        TensorPrimitives.Multiply(e, e, e);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override bool HasFusedSum => true;

    // Σ over rows of mean((p − t)², row) = Σ (p − t)² / row length: one vectorised pass, nothing materialised.
    private protected override bool TryFusedSum(in LossRows rows, out double sum)
    {
        sum = MetricKernels.SumSquaredDifference(rows.YPred, rows.YTrue) / rows.Length;
        return true;
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        TensorPrimitives.Subtract(rows.YPred, rows.YTrue, grad);
        RowOps.ScaleRows(grad, rows.Length, upstream, 2f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["mean_squared_error", "mse"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new MeanSquaredErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_squared_error"));
}
