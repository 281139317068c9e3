using System.Buffers;
using System.Runtime.InteropServices;

namespace TbLogger;

/// <summary>
/// Sorts finite doubles by their bits, a byte at a time from the lowest (least-significant-digit radix sort): eight
/// counting passes at most, each skipped when every value has the same byte there, instead of a comparison sort's
/// n log n mispredicted branches. The Stone bin rule sorts every value (issue 19: for 1M values the comparison sort was
/// about a third of that rule's time, the rest its thousand bucket counts; 545-630x a TensorPrimitives.Sum over them
/// before, 387-396x after). The order is a comparison sort's (-0 and +0 compare equal: either may come first).
/// </summary>
internal static class RadixSort
{
    /// <summary>Below this many values a comparison sort is as fast and needs no buffer.</summary>
    private const int ComparisonBelow = 4096;

    private const ulong SignBit = 1UL << 63;

    /// <summary>
    /// Sorts <paramref name="values"/> (finite: NaN has no place in the order) in place, ascending, with a rented
    /// buffer of the same size (n × 8 bytes) for the passes to move the keys between.
    /// </summary>
    public static void Sort(Span<double> values)
    {
        int n = values.Length;
        if (n < ComparisonBelow)
        {
            values.Sort();
            return;
        }
        // The values' own memory holds keys whose unsigned order is the doubles' order: a positive double's bits with
        // the sign set, a negative double's bits all flipped (so a larger magnitude sorts lower).
        Span<ulong> keys = MemoryMarshal.Cast<double, ulong>(values);
        for (int i = 0; i < n; i++)
        {
            ulong bits = keys[i];
            keys[i] = (bits & SignBit) != 0 ? ~bits : bits | SignBit;
        }
        ulong[] rented = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            Span<ulong> other = rented.AsSpan(0, n);
            // Every byte's counts in one pass, then one scatter pass per byte that differs between values.
            Span<int> counts = stackalloc int[8 * 256];
            counts.Clear();
            foreach (ulong key in keys)
            {
                for (int b = 0; b < 8; b++)
                {
                    counts[(b << 8) | (int)((key >> (b << 3)) & 0xFF)]++;
                }
            }
            Span<ulong> from = keys, to = other;
            Span<int> offsets = stackalloc int[256];
            for (int b = 0; b < 8; b++)
            {
                Span<int> digit = counts.Slice(b << 8, 256);
                int shift = b << 3;
                if (digit[(int)((from[0] >> shift) & 0xFF)] == n)
                {
                    // Every value has this byte: the pass would move nothing.
                    continue;
                }
                int sum = 0;
                for (int d = 0; d < 256; d++)
                {
                    offsets[d] = sum;
                    sum += digit[d];
                }
                foreach (ulong key in from)
                {
                    to[offsets[(int)((key >> shift) & 0xFF)]++] = key;
                }
                Span<ulong> swap = from;
                from = to;
                to = swap;
            }
            if (from != keys)
            {
                from.CopyTo(keys);
            }
            for (int i = 0; i < n; i++)
            {
                ulong key = keys[i];
                keys[i] = (key & SignBit) != 0 ? key & ~SignBit : ~key;
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }
}
