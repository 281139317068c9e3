using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>LogCosh</c>: <c>mean(log(cosh(y_pred − y_true)), axis=-1)</c>, computed stably as
/// x + softplus(−2x) − log 2 (identifiers <c>"log_cosh"</c>, <c>"logcosh"</c>).
/// </summary>
public sealed class LogCoshLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;
    private static readonly float Log2 = MathF.Log(2f);

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"log_cosh"</c>).</param>
    public LogCoshLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "log_cosh")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        Span<float> e = Scratch(ErrorSlot, p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            // log(cosh x) = |x| + log1p(exp(−2|x|)) − log 2: never overflows, unlike cosh itself.
            float a = MathF.Abs(p[i] - t[i]);
            e[i] = a + MathF.Log(1f + MathF.Exp(-2f * a)) - Log2;
        }
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        TensorPrimitives.Subtract(rows.YPred, rows.YTrue, grad);
        TensorPrimitives.Tanh(grad, grad);
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["log_cosh", "logcosh"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new LogCoshLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("log_cosh"));
}
