using TbLogger.Protos;

namespace TbLogger.Reading;

/// <summary>An event of a run, after TensorBoard's purges.</summary>
/// <param name="Run">The run name.</param>
/// <param name="Event">The event (summary values that a purge dropped are removed from it).</param>
/// <param name="File">The event file it came from.</param>
/// <param name="Offset">Byte offset of its record in that file.</param>
public readonly record struct RunEvent(string Run, Event Event, string File, long Offset);
