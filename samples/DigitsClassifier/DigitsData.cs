using System.Globalization;
using System.IO.Compression;

namespace DigitsClassifier;

/// <summary>
/// The UCI handwritten digits (8×8 images, pixels 0..16, classes 0..9), split 80/20 with a fixed seed. Pixels are
/// scaled to [0, 1].
/// </summary>
public sealed class DigitsData
{
    public const int Pixels = 64, Classes = 10, Side = 8;

    private DigitsData(float[] trainX, int[] trainY, float[] valX, int[] valY)
    {
        TrainX = trainX;
        TrainY = trainY;
        ValidationX = valX;
        ValidationY = valY;
    }

    public float[] TrainX { get; }
    public int[] TrainY { get; }
    public float[] ValidationX { get; }
    public int[] ValidationY { get; }
    public int TrainCount => TrainY.Length;
    public int ValidationCount => ValidationY.Length;

    /// <summary>The data file shipped next to the program (copied from samples/data at build time).</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    public static DigitsData Load(string? path = null, int seed = 42, double validationFraction = 0.2)
    {
        path ??= DefaultPath;
        var rows = new List<(float[] X, int Y)>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress)))
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line.Length == 0) continue;
                var parts = line.Split(',');
                if (parts.Length != Pixels + 1) throw new InvalidDataException($"{path}: a row has {parts.Length} columns, expected {Pixels + 1}.");
                var x = new float[Pixels];
                for (int i = 0; i < Pixels; i++) x[i] = float.Parse(parts[i], CultureInfo.InvariantCulture) / 16f;
                rows.Add((x, (int)float.Parse(parts[Pixels], CultureInfo.InvariantCulture)));
            }
        }
        var rng = new Random(seed);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        rng.Shuffle(order);
        int valCount = (int)Math.Round(rows.Count * validationFraction);
        int trainCount = rows.Count - valCount;
        var trainX = new float[trainCount * Pixels];
        var trainY = new int[trainCount];
        var valX = new float[valCount * Pixels];
        var valY = new int[valCount];
        for (int i = 0; i < rows.Count; i++)
        {
            var (x, y) = rows[order[i]];
            if (i < trainCount)
            {
                x.CopyTo(trainX, i * Pixels);
                trainY[i] = y;
            }
            else
            {
                x.CopyTo(valX, (i - trainCount) * Pixels);
                valY[i - trainCount] = y;
            }
        }
        return new DigitsData(trainX, trainY, valX, valY);
    }
}
