using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// TF.js's <c>tf.losses.softmaxCrossEntropy</c>: cross-entropy of one-hot labels against softmax(logits) over the last
/// axis, default reduction <see cref="Reduction.SumByNonzeroWeights"/> (identifiers <c>"softmax_cross_entropy"</c>,
/// <c>"softmaxCrossEntropy"</c>; config key <c>label_smoothing</c>).
/// </summary>
/// <remarks>
/// The same numbers as <see cref="CategoricalCrossentropy"/> with <c>from_logits</c>, apart from the default reduction.
/// TF.js smooths with the size of dimension 1; this uses the class (last) axis, which is the same for [N, C] inputs.
/// </remarks>
public sealed class SoftmaxCrossEntropyLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ExpSlot = LabelSlot + 1, LseSlot = LabelSlot + 2,
                      SumSlot = LabelSlot + 3, TempSlot = LabelSlot + 4;

    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">In [0, 1]: labels become t·(1 − s) + s/classes (default 0).</param>
    /// <param name="reduction">The reduction (default TF.js's <see cref="Reduction.SumByNonzeroWeights"/>).</param>
    /// <param name="name">The name (default <c>"softmax_cross_entropy"</c>).</param>
    public SoftmaxCrossEntropyLoss(float labelSmoothing = 0f, Reduction reduction = Reduction.SumByNonzeroWeights,
                               string name = "softmax_cross_entropy")
        : base(name, reduction)
    {
        LossArguments.RequireUnitInterval(labelSmoothing, nameof(labelSmoothing));
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The label smoothing factor.</summary>
    public float LabelSmoothing { get; }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values) => Pass(rows, values, default, default);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad) => Pass(rows, default, upstream, grad);

    private protected override void ForwardBackward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> values, Span<float> grad)
        => Pass(rows, values, upstream, grad);

    private void Pass(in LossRows rows, Span<float> values, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = RowOps.Smooth(rows.YTrue, LabelSmoothing, 1f / rows.Length, Scratch(LabelSlot, rows.YTrue.Length));
        var buffers = new CategoricalCrossentropyKernel.SoftmaxBuffers(
            Scratch(ExpSlot, rows.YPred.Length), Scratch(LseSlot, rows.Count), Scratch(SumSlot, rows.Count), Scratch(TempSlot, rows.Count));
        CategoricalCrossentropyKernel.DenseLogits(t, rows.YPred, rows.Count, rows.Length, values, upstream, grad, buffers);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["softmax_cross_entropy", "softmaxCrossEntropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["label_smoothing"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new SoftmaxCrossEntropyLoss(c.Float("label_smoothing", 0f), c.Reduction(Reduction.SumByNonzeroWeights),
            c.Name("softmax_cross_entropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("label_smoothing", LabelSmoothing);
}
