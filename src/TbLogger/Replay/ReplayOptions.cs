using TbLogger.Reading;

namespace TbLogger.Replay;

/// <summary>What <see cref="LogReplayer"/> keeps and changes.</summary>
public sealed record ReplayOptions
{
    /// <summary>Runs, tags (before renaming) and steps to keep (default all).</summary>
    public ReadFilter Filter { get; init; } = ReadFilter.All;

    /// <summary>Keep every k-th value of each tag (the 1st, (k+1)-th, ...); null or 1 keeps all.</summary>
    public int? KeepEvery { get; init; }

    /// <summary>
    /// Keep at most N values per tag, chosen like TensorBoard's reservoir sampling (uniform over the tag's values,
    /// the last value always kept, seeded so replays are repeatable); null keeps all.
    /// </summary>
    public int? MaxPointsPerTag { get; init; }

    /// <summary>Added to every wall time (e.g. to align runs).</summary>
    public TimeSpan TimeShift { get; init; }

    /// <summary>Tag renames, first match wins.</summary>
    public IReadOnlyList<TagRename> Renames { get; init; } = [];

    /// <summary>
    /// When set, every selected run is written into this one run (name relative to the destination). Runs are merged
    /// in name order, so a tag that several runs share is written as if they had logged into one directory one after
    /// another: a later run's point at a step the tag already reached makes TensorBoard drop the tag's earlier points
    /// at that step and after (as it does for a resumed run), and <see cref="ReplayResult.StepViolations"/> counts
    /// such points. <see cref="PrefixTagsWithRun"/> keeps every run's points of its own tags.
    /// </summary>
    public string? MergeInto { get; init; }

    /// <summary>
    /// With <see cref="MergeInto"/>, prefix each tag with its source run's name ("run/tag"); not the tags whose names
    /// TensorBoard looks for (the hparams plugin's <c>_hparams_/…</c>, the custom scalars layout's
    /// <c>custom_scalars__config__</c>), which keep their names so those dashboards still find them. A merged run holds
    /// one hparams session and one layout: of several source runs' TensorBoard shows one (the others are counted in
    /// <see cref="ReplayResult.StepViolations"/>), and a prefixed tag no longer matches a metric or chart that named it.
    /// </summary>
    public bool PrefixTagsWithRun { get; init; }

    /// <summary>Seed of the reservoir sampling (default 0, like TensorBoard).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Called on the caller's thread with the number of events read so far (a run replayed ahead on another thread
    /// counts when its turn comes); may be null.
    /// </summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>What a replay did.</summary>
/// <param name="RunsRead">Source runs read.</param>
/// <param name="RunsWritten">Destination runs written.</param>
/// <param name="EventsRead">Events read (after purges).</param>
/// <param name="ValuesWritten">Summary values written.</param>
/// <param name="ValuesDropped">Summary values left out by filters and downsampling.</param>
public sealed record ReplayResult(int RunsRead, int RunsWritten, long EventsRead, long ValuesWritten, long ValuesDropped)
{
    /// <summary>
    /// Values written at a step their tag had already reached in its output run (a repeat or a step back): TensorBoard
    /// drops the tag's earlier points at that step and after. Runs merged without <see cref="ReplayOptions.PrefixTagsWithRun"/>
    /// that share a tag make them, and so, with it, do the hparams and custom scalars tags of several merged runs, which
    /// keep their names (a source run's own are resolved when it is read, as TensorBoard's loader resolves them).
    /// </summary>
    public long StepViolations { get; init; }
}
