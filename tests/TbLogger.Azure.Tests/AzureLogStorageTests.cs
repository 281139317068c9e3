using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading.Verify.Loader;
using TbLogger.Reading.Verify;
using TbLogger.Reading;

namespace TbLogger.Azure.Tests;

[TestClass]
public sealed class AzureLogStorageTests
{
    private static AzuriteServer? s_server;

    private static AzuriteServer Server => s_server ??= AzuriteServer.Start();

    [ClassCleanup]
    public static void StopServer() => s_server?.Dispose();

    private static SummaryWriterOptions Manual => new() { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 };

    private static readonly DateTimeOffset Wall = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);

    /// <summary>Every dashboard, written the same way to a local directory and to Azure: both read back to the same events.</summary>
    private static void WriteEveryDashboard(SummaryWriter writer)
    {
        var random = new Random(7);
        for (int step = 0; step < 20; step++)
        {
            writer.AddScalar("loss", 1.0 / (step + 1), step, Wall);
            writer.AddScalars("acc", new Dictionary<string, double> { ["train"] = step * 0.01, ["val"] = step * 0.02 }, step, Wall);
            float[] values = Enumerable.Range(0, 500).Select(_ => (float)random.NextDouble()).ToArray();
            writer.AddHistogram("weights", values, step, wallTime: Wall);
            if (step % 5 == 0)
            {
                byte[] pixels = Enumerable.Range(0, 8 * 6 * 3).Select(i => (byte)(i * 7 + step)).ToArray();
                writer.AddImage("image", pixels, new ImageShape(ImageLayout.HWC, 8, 6, 3), step, Wall);
                float[] samples = Enumerable.Range(0, 800).Select(i => MathF.Sin(i * 0.05f + step)).ToArray();
                writer.AddAudio("audio", samples, 8000, step, Wall);
                writer.AddText("notes", $"step **{step}**", step, Wall);
                bool[] labels = Enumerable.Range(0, 100).Select(i => i % 3 == 0).ToArray();
                float[] predictions = Enumerable.Range(0, 100).Select(_ => (float)random.NextDouble()).ToArray();
                writer.AddPrCurve("pr", labels, predictions, step, wallTime: Wall);
            }
            if (step % 7 == 0)
            {
                writer.Flush();
            }
        }
        writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("main", CustomScalarCharts.Multiline("loss", "loss"))), 0, Wall);
        // With domains, so the experiment summary makes the round trip too.
        writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.01, ["opt"] = "adam" }, new Dictionary<string, double> { ["acc/val"] = 0.38 },
            domains: new Dictionary<string, HParamDomain> { ["opt"] = HParamDomain.Discrete("adam", "sgd") }, wallTime: Wall);
    }

    private static List<(string Run, string Event)> Events(LogDirReader reader) =>
        reader.GetRuns().SelectMany(run => reader.ReadEvents(run))
            .Where(e => e.Event.FileVersion.Length == 0) // each file's header carries its own creation time
            .Select(e => (e.Run, Convert.ToBase64String(e.Event.ToByteArray())))
            .ToList();

    [TestMethod]
    public void Every_dashboard_round_trips_through_an_az_log_directory_exactly_as_through_a_local_one()
    {
        string container = Server.NewContainer();
        string local = Path.Combine(Path.GetTempPath(), "tblogger-az-local-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var writer = new SummaryWriter(local + "/exp1", Manual))
            {
                WriteEveryDashboard(writer);
            }
            var storage = Server.Storage();
            using (var writer = new SummaryWriter(storage, $"az://{container}/runs/exp1", Manual))
            {
                WriteEveryDashboard(writer);
                Assert.ThrowsExactly<NotSupportedException>(() => writer.AddEmbedding("emb", new float[] { 1, 2, 3, 4 }, 2, 0));
            }

            var expected = Events(new LogDirReader(local));
            var azure = new LogDirReader(storage, $"az://{container}/runs");
            var actual = Events(azure);
            Assert.IsGreaterThan(100, expected.Count);
            CollectionAssert.AreEqual(expected.Select(e => e.Run).Distinct().ToList(), actual.Select(e => e.Run).Distinct().ToList());
            CollectionAssert.AreEqual(expected, actual);
            // And the typed reads every dashboard uses.
            Assert.HasCount(20, azure.ReadScalars(new ReadFilter { Tags = TagFilter.Parse("loss") }));
            Assert.HasCount(20, azure.ReadHistograms());
            Assert.HasCount(4, azure.ReadImages());
            Assert.HasCount(4, azure.ReadAudio());
            Assert.HasCount(4, azure.ReadText());
            Assert.HasCount(4, azure.ReadPrCurves());
            Assert.HasCount(1, azure.ReadCustomScalarLayouts());
            Assert.HasCount(1, azure.ReadHParamsSessions());
            var report = LogVerifier.Verify(azure, new LogVerifierOptions { Rules = [new DecodeRule(), .. LoaderRules.All()] });
            Assert.AreEqual(0, report.Problems.Count(), string.Join("\n", report.Problems));
        }
        finally
        {
            if (Directory.Exists(local))
            {
                Directory.Delete(local, recursive: true);
            }
        }
    }

    [TestMethod]
    public void Each_flush_appends_only_the_new_bytes_to_one_append_blob()
    {
        string container = Server.NewContainer();
        var wire = new WireCounter();
        var storage = Server.Storage(transport: wire.Transport());
        string blobUri;
        using (var writer = new SummaryWriter(storage, $"az://{container}/run", Manual))
        {
            for (int flush = 0; flush < 200; flush++)
            {
                for (int i = 0; i < 5; i++)
                {
                    writer.AddScalar("loss", flush * 5 + i, flush * 5 + i);
                }
                writer.Flush();
            }
            writer.Flush(); // nothing new: no request
        }

        var blobs = Server.Admin().GetBlobContainerClient(container).GetBlobs().ToList();
        Assert.HasCount(1, blobs);
        blobUri = blobs[0].Name;
        StringAssert.StartsWith(blobUri, "run/events.out.tfevents.");
        StringAssert.EndsWith(blobUri, ".00000000");
        Assert.AreEqual(BlobType.Append, blobs[0].Properties.BlobType);
        long written = blobs[0].Properties.ContentLength!.Value;
        // The header when the writer opens (the file exists from the start, as a local one does), then one append
        // per flush with something new; nothing is sent twice.
        Assert.AreEqual(201L, wire.Appends);
        Assert.AreEqual(written, wire.AppendBytes);
        Assert.IsLessThanOrEqualTo(1.02, (double)wire.AppendBytes / written);
        Assert.AreEqual(201, Server.Admin().GetBlobContainerClient(container).GetBlobClient(blobUri).GetProperties().Value.BlobCommittedBlockCount);

        var points = new LogDirReader(storage, $"az://{container}").ReadScalars().ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Select(i => (double)i).ToList(), points.Select(p => p.Value).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Select(i => (long)i).ToList(), points.Select(p => p.Step).ToList());
    }

    [TestMethod]
    public void A_flush_larger_than_the_append_limit_is_split_at_record_boundaries_and_huge_records_in_pieces()
    {
        string container = Server.NewContainer();
        var wire = new WireCounter();
        var storage = Server.Storage(new AzureBlobLogStorageOptions { MaxAppendBlockBytes = 4096 }, wire.Transport());
        string big = new('x', 20_000); // one record of about 20 KB: five appends
        using (var writer = new SummaryWriter(storage, $"az://{container}/run", Manual))
        {
            for (int i = 0; i < 2000; i++)
            {
                writer.AddScalar("loss", i, i);
                if (i == 1000)
                {
                    writer.AddText("big", big, i);
                }
            }
        }
        Assert.AreEqual(4096L, wire.LargestAppend);
        var blob = Server.Admin().GetBlobContainerClient(container).GetBlobs().Single();
        Assert.AreEqual(blob.Properties.ContentLength, wire.AppendBytes);
        var reader = new LogDirReader(storage, $"az://{container}");
        CollectionAssert.AreEqual(Enumerable.Range(0, 2000).Select(i => (double)i).ToList(), reader.ReadScalars().Select(p => p.Value).ToList());
        Assert.AreEqual(big, reader.ReadText().Single().Text);
    }

    [TestMethod]
    public void A_file_rolls_over_to_a_new_blob_before_the_block_limit_and_every_part_is_an_event_file()
    {
        string container = Server.NewContainer();
        var storage = Server.Storage(new AzureBlobLogStorageOptions { MaxBlocksPerBlob = 10 });
        using (var writer = new SummaryWriter(storage, $"az://{container}/run", Manual))
        {
            for (int i = 0; i < 95; i++)
            {
                writer.AddScalar("loss", i * 0.5, i);
                writer.Flush();
            }
        }
        var admin = Server.Admin().GetBlobContainerClient(container);
        var blobs = admin.GetBlobs().ToList();
        // 95 appends of one record, 10 blocks per blob; every blob starts with a header record sent in the same append
        // as its first event (the writer's for the first blob, the store's after): 9 blobs of 10 events, then 5.
        Assert.HasCount(10, blobs);
        string stem = blobs[0].Name[..^".00000000".Length];
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => $"{stem}.{i:D8}").ToList(), blobs.Select(b => b.Name).ToList());
        foreach (var blob in blobs)
        {
            var properties = admin.GetBlobClient(blob.Name).GetProperties().Value;
            Assert.IsLessThanOrEqualTo(10, properties.BlobCommittedBlockCount, blob.Name);
            using var stream = admin.GetBlobClient(blob.Name).OpenRead();
            using var file = new MemoryStream();
            stream.CopyTo(file);
            string path = Path.Combine(Path.GetTempPath(), "tblogger-az-part-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(path, file.ToArray());
            try
            {
                using var reader = new EventFileReader(path);
                var events = reader.ReadEvents().ToList();
                Assert.AreEqual("brain.Event:2", events[0].FileVersion, blob.Name);
                Assert.IsFalse(reader.IsTruncated, blob.Name);
            }
            finally
            {
                File.Delete(path);
            }
        }
        var reading = new LogDirReader(storage, $"az://{container}");
        var points = reading.ReadScalars().ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, 95).Select(i => i * 0.5).ToList(), points.Select(p => p.Value).ToList());
        var report = LogVerifier.Verify(reading, new LogVerifierOptions { Rules = [new DecodeRule(), .. LoaderRules.All()] });
        Assert.AreEqual(0, report.Problems.Count(), string.Join("\n", report.Problems));
    }

    [TestMethod]
    public async Task A_reader_follows_a_live_append_blob_while_it_is_written()
    {
        string container = Server.NewContainer();
        var storage = Server.Storage();
        var reader = new LogDirReader(storage, $"az://{container}/live", new LogDirReaderOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var writer = new SummaryWriter(storage, $"az://{container}/live", Manual);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<ScalarPoint>();
        var watching = Task.Run(async () =>
        {
            await foreach (var point in reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token))
            {
                seen.Add(point);
                if (seen.Count == 300)
                {
                    return;
                }
            }
        });
        for (int i = 0; i < 300; i++)
        {
            writer.AddScalar("live", i * 2.0, i);
            if (i % 30 == 29)
            {
                writer.Flush();
                await Task.Delay(100);
            }
        }
        await watching;
        Assert.IsFalse(cancel.IsCancellationRequested, "the watcher did not see every point in time");
        CollectionAssert.AreEqual(Enumerable.Range(0, 300).Select(i => (long)i).ToList(), seen.Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 300).Select(i => i * 2.0).ToList(), seen.Select(p => p.Value).ToList());
        Assert.AreEqual(1, Server.Admin().GetBlobContainerClient(container).GetBlobs().Count(), "one growing blob, not a blob per flush");
    }

    [TestMethod]
    public void The_https_account_url_form_names_the_same_blobs_as_az()
    {
        string container = Server.NewContainer();
        var storage = Server.Storage();
        using (var writer = new SummaryWriter(storage, $"{Server.BlobEndpoint}/{container}/runs/b", Manual))
        {
            writer.AddScalar("x", 3.5, 1);
        }
        var viaAz = new LogDirReader(storage, $"az://{container}/runs");
        var runs = viaAz.GetRuns();
        Assert.HasCount(1, runs);
        Assert.AreEqual("b", runs[0].Name);
        StringAssert.StartsWith(runs[0].Files[0], $"az://{container}/runs/b/events.out.tfevents.");
        var viaUrl = new LogDirReader(storage, $"{Server.BlobEndpoint}/{container}/runs");
        var point = viaUrl.ReadScalars().Single();
        Assert.AreEqual(("b", "x", 1L, 3.5), (point.Run, point.Tag, point.Step, point.Value));
    }

    [TestMethod]
    public void A_registered_store_serves_az_paths_by_scheme_alone()
    {
        string container = Server.NewContainer();
        AzureBlobLogStorage.Register(new AzureBlobLogStorageOptions { ConnectionString = Server.ConnectionString });
        try
        {
            using (var writer = new SummaryWriter($"az://{container}/by-scheme", Manual))
            {
                writer.AddScalar("y", 0.25, 4);
            }
            var point = new LogDirReader($"az://{container}").ReadScalars().Single();
            Assert.AreEqual(("by-scheme", 4L, 0.25), (point.Run, point.Step, point.Value));
        }
        finally
        {
            TbLogger.Storage.LogStorageRegistry.Register("az", new AzureBlobLogStorage());
        }
    }

    [TestMethod]
    public void Tblog_commands_read_az_log_directories()
    {
        string container = Server.NewContainer();
        AzureBlobLogStorage.Register(new AzureBlobLogStorageOptions { ConnectionString = Server.ConnectionString });
        string local = Path.Combine(Path.GetTempPath(), "tblogger-az-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(local);
        try
        {
            using (var writer = new SummaryWriter($"az://{container}/runs/a", Manual))
            {
                for (int i = 0; i < 10; i++)
                {
                    writer.AddScalar("loss", i * 0.5, i);
                }
            }
            string dir = $"az://{container}/runs";
            var ls = Tblog("ls", dir);
            Assert.AreEqual(0, ls.Code, ls.Err);
            StringAssert.Contains(ls.Out, "loss");
            var csv = Tblog("export", dir, "-o", Path.Combine(local, "out.csv"));
            Assert.AreEqual(0, csv.Code, csv.Err);
            var lines = File.ReadAllLines(Path.Combine(local, "out.csv"));
            Assert.AreEqual("run,tag,step,wall_time,value", lines[0]);
            CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => $"a,loss,{i},{(i * 0.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}").ToList(),
                lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[0]},{f[1]},{f[2]},{f[4]}").ToList());
            var parquet = Tblog("export", dir, "-o", Path.Combine(local, "out.parquet"));
            Assert.AreEqual(0, parquet.Code, parquet.Err);
            StringAssert.Contains(parquet.Out, "Exported 10 rows (10 scalars, 0 histograms, 0 PR curves) from 1 runs");
            var verify = Tblog("verify", dir);
            Assert.AreEqual(0, verify.Code, verify.Out + verify.Err);
            var replay = Tblog("replay", dir, Path.Combine(local, "copy"));
            Assert.AreEqual(0, replay.Code, replay.Err);
            CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => i * 0.5).ToList(), new LogDirReader(Path.Combine(local, "copy")).ReadScalars().Select(p => p.Value).ToList());
            var tail = Tblog("tail", dir, "--from-start", "--timeout", "3");
            StringAssert.Contains(tail.Out, "loss");
        }
        finally
        {
            TbLogger.Storage.LogStorageRegistry.Register("az", new AzureBlobLogStorage());
            Directory.Delete(local, recursive: true);
        }
    }

    private static (int Code, string Out, string Err) Tblog(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = TbLogger.Cli.CliApp.RunAsync(args, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), interactive: false, CancellationToken.None).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }
}
