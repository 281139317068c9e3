namespace TbLogger.Reading;

/// <summary>One Summary.Value of a kept event; <see cref="Record"/> is valid only until the enumeration moves on.</summary>
internal readonly struct ValueRef
{
    public ValueRef(string run, string tag, string plugin, PluginKind kind, in RecordRef record, int valueStart, int valueLength, in ValueInfo info)
    {
        Run = run;
        Tag = tag;
        Plugin = plugin;
        Kind = kind;
        Step = record.Header.Step;
        WallTime = record.Header.WallTime;
        Record = record.Data;
        ValueStart = valueStart;
        ValueLength = valueLength;
        Info = info;
        File = record.File;
        Offset = record.Offset;
    }

    public string Run { get; }

    public string Tag { get; }

    public string Plugin { get; }

    public PluginKind Kind { get; }

    public long Step { get; }

    public double WallTime { get; }

    public ReadOnlyMemory<byte> Record { get; }

    public int ValueStart { get; }

    public int ValueLength { get; }

    public ValueInfo Info { get; }

    public string File { get; }

    public long Offset { get; }

    public ReadOnlySpan<byte> Value => Record.Span.Slice(ValueStart, ValueLength);

    public ReadOnlySpan<byte> Payload => Value.Slice(Info.PayloadStart, Info.PayloadLength);

    public ReadOnlySpan<byte> Content => Info.ContentStart < 0 ? default : Value.Slice(Info.ContentStart, Info.ContentLength);

    public Protos.Summary.Types.Value Parse() => Protos.Summary.Types.Value.Parser.ParseFrom(Value);
}
