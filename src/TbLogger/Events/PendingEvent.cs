using TbLogger.Protos;

namespace TbLogger.Events;

/// <summary>
/// One queued event: 32 bytes, because the queue's arrays pass from the caller's core to the worker's and every
/// byte is cache traffic. <see cref="Item"/> says what it is: a tag (a scalar, whose value travels in the plain
/// fields, so enqueueing one allocates nothing), a finished <see cref="Event"/>, or a function that builds the
/// summary on the worker thread.
/// </summary>
internal readonly struct PendingEvent
{
    public readonly object Item;
    public readonly double Value;
    public readonly double WallTime;
    public readonly long Step;

    private PendingEvent(object item, double value, double wallTime, long step)
    {
        Item = item;
        Value = value;
        WallTime = wallTime;
        Step = step;
    }

    public static PendingEvent Scalar(string tag, double value, long step, double wallTime) => new(tag, value, wallTime, step);

    public static PendingEvent Complete(Event value) => new(value, 0, 0, 0);

    public static PendingEvent Deferred(Func<Summary> build, long step, double wallTime) => new(build, 0, wallTime, step);
}
