using System.Diagnostics;
using System.Globalization;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;

namespace TbLogger.Azure.Tests;

/// <summary>
/// A service that freezes (Azurite stopped with SIGSTOP: connections open, no answers) bounds every flush, dispose,
/// listing and read by its configured time, and a flush never reports success for bytes the service did not take
/// (issue 18, item 5).
/// </summary>
[TestClass]
public sealed class AzureHostileStoreTests
{
    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.AreEqual(0, kill.ExitCode, $"kill -{signal} {pid}");
    }

    private static List<Event> ReadEventFile(ReadOnlyMemory<byte> bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), "tblogger-az-unsent-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes.ToArray());
        try
        {
            using var reader = new EventFileReader(path);
            return reader.ReadEvents().ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void A_frozen_service_bounds_flush_dispose_and_reads_and_each_reports_what_is_not_stored()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("SIGSTOP is Unix-only.");
        }
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage(new AzureBlobLogStorageOptions
        {
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            RequestTimeout = TimeSpan.FromSeconds(1),
            FlushTimeout = TimeSpan.FromSeconds(2),
            CloseTimeout = TimeSpan.FromSeconds(2),
        });
        var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        writer.AddScalar("loss", 0.5, 0);
        writer.Flush();
        var blobs = storage.ListFiles($"az://{container}/run", recursive: true);
        Assert.HasCount(1, blobs);
        string blob = blobs[0];
        long appended = storage.AppendedBytes;

        TimeSpan flushTime, disposeTime;
        Signal(server.ProcessId, "STOP");
        try
        {
            for (int i = 1; i <= 10; i++)
            {
                writer.AddScalar("loss", i, i);
            }
            var clock = Stopwatch.StartNew();
            var flush = Assert.ThrowsExactly<AzureUploadException>(writer.Flush);
            flushTime = clock.Elapsed;
            // One worker attempt (request timeout) plus the flush timeout, with room for a loaded machine.
            Assert.IsLessThan(TimeSpan.FromSeconds(8), flushTime, $"Flush took {flushTime}");
            Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5), flushTime, $"Flush gave up after {flushTime}");
            Assert.IsTrue(flush.WriterKeepsData);
            Assert.AreEqual(10L, flush.Events);
            Assert.AreEqual(blob, flush.BlobUri);
            StringAssert.Contains(flush.Message, $"10 event(s) ({flush.Unsent.Length} bytes) of {blob} are not acknowledged");
            StringAssert.Contains(flush.InnerException!.Message, "no answer within the request timeout");
            var flushed = ReadEventFile(flush.Unsent);
            Assert.AreEqual("brain.Event:2", flushed[0].FileVersion);
            CollectionAssert.AreEqual(Enumerable.Range(1, 10).Select(i => (long)i).ToList(), flushed.Skip(1).Select(e => e.Step).ToList());
            Assert.AreEqual(appended, storage.AppendedBytes, "nothing reached a frozen service");

            writer.AddScalar("loss", 11, 11);
            clock.Restart();
            var dispose = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);
            disposeTime = clock.Elapsed;
            // The close timeout (2 s), each request cut at the deadline, with room for a loaded machine.
            Assert.IsLessThan(TimeSpan.FromSeconds(6), disposeTime, $"Dispose took {disposeTime}");
            var unsent = Assert.IsInstanceOfType<AzureUploadException>(dispose.InnerException);
            Assert.IsFalse(unsent.WriterKeepsData);
            Assert.AreEqual(11L, unsent.Events);
            StringAssert.Contains(unsent.Message, $"11 event(s) ({unsent.Unsent.Length} bytes) of {blob} did not reach Azure Blob Storage before the close timeout");
            CollectionAssert.AreEqual(Enumerable.Range(1, 11).Select(i => (long)i).ToList(), ReadEventFile(unsent.Unsent).Skip(1).Select(e => e.Step).ToList());

            // Reads are bounded too: a listing, and opening a blob, fail within the request timeout.
            clock.Restart();
            var list = Assert.ThrowsExactly<IOException>(() => storage.ListFiles($"az://{container}/run", recursive: true));
            Assert.IsLessThan(TimeSpan.FromSeconds(5), clock.Elapsed, $"ListFiles took {clock.Elapsed}");
            Console.WriteLine($"frozen Azurite: ListFiles {clock.Elapsed.TotalSeconds:0.00} s");
            Assert.IsInstanceOfType<TimeoutException>(list.InnerException);
            clock.Restart();
            var read = Assert.ThrowsExactly<AzureBlobStorageException>(() => storage.OpenRead(blob).Dispose());
            Assert.IsLessThan(TimeSpan.FromSeconds(5), clock.Elapsed, $"OpenRead took {clock.Elapsed}");
            Console.WriteLine($"frozen Azurite: OpenRead {clock.Elapsed.TotalSeconds:0.00} s");
            Assert.AreEqual(0, read.Status);
        }
        finally
        {
            Signal(server.ProcessId, "CONT");
        }
        // Requests cut off by the timeout may still sit in the thawed server's socket and commit now: "not
        // acknowledged" is exactly what was reported. Every append carried the append-position condition, so whichever
        // one landed, the blob holds one unbroken prefix of the events, never a duplicate or a gap.
        var steps = new LogDirReader(storage, $"az://{container}").ReadScalars().Select(p => p.Step).ToList();
        Console.WriteLine($"frozen Azurite: Flush {flushTime.TotalSeconds:0.00} s, Dispose {disposeTime.TotalSeconds:0.00} s, blob holds {steps.Count} of 12 points");
        CollectionAssert.AreEqual(Enumerable.Range(0, steps.Count).Select(i => (long)i).ToList(), steps, string.Join(",", steps));
        CollectionAssert.Contains(new[] { 1, 11, 12 }, steps.Count, string.Join(",", steps));
    }

    [TestMethod]
    public void Flush_reports_success_only_once_the_service_has_the_bytes()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage(new AzureBlobLogStorageOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(5),
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(100),
            FlushTimeout = TimeSpan.FromMilliseconds(500),
            CloseTimeout = TimeSpan.FromSeconds(20),
        });
        using var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        writer.AddScalar("loss", 0.25, 1);
        writer.Flush(); // a healthy service: success, and the point is readable at once
        CollectionAssert.AreEqual(new[] { 0.25 }, new LogDirReader(storage, $"az://{container}").ReadScalars().Select(p => p.Value).ToList());

        server.Stop();
        writer.AddScalar("loss", 0.5, 2);
        var error = Assert.ThrowsExactly<AzureUploadException>(writer.Flush);
        Assert.IsTrue(error.WriterKeepsData);
        Assert.AreEqual(1L, error.Events);
        server.Restart();
        writer.AddScalar("loss", 0.75, 3);
        writer.Flush(); // returns: everything, the held-back point too, is now in the blob
        var points = new LogDirReader(storage, $"az://{container}").ReadScalars().ToList();
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, points.Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(new[] { 0.25, 0.5, 0.75 }, points.Select(p => p.Value).ToList());
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void A_blob_body_that_stalls_after_its_headers_fails_within_the_request_timeout_whatever_the_clients_network_timeout()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        using (var writer = new SummaryWriter(server.Storage(), $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 }))
        {
            for (int i = 0; i < 500; i++)
            {
                writer.AddScalar("x", i, i);
            }
        }
        var wire = new WireCounter
        {
            // Headers arrive, then 100 bytes of the body, then nothing: a service (or a proxy) that stalls mid-body.
            OnDownload = response =>
            {
                var original = response.Content;
                var stalled = new StreamContent(new StallingStream(original.ReadAsStream(), 100));
                foreach (var header in original.Headers)
                {
                    stalled.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
                response.Content = stalled;
            },
        };
        var clientOptions = new global::Azure.Storage.Blobs.BlobClientOptions { Transport = wire.Transport() };
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(100); // the caller's client: ours must win
        var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions
        {
            ServiceClient = new global::Azure.Storage.Blobs.BlobServiceClient(server.ConnectionString, clientOptions),
            RequestTimeout = TimeSpan.FromSeconds(1),
            ReadChunkBytes = 4096,
        });
        string blob = storage.ListFiles($"az://{container}/run", recursive: true).Single();
        using var stream = storage.OpenRead(blob);
        var buffer = new byte[4096];
        int read = 0;
        var clock = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<IOException>(() =>
        {
            while (true)
            {
                read += stream.Read(buffer, 0, buffer.Length);
            }
        });
        Assert.IsLessThan(TimeSpan.FromSeconds(5), clock.Elapsed, $"the stalled read took {clock.Elapsed}");
        Assert.AreEqual(100, read, "the bytes before the stall are returned");
        Assert.AreEqual($"Reading {blob} failed at byte 100: no data within the request timeout (1 s).", error.Message);
        Assert.IsInstanceOfType<TimeoutException>(error.InnerException);
    }

    /// <summary>Passes <c>limit</c> bytes through, then waits (cancellably, as a stalled socket does) for data that does not come.</summary>
    private sealed class StallingStream(Stream inner, int limit) : Stream
    {
        private int _passed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_passed < limit)
            {
                int read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, limit - _passed)], cancellationToken).ConfigureAwait(false);
                _passed += read;
                return read;
            }
            // A stall that ends on its own after 30 s (a reset), so that a reader without its own bound fails the
            // test on time instead of hanging it.
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            throw new IOException("The stalled body was reset after 30 s.");
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
