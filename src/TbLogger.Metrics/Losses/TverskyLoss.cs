using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>Tversky</c> loss (Salehi et al., 2017): 1 − TP / (TP + α·FP + β·FN + ε) with TP = Σ y_pred·y_true,
/// FP = Σ y_pred·(1 − y_true), FN = Σ (1 − y_pred)·y_true over <see cref="Axes"/> (identifier <c>"tversky"</c>;
/// config keys <c>alpha</c>, <c>beta</c>, <c>axis</c>). α = β = 0.5 gives the DiceLoss loss.
/// </summary>
public sealed class TverskyLoss : Loss, IRegisteredLoss
{
    private readonly int[]? _axes;

    /// <summary>Creates the loss.</summary>
    /// <param name="alpha">Weight of false positives (default 0.5).</param>
    /// <param name="beta">Weight of false negatives (default 0.5).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="axis">Axes to reduce: null (default) for all, one axis, or trailing axes.</param>
    /// <param name="name">The name (default <c>"tversky"</c>).</param>
    public TverskyLoss(float alpha = 0.5f, float beta = 0.5f, IReadOnlyList<int>? axis = null,
                       Reduction reduction = Reduction.SumOverBatchSize, string name = "tversky")
        : base(name, reduction)
    {
        LossArguments.RequireNonNegativeFinite(alpha, nameof(alpha));
        LossArguments.RequireNonNegativeFinite(beta, nameof(beta));
        Alpha = alpha;
        Beta = beta;
        _axes = SegmentationAxes.Copy(axis);
    }

    /// <summary>Weight of false positives.</summary>
    public float Alpha { get; }

    /// <summary>Weight of false negatives.</summary>
    public float Beta { get; }

    /// <summary>The reduced axes, or null for all.</summary>
    public IReadOnlyList<int>? Axes => _axes;

    private protected override LossAxes GetAxes(int rank) => SegmentationAxes.Resolve(_axes, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            Terms(rows.TrueRow(r), rows.PredRow(r), out float tp, out float d);
            values[r] = 1f - tp / d;
        }
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<float> t = rows.TrueRow(r);
            Terms(t, rows.PredRow(r), out float tp, out float d);
            Span<float> g = grad.Slice(r * rows.Length, rows.Length);
            float f = upstream[r] / (d * d);
            // ∂TP/∂p_k = t_k and ∂D/∂p_k = t_k + α(1 − t_k) − β·t_k, so ∂(−TP/D)/∂p_k = −(t_k·D − TP·∂D/∂p_k)/D².
            for (int k = 0; k < g.Length; k++)
                g[k] = -f * (t[k] * d - tp * (t[k] + Alpha * (1f - t[k]) - Beta * t[k]));
        }
    }

    private void Terms(ReadOnlySpan<float> t, ReadOnlySpan<float> p, out float tp, out float denominator)
    {
        float fp = 0f, fn = 0f;
        tp = 0f;
        for (int k = 0; k < p.Length; k++)
        {
            tp += p[k] * t[k];
            fp += p[k] * (1f - t[k]);
            fn += (1f - p[k]) * t[k];
        }
        denominator = tp + Alpha * fp + Beta * fn + Epsilon;
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["tversky"];

    static string[] IRegisteredLoss.ConfigKeys => ["alpha", "beta", "axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new TverskyLoss(c.Float("alpha", 0.5f), c.Float("beta", 0.5f), c.Axes("axis"), c.Reduction(Reduction.SumOverBatchSize),
            c.Name("tversky"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("alpha", Alpha);
        writer.WriteNumber("beta", Beta);
        SegmentationAxes.Write(writer, _axes);
    }
}
