using TbLogger.Protos;
using TbLogger.Reading.Verify;
using TbLogger.Reading;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Replay;

[TestClass]
public sealed class VerifyTests
{
    [TestMethod]
    public void GoldenDirectoryIsClean()
    {
        var report = LogVerifier.Verify(Path.GetDirectoryName(Fixtures.TorchRun1)!);
        Assert.IsTrue(report.IsClean);
        Assert.AreEqual(4, report.Files.Count);
        Assert.AreEqual(452 + 11 + 11 + 6, report.Files.Sum(f => f.Records));
    }

    [TestMethod]
    public void EveryProblemIsReportedWithItsOffsetAndRepairKeepsTheGoodPrefix()
    {
        using var temp = new TempDirectory();
        byte[] a = Framed(Version());
        byte[] b = Framed(Scalar("loss", 0, 1));
        byte[] badData = Framed(Scalar("loss", 1, 2));
        badData[^6] ^= 0xFF;
        byte[] c = Framed(Scalar("loss", 2, 3));
        byte[] badLength = Framed(Scalar("loss", 3, 4));
        badLength[2] ^= 0xFF;
        byte[] d = Framed(Scalar("loss", 4, 5));
        byte[] notEvent = Framed(Version());
        notEvent = [.. notEvent];
        byte[] garbage = [0x0A, 0xFF, 0xFF, 0xFF];
        var garbageRecord = new byte[garbage.Length + 16];
        TbLogger.Records.TfRecordWriter.Frame(garbage, garbageRecord);
        byte[] tail = Framed(Scalar("loss", 5, 6))[..10];
        string dir = temp.Combine("logs", "run");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "events.out.tfevents.1.a");
        byte[] all = [.. a, .. b, .. badData, .. c, .. badLength, .. d, .. garbageRecord, .. tail];
        File.WriteAllBytes(file, all);
        File.WriteAllText(Path.Combine(dir, "projector_config.pbtxt"), "kept");

        var report = LogVerifier.Verify(temp.Combine("logs"));
        var problems = report.Problems.ToList();
        long offBad = a.Length + b.Length;
        long offBadLength = offBad + badData.Length + c.Length;
        long offGarbage = offBadLength + badLength.Length + d.Length;
        long offTail = offGarbage + garbageRecord.Length;
        CollectionAssert.AreEqual(
            new[] { (offBad, "framing", "data CRC mismatch (record skipped)"), (offBadLength, "framing", "length CRC mismatch (skipped to the next good record)") },
            problems.Take(2).Select(p => (p.Offset, p.Rule, p.Message)).ToArray());
        Assert.AreEqual((offGarbage, "decode"), (problems[2].Offset, problems[2].Rule));
        StringAssert.StartsWith(problems[2].Message, "4 bytes are not an Event: ");
        Assert.AreEqual((offTail, "framing", "truncated record: the file ends 10 bytes into a record (a crash, or a writer still writing)"), (problems[3].Offset, problems[3].Rule, problems[3].Message));
        Assert.AreEqual(4, problems.Count);
        Assert.AreEqual(offBad, report.Files.Single().GoodPrefixLength);

        Assert.AreEqual(1, LogRepair.Repair(report, temp.Combine("fixed")));
        string fixedFile = temp.Combine("fixed", "run", "events.out.tfevents.1.a");
        CollectionAssert.AreEqual(all[..(int)offBad], File.ReadAllBytes(fixedFile));
        Assert.AreEqual("kept", File.ReadAllText(temp.Combine("fixed", "run", "projector_config.pbtxt")));
        CollectionAssert.AreEqual(all, File.ReadAllBytes(file), "the input is never modified");

        LogRepair.Repair(report, temp.Combine("salvaged"), RepairMode.Salvage);
        var steps = new LogDirReader(temp.Combine("salvaged")).ReadScalars().Select(p => p.Step).ToArray();
        CollectionAssert.AreEqual(new long[] { 0, 2, 4 }, steps);
        Assert.IsTrue(LogVerifier.Verify(temp.Combine("salvaged")).IsClean);

        Assert.AreEqual($"The repair output '{temp.Combine("logs", "x")}' must not be the log directory or inside it.",
            Assert.ThrowsExactly<IOException>(() => LogRepair.Repair(report, temp.Combine("logs", "x"))).Message);
    }

    [TestMethod]
    public void SalvageKeepsTheRecordsATornRecordsLengthCovers()
    {
        // A crash tore a record after its first 20 bytes (its verified length still claims the whole record), then
        // records were appended; and a verified length of 255 MiB, far past the end, before more records. Reading
        // (as TensorBoard does) trusts each verified length and skips what it claims; salvage scans on instead.
        using var temp = new TempDirectory();
        byte[] torn = Framed(Scalar("mid", 5, 5))[..20];
        byte[] huge = new byte[TbLogger.Records.TfRecordWriter.HeaderLength];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(huge, 255UL << 20);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(8), TbLogger.Records.MaskedCrc32C.ComputeMasked(255UL << 20));
        var after = Enumerable.Range(1, 5).SelectMany(i => Framed(Scalar("after", i, i))).ToArray();
        var last = Enumerable.Range(6, 3).SelectMany(i => Framed(Scalar("after", i, i))).ToArray();
        string dir = temp.Combine("logs", "run");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "events.out.tfevents.1.a"), [.. Framed(Version()), .. Framed(Scalar("before", 0, 1)), .. torn, .. after, .. huge, .. last]);

        var report = LogVerifier.Verify(temp.Combine("logs"));
        Assert.IsFalse(report.IsClean);
        // The read trusts the torn record's length, which swallows the first appended record whole.
        var read = new LogDirReader(temp.Combine("logs"), new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = true } }).ReadScalars().Select(p => $"{p.Tag}@{p.Step}").ToArray();
        CollectionAssert.DoesNotContain(read, "after@1");

        LogRepair.Repair(report, temp.Combine("salvaged"), RepairMode.Salvage);
        var salvaged = new LogDirReader(temp.Combine("salvaged")).ReadScalars().Select(p => $"{p.Tag}@{p.Step}").ToArray();
        CollectionAssert.AreEqual(new[] { "before@0", "after@1", "after@2", "after@3", "after@4", "after@5", "after@6", "after@7", "after@8" }, salvaged);
        Assert.IsTrue(LogVerifier.Verify(temp.Combine("salvaged")).IsClean);
    }

    [TestMethod]
    public void RulesSeeEveryEventOfALongFileWithItsIndexAndOffset()
    {
        // Long enough that the typed reader decodes most records in batches, on a helper thread too: a record that is
        // not an Event inside one, and a bad CRC later, must still come in file order with their offsets, on the
        // caller's thread; and over 1 MiB, so that progress is heard before the end of the file too.
        const int Count = 50_000, NotEvent = 700, BadCrc = 30_000;
        using var temp = new TempDirectory();
        var records = new byte[Count][];
        for (int r = 0; r < Count; r++)
        {
            records[r] = r == 0 ? Framed(Version()) : Framed(Scalar("loss", r, r * 0.5f));
        }
        records[NotEvent] = new byte[4 + 16];
        TbLogger.Records.TfRecordWriter.Frame([0x0A, 0xFF, 0xFF, 0xFF], records[NotEvent]);
        records[BadCrc][^6] ^= 0xFF;
        var offsets = new long[Count];
        for (int r = 1; r < Count; r++)
        {
            offsets[r] = offsets[r - 1] + records[r - 1].Length;
        }
        string dir = temp.Combine("logs", "run");
        Directory.CreateDirectory(dir);
        byte[] all = [.. records.SelectMany(r => r)];
        File.WriteAllBytes(Path.Combine(dir, "events.out.tfevents.1.a"), all);

        var seen = new SeenRule();
        var heard = new List<long>();
        var report = LogVerifier.Verify(temp.Combine("logs"), new LogVerifierOptions { Rules = [seen], Progress = new ProgressRecorder(heard) });

        FileVerification file = report.Files.Single();
        CollectionAssert.AreEqual(
            new[] { (offsets[NotEvent], "decode"), (offsets[BadCrc], "framing") },
            file.Problems.Select(p => (p.Offset, p.Rule)).ToArray());
        StringAssert.StartsWith(file.Problems[0].Message, "4 bytes are not an Event: ");
        Assert.AreEqual("data CRC mismatch (record skipped)", file.Problems[1].Message);
        // The record that is not an Event counts (it framed and verified); the one with a bad CRC does not.
        Assert.AreEqual(Count - 1L, file.Records);
        Assert.AreEqual(offsets[NotEvent], file.GoodPrefixLength);
        Assert.IsGreaterThan(1 << 20, all.Length);
        Assert.IsGreaterThan(1, heard.Count);
        Assert.IsTrue(heard.Zip(heard.Skip(1)).All(p => p.First < p.Second), string.Join(",", heard));
        Assert.AreEqual((long)all.Length, heard[^1]);
        Assert.AreEqual($"{Environment.CurrentManagedThreadId}", string.Join(",", seen.Threads));
        var expected = Enumerable.Range(0, Count).Where(r => r is not NotEvent and not BadCrc)
            .Select(r => $"{(r < BadCrc ? r : r - 1)}@{offsets[r]}:{r}").ToArray();
        CollectionAssert.AreEqual(expected, seen.Events.ToArray());
    }

    /// <summary>Every event a rule is shown, as "record index@offset:step" (step = its record number in these files).</summary>
    private sealed class SeenRule : VerifyRule
    {
        public List<string> Events { get; } = [];

        /// <summary>The threads the rule was called on.</summary>
        public SortedSet<int> Threads { get; } = [];

        public override string Name => "seen";

        public override void OnEvent(VerifyContext context, Event value)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Events.Add($"{context.RecordIndex}@{context.Offset}:{(value.WhatCase == Event.WhatOneofCase.FileVersion ? 0 : value.Step)}");
        }
    }

    [TestMethod]
    public void DecodeRuleFlagsTensorsThatDoNotMatchTheirShape()
    {
        using var temp = new TempDirectory();
        var value = new Summary.Types.Value
        {
            Tag = "bad",
            Metadata = TbLogger.Summaries.ScalarMetadata(),
            Tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 3 } } }, FloatVal = { 1, 2 } },
        };
        Write(temp.Path, "events.out.tfevents.1.a", Version(), new Event { Step = 7, Summary = new Summary { Value = { value } } });
        var problem = LogVerifier.Verify(temp.Path).Problems.Single();
        Assert.AreEqual("decode", problem.Rule);
        Assert.AreEqual("tag 'bad' step 7: DtFloat tensor of shape [3] holds 2 elements, not 3", problem.Message);
    }

    private sealed class CountingRule : VerifyRule
    {
        public int Runs;
        public int Events;

        public override string Name => "count";

        public override void OnRunStart(VerifyContext context) => Runs++;

        public override void OnEvent(VerifyContext context, Event value)
        {
            Events++;
            if (context.RecordIndex == 0 && value.WhatCase != Event.WhatOneofCase.FileVersion)
            {
                context.Report(Name, VerifySeverity.Warning, "first record is not file_version");
            }
        }
    }

    [TestMethod]
    public void RulesPlugIn()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Scalar("loss", 0, 1), Scalar("loss", 1, 2));
        var rule = new CountingRule();
        var report = LogVerifier.Verify(temp.Path, new LogVerifierOptions { Rules = [rule, new DecodeRule()] });
        Assert.AreEqual((1, 2), (rule.Runs, rule.Events));
        var problem = report.Problems.Single();
        Assert.AreEqual((0L, VerifySeverity.Warning, "count", "first record is not file_version"), (problem.Offset, problem.Severity, problem.Rule, problem.Message));
        // A warning does not cut the repair prefix.
        Assert.AreEqual(new FileInfo(report.Files[0].File).Length, report.Files[0].GoodPrefixLength);
    }
}
