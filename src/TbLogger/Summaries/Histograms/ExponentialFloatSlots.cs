using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbLogger;

/// <summary>
/// The exponential bucket of a float, read from a table instead of computed (issue 19: binning was 23–46× a
/// <c>TensorPrimitives.Sum</c>). A float's top 13 bits (sign, exponent and 4 mantissa bits) name a slot of floats that
/// spans at most 1/16 of its magnitude, less than the 10% between two edges, so at most one edge falls inside a slot:
/// its bucket is one of two, chosen by comparing the float's bits with the first bits of the second bucket. The table
/// is derived from <see cref="ExponentialEdges.Bucket(double)"/> itself (a float widens to double exactly), so every
/// float gets exactly the bucket the double path gives it; NaN and infinities get <see cref="Skipped"/>.
/// </summary>
internal static class ExponentialFloatSlots
{
    private const int Shift = 19;

    /// <summary>The bucket index for NaN and ±infinity: one past the last bucket.</summary>
    public static int Skipped => ExponentialEdges.BucketCount;

    // Entry: bits 0-31 the first float bits of the slot's second bucket (uint.MaxValue when the slot has one bucket),
    // bits 32-47 the slot's first bucket, bits 48-63 the signed step to its second (+1, 0 or -1: negatives count down).
    private static readonly ulong[] s_slots = Build();

    private static ulong[] Build()
    {
        var slots = new ulong[1 << (32 - Shift)];
        for (int slot = 0; slot < slots.Length; slot++)
        {
            uint first = (uint)slot << Shift;
            uint last = first | ((1u << Shift) - 1);
            if (!float.IsFinite(BitConverter.UInt32BitsToSingle(first)))
            {
                slots[slot] = Entry(uint.MaxValue, Skipped, Skipped);
                continue;
            }
            int low = BucketOf(first), high = BucketOf(last);
            if (low == high)
            {
                slots[slot] = Entry(uint.MaxValue, low, low);
                continue;
            }
            // The bucket is monotonic in the bits within a slot (increasing for positives, decreasing for negatives):
            // find the first bits whose bucket is no longer the slot's first one.
            uint lo = first, hi = last;
            while (lo < hi)
            {
                uint mid = lo + (hi - lo) / 2;
                if (BucketOf(mid) == low)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            if (BucketOf(lo) != high || BucketOf(lo - 1) != low)
            {
                throw new InvalidOperationException($"Slot {slot} spans more than two exponential buckets.");
            }
            slots[slot] = Entry(lo, low, high);
        }
        return slots;
    }

    private static int BucketOf(uint bits) => ExponentialEdges.Bucket(BitConverter.UInt32BitsToSingle(bits));

    private static ulong Entry(uint key, int first, int second) => key | ((ulong)(uint)first << 32) | ((ulong)(ushort)(short)(second - first) << 48);

    /// <summary>The bucket of <paramref name="value"/>, or <see cref="Skipped"/> when it is NaN or infinite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Bucket(float value) => Bucket(BitConverter.SingleToUInt32Bits(value), ref MemoryMarshal.GetArrayDataReference(s_slots));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bucket(uint bits, ref ulong slots)
    {
        ulong entry = Unsafe.Add(ref slots, (nint)(bits >> Shift));
        // Without a branch: in a slot that holds an edge the comparison goes either way at random, and a mispredicted
        // branch cost more than the rest of the lookup.
        bool second = bits >= (uint)entry;
        int step = (int)((long)entry >> 48) & -Unsafe.As<bool, byte>(ref second);
        return ((int)(entry >> 32) & 0xFFFF) + step;
    }

    /// <summary>
    /// Adds each value's bucket into <paramref name="counts"/> (at least <see cref="Skipped"/> + 1 entries; NaN and
    /// infinities land in the last). Four interleaved count arrays, so runs of equal buckets do not chain every
    /// increment on the previous store to the same slot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(ReadOnlySpan<float> values, Span<int> counts)
    {
        int stride = Skipped + 1;
        if (counts.Length < stride)
        {
            throw new ArgumentException("Too few counts.", nameof(counts));
        }
        int[] rented = System.Buffers.ArrayPool<int>.Shared.Rent(4 * stride);
        try
        {
            Span<int> lanes = rented.AsSpan(0, 4 * stride);
            lanes.Clear();
            ref int c0 = ref MemoryMarshal.GetReference(lanes);
            ref int c1 = ref Unsafe.Add(ref c0, stride);
            ref int c2 = ref Unsafe.Add(ref c0, 2 * stride);
            ref int c3 = ref Unsafe.Add(ref c0, 3 * stride);
            ref ulong slots = ref MemoryMarshal.GetArrayDataReference(s_slots);
            ref uint bits = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(values));
            int n = values.Length, i = 0;
            for (; i <= n - 4; i += 4)
            {
                Unsafe.Add(ref c0, Bucket(Unsafe.Add(ref bits, i), ref slots))++;
                Unsafe.Add(ref c1, Bucket(Unsafe.Add(ref bits, i + 1), ref slots))++;
                Unsafe.Add(ref c2, Bucket(Unsafe.Add(ref bits, i + 2), ref slots))++;
                Unsafe.Add(ref c3, Bucket(Unsafe.Add(ref bits, i + 3), ref slots))++;
            }
            for (; i < n; i++)
            {
                Unsafe.Add(ref c0, Bucket(Unsafe.Add(ref bits, i), ref slots))++;
            }
            for (int j = 0; j < stride; j++)
            {
                counts[j] += lanes[j] + lanes[stride + j] + lanes[2 * stride + j] + lanes[3 * stride + j];
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }
    }
}
