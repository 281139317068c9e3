using TbLogger.Protos;

namespace TbLogger.Events;

/// <summary>
/// One queued event. Scalars travel as plain fields so that enqueueing one allocates nothing; everything else
/// carries a finished <see cref="Event"/> or a function that builds the summary on the worker thread.
/// </summary>
internal readonly struct PendingEvent
{
    public readonly string? Tag;
    public readonly object? Payload;
    public readonly double Value;
    public readonly double WallTime;
    public readonly long Step;
    public readonly ScalarEncoding Encoding;

    private PendingEvent(string? tag, object? payload, double value, double wallTime, long step, ScalarEncoding encoding)
    {
        Tag = tag;
        Payload = payload;
        Value = value;
        WallTime = wallTime;
        Step = step;
        Encoding = encoding;
    }

    public static PendingEvent Scalar(string tag, double value, long step, double wallTime, ScalarEncoding encoding) =>
        new(tag, null, value, wallTime, step, encoding);

    public static PendingEvent Complete(Event value) => new(null, value, 0, 0, 0, default);

    public static PendingEvent Deferred(Func<Summary> build, long step, double wallTime) => new(null, build, 0, wallTime, step, default);
}
