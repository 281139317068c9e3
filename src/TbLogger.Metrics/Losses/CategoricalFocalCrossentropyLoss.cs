using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>CategoricalFocalCrossentropy</c>: Σ α·(1 − o)^γ·(−y_true·log o) over <see cref="Axis"/>, with
/// o = clip(y_pred / Σ y_pred, ε, 1 − ε) (softmax first for logits) (identifier <c>"categorical_focal_crossentropy"</c>;
/// config keys <c>alpha</c>, <c>gamma</c>, <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>).
/// </summary>
public sealed class CategoricalFocalCrossentropyLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ProbSlot = LabelSlot + 1, LseSlot = LabelSlot + 2,
                      SumSlot = LabelSlot + 3, TempSlot = LabelSlot + 4;

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">The weighting factor (default 0.25).</param>
    /// <param name="gamma">The focusing parameter, ≥ 0 (default 2).</param>
    /// <param name="fromLogits">Whether yPred holds logits (default false).</param>
    /// <param name="labelSmoothing">In [0, 1]: labels become t·(1 − s) + s/classes (default 0).</param>
    /// <param name="axis">The class axis (default −1).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"categorical_focal_crossentropy"</c>).</param>
    public CategoricalFocalCrossentropyLoss(float alpha = 0.25f, float gamma = 2f, bool fromLogits = false, float labelSmoothing = 0f,
                                        int axis = -1, Reduction reduction = Reduction.SumOverBatchSize,
                                        string name = "categorical_focal_crossentropy")
        : base(name, reduction)
    {
        if (!float.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be finite.");
        LossArguments.RequireNonNegativeFinite(gamma, nameof(gamma));
        LossArguments.RequireUnitInterval(labelSmoothing, nameof(labelSmoothing));
        Alpha = alpha;
        Gamma = gamma;
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    /// <summary>The weighting factor.</summary>
    public float Alpha { get; }

    /// <summary>The focusing parameter.</summary>
    public float Gamma { get; }

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
        int n = rows.Length;
        ReadOnlySpan<float> t = RowOps.Smooth(rows.YTrue, LabelSmoothing, 1f / n, Scratch(LabelSlot, rows.YTrue.Length));
        Span<float> q = Scratch(ProbSlot, rows.YPred.Length);
        if (FromLogits)
            SoftmaxKernel.Exponentials(rows.YPred, rows.Count, n, q, Scratch(LseSlot, rows.Count), Scratch(SumSlot, rows.Count), Scratch(TempSlot, rows.Count));
        else
            rows.YPred.CopyTo(q);

        for (int r = 0; r < rows.Count; r++)
        {
            int o = r * n;
            ReadOnlySpan<float> tr = t.Slice(o, n);
            Span<float> qr = q.Slice(o, n);
            // Keras renormalises even after a softmax; for probabilities the sum also scales the gradient.
            float s = RowOps.Sum(qr);
            for (int k = 0; k < n; k++) qr[k] /= s;
            if (!values.IsEmpty)
            {
                float v = 0f;
                for (int k = 0; k < n; k++)
                {
                    float c = RowOps.ClipProbability(qr[k], Epsilon);
                    v -= Alpha * MathF.Pow(1f - c, Gamma) * tr[k] * MathF.Log(c);
                }
                values[r] = v;
            }
            if (!grad.IsEmpty)
            {
                Span<float> g = grad.Slice(o, n);
                float dot = 0f;
                for (int k = 0; k < n; k++)
                {
                    float c = qr[k];
                    // d/dc of α(1 − c)^γ·(−t·log c), zero where the clip is active.
                    g[k] = RowOps.InsideClip(c, Epsilon)
                        ? Alpha * tr[k] * (Gamma * MathF.Pow(1f - c, Gamma - 1f) * MathF.Log(c) - MathF.Pow(1f - c, Gamma) / c)
                        : 0f;
                    dot += g[k] * c;
                }
                float u = upstream[r];
                // Through o = p/Σp: (g − g·o)/Σp; through a softmax: o ⊙ (g − g·o).
                if (FromLogits) for (int k = 0; k < n; k++) g[k] = u * qr[k] * (g[k] - dot);
                else for (int k = 0; k < n; k++) g[k] = u * (g[k] - dot) / s;
            }
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["categorical_focal_crossentropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["alpha", "gamma", "from_logits", "label_smoothing", "axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CategoricalFocalCrossentropyLoss(c.Float("alpha", 0.25f), c.Float("gamma", 2f), c.Bool("from_logits", false),
            c.Float("label_smoothing", 0f), c.Int("axis", -1),
            c.Reduction(Reduction.SumOverBatchSize), c.Name("categorical_focal_crossentropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("alpha", Alpha);
        writer.WriteNumber("gamma", Gamma);
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
        writer.WriteNumber("axis", Axis);
    }
}
