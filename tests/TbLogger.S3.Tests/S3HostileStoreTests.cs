using System.Diagnostics;
using TbLogger.Cli;
using TbLogger.Events;

namespace TbLogger.S3.Tests;

/// <summary>
/// A store that freezes (the server process stopped with SIGSTOP: connections open, no answers) and listings with
/// sizes (issue 18, items 5 and 7). Each request, flush and dispose stays within its configured time.
/// </summary>
[TestClass]
public sealed class S3HostileStoreTests
{
    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.AreEqual(0, kill.ExitCode, $"kill -{signal} {pid}");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void A_frozen_server_bounds_flush_and_dispose_and_both_report_what_is_not_stored()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("SIGSTOP is Unix-only.");
        }
        using var server = MotoServer.Start();
        const string Bucket = "frozen";
        using (var admin = server.CreateClient())
        {
            MotoServer.CreateBucket(admin, Bucket);
        }
        using var storage = new S3LogStorage(new S3LogStorageOptions
        {
            Client = server.CreateClient(), // its own HTTP timeout is 20 s: ours must win
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            RequestTimeout = TimeSpan.FromSeconds(1),
            FlushTimeout = TimeSpan.FromSeconds(2),
            CloseTimeout = TimeSpan.FromSeconds(2),
        });
        var writer = new SummaryWriter(storage, $"s3://{Bucket}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        writer.AddScalar("loss", 0.5, 0);
        writer.Flush();
        Assert.AreEqual(2L, storage.UploadedObjects);

        Signal(server.ProcessId, "STOP");
        try
        {
            for (int i = 1; i <= 10; i++)
            {
                writer.AddScalar("loss", i, i);
            }
            var clock = Stopwatch.StartNew();
            var flush = Assert.ThrowsExactly<S3UploadException>(writer.Flush);
            var flushTime = clock.Elapsed;
            // One worker attempt (request timeout) plus the flush timeout, with room for a loaded machine.
            Assert.IsLessThan(TimeSpan.FromSeconds(8), flushTime, $"Flush took {flushTime}");
            Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5), flushTime, $"Flush gave up after {flushTime}");
            Assert.IsTrue(flush.WriterKeepsSegments);
            Assert.AreEqual(10L, flush.Events);
            StringAssert.Contains(flush.InnerException!.Message, "no answer from the store within");

            writer.AddScalar("loss", 11, 11);
            clock.Restart();
            var dispose = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);
            var disposeTime = clock.Elapsed;
            Assert.IsLessThan(TimeSpan.FromSeconds(6), disposeTime, $"Dispose took {disposeTime}");
            var unsent = Assert.IsInstanceOfType<S3UploadException>(dispose.InnerException);
            Assert.IsFalse(unsent.WriterKeepsSegments);
            Assert.AreEqual(11L, unsent.Events);
            var scalars = S3Segments.Scalars(S3Segments.ReadAll(unsent.Segments.ToDictionary(s => s.Uri[5..], s => s.Data.ToArray())));
            CollectionAssert.AreEqual(Enumerable.Range(1, 11).Select(i => (long)i).ToList(), scalars.Select(s => s.Step).ToList());

            // Reads are bounded too: a listing of the frozen store fails within the request timeout.
            clock.Restart();
            var list = Assert.ThrowsExactly<IOException>(() => storage.ListFiles($"s3://{Bucket}/run", recursive: true));
            Assert.IsLessThan(TimeSpan.FromSeconds(5), clock.Elapsed);
            Assert.IsInstanceOfType<TimeoutException>(list.InnerException);
        }
        finally
        {
            Signal(server.ProcessId, "CONT");
        }
    }

    [TestMethod]
    public void Flush_reports_success_only_once_the_store_has_the_bytes()
    {
        using var server = MotoServer.Start();
        const string Bucket = "ack";
        using (var admin = server.CreateClient())
        {
            MotoServer.CreateBucket(admin, Bucket);
        }
        using var storage = new S3LogStorage(new S3LogStorageOptions
        {
            Client = server.CreateClient(),
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(100),
            FlushTimeout = TimeSpan.FromMilliseconds(500),
            CloseTimeout = TimeSpan.FromSeconds(20),
        });
        using var writer = new SummaryWriter(storage, $"s3://{Bucket}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        server.Stop();
        writer.AddScalar("loss", 0.25, 1);
        Assert.ThrowsExactly<S3UploadException>(writer.Flush);
        server.Restart();
        using var admin2 = server.CreateClient();
        MotoServer.CreateBucket(admin2, Bucket);
        writer.AddScalar("loss", 0.5, 2);
        writer.Flush(); // returns: everything, the earlier segments too, is now in the store
        var scalars = S3Segments.Scalars(S3Segments.ReadAll(MotoServer.Download(admin2, Bucket)));
        CollectionAssert.AreEqual(new long[] { 1, 2 }, scalars.Select(s => s.Step).ToList());
    }

    [TestMethod]
    [DoNotParallelize]
    public async Task Tblog_ls_shows_the_real_sizes_of_runs_in_a_bucket()
    {
        using var server = MotoServer.Start();
        const string Bucket = "sizes";
        using var admin = server.CreateClient();
        MotoServer.CreateBucket(admin, Bucket);
        var storage = S3LogStorage.Register(new S3LogStorageOptions { Client = server.CreateClient() });
        try
        {
            foreach (string run in new[] { "a", "b" })
            {
                using var writer = new SummaryWriter(storage, $"s3://{Bucket}/logs/{run}", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
                for (int i = 0; i < (run == "a" ? 3 : 30); i++)
                {
                    writer.AddScalar("loss", i, i);
                }
            }
            var objects = MotoServer.Download(admin, Bucket);
            long Size(string run) => objects.Where(o => o.Key.StartsWith($"logs/{run}/", StringComparison.Ordinal)).Sum(o => (long)o.Value.Length);
            Assert.IsGreaterThan(0L, Size("a"));

            var stdout = new StringWriter { NewLine = "\n" };
            var stderr = new StringWriter { NewLine = "\n" };
            int code = await CliApp.RunAsync(["ls", $"s3://{Bucket}/logs"], stdout, stderr, interactive: false, CancellationToken.None);
            Assert.AreEqual(0, code, stderr.ToString());
            var runLines = stdout.ToString().Split('\n').Where(l => l.Length > 0 && !l.StartsWith(' ')).ToArray();
            CollectionAssert.AreEqual(new[] { $"a\t{objects.Count(o => o.Key.StartsWith("logs/a/", StringComparison.Ordinal))} file(s)\t{Size("a")} bytes", $"b\t{objects.Count(o => o.Key.StartsWith("logs/b/", StringComparison.Ordinal))} file(s)\t{Size("b")} bytes" }, runLines);
        }
        finally
        {
            // Put the package's default store back for other tests.
            TbLogger.Storage.LogStorageRegistry.Register("s3", new S3LogStorage());
            storage.Dispose();
        }
    }

    [TestMethod]
    [DoNotParallelize]
    public async Task Tblog_replay_from_a_bucket_refuses_keys_that_leave_the_destination()
    {
        using var server = MotoServer.Start();
        const string Bucket = "hostile";
        using var admin = server.CreateClient();
        MotoServer.CreateBucket(admin, Bucket);
        var storage = S3LogStorage.Register(new S3LogStorageOptions { Client = server.CreateClient() });
        string temp = Path.Combine(Path.GetTempPath(), "tblogger-s3-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using (var writer = new SummaryWriter(storage, $"s3://{Bucket}/runs/good", new SummaryWriterOptions { Rank = 0, WorldSize = 1 }))
            {
                writer.AddScalar("loss", 0.5, 1);
            }
            byte[] file = MotoServer.Download(admin, Bucket).First().Value;
            foreach (string run in new[] { "../../x", "/tmp/x" })
            {
                string key = $"runs/{run}/events.out.tfevents.1.h";
                await admin.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(file) });
                var keys = MotoServer.Download(admin, Bucket).Keys.ToList();
                CollectionAssert.Contains(keys, key, "the store keeps the key as given");

                string destination = Path.Combine(temp, run.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "a", "b", "out");
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                int code = await CliApp.RunAsync(["replay", $"s3://{Bucket}/runs", destination], stdout, stderr, interactive: false, CancellationToken.None);
                Assert.AreEqual(1, code, stderr.ToString());
                Assert.AreEqual($"tblog: Source run 's3://{Bucket}/runs/{run}': the name '{run}' cannot be used as a path: {(run[0] == '/' ? "it is an absolute path" : "it has a '..' segment")}. Names must be relative, '/'-separated, without '..', '.', empty segments, '\\', drives or control characters.{Environment.NewLine}", stderr.ToString());
                Assert.IsFalse(Directory.Exists(destination));
                Assert.IsEmpty(Directory.GetFileSystemEntries(Path.GetDirectoryName(destination)!));
                Assert.IsFalse(File.Exists("/tmp/x/events.out.tfevents.1.h"));
                await admin.DeleteObjectAsync(Bucket, key);
            }
        }
        finally
        {
            TbLogger.Storage.LogStorageRegistry.Register("s3", new S3LogStorage());
            storage.Dispose();
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
