namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>Hinge</c> loss: <c>mean(maximum(1 − y_true · y_pred, 0), axis=-1)</c>, with 0/1 labels mapped to −1/1
/// when every label is 0 or 1 (identifier <c>"hinge"</c>).
/// </summary>
public sealed class HingeLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ErrorSlot = LabelSlot + 1;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"hinge"</c>).</param>
    public HingeLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "hinge")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        ReadOnlySpan<float> p = rows.YPred, t = HingeLabels.Convert(rows.YTrue, Scratch(LabelSlot, p.Length));
        Span<float> e = Scratch(ErrorSlot, p.Length);
        for (int i = 0; i < p.Length; i++) e[i] = MathF.Max(1f - t[i] * p[i], 0f);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> p = rows.YPred, t = HingeLabels.Convert(rows.YTrue, Scratch(LabelSlot, p.Length));
        for (int i = 0; i < p.Length; i++) grad[i] = 1f - t[i] * p[i] > 0f ? -t[i] : 0f;
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["hinge"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new HingeLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("hinge"));
}
