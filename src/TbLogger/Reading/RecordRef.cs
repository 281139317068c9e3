namespace TbLogger.Reading;

/// <summary>One event record of a run; <see cref="Data"/> is valid only until the enumeration moves on.</summary>
internal readonly struct RecordRef
{
    public RecordRef(string file, long offset, long ordinal, ReadOnlyMemory<byte> data, EventHeader header)
    {
        File = file;
        Offset = offset;
        Ordinal = ordinal;
        Data = data;
        Header = header;
    }

    public string File { get; }

    public long Offset { get; }

    /// <summary>Position of the record among all records of the run (files in order).</summary>
    public long Ordinal { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public EventHeader Header { get; }
}
