namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>SquaredHinge</c> loss: <c>mean(square(maximum(1 − y_true · y_pred, 0)), axis=-1)</c>, with 0/1 labels
/// mapped to −1/1 when every label is 0 or 1 (identifier <c>"squared_hinge"</c>).
/// </summary>
public sealed class SquaredHingeLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ErrorSlot = LabelSlot + 1;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"squared_hinge"</c>).</param>
    public SquaredHingeLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "squared_hinge")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        ReadOnlySpan<float> p = rows.YPred, t = HingeLabels.Convert(rows.YTrue, Scratch(LabelSlot, p.Length));
        Span<float> e = Scratch(ErrorSlot, p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            float m = MathF.Max(1f - t[i] * p[i], 0f);
            e[i] = m * m;
        }
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> p = rows.YPred, t = HingeLabels.Convert(rows.YTrue, Scratch(LabelSlot, p.Length));
        for (int i = 0; i < p.Length; i++) grad[i] = -2f * t[i] * MathF.Max(1f - t[i] * p[i], 0f);
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["squared_hinge"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new SquaredHingeLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("squared_hinge"));
}
