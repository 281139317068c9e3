using TbLogger.Cli;

namespace TbLogger.Cli.Tests;

/// <summary>Every long command's bar counts bytes read out of the input's size, from the start to the end.</summary>
[TestClass]
public sealed class ProgressTests
{
    private static async Task<(int Code, string Err, List<(string Title, long Total, long Done)> Reports)> Run(params string[] args)
    {
        var reports = new List<(string, long, long)>();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, new StringWriter(), stderr, interactive: false, CancellationToken.None,
            (title, total, done) => { lock (reports) reports.Add((title, total, done)); });
        return (code, stderr.ToString(), reports);
    }

    private static long LargeLogDir(string root)
    {
        string payload = new('x', 100_000);
        foreach (string run in new[] { "a", "b" })
        {
            using var writer = new SummaryWriter(Path.Combine(root, run));
            for (int step = 0; step < 25; step++)
            {
                writer.AddText("notes", payload, step);
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
        }
        return Directory.EnumerateFiles(root, "*tfevents*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    }

    private static void AssertBytesOfTotal(List<(string Title, long Total, long Done)> reports, string title, long total)
    {
        string all = string.Join(", ", reports.Select(r => $"{r.Title} {r.Done}/{r.Total}"));
        Assert.IsTrue(reports.Count >= 3, all);
        Assert.IsTrue(reports.All(r => r.Title == title && r.Total == total), all);
        Assert.AreEqual(total, reports[^1].Done, all);
        Assert.IsTrue(reports.Count(r => r.Done > 0 && r.Done < total) >= 2, "moves on the way: " + all);
        CollectionAssert.AreEqual(reports.Select(r => r.Done).Order().ToList(), reports.Select(r => r.Done).ToList(), all);
    }

    [TestMethod]
    public async Task Export_verify_replay_and_plot_count_bytes_of_the_event_files()
    {
        using var temp = new TempDirectory();
        string logs = temp.Combine("logs");
        long total = LargeLogDir(logs);

        var export = await Run("export", logs, "-o", temp.Combine("out.csv"));
        Assert.AreEqual(0, export.Code, export.Err);
        AssertBytesOfTotal(export.Reports, "Exporting", total);

        var verify = await Run("verify", logs);
        Assert.AreEqual(0, verify.Code, verify.Err);
        AssertBytesOfTotal(verify.Reports, "Verifying", total);

        var replay = await Run("replay", logs, temp.Combine("copy"));
        Assert.AreEqual(0, replay.Code, replay.Err);
        AssertBytesOfTotal(replay.Reports, "Replaying", total);

        var plot = await Run("plot", logs, "--tags", "loss", "-o", temp.Combine("loss.png"));
        Assert.AreEqual(0, plot.Code, plot.Err);
        AssertBytesOfTotal(plot.Reports, "Reading", total);

        // Only the selected runs count towards the total.
        long runA = Directory.EnumerateFiles(Path.Combine(logs, "a"), "*tfevents*").Sum(f => new FileInfo(f).Length);
        var exportA = await Run("export", logs, "-o", temp.Combine("a.csv"), "--runs", "a");
        Assert.AreEqual(0, exportA.Code, exportA.Err);
        AssertBytesOfTotal(exportA.Reports, "Exporting", runA);
    }

    [TestMethod]
    public async Task Import_counts_bytes_of_the_history_file()
    {
        using var temp = new TempDirectory();
        string csv = temp.Combine("history.csv");
        using (var text = new StreamWriter(csv))
        {
            text.WriteLine("epoch,loss,val_loss");
            for (int i = 0; i < 100_000; i++)
            {
                text.WriteLine($"{i},{1.0 / (i + 1):R},{2.0 / (i + 1):R}");
            }
        }
        var import = await Run("import", csv, temp.Combine("out"));
        Assert.AreEqual(0, import.Code, import.Err);
        AssertBytesOfTotal(import.Reports, "Importing", new FileInfo(csv).Length);
    }
}
