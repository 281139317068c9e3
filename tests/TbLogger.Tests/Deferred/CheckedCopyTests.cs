using System.Numerics;
using TbLogger.Deferred;

namespace TbLogger.Tests.Deferred;

/// <summary>
/// The caller's one pass over a deferred value's input (issue 19): copy and check, and for histograms the range, read
/// from the same vectors. Every length around the vector widths and every position of a bad value, so the unrolled
/// body, the lane reduction and the scalar tail are each the one that finds it; references are plain loops.
/// </summary>
[TestClass]
public sealed class CheckedCopyTests
{
    // Two 256-bit vectors of floats per unrolled step are 16 values; of doubles 8. Up to three steps and a tail.
    private const int MaxLength = 3 * 16 + 7;

    private static float[] Ramp(int n) => [.. Enumerable.Range(0, n).Select(i => (i * 37 % 11 - 5) / 4f)];

    private static bool SameBits<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(actual));

    private static void CheckEveryPosition<T, TCheck>(Func<int, T[]> good, T[] bads, Func<T, bool> isBad)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TCheck : struct, CheckedCopy.ICheck<T>
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            T[] source = good(n);
            Assert.IsFalse(source.Any(isBad), "the good input has no bad value");
            var destination = new T[n + 2];
            Assert.IsFalse(CheckedCopy.Copy<T, TCheck>(source, destination), $"n={n}");
            Assert.IsTrue(SameBits<T>(source, destination.AsSpan(0, n)), $"n={n}");
            Assert.AreEqual(T.Zero, destination[n], "nothing written past the input");
            foreach (T bad in bads)
            {
                for (int at = 0; at < n; at++)
                {
                    T[] withBad = good(n);
                    withBad[at] = bad;
                    var copy = new T[n];
                    Assert.IsTrue(CheckedCopy.Copy<T, TCheck>(withBad, copy), $"n={n}, {bad} at {at}");
                    Assert.IsTrue(SameBits<T>(withBad, copy), $"n={n}, {bad} at {at}: copied as given");
                    Assert.AreEqual(1, CheckedCopy.Count<T, TCheck>(withBad));
                }
            }
        }
    }

    [TestMethod]
    public void EachCheckFindsOneBadValueAtEveryPositionAndLength()
    {
        CheckEveryPosition<float, CheckedCopy.NaN<float>>(Ramp, [float.NaN, -float.NaN], float.IsNaN);
        CheckEveryPosition<double, CheckedCopy.NaN<double>>(n => [.. Ramp(n).Select(v => (double)v)], [double.NaN], double.IsNaN);
        CheckEveryPosition<float, CheckedCopy.NonFinite<float>>(Ramp, [float.NaN, float.PositiveInfinity, float.NegativeInfinity], v => !float.IsFinite(v));
        CheckEveryPosition<double, CheckedCopy.NonFinite<double>>(n => [.. Ramp(n).Select(v => (double)v)], [double.NaN, double.NegativeInfinity], v => !double.IsFinite(v));
        CheckEveryPosition<float, CheckedCopy.NotZeroOrOne<float>>(n => [.. Enumerable.Range(0, n).Select(i => (float)(i % 3 % 2))], [0.5f, -1f, 2f, float.NaN, -0.0f + 1e-45f], v => v != 0 && v != 1);
        CheckEveryPosition<double, CheckedCopy.NotZeroOrOne<double>>(n => [.. Enumerable.Range(0, n).Select(i => (double)(i % 2))], [1.0000000000000002, double.NaN], v => v != 0 && v != 1);
        CheckEveryPosition<float, CheckedCopy.NotFiniteNonNegative<float>>(n => [.. Ramp(n).Select(MathF.Abs)], [-1e-30f, float.NaN, float.PositiveInfinity], v => !(v >= 0 && v < float.PositiveInfinity));
        CheckEveryPosition<double, CheckedCopy.NotFiniteNonNegative<double>>(n => [.. Ramp(n).Select(v => (double)MathF.Abs(v))], [-double.Epsilon, double.PositiveInfinity], v => !(v >= 0 && v < double.PositiveInfinity));
        // −0 is a valid label (equal to 0) and a valid weight.
        Assert.IsFalse(CheckedCopy.Copy<float, CheckedCopy.NotZeroOrOne<float>>([-0f, 1f], new float[2]));
        Assert.IsFalse(CheckedCopy.Copy<float, CheckedCopy.NotFiniteNonNegative<float>>([-0f, 0f], new float[2]));
    }

    /// <summary>The range as a plain loop: IEEE 754 minimum and maximum, −0 below +0.</summary>
    private static (double Min, double Max) Range<T>(T[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (T v in values)
        {
            double x = double.CreateTruncating(v);
            if (x < min || (x == min && double.IsNegative(x)))
            {
                min = x;
            }
            if (x > max || (x == max && double.IsPositive(x)))
            {
                max = x;
            }
        }
        return (min, max);
    }

    private static void CheckRange<T>(T[] values, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var copy = new T[values.Length];
        bool any = CheckedCopy.CopyWithRange<T>(values, copy, out T min, out T max);
        Assert.AreEqual(values.Any(v => !T.IsFinite(v)), any, what);
        Assert.IsTrue(SameBits<T>(values, copy), what);
        if (!any && values.Length > 0)
        {
            var (expectedMin, expectedMax) = Range(values);
            // Bits, so −0 and +0 differ.
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(expectedMin), BitConverter.DoubleToInt64Bits(double.CreateTruncating(min)), $"{what}: min {min}, expected {expectedMin}");
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(expectedMax), BitConverter.DoubleToInt64Bits(double.CreateTruncating(max)), $"{what}: max {max}, expected {expectedMax}");
        }
    }

    [TestMethod]
    public void TheRangeIsFoundInTheCopyPassAtEveryPositionOfTheExtremes()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            for (int at = 0; at < n; at++)
            {
                // The extremes at every position in turn (in the unrolled body, either of its two vectors, or the tail).
                float[] values = Ramp(n);
                values[at] = 1000f;
                values[n - 1 - at] = -1000f;
                CheckRange(values, $"float n={n} extremes at {at}, {n - 1 - at}");
                CheckRange(values.Select(v => (double)v).ToArray(), $"double n={n} extremes at {at}, {n - 1 - at}");
                foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    float[] withBad = Ramp(n);
                    withBad[at] = bad;
                    CheckRange(withBad, $"float n={n}, {bad} at {at}");
                    CheckRange(withBad.Select(v => (double)v).ToArray(), $"double n={n}, {bad} at {at}");
                }
                // Signed zeros: the range of {0, −0} is [−0, 0] whichever comes first and in whichever lane.
                float[] zeros = new float[n];
                zeros[at] = -0f;
                CheckRange(zeros, $"float zeros n={n}, −0 at {at}");
                CheckRange(zeros.Select(v => (double)v).ToArray(), $"double zeros n={n}, −0 at {at}");
                float[] negativeZeros = Enumerable.Repeat(-0f, n).ToArray();
                negativeZeros[at] = 0f;
                CheckRange(negativeZeros, $"float −zeros n={n}, 0 at {at}");
                CheckRange(negativeZeros.Select(v => (double)v).ToArray(), $"double −zeros n={n}, 0 at {at}");
            }
        }
        Assert.IsFalse(CheckedCopy.CopyWithRange<float>([], [], out float emptyMin, out float emptyMax));
        Assert.AreEqual(float.PositiveInfinity, emptyMin);
        Assert.AreEqual(float.NegativeInfinity, emptyMax);
        Assert.AreEqual("destination", Assert.ThrowsExactly<ArgumentException>(() => CheckedCopy.CopyWithRange<float>([1f, 2f], new float[1], out _, out _)).ParamName);
    }
}
