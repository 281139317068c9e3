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

    /// <summary>
    /// A <see cref="DeferredWork"/> (issue 19): like <see cref="DeferredSummary"/>, but the item owns pooled buffers
    /// that the queue releases exactly once, whether the item is written, fails to build, or is never written.
    /// </summary>
    Work,

    /// <summary>
    /// An event record the caller encoded (a replay, which leaves repeated metadata out itself), written as given;
    /// <see cref="PendingEvent.Payload"/> is its byte[]. Queued in bulk, like scalars: a queue of bytes holds no
    /// objects that outlive a collection of the young generation (a replay's queued events did, and were promoted).
    /// </summary>
    Encoded,
}

/// <summary>
/// One queued item, tagged with its <see cref="Kind"/>: a scalar (its value travels in the plain fields, so queueing
/// one allocates nothing), a finished <see cref="Event"/>, or a function or <see cref="DeferredWork"/> that builds a
/// summary on the worker thread.
/// The queue stores it as <see cref="PendingSlots"/>.
/// </summary>
internal readonly struct PendingEvent
{
    public readonly object Payload;
    public readonly double Value;
    public readonly double WallTime;
    public readonly long Step;
    public readonly PendingKind Kind;

    internal PendingEvent(PendingKind kind, object payload, double value, double wallTime, long step)
    {
        Kind = kind;
        Payload = payload;
        Value = value;
        WallTime = wallTime;
        Step = step;
    }

    /// <summary>True for the scalar kinds, whose payload is the tag string.</summary>
    public bool IsScalar => Kind <= PendingKind.ScalarSimpleValue;

    /// <summary>True for the kinds the worker takes in bulk (scalars and encoded records): they do not wake it one by one.</summary>
    public bool IsBulk => IsScalar || Kind == PendingKind.Encoded;

    /// <summary>A scalar; <paramref name="kind"/> is one of the scalar kinds (<see cref="KindOf"/> of the writer's encoding, chosen once).</summary>
    public static PendingEvent Scalar(string tag, double value, long step, double wallTime, PendingKind kind) =>
        new(kind, tag, value, wallTime, step);

    public static PendingEvent Complete(Event value) => new(PendingKind.Event, value, 0, value.WallTime, value.Step);

    /// <summary>An event record encoded by the caller (<see cref="PendingKind.Encoded"/>).</summary>
    public static PendingEvent Encoded(byte[] record, long step, double wallTime) => new(PendingKind.Encoded, record, 0, wallTime, step);

    public static PendingEvent Deferred(Func<Summary> build, long step, double wallTime) =>
        new(PendingKind.DeferredSummary, build, 0, wallTime, step);

    public static PendingEvent Deferred(DeferredWork work, long step, double wallTime) =>
        new(PendingKind.Work, work, 0, wallTime, step);

    /// <summary>The encoding of a scalar kind.</summary>
    public ScalarEncoding ScalarEncoding => Kind switch
    {
        PendingKind.ScalarFloat64Tensor => ScalarEncoding.Float64Tensor,
        PendingKind.ScalarSimpleValue => ScalarEncoding.SimpleValue,
        _ => ScalarEncoding.Float32Tensor,
    };

    /// <summary>The scalar kind of <paramref name="encoding"/>.</summary>
    public static PendingKind KindOf(ScalarEncoding encoding) => encoding switch
    {
        ScalarEncoding.Float64Tensor => PendingKind.ScalarFloat64Tensor,
        ScalarEncoding.SimpleValue => PendingKind.ScalarSimpleValue,
        _ => PendingKind.ScalarFloat32Tensor,
    };
}

/// <summary>
/// The queue's storage of <see cref="PendingEvent"/>s: each item's data in a 32-byte slot and its kind in a byte
/// array beside them. The slots pass from the caller's core to the worker's, so every byte counts: a 40-byte item
/// (data and kind together) made AddScalar measurably slower.
/// </summary>
internal sealed class PendingSlots
{
    private Slot[] _slots;
    private PendingKind[] _kinds;

    public PendingSlots(int length)
    {
        _slots = new Slot[length];
        _kinds = new PendingKind[length];
    }

    public int Length => _slots.Length;

    public void Resize(int length)
    {
        // Array.Copy, not Array.Resize<T>: a framework generic method over this assembly's types has no precompiled
        // code in the package's ReadyToRun image, so a fresh process would compile it at its first growth (issue 19).
        var slots = new Slot[length];
        var kinds = new PendingKind[length];
        int kept = Math.Min(length, _slots.Length);
        Array.Copy(_slots, slots, kept);
        Array.Copy(_kinds, kinds, kept);
        _slots = slots;
        _kinds = kinds;
    }

    public void Set(int index, in PendingEvent item)
    {
        _slots[index] = new Slot(item.Payload, item.Value, item.WallTime, item.Step);
        _kinds[index] = item.Kind;
    }

    public PendingEvent Get(int index)
    {
        ref readonly Slot slot = ref _slots[index];
        return new PendingEvent(_kinds[index], slot.Payload, slot.Value, slot.WallTime, slot.Step);
    }

    /// <summary>Drops the payload of a finished item so it can be collected (a scalar's tag is left: it is the caller's).</summary>
    public void Clear(int index)
    {
        if (_kinds[index] > PendingKind.ScalarSimpleValue)
        {
            _slots[index] = default;
        }
    }

    private readonly struct Slot(object payload, double value, double wallTime, long step)
    {
        public readonly object Payload = payload;
        public readonly double Value = value;
        public readonly double WallTime = wallTime;
        public readonly long Step = step;
    }
}
