namespace TbLogger.Cli.Tests;

/// <summary>What a new user meets first: the tool's name, its messages, and charts that have text everywhere.</summary>
[TestClass]
public sealed class ReleaseReadinessTests
{
    [TestMethod]
    public async Task Help_calls_the_tool_tblog_whatever_process_runs_it()
    {
        var (code, stdout, _) = await Cli.Run("--help");
        Assert.AreEqual(0, code);
        StringAssert.Contains(stdout, "Usage:\n  tblog [command] [options]");
        Assert.IsFalse(stdout.Contains("TbLogger.Cli", StringComparison.Ordinal), stdout);
        Assert.IsFalse(stdout.Contains("testhost", StringComparison.OrdinalIgnoreCase), stdout);

        var (subCode, subHelp, _) = await Cli.Run("export", "--help");
        Assert.AreEqual(0, subCode);
        StringAssert.Contains(subHelp, "tblog export <LOGDIR> [options]");
    }

    [TestMethod]
    public async Task Values_of_the_wrong_kind_are_described_in_words_not_NET_type_names()
    {
        using var temp = new TempDirectory();
        var width = await Cli.Run("plot", Cli.Golden, "--tags", "x", "-o", temp.Combine("a.png"), "--width", "abc");
        Assert.AreEqual((2, "", "tblog: Cannot parse argument 'abc' for option '--width': expected a whole number. (see tblog --help)\n"), width);
        var smoothing = await Cli.Run("plot", Cli.Golden, "--tags", "x", "-o", temp.Combine("a.png"), "--smoothing", "x");
        Assert.AreEqual((2, "", "tblog: Cannot parse argument 'x' for option '--smoothing': expected a number. (see tblog --help)\n"), smoothing);
        var downsample = await Cli.Run("replay", Cli.Golden, temp.Combine("out"), "--downsample", "1e9");
        Assert.AreEqual((2, "", "tblog: Cannot parse argument '1e9' for option '--downsample': expected a whole number. (see tblog --help)\n"), downsample);
        Assert.AreEqual("a duration", UserMessages.WithoutTypeNames(" as expected type 'System.TimeSpan'")[": expected ".Length..]);
    }

    [TestMethod]
    public async Task An_unknown_storage_scheme_is_one_line_and_a_usage_error()
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = await Cli.Run("export", "gs://bucket/runs", "-o", temp.Combine("a.csv"));
        Assert.AreEqual(2, code);
        Assert.AreEqual("", stdout);
        Assert.AreEqual("tblog: No log storage is registered for 'gs://' (path 'gs://bucket/runs').\n", stderr);
        Assert.IsFalse(stderr.Contains("Exception", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task Plot_draws_every_text_with_the_embedded_DejaVu_Sans()
    {
        using var temp = new TempDirectory();
        string svg = temp.Combine("chart.svg");
        var (code, stdout, stderr) = await Cli.Run("plot", Cli.Golden, "--tags", "train/loss", "-o", svg, "--title", "Loss", "--smoothing", "0");
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual($"Plotted 1 series to {svg}\n", stdout);
        string text = File.ReadAllText(svg);
        var families = System.Text.RegularExpressions.Regex.Matches(text, "font-family=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToHashSet();
        CollectionAssert.AreEquivalent(new[] { "DejaVu Sans" }, families.ToArray(), string.Join(", ", families));
        // Title, axis label, legend and at least a few tick labels are there as text.
        int texts = System.Text.RegularExpressions.Regex.Matches(text, "<text ").Count;
        Assert.IsGreaterThanOrEqualTo(6, texts, $"{texts} text elements");
    }

    [TestMethod]
    public async Task Plot_refuses_text_the_font_cannot_draw_instead_of_drawing_empty_boxes()
    {
        using var temp = new TempDirectory();
        string logDir = temp.Combine("logs");
        using (var writer = new SummaryWriter(logDir))
        {
            writer.AddScalar("损失", 1.0, 0);
            writer.AddScalar("损失", 0.5, 1);
        }
        string png = temp.Combine("chart.png");
        var (code, stdout, stderr) = await Cli.Run("plot", logDir, "--tags", "*", "-o", png);
        Assert.AreEqual(1, code);
        Assert.AreEqual("", stdout);
        Assert.AreEqual("tblog: Cannot draw the legend entry '损失': the embedded DejaVu Sans font has no glyph for '损' (U+635F).\n", stderr);
        Assert.IsFalse(File.Exists(png));

        var title = await Cli.Run("plot", Cli.Golden, "--tags", "train/loss", "-o", png, "--title", "✓ 学习");
        Assert.AreEqual((1, "", "tblog: Cannot draw the --title: the embedded DejaVu Sans font has no glyph for '学' (U+5B66).\n"), title);
    }
}
