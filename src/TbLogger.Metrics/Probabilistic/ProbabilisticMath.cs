namespace TbLogger.Metrics;

/// <summary>Numeric helpers of the probabilistic metrics.</summary>
internal static class ProbabilisticMath
{
    /// <summary>log Σ e^x, stable (max subtracted), in double.</summary>
    public static double LogSumExp(ReadOnlySpan<float> x)
    {
        double max = double.NegativeInfinity;
        foreach (var v in x) if (v > max) max = v;
        if (double.IsNegativeInfinity(max)) return max;
        double s = 0;
        foreach (var v in x) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }
}
