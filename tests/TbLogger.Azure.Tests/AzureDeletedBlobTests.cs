using TbLogger.Events;

namespace TbLogger.Azure.Tests;

/// <summary>A writer whose blob is deleted says so, as a local writer whose file is deleted does (issue 18, item 6).</summary>
[TestClass]
public sealed class AzureDeletedBlobTests
{
    [TestMethod]
    public void Deleting_the_blob_while_writing_is_reported_at_the_next_flush_naming_it()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage();
        var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        writer.AddScalar("loss", 1, 1);
        writer.Flush();
        var admin = server.Admin().GetBlobContainerClient(container);
        string name = admin.GetBlobs().Single().Name;
        long length = admin.GetBlobClient(name).GetProperties().Value.ContentLength;
        admin.DeleteBlob(name);

        writer.AddScalar("loss", 2, 2);
        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Flush);

        StringAssert.Contains(ex.Message, $"The blob az://{container}/{name} was deleted while this writer had it open: the {length} bytes appended to it are gone");
        Assert.ThrowsExactly<EventFileWriteException>(() => writer.AddScalar("loss", 3, 3));
        writer.Dispose(); // already reported
    }

    [TestMethod]
    public void Deleting_the_blob_while_writing_is_reported_at_dispose()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage();
        var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        writer.AddScalar("loss", 1, 1);
        writer.Flush();
        var admin = server.Admin().GetBlobContainerClient(container);
        string name = admin.GetBlobs().Single().Name;
        admin.DeleteBlob(name);

        writer.AddScalar("loss", 2, 2);
        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);

        StringAssert.Contains(ex.Message, $"The blob az://{container}/{name} was deleted while this writer had it open");
    }

    [TestMethod]
    public void Deleting_the_blob_before_anything_was_appended_loses_nothing_and_is_not_an_error()
    {
        using var server = AzuriteServer.Start();
        string container = server.NewContainer();
        var storage = server.Storage();
        var writer = new SummaryWriter(storage, $"az://{container}/run", new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
        var admin = server.Admin().GetBlobContainerClient(container);
        foreach (var blob in admin.GetBlobs())
        {
            admin.DeleteBlob(blob.Name); // created empty when the writer opened
        }
        writer.AddScalar("loss", 1, 1);
        writer.Flush();
        writer.Dispose();

        var points = new TbLogger.Reading.LogDirReader(storage, $"az://{container}").ReadScalars().ToList();
        CollectionAssert.AreEqual(new long[] { 1 }, points.Select(p => p.Step).ToList());
    }
}
