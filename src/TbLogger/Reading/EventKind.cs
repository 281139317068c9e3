namespace TbLogger.Reading;

/// <summary>Which member of Event's <c>what</c> one-of an event holds.</summary>
public enum EventKind
{
    /// <summary>None set (only wall_time/step, or source_metadata).</summary>
    None = 0,

    /// <summary><c>file_version</c>, e.g. "brain.Event:2".</summary>
    FileVersion = 3,

    /// <summary>A serialized GraphDef.</summary>
    GraphDef = 4,

    /// <summary>A Summary with values.</summary>
    Summary = 5,

    /// <summary>A deprecated LogMessage.</summary>
    LogMessage = 6,

    /// <summary>A SessionLog (START, STOP, CHECKPOINT).</summary>
    SessionLog = 7,

    /// <summary>Tagged RunMetadata.</summary>
    TaggedRunMetadata = 8,

    /// <summary>A serialized MetaGraphDef.</summary>
    MetaGraphDef = 9,
}
