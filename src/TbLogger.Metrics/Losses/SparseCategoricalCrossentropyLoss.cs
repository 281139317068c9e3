using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>SparseCategoricalCrossentropy</c>: categorical cross-entropy with integer class indices as labels
/// (identifier <c>"sparse_categorical_crossentropy"</c>; config keys <c>from_logits</c>, <c>ignore_class</c>, <c>axis</c>).
/// </summary>
/// <remarks>
/// yTrue holds one class index per prediction row: yPred's shape without the class axis, or with it as 1. Labels equal
/// to <see cref="IgnoreClass"/> are masked as in Keras: they contribute 0 and do not count towards
/// <see cref="Reduction.SumOverBatchSize"/>'s divisor. Any other label must be an integer in [0, classes).
/// </remarks>
public sealed class SparseCategoricalCrossentropyLoss : Loss, IRegisteredLoss
{
    private const int ExpSlot = LossScratch.FirstKernelSlot, LseSlot = ExpSlot + 1, SumSlot = ExpSlot + 2, TempSlot = ExpSlot + 3,
                      MaskSlot = ExpSlot + 4;

    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether yPred holds logits rather than probabilities (default false).</param>
    /// <param name="ignoreClass">A label value to ignore (e.g. −1 or 255 for "void" pixels), or null (default) to use every label.</param>
    /// <param name="axis">The class axis of yPred (default −1).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"sparse_categorical_crossentropy"</c>).</param>
    public SparseCategoricalCrossentropyLoss(bool fromLogits = false, int? ignoreClass = null, int axis = -1,
                                         Reduction reduction = Reduction.SumOverBatchSize, string name = "sparse_categorical_crossentropy")
        : base(name, reduction)
    {
        FromLogits = fromLogits;
        IgnoreClass = ignoreClass;
        Axis = axis;
    }

    /// <summary>Whether yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label value that is ignored, if any.</summary>
    public int? IgnoreClass { get; }

    /// <summary>The class axis of yPred.</summary>
    public int Axis { get; }

    private protected override LabelLayout Labels => LabelLayout.Sparse;

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(Axis, rank, Name);

    private protected override bool WriteMask(in LossRows rows, Span<float> mask)
    {
        if (IgnoreClass is null) return false;
        float ignored = IgnoreClass.Value;
        ReadOnlySpan<float> labels = rows.YTrue;
        for (int r = 0; r < mask.Length; r++) mask[r] = labels[r] == ignored ? 0f : 1f;
        return true;
    }

    private protected override void Forward(in LossRows rows, Span<float> values) => Pass(rows, values, default, default);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad) => Pass(rows, default, upstream, grad);

    private protected override void ForwardBackward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> values, Span<float> grad)
        => Pass(rows, values, upstream, grad);

    private void Pass(in LossRows rows, Span<float> values, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        Span<float> mask = default;
        if (IgnoreClass is not null)
        {
            mask = Scratch(MaskSlot, rows.Count);
            WriteMask(rows, mask);
        }
        ValidateLabels(rows, mask);
        if (FromLogits)
        {
            var buffers = new CategoricalCrossentropyKernel.SoftmaxBuffers(
                Scratch(ExpSlot, rows.YPred.Length), Scratch(LseSlot, rows.Count), Scratch(SumSlot, rows.Count), Scratch(TempSlot, rows.Count));
            CategoricalCrossentropyKernel.SparseLogits(rows.YTrue, rows.YPred, rows.Count, rows.Length, values, upstream, grad, mask, buffers);
        }
        else
        {
            CategoricalCrossentropyKernel.SparseProbabilities(rows.YTrue, rows.YPred, rows.Count, rows.Length, values, upstream, grad, mask, Epsilon);
        }
    }

    private void ValidateLabels(in LossRows rows, ReadOnlySpan<float> mask)
    {
        ReadOnlySpan<float> labels = rows.YTrue;
        for (int r = 0; r < labels.Length; r++)
        {
            if (!mask.IsEmpty && mask[r] == 0f) continue;
            float y = labels[r];
            if (!(y >= 0f && y < rows.Length) || y != MathF.Floor(y))
                throw new ArgumentException(
                    $"yTrue[{r}] is {y}, which is not a class index in [0, {rows.Length}) for loss '{Name}'" +
                    (IgnoreClass is null ? "." : $" (nor the ignored class {IgnoreClass})."), "yTrue");
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["sparse_categorical_crossentropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["from_logits", "ignore_class", "axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new SparseCategoricalCrossentropyLoss(c.Bool("from_logits", false), c.NullableInt("ignore_class"), c.Int("axis", -1),
            c.Reduction(Reduction.SumOverBatchSize), c.Name("sparse_categorical_crossentropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        if (IgnoreClass is null) writer.WriteNull("ignore_class");
        else writer.WriteNumber("ignore_class", IgnoreClass.Value);
        writer.WriteNumber("axis", Axis);
    }
}
