using TbLogger.Protos;

namespace TbLogger.Events;

/// <summary>
/// A summary that the worker thread builds from data the item owns (typically a pooled copy of the caller's input),
/// so the expensive part (binning, PNG or WAV encoding, proto building) leaves the caller's thread. The queue knows
/// only this contract, nothing of plugins: the caller validated the input before queueing, so building is not
/// expected to fail; if it does, that one value is skipped and the error surfaces on the next call.
/// </summary>
/// <remarks>
/// Ownership: once handed to <see cref="EventFileWriter.EnqueueWork"/> the item is <see cref="Release"/>d exactly
/// once, whatever happens to it (written, failed to build, dropped from a full queue, refused by the step gate, queued
/// on a disposed or failed writer). Release runs right after <see cref="Build"/>, so a built summary must not
/// reference the released buffers.
/// </remarks>
internal abstract class DeferredWork
{
    private int _released;

    /// <summary>Builds the summary; runs on the writer's thread, at most once.</summary>
    public abstract Summary Build();

    /// <summary>Gives the item's buffers back; only the first call does anything.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            ReturnBuffers();
        }
    }

    /// <summary>Returns the pooled buffers; called exactly once.</summary>
    protected abstract void ReturnBuffers();
}
