using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>Dice</c> loss: 1 − 2·Σ y_true·y_pred / (Σ y_true + Σ y_pred + ε) over <see cref="Axes"/>
/// (identifier <c>"dice"</c>; config key <c>axis</c>).
/// </summary>
/// <remarks>
/// As in Keras, the default axis (null) reduces the whole batch to a single value; pass the non-batch axes, e.g.
/// [1, 2, 3], for one value per sample. Sample weights must then broadcast onto that per-sample shape.
/// </remarks>
public sealed class DiceLoss : Loss, IRegisteredLoss
{
    private readonly int[]? _axes;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="axis">Axes to reduce: null (default) for all, one axis, or trailing axes.</param>
    /// <param name="name">The name (default <c>"dice"</c>).</param>
    public DiceLoss(IReadOnlyList<int>? axis = null, Reduction reduction = Reduction.SumOverBatchSize, string name = "dice")
        : base(name, reduction)
    {
        _axes = SegmentationAxes.Copy(axis);
    }

    /// <summary>The reduced axes, or null for all.</summary>
    public IReadOnlyList<int>? Axes => _axes;

    private protected override LossAxes GetAxes(int rank) => SegmentationAxes.Resolve(_axes, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<float> t = rows.TrueRow(r), p = rows.PredRow(r);
            values[r] = 1f - 2f * RowOps.Dot(t, p) / (RowOps.Sum(t) + RowOps.Sum(p) + Epsilon);
        }
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<float> t = rows.TrueRow(r), p = rows.PredRow(r);
            Span<float> g = grad.Slice(r * rows.Length, rows.Length);
            float intersection = RowOps.Dot(t, p), d = RowOps.Sum(t) + RowOps.Sum(p) + Epsilon;
            // ∂/∂p_k of −2I/D = −(2·t_k·D − 2I)/D².
            float f = upstream[r] * 2f / (d * d);
            for (int k = 0; k < g.Length; k++) g[k] = f * (intersection - t[k] * d);
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["dice"];

    static string[] IRegisteredLoss.ConfigKeys => ["axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new DiceLoss(c.Axes("axis"), c.Reduction(Reduction.SumOverBatchSize), c.Name("dice"));

    private protected override void WriteConfig(Utf8JsonWriter writer) => SegmentationAxes.Write(writer, _axes);
}
