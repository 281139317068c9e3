namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>CategoricalHinge</c>: <c>maximum(neg − pos + 1, 0)</c> with pos = Σ y_true·y_pred and
/// neg = max((1 − y_true)·y_pred) over the last axis (identifier <c>"categorical_hinge"</c>).
/// </summary>
public sealed class CategoricalHingeLoss : Loss, IRegisteredLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"categorical_hinge"</c>).</param>
    public CategoricalHingeLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "categorical_hinge")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        for (int r = 0; r < rows.Count; r++) values[r] = MathF.Max(Margin(rows.TrueRow(r), rows.PredRow(r), out _), 0f);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<float> t = rows.TrueRow(r);
            Span<float> g = grad.Slice(r * rows.Length, rows.Length);
            if (Margin(t, rows.PredRow(r), out int argmax) <= 0f)
            {
                g.Clear();
                continue;
            }
            float u = upstream[r];
            for (int k = 0; k < g.Length; k++) g[k] = -t[k] * u;
            g[argmax] += (1f - t[argmax]) * u;
        }
    }

    private static float Margin(ReadOnlySpan<float> t, ReadOnlySpan<float> p, out int argmax)
    {
        float pos = 0f, neg = float.NegativeInfinity;
        argmax = 0;
        for (int k = 0; k < p.Length; k++)
        {
            pos += t[k] * p[k];
            float n = (1f - t[k]) * p[k];
            if (n > neg) { neg = n; argmax = k; }
        }
        return neg - pos + 1f;
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["categorical_hinge"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CategoricalHingeLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("categorical_hinge"));
}
