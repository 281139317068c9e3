using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>BinaryFocalCrossentropy</c> (Lin et al., 2018): binary cross-entropy scaled by (1 − p_t)^γ, optionally by
/// α for class 1 and 1 − α for class 0, averaged over <see cref="Axis"/> (identifier <c>"binary_focal_crossentropy"</c>;
/// config keys <c>apply_class_balancing</c>, <c>alpha</c>, <c>gamma</c>, <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>).
/// </summary>
/// <remarks>As in Keras, logits go through a sigmoid and then the clipped probability form.</remarks>
public sealed class BinaryFocalCrossentropyLoss : Loss, IRegisteredLoss
{
    private const int LabelSlot = LossScratch.FirstKernelSlot, ErrorSlot = LabelSlot + 1;

    /// <summary>Creates the loss.</summary>
    /// <param name="applyClassBalancing">Whether to weight class 1 by α and class 0 by 1 − α (default false).</param>
    /// <param name="alpha">The class-1 weight when balancing, in [0, 1] (default 0.25).</param>
    /// <param name="gamma">The focusing parameter, ≥ 0 (default 2); 0 gives plain binary cross-entropy.</param>
    /// <param name="fromLogits">Whether yPred holds logits (default false).</param>
    /// <param name="labelSmoothing">In [0, 1]: labels become t·(1 − s) + s/2 (default 0).</param>
    /// <param name="axis">The axis averaged over (default −1).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"binary_focal_crossentropy"</c>).</param>
    public BinaryFocalCrossentropyLoss(bool applyClassBalancing = false, float alpha = 0.25f, float gamma = 2f, bool fromLogits = false,
                                   float labelSmoothing = 0f, int axis = -1, Reduction reduction = Reduction.SumOverBatchSize,
                                   string name = "binary_focal_crossentropy")
        : base(name, reduction)
    {
        LossArguments.RequireUnitInterval(alpha, nameof(alpha));
        LossArguments.RequireNonNegativeFinite(gamma, nameof(gamma));
        LossArguments.RequireUnitInterval(labelSmoothing, nameof(labelSmoothing));
        ApplyClassBalancing = applyClassBalancing;
        Alpha = alpha;
        Gamma = gamma;
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    /// <summary>Whether classes are weighted by α / 1 − α.</summary>
    public bool ApplyClassBalancing { get; }

    /// <summary>The class-1 weight when balancing.</summary>
    public float Alpha { get; }

    /// <summary>The focusing parameter.</summary>
    public float Gamma { get; }

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
        ReadOnlySpan<float> x = rows.YPred;
        Span<float> e = Scratch(ErrorSlot, x.Length);
        for (int i = 0; i < x.Length; i++) e[i] = Element(t[i], FromLogits ? Sigmoid(x[i]) : x[i], out _);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = RowOps.Smooth(rows.YTrue, LabelSmoothing, 0.5f, Scratch(LabelSlot, rows.YTrue.Length));
        ReadOnlySpan<float> x = rows.YPred;
        for (int i = 0; i < x.Length; i++)
        {
            float p = FromLogits ? Sigmoid(x[i]) : x[i];
            Element(t[i], p, out float d);
            grad[i] = FromLogits ? d * p * (1f - p) : d;
        }
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // loss = w · (1 − p_t)^γ · bce(o), o = clip(p); returns it and its derivative with respect to p.
    private float Element(float t, float p, out float derivative)
    {
        float o = RowOps.ClipProbability(p, Epsilon);
        float bce = -(t * MathF.Log(o) + (1f - t) * MathF.Log(1f - o));
        float dBce = RowOps.InsideClip(p, Epsilon) ? (1f - t) / (1f - p) - t / p : 0f;
        // Keras computes p_t from the unclipped prediction.
        float oneMinusPt = 1f - (t * p + (1f - t) * (1f - p));
        float focal = MathF.Pow(oneMinusPt, Gamma);
        float dFocal = Gamma == 0f || oneMinusPt <= 0f ? 0f : Gamma * MathF.Pow(oneMinusPt, Gamma - 1f) * (1f - 2f * t);
        float weight = ApplyClassBalancing ? t * Alpha + (1f - t) * (1f - Alpha) : 1f;
        derivative = weight * (dFocal * bce + focal * dBce);
        return weight * focal * bce;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["binary_focal_crossentropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new BinaryFocalCrossentropyLoss(c.Bool("apply_class_balancing", false), c.Float("alpha", 0.25f), c.Float("gamma", 2f),
            c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1),
            c.Reduction(Reduction.SumOverBatchSize), c.Name("binary_focal_crossentropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("apply_class_balancing", ApplyClassBalancing);
        writer.WriteNumber("alpha", Alpha);
        writer.WriteNumber("gamma", Gamma);
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
        writer.WriteNumber("axis", Axis);
    }
}
