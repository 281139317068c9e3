using TbLogger.Reading.Verify;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>Progress is bytes read of the input's size, reported while reading, not only at the end.</summary>
[TestClass]
public sealed class ReadProgressTests
{
    /// <summary>Two runs, about 6 MB of event files: text summaries of 100 KB each, and a few scalars.</summary>
    private static (string Dir, long Bytes) LargeLogDir(string root)
    {
        string payload = new('x', 100_000);
        foreach (string run in new[] { "a", "b" })
        {
            using var writer = new SummaryWriter(Path.Combine(root, run));
            for (int step = 0; step < 30; step++)
            {
                writer.AddText("notes", payload, step);
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
        }
        long bytes = Directory.EnumerateFiles(root, "*tfevents*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return (root, bytes);
    }

    private static void AssertRealProgress(List<long> values, long total)
    {
        Assert.IsGreaterThanOrEqualTo(4, values.Count, string.Join(",", values));
        CollectionAssert.AreEqual(values.Order().ToList(), values, "never goes back: " + string.Join(",", values));
        Assert.AreEqual(total, values[^1], "ends at the total");
        Assert.IsTrue(values.Any(v => v > 0 && v < total / 2), "reports in the first half: " + string.Join(",", values));
        Assert.IsTrue(values.Count(v => v > 0 && v < total) >= 3, "reports on the way: " + string.Join(",", values));
    }

    [TestMethod]
    public void Reading_reports_bytes_of_event_files_as_it_goes()
    {
        using var temp = new TempDir();
        var (dir, total) = LargeLogDir(temp.Path);
        var progress = new ProgressRecorder();
        var reader = new LogDirReader(dir, new LogDirReaderOptions { ReadProgress = progress });
        Assert.AreEqual(60, reader.ReadScalars().Count());
        AssertRealProgress(progress.Values, total);
    }

    /// <summary>A progress sink that throws what <paramref name="fail"/> makes on any thread but the one that started the read.</summary>
    private sealed class FailOffThread(int caller, Func<Exception> fail) : IProgress<long>
    {
        public void Report(long value)
        {
            if (Environment.CurrentManagedThreadId != caller)
            {
                throw fail();
            }
        }
    }

    [TestMethod]
    [DataRow(false, DisplayName = "OperationCanceledException (the user's stop)")]
    [DataRow(true, DisplayName = "any other exception (a fault)")]
    public void A_progress_sink_that_throws_on_a_helper_thread_ends_the_read_at_that_run_instead_of_hanging(bool fault)
    {
        // Runs are read two at a time: "b" on the helper, whose progress sink throws. The caller gets run "a"'s points
        // and then that exception, at run "b" where it happened; it used to drain "b" as if it had ended and then wait
        // forever for the helper's next run. Either exception ends "b" in its single pass, before its first point.
        Func<Exception> fail = fault
            ? () => new InvalidOperationException("the progress sink failed")
            : () => new OperationCanceledException("stopped by the progress sink");
        using var temp = new TempDir();
        foreach (string run in new[] { "a", "b", "c", "d" })
        {
            using var writer = new SummaryWriter(Path.Combine(temp.Path, run));
            for (int step = 0; step < 20; step++)
            {
                writer.AddScalar("loss", step, step);
            }
        }
        var points = new List<ScalarPoint>();
        var read = Task.Run(() =>
        {
            var options = new LogDirReaderOptions { MaxDegreeOfParallelism = 2, ReadProgress = new FailOffThread(Environment.CurrentManagedThreadId, fail) };
            try
            {
                foreach (ScalarPoint point in new LogDirReader(temp.Path, options).ReadScalars())
                {
                    points.Add(point);
                }
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        });
        Assert.IsTrue(read.Wait(TimeSpan.FromSeconds(60)), "the read hung");
        Exception expected = fail();
        Assert.AreEqual(expected.GetType(), read.Result?.GetType());
        Assert.AreEqual(expected.Message, read.Result!.Message);
        CollectionAssert.AreEqual(Enumerable.Range(0, 20).Select(step => ("a", (long)step)).ToList(), points.Select(p => (p.Run, p.Step)).ToList());
    }

    /// <summary>A progress sink that throws on its first report only, as a transient failure of the user's code would.</summary>
    private sealed class FailOnce : IProgress<long>
    {
        private int _reports;

        public void Report(long value)
        {
            if (Interlocked.Increment(ref _reports) == 1)
            {
                throw new InvalidOperationException("the progress sink failed once");
            }
        }
    }

    [TestMethod]
    public void A_progress_sink_that_throws_once_ends_the_read_with_its_exception()
    {
        // The sink's first report comes in the run's single pass, which reads a run again the two-pass way after a
        // strict-mode corruption or an I/O error, since that read meets them again. A fault of the user's code is not
        // met again: it was swallowed, and the read ended as if nothing had failed.
        using var temp = new TempDir();
        using (var writer = new SummaryWriter(temp.Path))
        {
            for (int step = 0; step < 20; step++)
            {
                writer.AddScalar("loss", step, step);
            }
        }
        var points = new List<ScalarPoint>();
        var options = new LogDirReaderOptions { MaxDegreeOfParallelism = 1, ReadProgress = new FailOnce() };
        var error = Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            foreach (ScalarPoint point in new LogDirReader(temp.Path, options).ReadScalars())
            {
                points.Add(point);
            }
        });
        Assert.AreEqual("the progress sink failed once", error.Message);
        Assert.IsEmpty(points, "the run's points were held by the single pass, which stopped before its first");
    }

    [TestMethod]
    public void Export_through_a_counting_reader_reports_bytes_not_rows()
    {
        using var temp = new TempDir();
        var (dir, total) = LargeLogDir(Path.Combine(temp.Path, "logs"));
        var progress = new ProgressRecorder();
        var reader = new LogDirReader(dir, new LogDirReaderOptions { ReadProgress = progress });
        using var output = new MemoryStream();
        Assert.AreEqual(60L, LogExporter.Export(reader, output, new ExportOptions { IncludeHistograms = true }));
        AssertRealProgress(progress.Values, total);
    }

    [TestMethod]
    public void Verify_reports_inside_a_large_file_not_only_when_it_ends()
    {
        using var temp = new TempDir();
        string payload = new('y', 100_000);
        using (var writer = new SummaryWriter(temp.Path))
        {
            for (int step = 0; step < 60; step++)
            {
                writer.AddText("notes", payload, step);
            }
        }
        long total = new FileInfo(Directory.GetFiles(temp.Path, "*tfevents*").Single()).Length;
        var progress = new ProgressRecorder();
        var report = LogVerifier.Verify(temp.Path, new LogVerifierOptions { Progress = progress });
        Assert.IsTrue(report.IsClean);
        AssertRealProgress(progress.Values, total);
    }

    [TestMethod]
    public void Replay_reports_bytes_read_through_its_reader_options()
    {
        using var temp = new TempDir();
        var (dir, total) = LargeLogDir(Path.Combine(temp.Path, "logs"));
        var progress = new ProgressRecorder();
        var result = LogReplayer.Replay(dir, Path.Combine(temp.Path, "out"), new ReplayOptions(), new LogDirReaderOptions { ReadProgress = progress });
        Assert.AreEqual(2, result.RunsRead);
        AssertRealProgress(progress.Values, total);
    }

    [TestMethod]
    public void Import_reports_bytes_of_the_history_file()
    {
        using var temp = new TempDir();
        string csv = Path.Combine(temp.Path, "history.csv");
        using (var text = new StreamWriter(csv))
        {
            text.WriteLine("epoch,loss,accuracy,val_loss,val_accuracy");
            for (int i = 0; i < 60_000; i++)
            {
                text.WriteLine($"{i},{1.0 / (i + 1):R},{i / 60000.0:R},{2.0 / (i + 1):R},{i / 70000.0:R}");
            }
        }
        long total = new FileInfo(csv).Length;
        var progress = new ProgressRecorder();
        var result = HistoryImporter.Import(csv, Path.Combine(temp.Path, "out"), new ImportOptions { Progress = progress });
        Assert.AreEqual(60_000L, result.Rows);
        AssertRealProgress(progress.Values, total);
    }

    /// <summary>A fresh directory, deleted on dispose.</summary>
    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tblogger-progress-" + Guid.NewGuid().ToString("N"));

        public TempDir() => Directory.CreateDirectory(Path);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
