using System.Buffers.Binary;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using TbLogger.Reading;
using TbLogger.Records;

namespace TbLogger.Azure.Tests;

/// <summary>Hostile names, blobs that are not event files, lying lengths and bad credentials: clear errors naming the blob, nothing written elsewhere.</summary>
[TestClass]
public sealed class AzureBadInputTests
{
    private static AzuriteServer? s_server;

    private static AzuriteServer Server => s_server ??= AzuriteServer.Start();

    [ClassCleanup]
    public static void StopServer() => s_server?.Dispose();

    private static SummaryWriterOptions Manual => new() { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 };

    [TestMethod]
    [DataRow("az://runs/a/../../other", "'..' segment")]
    [DataRow("az://runs/./x", "'.' segment")]
    [DataRow("az://runs//x", "empty segment")]
    [DataRow("az://runs/a\\..\\b", "backslash")]
    [DataRow("az://runs/a\u0001b", "control character")]
    [DataRow("az://runs/dot.", "ends with '.'")]
    [DataRow("az://../x", "is not a container name")]
    [DataRow("az://Runs/x", "is not a container name")]
    [DataRow("az://ru/x", "is not a container name")]
    [DataRow("az://run--s/x", "is not a container name")]
    [DataRow("az:///x", "is not a container name")]
    [DataRow("https://acct.blob.core.windows.net/runs/%2E%2E/x", "'..' segment")]
    [DataRow("https://acct.blob.core.windows.net/runs/a%2F..%2Fb", "hides a '/'")]
    [DataRow("https://acct.blob.core.windows.net/runs/a/../b", "'..' segment")]
    [DataRow("http://acct.blob.core.windows.net/runs/x", "plain http is only for an emulator")]
    [DataRow("ftp://acct/runs/x", "is not an Azure Blob location")]
    [DataRow("https://example.com/runs/x", "is not an Azure Blob URL")]
    public void A_log_directory_that_would_leave_its_container_or_prefix_is_refused_before_any_request(string path, string reason)
    {
        var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { ConnectionString = AzuriteServer.ConnectionStringFor(AzuriteServer.FreePort()) });
        var error = Assert.ThrowsExactly<ArgumentException>(() => new SummaryWriter(storage, path, Manual));
        StringAssert.Contains(error.Message, reason);
        Assert.AreEqual(0L, storage.CreatedBlobs + storage.FailedRequests, "no request was made");
        Assert.ThrowsExactly<ArgumentException>(() => storage.ListFiles(path, recursive: true));
    }

    [TestMethod]
    public void A_sas_token_in_the_path_is_refused_without_repeating_it()
    {
        var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { ConnectionString = AzuriteServer.ConnectionStringFor(AzuriteServer.FreePort()) });
        var error = Assert.ThrowsExactly<ArgumentException>(() => new SummaryWriter(storage, "az://runs/x?sv=2024&sig=TOPSECRET", Manual));
        StringAssert.Contains(error.Message, "SasToken");
        Assert.DoesNotContain("TOPSECRET", error.ToString());
        Assert.DoesNotContain("AccountKey", new AzureBlobLogStorageOptions { ConnectionString = "AccountName=a;AccountKey=SECRETKEY" }.ToString());
        Assert.DoesNotContain("SECRETKEY", new AzureBlobLogStorageOptions { ConnectionString = "AccountName=a;AccountKey=SECRETKEY" }.ToString());
    }

    [TestMethod]
    public void Listed_blobs_whose_names_escape_the_log_directory_are_named_in_the_error_or_skipped_when_asked()
    {
        string container = Server.NewContainer();
        var admin = Server.Admin().GetBlobContainerClient(container);
        var storage = Server.Storage();
        using (var writer = new SummaryWriter(storage, $"az://{container}/runs/good", Manual))
        {
            writer.AddScalar("x", 1, 1);
        }
        // A name no writer of ours makes: a Windows path climbing out of the log directory (the emulator stores the
        // backslashes as '/', which gives real ".." segments).
        admin.GetBlobClient("runs/a\\..\\..\\evil/events.out.tfevents.1").Upload(new BinaryData(new byte[] { 1, 2, 3 }));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => new LogDirReader(storage, $"az://{container}/runs").GetRuns());
        StringAssert.Contains(error.Message, "evil/events.out.tfevents.1");
        StringAssert.Contains(error.Message, "'..' segment");

        var skipping = Server.Storage(new AzureBlobLogStorageOptions { SkipUnsafeBlobNames = true });
        var runs = new LogDirReader(skipping, $"az://{container}/runs").GetRuns();
        CollectionAssert.AreEqual(new[] { "good" }, runs.Select(r => r.Name).ToArray());
    }

    [TestMethod]
    public void A_blob_that_is_not_an_event_file_is_reported_with_its_uri_and_offset()
    {
        string container = Server.NewContainer();
        var admin = Server.Admin().GetBlobContainerClient(container);
        admin.GetBlobClient("run/notes.txt").Upload(new BinaryData("not a run"u8.ToArray()));
        admin.GetBlobClient("run/events.out.tfevents.1.garbage").Upload(new BinaryData(Enumerable.Range(0, 64).Select(i => (byte)(i * 37)).ToArray()));
        var storage = Server.Storage();
        var strict = new LogDirReader(storage, $"az://{container}", new LogDirReaderOptions { RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = false } });
        var runs = strict.GetRuns();
        Assert.HasCount(1, runs[0].Files, "notes.txt is not an event file");
        var error = Assert.ThrowsExactly<TfRecordCorruptException>(() => strict.ReadScalars().ToList());
        StringAssert.Contains(error.Message, $"az://{container}/run/events.out.tfevents.1.garbage");
        Assert.AreEqual(0L, error.Offset);
        // TensorBoard's way (the default): skipped, and reported where it starts.
        var reported = new List<TfRecordCorruptException>();
        var lenient = new LogDirReader(storage, $"az://{container}", new LogDirReaderOptions { RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = reported.Add } });
        Assert.IsEmpty(lenient.ReadScalars().ToList());
        Assert.AreEqual($"az://{container}/run/events.out.tfevents.1.garbage", reported[0].SourceName);
    }

    [TestMethod]
    public void A_record_claiming_a_huge_length_is_refused_without_allocating_it()
    {
        string container = Server.NewContainer();
        var admin = Server.Admin().GetBlobContainerClient(container);
        byte[] lying = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(lying, 1UL << 40); // 1 TiB, with a valid length CRC
        BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(8), MaskedCrc32C.Mask(MaskedCrc32C.Compute(lying.AsSpan(0, 8))));
        admin.GetBlobClient("run/events.out.tfevents.1.huge").Upload(new BinaryData(lying));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var strict = new LogDirReaderOptions { RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = false } };
        var error = Assert.ThrowsExactly<TfRecordCorruptException>(() => new LogDirReader(Server.Storage(), $"az://{container}", strict).ReadScalars().ToList());
        Assert.IsLessThan(64L * 1024 * 1024, GC.GetTotalAllocatedBytes(precise: true) - before);
        StringAssert.Contains(error.Message, "events.out.tfevents.1.huge");
        Assert.AreEqual(TfRecordCorruption.LengthOverLimit, error.Corruption);
    }

    [TestMethod]
    public void A_service_that_claims_a_huge_blob_length_does_not_change_what_is_read_or_the_memory_used()
    {
        string container = Server.NewContainer();
        var plain = Server.Storage();
        using (var writer = new SummaryWriter(plain, $"az://{container}/run", Manual))
        {
            for (int i = 0; i < 500; i++)
            {
                writer.AddScalar("x", i, i);
            }
        }
        var wire = new WireCounter
        {
            OnDownload = response =>
            {
                // Claim a 1 TiB blob and a 1 TiB body.
                response.Content.Headers.Remove("Content-Range");
                response.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes 0-{(1L << 40) - 1}/{1L << 40}");
                response.Content.Headers.ContentLength = 1L << 40;
            },
        };
        var lying = Server.Storage(new AzureBlobLogStorageOptions { ReadChunkBytes = 4096 }, wire.Transport());
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var points = new LogDirReader(lying, $"az://{container}").ReadScalars().ToList();
        Assert.IsLessThan(64L * 1024 * 1024, GC.GetTotalAllocatedBytes(precise: true) - before);
        CollectionAssert.AreEqual(Enumerable.Range(0, 500).Select(i => (double)i).ToList(), points.Select(p => p.Value).ToList());
    }

    [TestMethod]
    public void An_expired_sas_or_a_wrong_key_is_a_clear_error_that_names_the_blob_and_no_secret()
    {
        string container = Server.NewContainer();
        var key = new StorageSharedKeyCredential(AzuriteServer.AccountName, AzuriteServer.AccountKey);
        var sas = new BlobSasBuilder
        {
            BlobContainerName = container,
            Resource = "c",
            StartsOn = DateTimeOffset.UtcNow.AddHours(-2),
            ExpiresOn = DateTimeOffset.UtcNow.AddHours(-1),
        };
        sas.SetPermissions(BlobContainerSasPermissions.All);
        string token = sas.ToSasQueryParameters(key).ToString();
        string signature = Uri.UnescapeDataString(token.Split('&').First(p => p.StartsWith("sig=", StringComparison.Ordinal))[4..]);
        var expired = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { AccountUrl = new Uri(Server.BlobEndpoint), SasToken = token });

        var error = Assert.ThrowsExactly<AzureBlobStorageException>(() => new SummaryWriter(expired, $"az://{container}/run", Manual));
        Assert.AreEqual(403, error.Status);
        StringAssert.Contains(error.Message, $"az://{container}/run/events.out.tfevents.");
        StringAssert.Contains(error.Message, "invalid, expired");
        Assert.DoesNotContain(signature, error.ToString());
        Assert.DoesNotContain(Uri.EscapeDataString(signature), error.ToString());
        var listing = Assert.ThrowsExactly<AzureBlobStorageException>(() => new LogDirReader(expired, $"az://{container}").GetRuns());
        Assert.AreEqual(403, listing.Status);

        string wrongKey = Convert.ToBase64String(new byte[64]);
        var wrong = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { AccountUrl = new Uri(Server.BlobEndpoint), SharedKey = new StorageSharedKeyCredential(AzuriteServer.AccountName, wrongKey) });
        var refused = Assert.ThrowsExactly<AzureBlobStorageException>(() => new SummaryWriter(wrong, $"az://{container}/run", Manual));
        Assert.AreEqual(403, refused.Status);
        Assert.DoesNotContain(wrongKey, refused.ToString());
        Assert.IsEmpty(Server.Admin().GetBlobContainerClient(container).GetBlobs().ToList(), "nothing was written");

        var missing = Server.Storage();
        var noContainer = Assert.ThrowsExactly<AzureBlobStorageException>(() => new SummaryWriter(missing, "az://no-such-container/run", Manual));
        StringAssert.Contains(noContainer.Message, "container does not exist");
    }
}
