using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A histogram binned on the writer's thread. On the caller, in one pass over the values: the copy, the non-finite
/// check (<see cref="SummaryWriter.NonFiniteHistogramValues"/> is current when the call returns) and, for equal-width
/// and rule-chosen bins, the range their checks need. Then the checks that can reject the values: none for the default
/// and explicit bins, the range for equal-width bins, and for a named rule either a bound showing it cannot fail (the
/// rule then runs on the writer's thread) or the whole rule.
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
            if (bins.Kind is not (HistogramBinKind.Uniform or HistogramBinKind.Rule))
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

    private static Span<T> ValuesIn(byte[] buffer, int length) => MemoryMarshal.Cast<byte, T>(buffer.AsSpan())[..length];

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer) =>
        Summaries.Histogram(Tag, HistogramKernel.Build<T>(ValuesIn(buffer, _length), _bins, out _));
}
