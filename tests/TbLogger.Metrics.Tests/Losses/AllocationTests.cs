using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>After warm-up, no call allocates: every built-in and a function loss, all four entry points.</summary>
[TestClass]
public sealed class AllocationTests
{
    public static IEnumerable<object[]> Cases() => LossCase.All().Select(c => new object[] { c });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void BuiltIns_AllocateNothingAfterWarmUp(LossCase c)
    {
        foreach (var reduction in new[] { Reduction.SumOverBatchSize, Reduction.Mean })
            AssertNoAllocations(c.Create(reduction), c);
    }

    [TestMethod]
    public void FunctionLoss_AllocatesNothingAfterWarmUp()
    {
        static void Squares(ReadOnlyTensorSpan<float> t, ReadOnlyTensorSpan<float> p, Span<float> v)
        {
            // Element access keeps the user function itself allocation-free.
            int c = (int)p.Lengths[^1];
            for (int r = 0; r < v.Length; r++)
            {
                float s = 0;
                for (int k = 0; k < c; k++)
                {
                    float d = p[[r, k]] - t[[r, k]];
                    s += d * d;
                }
                v[r] = s;
            }
        }
        var c = LossCase.All().First(x => x.Label == "mse");
        AssertNoAllocations(Loss.FromFunction("squares", Squares), c);
    }

    private static void AssertNoAllocations(Loss loss, LossCase c)
    {
        var grad = new float[c.YPred.Length];
        var values = new float[loss.GetPerSampleLength(T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape))];
        void Once()
        {
            var t = T(c.YTrue, c.TrueShape);
            var p = T(c.YPred, c.PredShape);
            var w = T(c.Weights, c.WeightShape);
            loss.Compute(t, p, w);
            loss.Gradient(t, p, grad, w);
            loss.ComputeWithGradient(t, p, grad, w);
            loss.ComputePerSample(t, p, values, w);
            loss.Compute(t, p);
        }
        Once();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Once();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0L, allocated, $"{c.Label} with {loss.Reduction} allocated {allocated} bytes in 20 rounds.");
    }
}
