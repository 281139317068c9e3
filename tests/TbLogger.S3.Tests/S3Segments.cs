using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.S3.Tests;

/// <summary>Reads downloaded segments back: as files in a temporary directory, through TbLogger's own reader.</summary>
internal static class S3Segments
{
    private static readonly string CheckerPath = Environment.GetEnvironmentVariable("TFCHECK") ?? "/work/shared/tools/tfcheck.py";

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

    /// <summary>Runs the independent checker over the segments; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Check(IReadOnlyDictionary<string, byte[]> objects)
    {
        if (!File.Exists(CheckerPath))
        {
            Assert.Inconclusive($"The independent checker {CheckerPath} is not on this machine.");
        }
        string directory = Path.Combine(Path.GetTempPath(), "tblogger-s3-check-" + Guid.NewGuid().ToString("N"));
        try
        {
            SaveTo(objects, directory);
            var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(CheckerPath);
            info.ArgumentList.Add("--strict");
            info.ArgumentList.Add(directory);
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
