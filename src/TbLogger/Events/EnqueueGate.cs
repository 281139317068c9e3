namespace TbLogger.Events;

/// <summary>
/// Sees each keyed item under an <see cref="EventFileWriter"/>'s lock, after room was made and just before the item
/// is queued, so it sees items in the order of the file. Its owner gives key and step their meaning (the summary
/// writer's step policy: a tag and its step); the queue only calls it.
/// </summary>
internal abstract class EnqueueGate
{
    /// <summary>Throws to refuse the item (nothing is queued); returns a notice for <see cref="Notify"/>, or null.</summary>
    public abstract object? Admit(string key, long step);

    /// <summary>Receives what <see cref="Admit"/> returned, on the caller's thread, after the queue's lock is released.</summary>
    public abstract void Notify(object notice);

    /// <summary>
    /// Throws as <see cref="Admit"/> would refuse the item, without admitting it: for an owner that checks several
    /// items, in several files, before it queues the first.
    /// </summary>
    public virtual void Check(string key, long step)
    {
    }
}
