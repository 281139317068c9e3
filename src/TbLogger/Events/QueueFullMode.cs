namespace TbLogger.Events;

/// <summary>What a writer does when its queue holds <see cref="EventFileWriterOptions.MaxQueueEvents"/> events.</summary>
public enum QueueFullMode
{
    /// <summary>The caller waits until the background worker makes room. Nothing is lost. The default.</summary>
    Block,

    /// <summary>The new event is dropped and counted (<see cref="EventFileWriter.DroppedEvents"/>); the caller never waits.</summary>
    Drop,
}
