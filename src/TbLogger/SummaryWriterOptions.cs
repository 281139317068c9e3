using TbLogger.Events;

namespace TbLogger;

/// <summary>Settings of a <see cref="SummaryWriter"/>: the event file writer's queue and flush settings plus how summaries are written.</summary>
public sealed record SummaryWriterOptions : EventFileWriterOptions
{
    /// <summary>
    /// This process's rank in a data-parallel job; null (the default) reads it from the launcher's environment
    /// (<see cref="DistributedEnvironment"/>), or 0 when there is none.
    /// </summary>
    public int? Rank { get; init; }

    /// <summary>The number of processes of the job; null (the default) reads it like <see cref="Rank"/>, or 1.</summary>
    public int? WorldSize { get; init; }

    /// <summary>Which ranks write (default <see cref="TbLogger.RankPolicy.RankZeroOnly"/>).</summary>
    public RankPolicy RankPolicy { get; init; } = RankPolicy.RankZeroOnly;

    /// <summary>
    /// Under <see cref="TbLogger.RankPolicy.AllRanks"/> with more than one process, append "/rank{r}" to every tag
    /// (default true): TensorBoard keeps one point per tag and step in a run, so ranks would otherwise overwrite
    /// each other's points. Set false when ranks log disjoint tags.
    /// </summary>
    public bool SuffixTagsWithRank { get; init; } = true;

    /// <summary>
    /// Appended to the run directory's name when the writer names it itself (<see cref="SummaryWriter(SummaryWriterOptions?)"/>),
    /// like PyTorch's <c>comment</c>: "runs/Dec03_10-15-00_host{Comment}". Ignored when a directory is given.
    /// </summary>
    public string Comment { get; init; } = "";

    /// <summary>The rank and world size in effect: the options' values, else the environment's.</summary>
    /// <returns>(rank, world size).</returns>
    /// <exception cref="ArgumentException">Rank is set without WorldSize.</exception>
    /// <exception cref="ArgumentOutOfRangeException">World size below 1, or rank outside [0, world size).</exception>
    public (int Rank, int WorldSize) ResolveRank()
    {
        if (Rank is not null && WorldSize is null)
        {
            throw new ArgumentException("Rank is set but WorldSize is not; set both, or neither to read them from the environment.", nameof(WorldSize));
        }
        // The environment is read only when the options leave it to the launcher: an explicit size wins, and a
        // malformed variable must not break a job that never asked for it.
        int envRank = 0, envSize = 1;
        if (WorldSize is null)
        {
            DistributedEnvironment.TryRead(out envRank, out envSize);
        }
        int worldSize = WorldSize ?? envSize;
        int rank = Rank ?? (WorldSize is null ? envRank : 0);
        if (worldSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WorldSize), worldSize, "WorldSize must be at least 1.");
        }
        if (rank < 0 || rank >= worldSize)
        {
            throw new ArgumentOutOfRangeException(nameof(Rank), rank, $"Rank must be in [0, {worldSize}) (WorldSize {worldSize}).");
        }
        return (rank, worldSize);
    }
}
