using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>Circle</c> loss (Sun et al. 2020) between integer labels <c>[N]</c> and L2-normalised embeddings
/// <c>[N, D]</c>: with cosine distances D = max(1 − pᵢ·pⱼ, 0) over the batch, positives (same label; not i = j when
/// <see cref="RemoveDiagonal"/>) score γ·(D² − m²) and negatives γ·max(1 + m − D, 0)·(1 − m − D); the loss of sample i is
/// softplus(logsumexp over its positives + logsumexp over its negatives) (identifier <c>"circle"</c>).
/// </summary>
/// <remarks>
/// Each value depends on the whole batch, and the gradient (exact, through Keras's non-detached weights) flows to every
/// embedding. As in Keras, samples whose loss is 0 (no positive or no negative) are masked: the default reduction
/// divides by the number of positive losses.
/// </remarks>
public sealed class CircleLoss : Loss, IRegisteredLoss
{
    private const int ValueSlot = LossScratch.FirstKernelSlot, DotSlot = ValueSlot + 1;

    /// <summary>Creates the loss.</summary>
    /// <param name="gamma">Scale of the similarity scores (Keras's default 80).</param>
    /// <param name="margin">Relaxation margin m (default 0.4).</param>
    /// <param name="removeDiagonal">True to leave each sample out of its own positives (default).</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"circle"</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">gamma or margin is not finite.</exception>
    public CircleLoss(float gamma = 80f, float margin = 0.4f, bool removeDiagonal = true, Reduction reduction = Reduction.SumOverBatchSize,
                      string name = "circle")
        : base(name, reduction)
    {
        if (!float.IsFinite(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite.");
        if (!float.IsFinite(margin)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "margin must be finite.");
        Gamma = gamma;
        Margin = margin;
        RemoveDiagonal = removeDiagonal;
    }

    /// <summary>Scale of the similarity scores.</summary>
    public float Gamma { get; }

    /// <summary>The relaxation margin.</summary>
    public float Margin { get; }

    /// <summary>Whether a sample is left out of its own positives.</summary>
    public bool RemoveDiagonal { get; }

    private protected override LabelLayout Labels => LabelLayout.Sparse;

    private protected override void Forward(in LossRows rows, Span<float> values) => Pass(rows, values, default, default);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad) => Pass(rows, default, upstream, grad);

    // Keras masks the zero losses (set_keras_mask(loss, loss > 0)).
    private protected override bool WriteMask(in LossRows rows, Span<float> mask)
    {
        Span<float> values = Scratch(ValueSlot, rows.Count);
        Pass(rows, values, default, default);
        for (int i = 0; i < mask.Length; i++) mask[i] = values[i] > 0f ? 1f : 0f;
        return true;
    }

    private void Pass(in LossRows rows, Span<float> values, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        int n = rows.Count, d = rows.Length;
        ReadOnlySpan<float> p = rows.YPred, labels = rows.YTrue;
        Span<float> distance = Scratch(DotSlot, n * n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                distance[i * n + j] = 1f - RowOps.Dot(p.Slice(i * d, d), p.Slice(j * d, d));
        if (!grad.IsEmpty) grad.Clear();
        double m = Margin, gamma = Gamma;
        for (int i = 0; i < n; i++)
        {
            // logsumexp over positives (P) and negatives (N) of the weighted scores.
            double maxP = double.NegativeInfinity, maxN = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                double s = Score(i, j, n, labels, distance, m, gamma, out bool positive, out bool counts);
                if (!counts) continue;
                if (positive) maxP = Math.Max(maxP, s); else maxN = Math.Max(maxN, s);
            }
            double sumP = 0, sumN = 0;
            for (int j = 0; j < n; j++)
            {
                double s = Score(i, j, n, labels, distance, m, gamma, out bool positive, out bool counts);
                if (!counts) continue;
                if (positive) sumP += Math.Exp(s - maxP); else sumN += Math.Exp(s - maxN);
            }
            double lseP = sumP > 0 ? maxP + Math.Log(sumP) : double.NegativeInfinity;
            double lseN = sumN > 0 ? maxN + Math.Log(sumN) : double.NegativeInfinity;
            double x = lseP + lseN;
            if (!values.IsEmpty) values[i] = double.IsNegativeInfinity(x) ? 0f : (float)(Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))));
            if (grad.IsEmpty || double.IsNegativeInfinity(x)) continue;
            // d softplus(P + N) = σ(P + N); dP/ds_ij = softmax weight; ds/dD = 2γD (positives), 2γ(D − 1) (active negatives);
            // dD_ij/dp_i = −p_j and dD_ij/dp_j = −p_i where 1 − p_i·p_j > 0 (D is clipped at 0).
            double sigma = upstream[i] / (1 + Math.Exp(-x));
            for (int j = 0; j < n; j++)
            {
                double s = Score(i, j, n, labels, distance, m, gamma, out bool positive, out bool counts);
                if (!counts) continue;
                double raw = distance[i * n + j];
                if (raw <= 0) continue;
                double dScore = positive ? 2 * gamma * raw : (1 + m - raw > 0 ? 2 * gamma * (raw - 1) : 0);
                double c = sigma * Math.Exp(s - (positive ? lseP : lseN)) * dScore;
                if (c == 0) continue;
                Span<float> gi = grad.Slice(i * d, d), gj = grad.Slice(j * d, d);
                ReadOnlySpan<float> pi = p.Slice(i * d, d), pj = p.Slice(j * d, d);
                for (int k = 0; k < d; k++)
                {
                    gi[k] -= (float)(c * pj[k]);
                    gj[k] -= (float)(c * pi[k]);
                }
            }
        }
    }

    // The weighted score of pair (i, j): positives −γ·max(m + D, 0)·(m − D), negatives γ·max(1 + m − D, 0)·(1 − m − D).
    private double Score(int i, int j, int n, ReadOnlySpan<float> labels, ReadOnlySpan<float> distance, double m, double gamma,
                         out bool positive, out bool counts)
    {
        positive = labels[i] == labels[j];
        counts = !(positive && RemoveDiagonal && i == j);
        double dist = Math.Max(distance[i * n + j], 0f);
        return positive
            ? -gamma * Math.Max(m + dist, 0) * (m - dist)
            : gamma * Math.Max(1 + m - dist, 0) * (1 - m - dist);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["circle"];

    static string[] IRegisteredLoss.ConfigKeys => ["gamma", "margin", "remove_diagonal"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CircleLoss(c.Float("gamma", 80f), c.Float("margin", 0.4f), c.Bool("remove_diagonal", true),
            c.Reduction(Reduction.SumOverBatchSize), c.Name("circle"));

    private protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("gamma", Gamma);
        writer.WriteNumber("margin", Margin);
        writer.WriteBoolean("remove_diagonal", RemoveDiagonal);
    }
}
