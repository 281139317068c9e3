using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

[TestClass]
public sealed class CrashSafetyTests
{
    [TestMethod]
    public async Task AKilledWriterLeavesEveryFlushedEventAndAFileThatReadsCleanlyToItsTail()
    {
        using var dir = new TempDirectory();
        string child = Path.Combine(AppContext.BaseDirectory, "TbLogger.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { child, dir.Path, "500", "4" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        long lastFlushed = -1;
        try
        {
            string? line;
            // Awaited, not blocking: the test classes run in parallel and share the thread pool.
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
            {
                if (line.StartsWith("flushed ", StringComparison.Ordinal))
                {
                    lastFlushed = long.Parse(line["flushed ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line == "writing")
                {
                    await Task.Delay(300); // let it write unflushed records for a while
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.AreEqual(1999L, lastFlushed);

        using var reader = new EventFileReader(Fixtures.EventFileIn(dir.Path));
        var values = reader.ReadEvents()
            .Where(e => e.Summary is not null && e.Summary.Value[0].Tag == "crash/value")
            .Select(e => e.Step)
            .ToList();
        // Every flushed step is there, in order, and nothing after them is out of sequence.
        Assert.IsTrue(values.Count >= 2000, $"only {values.Count} values survived");
        CollectionAssert.AreEqual(Enumerable.Range(0, values.Count).Select(i => (long)i).ToArray(), values.ToArray());
        // Reading stopped either at the clean end or at a reported truncated tail; no exception either way.
        if (reader.IsTruncated)
        {
            Assert.IsTrue(reader.TruncatedAt >= 0);
        }
    }
}
