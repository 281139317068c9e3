using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Replay;

/// <summary>
/// A replay writes a scalar read in one of the scalar layouts from its bytes, without decoding its event (issue 19);
/// what it writes, counts and drops is exactly what decoding every event gives, whatever the options, the loader's
/// purges, the metadata around the scalar and the thread count.
/// </summary>
[TestClass]
public sealed class ScalarBytesReplayTests
{
    private static readonly SummaryMetadata Scalars = new() { PluginData = new() { PluginName = "scalars" }, DataClass = DataClass.Scalar };

    private static readonly SummaryMetadata OtherScalars = new() { PluginData = new() { PluginName = "scalars", Content = ByteString.CopyFromUtf8("x") }, DataClass = DataClass.Scalar };

    [TestMethod]
    public void Scalars_written_from_their_bytes_are_the_events_decoding_writes()
    {
        using var dir = new TempDirectory();
        string source = dir.Combine("logs");
        WriteRun(source, "r1", purgeAt: 20, stepsBackFrom: null, metadataOnSecondValue: false);
        WriteRun(source, Path.Combine("r2", "sub"), purgeAt: null, stepsBackFrom: 45, metadataOnSecondValue: false);
        WriteRun(source, "r3", purgeAt: null, stepsBackFrom: null, metadataOnSecondValue: true);
        var variants = new (string Name, ReplayOptions Options)[]
        {
            ("all", new ReplayOptions()),
            ("keep every 3", new ReplayOptions { KeepEvery = 3 }),
            ("steps 3-40", new ReplayOptions { Filter = new ReadFilter { Steps = StepRange.Parse("3:40") } }),
            ("tags a*", new ReplayOptions { Filter = new ReadFilter { Tags = TagFilter.Glob(["a*"]) } }),
            // b (a float tensor) joins a (simple values), m1 (metadata on every value) joins m2 (metadata that changes).
            ("renamed, shifted", new ReplayOptions { Renames = [TagRename.Parse("b=a"), TagRename.Parse("m1=m2")], TimeShift = TimeSpan.FromSeconds(-5) }),
            ("merged with prefixes", new ReplayOptions { MergeInto = "all", PrefixTagsWithRun = true }),
            ("merged", new ReplayOptions { MergeInto = "all" }),
            ("merged, renamed, every 2", new ReplayOptions { MergeInto = "all", Renames = [TagRename.Parse("b=a")], KeepEvery = 2 }),
            ("reservoir of 7", new ReplayOptions { MaxPointsPerTag = 7, Seed = 3 }),
            ("shifted to zero", new ReplayOptions { TimeShift = TimeSpan.FromSeconds(-1_700_000_000) }),
        };
        int compared = 0;
        foreach (var (name, options) in variants)
        {
            foreach (TensorBoardLoader loader in new[] { TensorBoardLoader.DataServer, TensorBoardLoader.Python })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    var readerOptions = new LogDirReaderOptions { MaxDegreeOfParallelism = threads, Loader = loader };
                    string decoded = dir.Combine($"decoded {name} {loader} {threads}");
                    string fromBytes = dir.Combine($"bytes {name} {loader} {threads}");
                    var expected = LogReplayer.Replay(source, decoded, options, readerOptions, out _, keepScalarsEncoded: false);
                    var actual = LogReplayer.Replay(source, fromBytes, options, readerOptions, out _);
                    string what = $"{name}, {loader}, {threads} threads";
                    Assert.AreEqual(expected, actual, what);
                    var expectedRuns = ReplayOutput.Runs(decoded);
                    var actualRuns = ReplayOutput.Runs(fromBytes);
                    CollectionAssert.AreEqual(expectedRuns.Keys.ToList(), actualRuns.Keys.ToList(), what);
                    foreach (var (run, records) in expectedRuns)
                    {
                        CollectionAssert.AreEqual(records, actualRuns[run], $"{what}, run {run}");
                    }
                    compared++;
                }
            }
        }
        Assert.AreEqual(variants.Length * 2 * 2, compared);

        // And what it wrote, independently of the decoding replay: every kept scalar, with the metadata TensorBoard
        // needs on its tag's first value in the file and on no later one that repeats it.
        string all = dir.Combine($"bytes all {TensorBoardLoader.DataServer} 1");
        var replayed = new LogDirReader(all).ReadScalars().ToList();
        var read = new LogDirReader(source).ReadScalars().ToList();
        CollectionAssert.AreEqual(read.Select(p => $"{p.Run} {p.Tag} {p.Step} {p.WallTime} {p.Value}").ToList(),
            replayed.Select(p => $"{p.Run} {p.Tag} {p.Step} {p.WallTime} {p.Value}").ToList());
        var withMetadata = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in TbLogger.Events.EventFileReader.Read(Directory.GetFiles(Path.Combine(all, "r1"), "*tfevents*").Single()))
        {
            foreach (var v in e.Summary?.Value ?? [])
            {
                if (v.Metadata is not null)
                {
                    withMetadata[v.Tag] = withMetadata.GetValueOrDefault(v.Tag) + 1;
                }
            }
        }
        // b (a float tensor): its first value only; m1 (the same metadata on every source value): its first only;
        // m2: its first and the one that changes it; a (simple values) and hp (hparams) keep theirs on every value
        // that had it; e never had any.
        Assert.AreEqual(1, withMetadata["b"]);
        Assert.AreEqual(1, withMetadata["m1"]);
        Assert.AreEqual(2, withMetadata["m2"]);
        Assert.IsFalse(withMetadata.ContainsKey("e"));
    }

    /// <summary>
    /// A run of 60 steps of ten tags, each in one of the scalar layouts (simple_value; float or double tensors, with
    /// and without an empty shape), with NaN and -0.0 values and zero wall times; metadata as TensorFlow writes it (the
    /// first value of a tag), on every value (m1), changing at step 30 (m2), hparams (hp), none (e); and events that are
    /// not in those layouts: a graph, two values in one event, a histogram. Optionally a restart (a second
    /// SessionLog START, going back to step 15: the Python loader purges what came before it from step 15 on) and steps
    /// going back (both loaders purge the tag's values from that step on).
    /// </summary>
    private static void WriteRun(string source, string run, int? purgeAt, int? stepsBackFrom, bool metadataOnSecondValue)
    {
        var random = new Random(run.Length);
        var events = new List<Event> { Version() };
        if (purgeAt is not null)
        {
            // The session's start: the Python loader purges on the STARTs after it (a restart), not on this one.
            events.Add(new Event { WallTime = 1_699_999_999, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } });
        }
        string[] tags = ["a", "b", "c", "d", "e", "m1", "m2", "", "hp", "ü/tag"];
        for (int step = 0; step < 60; step++)
        {
            foreach (string tag in tags)
            {
                double x = step % 13 == 5 ? double.NaN : step % 17 == 3 ? -0.0 : (random.NextDouble() * 100) - 50;
                var value = new Summary.Types.Value { Tag = tag };
                switch (tag)
                {
                    case "a" or "ü/tag":
                        value.SimpleValue = (float)x;
                        break;
                    case "c":
                        value.Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { (float)x }, TensorShape = new TensorShapeProto() };
                        break;
                    case "d":
                        value.Tensor = new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { x } };
                        break;
                    case "e":
                        value.Tensor = new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { x }, TensorShape = new TensorShapeProto() };
                        break;
                    default:
                        value.Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { (float)x } };
                        break;
                }
                bool first = metadataOnSecondValue ? step == 1 : step == 0;
                value.Metadata = tag switch
                {
                    "hp" => new SummaryMetadata { PluginData = new() { PluginName = "hparams", Content = ByteString.CopyFromUtf8("h") } },
                    "m1" => Scalars,
                    "m2" when step == 30 => OtherScalars,
                    "e" => null,
                    _ when first => Scalars,
                    _ => null,
                };
                double wall = step switch { 7 => 0, 8 => -0.0, _ => 1_700_000_000 + (step * 1.25) };
                long written = stepsBackFrom is int back && step >= back ? step - 10 : step;
                events.Add(new Event { WallTime = wall, Step = written, Summary = new Summary { Value = { value } } });
            }
            if (step == purgeAt)
            {
                events.Add(new Event { WallTime = 1_700_000_100, Step = 15, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } });
            }
            if (step == 10)
            {
                events.Add(new Event { WallTime = 1_700_000_010, Step = 10, GraphDef = ByteString.CopyFromUtf8("graph") });
                events.Add(new Event
                {
                    WallTime = 1_700_000_011,
                    Step = 10,
                    Summary = new Summary { Value = { new Summary.Types.Value { Tag = "a", SimpleValue = 1 }, new Summary.Types.Value { Tag = "z", SimpleValue = 2 } } },
                });
                events.Add(new Event
                {
                    WallTime = 1_700_000_012,
                    Step = 10,
                    Summary = new Summary { Value = { new Summary.Types.Value { Tag = "h", Histo = new HistogramProto { Min = 1, Max = 2, Num = 3, BucketLimit = { 1, 2 }, Bucket = { 1, 2 } } } } },
                });
            }
        }
        Write(Path.Combine(source, run), "events.out.tfevents.1700000000.host.1.0", [.. events]);
    }
}
