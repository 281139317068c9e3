using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;

namespace TbLogger.Tests.Replay;

/// <summary>What a replay wrote, for comparing replays with each other.</summary>
internal static class ReplayOutput
{
    /// <summary>
    /// Each output run (its directory under <paramref name="output"/>, which holds exactly one event file) and its
    /// records after the writer's own file_version, as hex: the replayed events, byte for byte.
    /// </summary>
    public static Dictionary<string, List<string>> Runs(string output)
    {
        var runs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(output, "*tfevents*", SearchOption.AllDirectories))
        {
            string run = Path.GetRelativePath(output, Path.GetDirectoryName(file)!);
            Assert.IsFalse(runs.ContainsKey(run), $"run {run} has more than one event file");
            using var reader = new TfRecordReader(File.OpenRead(file));
            var records = new List<string>();
            while (reader.TryReadNext(out ReadOnlyMemory<byte> record))
            {
                records.Add(Convert.ToHexString(record.Span));
            }
            Assert.AreEqual(EventFileWriter.FileVersion, Event.Parser.ParseFrom(Convert.FromHexString(records[0])).FileVersion, $"run {run}");
            runs[run] = records[1..];
        }
        return new Dictionary<string, List<string>>(runs, StringComparer.Ordinal);
    }
}
