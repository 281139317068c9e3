using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A PR curve bucketed on the writer's thread. On the caller: the threshold count and lengths are checked, and
/// predictions, weights and labels are copied into one pooled buffer while every value is checked in the same pass
/// (NaN predictions, labels other than 0 and 1, bad weights).
/// </summary>
internal sealed class PrCurveWork<TLabel, TPrediction, TWeight> : SummaryWork
    where TLabel : unmanaged
    where TPrediction : unmanaged, IFloatingPointIeee754<TPrediction>
    where TWeight : unmanaged, IFloatingPointIeee754<TWeight>
{
    private readonly int _length;
    private readonly int _weights;
    private readonly int _numThresholds;

    private PrCurveWork(string tag, ArrayPool<byte> pool, int length, int weights, int numThresholds)
        : base(tag, pool, Layout(length, weights, out _, out _))
    {
        _length = length;
        _weights = weights;
        _numThresholds = numThresholds;
    }

    // Predictions, then weights, then labels, each starting on an 8-byte boundary.
    private static long Layout(int length, int weights, out long weightsAt, out long labelsAt)
    {
        weightsAt = Align((long)length * Unsafe.SizeOf<TPrediction>());
        labelsAt = Align(weightsAt + (long)weights * Unsafe.SizeOf<TWeight>());
        return labelsAt + (long)length * Unsafe.SizeOf<TLabel>();
    }

    private static long Align(long offset) => (offset + 7) & ~7L;

    /// <summary>
    /// Checks the shape (throwing as <see cref="Summaries.PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, int, ReadOnlySpan{float})"/>
    /// does) and copies the values; null when a value is bad, so the caller can throw the exact error of the
    /// synchronous path.
    /// </summary>
    public static PrCurveWork<TLabel, TPrediction, TWeight>? TryCreate(string tag, ReadOnlySpan<TLabel> labels, ReadOnlySpan<TPrediction> predictions,
        int numThresholds, ReadOnlySpan<TWeight> weights, ArrayPool<byte> pool)
    {
        Summaries.ValidatePrCurveShape(labels.Length, predictions.Length, weights.Length, numThresholds);
        var work = new PrCurveWork<TLabel, TPrediction, TWeight>(tag, pool, predictions.Length, weights.Length, numThresholds);
        bool bad;
        try
        {
            work.Views(work.Buffer, out var p, out var w, out var l);
            bad = CheckedCopy.Copy<TPrediction, CheckedCopy.NaN<TPrediction>>(predictions, p);
            if (!weights.IsEmpty)
            {
                bad |= CheckedCopy.Copy<TWeight, CheckedCopy.NotFiniteNonNegative<TWeight>>(weights, w);
            }
            bad |= CopyLabels(labels, l);
            if (!bad)
            {
                // On the caller, as the synchronous path throws it: weights whose counts would be infinite. The sums here
                // are in the weights' order, not the kernel's, so the check keeps a margin: what it accepts cannot
                // overflow on the writer's thread, where a refusal could only be reported by a later call.
                PrCurveKernel.CheckWeightTotals<TLabel, TWeight>(l, w);
            }
        }
        catch
        {
            work.Release();
            throw;
        }
        if (bad)
        {
            work.Release();
            return null;
        }
        return work;
    }

    private static bool CopyLabels(ReadOnlySpan<TLabel> labels, Span<TLabel> destination)
    {
        if (typeof(TLabel) == typeof(float))
        {
            return CheckedCopy.Copy<float, CheckedCopy.NotZeroOrOne<float>>(MemoryMarshal.Cast<TLabel, float>(labels), MemoryMarshal.Cast<TLabel, float>(destination));
        }
        if (typeof(TLabel) == typeof(double))
        {
            return CheckedCopy.Copy<double, CheckedCopy.NotZeroOrOne<double>>(MemoryMarshal.Cast<TLabel, double>(labels), MemoryMarshal.Cast<TLabel, double>(destination));
        }
        if (typeof(TLabel) == typeof(bool))
        {
            // Every bool is a valid label (any non-zero byte counts as true, as the kernel reads it).
            labels.CopyTo(destination);
            return false;
        }
        throw new NotSupportedException($"Labels of type {typeof(TLabel)} are not supported.");
    }

    private void Views(byte[] buffer, out Span<TPrediction> predictions, out Span<TWeight> weights, out Span<TLabel> labels)
    {
        long end = Layout(_length, _weights, out long weightsAt, out long labelsAt);
        var bytes = buffer.AsSpan(0, (int)end);
        predictions = MemoryMarshal.Cast<byte, TPrediction>(bytes[..(_length * Unsafe.SizeOf<TPrediction>())]);
        weights = MemoryMarshal.Cast<byte, TWeight>(bytes.Slice((int)weightsAt, _weights * Unsafe.SizeOf<TWeight>()));
        labels = MemoryMarshal.Cast<byte, TLabel>(bytes[(int)labelsAt..]);
    }

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer)
    {
        Views(buffer, out var predictions, out var weights, out var labels);
        var data = new float[PrCurveKernel.Rows * _numThresholds];
        PrCurveKernel.Compute<TLabel, TPrediction, TWeight>(labels, predictions, weights, _numThresholds, data);
        return Summaries.PrCurveSummary(Tag, data, _numThresholds);
    }
}
