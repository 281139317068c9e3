namespace TbLogger.Metrics.Losses;

/// <summary>Keras's <c>Poisson</c> loss: <c>mean(y_pred − y_true · log(y_pred + ε), axis=-1)</c> (identifier <c>"poisson"</c>).</summary>
public sealed class PoissonLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"poisson"</c>).</param>
    public PoissonLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "poisson")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        Span<float> e = Scratch(ErrorSlot, p.Length);
        for (int i = 0; i < p.Length; i++) e[i] = p[i] - t[i] * MathF.Log(p[i] + Epsilon);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        for (int i = 0; i < p.Length; i++) grad[i] = 1f - t[i] / (p[i] + Epsilon);
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["poisson"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new PoissonLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("poisson"));
}
