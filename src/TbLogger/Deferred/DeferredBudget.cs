namespace TbLogger.Deferred;

/// <summary>
/// Bounds the bytes of input copies a summary writer's deferred values hold at once. Binning or encoding on the
/// caller's thread used to pace a training loop by itself; with that work on the writer's thread, a loop that logs
/// large values faster than they are built would otherwise fill the queue (thousands of items) with multi-megabyte
/// copies. Over the budget a call waits for the writer's thread (as a full queue does in
/// <see cref="Events.QueueFullMode.Block"/> mode) or is dropped (<see cref="Events.QueueFullMode.Drop"/>). One value
/// larger than the whole budget is admitted when nothing else is held.
/// </summary>
internal sealed class DeferredBudget(long limitBytes)
{
    /// <summary>The default limit: room for 16 one-million-float histograms in flight.</summary>
    public const long DefaultLimitBytes = 64L << 20;

    private readonly object _gate = new();
    private long _held;

    /// <summary>The limit in bytes.</summary>
    public long LimitBytes { get; } = limitBytes;

    /// <summary>Bytes held by admitted values not yet released.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>Admits <paramref name="bytes"/>, waiting for room when <paramref name="wait"/> is true; false when refused.</summary>
    public bool TryAdmit(long bytes, bool wait)
    {
        lock (_gate)
        {
            while (_held > 0 && _held + bytes > LimitBytes)
            {
                if (!wait)
                {
                    return false;
                }
                Monitor.Wait(_gate);
            }
            _held += bytes;
            return true;
        }
    }

    /// <summary>Gives back what <see cref="TryAdmit"/> admitted.</summary>
    public void Release(long bytes)
    {
        lock (_gate)
        {
            _held -= bytes;
            Monitor.PulseAll(_gate);
        }
    }
}
