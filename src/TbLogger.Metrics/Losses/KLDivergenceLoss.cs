namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>KLDivergence</c>: <c>sum(y_true · log(y_true / y_pred), axis=-1)</c> with both clipped to [ε, 1]
/// (identifiers <c>"kl_divergence"</c>, <c>"kld"</c>, <c>"kullback_leibler_divergence"</c>).
/// </summary>
public sealed class KLDivergenceLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"kl_divergence"</c>).</param>
    public KLDivergenceLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "kl_divergence")
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
            float tc = Math.Clamp(t[i], Epsilon, 1f), pc = Math.Clamp(p[i], Epsilon, 1f);
            e[i] = tc * MathF.Log(tc / pc);
        }
        RowOps.SumRows(e, rows.Length, 1f, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        for (int i = 0; i < p.Length; i++)
            grad[i] = p[i] > Epsilon && p[i] < 1f ? -Math.Clamp(t[i], Epsilon, 1f) / p[i] : 0f;
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["kl_divergence", "kld", "kullback_leibler_divergence"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new KLDivergenceLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("kl_divergence"));
}
