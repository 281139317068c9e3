namespace TbLogger;

/// <summary>Where the ranks of one run write under <see cref="RankPolicy.AllRanks"/> (see <see cref="SummaryWriterOptions.RankLayout"/>).</summary>
public enum RankLayout
{
    /// <summary>
    /// Each rank writes its own sub-run <c>{run}/rank{r}</c> with tags as given: TensorBoard shows one chart per tag
    /// with a line per rank, and both of its loaders follow every rank's file live (each run has one writer).
    /// </summary>
    RunPerRank = 0,

    /// <summary>
    /// Every rank writes its own file into the run itself, tags suffixed by "/rank{r}" unless
    /// <see cref="SummaryWriterOptions.SuffixTagsWithRank"/> is false. TensorBoard's Python loader reads one file of a
    /// run at a time and never goes back, so it shows the ranks' later points only after a restart (or with
    /// <c>--reload_multifile=true</c>); the data server is not affected.
    /// </summary>
    SharedRun = 1,
}
