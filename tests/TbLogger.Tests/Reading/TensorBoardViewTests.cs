using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>
/// TensorBoard's own view, checked on every run without TensorBoard: what TensorBoard 2.20 served (recorded with
/// ../shared/tools/tensorboard, tb_query.py --no-volatile) for log directories written by PyTorch and by TbLogger,
/// against what our reader reads from them.
/// </summary>
[TestClass]
public sealed class TensorBoardViewTests
{
    // What both documents serve: 452 scalar points, 4 images, 1 clip, 935 histogram buckets, 70 PR values
    // (7 rows of 10), 4 texts, 4 hparam domains, 6 hparams values and metrics, 2 custom-scalars charts.
    private const int ServedValues = 452 + 4 + 1 + 935 + 70 + 4 + 4 + 6 + 2;

    private static string FixturePath(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    [TestMethod]
    public void PyTorchsGoldenDirectoryReadsAsTensorBoardServesIt()
    {
        int compared = TensorBoardView.AssertReaderShows(FixturePath("torch-writer"), TensorBoardView.Load(FixturePath("torch-writer", "tb_query_expected.json")));
        Assert.AreEqual(ServedValues, compared, "every scalar point, bucket, image, PR value, text and hparam");
    }

    [TestMethod]
    public void WhatTbLoggerWritesTodayReadsAsTensorBoardServedIt()
    {
        // The directory is written now, by today's writer; the view was recorded from the same calls. A writer change
        // that alters what TensorBoard would show fails here (re-record the fixture only after checking the change
        // with the real TensorBoard).
        using var dir = new TempDirectory();
        TbLoggerGolden.Write(dir.Path);
        int compared = TensorBoardView.AssertReaderShows(dir.Path, TensorBoardView.Load(FixturePath("tblogger-writer", "tb_query.json")));
        Assert.AreEqual(ServedValues, compared);
    }

    [TestMethod]
    [DataRow("digits", "digits")]
    [DataRow("custom_metric_and_loss", "custom_metric_and_loss")]
    [DataRow("quickstart", "quickstart")]
    public void TheSamplesLogDirectoriesReadAsTensorBoardServedThem(string fixture, string session)
    {
        // Each sample's run (written by the sample with few epochs, committed as it was written) in its own log
        // directory, with what TensorBoard served for it: the run is named after its folder, so is its hparams session.
        string logDir = FixturePath("samples", fixture);
        var served = TensorBoardView.Load(Path.Combine(logDir, "tb_query.json"));
        int compared = TensorBoardView.AssertReaderShows(logDir, served);
        Assert.IsGreaterThan(10, compared);
        if (served.GetProperty("plugins").GetProperty("hparams").TryGetProperty("session_groups", out var groups))
        {
            Assert.AreEqual(session, groups[0].GetProperty("name").GetString());
            Assert.IsGreaterThan(0, groups[0].GetProperty("metrics").GetArrayLength(), "TensorBoard found the session's metric values");
            // The callback's HParamsDeclaration: the columns are the hparams/* final values, not every series of the run.
            string[] metricColumns = [.. served.GetProperty("plugins").GetProperty("hparams").GetProperty("experiment").GetProperty("metric_infos")
                .EnumerateArray().Select(m => m.GetProperty("tag").GetString()!)];
            Assert.AreEqual(fixture == "digits" ? 14 : 12, metricColumns.Length);
            Assert.IsTrue(metricColumns.All(tag => tag.StartsWith("hparams/", StringComparison.Ordinal)), string.Join(", ", metricColumns));
        }
    }

    [TestMethod]
    public void TbLoggerAndPyTorchDifferOnlyWhereTheReadmeSaysSo()
    {
        var torch = TensorBoardView.Load(FixturePath("torch-writer", "tb_query_expected.json")).GetProperty("plugins");
        var ours = TensorBoardView.Load(FixturePath("tblogger-writer", "tb_query.json")).GetProperty("plugins");
        foreach (string plugin in new[] { "scalars", "histograms", "distributions", "pr_curves", "audio", "custom_scalars", "projector" })
        {
            // Scalars: the same points; PyTorch's simple_value scalars gain a display name in TensorBoard's migration.
            string a = StripDisplayNames(torch.GetProperty(plugin)), b = StripDisplayNames(ours.GetProperty(plugin));
            Assert.AreEqual(a, b, plugin);
        }
        // Deliberate: booleans stay booleans; a 1-channel image stays a gray PNG; text keeps its tag.
        var theirHParams = torch.GetProperty("hparams").GetProperty("session_groups")[0].GetProperty("hparams");
        var ourHParams = ours.GetProperty("hparams").GetProperty("session_groups")[0].GetProperty("hparams");
        Assert.AreEqual(1.0, theirHParams.GetProperty("use_bn").GetDouble());
        Assert.IsTrue(ourHParams.GetProperty("use_bn").GetBoolean());
        // Deliberate: no experiment summary unless domains are given, so TensorBoard infers it from the session(s):
        // the same hyperparameters and metrics, each with the values seen as its domain (PyTorch's experiment has none).
        var theirExperiment = torch.GetProperty("hparams").GetProperty("experiment");
        var ourExperiment = ours.GetProperty("hparams").GetProperty("experiment");
        Assert.AreEqual(theirExperiment.GetProperty("metric_infos").GetRawText(), ourExperiment.GetProperty("metric_infos").GetRawText());
        CollectionAssert.AreEqual(
            theirExperiment.GetProperty("hparam_infos").EnumerateArray().Select(h => h.GetProperty("name").GetString()).ToArray(),
            ourExperiment.GetProperty("hparam_infos").EnumerateArray().Select(h => h.GetProperty("name").GetString()).ToArray());
        Assert.IsTrue(theirExperiment.GetProperty("hparam_infos").EnumerateArray().All(h => h.GetProperty("domain").ValueKind == System.Text.Json.JsonValueKind.Null));
        CollectionAssert.AreEqual(new[] { "{\"domainInterval\":{\"minValue\":32.0,\"maxValue\":32.0}}", "{\"domainInterval\":{\"minValue\":0.01,\"maxValue\":0.01}}",
                "{\"domainDiscrete\":[\"adam\"]}", "{\"domainDiscrete\":[true]}" },
            ourExperiment.GetProperty("hparam_infos").EnumerateArray().Select(h => System.Text.Json.Nodes.JsonNode.Parse(h.GetProperty("domain").GetRawText())!.ToJsonString()).ToArray());
        Assert.AreEqual("DATA_TYPE_FLOAT64", theirExperiment.GetProperty("hparam_infos")[3].GetProperty("type").GetString());
        Assert.AreEqual("DATA_TYPE_BOOL", ourExperiment.GetProperty("hparam_infos")[3].GetProperty("type").GetString());
        Assert.AreEqual("rgb", torch.GetProperty("images").GetProperty("runs").GetProperty("run1").GetProperty("image/gray").GetProperty("events")[0].GetProperty("color_type").GetString());
        Assert.AreEqual("gray", ours.GetProperty("images").GetProperty("runs").GetProperty("run1").GetProperty("image/gray").GetProperty("events")[0].GetProperty("color_type").GetString());
        CollectionAssert.AreEqual(new[] { "text/note/text_summary", "text/unicode/text_summary" },
            torch.GetProperty("text").GetProperty("runs").GetProperty("run1").EnumerateObject().Select(t => t.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "text/note", "text/unicode" },
            ours.GetProperty("text").GetProperty("runs").GetProperty("run1").EnumerateObject().Select(t => t.Name).ToArray());
    }

    private static string StripDisplayNames(System.Text.Json.JsonElement element)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is System.Text.Json.Nodes.JsonObject o)
            {
                o.Remove("display_name");
                foreach (var (_, child) in o.ToList()) Strip(child);
            }
            else if (n is System.Text.Json.Nodes.JsonArray a)
            {
                foreach (var child in a) Strip(child);
            }
        }
    }
}
