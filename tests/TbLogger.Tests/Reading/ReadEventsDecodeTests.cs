using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Reading;

/// <summary>
/// ReadEvents and WatchAsync decode records as EventFileReader does (the scalar layouts built without the protobuf
/// parser): what they return must be what the parser builds, and a record that is not an Event is reported as before.
/// </summary>
[TestClass]
public sealed class ReadEventsDecodeTests
{
    // A summary event whose header reads (step 3, a summary of 3 bytes) but whose summary claims a 5-byte value in 1.
    private static readonly byte[] s_notAnEvent = [0x10, 0x03, 0x2A, 0x03, 0x0A, 0x05, 0x01];

    private static (string Directory, string File, long Offset, List<Event> Events) WriteEveryLayout(TempDirectory temp)
    {
        Summary.Types.Value Tensor(string tag, TensorProto tensor, bool metadata) => new()
        {
            Tag = tag,
            Tensor = tensor,
            Metadata = metadata ? new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars" } } : null,
        };
        var values = new List<Summary.Types.Value>
        {
            new() { Tag = "simple", SimpleValue = 0.5f },
            Tensor("float", new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 1.25f } }, metadata: true),
            Tensor("float", new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 2.5f } }, metadata: false),
            Tensor("shaped", new TensorProto { Dtype = DataType.DtFloat, FloatVal = { -3f }, TensorShape = new TensorShapeProto() }, metadata: false),
            Tensor("double", new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { Math.PI } }, metadata: true),
            Tensor("text", new TensorProto { Dtype = DataType.DtString, StringVal = { ByteString.CopyFromUtf8("note") } }, metadata: false),
        };
        var events = new List<Event> { Version() };
        events.AddRange(values.Select((v, i) => new Event { Step = i, WallTime = 100 + i, Summary = new Summary { Value = { v } } }));
        string dir = temp.Combine("logs", "run");
        string file = Path.Combine(dir, "events.out.tfevents.1.a");
        Directory.CreateDirectory(dir);
        using (var stream = File.Create(file))
        using (var writer = new TfRecordWriter(stream))
        {
            for (int i = 0; i < events.Count; i++)
            {
                writer.Write(events[i].ToByteArray());
                if (i == 3)
                {
                    writer.Write(s_notAnEvent);
                }
            }
        }
        long offset = events.Take(4).Sum(e => e.CalculateSize() + TfRecordWriter.FramingOverhead);
        return (temp.Combine("logs"), file, offset, events);
    }

    private static string ExpectedReport(string file, long offset)
    {
        var parserError = Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(s_notAnEvent));
        return $"Corrupt TFRecord in '{file}' at byte offset {offset}: record does not decode ({s_notAnEvent.Length} bytes are not an Event: {parserError.Message}).";
    }

    [TestMethod]
    public void ReadEventsReturnsWhatTheParserBuildsForEveryScalarLayout()
    {
        using var temp = new TempDirectory();
        var (dir, file, offset, events) = WriteEveryLayout(temp);
        var reported = new List<TfRecordCorruptException>();
        var reader = new LogDirReader(dir, new LogDirReaderOptions { RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = reported.Add } });

        var read = reader.ReadEvents(reader.GetRuns().Single()).ToList();

        CollectionAssert.AreEqual(events, read.Select(e => e.Event).ToList());
        Assert.AreEqual(ExpectedReport(file, offset), reported.Single().Message);
        Assert.IsInstanceOfType<InvalidProtocolBufferException>(reported.Single().InnerException);
        Assert.AreEqual(1L, reader.MalformedValues);

        var strict = new LogDirReader(dir, new LogDirReaderOptions { RecordOptions = new TfRecordReaderOptions() });
        var thrown = Assert.ThrowsExactly<TfRecordCorruptException>(() => strict.ReadEvents(strict.GetRuns().Single()).Count());
        Assert.AreEqual(ExpectedReport(file, offset), thrown.Message);
    }

    [TestMethod]
    public async Task WatchAsyncReturnsWhatTheParserBuildsForEveryScalarLayout()
    {
        using var temp = new TempDirectory();
        var (dir, file, offset, events) = WriteEveryLayout(temp);
        var reported = new List<TfRecordCorruptException>();
        var reader = new LogDirReader(dir, new LogDirReaderOptions { RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = reported.Add } });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var read = new List<Event>();
        await foreach (var e in reader.WatchAsync(fromStart: true, cancellationToken: cancel.Token))
        {
            read.Add(e.Event);
            if (read.Count == events.Count)
            {
                break;
            }
        }

        CollectionAssert.AreEqual(events, read);
        Assert.AreEqual(ExpectedReport(file, offset), reported.Single().Message);
    }
}
