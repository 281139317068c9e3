using System.Buffers.Binary;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Records;

namespace TbLogger.Tests.Reading;

/// <summary>Writes event files record by record, for tests that need exact control (purges, versions, damage).</summary>
internal static class EventFiles
{
    public static Event Version(string version = "brain.Event:2") => new() { WallTime = 1, FileVersion = version };

    public static Event Scalar(string tag, long step, float value, double wall = 0) =>
        new() { Step = step, WallTime = wall == 0 ? 1000 + step : wall, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = value } } } };

    public static Event Start(long step) => new() { Step = step, WallTime = 2000 + step, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } };

    public static string Write(string directory, string name, params Event[] events)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        using var stream = File.Create(path);
        using var writer = new TfRecordWriter(stream);
        foreach (var e in events)
        {
            writer.Write(e.ToByteArray());
        }
        return path;
    }

    /// <summary>A whole event file's bytes: a file_version record, then <paramref name="events"/>.</summary>
    public static byte[] FileBytes(params Event[] events)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Framed(Version()));
        foreach (var e in events)
        {
            buffer.Write(Framed(e));
        }
        return buffer.ToArray();
    }

    public static byte[] Framed(Event e)
    {
        byte[] data = e.ToByteArray();
        var framed = new byte[data.Length + TfRecordWriter.FramingOverhead];
        TfRecordWriter.Frame(data, framed);
        return framed;
    }

    /// <summary>Flips the last data byte of record <paramref name="record"/> (0 is the first) of <paramref name="file"/>, so its data CRC fails; returns the record's offset.</summary>
    public static long SpoilDataCrc(string file, int record)
    {
        byte[] bytes = File.ReadAllBytes(file);
        long offset = 0;
        for (int i = 0; i < record; i++)
        {
            offset += TfRecordWriter.FramingOverhead + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)offset));
        }
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)offset));
        bytes[offset + TfRecordWriter.FramingOverhead + length - 1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        return offset;
    }
}
