using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.TorchSharp.Tests;

/// <summary>Runs writer calls against a fresh log directory and returns the events they wrote (file_version header left out).</summary>
internal static class Logged
{
    public static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static List<Event> Events(Action<SummaryWriter> write)
    {
        string dir = NewDirectory();
        try
        {
            string path;
            using (var writer = new SummaryWriter(dir))
            {
                write(writer);
                path = writer.FilePath;
            }
            return EventFileReader.Read(path).Skip(1).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The serialized events, to compare two ways of logging the same data byte for byte.</summary>
    public static List<string> Bytes(Action<SummaryWriter> write) =>
        Events(write).Select(e => Convert.ToHexString(e.ToByteArray())).ToList();

    public static string NewDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tblogger-torch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static double Scalar(Summary.Types.Value value)
    {
        if (value.Tensor is { } t)
        {
            if (t.DoubleVal.Count > 0) return t.DoubleVal[0];
            if (t.FloatVal.Count > 0) return t.FloatVal[0];
            if (t.Int64Val.Count > 0) return t.Int64Val[0];
        }
        return value.SimpleValue;
    }
}
