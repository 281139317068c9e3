using System.Buffers;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A summary writer's deferred value (issue 19): the caller validated its input and copied it into a buffer rented
/// here; the writer's thread builds the summary from that copy and the queue returns the buffer to its pool exactly
/// once. Subclasses hold what to build (histogram, PR curve, audio, image) and nothing else.
/// </summary>
internal abstract class SummaryWork : DeferredWork
{
    private readonly ArrayPool<byte> _pool;
    private byte[]? _buffer;
    private DeferredBudget? _budget;

    /// <summary>The largest copy a work item can hold: one array.</summary>
    public static long MaxBytes => Array.MaxLength;

    /// <summary>Rents at least <paramref name="bytes"/> bytes from <paramref name="pool"/>.</summary>
    protected SummaryWork(string tag, ArrayPool<byte> pool, long bytes)
    {
        if (bytes > MaxBytes)
        {
            throw new ArgumentException($"The input is {bytes} bytes; a value of at most {MaxBytes} bytes can be deferred.");
        }
        Tag = tag;
        _pool = pool;
        _buffer = pool.Rent((int)Math.Max(bytes, 1));
        Bytes = _buffer.Length;
    }

    /// <summary>The size of the rented buffer.</summary>
    public long Bytes { get; }

    /// <summary>Counts this work against <paramref name="budget"/> until it is released; false when the budget refused it.</summary>
    public bool Admit(DeferredBudget budget, bool wait)
    {
        if (!budget.TryAdmit(Bytes, wait))
        {
            return false;
        }
        _budget = budget;
        return true;
    }

    /// <summary>The tag as written: the caller's, with the run file's suffix when it has one (set before queueing).</summary>
    public string Tag { get; set; }

    /// <summary>The rented buffer (at least the requested length); only valid until the work is released.</summary>
    protected byte[] Buffer => _buffer ?? throw new ObjectDisposedException(GetType().Name, "The work was released; its buffer is back in the pool.");

    /// <inheritdoc />
    public sealed override Summary Build() => BuildFrom(Buffer);

    /// <summary>Builds the summary from <paramref name="buffer"/>; the result must not reference the buffer.</summary>
    protected abstract Summary BuildFrom(byte[] buffer);

    /// <inheritdoc />
    protected sealed override void ReturnBuffers()
    {
        byte[]? buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            _pool.Return(buffer);
            _budget?.Release(Bytes);
        }
    }
}
