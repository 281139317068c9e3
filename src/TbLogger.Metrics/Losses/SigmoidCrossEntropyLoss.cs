using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// TF.js's <c>tf.losses.sigmoidCrossEntropy</c>: element-wise binary cross-entropy on logits, weighted and reduced
/// element-wise (default <see cref="Reduction.SumByNonzeroWeights"/>) (identifiers <c>"sigmoid_cross_entropy"</c>,
/// <c>"sigmoidCrossEntropy"</c>; config key <c>label_smoothing</c>).
/// </summary>
/// <remarks>Differs from Keras's <c>BinaryCrossentropy(from_logits=True)</c> in not averaging per sample and in its default reduction.</remarks>
public sealed class SigmoidCrossEntropyLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">In [0, 1]: labels become t·(1 − s) + s/2 (default 0).</param>
    /// <param name="reduction">The reduction (default TF.js's <see cref="Reduction.SumByNonzeroWeights"/>).</param>
    /// <param name="name">The name (default <c>"sigmoid_cross_entropy"</c>).</param>
    public SigmoidCrossEntropyLoss(float labelSmoothing = 0f, Reduction reduction = Reduction.SumByNonzeroWeights,
                               string name = "sigmoid_cross_entropy")
        : base(name, reduction)
    {
        LossArguments.RequireUnitInterval(labelSmoothing, nameof(labelSmoothing));
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The label smoothing factor.</summary>
    public float LabelSmoothing { get; }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Elementwise(rank);

    private protected override void Forward(in LossRows rows, Span<float> values)
        => BinaryCrossentropyKernel.Logits(SmoothedLabels(rows), rows.YPred, values);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        BinaryCrossentropyKernel.LogitsDerivative(SmoothedLabels(rows), rows.YPred, grad);
        TensorPrimitives.Multiply(grad, upstream, grad);
    }

    private ReadOnlySpan<float> SmoothedLabels(in LossRows rows)
        => RowOps.Smooth(rows.YTrue, LabelSmoothing, 0.5f, Scratch(LabelSlot, rows.YTrue.Length));

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["sigmoid_cross_entropy", "sigmoidCrossEntropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["label_smoothing"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new SigmoidCrossEntropyLoss(c.Float("label_smoothing", 0f), c.Reduction(Reduction.SumByNonzeroWeights),
            c.Name("sigmoid_cross_entropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("label_smoothing", LabelSmoothing);
}
