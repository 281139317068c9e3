using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TbLogger.Metrics;

/// <summary>
/// Vectorised, allocation-free kernels shared by the metrics. Reductions widen to double inside the vector loop, so a
/// batch sum is at least as exact as Keras's float32 <c>ops.sum</c>.
/// </summary>
internal static class MetricKernels
{
    /// <summary>Σ x, accumulated in double.</summary>
    public static double Sum(ReadOnlySpan<float> x)
    {
        int i = 0;
        double total = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            ref float r = ref MemoryMarshal.GetReference(x);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = Vector.LoadUnsafe(ref r, (nuint)i);
                Vector.Widen(v, out var lo, out var hi);
                acc0 += lo; acc1 += hi;
            }
            total = Vector.Sum(acc0 + acc1);
        }
        for (; i < x.Length; i++) total += x[i];
        return total;
    }

    /// <summary>Σ a·b, accumulated in double.</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        double total = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            ref float ra = ref MemoryMarshal.GetReference(a);
            ref float rb = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref ra, (nuint)i), out var alo, out var ahi);
                Vector.Widen(Vector.LoadUnsafe(ref rb, (nuint)i), out var blo, out var bhi);
                acc0 += alo * blo; acc1 += ahi * bhi;
            }
            total = Vector.Sum(acc0 + acc1);
        }
        for (; i < a.Length; i++) total += (double)a[i] * b[i];
        return total;
    }

    /// <summary>Σ (a − b)², differences in float (as Keras), squares and sum in double.</summary>
    public static double SumSquaredDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        double total = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            ref float ra = ref MemoryMarshal.GetReference(a);
            ref float rb = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var d = Vector.LoadUnsafe(ref ra, (nuint)i) - Vector.LoadUnsafe(ref rb, (nuint)i);
                Vector.Widen(d, out var lo, out var hi);
                acc0 += lo * lo; acc1 += hi * hi;
            }
            total = Vector.Sum(acc0 + acc1);
        }
        for (; i < a.Length; i++) { double d = a[i] - b[i]; total += d * d; }
        return total;
    }

    /// <summary>Number of i with ((pred[i] &gt; threshold) ? 1 : 0) == label[i] (Keras's binary_accuracy matches).</summary>
    public static long CountBinaryMatches(ReadOnlySpan<float> labels, ReadOnlySpan<float> pred, float threshold)
    {
        int i = 0;
        long count = 0;
        if (Vector.IsHardwareAccelerated && labels.Length >= Vector<float>.Count)
        {
            var thr = new Vector<float>(threshold);
            var one = Vector<float>.One;
            var acc = Vector<int>.Zero;
            ref float rt = ref MemoryMarshal.GetReference(labels);
            ref float rp = ref MemoryMarshal.GetReference(pred);
            int block = 0;
            for (; i <= labels.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = Vector.LoadUnsafe(ref rp, (nuint)i);
                var t = Vector.LoadUnsafe(ref rt, (nuint)i);
                var predicted = Vector.ConditionalSelect(Vector.GreaterThan(p, thr), one, Vector<float>.Zero);
                acc -= Vector.Equals(predicted, t); // true lanes are -1
                if (++block == 1 << 20) { count += Vector.Sum(acc); acc = Vector<int>.Zero; block = 0; }
            }
            count += Vector.Sum(acc);
        }
        for (; i < labels.Length; i++) if ((pred[i] > threshold ? 1f : 0f) == labels[i]) count++;
        return count;
    }

    /// <summary>Writes rows[r] = scale · Σ elements[r·width .. (r+1)·width).</summary>
    public static void RowSums(ReadOnlySpan<float> elements, int width, Span<float> rows, float scale)
    {
        if (width == 1)
        {
            if (scale == 1f) elements.CopyTo(rows);
            else TensorPrimitives.Multiply(elements, scale, rows);
            return;
        }
        for (int r = 0; r < rows.Length; r++)
            rows[r] = (float)(Sum(elements.Slice(r * width, width)) * scale);
    }

    /// <summary>Index of the first maximum of <paramref name="row"/> (Keras's argmax picks the first), or −1 when the row contains NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        if (Vector256.IsHardwareAccelerated && row.Length >= Vector256<float>.Count && row.Length <= 64)
            return ArgMaxVector256(row);
        if (row.Length > 64)
        {
            int i = TensorPrimitives.IndexOfMax(row); // returns the first NaN when there is one
            return float.IsNaN(row[i]) ? -1 : i;
        }
        int best = 0;
        float max = row[0];
        if (float.IsNaN(max)) return -1;
        for (int j = 1; j < row.Length; j++)
        {
            float v = row[j];
            if (v > max) { max = v; best = j; }
            else if (float.IsNaN(v)) return -1;
        }
        return best;
    }

    /// <summary>
    /// Whether <paramref name="label"/> is the first maximum of <paramref name="row"/> (argmax(row) == label) without
    /// computing the argmax: no element is greater, and no earlier element is equal. 1 = yes, 0 = no, −1 = NaN in the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IsFirstMax(ReadOnlySpan<float> row, int label)
    {
        int n = row.Length, w = Vector256<float>.Count;
        if (!Vector256.IsHardwareAccelerated || n < w || n > 32)
        {
            int a = ArgMax(row);
            return a < 0 ? -1 : a == label ? 1 : 0;
        }
        ref float r = ref MemoryMarshal.GetReference(row);
        var v = Vector256.Create(row[label]);
        uint greater = 0, equal = 0, notNaN = 0;
        for (int j = 0; j < n; j += w)
        {
            int start = Math.Min(j, n - w);
            var c = Vector256.LoadUnsafe(ref r, (nuint)start);
            greater |= Vector256.GreaterThan(c, v).ExtractMostSignificantBits() << start;
            equal |= Vector256.Equals(c, v).ExtractMostSignificantBits() << start;
            notNaN |= Vector256.Equals(c, c).ExtractMostSignificantBits() << start;
        }
        uint all = n == 32 ? uint.MaxValue : (1u << n) - 1;
        if (notNaN != all) return -1;
        return greater == 0 && (equal & ((1u << label) - 1)) == 0 ? 1 : 0;
    }

    private static int ArgMaxVector256(ReadOnlySpan<float> row)
    {
        int n = row.Length, w = Vector256<float>.Count;
        ref float r = ref MemoryMarshal.GetReference(row);
        var m = Vector256.LoadUnsafe(ref r);
        for (int j = w; j < n; j += w)
            m = Vector256.Max(m, Vector256.LoadUnsafe(ref r, (nuint)Math.Min(j, n - w)));
        var h = Vector128.Max(m.GetLower(), m.GetUpper());
        h = Vector128.Max(h, Vector128.Shuffle(h, Vector128.Create(2, 3, 0, 1)));
        h = Vector128.Max(h, Vector128.Shuffle(h, Vector128.Create(1, 0, 3, 2)));
        float m0 = h.ToScalar();
        if (float.IsNaN(m0)) return -1; // Vector Max propagates NaN (IEEE 754:2019 maximum)
        var max = Vector256.Create(m0);
        for (int j = 0; j < n; j += w)
        {
            int start = Math.Min(j, n - w);
            uint bits = Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)start), max).ExtractMostSignificantBits();
            if (bits != 0) return start + BitOperations.TrailingZeroCount(bits);
        }
        return -1; // unreachable: the maximum is an element of the row
    }

    /// <summary>
    /// Keras's in_top_k: true when fewer than k classes score strictly higher than <paramref name="target"/> (ties count
    /// as in). NaN as Keras's numpy backend ranks it: above every number (a NaN takes a top-k slot), and a NaN target is
    /// never in the top k (NaN ≥ x is false).
    /// </summary>
    public static bool InTopK(ReadOnlySpan<float> row, int target, int k)
    {
        float v = row[target];
        if (float.IsNaN(v)) return false;
        int greater = 0;
        foreach (float x in row)
            if ((x > v || float.IsNaN(x)) && ++greater >= k) return false;
        return true;
    }

    /// <summary>NumPy's argmax (Keras's numpy backend): the first maximum, or the first NaN when the row has one.</summary>
    public static int ArgMaxNumPy(ReadOnlySpan<float> row)
    {
        int a = ArgMax(row);
        if (a >= 0) return a;
        for (int i = 0; i < row.Length; i++) if (float.IsNaN(row[i])) return i;
        return -1; // unreachable: ArgMax returns −1 only when the row has a NaN
    }
}
