namespace TbLogger.Metrics.Losses;

/// <summary>
/// The axes a loss reduces to get one per-sample value: the half-open range [<see cref="Start"/>, <see cref="End"/>)
/// of a canonical (non-negative) axis list. [rank-1, rank) is Keras's usual <c>axis=-1</c>; [rank, rank) is an
/// element-wise loss (TF.js style); [0, rank) reduces everything to one value (Keras's <c>axis=None</c>).
/// </summary>
internal readonly record struct LossAxes(int Start, int End)
{
    /// <summary>Reduces one axis, given Keras-style (negative counts from the end).</summary>
    public static LossAxes Single(int axis, int rank, string lossName)
    {
        int a = Canonical(axis, rank, lossName);
        return new LossAxes(a, a + 1);
    }

    /// <summary>No reduction: one value per element.</summary>
    public static LossAxes Elementwise(int rank) => new(rank, rank);

    /// <summary>Reduces every axis to a single value.</summary>
    public static LossAxes All(int rank) => new(0, rank);

    /// <summary>Maps a Keras axis (which may be negative) onto [0, rank).</summary>
    public static int Canonical(int axis, int rank, string lossName)
    {
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)rank)
            throw new ArgumentException($"Loss '{lossName}' has axis {axis}, which is out of range for inputs of rank {rank}.", "yPred");
        return a;
    }
}
