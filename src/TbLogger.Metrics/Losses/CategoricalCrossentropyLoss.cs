using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>CategoricalCrossentropy</c> for one-hot (or soft) labels: −Σ y_true · log softmax(y_pred) over
/// <see cref="Axis"/> for logits, or −Σ y_true · log(clip(y_pred / Σ y_pred, ε, 1 − ε)) for probabilities
/// (identifier <c>"categorical_crossentropy"</c>; config keys <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>).
/// </summary>
/// <remarks>Logits use log-sum-exp, so large logits neither overflow nor lose the loss to rounding.</remarks>
public sealed class CategoricalCrossentropyLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ExpSlot = LabelSlot + 1, LseSlot = LabelSlot + 2,
                      SumSlot = LabelSlot + 3, TempSlot = LabelSlot + 4;

    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether yPred holds logits rather than probabilities (default false).</param>
    /// <param name="labelSmoothing">In [0, 1]: labels become t·(1 − s) + s/classes (default 0).</param>
    /// <param name="axis">The class axis (default −1).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"categorical_crossentropy"</c>).</param>
    public CategoricalCrossentropyLoss(bool fromLogits = false, float labelSmoothing = 0f, int axis = -1,
                                   Reduction reduction = Reduction.SumOverBatchSize, string name = "categorical_crossentropy")
        : base(name, reduction)
    {
        LossArguments.RequireUnitInterval(labelSmoothing, nameof(labelSmoothing));
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    /// <summary>Whether yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing factor.</summary>
    public float LabelSmoothing { get; }

    /// <summary>The class axis.</summary>
    public int Axis { get; }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(Axis, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values) => Pass(rows, values, default, default);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad) => Pass(rows, default, upstream, grad);

    private protected override void ForwardBackward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> values, Span<float> grad)
        => Pass(rows, values, upstream, grad);

    private void Pass(in LossRows rows, Span<float> values, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = RowOps.Smooth(rows.YTrue, LabelSmoothing, 1f / rows.Length, Scratch(LabelSlot, rows.YTrue.Length));
        if (FromLogits)
        {
            var buffers = new CategoricalCrossentropyKernel.SoftmaxBuffers(
                Scratch(ExpSlot, rows.YPred.Length), Scratch(LseSlot, rows.Count), Scratch(SumSlot, rows.Count), Scratch(TempSlot, rows.Count));
            CategoricalCrossentropyKernel.DenseLogits(t, rows.YPred, rows.Count, rows.Length, values, upstream, grad, buffers);
        }
        else
        {
            CategoricalCrossentropyKernel.DenseProbabilities(t, rows.YPred, rows.Count, rows.Length, values, upstream, grad, Epsilon);
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["categorical_crossentropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["from_logits", "label_smoothing", "axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CategoricalCrossentropyLoss(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1),
            c.Reduction(Reduction.SumOverBatchSize), c.Name("categorical_crossentropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
        writer.WriteNumber("axis", Axis);
    }
}
