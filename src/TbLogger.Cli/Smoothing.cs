namespace TbLogger.Cli;

/// <summary>
/// TensorBoard's scalar smoothing: an exponential moving average debiased for its start (divided by 1 - w^n, n the
/// number of finite points so far). Non-finite points pass through and do not count; a constant series is returned
/// unchanged; weight 0 is no smoothing.
/// </summary>
internal static class Smoothing
{
    public static double[] DebiasedEma(IReadOnlyList<double> values, double weight)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (double.IsNaN(weight) || weight < 0 || weight > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "Smoothing must be in [0, 1].");
        }
        var result = new double[values.Count];
        bool constant = values.All(v => v.Equals(values.Count > 0 ? values[0] : 0));
        double last = 0;
        int accumulated = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double y = values[i];
            if (constant || !double.IsFinite(y))
            {
                result[i] = y;
                continue;
            }
            last = last * weight + (1 - weight) * y;
            accumulated++;
            double debias = weight == 1 ? 1 : 1 - Math.Pow(weight, accumulated);
            result[i] = last / debias;
        }
        return result;
    }
}
