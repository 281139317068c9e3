using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// The <c>axis</c> argument of Keras's DiceLoss and TverskyLoss losses: null reduces everything to one value; otherwise one
/// axis, or several axes that must be the trailing ones (e.g. (1, 2, 3) for [N, H, W, C] gives one value per image).
/// </summary>
internal static class SegmentationAxes
{
    public static int[]? Copy(IReadOnlyList<int>? axes)
    {
        if (axes is null) return null;
        if (axes.Count == 0) throw new ArgumentException("axis must be null or name at least one axis.", "axis");
        return [.. axes];
    }

    public static LossAxes Resolve(int[]? axes, int rank, string lossName)
    {
        if (axes is null) return LossAxes.All(rank);
        Span<bool> seen = stackalloc bool[rank];
        int min = rank;
        foreach (int a in axes)
        {
            int c = LossAxes.Canonical(a, rank, lossName);
            if (seen[c]) throw new ArgumentException($"Loss '{lossName}' names axis {a} twice.", "axis");
            seen[c] = true;
            min = Math.Min(min, c);
        }
        if (axes.Length == 1) return new LossAxes(min, min + 1);
        if (min + axes.Length != rank)
            throw new ArgumentException(
                $"Loss '{lossName}' reduces axes ({string.Join(", ", axes)}) of rank-{rank} inputs; several axes must be the trailing ones.", "axis");
        return new LossAxes(min, rank);
    }

    public static void Write(Utf8JsonWriter writer, int[]? axes)
    {
        if (axes is null)
        {
            writer.WriteNull("axis");
            return;
        }
        writer.WriteStartArray("axis");
        foreach (int a in axes) writer.WriteNumberValue(a);
        writer.WriteEndArray();
    }
}
