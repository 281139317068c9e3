namespace TbLogger.Reading;

/// <summary>What a tag of a run holds, as <c>tblog ls</c> shows it.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Plugin">The plugin name ("scalars", "images", ...; empty for a tensor without plugin metadata).</param>
/// <param name="Count">Values kept (after purges).</param>
/// <param name="FirstStep">Smallest step.</param>
/// <param name="LastStep">Largest step.</param>
/// <param name="LastWallTime">Wall time of the last value in file order.</param>
/// <param name="LastValue">For scalars, the last value in file order; otherwise null.</param>
public sealed record TagSummary(string Tag, string Plugin, long Count, long FirstStep, long LastStep, double LastWallTime, double? LastValue);

/// <summary>A run's files and tags.</summary>
/// <param name="Run">The run name.</param>
/// <param name="Files">Number of event files.</param>
/// <param name="Bytes">Total size of its event files.</param>
/// <param name="Tags">Its tags, sorted by plugin then tag.</param>
public sealed record RunSummary(string Run, int Files, long Bytes, IReadOnlyList<TagSummary> Tags);
