using System.Numerics.Tensors;

namespace TbLogger.Metrics.Tests.Losses;

// Inside the namespace so the loss classes win over the metric classes of the same Keras names.
using TbLogger.Metrics.Losses;

/// <summary>Small helpers for the loss tests: tensors from arrays, per-sample values, and float comparisons.</summary>
internal static class LossTestHelpers
{
    public static ReadOnlyTensorSpan<float> T(float[] data, params nint[] shape)
        => shape.Length == 0 ? new ReadOnlyTensorSpan<float>(data) : new ReadOnlyTensorSpan<float>(data, shape);

    public static float[] PerSample(Loss loss, float[] yTrue, nint[] trueShape, float[] yPred, nint[] predShape,
                                    float[]? weights = null, nint[]? weightShape = null)
    {
        var t = T(yTrue, trueShape);
        var p = T(yPred, predShape);
        var values = new float[loss.GetPerSampleLength(t, p)];
        if (weights is null) loss.ComputePerSample(t, p, values);
        else loss.ComputePerSample(t, p, values, T(weights, weightShape ?? [weights.Length]));
        return values;
    }

    /// <summary>Relative-or-absolute closeness, like numpy's assert_allclose with both tolerances.</summary>
    public static void Close(double expected, double actual, double rtol = 1e-5, double atol = 1e-5, string? message = null)
    {
        double tol = atol + rtol * Math.Abs(expected);
        if (!(Math.Abs(expected - actual) <= tol))
            Assert.Fail($"Expected {expected} but got {actual} (tolerance {tol}). {message}");
    }

    public static void AllClose(double[] expected, float[] actual, double rtol = 1e-5, double atol = 1e-5)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], rtol, atol, $"at index {i}");
    }
}
