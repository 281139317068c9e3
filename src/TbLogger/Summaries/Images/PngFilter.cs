using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TbLogger;

/// <summary>
/// PNG's five row filters (None, Sub, Up, Average, Paeth; RFC 2083 section 6) and the usual heuristic for choosing
/// one per row: the filter whose output has the smallest sum of |byte as signed|, because small residuals compress
/// best. Each filter runs 16 bytes at a time; the scalar tails follow the specification literally.
/// </summary>
internal static class PngFilter
{
    public const byte None = 0;
    public const byte Sub = 1;
    public const byte Up = 2;
    public const byte Average = 3;
    public const byte Paeth = 4;

    /// <summary>
    /// Filters <paramref name="row"/> with every filter and writes the best one, prefixed by its type byte, to
    /// <paramref name="destination"/> (row.Length + 1 bytes). <paramref name="prior"/> is the previous raw row
    /// (zeros for the first); <paramref name="scratch"/> holds 3 × row.Length bytes.
    /// </summary>
    /// <returns>The chosen filter type.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte FilterBest(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bytesPerPixel, Span<byte> scratch, Span<byte> destination)
    {
        int length = row.Length;
        var sub = scratch.Slice(0, length);
        var up = scratch.Slice(length, length);
        var paeth = scratch.Slice(2 * length, length);
        var average = destination.Slice(1, length);

        long best = Score(row);
        byte bestType = None;
        Consider(FilterSub(row, bytesPerPixel, sub), Sub, ref best, ref bestType);
        Consider(FilterUp(row, prior, up), Up, ref best, ref bestType);
        Consider(FilterPaeth(row, prior, bytesPerPixel, paeth), Paeth, ref best, ref bestType);
        // Average is written straight into the destination, so choosing it costs no copy.
        Consider(FilterAverage(row, prior, bytesPerPixel, average), Average, ref best, ref bestType);

        destination[0] = bestType;
        switch (bestType)
        {
            case None: row.CopyTo(average); break;
            case Sub: sub.CopyTo(average); break;
            case Up: up.CopyTo(average); break;
            case Paeth: paeth.CopyTo(average); break;
        }
        return bestType;
    }

    private static void Consider(long score, byte type, ref long best, ref byte bestType)
    {
        if (score < best)
        {
            best = score;
            bestType = type;
        }
    }

    /// <summary>Sum of |b as sbyte| over the span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Score(ReadOnlySpan<byte> data)
    {
        long total = 0;
        int i = 0;
        ref byte start = ref MemoryMarshal.GetReference(data);
        var accumulator = Vector128<ushort>.Zero;
        int pending = 0;
        for (; i + 16 <= data.Length; i += 16)
        {
            Accumulate(Vector128.LoadUnsafe(ref start, (nuint)i), ref accumulator, ref pending, ref total);
        }
        total += Drain(accumulator);
        for (; i < data.Length; i++)
        {
            total += Math.Abs((int)(sbyte)data[i]);
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long FilterSub(ReadOnlySpan<byte> row, int bpp, Span<byte> output)
    {
        ref byte raw = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        long total = 0;
        int first = Math.Min(bpp, row.Length);
        for (int i = 0; i < first; i++)
        {
            output[i] = row[i];
            total += Math.Abs((int)(sbyte)row[i]);
        }
        int j = first;
        var accumulator = Vector128<ushort>.Zero;
        int pending = 0;
        for (; j + 16 <= row.Length; j += 16)
        {
            var value = Vector128.LoadUnsafe(ref raw, (nuint)j) - Vector128.LoadUnsafe(ref raw, (nuint)(j - bpp));
            value.StoreUnsafe(ref dst, (nuint)j);
            Accumulate(value, ref accumulator, ref pending, ref total);
        }
        total += Drain(accumulator);
        for (; j < row.Length; j++)
        {
            byte value = (byte)(row[j] - row[j - bpp]);
            output[j] = value;
            total += Math.Abs((int)(sbyte)value);
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long FilterUp(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, Span<byte> output)
    {
        ref byte raw = ref MemoryMarshal.GetReference(row);
        ref byte above = ref MemoryMarshal.GetReference(prior);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        long total = 0;
        int j = 0;
        var accumulator = Vector128<ushort>.Zero;
        int pending = 0;
        for (; j + 16 <= row.Length; j += 16)
        {
            var value = Vector128.LoadUnsafe(ref raw, (nuint)j) - Vector128.LoadUnsafe(ref above, (nuint)j);
            value.StoreUnsafe(ref dst, (nuint)j);
            Accumulate(value, ref accumulator, ref pending, ref total);
        }
        total += Drain(accumulator);
        for (; j < row.Length; j++)
        {
            byte value = (byte)(row[j] - prior[j]);
            output[j] = value;
            total += Math.Abs((int)(sbyte)value);
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long FilterAverage(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        ref byte raw = ref MemoryMarshal.GetReference(row);
        ref byte above = ref MemoryMarshal.GetReference(prior);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        long total = 0;
        int first = Math.Min(bpp, row.Length);
        for (int i = 0; i < first; i++)
        {
            byte value = (byte)(row[i] - (prior[i] >> 1));
            output[i] = value;
            total += Math.Abs((int)(sbyte)value);
        }
        int j = first;
        var accumulator = Vector128<ushort>.Zero;
        int pending = 0;
        for (; j + 16 <= row.Length; j += 16)
        {
            var left = Vector128.LoadUnsafe(ref raw, (nuint)(j - bpp));
            var up = Vector128.LoadUnsafe(ref above, (nuint)j);
            // floor((a + b) / 2) without widening: (a & b) + ((a ^ b) >> 1).
            var mean = (left & up) + Vector128.ShiftRightLogical(left ^ up, 1);
            var value = Vector128.LoadUnsafe(ref raw, (nuint)j) - mean;
            value.StoreUnsafe(ref dst, (nuint)j);
            Accumulate(value, ref accumulator, ref pending, ref total);
        }
        total += Drain(accumulator);
        for (; j < row.Length; j++)
        {
            byte value = (byte)(row[j] - ((row[j - bpp] + prior[j]) >> 1));
            output[j] = value;
            total += Math.Abs((int)(sbyte)value);
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long FilterPaeth(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        ref byte raw = ref MemoryMarshal.GetReference(row);
        ref byte above = ref MemoryMarshal.GetReference(prior);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        long total = 0;
        int first = Math.Min(bpp, row.Length);
        for (int i = 0; i < first; i++)
        {
            // With no left neighbour (a = c = 0) the predictor is the byte above.
            byte value = (byte)(row[i] - prior[i]);
            output[i] = value;
            total += Math.Abs((int)(sbyte)value);
        }
        int j = first;
        var accumulator = Vector128<ushort>.Zero;
        int pending = 0;
        for (; j + 16 <= row.Length; j += 16)
        {
            var (aLow, aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref raw, (nuint)(j - bpp)));
            var (bLow, bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref above, (nuint)j));
            var (cLow, cHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref above, (nuint)(j - bpp)));
            var predictorLow = Predict(aLow.AsInt16(), bLow.AsInt16(), cLow.AsInt16());
            var predictorHigh = Predict(aHigh.AsInt16(), bHigh.AsInt16(), cHigh.AsInt16());
            var predictor = Vector128.Narrow(predictorLow.AsUInt16(), predictorHigh.AsUInt16());
            var value = Vector128.LoadUnsafe(ref raw, (nuint)j) - predictor;
            value.StoreUnsafe(ref dst, (nuint)j);
            Accumulate(value, ref accumulator, ref pending, ref total);
        }
        total += Drain(accumulator);
        for (; j < row.Length; j++)
        {
            byte value = (byte)(row[j] - PaethPredictor(row[j - bpp], prior[j], prior[j - bpp]));
            output[j] = value;
            total += Math.Abs((int)(sbyte)value);
        }
        return total;
    }

    /// <summary>The specification's Paeth predictor: whichever of left, above, upper-left is closest to left + above - upper-left.</summary>
    public static byte PaethPredictor(byte a, byte b, byte c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Predict(Vector128<short> a, Vector128<short> b, Vector128<short> c)
    {
        var pa = Vector128.Abs(b - c);
        var pb = Vector128.Abs(a - c);
        var pc = Vector128.Abs(a + b - c - c);
        var useA = Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc);
        var useB = Vector128.LessThanOrEqual(pb, pc);
        return Vector128.ConditionalSelect(useA, a, Vector128.ConditionalSelect(useB, b, c));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(Vector128<byte> value, ref Vector128<ushort> accumulator, ref int pending, ref long total)
    {
        // |-128| is 128 again as a byte, which is the right magnitude.
        var magnitude = Vector128.Abs(value.AsSByte()).AsByte();
        var (low, high) = Vector128.Widen(magnitude);
        accumulator += low + high;
        // Each lane grows by at most 510 per vector; drain before 65535 can overflow.
        if (++pending == 128)
        {
            total += Drain(accumulator);
            accumulator = Vector128<ushort>.Zero;
            pending = 0;
        }
    }

    private static long Drain(Vector128<ushort> accumulator)
    {
        var (low, high) = Vector128.Widen(accumulator);
        return Vector128.Sum(low + high);
    }
}
