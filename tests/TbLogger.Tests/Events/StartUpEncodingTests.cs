using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Storage;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

/// <summary>
/// What a writer writes while it is built is encoded by hand (issue 19: a scalar-only run never loads
/// Google.Protobuf); these hold the hand encodings to Google.Protobuf's bytes.
/// </summary>
[TestClass]
public sealed class StartUpEncodingTests
{
    private static readonly double[] s_wallTimes = [0, -0.0, 1_700_000_000.123456, 1e-300, -5, double.NaN, double.PositiveInfinity, double.MaxValue];
    private static readonly long[] s_steps = [0, 1, 127, 128, 16_383, 16_384, 1L << 40, -1, long.MaxValue, long.MinValue];

    [TestMethod]
    public async Task AWriterThatLogsOnlyScalarsNeverLoadsGoogleProtobuf()
    {
        // In a fresh process (this one has loaded it long ago): 10,000 scalars written and flushed, the writer
        // disposed, then Google.Protobuf is still not loaded, nor after the plain assembly's warm-up (HotPath) has
        // compiled its methods; a text summary then loads it (the check can see it).
        using var dir = new TempDirectory();

        string output = await FreshProcess.CrashWriterAsync("scalars-only", dir.Path, TimeSpan.FromSeconds(60));

        Assert.AreEqual("protobuf after scalars: False\nprotobuf after the warm-up: False\nprotobuf after text: True", output);
        Assert.AreEqual(10_000, new TbLogger.Reading.LogDirReader(Path.Combine(dir.Path, "scalars")).ReadScalars().Count(), "every scalar was written");
    }

    [TestMethod]
    public void HeaderMatchesGoogleProtobufByteForByte()
    {
        foreach (double wallTime in s_wallTimes)
        {
            byte[] expected = new Event { WallTime = wallTime, FileVersion = "brain.Event:2", SourceMetadata = new SourceMetadata { Writer = "tblogger" } }.ToByteArray();
            CollectionAssert.AreEqual(expected, EventFileHeader.Encode(wallTime), $"wall time {wallTime}");
            CollectionAssert.AreEqual(EventFileHeader.Create(wallTime).ToByteArray(), EventFileHeader.Encode(wallTime), $"wall time {wallTime}");
        }
        // The numbers written out: tag 0x09 and the double, then the two constant fields (27 bytes).
        Assert.HasCount(36, EventFileHeader.Encode(1.5));
        Assert.HasCount(27, EventFileHeader.Encode(0));
    }

    [TestMethod]
    public void FramedHeaderIsTheEncodedHeaderInARecord()
    {
        byte[] framed = EventFileHeader.CreateFramed(1_700_000_000.5);
        using var reader = new TfRecordReader(new MemoryStream(framed));
        Assert.IsTrue(reader.TryReadNext(out var record));
        CollectionAssert.AreEqual(EventFileHeader.Create(1_700_000_000.5).ToByteArray(), record.ToArray());
        Assert.IsFalse(reader.TryReadNext(out _));
    }

    [TestMethod]
    public void SessionStartMatchesGoogleProtobufByteForByte()
    {
        int cases = 0;
        foreach (double wallTime in s_wallTimes)
        {
            foreach (long step in s_steps)
            {
                byte[] expected = new Event
                {
                    WallTime = wallTime,
                    Step = step,
                    SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start },
                }.ToByteArray();
                CollectionAssert.AreEqual(expected, SessionStartEvent.Encode(wallTime, step), $"wall time {wallTime}, step {step}");
                cases++;
            }
        }
        Assert.AreEqual(80, cases);
    }

    [TestMethod]
    public void APurgeStepWritesTwoStartEventsAtItAfterTheHeader()
    {
        using var temp = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(temp.Path, new SummaryWriterOptions { PurgeStep = 300 }))
        {
            path = writer.FilePath;
            writer.AddScalar("loss", 0.5, 300);
        }
        var events = EventFileReader.Read(path).ToList();
        Assert.HasCount(4, events);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.AreEqual("tblogger", events[0].SourceMetadata.Writer);
        for (int i = 1; i <= 2; i++)
        {
            Assert.AreEqual(Event.WhatOneofCase.SessionLog, events[i].WhatCase);
            Assert.AreEqual(SessionLog.Types.SessionStatus.Start, events[i].SessionLog.Status);
            Assert.AreEqual(300, events[i].Step);
            Assert.AreEqual(events[0].WallTime, events[i].WallTime);
        }
        Assert.AreEqual("loss", events[3].Summary.Value.Single().Tag);
    }
}
