using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Row-wise softmax pieces in log-sum-exp form: exponentials are taken of x − m with m at least each row's maximum's
/// neighbourhood, so they never overflow, and log-softmax is x − lse without ever forming log(softmax).
/// </summary>
/// <remarks>
/// lse = m + log Σ exp(x − m) holds for any shift m. Shifting the whole batch by its global maximum lets the subtraction
/// and the exponentials run as single vectorised calls; only a row whose own maximum lies so far below the global one
/// that its sum leaves float's normal range is redone with its own maximum, so precision is never lost.
/// </remarks>
internal static class SoftmaxKernel
{
    // Below this a row's sum may have lost precision to underflow; exp(−69) ≈ 1e-30 is still a normal float.
    private const float SmallestSafeSum = 1e-30f;

    /// <summary>
    /// Writes e = exp(x − m_r) for every element, sums[r] = Σ e over row r, and lse[r] = log Σ exp(x) over row r.
    /// </summary>
    public static void Exponentials(ReadOnlySpan<float> x, int count, int length, Span<float> e, Span<float> lse,
                                    Span<float> sums, Span<float> scratch)
    {
        float shift = TensorPrimitives.Max(x);
        bool global = float.IsFinite(shift);
        if (global)
        {
            TensorPrimitives.Subtract(x, shift, e);
            TensorPrimitives.Exp(e, e);
        }
        for (int r = 0; r < count; r++)
        {
            int o = r * length;
            float s = global ? RowOps.Sum(e.Slice(o, length)) : 0f;
            float m = shift;
            if (!(s >= SmallestSafeSum))
            {
                ReadOnlySpan<float> row = x.Slice(o, length);
                Span<float> er = e.Slice(o, length);
                m = RowOps.Max(row);
                for (int k = 0; k < row.Length; k++) er[k] = MathF.Exp(row[k] - m);
                s = RowOps.Sum(er);
            }
            lse[r] = m;
            sums[r] = s;
        }
        TensorPrimitives.Log(sums, scratch);
        TensorPrimitives.Add(lse, scratch, lse);
    }
}
