using TbLogger.Protos;

namespace TbLogger.Events;

/// <summary>What a queued item is, and so how the worker turns it into an event record.</summary>
internal enum PendingKind : byte
{
    /// <summary>A scalar as a rank-0 DT_FLOAT tensor; <see cref="PendingEvent.Payload"/> is its tag.</summary>
    ScalarFloat32Tensor,

    /// <summary>A scalar as a rank-0 DT_DOUBLE tensor; <see cref="PendingEvent.Payload"/> is its tag.</summary>
    ScalarFloat64Tensor,

    /// <summary>A scalar as a TF1 simple_value; <see cref="PendingEvent.Payload"/> is its tag.</summary>
    ScalarSimpleValue,

    /// <summary>A finished <see cref="Event"/> that belongs to the caller (never changed here).</summary>
    Event,

    /// <summary>A <see cref="Func{Summary}"/> run on the worker thread, wrapped in an event at the item's step and wall time.</summary>
    DeferredSummary,
}

/// <summary>
/// One queued item, tagged with its <see cref="Kind"/>: a scalar (its value travels in the plain fields, so queueing
/// one allocates nothing), a finished <see cref="Event"/>, or a function that builds a summary on the worker thread.
/// The queue passes these arrays from the caller's core to the worker's, so the struct stays small.
/// </summary>
internal readonly struct PendingEvent
{
    public readonly object Payload;
    public readonly double Value;
    public readonly double WallTime;
    public readonly long Step;
    public readonly PendingKind Kind;

    private PendingEvent(PendingKind kind, object payload, double value, double wallTime, long step)
    {
        Kind = kind;
        Payload = payload;
        Value = value;
        WallTime = wallTime;
        Step = step;
    }

    /// <summary>True for the scalar kinds, whose payload is the tag string.</summary>
    public bool IsScalar => Kind <= PendingKind.ScalarSimpleValue;

    public static PendingEvent Scalar(string tag, double value, long step, double wallTime, ScalarEncoding encoding) =>
        new(KindOf(encoding), tag, value, wallTime, step);

    public static PendingEvent Complete(Event value) => new(PendingKind.Event, value, 0, value.WallTime, value.Step);

    public static PendingEvent Deferred(Func<Summary> build, long step, double wallTime) =>
        new(PendingKind.DeferredSummary, build, 0, wallTime, step);

    /// <summary>The encoding of a scalar kind.</summary>
    public ScalarEncoding ScalarEncoding => Kind switch
    {
        PendingKind.ScalarFloat64Tensor => ScalarEncoding.Float64Tensor,
        PendingKind.ScalarSimpleValue => ScalarEncoding.SimpleValue,
        _ => ScalarEncoding.Float32Tensor,
    };

    private static PendingKind KindOf(ScalarEncoding encoding) => encoding switch
    {
        ScalarEncoding.Float64Tensor => PendingKind.ScalarFloat64Tensor,
        ScalarEncoding.SimpleValue => PendingKind.ScalarSimpleValue,
        _ => PendingKind.ScalarFloat32Tensor,
    };
}
