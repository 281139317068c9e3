namespace TbLogger.Benchmarks.Histograms;

/// <summary>Deterministic inputs shared by the histogram benchmarks.</summary>
internal static class HistogramData
{
    public static (float[] Values, float[] Predictions, bool[] Labels) Create(int count)
    {
        var rng = new Random(1234);
        var values = new float[count];
        var predictions = new float[count];
        var labels = new bool[count];
        for (int i = 0; i < count; i++)
        {
            // Box-Muller: weights-like data spread over many exponential buckets.
            double u = 1.0 - rng.NextDouble(), v = rng.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v) * 0.05);
            predictions[i] = (float)rng.NextDouble();
            labels[i] = rng.NextDouble() < predictions[i];
        }
        return (values, predictions, labels);
    }
}
