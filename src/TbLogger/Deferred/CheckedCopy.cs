using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TbLogger.Deferred;

/// <summary>
/// Copies the caller's values into a deferred item's buffer and, in the same pass, says whether any value fails a
/// check (NaN, not finite, not 0 or 1, ...). One vectorised pass runs at about the speed of a plain copy, so the
/// caller pays for the copy it must make anyway and nothing more; finding which value failed, and throwing the exact
/// error callers always got, is left to the rare slow path.
/// </summary>
/// <remarks>
/// The loops are compiled optimised from the first call (AggressiveOptimization): a training loop logs a histogram
/// every few hundred steps, so tiering would leave them in tier-0 code, each call running its first thousand
/// iterations unoptimised before on-stack replacement, for most of a run (issue 19). The flag itself, not
/// <see cref="HotPath.Options"/>: the package's ReadyToRun image could not precompile these anyway (vectorised generic
/// instantiations), so there too they would start unoptimised; flagged, the JIT compiles them optimised on first use.
/// </remarks>
internal static class CheckedCopy
{
    /// <summary>A check applied to a vector and to one value; <see cref="Bad(Vector256{T})"/> sets every lane that fails.</summary>
    public interface ICheck<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract Vector256<T> Bad(Vector256<T> values);

        static abstract bool Bad(T value);
    }

    /// <summary>NaN.</summary>
    public readonly struct NaN<T> : ICheck<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector256<T> Bad(Vector256<T> values) => ~Vector256.Equals(values, values);

        public static bool Bad(T value) => T.IsNaN(value);
    }

    /// <summary>NaN or ±infinity.</summary>
    public readonly struct NonFinite<T> : ICheck<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector256<T> Bad(Vector256<T> values) => ~Vector256.LessThan(Vector256.Abs(values), Vector256.Create(T.PositiveInfinity));

        public static bool Bad(T value) => !T.IsFinite(value);
    }

    /// <summary>Anything but exactly 0 or 1 (a label given as a number).</summary>
    public readonly struct NotZeroOrOne<T> : ICheck<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector256<T> Bad(Vector256<T> values) => ~(Vector256.Equals(values, Vector256<T>.Zero) | Vector256.Equals(values, Vector256<T>.One));

        public static bool Bad(T value) => value != T.Zero && value != T.One;
    }

    /// <summary>Negative, NaN or infinite (a weight).</summary>
    public readonly struct NotFiniteNonNegative<T> : ICheck<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector256<T> Bad(Vector256<T> values) =>
            ~(Vector256.GreaterThanOrEqual(values, Vector256<T>.Zero) & Vector256.LessThan(values, Vector256.Create(T.PositiveInfinity)));

        public static bool Bad(T value) => !(value >= T.Zero && value < T.PositiveInfinity);
    }

    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/>; true when any value fails <typeparamref name="TCheck"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Copy<T, TCheck>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TCheck : struct, ICheck<T>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }
        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        var bad = Vector256<T>.Zero;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int count = Vector256<T>.Count;
            for (; i <= n - 2 * count; i += 2 * count)
            {
                var a = Vector256.LoadUnsafe(ref from, (nuint)i);
                var b = Vector256.LoadUnsafe(ref from, (nuint)(i + count));
                a.StoreUnsafe(ref to, (nuint)i);
                b.StoreUnsafe(ref to, (nuint)(i + count));
                bad |= TCheck.Bad(a) | TCheck.Bad(b);
            }
        }
        bool any = bad.AsByte() != Vector256<byte>.Zero;
        for (; i < n; i++)
        {
            T value = Unsafe.Add(ref from, i);
            Unsafe.Add(ref to, i) = value;
            any |= TCheck.Bad(value);
        }
        return any;
    }

    /// <summary>
    /// <see cref="Copy{T, TCheck}"/> with the <see cref="NonFinite{T}"/> check that also finds the smallest and largest
    /// value in the same pass, for equal-width and rule-chosen histogram bins, whose checks need the range: reading the
    /// input once instead of once to copy and once more for the range. The range is that of every value when all are
    /// finite (true is returned otherwise, and the caller finds the finite range on its slow path). Min and max follow
    /// IEEE 754 minimum and maximum (−0 is below +0), as the kernel's own range does, so an error message that prints
    /// the range prints the same digits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CopyWithRange<T>(ReadOnlySpan<T> source, Span<T> destination, out T min, out T max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }
        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        min = T.PositiveInfinity;
        max = T.NegativeInfinity;
        bool any = false;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= 2 * Vector256<T>.Count)
        {
            int count = Vector256<T>.Count;
            var bad = Vector256<T>.Zero;
            var low = Vector256.Create(T.PositiveInfinity);
            var high = Vector256.Create(T.NegativeInfinity);
            for (; i <= n - 2 * count; i += 2 * count)
            {
                var a = Vector256.LoadUnsafe(ref from, (nuint)i);
                var b = Vector256.LoadUnsafe(ref from, (nuint)(i + count));
                a.StoreUnsafe(ref to, (nuint)i);
                b.StoreUnsafe(ref to, (nuint)(i + count));
                bad |= NonFinite<T>.Bad(a) | NonFinite<T>.Bad(b);
                low = Vector256.Min(low, Vector256.Min(a, b));
                high = Vector256.Max(high, Vector256.Max(a, b));
            }
            any = bad.AsByte() != Vector256<byte>.Zero;
            for (int lane = 0; lane < count; lane++)
            {
                min = Minimum(min, low[lane]);
                max = Maximum(max, high[lane]);
            }
        }
        for (; i < n; i++)
        {
            T value = Unsafe.Add(ref from, i);
            Unsafe.Add(ref to, i) = value;
            any |= !T.IsFinite(value);
            min = Minimum(min, value);
            max = Maximum(max, value);
        }
        return any;
    }

    // IEEE 754 minimum/maximum of finite values: the smaller (larger) one, and −0 below +0.
    private static T Minimum<T>(T x, T y)
        where T : unmanaged, IFloatingPointIeee754<T> => x < y || (x == y && T.IsNegative(x)) ? x : y;

    private static T Maximum<T>(T x, T y)
        where T : unmanaged, IFloatingPointIeee754<T> => x > y || (x == y && T.IsPositive(x)) ? x : y;

    /// <summary>
    /// Copies vertex indices to the start of <paramref name="destination"/>; true when any is outside [0,
    /// <paramref name="count"/>) (a mesh face naming a vertex that does not exist). One unsigned comparison per lane
    /// covers both ends: a negative index is a large unsigned one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CopyIndices(ReadOnlySpan<int> source, Span<int> destination, int count)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }
        ref int from = ref MemoryMarshal.GetReference(source);
        ref int to = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        uint limit = (uint)Math.Max(count, 0);
        bool any = false;
        if (Vector256.IsHardwareAccelerated)
        {
            var bad = Vector256<uint>.Zero;
            var bound = Vector256.Create(limit);
            for (; i <= n - 2 * Vector256<int>.Count; i += 2 * Vector256<int>.Count)
            {
                var a = Vector256.LoadUnsafe(ref from, (nuint)i);
                var b = Vector256.LoadUnsafe(ref from, (nuint)(i + Vector256<int>.Count));
                a.StoreUnsafe(ref to, (nuint)i);
                b.StoreUnsafe(ref to, (nuint)(i + Vector256<int>.Count));
                bad |= Vector256.GreaterThanOrEqual(a.AsUInt32(), bound) | Vector256.GreaterThanOrEqual(b.AsUInt32(), bound);
            }
            any = bad != Vector256<uint>.Zero;
        }
        for (; i < n; i++)
        {
            int value = Unsafe.Add(ref from, i);
            Unsafe.Add(ref to, i) = value;
            any |= (uint)value >= limit;
        }
        return any;
    }

    /// <summary>How many values fail <typeparamref name="TCheck"/> (the slow path, after <see cref="Copy{T, TCheck}"/> said some do).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Count<T, TCheck>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TCheck : struct, ICheck<T>
    {
        int count = 0;
        foreach (T value in values)
        {
            count += TCheck.Bad(value) ? 1 : 0;
        }
        return count;
    }
}
