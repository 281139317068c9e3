using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Tests.Support;
using Google.Protobuf;

namespace TbLogger.Tests.Events;

[TestClass]
public sealed class FollowTests
{
    private static byte[] Framed(long step)
    {
        byte[] data = new Event { Step = step, WallTime = 1, Summary = TbLogger.Summaries.Scalar("f", step) }.ToByteArray();
        var framed = new byte[data.Length + TfRecordWriter.FramingOverhead];
        TfRecordWriter.Frame(data, framed);
        return framed;
    }

    [TestMethod]
    public async Task FollowYieldsRecordsAsTheyCompleteAndNeverAHalfRecord()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("events.out.tfevents.follow");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        byte[] first = Framed(1);
        byte[] second = Framed(2);
        file.Write(first);
        file.Write(second, 0, 7); // half a header
        file.Flush();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = EventFileReader.Follow(path, TimeSpan.FromMilliseconds(10), cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.IsTrue(await events.MoveNextAsync());
        Assert.AreEqual(1L, events.Current.Step);

        var pending = events.MoveNextAsync().AsTask();
        await Task.Delay(200);
        Assert.IsFalse(pending.IsCompleted, "a half-written record must not be returned");
        file.Write(second, 7, 20);
        file.Flush();
        await Task.Delay(200);
        Assert.IsFalse(pending.IsCompleted, "still incomplete");
        file.Write(second, 27, second.Length - 27);
        file.Flush();
        Assert.IsTrue(await pending);
        Assert.AreEqual(2L, events.Current.Step);

        cts.Cancel();
        Assert.IsFalse(await events.MoveNextAsync());
    }

    [TestMethod]
    public async Task FollowSeesEventsOfALiveSummaryWriterAfterEachFlush()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<long>();
        await using var events = EventFileReader.Follow(writer.FilePath, TimeSpan.FromMilliseconds(10), cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.IsTrue(await events.MoveNextAsync());
        Assert.AreEqual("brain.Event:2", events.Current.FileVersion);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                writer.AddScalar("live", i, round * 10 + i);
            }
            writer.Flush();
            for (int i = 0; i < 10; i++)
            {
                Assert.IsTrue(await events.MoveNextAsync());
                seen.Add(events.Current.Step);
            }
        }
        CollectionAssert.AreEqual(Enumerable.Range(0, 30).Select(i => (long)i).ToArray(), seen.ToArray());
    }

    [TestMethod]
    public void ANonPositivePollIntervalFailsAtTheCall()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        using var reader = new EventFileReader(writer.FilePath);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => reader.FollowAsync(TimeSpan.Zero));
        Assert.AreEqual("pollInterval", ex.ParamName);
    }

    [TestMethod]
    public void ARecordThatIsNotAnEventIsReportedAsInvalidPayloadWithItsOffset()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("events.out.tfevents.bad");
        using (var writer = new TfRecordWriter(File.Create(path)))
        {
            writer.Write(new Event { FileVersion = "brain.Event:2" }.ToByteArray());
            writer.Write([0xFF, 0xFF, 0xFF]); // CRCs fine, but not a protobuf message
        }
        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => EventFileReader.Read(path).ToList());
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, ex.Corruption);
        Assert.AreEqual(16L + new Event { FileVersion = "brain.Event:2" }.CalculateSize(), ex.Offset);
        StringAssert.Contains(ex.Message, "3 bytes are not an Event");

        var reported = new List<TfRecordCorruptException>();
        using var skipping = new EventFileReader(path, new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = reported.Add });
        Assert.AreEqual(1, skipping.ReadEvents().Count());
        Assert.AreEqual(1L, skipping.SkippedRecords);
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, reported.Single().Corruption);
    }
}
