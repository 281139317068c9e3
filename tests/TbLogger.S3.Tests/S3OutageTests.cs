namespace TbLogger.S3.Tests;

/// <summary>The store goes away in the middle of a run and comes back: no accepted event is lost or duplicated.</summary>
[TestClass]
public sealed class S3OutageTests
{
    [TestMethod]
    public void Writer_keeps_segments_while_the_server_is_down_and_uploads_them_after_it_restarts()
    {
        using var server = MotoServer.Start();
        const string Bucket = "outage";
        using (var admin = server.CreateClient())
        {
            MotoServer.CreateBucket(admin, Bucket);
        }
        using var storage = new S3LogStorage(new S3LogStorageOptions
        {
            Client = server.CreateClient(),
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            CloseTimeout = TimeSpan.FromSeconds(60),
            FlushTimeout = TimeSpan.FromMilliseconds(500),
        });
        var writer = new SummaryWriter(storage, $"s3://{Bucket}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
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
            // A flush while the store is down reports what it holds back, and the writer keeps it for later.
            var error = Assert.ThrowsExactly<S3UploadException>(writer.Flush);
            Assert.IsTrue(error.WriterKeepsSegments);
            Assert.AreEqual(to - 100L, error.Events);
        }

        Write(0, 100);
        Assert.AreEqual(2L, storage.UploadedObjects);
        SortedDictionary<string, byte[]> before;
        using (var admin = server.CreateClient())
        {
            before = MotoServer.Download(admin, Bucket);
        }

        server.Stop();
        Write(100, 200, reachable: false);
        Write(200, 300, reachable: false);
        Assert.AreEqual(2L, storage.UploadedObjects, "nothing reaches a stopped server");
        Assert.IsGreaterThan(0L, storage.FailedUploads);

        // moto keeps its objects in memory; put back what a durable store would still hold.
        server.Restart();
        using (var admin = server.CreateClient())
        {
            MotoServer.CreateBucket(admin, Bucket);
            foreach (var (key, data) in before)
            {
                admin.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(data) }).GetAwaiter().GetResult();
            }
        }
        Write(300, 400);
        writer.Dispose();

        SortedDictionary<string, byte[]> after;
        using (var admin = server.CreateClient())
        {
            after = MotoServer.Download(admin, Bucket);
        }
        var scalars = S3Segments.Scalars(S3Segments.ReadAll(after));
        CollectionAssert.AreEqual(Enumerable.Range(0, 400).Select(i => (long)i).ToList(), scalars.Select(s => s.Step).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 400).Select(i => i * 0.25f).ToList(), scalars.Select(s => s.Value).ToList());
        Assert.AreEqual(after.Count, (int)storage.UploadedObjects);
    }

    [TestMethod]
    public void An_idle_writer_retries_a_failed_upload_on_its_flush_interval_tick()
    {
        using var server = MotoServer.Start();
        const string Bucket = "idle";
        using (var admin = server.CreateClient())
        {
            MotoServer.CreateBucket(admin, Bucket);
        }
        using var storage = new S3LogStorage(new S3LogStorageOptions
        {
            Client = server.CreateClient(),
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(100),
            CloseTimeout = TimeSpan.FromSeconds(30),
            FlushTimeout = TimeSpan.FromMilliseconds(300),
        });
        var writer = new SummaryWriter(storage, $"s3://{Bucket}/run", new SummaryWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(200), Rank = 0, WorldSize = 1 });
        Assert.AreEqual(1L, storage.UploadedObjects, "the header segment");

        server.Stop();
        writer.AddScalar("loss", 0.5, 7);
        // The upload fails: the flush says so, and the segment waits for a retry.
        Assert.IsTrue(Assert.ThrowsExactly<S3UploadException>(writer.Flush).WriterKeepsSegments);
        Assert.AreEqual(1L, storage.UploadedObjects);
        server.Restart();
        using (var admin = server.CreateClient())
        {
            MotoServer.CreateBucket(admin, Bucket);
        }

        // No further call on the writer: only its periodic tick can send the segment.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (storage.UploadedObjects < 2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        Assert.AreEqual(2L, storage.UploadedObjects, "an idle writer never retried its failed upload");
        SortedDictionary<string, byte[]> objects;
        using (var admin = server.CreateClient())
        {
            objects = MotoServer.Download(admin, Bucket);
        }
        var scalars = S3Segments.Scalars(S3Segments.ReadAll(objects));
        Assert.HasCount(1, scalars);
        Assert.AreEqual(7L, scalars[0].Step);
        writer.Dispose();
        Assert.AreEqual(2L, storage.UploadedObjects, "nothing is sent twice");
    }
}
