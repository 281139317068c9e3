using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A histogram binned on the writer's thread. On the caller: the checks that can reject the values (none for the
/// default and explicit bins; the range for equal-width bins; the whole rule for a named rule), the non-finite count
/// (<see cref="SummaryWriter.NonFiniteHistogramValues"/> is current when the call returns) and one copy.
/// </summary>
internal sealed class HistogramWork<T> : SummaryWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _length;
    private readonly HistogramBins _bins;

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
        HistogramBins resolved = HistogramKernel.ResolveOnCaller(values, bins);
        var work = new HistogramWork<T>(tag, pool, values.Length, resolved);
        bool anyNonFinite = CheckedCopy.Copy<T, CheckedCopy.NonFinite<T>>(values, ValuesIn(work.Buffer, values.Length));
        nonFinite = anyNonFinite ? CheckedCopy.Count<T, CheckedCopy.NonFinite<T>>(values) : 0;
        return work;
    }

    private static Span<T> ValuesIn(byte[] buffer, int length) => MemoryMarshal.Cast<byte, T>(buffer.AsSpan())[..length];

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer) =>
        Summaries.Histogram(Tag, HistogramKernel.Build<T>(ValuesIn(buffer, _length), _bins, out _));
}
