namespace TbLogger;

/// <summary>Which processes of a data-parallel job write events (see <see cref="SummaryWriterOptions.Rank"/>).</summary>
public enum RankPolicy
{
    /// <summary>Only rank 0 writes; every other rank's writer accepts calls and writes nothing (PyTorch Lightning's rank-zero-only logging).</summary>
    RankZeroOnly = 0,

    /// <summary>
    /// Every rank writes: by default into its own sub-run <c>{run}/rank{r}</c> with tags as given
    /// (<see cref="RankLayout.RunPerRank"/>), or, with <see cref="RankLayout.SharedRun"/>, its own file in the run
    /// with tags suffixed by "/rank{r}". Metrics reduced over all ranks belong to the run itself: rank 0 logs them
    /// with a second writer on the run under <see cref="RankZeroOnly"/> (no rank in their tags).
    /// </summary>
    AllRanks = 1,
}
