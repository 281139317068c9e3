using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Replay;

[TestClass]
public sealed class ImportTests
{
    [TestMethod]
    public void KerasCsvLoggerHistorySplitsTrainAndValidation()
    {
        using var temp = new TempDirectory();
        string csv = temp.Combine("history.csv");
        File.WriteAllText(csv, "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.25,0.25,1.5\n1,0.75,0.5,0.5,0.75\n2,0.875,0.25,,0.5\n");
        var result = HistoryImporter.Import(csv, temp.Combine("out"), new ImportOptions { BaseWallTime = 1000 });
        Assert.AreEqual(new ImportResult(2, 11, 3), result);
        var points = new LogDirReader(temp.Combine("out")).ReadScalars().ToList();
        CollectionAssert.AreEqual(new[] { "train", "validation" }, points.Select(p => p.Run).Distinct().ToArray());
        var valLoss = points.Where(p => p.Run == "validation" && p.Tag == "loss").Select(p => (p.Step, p.WallTime, p.Value)).ToList();
        CollectionAssert.AreEqual(new List<(long, double, double)> { (0, 1000, 1.5), (1, 1001, 0.75), (2, 1002, 0.5) }, valLoss);
        Assert.AreEqual(2, points.Count(p => p.Run == "validation" && p.Tag == "accuracy"));
    }

    [TestMethod]
    public void OurExportImportsBackToTheSameScalars()
    {
        using var temp = new TempDirectory();
        string golden = Path.GetDirectoryName(Fixtures.TorchRun1)!;
        foreach (string name in new[] { "all.csv", "all.jsonl" })
        {
            string file = temp.Combine(name);
            LogExporter.ExportToFile(golden, file, new ExportOptions { Format = LogExporter.FormatOf(name) });
            string output = temp.Combine(name + ".out");
            HistoryImporter.Import(file, output, new ImportOptions { Encoding = ScalarEncoding.Float64Tensor });
            var before = new LogDirReader(golden).ReadScalars().OrderBy(p => p.Run, StringComparer.Ordinal).ThenBy(p => p.Tag, StringComparer.Ordinal).ThenBy(p => p.Step).ToList();
            var after = new LogDirReader(output).ReadScalars().OrderBy(p => p.Run, StringComparer.Ordinal).ThenBy(p => p.Tag, StringComparer.Ordinal).ThenBy(p => p.Step).ToList();
            CollectionAssert.AreEqual(before, after, name);
        }
    }

    [TestMethod]
    public void ImportedRecordsAreTheEventsSummariesScalarBuildsWithEachTagsMetadataOnce()
    {
        using var temp = new TempDirectory();
        string csv = temp.Combine("long.csv");
        File.WriteAllText(csv, "run,tag,step,wall_time,value\na,loss,0,10.5,1.5\na,acc,0,10.5,0.25\na,loss,1,11.5,0.75\nb,loss,0,12,-2\na,acc,1,11.5,0.5\n");
        foreach (var encoding in new[] { ScalarEncoding.Float32Tensor, ScalarEncoding.Float64Tensor, ScalarEncoding.SimpleValue })
        {
            string output = temp.Combine($"out-{encoding}");
            Assert.AreEqual(new ImportResult(2, 5, 5), HistoryImporter.Import(csv, output, new ImportOptions { Encoding = encoding }));
            // Every record after the header: the event Summaries.Scalar builds, its metadata left out after the tag's first value.
            string Records(string run) => string.Join(" ", TbLogger.Events.EventFileReader.Read(Directory.GetFiles(Path.Combine(output, run)).Single()).Skip(1)
                .Select(e => Convert.ToHexString(Google.Protobuf.MessageExtensions.ToByteArray(e))));
            string Expected(params (string Tag, long Step, double Wall, double Value, bool First)[] values) => string.Join(" ", values.Select(v =>
            {
                var e = new TbLogger.Protos.Event { Step = v.Step, WallTime = v.Wall, Summary = TbLogger.Summaries.Scalar(v.Tag, v.Value, encoding) };
                if (!v.First)
                {
                    e.Summary.Value[0].Metadata = null;
                }
                return Convert.ToHexString(Google.Protobuf.MessageExtensions.ToByteArray(e));
            }));
            Assert.AreEqual(Expected(("loss", 0, 10.5, 1.5, true), ("acc", 0, 10.5, 0.25, true), ("loss", 1, 11.5, 0.75, false), ("acc", 1, 11.5, 0.5, false)), Records("a"), encoding.ToString());
            Assert.AreEqual(Expected(("loss", 0, 12, -2, true)), Records("b"), encoding.ToString());
        }
    }

    [TestMethod]
    public void AnEmptyTagIsReportedWithItsLineAndTheRowsBeforeItAreWritten()
    {
        using var temp = new TempDirectory();
        string csv = temp.Combine("long.csv");
        File.WriteAllText(csv, "tag,step,value\nloss,0,1.5\n ,1,2\n");
        Assert.AreEqual($"History file '{csv}' line 3: the tag is empty.", Assert.ThrowsExactly<FormatException>(() => HistoryImporter.Import(csv, temp.Combine("out"))).Message);
        Assert.AreEqual(("loss", 0L, 1.5), new LogDirReader(temp.Combine("out")).ReadScalars().Select(p => (p.Tag, p.Step, p.Value)).Single());
    }

    [TestMethod]
    public void WideJsonLinesAndNonFiniteValues()
    {
        using var temp = new TempDirectory();
        string jsonl = temp.Combine("h.jsonl");
        File.WriteAllText(jsonl, "{\"step\": 10, \"loss\": 1.5, \"lr\": \"NaN\"}\n\n{\"step\": 20, \"loss\": \"Infinity\", \"lr\": 0.5}\n");
        HistoryImporter.Import(jsonl, temp.Combine("out"), new ImportOptions { BaseWallTime = 0 });
        var points = new LogDirReader(temp.Combine("out")).ReadScalars().ToList();
        Assert.AreEqual(".", points[0].Run);
        CollectionAssert.AreEqual(new[] { ("loss", 10L, 1.5), ("lr", 10L, double.NaN), ("loss", 20L, double.PositiveInfinity), ("lr", 20L, 0.5) }, points.Select(p => (p.Tag, p.Step, p.Value)).ToArray());
    }

    [TestMethod]
    public void BadInputIsReportedWithItsLine()
    {
        using var temp = new TempDirectory();
        string csv = temp.Combine("bad.csv");
        File.WriteAllText(csv, "epoch,loss\n0,0.5\n1,abc\n");
        var ex = Assert.ThrowsExactly<FormatException>(() => HistoryImporter.Import(csv, temp.Combine("out")));
        Assert.AreEqual($"History file '{csv}' line 3: 'abc' is not a number.", ex.Message);
        Assert.IsInstanceOfType<FormatException>(ex.InnerException);
        File.WriteAllText(csv, "epoch,loss\n0,0.5,9\n");
        Assert.AreEqual($"History file '{csv}' line 2: 3 fields, the header has 2.", Assert.ThrowsExactly<FormatException>(() => HistoryImporter.Import(csv, temp.Combine("out2"))).Message);
        File.WriteAllText(csv, "epoch,loss\n1,\"unterminated\n2,3\n");
        Assert.AreEqual($"History file '{csv}' line 2: a quoted field is not closed.", Assert.ThrowsExactly<FormatException>(() => HistoryImporter.Import(csv, temp.Combine("out4"))).Message);
        File.WriteAllText(csv, "");
        Assert.AreEqual($"History file '{csv}': The history file is empty.", Assert.ThrowsExactly<FormatException>(() => HistoryImporter.Import(csv, temp.Combine("out5"))).Message);
        string jsonl = temp.Combine("bad.jsonl");
        File.WriteAllText(jsonl, "{\"step\": 1, \"loss\": 2}\n[1]\n");
        Assert.AreEqual($"History file '{jsonl}' line 2: expected a JSON object.", Assert.ThrowsExactly<FormatException>(() => HistoryImporter.Import(jsonl, temp.Combine("out6"))).Message);
        Assert.ThrowsExactly<FileNotFoundException>(() => HistoryImporter.Import(temp.Combine("none.csv"), temp.Combine("out3")));
    }
}
