using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A histogram binned on the writer's thread. On the caller, in one pass over the values: the copy, the non-finite
/// check (<see cref="SummaryWriter.NonFiniteHistogramValues"/> is current when the call returns) and, for equal-width
/// and rule-chosen bins, the range their checks need (not over floats where no range can fail).
/// Then the checks that can reject the values: none for the default and explicit bins, the range for equal-width bins,
/// and for a named rule either a bound showing it cannot fail (the rule then runs on the writer's thread) or the whole
/// rule.
/// </summary>
internal sealed class HistogramWork<T> : SummaryWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _length;
    private HistogramBins _bins;

    private HistogramWork(string tag, ArrayPool<byte> pool, int length, HistogramBins bins)
        : base(tag, pool, (long)length * Unsafe.SizeOf<T>())
    {
        _length = length;
        _bins = bins;
    }

    /// <summary>Checks and copies <paramref name="values"/>; throws what <see cref="Summaries.MakeHistogram(ReadOnlySpan{float}, HistogramBins, out int)"/> throws.</summary>
    public static HistogramWork<T> Create(string tag, ReadOnlySpan<T> values, HistogramBins bins, ArrayPool<byte> pool, out int nonFinite)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A histogram needs at least one value.", nameof(values));
        }
        var work = new HistogramWork<T>(tag, pool, values.Length, bins);
        try
        {
            var copy = ValuesIn(work.Buffer, values.Length);
            if (bins.Kind is not (HistogramBinKind.Uniform or HistogramBinKind.Rule) || FloatRangeCannotFail(values, bins))
            {
                bool anyNonFinite = CheckedCopy.Copy<T, CheckedCopy.NonFinite<T>>(values, copy);
                nonFinite = anyNonFinite ? CheckedCopy.Count<T, CheckedCopy.NonFinite<T>>(values) : 0;
                return work;
            }
            int finite;
            double min, max;
            if (CheckedCopy.CopyWithRange(values, copy, out T low, out T high))
            {
                (finite, min, max) = HistogramKernel.FiniteRange(values);
            }
            else
            {
                (finite, min, max) = (values.Length, double.CreateTruncating(low), double.CreateTruncating(high));
            }
            nonFinite = values.Length - finite;
            work._bins = HistogramKernel.ResolveOnCaller(values, bins, finite, min, max);
            return work;
        }
        catch
        {
            work.Release();
            throw;
        }
    }

    /// <summary>
    /// True for floats whose first value is finite and below 2^51 in magnitude, binned in equal-width buckets or by a
    /// rule whose count is bounded whatever the values (<see cref="HistogramKernel.RuleBoundedByCount"/>, at most
    /// 50,000 buckets): then <see cref="HistogramKernel.ResolveOnCaller"/> cannot throw and leaves the bins as they are,
    /// so the caller skips the range pass (about 1.4 times a plain copy) and the writer's thread finds the range as it
    /// bins. Why no range can fail: floats converted to doubles are exact, so the finite range is at most 2 x 3.4e38 (no
    /// overflow) and, when the values differ, at least 2^-149 (doubles have subnormals, so distinct values never
    /// subtract to 0), which 2^20 buckets (the most <see cref="HistogramBins.Uniform"/> accepts) divide into a normal
    /// double; when every finite value equals the first, ±0.5 around it survives in double precision below 2^51. Equal
    /// floats at 1e17, where ±0.5 is lost, any first value that is not finite, Scott, Fd and Auto take the full check as
    /// before; doubles always do (their range can overflow or underflow).
    /// </summary>
    internal static bool FloatRangeCannotFail(ReadOnlySpan<T> values, HistogramBins bins) =>
        typeof(T) == typeof(float)
        && (bins.Kind == HistogramBinKind.Uniform || bins.Kind == HistogramBinKind.Rule && HistogramKernel.RuleBoundedByCount(bins.Rule))
        && Math.Abs(double.CreateTruncating(values[0])) < TwoToThe51;

    private const double TwoToThe51 = 2251799813685248.0;

    private static Span<T> ValuesIn(byte[] buffer, int length) => MemoryMarshal.Cast<byte, T>(buffer.AsSpan())[..length];

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer) =>
        Summaries.Histogram(Tag, HistogramKernel.Build<T>(ValuesIn(buffer, _length), _bins, out _));
}
