using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Reading;

namespace TbLogger.Azure.Tests;

/// <summary>The service goes away in the middle of a run and comes back: no accepted event is lost or duplicated.</summary>
[TestClass]
public sealed class AzureOutageTests
{
    private static AzureBlobLogStorageOptions Fast(TimeSpan close) => new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        RetryInitialDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        FlushTimeout = TimeSpan.FromMilliseconds(500),
        CloseTimeout = close,
    };

    [TestMethod]
    public void Appends_wait_while_Azurite_is_down_and_go_out_in_order_after_it_restarts()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage(Fast(TimeSpan.FromSeconds(60)));
        var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        void Write(int from, int to, bool reachable = true)
        {
            for (int i = from; i < to; i++)
            {
                writer.AddScalar("loss", i * 0.25, i);
            }
            if (reachable)
            {
                writer.Flush();
                return;
            }
            // A flush while the service is down reports everything it holds back (since the outage began), and the
            // writer keeps it for later.
            var error = Assert.ThrowsExactly<AzureUploadException>(writer.Flush);
            Assert.IsTrue(error.WriterKeepsData);
            Assert.AreEqual(to - 100L, error.Events);
        }

        Write(0, 100);
        long appended = storage.AppendedBlocks;
        server.Stop();
        Write(100, 200, reachable: false);
        Write(200, 300, reachable: false);
        Assert.AreEqual(appended, storage.AppendedBlocks, "nothing reaches a stopped server");
        Assert.IsGreaterThan(0L, storage.FailedRequests);
        server.Restart();
        Write(300, 400);
        writer.Dispose();

        var points = new LogDirReader(storage, $"az://{container}").ReadScalars().ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, 400).Select(i => (long)i).ToList(), points.Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 400).Select(i => i * 0.25).ToList(), points.Select(p => p.Value).ToList());
        Assert.AreEqual(1, server.Admin().GetBlobContainerClient(container).GetBlobs().Count(), "the same blob kept growing");
    }

    [TestMethod]
    public void An_idle_writer_retries_on_its_flush_tick_and_Dispose_reports_what_never_arrived_within_the_close_timeout()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage(Fast(TimeSpan.FromSeconds(2)));
        var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(200), Rank = 0, WorldSize = 1 });
        writer.AddScalar("kept", 1.5, 1);
        writer.Flush();

        server.Stop();
        writer.AddScalar("kept", 2.5, 2);
        // The append fails: the flush says so (it never reports success for bytes the service did not take), and the
        // bytes wait for a retry.
        Assert.IsTrue(Assert.ThrowsExactly<AzureUploadException>(writer.Flush).WriterKeepsData);
        server.Restart();
        // No further call on the writer: only its periodic tick can send the append.
        var clock = Stopwatch.StartNew();
        while (new LogDirReader(storage, $"az://{container}").ReadScalars().Count() < 2 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(100);
        }
        Assert.HasCount(2, new LogDirReader(storage, $"az://{container}").ReadScalars().ToList(), "an idle writer never retried");

        server.Stop();
        for (int i = 3; i < 13; i++)
        {
            writer.AddScalar("lost", i, i);
        }
        clock.Restart();
        var error = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);
        // The close timeout (2 s) plus at most one request timeout (5 s), not a hang.
        Assert.IsLessThan(TimeSpan.FromSeconds(15), clock.Elapsed);
        var unsent = (AzureUploadException)error.InnerException!;
        Assert.AreEqual(10L, unsent.Events);
        StringAssert.Contains(unsent.Message, "10 event(s)");
        StringAssert.Contains(unsent.Message, $"az://{container}/run/events.out.tfevents.");
        // The unsent bytes are a complete event file: a header, then the ten events.
        string path = Path.Combine(Path.GetTempPath(), "tblogger-az-unsent-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, unsent.Unsent.ToArray());
        try
        {
            using var reader = new EventFileReader(path);
            var events = reader.ReadEvents().ToList();
            Assert.AreEqual("brain.Event:2", events[0].FileVersion);
            CollectionAssert.AreEqual(Enumerable.Range(3, 10).Select(i => (long)i).ToList(), events.Skip(1).Select(e => e.Step).ToList());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
