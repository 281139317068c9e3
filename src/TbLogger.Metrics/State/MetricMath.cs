namespace TbLogger.Metrics;

/// <summary>Small numeric helpers with Keras semantics.</summary>
public static class MetricMath
{
    /// <summary>Keras's <c>divide_no_nan</c>: <paramref name="numerator"/> / <paramref name="denominator"/>, or 0 when the denominator is 0.</summary>
    /// <param name="numerator">Numerator.</param>
    /// <param name="denominator">Denominator.</param>
    /// <returns>The quotient, 0 for a zero denominator.</returns>
    public static double DivideNoNan(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;

    /// <summary>Keras's default fuzz factor <c>backend.epsilon()</c> = 1e-7.</summary>
    public const float Epsilon = 1e-7f;
}
