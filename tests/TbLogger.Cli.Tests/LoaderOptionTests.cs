using System.Text.Json;
using TbLogger.Reading;

namespace TbLogger.Cli.Tests;

/// <summary>
/// <c>--loader data-server|python</c> on the commands that read: the one corner where TensorBoard 2.20's loaders differ
/// is a resumed run (PurgeStep 50 after steps 0..99) with a tag the resumed writer never logs again — the data server
/// keeps its 100 old points (nothing evicts them), the Python loader purges steps &gt;= 50 and shows 50.
/// </summary>
[TestClass]
public sealed class LoaderOptionTests
{
    private static TempDirectory ResumedRun()
    {
        var dir = new TempDirectory();
        string run = dir.Combine("run");
        using (var first = new SummaryWriter(run))
        {
            for (int s = 0; s < 100; s++)
            {
                first.AddScalar("loss", 1000 + s, s);
                first.AddScalar("old_only", s, s);
            }
        }
        using (var resumed = new SummaryWriter(run, new SummaryWriterOptions { PurgeStep = 50 }))
        {
            for (int s = 50; s < 80; s++)
            {
                resumed.AddScalar("loss", 2000 + s, s);
            }
        }
        return dir;
    }

    private static Dictionary<string, (long Count, long Last)> LsCounts(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().Single().GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("tag").GetString()!, t => (t.GetProperty("count").GetInt64(), t.GetProperty("last_step").GetInt64()));

    [TestMethod]
    public async Task LsShowsWhatTheChosenLoaderShows()
    {
        using var dir = ResumedRun();
        var byDefault = await Cli.Run("ls", dir.Path, "--json");
        var dataServer = await Cli.Run("ls", dir.Path, "--json", "--loader", "data-server");
        var python = await Cli.Run("ls", dir.Path, "--json", "--loader", "python");
        Assert.AreEqual(0, python.Code, python.Err);
        Assert.AreEqual(byDefault.Out, dataServer.Out, "the data server is the default, as in TensorBoard");
        Assert.AreEqual((100L, 99L), LsCounts(dataServer.Out)["old_only"]);
        Assert.AreEqual((50L, 49L), LsCounts(python.Out)["old_only"]);
        // The resumed tag reads the same under both: old 0..49, new 50..79.
        Assert.AreEqual((80L, 79L), LsCounts(dataServer.Out)["loss"]);
        Assert.AreEqual((80L, 79L), LsCounts(python.Out)["loss"]);
    }

    [TestMethod]
    public async Task ExportPlotAndReplayFollowTheChosenLoader()
    {
        using var dir = ResumedRun();
        var csvDefault = await Cli.Run("export", dir.Path, "-o", "-", "--format", "csv", "--tags", "old_only");
        var csvPython = await Cli.Run("export", dir.Path, "-o", "-", "--format", "csv", "--tags", "old_only", "--loader", "python");
        Assert.AreEqual(0, csvPython.Code, csvPython.Err);
        string[] defaultRows = csvDefault.Out.TrimEnd('\n').Split('\n')[1..], pythonRows = csvPython.Out.TrimEnd('\n').Split('\n')[1..];
        Assert.HasCount(100, defaultRows);
        Assert.HasCount(50, pythonRows);
        StringAssert.StartsWith(pythonRows[^1], "run,old_only,49,");
        CollectionAssert.AreEqual(defaultRows[..50], pythonRows);

        string parquet = dir.Combine("out", "s.parquet");
        Directory.CreateDirectory(dir.Combine("out"));
        var parquetPython = await Cli.Run("export", dir.Path, "-o", parquet, "--tags", "old_only", "--loader", "python", "--json");
        Assert.AreEqual(0, parquetPython.Code, parquetPython.Err);
        Assert.AreEqual(50, JsonDocument.Parse(parquetPython.Out).RootElement.GetProperty("scalars").GetInt64());

        var plot = await Cli.Run("plot", dir.Path, "--tags", "old_only", "-o", dir.Combine("out", "p.png"), "--loader", "python", "--json");
        Assert.AreEqual(0, plot.Code, plot.Err);
        Assert.AreEqual(50, JsonDocument.Parse(plot.Out).RootElement.GetProperty("series")[0].GetProperty("points").GetInt32());

        using var destination = new TempDirectory();
        var replay = await Cli.Run("replay", dir.Path, destination.Combine("replayed"), "--loader", "python");
        Assert.AreEqual(0, replay.Code, replay.Err);
        var copy = new LogDirReader(destination.Combine("replayed"));
        Assert.AreEqual(50, copy.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("old_only") }).Count(), "the copy holds what the Python loader showed");
        Assert.AreEqual(80, copy.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("loss") }).Count());
    }

    [TestMethod]
    public async Task AnUnknownLoaderIsAUsageError()
    {
        var (code, _, err) = await Cli.Run("ls", Cli.Golden, "--loader", "rust");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "rust");
        StringAssert.Contains(err, "data-server");
        StringAssert.Contains(err, "python");
    }
}
