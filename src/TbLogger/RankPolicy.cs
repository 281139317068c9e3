namespace TbLogger;

/// <summary>Which processes of a data-parallel job write events (see <see cref="SummaryWriterOptions.Rank"/>).</summary>
public enum RankPolicy
{
    /// <summary>Only rank 0 writes; every other rank's writer accepts calls and writes nothing (PyTorch Lightning's rank-zero-only logging).</summary>
    RankZeroOnly = 0,

    /// <summary>
    /// Every rank writes its own event file into the same run (names carry host, pid, counter and ".rank{r}"), with
    /// tags suffixed by "/rank{r}" unless <see cref="SummaryWriterOptions.SuffixTagsWithRank"/> is false.
    /// </summary>
    AllRanks = 1,
}
