using TbLogger.Events;

namespace TbLogger;

/// <summary>
/// Settings of a <see cref="SummaryWriter"/>: its event files' queue and flush settings (<see cref="EventFile"/>, also
/// settable one by one through the properties of the same names), how scalars are stored, the step policy, and
/// which ranks write.
/// </summary>
public sealed record SummaryWriterOptions
{
    /// <summary>Queue, flush and file-name settings of every event file the writer opens.</summary>
    public EventFileWriterOptions EventFile { get; init; } = new();

    /// <inheritdoc cref="EventFileWriterOptions.FlushInterval"/>
    public TimeSpan FlushInterval
    {
        get => EventFile.FlushInterval;
        init => EventFile = EventFile with { FlushInterval = value };
    }

    /// <inheritdoc cref="EventFileWriterOptions.MaxQueueEvents"/>
    public int MaxQueueEvents
    {
        get => EventFile.MaxQueueEvents;
        init => EventFile = EventFile with { MaxQueueEvents = value };
    }

    /// <inheritdoc cref="EventFileWriterOptions.QueueFullMode"/>
    public QueueFullMode QueueFullMode
    {
        get => EventFile.QueueFullMode;
        init => EventFile = EventFile with { QueueFullMode = value };
    }

    /// <inheritdoc cref="EventFileWriterOptions.FilenameSuffix"/>
    public string? FilenameSuffix
    {
        get => EventFile.FilenameSuffix;
        init => EventFile = EventFile with { FilenameSuffix = value };
    }

    /// <summary>
    /// Resume after a crash without duplicate points: when set, the first two events after file_version are
    /// <c>SessionLog{status = START}</c> at this step, which makes TensorBoard's Python loader discard the run's earlier
    /// points with step &gt;= PurgeStep (it ignores a run's first START, so one is not enough), and the new file is
    /// named to sort after the run's existing files, so TensorBoard's default loader (which ignores SessionLog) lets
    /// each re-logged tag's new points evict its old ones at steps &gt;= them. Step tracking starts just below it.
    /// </summary>
    public long? PurgeStep { get; init; }

    /// <summary>
    /// What to do when a tag's step repeats or goes back (default <see cref="Events.StepDiscipline.Warn"/>):
    /// TensorBoard's default loader keeps one point per step and evicts later points when a step goes back.
    /// </summary>
    public StepDiscipline StepDiscipline { get; init; } = StepDiscipline.Warn;

    /// <summary>
    /// How scalars are stored (default <see cref="TbLogger.ScalarEncoding.Float32Tensor"/>, the TF2 form).
    /// <see cref="TbLogger.ScalarEncoding.Float64Tensor"/> keeps double precision, but TensorBoard's default
    /// loader drops DT_DOUBLE scalars: only <c>tensorboard --load_fast=false</c> shows them.
    /// </summary>
    public ScalarEncoding ScalarEncoding { get; init; } = ScalarEncoding.Float32Tensor;

    /// <summary>
    /// Receives the first step violation of each tag under <see cref="Events.StepDiscipline.Warn"/>; null writes it
    /// to standard error. Called on the thread that wrote the event, outside the writer's locks, after the event is
    /// queued: an exception the handler throws reaches the caller of the call that wrote it, and that event is still
    /// written (unlike a call that refuses its input, which queues nothing).
    /// </summary>
    public Action<StepViolation>? StepViolationHandler { get; init; }

    /// <summary>
    /// Appended to every tag this writer writes (e.g. "/rank1"), or null. Each tag is suffixed once and remembered, so logging
    /// stays free of allocations; hparams and custom-scalars layout tags keep their fixed names.
    /// </summary>
    public string? TagSuffix { get; init; }

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
    /// Under <see cref="TbLogger.RankPolicy.AllRanks"/> with more than one process, where each rank writes (default
    /// <see cref="TbLogger.RankLayout.RunPerRank"/>: its own sub-run <c>{run}/rank{r}</c>, tags unchanged).
    /// </summary>
    public RankLayout RankLayout { get; init; } = RankLayout.RunPerRank;

    /// <summary>
    /// Under <see cref="TbLogger.RankPolicy.AllRanks"/> with <see cref="TbLogger.RankLayout.SharedRun"/> and more than
    /// one process, append "/rank{r}" to every tag (default true): TensorBoard keeps one point per tag and step in a
    /// run, so ranks would otherwise overwrite each other's points. Set false when ranks log disjoint tags.
    /// </summary>
    public bool SuffixTagsWithRank { get; init; } = true;

    /// <summary>Checks every setting; the writer calls it before it opens anything.</summary>
    internal void Validate()
    {
        if (EventFile is null)
        {
            throw new ArgumentNullException(nameof(EventFile));
        }
        EventFile.Validate();
        // Members listed rather than Enum.IsDefined, whose reflection cost a fresh process about 2 ms over the writer's
        // five enums (issue 19); OptionEnumTests fails if a member is added and not listed.
        if (ScalarEncoding is not (ScalarEncoding.Float32Tensor or ScalarEncoding.SimpleValue or ScalarEncoding.Float64Tensor))
        {
            throw new ArgumentOutOfRangeException(nameof(ScalarEncoding), ScalarEncoding, "Unknown scalar encoding.");
        }
        if (StepDiscipline is not (StepDiscipline.Warn or StepDiscipline.Throw or StepDiscipline.Silent))
        {
            throw new ArgumentOutOfRangeException(nameof(StepDiscipline), StepDiscipline, "Unknown step discipline.");
        }
    }

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
