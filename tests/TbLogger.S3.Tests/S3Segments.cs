using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.S3.Tests;

/// <summary>Reads downloaded segments back: as files in a temporary directory, through TbLogger's own reader.</summary>
internal static class S3Segments
{
    public static string SaveTo(IReadOnlyDictionary<string, byte[]> objects, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (key, data) in objects)
        {
            File.WriteAllBytes(Path.Combine(directory, key.Replace('/', '_')), data);
        }
        return directory;
    }

    /// <summary>Every event of every segment, segments in name order (TensorBoard's order).</summary>
    public static List<Event> ReadAll(IReadOnlyDictionary<string, byte[]> objects)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tblogger-s3-" + Guid.NewGuid().ToString("N"));
        try
        {
            SaveTo(objects, directory);
            var events = new List<Event>();
            foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                using var reader = new EventFileReader(file);
                events.AddRange(reader.ReadEvents());
                Assert.IsFalse(reader.IsTruncated, $"{file} is truncated");
            }
            return events;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static List<(string Tag, long Step, float Value)> Scalars(IEnumerable<Event> events) =>
        events.Where(e => e.Summary is not null)
              .SelectMany(e => e.Summary.Value.Select(v => (v.Tag, e.Step, v.Tensor.FloatVal[0])))
              .ToList();
}
