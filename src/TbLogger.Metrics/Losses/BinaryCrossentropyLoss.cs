using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>BinaryCrossentropy</c>: element-wise binary cross-entropy averaged over <see cref="Axis"/>
/// (identifiers <c>"binary_crossentropy"</c>, <c>"bce"</c>; config keys <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>).
/// </summary>
/// <remarks>
/// Probabilities are clipped to [1e-7, 1 − 1e-7] as in Keras. Logits use the stable form
/// max(x, 0) − x·t + log1p(exp(−|x|)) (Keras's TensorFlow/JAX backends); Keras's NumPy backend instead clips
/// sigmoid(x), which differs only for |x| above about 16.
/// </remarks>
public sealed class BinaryCrossentropyLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ErrorSlot = LabelSlot + 1;

    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether yPred holds logits rather than probabilities (default false).</param>
    /// <param name="labelSmoothing">In [0, 1]: labels become t·(1 − s) + s/2 (default 0).</param>
    /// <param name="axis">The axis averaged over (default −1).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"binary_crossentropy"</c>).</param>
    public BinaryCrossentropyLoss(bool fromLogits = false, float labelSmoothing = 0f, int axis = -1,
                              Reduction reduction = Reduction.SumOverBatchSize, string name = "binary_crossentropy")
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

    /// <summary>The axis averaged over.</summary>
    public int Axis { get; }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(Axis, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        ReadOnlySpan<float> t = RowOps.Smooth(rows.YTrue, LabelSmoothing, 0.5f, Scratch(LabelSlot, rows.YTrue.Length));
        Span<float> e = Scratch(ErrorSlot, rows.YPred.Length);
        if (FromLogits) BinaryCrossentropyKernel.Logits(t, rows.YPred, e);
        else BinaryCrossentropyKernel.Probabilities(t, rows.YPred, e, Epsilon);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = RowOps.Smooth(rows.YTrue, LabelSmoothing, 0.5f, Scratch(LabelSlot, rows.YTrue.Length));
        if (FromLogits) BinaryCrossentropyKernel.LogitsDerivative(t, rows.YPred, grad);
        else BinaryCrossentropyKernel.ProbabilitiesDerivative(t, rows.YPred, grad, Epsilon);
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["binary_crossentropy", "bce"];

    static string[] IRegisteredLoss.ConfigKeys => ["from_logits", "label_smoothing", "axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new BinaryCrossentropyLoss(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1),
            c.Reduction(Reduction.SumOverBatchSize), c.Name("binary_crossentropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
        writer.WriteNumber("axis", Axis);
    }
}
