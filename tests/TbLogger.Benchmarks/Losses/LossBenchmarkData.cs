namespace TbLogger.Benchmarks.Losses;

/// <summary>Deterministic one-hot labels and logits for the loss benchmarks.</summary>
internal static class LossBenchmarkData
{
    public static (float[] Labels, float[] Logits) Create(int rows, int classes)
    {
        var random = new Random(42);
        var labels = new float[rows * classes];
        var logits = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            labels[r * classes + random.Next(classes)] = 1f;
            for (int k = 0; k < classes; k++) logits[r * classes + k] = (float)(random.NextDouble() * 8 - 4);
        }
        return (labels, logits);
    }
}
