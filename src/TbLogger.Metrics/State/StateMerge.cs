namespace TbLogger.Metrics;

/// <summary>
/// How one state variable of a <see cref="Metric"/> combines with the same variable of another shard's metric
/// in <see cref="Metric.Merge(Metric)"/>. Choosing the right kind is what makes merging k shards equal to one pass
/// over the union of their data.
/// </summary>
public enum StateMerge
{
    /// <summary>Element-wise sum (counts, weighted totals, confusion matrices). Initial value 0.</summary>
    Sum = 0,

    /// <summary>Element-wise minimum. Initial value +∞.</summary>
    Min = 1,

    /// <summary>Element-wise maximum. Initial value −∞.</summary>
    Max = 2,

    /// <summary>Records are appended (metrics that must keep samples, e.g. exact rank statistics). Initially empty.</summary>
    Concatenate = 3,
}
