using System.Numerics.Tensors;
using TbLogger.Protos;

namespace TbLogger.Tests.Histograms;

using Summaries = TbLogger.Summaries;

/// <summary>Bucket rules, the NaN policy and the input forms of the histogram builder.</summary>
[TestClass]
public sealed class HistogramKernelTests
{
    // numpy's rule for explicit edges: searchsorted(edges, x, 'right') - 1, with x == last edge in the last bucket.
    private static int ReferenceBucket(double[] edges, double x)
    {
        int found = Array.BinarySearch(edges, x);
        int atOrBelow = found >= 0 ? found + 1 : ~found;
        return Math.Clamp(atOrBelow - 1, 0, edges.Length - 2);
    }

    [TestMethod]
    public void ExponentialTableIsTensorFlowsScheme()
    {
        var edges = HistogramBins.Exponential.Edges;
        Assert.AreEqual(2 * 774 + 1, edges.Length);
        Assert.AreEqual(0.0, edges[774]);
        Assert.AreEqual(1e-12, edges[775]);
        Assert.AreEqual(-1e-12, edges[773]);
        Assert.IsLessThan(1e20, edges[^1]);
        Assert.IsGreaterThanOrEqualTo(1e20, edges[^1] * 1.1);
        Assert.AreEqual(1548, HistogramBins.Exponential.BinCount);
    }

    [TestMethod]
    public void ClosedFormExponentialBucketAgreesWithBinarySearchEverywhere()
    {
        double[] edges = HistogramBins.Exponential.Edges.ToArray();
        var probes = new List<double> { 0.0, -0.0, double.Epsilon, -double.Epsilon, 1e-300, -1e-300, 1e30, -1e30, double.MaxValue, double.MinValue };
        foreach (double e in edges)
        {
            probes.Add(e);
            probes.Add(Math.BitIncrement(e));
            probes.Add(Math.BitDecrement(e));
            probes.Add(e * 1.05);
        }
        var rng = new Random(42);
        for (int i = 0; i < 200_000; i++)
        {
            probes.Add((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-16, 24)));
        }
        foreach (double x in probes)
        {
            Assert.AreEqual(ReferenceBucket(edges, x), ExponentialEdges.Bucket(x), $"x = {x:R}");
        }
    }

    [TestMethod]
    public void FloatSlotTableAgreesWithBinarySearchForEveryFloatNearAnEdgeOrASlotBoundary()
    {
        double[] edges = HistogramBins.Exponential.Edges.ToArray();
        var probes = new List<uint>();
        foreach (double e in edges)
        {
            // The floats on both sides of every edge, a few ulps each way.
            uint below = BitConverter.SingleToUInt32Bits(MathF.BitDecrement((float)e));
            for (int d = -4; d <= 6; d++)
            {
                probes.Add((uint)(below + d));
            }
        }
        for (uint slot = 0; slot < 1u << 13; slot++)
        {
            probes.Add(slot << 19);
            probes.Add((slot << 19) | 1);
            probes.Add((slot << 19) | ((1u << 19) - 1));
        }
        var rng = new Random(7);
        for (int i = 0; i < 1_000_000; i++)
        {
            probes.Add((uint)rng.NextInt64(0, 1L << 32));
        }
        foreach (uint bits in probes)
        {
            float x = BitConverter.UInt32BitsToSingle(bits);
            int expected = float.IsFinite(x) ? ReferenceBucket(edges, x) : ExponentialFloatSlots.Skipped;
            Assert.AreEqual(expected, ExponentialFloatSlots.Bucket(x), $"x = {x:R} (0x{bits:X8})");
        }
    }

    [TestMethod]
    public void FloatHistogramIsTheDoubleHistogramOfTheWidenedValues()
    {
        // The float path reads buckets from a table, the double path computes them: same histogram, bit for bit,
        // over tiny, huge, negative, zero, subnormal and non-finite values.
        var rng = new Random(11);
        float[] values = new float[100_003];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 97) switch
            {
                0 => float.NaN,
                1 => float.NegativeInfinity,
                2 => -0f,
                3 => float.Epsilon * rng.Next(1, 100),
                4 => (float)((rng.NextDouble() - 0.5) * 1e30),
                _ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-14, 22))),
            };
        }
        var fromFloats = Summaries.MakeHistogram(values, HistogramBins.Exponential, out int nonFiniteFloats);
        var fromDoubles = Summaries.MakeHistogram(values.Select(v => (double)v).ToArray(), HistogramBins.Exponential, out int nonFiniteDoubles);
        Assert.AreEqual(nonFiniteDoubles, nonFiniteFloats);
        CollectionAssert.AreEqual(fromDoubles.BucketLimit.ToArray(), fromFloats.BucketLimit.ToArray());
        CollectionAssert.AreEqual(fromDoubles.Bucket.ToArray(), fromFloats.Bucket.ToArray());
        Assert.AreEqual(values.Count(float.IsFinite), (int)fromFloats.Bucket.Sum());
    }

    [TestMethod]
    public void FusedFloatMomentsEqualTheFourSeparatePassesBitForBit()
    {
        var rng = new Random(13);
        foreach (int length in Enumerable.Range(1, 40).Concat([255, 1000, 100_003]))
        {
            for (int trial = 0; trial < 4; trial++)
            {
                float[] values = new float[length];
                for (int i = 0; i < length; i++)
                {
                    // Zeros of both signs everywhere, so min and max must agree on which zero they return.
                    values[i] = rng.Next(4) switch
                    {
                        0 => 0f,
                        1 => -0f,
                        _ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 9))),
                    };
                }
                if (trial == 3)
                {
                    Array.Fill(values, -0f, 0, length / 2);
                }
                Assert.IsTrue(HistogramKernel.FusedFloatMoments(values, out var fused));
                var (sum, squares) = HistogramKernel.WidenedSums(values);
                double[] expected = [TensorPrimitives.Min<float>(values), TensorPrimitives.Max<float>(values), sum, squares];
                double[] actual = [fused.Min, fused.Max, fused.Sum, fused.SumSquares];
                CollectionAssert.AreEqual(
                    expected.Select(BitConverter.DoubleToInt64Bits).ToArray(), actual.Select(BitConverter.DoubleToInt64Bits).ToArray(),
                    $"length {length}, trial {trial}: [{string.Join(", ", expected)}] vs [{string.Join(", ", actual)}]");
                Assert.AreEqual(length, fused.Count);
            }
        }
        Assert.IsFalse(HistogramKernel.FusedFloatMoments([1f, 2f, float.NaN], out _));
        Assert.IsFalse(HistogramKernel.FusedFloatMoments(Enumerable.Repeat(1f, 64).Append(float.PositiveInfinity).Concat(Enumerable.Repeat(1f, 7)).ToArray(), out _));
        Assert.IsFalse(HistogramKernel.FusedFloatMoments([.. Enumerable.Repeat(1f, 9), float.NegativeInfinity], out _));
    }

    [TestMethod]
    public void UniformBinsFollowNumpy()
    {
        // np.histogram([0, 1, 2, 3], bins=3) -> counts [1, 1, 2], edges [0, 1, 2, 3].
        var histogram = Summaries.MakeHistogram([0.0, 1.0, 2.0, 3.0], HistogramBins.Uniform(3), out _);
        CollectionAssert.AreEqual(new double[] { 0, 1, 2, 3 }, histogram.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 1, 1, 2 }, histogram.Bucket.ToArray());

        // All equal: numpy widens the range to value ± 0.5 (edges 4.5, 5, 5.5); the empty first bucket is trimmed.
        var flat = Summaries.MakeHistogram([5f, 5f, 5f], HistogramBins.Uniform(2), out _);
        CollectionAssert.AreEqual(new double[] { 5.0, 5.5 }, flat.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 3 }, flat.Bucket.ToArray());

        // Against the explicit-edge reference on numpy's linspace edges.
        var rng = new Random(3);
        double[] values = Enumerable.Range(0, 5000).Select(_ => rng.NextDouble() * 17.3 - 4.1).ToArray();
        var uniform = Summaries.MakeHistogram(values, HistogramBins.Uniform(50), out _);
        double min = values.Min(), max = values.Max(), step = (max - min) / 50;
        double[] edges = Enumerable.Range(0, 51).Select(i => i == 50 ? max : i * step + min).ToArray();
        var counts = new double[50];
        foreach (double x in values)
        {
            counts[ReferenceBucket(edges, x)]++;
        }
        CollectionAssert.AreEqual(edges, uniform.BucketLimit.ToArray());
        CollectionAssert.AreEqual(counts.Prepend(0).ToArray(), uniform.Bucket.ToArray());
        Assert.AreEqual(5000.0, uniform.Bucket.Sum());
    }

    [TestMethod]
    public void ExplicitEdgesDropOutsideValuesLikeNumpyAndTrimEmptyBuckets()
    {
        var bins = HistogramBins.FromEdges([0, 1, 2, 4, 8, 16]);
        var histogram = Summaries.MakeHistogram([-1, 0, 3, 3.5, 4, 16, 17], bins, out int nonFinite);
        Assert.AreEqual(0, nonFinite);
        Assert.AreEqual(7.0, histogram.Num, "num counts every finite value, as in PyTorch");
        Assert.AreEqual((-1.0, 17.0), (histogram.Min, histogram.Max));
        // Buckets [0,1):1 [1,2):0 [2,4):2 [4,8):1 [8,16]:1 -> no leading empties, so one zero is prepended.
        CollectionAssert.AreEqual(new double[] { 0, 1, 2, 4, 8, 16 }, histogram.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 1, 0, 2, 1, 1 }, histogram.Bucket.ToArray());

        // Leading and trailing empty buckets go; the one before the first full bucket stays with count 0.
        var trimmed = Summaries.MakeHistogram([5.0, 6.0], bins, out _);
        CollectionAssert.AreEqual(new double[] { 4, 8 }, trimmed.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 2 }, trimmed.Bucket.ToArray());

        // Nothing inside the edges: no buckets, statistics still there.
        var outside = Summaries.MakeHistogram([100.0], bins, out _);
        Assert.IsEmpty(outside.Bucket);
        Assert.AreEqual(1.0, outside.Num);
    }

    [TestMethod]
    public void ExplicitEdgesOfFewAndManyBucketsCountEveryValueWhereNumpyDoes()
    {
        // Up to 16 buckets are counted without a branch per value, more by a guess and its corrections: both against
        // a linear search, over floats and doubles that include every edge itself, values just outside the first and
        // last edges, NaN and infinities, with unevenly spaced edges.
        var random = new Random(17);
        foreach (int buckets in new[] { 1, 2, 6, 15, 16, 17, 40 })
        {
            double[] edges = new double[buckets + 1];
            edges[0] = -3;
            for (int k = 1; k <= buckets; k++)
            {
                edges[k] = edges[k - 1] + 0.01 + random.NextDouble() * random.NextDouble() * 2;
            }
            var values = new List<double>();
            for (int i = 0; i < 3_000; i++)
            {
                values.Add(edges[0] - 1 + random.NextDouble() * (edges[^1] - edges[0] + 2));
            }
            values.AddRange(edges);
            values.AddRange([Math.BitDecrement(edges[0]), Math.BitIncrement(edges[^1]), double.NaN, double.PositiveInfinity, double.NegativeInfinity]);
            var bins = HistogramBins.FromEdges(edges);
            foreach (bool asFloats in new[] { false, true })
            {
                double[] input = asFloats ? [.. values.Select(v => (double)(float)v)] : [.. values];
                var expected = new double[buckets];
                foreach (double x in input)
                {
                    if (x >= edges[0] && x <= edges[^1])
                    {
                        int j = buckets - 1;
                        while (j > 0 && x < edges[j])
                        {
                            j--;
                        }
                        expected[j]++;
                    }
                }
                var histogram = asFloats
                    ? Summaries.MakeHistogram(input.Select(v => (float)v).ToArray(), bins, out _)
                    : Summaries.MakeHistogram(input, bins, out _);
                // The proto keeps the buckets from the first full one (with an empty one before it) to the last full one.
                var actual = new double[buckets];
                for (int k = 1; k < histogram.Bucket.Count; k++)
                {
                    actual[Array.IndexOf(edges, histogram.BucketLimit[k]) - 1] = histogram.Bucket[k];
                }
                CollectionAssert.AreEqual(expected, actual, $"{buckets} buckets, {(asFloats ? "floats" : "doubles")}");
            }
        }
    }

    [TestMethod]
    public void NonFiniteValuesAreSkippedAndCounted()
    {
        float[] values = [1f, float.NaN, 2f, float.PositiveInfinity, -3f, float.NegativeInfinity];
        var histogram = Summaries.MakeHistogram(values, default, out int nonFinite);
        Assert.AreEqual(3, nonFinite);
        Assert.AreEqual(3.0, histogram.Num);
        Assert.AreEqual((-3.0, 2.0, 0.0, 14.0), (histogram.Min, histogram.Max, histogram.Sum, histogram.SumSquares));
        Assert.AreEqual(3.0, histogram.Bucket.Sum());
        Assert.IsTrue(histogram.BucketLimit.All(double.IsFinite));

        var none = Summaries.MakeHistogram([double.NaN, double.NaN], HistogramBins.Uniform(4), out nonFinite);
        Assert.AreEqual(2, nonFinite);
        Assert.AreEqual(new HistogramProto(), none);
    }

    [TestMethod]
    public void HugeValuesLandInTheOutermostDefaultBuckets()
    {
        var histogram = Summaries.MakeHistogram([1e25, -1e25, 1.0], default, out _);
        Assert.AreEqual(3.0, histogram.Bucket.Sum());
        Assert.AreEqual(HistogramBins.Exponential.Edges[^1], histogram.BucketLimit[^1]);
        Assert.AreEqual(1.0, histogram.Bucket[1], "the first real bucket holds -1e25");
    }

    [TestMethod]
    public void BadInputGetsSpecificExceptions()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.Histogram("h", ReadOnlySpan<float>.Empty));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.Histogram(" ", [1f]));
        Assert.ThrowsExactly<ArgumentNullException>(() => Summaries.Histogram(null!, [1f]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HistogramBins.Uniform(0));
        Assert.ThrowsExactly<ArgumentException>(() => HistogramBins.FromEdges([1.0]));
        Assert.ThrowsExactly<ArgumentException>(() => HistogramBins.FromEdges([0, 2, 1]));
        Assert.ThrowsExactly<ArgumentException>(() => HistogramBins.FromEdges([0, double.NaN]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.MakeHistogram([double.MinValue, double.MaxValue], HistogramBins.Uniform(3), out _));
    }

    [TestMethod]
    public void TensorsOfAnyLayoutGiveTheSameHistogramAsTheirElements()
    {
        float[] data = Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i) * 10).ToArray();
        var tensor = Tensor.Create(data, [2, 3, 4]);
        var expected = Summaries.MakeHistogram(data, default, out _);
        Assert.AreEqual(expected, Summaries.Histogram("t", tensor.AsReadOnlyTensorSpan()).Value[0].Histo);

        // A strided slice: rows 0..1, columns 1..2 of a 2x3x4 tensor (not dense).
        var slice = tensor.AsReadOnlyTensorSpan().Slice([0..2, 1..3, 0..4]);
        Assert.IsFalse(slice.IsDense);
        float[] sliced = [.. data[4..12], .. data[16..24]];
        var fromSlice = Summaries.Histogram("t", slice).Value[0].Histo;
        var fromElements = Summaries.MakeHistogram(sliced, default, out _);
        Assert.IsTrue(fromElements.Bucket.SequenceEqual(fromSlice.Bucket));
        Assert.AreEqual(fromElements.Sum, fromSlice.Sum, 1e-9);

        var doubles = Tensor.Create(data.Select(f => (double)f).ToArray(), [24]);
        Assert.IsTrue(expected.Bucket.SequenceEqual(Summaries.Histogram("t", doubles.AsReadOnlyTensorSpan()).Value[0].Histo.Bucket));
    }

    [TestMethod]
    public void EveryValueCarriesHistogramMetadata()
    {
        var value = Summaries.Histogram("h", [1f, 2f]).Value.Single();
        Assert.AreEqual("histograms", value.Metadata.PluginData.PluginName);
        Assert.AreEqual(DataClass.Tensor, value.Metadata.DataClass);
        Assert.IsTrue(value.Metadata.PluginData.Content.IsEmpty, "HistogramPluginData{version 0} serializes to no bytes");
        Assert.AreEqual(value.Histo.Bucket.Count, value.Histo.BucketLimit.Count, "TensorBoard's Rust loader drops histograms whose lengths differ");
    }

    [TestMethod]
    public void HistogramRawValidatesAndKeepsTheNumbers()
    {
        var value = Summaries.HistogramRaw("raw", 0, 10, 3, 12, 60, [1, 5, 10], [0, 1, 2]).Value.Single();
        Assert.AreEqual((0.0, 10.0, 3.0, 12.0, 60.0), (value.Histo.Min, value.Histo.Max, value.Histo.Num, value.Histo.Sum, value.Histo.SumSquares));
        CollectionAssert.AreEqual(new double[] { 1, 5, 10 }, value.Histo.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 1, 2 }, value.Histo.Bucket.ToArray());

        Assert.ThrowsExactly<ArgumentException>(() => Summaries.HistogramRaw("raw", 0, 1, 1, 1, 1, [1, 2], [1]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.HistogramRaw("raw", 0, 1, 1, 1, 1, [2, 1], [1, 1]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.HistogramRaw("raw", 0, 1, 1, 1, 1, [1], [-1]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.HistogramRaw("raw", double.NaN, 1, 1, 1, 1, [1], [1]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.HistogramRaw("raw", 2, 1, 1, 1, 1, [1], [1]));
    }
}
