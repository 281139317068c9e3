using System.Buffers.Binary;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Replay;
using TbLogger.Storage;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Reading;

/// <summary>
/// ReadScalars' scan (single pass when nothing is evicted, two passes otherwise, several runs on several threads)
/// returns exactly what the general value path (Values + Scalar, the reference kept for images and the rest)
/// returns, in the same order, with the same reports and failures; and the export's parallel formatting writes
/// exactly the bytes of a one-thread export.
/// </summary>
[TestClass]
public sealed class ParallelScalarReadTests
{
    private static readonly LogDirReaderOptions OneThread = LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 };
    private static readonly LogDirReaderOptions FourThreads = LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 4 };

    /// <summary>
    /// Runs of every shape the scan distinguishes: small and clean (single pass), a step that goes back early and one
    /// that goes back after 120,000 points (both two-pass), larger than the single pass holds (two-pass), several
    /// files, every scalar encoding, a non-scalar plugin under the same tags' neighbours.
    /// </summary>
    private static void WriteDirectory(string root)
    {
        Write(Path.Combine(root, "a_clean"), "events.out.tfevents.1.h", Steps(0, 300, ["loss", "acc"]));
        var back = Steps(0, 200, ["loss"]).Concat(Steps(50, 120, ["loss"])).ToList();
        Write(Path.Combine(root, "b_goes_back"), "events.out.tfevents.1.h", back);
        var lateBack = Steps(0, 60_000, ["x", "y"]).Concat(Steps(59_990, 60_010, ["x"])).ToList();
        Write(Path.Combine(root, "c_goes_back_late"), "events.out.tfevents.1.h", lateBack);
        Write(Path.Combine(root, "d_large"), "events.out.tfevents.1.h", Steps(0, 50_000, ["p", "q", "r"]));
        Write(Path.Combine(root, "e_two_files"), "events.out.tfevents.1.h", Steps(0, 100, ["m"]));
        Write(Path.Combine(root, "e_two_files"), "events.out.tfevents.2.h", Steps(90, 150, ["m"]));
        var mixed = new List<Event>();
        for (int step = 0; step < 40; step++)
        {
            mixed.Add(new Event { Step = step, WallTime = 10 + step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "simple", SimpleValue = step / 3f } } } });
            mixed.Add(new Event { Step = step, WallTime = 10 + step, Summary = TbLogger.Summaries.Scalar("double", step / 7.0, ScalarEncoding.Float64Tensor) });
            mixed.Add(new Event { Step = step, WallTime = 10 + step, Summary = TbLogger.Summaries.Text("notes", $"step {step}") });
        }
        Write(Path.Combine(root, "f_mixed"), "events.out.tfevents.1.h", mixed);
    }

    private static IEnumerable<Event> Steps(int from, int to, string[] tags)
    {
        for (int step = from; step < to; step++)
        {
            foreach (string tag in tags)
            {
                yield return new Event { Step = step, WallTime = 1_700_000_000 + step * 0.5, Summary = TbLogger.Summaries.Scalar(tag, Math.Sin(step + tag.Length), ScalarEncoding.Float32Tensor) };
            }
        }
    }

    private static void Write(string dir, string name, IEnumerable<Event> events)
    {
        Directory.CreateDirectory(dir);
        using var stream = File.Create(Path.Combine(dir, name));
        using var writer = new TfRecordWriter(stream);
        writer.Write(new Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }.ToByteArray());
        foreach (Event e in events)
        {
            writer.Write(e.ToByteArray());
        }
    }

    /// <summary>The points a strict read returns before it throws, and what it throws (which must be a corruption).</summary>
    private static (List<ScalarPoint> Points, TfRecordCorruptException Error) ReadUntilCorrupt(LogDirReader reader)
    {
        var points = new List<ScalarPoint>();
        var error = Assert.ThrowsExactly<TfRecordCorruptException>(() =>
        {
            foreach (ScalarPoint p in reader.ReadScalars())
            {
                points.Add(p);
            }
        });
        return (points, error);
    }

    /// <summary>The reference: the general value path, one value at a time.</summary>
    private static List<ScalarPoint> Reference(LogDirReader reader, ReadFilter? filter = null) => ValuePath.Scalars(reader, filter);

    [TestMethod]
    public void Parallel_single_pass_and_two_pass_reads_equal_the_value_path_for_both_loaders()
    {
        using var dir = new TempDirectory();
        WriteDirectory(dir.Path);
        foreach (TensorBoardLoader loader in new[] { TensorBoardLoader.DataServer, TensorBoardLoader.Python })
        {
            foreach (bool purge in new[] { true, false })
            {
                var options = LogDirReaderOptions.Default with { Loader = loader, PurgeOrphanedData = purge };
                var expected = Reference(new LogDirReader(dir.Path, options));
                var parallel = new LogDirReader(dir.Path, options with { MaxDegreeOfParallelism = 4 }).ReadScalars().ToList();
                var sequential = new LogDirReader(dir.Path, options with { MaxDegreeOfParallelism = 1 }).ReadScalars().ToList();
                CollectionAssert.AreEqual(expected, parallel, $"{loader}, purge {purge}: parallel");
                CollectionAssert.AreEqual(expected, sequential, $"{loader}, purge {purge}: one thread");
            }
        }
        // The expectations themselves, from the loader's rules: b keeps steps 0-49 then 50-119 (the step that went
        // back evicted 50-199); c's "x" keeps 0-59,989 then 59,990-60,009 (found after 120,000 points, within the single
        // pass); e's second file evicts the first's 90-99.
        var points = new LogDirReader(dir.Path, FourThreads).ReadScalars().ToList();
        Assert.AreEqual(300 * 2 + 120 + (60_000 + 20 - 10) + 60_000 + 150_000 + 150 + 80, points.Count);
        CollectionAssert.AreEqual(Enumerable.Range(0, 120).Select(s => (long)s).ToList(), points.Where(p => p.Run == "b_goes_back").Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 150).Select(s => (long)s).ToList(), points.Where(p => p.Run == "e_two_files").Select(p => p.Step).ToList());
        Assert.AreEqual((double)(39 / 3f), points.Single(p => p.Run == "f_mixed" && p.Tag == "simple" && p.Step == 39).Value);
        Assert.AreEqual(39 / 7.0, points.Single(p => p.Run == "f_mixed" && p.Tag == "double" && p.Step == 39).Value);
    }

    [TestMethod]
    public void A_run_larger_than_the_single_pass_finds_its_purges_anywhere_in_the_run()
    {
        // Runs beyond what the single pass holds (131,072 points): its scan goes on as the purge pre-pass from where it
        // stopped, here in the middle of a record of three values, and must find a step that goes back after that
        // point (g), one before it (h), and none (i), exactly as the separate pre-pass and the value path do.
        using var dir = new TempDirectory();
        var grouped = new List<Event>();
        for (int step = 0; step < 50_000; step++)
        {
            grouped.Add(Grouped(step, ["p", "q", "r"]));
        }
        for (int step = 49_990; step < 50_000; step++)
        {
            grouped.Add(Grouped(step, ["q"]));
        }
        Write(Path.Combine(dir.Path, "g_grouped_back_late"), "events.out.tfevents.1.h", grouped);
        var early = Steps(0, 10, ["a"]).Concat(Steps(5, 140_000, ["a"])).ToList();
        Write(Path.Combine(dir.Path, "h_back_early"), "events.out.tfevents.1.h", early);
        Write(Path.Combine(dir.Path, "i_clean"), "events.out.tfevents.1.h", Steps(0, 70_000, ["u", "v"]));
        var expected = Reference(new LogDirReader(dir.Path));
        // g: p and r keep 50,000 each, q keeps 0-49,989 then 49,990-49,999; h: 0-4 then 5-139,999; i: all.
        Assert.AreEqual(150_000 + 140_000 + 140_000, expected.Count);
        CollectionAssert.AreEqual(Enumerable.Range(0, 50_000).Select(s => (long)s).ToList(),
            expected.Where(p => p.Run == "g_grouped_back_late" && p.Tag == "q").Select(p => p.Step).ToList());
        foreach (var options in new[] { OneThread, FourThreads })
        {
            CollectionAssert.AreEqual(expected, new LogDirReader(dir.Path, options).ReadScalars().ToList(), $"{options.MaxDegreeOfParallelism} threads");
        }
    }

    [TestMethod]
    public void A_bad_record_beyond_the_single_pass_is_reported_once_in_skip_mode_and_stops_the_run_in_strict_mode()
    {
        // The single pass holds 131,072 points, then goes on as the pre-pass and meets the bad record there; the scan
        // meets it again. Skip mode: the points of the value path, the report once, just before the point after it.
        // Strict mode: the pre-pass throws before the run's first point, as the separate pre-pass did.
        using var dir = new TempDirectory();
        Write(Path.Combine(dir.Path, "a_small"), "events.out.tfevents.1.h", Steps(0, 10, ["loss"]));
        string file = Path.Combine(dir.Path, "b_large", "events.out.tfevents.1.h");
        Write(Path.GetDirectoryName(file)!, "events.out.tfevents.1.h", Steps(0, 150_000, ["a"]));
        // Record 0 is the file version; record 140,001 holds step 140,000.
        long badOffset = SpoilDataCrc(file, 140_001);

        var expected = Reference(new LogDirReader(dir.Path, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = true } }));
        Assert.AreEqual(10 + 149_999, expected.Count);
        Assert.IsFalse(expected.Any(p => p.Run == "b_large" && p.Step == 140_000));
        foreach (int threads in new[] { 1, 4 })
        {
            var reported = new List<(long Offset, TfRecordCorruption Kind, int PointsBefore)>();
            var points = new List<ScalarPoint>();
            var options = new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => reported.Add((e.Offset, e.Corruption, points.Count)) },
            };
            foreach (ScalarPoint p in new LogDirReader(dir.Path, options).ReadScalars())
            {
                points.Add(p);
            }
            CollectionAssert.AreEqual(expected, points, $"{threads} threads");
            Assert.AreEqual((badOffset, TfRecordCorruption.DataCrcMismatch, 10 + 140_000), reported.Single(), $"{threads} threads");

            var (strictPoints, error) = ReadUntilCorrupt(new LogDirReader(dir.Path, new LogDirReaderOptions { MaxDegreeOfParallelism = threads, RecordOptions = new() { SkipCorruptRecords = false } }));
            Assert.AreEqual(badOffset, error.Offset);
            Assert.AreEqual(file, error.SourceName);
            Assert.AreEqual(10, strictPoints.Count, $"{threads} threads: run a_small only");
        }
    }

    /// <summary>A single pass that holds one chunk (1,024 points), so that small runs go beyond it.</summary>
    private static readonly LogDirReaderOptions HoldOneChunk = LogDirReaderOptions.Default with { SinglePassChunks = 1 };

    /// <summary>One event of <paramref name="tags"/>' values at <paramref name="step"/> (one record, several values).</summary>
    private static Event Grouped(int step, string[] tags)
    {
        var summary = new Summary();
        foreach (string tag in tags)
        {
            summary.Value.Add(TbLogger.Summaries.Scalar(tag, step * 0.5 + tag[0], ScalarEncoding.Float32Tensor).Value);
        }
        return new Event { Step = step, WallTime = 1_700_000_000 + step, Summary = summary };
    }

    [TestMethod]
    public void A_run_beyond_the_single_pass_with_nothing_to_evict_reads_on_from_where_the_pass_stopped()
    {
        // The single pass stops after 1,024 points: at a record's end (a), inside a record of three values (b: 1,024 =
        // 3 x 341 + 1), at the end of the run's first file (c), among values that are not scalars (d). A second cursor
        // observes the rest, finds nothing to evict, and the scan reads on from where it stopped.
        using var dir = new TempDirectory();
        Write(Path.Combine(dir.Path, "a_one_value"), "events.out.tfevents.1.h", Steps(0, 3000, ["loss"]));
        Write(Path.Combine(dir.Path, "b_grouped"), "events.out.tfevents.1.h", Enumerable.Range(0, 1500).Select(step => Grouped(step, ["p", "q", "r"])));
        Write(Path.Combine(dir.Path, "c_two_files"), "events.out.tfevents.1.h", Steps(0, 1024, ["m"]));
        Write(Path.Combine(dir.Path, "c_two_files"), "events.out.tfevents.2.h", Steps(1024, 2000, ["m"]));
        var mixed = new List<Event>();
        for (int step = 0; step < 1200; step++)
        {
            mixed.Add(new Event { Step = step, WallTime = 10 + step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "simple", SimpleValue = step / 3f } } } });
            mixed.Add(new Event { Step = step, WallTime = 10 + step, Summary = TbLogger.Summaries.Text("notes", $"step {step}") });
            mixed.Add(new Event { Step = step, WallTime = 10 + step, Summary = TbLogger.Summaries.Scalar("double", step / 7.0, ScalarEncoding.Float64Tensor) });
        }
        Write(Path.Combine(dir.Path, "d_mixed"), "events.out.tfevents.1.h", mixed);

        var expected = Reference(new LogDirReader(dir.Path));
        Assert.AreEqual(3000 + 4500 + 2000 + 2400, expected.Count);
        foreach (int threads in new[] { 1, 4 })
        {
            var reader = new LogDirReader(dir.Path, HoldOneChunk with { MaxDegreeOfParallelism = threads });
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{threads} threads");
            Assert.AreEqual(4, reader.ResumedSinglePasses, $"{threads} threads: every run read on from where its single pass stopped");
            Assert.AreEqual(0, reader.SegmentedReads);
        }
        CollectionAssert.AreEqual(Enumerable.Range(0, 2000).Select(s => (long)s).ToList(),
            expected.Where(p => p.Run == "c_two_files").Select(p => p.Step).ToList());
        // Filters are the scan's own, before and after the pause.
        var filter = new ReadFilter { Tags = TagFilter.Exact(["q", "m", "double"]), Steps = StepRange.Parse("100:1900") };
        var filtered = Reference(new LogDirReader(dir.Path), filter);
        Assert.AreEqual(1400 + 1801 + 1100, filtered.Count);
        CollectionAssert.AreEqual(filtered, new LogDirReader(dir.Path, HoldOneChunk with { MaxDegreeOfParallelism = 1 }).ReadScalars(filter).ToList());
    }

    [TestMethod]
    public void A_purge_beyond_the_single_pass_drops_the_held_points_and_reads_the_run_with_the_plan()
    {
        // "m" goes back from 1,499 to 1,400 in the second file, after the single pass stopped (1,024 points): the held
        // points are dropped and the run is read again with the plan, which evicts the first file's 1,400-1,499.
        using var dir = new TempDirectory();
        Write(Path.Combine(dir.Path, "a_back"), "events.out.tfevents.1.h", Steps(0, 1500, ["m"]));
        Write(Path.Combine(dir.Path, "a_back"), "events.out.tfevents.2.h", Steps(1400, 1600, ["m"]));
        // The single pass stops inside a record of step 500, after its first value ("z", new); the record's second
        // value, "y", goes back from 1,022 to 500: the rest of that record is observed too, and evicts y's 500-1,022.
        var back = Steps(0, 1023, ["y"]).Append(Grouped(500, ["z", "y"])).Concat(Steps(501, 600, ["y"]));
        Write(Path.Combine(dir.Path, "b_back_where_the_pass_stops"), "events.out.tfevents.1.h", back);
        var expected = Reference(new LogDirReader(dir.Path));
        CollectionAssert.AreEqual(Enumerable.Range(0, 1600).Select(s => (long)s).ToList(), expected.Where(p => p.Run == "a_back").Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 500).Append(500).Append(500).Concat(Enumerable.Range(501, 99)).Select(s => (long)s).ToList(),
            expected.Where(p => p.Run != "a_back").Select(p => p.Step).ToList());
        foreach (int threads in new[] { 1, 4 })
        {
            var values = new List<long>();
            var reader = new LogDirReader(dir.Path, HoldOneChunk with { MaxDegreeOfParallelism = threads, ReadProgress = new ProgressRecorder(values) });
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{threads} threads");
            Assert.AreEqual(0, reader.ResumedSinglePasses, $"{threads} threads");
            // Every byte counted once, though the first 1,024 points' records were read three times.
            Assert.AreEqual(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length), values.Max(), $"{threads} threads");
        }
    }

    [TestMethod]
    public void Reading_on_from_the_single_pass_counts_every_byte_once_in_increasing_totals()
    {
        // The pause is in the middle of the first file: the second cursor counts from there to the run's end, and the
        // scan, reading on, counts nothing again.
        using var dir = new TempDirectory();
        Write(Path.Combine(dir.Path, "a"), "events.out.tfevents.1.h", Steps(0, 3000, ["loss", "acc"]));
        Write(Path.Combine(dir.Path, "a"), "events.out.tfevents.2.h", Steps(3000, 5000, ["loss", "acc"]));
        long first = new FileInfo(Path.Combine(dir.Path, "a", "events.out.tfevents.1.h")).Length;
        long total = first + new FileInfo(Path.Combine(dir.Path, "a", "events.out.tfevents.2.h")).Length;
        var values = new List<long>();
        var reader = new LogDirReader(dir.Path, HoldOneChunk with { MaxDegreeOfParallelism = 1, ReadProgress = new ProgressRecorder(values) });
        Assert.AreEqual(10_000, reader.ReadScalars().Count());
        Assert.AreEqual(1, reader.ResumedSinglePasses);
        // Files this small report at their ends only (a report per MiB otherwise): the second cursor ends the first
        // file, then the second; the scan, reading on, ends both again without adding a byte.
        CollectionAssert.AreEqual(new[] { first, total, total, total }, values, string.Join(",", values));
    }

    [TestMethod]
    public void Runs_beyond_the_single_pass_read_like_the_value_path_whatever_their_steps_and_damage()
    {
        // Seeded: the same 30 directories every time. Runs of 1-3 files of records of one or three values (so the
        // single pass, holding 1,024 points, stops at record ends and inside records), text values among them, steps
        // that sometimes go back (the two-pass read) or never do (the resumed pass), and now and then a flipped byte
        // or a cut tail. Skip mode: exactly the value path's points, on one thread and on four.
        string[] tags = ["a", "b", "c"];
        var random = new Random(19);
        int resumed = 0;
        int larger = 0;
        for (int round = 0; round < 30; round++)
        {
            using var dir = new TempDirectory();
            int runs = random.Next(1, 4);
            for (int r = 0; r < runs; r++)
            {
                string run = Path.Combine(dir.Path, $"run{r}");
                bool goesBack = random.Next(3) == 0;
                int step = 0;
                for (int f = 0, files = random.Next(1, 4); f < files; f++)
                {
                    var events = new List<Event>();
                    for (int i = 0, records = random.Next(200, 1200); i < records; i++, step++)
                    {
                        if (goesBack && random.Next(300) == 0)
                        {
                            step = Math.Max(0, step - random.Next(1, 60));
                        }
                        events.Add(random.Next(20) == 0
                            ? new Event { Step = step, WallTime = step, Summary = TbLogger.Summaries.Text("notes", $"step {step}") }
                            : Grouped(step, random.Next(3) == 0 ? tags : [tags[random.Next(3)]]));
                    }
                    Write(run, $"events.out.tfevents.{f + 1}.h", events);
                    Damage(Path.Combine(run, $"events.out.tfevents.{f + 1}.h"), random);
                }
            }
            var expected = Reference(new LogDirReader(dir.Path));
            foreach (int threads in new[] { 1, 4 })
            {
                var reader = new LogDirReader(dir.Path, HoldOneChunk with { MaxDegreeOfParallelism = threads });
                CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"round {round}, {threads} threads");
                if (threads == 1)
                {
                    resumed += reader.ResumedSinglePasses;
                    larger += expected.GroupBy(p => p.Run).Count(g => g.Count() >= 1024);
                }
            }
        }
        // Both ways were taken many times: read on from the pause, and read again with the plan.
        Assert.IsGreaterThanOrEqualTo(10, resumed, $"{resumed} resumed of {larger}");
        Assert.IsGreaterThanOrEqualTo(10, larger - resumed, $"{resumed} resumed of {larger}");

        static void Damage(string file, Random random)
        {
            byte[] bytes = File.ReadAllBytes(file);
            switch (random.Next(6))
            {
                case 0:
                    bytes[random.Next(100, bytes.Length)] ^= (byte)(1 << random.Next(8));
                    File.WriteAllBytes(file, bytes);
                    break;
                case 1:
                    File.WriteAllBytes(file, bytes[..random.Next(bytes.Length / 2, bytes.Length)]);
                    break;
            }
        }
    }

    [TestMethod]
    public void A_file_deleted_or_replaced_where_the_single_pass_stopped_reads_the_run_as_it_is_then()
    {
        // The scan holds the file where it stopped open; the second cursor opens it again by its path. Deleted or
        // replaced in between, the two would read different bytes (the plan from one, the points from the other): the
        // second cursor finds that the path is not the scan's file, and the run is read again as the directory is now,
        // as the two-pass read does. "x" goes back in the second file of the replacement, which the first file's new
        // content must not hide.
        foreach (string change in new[] { "none", "deleted", "replaced" })
        {
            using var dir = new TempDirectory();
            string run = Path.Combine(dir.Path, "a");
            Write(run, "events.out.tfevents.1.h", Steps(0, 3000, ["x"]));
            Write(run, "events.out.tfevents.2.h", Steps(3000, 3100, ["x"]));
            string first = Path.Combine(run, "events.out.tfevents.1.h");
            Write(Path.Combine(dir.Path, "spare"), "events.out.tfevents.1.h", Steps(3050, 3060, ["x"]).Concat(Steps(0, 2000, ["y"])));
            string spare = Path.Combine(dir.Path, "spare", "events.out.tfevents.1.h");
            var reader = new LogDirReader(run, HoldOneChunk with { MaxDegreeOfParallelism = 1 });
            int stops = 0;
            reader.SinglePassStopped = _ =>
            {
                stops++;
                if (change == "deleted")
                {
                    File.Delete(first);
                }
                else if (change == "replaced")
                {
                    File.Move(spare, first, overwrite: true);
                }
            };
            var points = reader.ReadScalars().ToList();
            Directory.Delete(Path.Combine(dir.Path, "spare"), recursive: true);
            var expected = Reference(new LogDirReader(run));
            CollectionAssert.AreEqual(expected, points, change);
            Assert.AreEqual(1, stops, change);
            Assert.AreEqual(change == "none" ? 1 : 0, reader.ResumedSinglePasses, change);
            var steps = change switch
            {
                "none" => Enumerable.Range(0, 3100),
                "deleted" => Enumerable.Range(3000, 100),
                // x 3,050-3,059 (evicted by the second file's 3,050 on), y 0-1,999, x 3,000-3,099.
                _ => Enumerable.Range(0, 2000).Concat(Enumerable.Range(3000, 100)),
            };
            CollectionAssert.AreEqual(steps.Select(s => (long)s).ToList(), points.Select(p => p.Step).ToList(), change);
        }
    }

    [TestMethod]
    public void A_run_in_an_object_store_beyond_the_single_pass_is_read_in_two_passes()
    {
        // The second cursor would open the object at an offset, which a store's stream may not seek to: a run that is
        // not local is observed to its end by the single pass itself and read again, as before.
        using var dir = new TempDirectory();
        Write(Path.Combine(dir.Path, "a"), "events.out.tfevents.1.h", Steps(0, 1500, ["loss", "acc"]));
        string scheme = "mem" + Guid.NewGuid().ToString("N")[..8];
        var objects = new Dictionary<string, byte[]>
        {
            [$"{scheme}://bucket/logs/a/events.out.tfevents.1.h"] = File.ReadAllBytes(Path.Combine(dir.Path, "a", "events.out.tfevents.1.h")),
        };
        LogStorageRegistry.Register(scheme, new TbLogger.Tests.Hostile.MemoryLogStorage(objects));
        var expected = Reference(new LogDirReader(dir.Path));
        Assert.AreEqual(3000, expected.Count);
        var reader = new LogDirReader($"{scheme}://bucket/logs", HoldOneChunk with { MaxDegreeOfParallelism = 1 });
        CollectionAssert.AreEqual(expected.Select(p => (p.Tag, p.Step, p.WallTime, p.Value)).ToList(),
            reader.ReadScalars().Select(p => (p.Tag, p.Step, p.WallTime, p.Value)).ToList());
        Assert.AreEqual(0, reader.ResumedSinglePasses);
    }

    [TestMethod]
    public void A_bad_record_just_after_the_single_pass_is_reported_once_where_it_lies()
    {
        // The single pass stops after steps 0-1,023; the next record (step 1,024) has a bad data CRC. The second cursor
        // skips it silently; the scan, reading on, meets it and reports it once, before step 1,025. Strict mode: the
        // second cursor throws, and the run is read as before: its pre-pass throws before the run's first point.
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "a", "events.out.tfevents.1.h");
        Write(Path.GetDirectoryName(file)!, "events.out.tfevents.1.h", Steps(0, 2000, ["a"]));
        // Record 0 is the file version; record 1,025 holds step 1,024.
        long badOffset = SpoilDataCrc(file, 1025);

        var expected = Reference(new LogDirReader(dir.Path, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = true } }));
        CollectionAssert.AreEqual(Enumerable.Range(0, 2000).Where(s => s != 1024).Select(s => (long)s).ToList(), expected.Select(p => p.Step).ToList());
        foreach (int threads in new[] { 1, 4 })
        {
            var reported = new List<(long Offset, TfRecordCorruption Kind, int PointsBefore)>();
            var points = new List<ScalarPoint>();
            var reader = new LogDirReader(dir.Path, HoldOneChunk with
            {
                MaxDegreeOfParallelism = threads,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => reported.Add((e.Offset, e.Corruption, points.Count)) },
            });
            foreach (ScalarPoint p in reader.ReadScalars())
            {
                points.Add(p);
            }
            CollectionAssert.AreEqual(expected, points, $"{threads} threads");
            Assert.AreEqual((badOffset, TfRecordCorruption.DataCrcMismatch, 1024), reported.Single(), $"{threads} threads");
            Assert.AreEqual(1, reader.ResumedSinglePasses);

            var strict = new LogDirReader(dir.Path, HoldOneChunk with { MaxDegreeOfParallelism = threads, RecordOptions = new() { SkipCorruptRecords = false } });
            var (strictPoints, error) = ReadUntilCorrupt(strict);
            Assert.AreEqual(badOffset, error.Offset);
            Assert.AreEqual(file, error.SourceName);
            Assert.IsEmpty(strictPoints, $"{threads} threads");
            Assert.AreEqual(0, strict.ResumedSinglePasses);
        }
    }

    [TestMethod]
    public void Filters_select_the_same_points_in_parallel()
    {
        using var dir = new TempDirectory();
        WriteDirectory(dir.Path);
        var filter = new ReadFilter { Runs = TagFilter.Glob("*e*"), Tags = TagFilter.Exact(["loss", "x", "m", "double"]), Steps = StepRange.Parse("20:59995") };
        var expected = Reference(new LogDirReader(dir.Path), filter);
        Assert.IsNotEmpty(expected);
        CollectionAssert.AreEqual(expected, new LogDirReader(dir.Path, FourThreads).ReadScalars(filter).ToList());
        CollectionAssert.AreEqual(expected, new LogDirReader(dir.Path, OneThread).ReadScalars(filter).ToList());
    }

    [TestMethod]
    public void An_abandoned_parallel_read_returns_the_first_points_and_stops_its_threads()
    {
        using var dir = new TempDirectory();
        WriteDirectory(dir.Path);
        var expected = Reference(new LogDirReader(dir.Path)).Take(700).ToList();
        for (int i = 0; i < 5; i++)
        {
            CollectionAssert.AreEqual(expected, new LogDirReader(dir.Path, FourThreads).ReadScalars().Take(700).ToList());
        }
        // The workers closed their files: every run directory can be renamed away and deleted now.
        foreach (string run in Directory.GetDirectories(dir.Path))
        {
            foreach (string file in Directory.GetFiles(run))
            {
                using var exclusive = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
        }
    }

    [TestMethod]
    public void Corruption_reports_and_malformed_values_arrive_in_read_order_on_the_callers_thread()
    {
        using var dir = new TempDirectory();
        var (badCrcOffset, malformedOffset) = WriteDamagedRuns(dir.Path);
        foreach (int threads in new[] { 1, 4 })
        {
            var reported = new List<(long Offset, TfRecordCorruption Kind, int Thread, int PointsBefore)>();
            var points = new List<ScalarPoint>();
            var options = new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => reported.Add((e.Offset, e.Corruption, Environment.CurrentManagedThreadId, points.Count)) },
            };
            var reader = new LogDirReader(dir.Path, options);
            foreach (ScalarPoint p in reader.ReadScalars())
            {
                points.Add(p);
            }
            // Run "a": 10 clean; run "b": "loss" 0-4, a record with a bad data CRC, 5-9, a malformed tensor at step 10,
            // 11-15, then "acc" 0, 1, 2, 1 (a step that goes back: two passes, and the pre-pass reports the CRC too).
            Assert.AreEqual(10 + 15 + 2, points.Count, $"{threads} threads");
            Assert.AreEqual(1L, reader.MalformedValues, $"{threads} threads: " + string.Join(";", reported.Select(r => $"{r.Offset} {r.Kind} {r.PointsBefore}")));
            Assert.IsTrue(reported.All(r => r.Thread == Environment.CurrentManagedThreadId), "reported on the caller's thread");
            var malformed = reported.Single(r => r.Kind == TfRecordCorruption.InvalidPayload);
            Assert.AreEqual(malformedOffset, malformed.Offset);
            Assert.AreEqual(10 + 10, malformed.PointsBefore, "reported just before the point that followed it");
            var crc = reported.Where(r => r.Kind == TfRecordCorruption.DataCrcMismatch).ToList();
            Assert.IsNotEmpty(crc);
            Assert.IsTrue(crc.All(r => r.Offset == badCrcOffset));
            Assert.IsTrue(crc.All(r => r.PointsBefore is 10 or 15), string.Join(",", crc.Select(r => r.PointsBefore)));
        }
    }

    [TestMethod]
    public void Strict_mode_throws_after_the_same_points_in_parallel()
    {
        using var dir = new TempDirectory();
        var (badCrcOffset, _) = WriteDamagedRuns(dir.Path);
        foreach (int threads in new[] { 1, 4 })
        {
            var points = new List<ScalarPoint>();
            var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { MaxDegreeOfParallelism = threads, RecordOptions = new() { SkipCorruptRecords = false } });
            var error = Assert.ThrowsExactly<TfRecordCorruptException>(() =>
            {
                foreach (ScalarPoint p in reader.ReadScalars())
                {
                    points.Add(p);
                }
            });
            Assert.AreEqual(badCrcOffset, error.Offset);
            Assert.AreEqual(TfRecordCorruption.DataCrcMismatch, error.Corruption);
            // Run "b"'s purge pre-pass meets the bad record before any of its points: run "a" only.
            Assert.AreEqual(10, points.Count, $"{threads} threads");
            Assert.IsTrue(points.All(p => p.Run == "a"));
        }
    }

    /// <summary>Every run's summary, field by field (a RunSummary's tag list compares by reference).</summary>
    private static List<string> Described(IReadOnlyList<RunSummary> summaries) =>
        summaries.SelectMany(r => r.Tags.Select(t => $"{r.Run} {r.Files} {r.Bytes} | {t}").DefaultIfEmpty($"{r.Run} {r.Files} {r.Bytes} | (no tags)")).ToList();

    [TestMethod]
    public void Summaries_of_several_runs_on_every_core_equal_a_one_thread_pass()
    {
        using var dir = new TempDirectory();
        WriteDirectory(dir.Path);
        Directory.CreateDirectory(dir.Combine("g_empty")); // a run with no event file: not a run
        Write(dir.Combine("h_header_only"), "events.out.tfevents.1.h", []);
        var filter = new ReadFilter { Tags = TagFilter.Exact(["loss", "x", "m", "notes"]), Steps = StepRange.Parse("20:59995") };
        foreach (TensorBoardLoader loader in new[] { TensorBoardLoader.DataServer, TensorBoardLoader.Python })
        {
            foreach (ReadFilter? f in new[] { null, filter })
            {
                var expected = Described(new LogDirReader(dir.Path, OneThread with { Loader = loader }).Summarize(f));
                Assert.IsGreaterThan(5, expected.Count);
                foreach (int threads in new[] { 2, 3, 8 })
                {
                    var reader = new LogDirReader(dir.Path, LogDirReaderOptions.Default with { Loader = loader, MaxDegreeOfParallelism = threads });
                    var parallel = reader.Summarize(f);
                    CollectionAssert.AreEqual(expected, Described(parallel), $"{loader}, {threads} threads, filter {f is not null}");
                    // The runs are clean: every run r with r mod threads != 0 is taken as its helper summarised it.
                    int runs = reader.GetRuns(f?.Runs).Count;
                    Assert.AreEqual(Enumerable.Range(0, runs).Count(r => r % threads != 0), reader.SummariesTakenAhead, $"{loader}, {threads} threads, filter {f is not null}");
                }
            }
        }
        // What the runs hold, independently of the one-thread pass: "b" keeps steps 0-49 then 50-119 again (evicted
        // and rewritten), "c" ends at 60,009; "h" is listed with no tags.
        var summary = new LogDirReader(dir.Path, FourThreads).Summarize().ToDictionary(r => r.Run);
        Assert.AreEqual("b_goes_back loss 120 0-119", $"{summary["b_goes_back"].Run} {summary["b_goes_back"].Tags.Single().Tag} {summary["b_goes_back"].Tags.Single().Count} {summary["b_goes_back"].Tags.Single().FirstStep}-{summary["b_goes_back"].Tags.Single().LastStep}");
        Assert.AreEqual(60_009L, summary["c_goes_back_late"].Tags.Single(t => t.Tag == "x").LastStep);
        Assert.IsEmpty(summary["h_header_only"].Tags);
        Assert.IsFalse(summary.ContainsKey("g_empty"));
    }

    [TestMethod]
    public void Summarize_reports_runs_read_ahead_on_the_callers_thread_in_read_order()
    {
        using var dir = new TempDirectory();
        var (badCrcOffset, malformedOffset) = WriteDamagedRuns(dir.Path);
        // After "b" (both problems): clean runs, a run with only a bad CRC and one with only a value that does not
        // decode; with two or four threads "b", "d" and "f" are a helper's, so each kind of problem alone must send
        // its run back to the caller.
        Write(dir.Combine("c"), "events.out.tfevents.1.h", Steps(0, 30, ["loss", "acc"]));
        // "d" is large enough that a helper reads several progress steps (64 KiB each) before its bad record.
        Write(dir.Combine("d"), "events.out.tfevents.1.h", Steps(0, 20_000, ["loss"]));
        long crcOnly = SpoilDataCrc(Path.Combine(dir.Combine("d"), "events.out.tfevents.1.h"), 15_000);
        Write(dir.Combine("e"), "events.out.tfevents.1.h", Steps(0, 30, ["acc"]));
        // "f" is read well past several progress steps (64 KiB each) before its bad value, which only its value pass
        // meets (the purge pre-pass does not decode values): its helper has counted bytes by then.
        long malformedOnly = WriteMalformedValueRun(dir.Combine("f"), 20_000);
        List<string>? expectedReports = null, expectedSummaries = null;
        foreach (int threads in new[] { 1, 2, 4 })
        {
            var reported = new List<(string? File, long Offset, TfRecordCorruption Kind, int Thread)>();
            var heard = new HeardProgress();
            var reader = new LogDirReader(dir.Path, new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                ReadProgress = heard,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => reported.Add((e.SourceName, e.Offset, e.Corruption, Environment.CurrentManagedThreadId)) },
            });
            var summaries = Described(reader.Summarize());
            // Every file read once as far as the caller is concerned: a run a helper gave back is counted for its
            // second read only.
            Assert.AreEqual(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length), heard.Last, $"{threads} threads");
            Assert.IsTrue(reported.All(r => r.Thread == Environment.CurrentManagedThreadId), $"{threads} threads: reported on the caller's thread");
            Assert.AreEqual(2L, reader.MalformedValues, $"{threads} threads");
            var reports = reported.Select(r => $"{Path.GetFileName(Path.GetDirectoryName(r.File))} {r.Offset} {r.Kind}").ToList();
            CollectionAssert.Contains(reports, $"b {badCrcOffset} {TfRecordCorruption.DataCrcMismatch}", $"{threads} threads");
            CollectionAssert.Contains(reports, $"b {malformedOffset} {TfRecordCorruption.InvalidPayload}", $"{threads} threads");
            CollectionAssert.Contains(reports, $"d {crcOnly} {TfRecordCorruption.DataCrcMismatch}", $"{threads} threads");
            CollectionAssert.Contains(reports, $"f {malformedOnly} {TfRecordCorruption.InvalidPayload}", $"{threads} threads");
            expectedReports ??= reports;
            expectedSummaries ??= summaries;
            CollectionAssert.AreEqual(expectedReports, reports, $"{threads} threads: the reports of a one-thread pass, in its order");
            CollectionAssert.AreEqual(expectedSummaries, summaries, $"{threads} threads");
        }
        Assert.IsNotNull(expectedReports);
        Assert.IsTrue(expectedReports.All(r => r[0] is 'b' or 'd' or 'f'), string.Join("; ", expectedReports));
    }

    /// <summary>The last total a read's progress reported, heard on the thread that reports it.</summary>
    private sealed class HeardProgress : IProgress<long>
    {
        public long Last { get; private set; }

        public void Report(long value) => Last = value;
    }

    [TestMethod]
    public void Summarize_with_a_throwing_corruption_handler_throws_it_at_the_same_record_on_every_core()
    {
        using var dir = new TempDirectory();
        WriteDamagedRuns(dir.Path);
        Write(dir.Combine("c"), "events.out.tfevents.1.h", Steps(0, 30, ["loss"]));
        string? expected = null;
        foreach (int threads in new[] { 1, 2, 4 })
        {
            var reader = new LogDirReader(dir.Path, new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => throw new InvalidOperationException($"stop at {Path.GetFileName(Path.GetDirectoryName(e.SourceName))} {e.Offset} on {Environment.CurrentManagedThreadId}") },
            });
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => reader.Summarize());
            expected ??= error.Message;
            Assert.AreEqual(expected, error.Message, $"{threads} threads");
        }
        StringAssert.StartsWith(expected, "stop at b ");
        StringAssert.EndsWith(expected, $" on {Environment.CurrentManagedThreadId}");
    }

    /// <summary>A run of "loss" at steps 0 to <paramref name="at"/> + 3 with, at <paramref name="at"/>, a scalar whose tensor does not decode; returns its record's offset.</summary>
    private static long WriteMalformedValueRun(string dir, int at)
    {
        Directory.CreateDirectory(dir);
        var broken = new Event { Step = at, WallTime = 2, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 1f } } } } } };
        broken.Summary.Value[0].Tensor.TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } };
        var payloads = new List<byte[]> { new Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }.ToByteArray() };
        payloads.AddRange(Steps(0, at, ["loss"]).Select(e => e.ToByteArray()));
        int malformed = payloads.Count;
        payloads.Add(CorruptTensor(broken.ToByteArray()));
        payloads.AddRange(Steps(at + 1, at + 4, ["loss"]).Select(e => e.ToByteArray()));
        long position = 0, offset = 0;
        using var stream = File.Create(Path.Combine(dir, "events.out.tfevents.1.h"));
        for (int i = 0; i < payloads.Count; i++)
        {
            byte[] framed = Frame(payloads[i]);
            offset = i == malformed ? position : offset;
            stream.Write(framed);
            position += framed.Length;
        }
        return offset;
    }

    [TestMethod]
    public void Strict_Summarize_throws_the_first_failure_in_run_order_and_stops_its_threads()
    {
        using var dir = new TempDirectory();
        var (badCrcOffset, _) = WriteDamagedRuns(dir.Path);
        Write(dir.Combine("c"), "events.out.tfevents.1.h", Steps(0, 20_000, ["loss"]));
        string laterDamaged = Path.Combine(dir.Combine("d"), "events.out.tfevents.1.h");
        Write(dir.Combine("d"), "events.out.tfevents.1.h", Steps(0, 50, ["loss"]));
        SpoilDataCrc(laterDamaged, 3);
        foreach (int threads in new[] { 1, 2, 4 })
        {
            var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { MaxDegreeOfParallelism = threads, RecordOptions = new() { SkipCorruptRecords = false } });
            var error = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.Summarize());
            Assert.AreEqual(Path.Combine(dir.Combine("b"), "events.out.tfevents.1.h"), error.SourceName, $"{threads} threads");
            Assert.AreEqual(badCrcOffset, error.Offset, $"{threads} threads");
            Assert.AreEqual(TfRecordCorruption.DataCrcMismatch, error.Corruption, $"{threads} threads");
            // No helper reads on after the call: every file can be opened exclusively at once.
            foreach (string file in Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories))
            {
                using var exclusive = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
        }
    }

    [TestMethod]
    public void The_points_enumerate_as_an_iterators_would()
    {
        using var dir = new TempDirectory();
        var (badCrcOffset, _) = WriteDamagedRuns(dir.Path);
        foreach (int threads in new[] { 1, 4 })
        {
            var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { MaxDegreeOfParallelism = threads, RecordOptions = new() { SkipCorruptRecords = false } });
            IEnumerable<ScalarPoint> points = reader.ReadScalars();
            // Each enumeration is a read of its own.
            using (IEnumerator<ScalarPoint> first = points.GetEnumerator())
            using (IEnumerator<ScalarPoint> second = points.GetEnumerator())
            {
                Assert.AreEqual(default, first.Current);
                Assert.IsTrue(first.MoveNext());
                Assert.IsTrue(second.MoveNext());
                Assert.AreEqual(("a", 0L), (first.Current.Run, first.Current.Step));
                Assert.AreEqual(first.Current, second.Current);
                Assert.IsTrue(first.MoveNext());
                Assert.AreEqual(1L, first.Current.Step);
                Assert.AreEqual(0L, second.Current.Step, "the other enumeration did not move");
                Assert.ThrowsExactly<NotSupportedException>(first.Reset);
            }
            // A failure ends the enumeration: the strict read threw after run "a"'s 10 points, then says "no more" and
            // has no current point.
            using IEnumerator<ScalarPoint> failing = points.GetEnumerator();
            int read = 0;
            var error = Assert.ThrowsExactly<TfRecordCorruptException>(() =>
            {
                while (failing.MoveNext())
                {
                    read++;
                }
            });
            Assert.AreEqual((10, badCrcOffset), (read, error.Offset), $"{threads} threads");
            Assert.IsFalse(failing.MoveNext());
            Assert.AreEqual(default, failing.Current);
            // A report whose handler throws, in the middle of run "b" (its file open, its later points read ahead): the
            // read that threw closed its files and stopped its helpers as it threw, so each can be opened exclusively.
            var stopping = new LogDirReader(dir.Path, new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => throw new InvalidOperationException($"stop at {e.Offset}") },
            });
            using IEnumerator<ScalarPoint> stopped = stopping.ReadScalars().GetEnumerator();
            read = 0;
            var stop = Assert.ThrowsExactly<InvalidOperationException>(() =>
            {
                while (stopped.MoveNext())
                {
                    read++;
                }
            });
            Assert.AreEqual($"stop at {badCrcOffset}", stop.Message);
            foreach (string file in Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories))
            {
                using var exclusive = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            Assert.IsFalse(stopped.MoveNext());
        }
    }

    /// <summary>Run "a" clean; run "b" with a record whose data CRC fails and a value whose tensor does not decode.</summary>
    private static (long BadCrcOffset, long MalformedOffset) WriteDamagedRuns(string root)
    {
        Write(Path.Combine(root, "a"), "events.out.tfevents.1.h", Steps(0, 10, ["loss"]));
        string dir = Path.Combine(root, "b");
        Directory.CreateDirectory(dir);
        var payloads = new List<byte[]> { new Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }.ToByteArray() };
        payloads.AddRange(Steps(0, 5, ["loss"]).Select(e => e.ToByteArray()));
        int badCrc = payloads.Count;
        payloads.Add(Steps(100, 101, ["loss"]).Single().ToByteArray());
        payloads.AddRange(Steps(5, 10, ["loss"]).Select(e => e.ToByteArray()));
        int malformed = payloads.Count;
        var broken = new Event { Step = 10, WallTime = 2, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { float.NaN } } } } } };
        broken.Summary.Value[0].Tensor.TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } };
        byte[] brokenBytes = broken.ToByteArray();
        // Cut the tensor's float_val short inside its own length: the value's framing still verifies, its payload does not decode.
        payloads.Add(CorruptTensor(brokenBytes));
        payloads.AddRange(Steps(11, 16, ["loss"]).Select(e => e.ToByteArray()));
        // "acc" goes back from step 2 to 1: the data server evicts, so the run is read in two passes.
        payloads.AddRange(Steps(0, 3, ["acc"]).Concat(Steps(1, 2, ["acc"])).Select(e => e.ToByteArray()));
        long at = 0;
        long badCrcOffset = 0, malformedOffset = 0;
        using (var stream = File.Create(Path.Combine(dir, "events.out.tfevents.1.h")))
        {
            for (int i = 0; i < payloads.Count; i++)
            {
                byte[] framed = Frame(payloads[i]);
                if (i == badCrc)
                {
                    badCrcOffset = at;
                    framed[^1] ^= 0xFF;
                }
                if (i == malformed)
                {
                    malformedOffset = at;
                }
                stream.Write(framed);
                at += framed.Length;
            }
        }
        return (badCrcOffset, malformedOffset);
    }

    private static byte[] Frame(byte[] payload)
    {
        using var memory = new MemoryStream();
        using (var writer = new TfRecordWriter(memory, leaveOpen: true))
        {
            writer.Write(payload);
        }
        return memory.ToArray();
    }

    /// <summary>
    /// The event with its tensor rebuilt by hand: dtype float, shape [1], then a float_val (fixed32, key 0x2D) cut
    /// to 2 of its 4 bytes inside the tensor's own length. The value's framing reads; the tensor does not decode.
    /// </summary>
    private static byte[] CorruptTensor(byte[] eventBytes)
    {
        var e = Event.Parser.ParseFrom(eventBytes);
        var value = e.Summary.Value[0];
        byte[] shape = value.Tensor.TensorShape.ToByteArray();
        var bad = new List<byte> { 0x08, 0x01, 0x12, (byte)shape.Length };
        bad.AddRange(shape);
        bad.AddRange(new byte[] { 0x2D, 0x00, 0x00 });
        var valueBytes = new List<byte> { 0x0A, 0x04 };
        valueBytes.AddRange("loss"u8.ToArray());
        valueBytes.Add(0x42);
        valueBytes.Add((byte)bad.Count);
        valueBytes.AddRange(bad);
        var summary = new List<byte> { 0x0A, (byte)valueBytes.Count };
        summary.AddRange(valueBytes);
        var eventOut = new List<byte> { 0x09 };
        byte[] wall = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(wall, e.WallTime);
        eventOut.AddRange(wall);
        eventOut.Add(0x10);
        eventOut.Add((byte)e.Step);
        eventOut.Add(0x2A);
        eventOut.Add((byte)summary.Count);
        eventOut.AddRange(summary);
        return [.. eventOut];
    }

    [TestMethod]
    public void Parallel_export_writes_the_bytes_of_a_one_thread_export()
    {
        using var dir = new TempDirectory();
        WriteDirectory(dir.Path);
        foreach (ExportFormat format in new[] { ExportFormat.Csv, ExportFormat.JsonLines })
        {
            var progressOne = new List<long>();
            var progressMany = new List<long>();
            using var one = new MemoryStream();
            using var many = new MemoryStream();
            long rowsOne = LogExporter.Export(new LogDirReader(dir.Path, OneThread), one, new ExportOptions { Format = format, Progress = new ProgressRecorder(progressOne) });
            long rowsMany = LogExporter.Export(new LogDirReader(dir.Path, FourThreads), many, new ExportOptions { Format = format, Progress = new ProgressRecorder(progressMany) });
            Assert.AreEqual(rowsOne, rowsMany);
            Assert.AreEqual(Reference(new LogDirReader(dir.Path)).Count, (int)rowsOne);
            CollectionAssert.AreEqual(one.ToArray(), many.ToArray(), $"{format}");
            CollectionAssert.AreEqual(progressOne, progressMany);
            Assert.AreEqual(rowsOne, progressMany[^1]);
        }
    }

    [TestMethod]
    public void Formatting_on_several_threads_writes_the_rows_of_one_thread_and_rethrows_a_failure_after_them()
    {
        var points = Enumerable.Range(0, 20_000).Select(i => new ScalarPoint(i < 9000 ? "r1" : "r,2", $"t{i % 7}", i, 1_700_000_000 + i / 3.0, i % 11 == 0 ? double.NaN : Math.Exp(i / 1000.0))).ToList();
        using var one = new MemoryStream();
        using var many = new MemoryStream();
        Assert.AreEqual(20_000L, ScalarRowExport.Write(points, one, json: false, progress: null, threads: 1));
        Assert.AreEqual(20_000L, ScalarRowExport.Write(points, many, json: false, progress: null, threads: 3));
        CollectionAssert.AreEqual(one.ToArray(), many.ToArray());
        StringAssert.StartsWith(System.Text.Encoding.UTF8.GetString(one.ToArray()), "r1,t0,0,1700000000,NaN\nr1,t1,1,1700000000.3333333,1.0010005001667084\n");

        using var failing = new MemoryStream();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ScalarRowExport.Write(Failing(points, after: 10_000), failing, json: false, progress: null, threads: 3));
        Assert.AreEqual("source failed", error.Message);
        string text = System.Text.Encoding.UTF8.GetString(failing.ToArray());
        Assert.AreEqual(10_000, text.Count(c => c == '\n'), "the rows read before the failure are written");
        Assert.IsTrue(one.ToArray().AsSpan().StartsWith(failing.ToArray()));
    }

    private static IEnumerable<ScalarPoint> Failing(List<ScalarPoint> points, int after)
    {
        for (int i = 0; i < after; i++)
        {
            yield return points[i];
        }
        throw new InvalidDataException("source failed");
    }
}
