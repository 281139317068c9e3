using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Custom losses from functions: values, reductions, finite-difference and supplied gradients.</summary>
[TestClass]
public sealed class FunctionLossTests
{
    // A user's MSE written against the public API: one value per row of the last axis.
    private static void MyMse(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> perSample)
    {
        int c = (int)yPred.Lengths[^1];
        var t = new float[yTrue.FlattenedLength];
        var p = new float[yPred.FlattenedLength];
        yTrue.FlattenTo(t);
        yPred.FlattenTo(p);
        for (int r = 0; r < perSample.Length; r++)
        {
            float s = 0;
            for (int k = 0; k < c; k++) s += (p[r * c + k] - t[r * c + k]) * (p[r * c + k] - t[r * c + k]);
            perSample[r] = s / c;
        }
    }

    private static void MyMseGradient(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> d)
    {
        int c = (int)yPred.Lengths[^1];
        var t = new float[yTrue.FlattenedLength];
        var p = new float[yPred.FlattenedLength];
        yTrue.FlattenTo(t);
        yPred.FlattenTo(p);
        for (int i = 0; i < d.Length; i++) d[i] = 2 * (p[i] - t[i]) / c;
    }

    private static readonly float[] YTrue = [1, 9, 2, -5, -2, 6];
    private static readonly float[] YPred = [4, 8, 12, 8, 1, 3];

    [TestMethod]
    public void FromFunction_MatchesTheBuiltInForEveryReduction()
    {
        foreach (var reduction in Enum.GetValues<Reduction>())
        {
            var custom = Loss.FromFunction("my_mse", MyMse, reduction);
            var builtIn = new MeanSquaredErrorLoss(reduction);
            Assert.AreEqual("my_mse", custom.Name);
            Assert.AreEqual(reduction, custom.Reduction);
            if (reduction == Reduction.None)
            {
                AllClose([.. builtIn.ComputeUnreduced(T(YTrue, 2, 3), T(YPred, 2, 3), T([1.2f, 3.4f], 2, 1)).ToArray().Select(x => (double)x)],
                         custom.ComputeUnreduced(T(YTrue, 2, 3), T(YPred, 2, 3), T([1.2f, 3.4f], 2, 1)).ToArray(), rtol: 1e-6);
                continue;
            }
            Close(builtIn.Compute(T(YTrue, 2, 3), T(YPred, 2, 3), T([1.2f, 3.4f], 2, 1)),
                  custom.Compute(T(YTrue, 2, 3), T(YPred, 2, 3), T([1.2f, 3.4f], 2, 1)), rtol: 1e-6);
        }
        Close(49.5, Loss.FromFunction("my_mse", MyMse).Compute(T(YTrue, 2, 3), T(YPred, 2, 3)));
    }

    [TestMethod]
    public void FromFunction_FiniteDifferenceGradientMatchesAnalytic()
    {
        foreach (var reduction in Enum.GetValues<Reduction>())
        {
            var custom = Loss.FromFunction("my_mse", MyMse, reduction);
            var builtIn = new MeanSquaredErrorLoss(reduction);
            float[] numeric = new float[6], analytic = new float[6];
            custom.Gradient(T(YTrue, 2, 3), T(YPred, 2, 3), numeric, T([1.2f, 0.5f]));
            builtIn.Gradient(T(YTrue, 2, 3), T(YPred, 2, 3), analytic, T([1.2f, 0.5f]));
            AllClose([.. analytic.Select(x => (double)x)], numeric, rtol: 2e-3, atol: 2e-3);
        }
    }

    [TestMethod]
    public void FromFunction_UsesTheSuppliedGradient()
    {
        int calls = 0;
        void Counting(ReadOnlyTensorSpan<float> t, ReadOnlyTensorSpan<float> p, Span<float> d)
        {
            calls++;
            MyMseGradient(t, p, d);
        }
        var custom = Loss.FromFunction("my_mse", MyMse, Reduction.SumOverBatchSize, Counting);
        float[] supplied = new float[6], analytic = new float[6];
        float value = custom.ComputeWithGradient(T(YTrue, 2, 3), T(YPred, 2, 3), supplied, T([2f]));
        new MeanSquaredErrorLoss().Gradient(T(YTrue, 2, 3), T(YPred, 2, 3), analytic, T([2f]));
        Assert.AreEqual(1, calls);
        Close(99, value, rtol: 1e-6);
        AllClose([.. analytic.Select(x => (double)x)], supplied, rtol: 1e-6);
    }

    [TestMethod]
    public void FromFunction_Elementwise_GivesOneValuePerElement()
    {
        static void Abs(ReadOnlyTensorSpan<float> t, ReadOnlyTensorSpan<float> p, Span<float> v)
        {
            var tt = new float[t.FlattenedLength];
            var pp = new float[p.FlattenedLength];
            t.FlattenTo(tt);
            p.FlattenTo(pp);
            for (int i = 0; i < v.Length; i++) v[i] = MathF.Abs(pp[i] - tt[i]);
        }
        var custom = Loss.FromFunction("abs", Abs, Reduction.SumByNonzeroWeights, elementwise: true);
        Assert.AreEqual(6, custom.GetPerSampleLength(T(YTrue, 2, 3), T(YPred, 2, 3)));
        Close(new AbsoluteDifferenceLoss().Compute(T(YTrue, 2, 3), T(YPred, 2, 3), T([3, 0, 5, 0, 4, 2], 2, 3)),
              custom.Compute(T(YTrue, 2, 3), T(YPred, 2, 3), T([3, 0, 5, 0, 4, 2], 2, 3)), rtol: 1e-6);
        var g = new float[6];
        custom.Gradient(T(YTrue, 2, 3), T(YPred, 2, 3), g);
        AllClose([1 / 6.0, -1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, -1 / 6.0], g, rtol: 1e-3, atol: 1e-4);
    }

    [TestMethod]
    public void FromFunction_ConfigHasNameAndReduction()
        => Assert.AreEqual("""{"name":"my_mse","reduction":"sum"}""", Loss.FromFunction("my_mse", MyMse, Reduction.Sum).GetConfigJson());
}
