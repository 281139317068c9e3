using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>CosineSimilarity</c> loss: −Σ l2_normalize(y_true)·l2_normalize(y_pred) over <see cref="Axis"/>, between
/// −1 (same direction) and 1; 0 when either vector is zero (identifier <c>"cosine_similarity"</c>; config key <c>axis</c>).
/// </summary>
/// <remarks>As in Keras, a vector is divided by max(‖x‖, ε), so zero vectors give 0 rather than NaN.</remarks>
public sealed class CosineSimilarityLoss : Loss, IRegisteredLoss
{
    private const float SquaredEpsilon = Epsilon * Epsilon;

    /// <summary>Creates the loss.</summary>
    /// <param name="axis">The axis along which similarity is computed (default −1).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"cosine_similarity"</c>).</param>
    public CosineSimilarityLoss(int axis = -1, Reduction reduction = Reduction.SumOverBatchSize, string name = "cosine_similarity")
        : base(name, reduction)
    {
        Axis = axis;
    }

    /// <summary>The axis along which similarity is computed.</summary>
    public int Axis { get; }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(Axis, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<float> t = rows.TrueRow(r), p = rows.PredRow(r);
            values[r] = -RowOps.Dot(t, p) * InverseNorm(t) * InverseNorm(p);
        }
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<float> t = rows.TrueRow(r), p = rows.PredRow(r);
            Span<float> g = grad.Slice(r * rows.Length, rows.Length);
            float squared = RowOps.Dot(p, p);
            float it = InverseNorm(t), ip = 1f / MathF.Sqrt(MathF.Max(squared, SquaredEpsilon));
            float u = upstream[r];
            // With a = t/‖t‖ and b = p/‖p‖: ∂(−a·b)/∂p = −(a − (a·b)·b)/‖p‖; below ε the norm is a constant.
            float ab = squared > SquaredEpsilon ? RowOps.Dot(t, p) * it * ip : 0f;
            for (int k = 0; k < g.Length; k++) g[k] = -u * ip * (t[k] * it - ab * p[k] * ip);
        }
    }

    private static float InverseNorm(ReadOnlySpan<float> x) => 1f / MathF.Sqrt(MathF.Max(RowOps.Dot(x, x), SquaredEpsilon));

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["cosine_similarity"];

    static string[] IRegisteredLoss.ConfigKeys => ["axis"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CosineSimilarityLoss(c.Int("axis", -1), c.Reduction(Reduction.SumOverBatchSize), c.Name("cosine_similarity"));

    private protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("axis", Axis);
}
