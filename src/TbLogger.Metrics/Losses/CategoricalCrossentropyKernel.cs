namespace TbLogger.Metrics.Losses;

/// <summary>
/// Categorical cross-entropy over contiguous rows, for dense or sparse labels and for logits or probabilities. Each pass
/// fills whichever of values (per-row loss) and grad (upstream-scaled derivative) it is given, so a combined
/// value-and-gradient call computes the softmax once.
/// </summary>
internal static class CategoricalCrossentropyKernel
{
    /// <summary>Scratch needed by the logits passes: exponentials (count × length) and three per-row buffers.</summary>
    internal readonly ref struct SoftmaxBuffers(Span<float> exps, Span<float> lse, Span<float> sums, Span<float> scratch)
    {
        public Span<float> Exps { get; } = exps;
        public Span<float> Lse { get; } = lse;
        public Span<float> Sums { get; } = sums;
        public Span<float> Scratch { get; } = scratch;
    }

    /// <summary>value = Σt·lse − Σt·x; ∂/∂x = Σt·softmax(x) − t (labels need not sum to 1).</summary>
    public static void DenseLogits(ReadOnlySpan<float> t, ReadOnlySpan<float> x, int count, int length, Span<float> values,
                                   ReadOnlySpan<float> upstream, Span<float> grad, SoftmaxBuffers b)
    {
        SoftmaxKernel.Exponentials(x, count, length, b.Exps, b.Lse, b.Sums, b.Scratch);
        bool wantValues = !values.IsEmpty, wantGrad = !grad.IsEmpty;
        for (int r = 0; r < count; r++)
        {
            int o = r * length;
            ReadOnlySpan<float> tr = t.Slice(o, length), xr = x.Slice(o, length), er = b.Exps.Slice(o, length);
            // One pass per row: Σt and Σt·x for the value; the gradient needs Σt first, so it takes a second short pass.
            float st = 0f, tx = 0f;
            for (int k = 0; k < tr.Length; k++)
            {
                st += tr[k];
                tx += tr[k] * xr[k];
            }
            if (wantValues) values[r] = st * b.Lse[r] - tx;
            if (wantGrad)
            {
                Span<float> g = grad.Slice(o, length);
                float u = upstream[r], f = u * st / b.Sums[r];
                for (int k = 0; k < g.Length; k++) g[k] = f * er[k] - u * tr[k];
            }
        }
    }

    /// <summary>
    /// Keras's probability form: o = p / Σp, clipped to [ε, 1 − ε], value = −Σ t·log o. With g = ∂value/∂o
    /// (zero where clipped), ∂value/∂p_k = (g_k − Σ g·o) / Σp.
    /// </summary>
    public static void DenseProbabilities(ReadOnlySpan<float> t, ReadOnlySpan<float> p, int count, int length, Span<float> values,
                                          ReadOnlySpan<float> upstream, Span<float> grad, float epsilon)
    {
        for (int r = 0; r < count; r++)
        {
            int o = r * length;
            ReadOnlySpan<float> tr = t.Slice(o, length), pr = p.Slice(o, length);
            float s = RowOps.Sum(pr);
            if (!values.IsEmpty)
            {
                float v = 0f;
                for (int k = 0; k < length; k++) v -= tr[k] * MathF.Log(RowOps.ClipProbability(pr[k] / s, epsilon));
                values[r] = v;
            }
            if (!grad.IsEmpty)
            {
                Span<float> g = grad.Slice(o, length);
                float dot = 0f;
                for (int k = 0; k < length; k++)
                {
                    float q = pr[k] / s;
                    g[k] = RowOps.InsideClip(q, epsilon) ? -tr[k] / q : 0f;
                    dot += g[k] * q;
                }
                float f = upstream[r] / s;
                for (int k = 0; k < length; k++) g[k] = (g[k] - dot) * f;
            }
        }
    }

    /// <summary>Sparse labels (one class index per row, already validated) with logits: value = lse − x_y; ∂/∂x = softmax − onehot.</summary>
    public static void SparseLogits(ReadOnlySpan<float> labels, ReadOnlySpan<float> x, int count, int length, Span<float> values,
                                    ReadOnlySpan<float> upstream, Span<float> grad, ReadOnlySpan<float> mask, SoftmaxBuffers b)
    {
        SoftmaxKernel.Exponentials(x, count, length, b.Exps, b.Lse, b.Sums, b.Scratch);
        for (int r = 0; r < count; r++)
        {
            int o = r * length;
            bool valid = mask.IsEmpty || mask[r] != 0f;
            int y = valid ? (int)labels[r] : 0;
            if (!values.IsEmpty) values[r] = valid ? b.Lse[r] - x[o + y] : 0f;
            if (!grad.IsEmpty)
            {
                Span<float> g = grad.Slice(o, length);
                if (!valid) { g.Clear(); continue; }
                ReadOnlySpan<float> er = b.Exps.Slice(o, length);
                float f = upstream[r] / b.Sums[r];
                for (int k = 0; k < g.Length; k++) g[k] = f * er[k];
                g[y] -= upstream[r];
            }
        }
    }

    /// <summary>Sparse labels with probabilities: value = −log clip(p_y / Σp).</summary>
    public static void SparseProbabilities(ReadOnlySpan<float> labels, ReadOnlySpan<float> p, int count, int length, Span<float> values,
                                           ReadOnlySpan<float> upstream, Span<float> grad, ReadOnlySpan<float> mask, float epsilon)
    {
        for (int r = 0; r < count; r++)
        {
            int o = r * length;
            bool valid = mask.IsEmpty || mask[r] != 0f;
            int y = valid ? (int)labels[r] : 0;
            ReadOnlySpan<float> pr = p.Slice(o, length);
            float s = RowOps.Sum(pr), q = pr[y] / s;
            if (!values.IsEmpty) values[r] = valid ? -MathF.Log(RowOps.ClipProbability(q, epsilon)) : 0f;
            if (!grad.IsEmpty)
            {
                Span<float> g = grad.Slice(o, length);
                if (!valid || !RowOps.InsideClip(q, epsilon)) { g.Clear(); continue; }
                // g_y = −1/q; ∂/∂p_k = (δ_ky·g_y − g_y·q) / s = (1 − δ_ky/q) / s.
                float f = upstream[r] / s;
                g.Fill(f);
                g[y] = f * (1f - 1f / q);
            }
        }
    }
}
