using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

// Inside the namespace so the loss classes win over the metric classes of the same Keras names.
using TbLogger.Metrics.Losses;

/// <summary>Every built-in's analytic gradient against central finite differences, for every reduction, with and without weights.</summary>
[TestClass]
public sealed class GradientTests
{
    private const double Step = 5e-3;

    public static IEnumerable<object[]> Cases()
    {
        foreach (var c in LossCase.All())
            foreach (var reduction in Enum.GetValues<Reduction>())
                foreach (bool weighted in new[] { false, true })
                    yield return [c, reduction, weighted];
    }

    public static string Name(System.Reflection.MethodInfo method, object[] data)
        => $"{data[0]} {data[1]}{((bool)data[2] ? " weighted" : "")}";

    [TestMethod]
    [DynamicData(nameof(Cases), DynamicDataDisplayName = nameof(Name))]
    public void AnalyticGradientMatchesCentralDifferences(LossCase c, Reduction reduction, bool weighted)
    {
        var loss = c.Create(reduction);
        float[] weights = weighted ? c.Weights : [];
        nint[] weightShape = weighted ? c.WeightShape : [0];
        var analytic = new float[c.YPred.Length];
        loss.Gradient(T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape), analytic, T(weights, weightShape));

        var combined = new float[c.YPred.Length];
        float value = loss.ComputeWithGradient(T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape), combined, T(weights, weightShape));
        Assert.AreEqual(Objective(loss, T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape), T(weights, weightShape)), value, 1e-6f * Math.Max(1f, Math.Abs(value)));
        CollectionAssert.AreEqual(analytic, combined, "ComputeWithGradient must give the same gradient as Gradient.");

        double[] numeric = CentralDifferences(loss, c, weights, weightShape);
        double scale = Math.Max(1.0, numeric.Max(Math.Abs));
        for (int i = 0; i < numeric.Length; i++)
            Close(numeric[i], analytic[i], rtol: 1e-2, atol: 3e-3 * scale, message: $"d/dyPred[{i}]");
    }

    internal static double[] CentralDifferences(Loss loss, LossCase c, float[] weights, nint[] weightShape)
    {
        var numeric = new double[c.YPred.Length];
        var p = (float[])c.YPred.Clone();
        for (int i = 0; i < p.Length; i++)
        {
            float original = p[i];
            float up = (float)(original + Step), down = (float)(original - Step);
            p[i] = up;
            double plus = Objective(loss, T(c.YTrue, c.TrueShape), T(p, c.PredShape), T(weights, weightShape));
            p[i] = down;
            double minus = Objective(loss, T(c.YTrue, c.TrueShape), T(p, c.PredShape), T(weights, weightShape));
            p[i] = original;
            numeric[i] = (plus - minus) / ((double)up - down);
        }
        return numeric;
    }

    // The scalar whose gradient Gradient writes: the reduced loss, or for Reduction.None the sum of the per-element losses.
    private static float Objective(Loss loss, System.Numerics.Tensors.ReadOnlyTensorSpan<float> yTrue, System.Numerics.Tensors.ReadOnlyTensorSpan<float> yPred,
                                   System.Numerics.Tensors.ReadOnlyTensorSpan<float> weights)
        => loss.Reduction == Reduction.None ? loss.ComputeUnreduced(yTrue, yPred, weights).ToArray().Sum() : loss.Compute(yTrue, yPred, weights);
}
