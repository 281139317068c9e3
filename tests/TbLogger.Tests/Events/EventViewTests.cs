using System.Text;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

/// <summary>
/// <see cref="EventFileReader.TryReadView"/> against <see cref="EventFileReader.TryReadNext(out Event)"/> on the same
/// file, record by record: the same events (every field compared with the protobuf decode), the same records
/// skipped or thrown (same exception, file, offset and message), for the layouts TbLogger, PyTorch and TensorFlow
/// write and for hostile records.
/// </summary>
[TestClass]
public sealed class EventViewTests
{
    private static readonly MessageParser<Event> s_withoutUnknown = Event.Parser.WithDiscardUnknownFields(true);

    private static Summary.Types.Value Scalar(string tag, float value, bool metadata = false) => new()
    {
        Tag = tag,
        SimpleValue = value,
        Metadata = metadata ? new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars" } } : null,
    };

    private static Summary.Types.Value TensorScalar(string tag, TensorProto tensor, bool metadata) => new()
    {
        Tag = tag,
        Tensor = tensor,
        Metadata = metadata ? new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars", Content = ByteString.CopyFrom(1, 2) }, DataClass = DataClass.Scalar } : null,
    };

    private static Event SummaryEvent(long step, params Summary.Types.Value[] values) =>
        new() { Step = step, WallTime = 1_700_000_000.5 + step, Summary = new Summary { Value = { values } } };

    /// <summary>Reads <paramref name="path"/> both ways in lockstep and compares everything; returns the events compared.</summary>
    private static int AssertSameAsProtobuf(string path, TfRecordReaderOptions? options = null, IReadOnlyList<long>? offsets = null)
    {
        var objectsReported = new List<TfRecordCorruptException>();
        var viewsReported = new List<TfRecordCorruptException>();
        using var objects = new EventFileReader(path, Reporting(options, objectsReported));
        using var views = new EventFileReader(path, Reporting(options, viewsReported));
        List<Event> reference = ParsedByProtobuf(path);
        int events = 0;
        while (true)
        {
            Event? read = null;
            TfRecordCorruptException? expectedError = null;
            bool more;
            try
            {
                more = objects.TryReadNext(out read);
            }
            catch (TfRecordCorruptException ex)
            {
                expectedError = ex;
                more = false;
            }
            bool viewMore;
            try
            {
                viewMore = views.TryReadView(out EventView view);
                if (more)
                {
                    // The reader builds the common scalar events itself: they must be the parser's, field for field.
                    Assert.IsLessThan(reference.Count, events, "the reader returned an event the parser rejects");
                    Assert.AreEqual(reference[events], read, $"event {events}: reader vs parser");
                    CollectionAssert.AreEqual(reference[events].ToByteArray(), read!.ToByteArray(), $"event {events}: encodings");
                }
                if (viewMore)
                {
                    Assert.IsNull(expectedError, $"the view read a record the parser rejected: {expectedError?.Message}");
                    Assert.IsTrue(more, "the view read an event past the parser's last");
                    AssertSame(read!, view, $"event {events} of {path}");
                    if (offsets is not null)
                    {
                        Assert.AreEqual(offsets[events], view.Offset, $"offset of event {events}");
                    }
                    Assert.AreEqual(objects.Position, views.Position);
                    events++;
                    continue;
                }
            }
            catch (TfRecordCorruptException ex)
            {
                Assert.IsNotNull(expectedError, $"the view threw where the parser did not: {ex.Message}");
                Assert.AreEqual(expectedError.GetType(), ex.GetType());
                Assert.AreEqual(expectedError.Corruption, ex.Corruption);
                Assert.AreEqual(expectedError.SourceName, ex.SourceName);
                Assert.AreEqual(expectedError.Offset, ex.Offset);
                Assert.AreEqual(expectedError.Message, ex.Message);
                return events;
            }
            Assert.IsNull(expectedError, $"the parser threw where the view did not: {expectedError?.Message}");
            Assert.IsFalse(more, "the view ended before the parser");
            Assert.AreEqual(objects.SkippedRecords, views.SkippedRecords);
            Assert.AreEqual(objects.IsTruncated, views.IsTruncated);
            Assert.AreEqual(objects.TruncatedAt, views.TruncatedAt);
            CollectionAssert.AreEqual(objectsReported.Select(e => (e.Offset, e.Corruption, e.Message)).ToList(), viewsReported.Select(e => (e.Offset, e.Corruption, e.Message)).ToList());
            return events;
        }
    }

    /// <summary>The reference: every record whose framing verifies, parsed by protobuf itself; records it rejects (or over the decode budget) left out.</summary>
    private static List<Event> ParsedByProtobuf(string path)
    {
        var events = new List<Event>();
        using var records = new TfRecordReader(File.OpenRead(path), new TfRecordReaderOptions { SkipCorruptRecords = true }, path);
        while (records.TryReadNext(out ReadOnlyMemory<byte> record))
        {
            if (EventBudget.Problem(record.Span) is not null)
            {
                continue;
            }
            try
            {
                events.Add(Event.Parser.ParseFrom(record.Span));
            }
            catch (InvalidProtocolBufferException)
            {
            }
        }
        return events;
    }

    private static TfRecordReaderOptions Reporting(TfRecordReaderOptions? options, List<TfRecordCorruptException> reported) =>
        (options ?? TfRecordReaderOptions.Default) with { OnCorruptRecord = reported.Add };

    private static void AssertSame(Event expected, EventView view, string where)
    {
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(expected.WallTime), BitConverter.DoubleToInt64Bits(view.WallTime), $"{where}: wall time");
        Assert.AreEqual(expected.Step, view.Step, $"{where}: step");
        Assert.AreEqual((int)expected.WhatCase, (int)view.Kind, $"{where}: kind");
        Assert.AreEqual(s_withoutUnknown.ParseFrom(expected.ToByteArray()), s_withoutUnknown.ParseFrom(view.ToEvent().ToByteArray()), $"{where}: ToEvent");
        switch (expected.WhatCase)
        {
            case Event.WhatOneofCase.FileVersion:
                Assert.AreEqual(expected.FileVersion, Encoding.UTF8.GetString(view.Payload), where);
                break;
            case Event.WhatOneofCase.GraphDef:
                CollectionAssert.AreEqual(expected.GraphDef.ToByteArray(), view.Payload.ToArray(), where);
                break;
            case Event.WhatOneofCase.MetaGraphDef:
                CollectionAssert.AreEqual(expected.MetaGraphDef.ToByteArray(), view.Payload.ToArray(), where);
                break;
            case Event.WhatOneofCase.SessionLog:
                Assert.AreEqual(expected.SessionLog.Status, view.SessionStatus, where);
                AssertSameMessage(expected.SessionLog, view.Payload, SessionLog.Parser, where);
                break;
            case Event.WhatOneofCase.TaggedRunMetadata:
                AssertSameMessage(expected.TaggedRunMetadata, view.Payload, TaggedRunMetadata.Parser, where);
                break;
#pragma warning disable CS0612 // LogMessage is deprecated, and still found in old TensorFlow files.
            case Event.WhatOneofCase.LogMessage:
                AssertSameMessage(expected.LogMessage, view.Payload, LogMessage.Parser, where);
                break;
#pragma warning restore CS0612
            case Event.WhatOneofCase.None:
                Assert.AreEqual(0, view.Payload.Length, where);
                break;
        }
        if (expected.WhatCase != Event.WhatOneofCase.SessionLog)
        {
            Assert.AreEqual(SessionLog.Types.SessionStatus.StatusUnspecified, view.SessionStatus, where);
        }
        IList<Summary.Types.Value> values = expected.WhatCase == Event.WhatOneofCase.Summary ? expected.Summary.Value : [];
        int i = 0;
        foreach (SummaryValueView v in view.Values)
        {
            Assert.IsLessThan(values.Count, i, $"{where}: more values than the parser");
            AssertSame(values[i], v, $"{where}, value {i}");
            i++;
        }
        Assert.AreEqual(values.Count, i, $"{where}: value count");
    }

    private static void AssertSame(Summary.Types.Value expected, SummaryValueView v, string where)
    {
        Assert.AreEqual(expected.Tag, v.Tag, $"{where}: tag");
        CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(expected.Tag), v.TagUtf8.ToArray(), $"{where}: tag bytes");
        Assert.AreEqual(expected.ValueCase, v.ValueCase, $"{where}: value case");
        Assert.AreEqual(expected.Metadata is not null, v.HasMetadata, $"{where}: metadata");
        Assert.AreEqual(expected.Metadata?.PluginData?.PluginName ?? "", Encoding.UTF8.GetString(v.PluginNameUtf8), $"{where}: plugin");
        CollectionAssert.AreEqual((expected.Metadata?.PluginData?.Content ?? ByteString.Empty).ToByteArray(), v.PluginContent.ToArray(), $"{where}: content");
        Assert.AreEqual(s_withoutUnknownValue.ParseFrom(expected.ToByteArray()), s_withoutUnknownValue.ParseFrom(v.ToValue().ToByteArray()), $"{where}: ToValue");
        switch (expected.ValueCase)
        {
            case Summary.Types.Value.ValueOneofCase.Tensor:
                AssertSameMessage(expected.Tensor, v.ValueBytes, TensorProto.Parser, $"{where}: tensor bytes");
                break;
            case Summary.Types.Value.ValueOneofCase.Histo:
                AssertSameMessage(expected.Histo, v.ValueBytes, HistogramProto.Parser, $"{where}: histogram bytes");
                break;
            case Summary.Types.Value.ValueOneofCase.Image:
                AssertSameMessage(expected.Image, v.ValueBytes, Summary.Types.Image.Parser, $"{where}: image bytes");
                break;
            case Summary.Types.Value.ValueOneofCase.Audio:
                AssertSameMessage(expected.Audio, v.ValueBytes, Summary.Types.Audio.Parser, $"{where}: audio bytes");
                break;
            case Summary.Types.Value.ValueOneofCase.ObsoleteOldStyleHistogram:
                CollectionAssert.AreEqual(expected.ObsoleteOldStyleHistogram.ToByteArray(), v.ValueBytes.ToArray(), $"{where}: old histogram bytes");
                break;
            default:
                Assert.AreEqual(0, v.ValueBytes.Length, $"{where}: value bytes");
                break;
        }
        bool isScalar = ReferenceScalar(expected, out double reference);
        Assert.AreEqual(isScalar, v.TryGetScalar(out double value), $"{where}: is a scalar");
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(reference), BitConverter.DoubleToInt64Bits(value), $"{where}: scalar value");
    }

    private static readonly MessageParser<Summary.Types.Value> s_withoutUnknownValue = Summary.Types.Value.Parser.WithDiscardUnknownFields(true);

    /// <summary>
    /// The view's bytes decode to the parsed message; unknown fields aside (the view of a record that needed the
    /// parser drops them, as its Record says).
    /// </summary>
    private static void AssertSameMessage<T>(T expected, ReadOnlySpan<byte> actual, MessageParser<T> parser, string where)
        where T : IMessage<T>
    {
        var strict = parser.WithDiscardUnknownFields(true);
        Assert.AreEqual(strict.ParseFrom(expected.ToByteArray()), strict.ParseFrom(actual), where);
    }

    /// <summary>The number a value holds, decoded from the protobuf objects (the reference for TryGetScalar).</summary>
    private static bool ReferenceScalar(Summary.Types.Value v, out double value)
    {
        value = 0;
        if (v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
        {
            value = v.SimpleValue;
            return true;
        }
        if (v.ValueCase != Summary.Types.Value.ValueOneofCase.Tensor)
        {
            return false;
        }
        TensorProto t = v.Tensor;
        long elements = 1;
        if (t.TensorShape is { } shape)
        {
            if (shape.UnknownRank)
            {
                return false;
            }
            foreach (var dim in shape.Dim)
            {
                elements = dim.Size < 0 ? -1 : elements * dim.Size;
            }
        }
        if (elements != 1)
        {
            return false;
        }
        byte[] content = t.TensorContent.ToByteArray();
        if (content.Length > 0)
        {
            (bool ok, double x) = ((int)t.Dtype, content.Length) switch
            {
                (1, 4) => (true, BitConverter.ToSingle(content)),
                (2, 8) => (true, BitConverter.ToDouble(content)),
                (3, 4) => (true, BitConverter.ToInt32(content)),
                (9, 8) => (true, BitConverter.ToInt64(content)),
                (19, 2) => (true, (double)BitConverter.ToHalf(content)),
                (5, 2) => (true, BitConverter.ToInt16(content)),
                (6, 1) => (true, (sbyte)content[0]),
                (4, 1) => (true, content[0]),
                (10, 1) => (true, content[0] != 0 ? 1 : 0),
                _ => (false, 0.0),
            };
            value = x;
            return ok;
        }
        // As TensorFlow's make_ndarray: the dtype picks the one typed list that is read; the others are ignored.
        switch ((int)t.Dtype)
        {
            case 1 when t.FloatVal.Count == 1:
                value = t.FloatVal[0];
                return true;
            case 2 when t.DoubleVal.Count == 1:
                value = t.DoubleVal[0];
                return true;
            case 3 or 4 or 5 or 6 or 17 when t.IntVal.Count == 1:
                value = t.IntVal[0];
                return true;
            case 9 when t.Int64Val.Count == 1:
                value = t.Int64Val[0];
                return true;
            case 10 when t.BoolVal.Count == 1:
                value = t.BoolVal[0] ? 1 : 0;
                return true;
            case 19 when t.HalfVal.Count == 1:
                value = (double)BitConverter.UInt16BitsToHalf((ushort)t.HalfVal[0]);
                return true;
            case 22 when t.Uint32Val.Count == 1:
                value = t.Uint32Val[0];
                return true;
            case 23 when t.Uint64Val.Count == 1:
                value = t.Uint64Val[0];
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes records (already encoded) and returns each record's offset.</summary>
    private static List<long> WriteRecords(string path, IEnumerable<byte[]> records)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var offsets = new List<long>();
        long offset = 0;
        using var stream = File.Create(path);
        using var writer = new TfRecordWriter(stream);
        foreach (byte[] record in records)
        {
            offsets.Add(offset);
            offset += record.Length + TfRecordWriter.FramingOverhead;
            writer.Write(record);
        }
        return offsets;
    }

    [TestMethod]
    public void TheFilesTbLoggerWritesReadTheSameAsProtobuf()
    {
        using var temp = new TempDirectory();
        foreach (ScalarEncoding encoding in Enum.GetValues<ScalarEncoding>())
        {
            string dir = temp.Combine(encoding.ToString());
            using (var writer = new SummaryWriter(dir, new SummaryWriterOptions { ScalarEncoding = encoding }))
            {
                for (int step = 0; step < 50; step++)
                {
                    writer.AddScalar("train/loss", Math.Exp(-step / 10.0), step);
                    writer.AddScalar("train/accuracy", 1 - Math.Exp(-step / 5.0), step);
                    writer.AddScalar("lr", 1e-3f, step);
                    writer.AddScalar("examples", (long)step * 32, step);
                }
                writer.AddHistogram("weights", [0.5f, 1.5f, -2f, 3f, 3f], 7);
                writer.AddText("notes", "héllo ✓", 8);
                writer.AddImage("image", new byte[2 * 3 * 3], new ImageShape(ImageLayout.HWC, 2, 3, 3), 9);
            }
            string file = Fixtures.EventFileIn(dir);
            int events = AssertSameAsProtobuf(file);
            Assert.IsGreaterThan(200, events, encoding.ToString());
        }
    }

    [TestMethod]
    public void PyTorchsGoldenFilesReadTheSameAsProtobuf()
    {
        int events = 0;
        foreach (string file in Directory.EnumerateFiles(Fixtures.TorchRun1, "events.out.tfevents.*", SearchOption.AllDirectories))
        {
            var offsets = new List<long>();
            using (var records = new TfRecordReader(File.OpenRead(file)))
            {
                while (records.TryReadNext(out long offset, out _))
                {
                    offsets.Add(offset);
                }
            }
            events += AssertSameAsProtobuf(file, offsets: offsets);
        }
        Assert.IsGreaterThan(50, events);
    }

    [TestMethod]
    public void TensorFlowLayoutsReadTheSameAsProtobuf()
    {
        using var temp = new TempDirectory();
        var floatTensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { 0.25f } };
        var doubleTensor = new TensorProto { Dtype = DataType.DtDouble, TensorShape = new TensorShapeProto(), DoubleVal = { Math.PI } };
        var floatContent = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(1.5f)) };
        var doubleContent = new TensorProto { Dtype = DataType.DtDouble, TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(-2.75)) };
        var oneByOne = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 }, new TensorShapeProto.Types.Dim { Size = 1 } } }, FloatVal = { 7f } };
        var vector = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 2 } } }, FloatVal = { 1f, 2f } };
        var int64 = new TensorProto { Dtype = DataType.DtInt64, TensorShape = new TensorShapeProto(), Int64Val = { -5 } };
        var text = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto(), StringVal = { ByteString.CopyFromUtf8("text") } };
        var events = new List<Event>
        {
            new() { WallTime = 1, FileVersion = "brain.Event:2" },
            new() { WallTime = 2, Step = 0, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start, Msg = "restart" } },
            new() { WallTime = 3, GraphDef = ByteString.CopyFrom(1, 2, 3, 4, 5) },
            new() { WallTime = 3.5, MetaGraphDef = ByteString.CopyFrom(9, 8) },
            new() { WallTime = 4, TaggedRunMetadata = new TaggedRunMetadata { Tag = "step1", RunMetadata = ByteString.CopyFrom(7) } },
#pragma warning disable CS0612 // LogMessage is deprecated, and still written by old TensorFlow.
            new() { WallTime = 4.5, LogMessage = new LogMessage { Level = LogMessage.Types.Level.Warn, Message = "careful" } },
#pragma warning restore CS0612
            new() { WallTime = 5, Step = 1, SourceMetadata = new SourceMetadata { Writer = "tensorflow.core" } },
            // Metadata on a tag's first value in the file only, as tf.summary writes.
            SummaryEvent(1, TensorScalar("loss", floatTensor, metadata: true), TensorScalar("precise", doubleTensor, metadata: true)),
            SummaryEvent(2, TensorScalar("loss", floatContent, metadata: false), TensorScalar("precise", doubleContent, metadata: false)),
            SummaryEvent(3, TensorScalar("loss", oneByOne, metadata: false), TensorScalar("vec", vector, metadata: false), TensorScalar("count", int64, metadata: false)),
            SummaryEvent(4, TensorScalar("text", text, metadata: true), Scalar("legacy", 0.125f, metadata: true), Scalar("legacy", float.NaN)),
            SummaryEvent(5, new Summary.Types.Value { Tag = "h", Histo = new HistogramProto { Min = -1, Max = 1, Num = 2, BucketLimit = { 0, 1 }, Bucket = { 1, 1 } } }),
            SummaryEvent(6, new Summary.Types.Value { Tag = "img", NodeName = "n", Image = new Summary.Types.Image { Height = 1, Width = 2, Colorspace = 3, EncodedImageString = ByteString.CopyFrom(1, 2) } }),
            SummaryEvent(7, new Summary.Types.Value { Tag = "a", Audio = new Summary.Types.Audio { SampleRate = 8000, NumChannels = 1, LengthFrames = 3, ContentType = "audio/wav" } }),
            SummaryEvent(8, new Summary.Types.Value { Tag = "old", ObsoleteOldStyleHistogram = ByteString.CopyFrom(3) }, new Summary.Types.Value { Tag = "empty" }),
            new() { WallTime = 9, Step = 9 },
            new() { Summary = new Summary() },
        };
        string path = temp.Combine("tf", "events.out.tfevents.1.tf");
        var offsets = WriteRecords(path, events.Select(e => e.ToByteArray()));
        Assert.AreEqual(events.Count, AssertSameAsProtobuf(path, offsets: offsets));
    }

    [TestMethod]
    public void TheScalarLayoutsBuiltWithoutTheParserEqualItsEvents()
    {
        using var temp = new TempDirectory();
        float signallingNaN = BitConverter.Int32BitsToSingle(0x7F80_0001);
        var records = new List<byte[]>();
        foreach (long step in new[] { 0L, 1L, 127L, 128L, 1L << 40, -1L, long.MinValue })
        {
            foreach (float f in new[] { 0.5f, -0f, signallingNaN, float.NegativeInfinity, float.Epsilon })
            {
                records.Add(SummaryEvent(step, Scalar("loss", f)).ToByteArray());
                records.Add(SummaryEvent(step, TensorScalar("t", new TensorProto { Dtype = DataType.DtFloat, FloatVal = { f } }, metadata: false)).ToByteArray());
                records.Add(SummaryEvent(step, TensorScalar("t", new TensorProto { Dtype = DataType.DtFloat, TensorShape = new(), FloatVal = { f } }, metadata: false)).ToByteArray());
                records.Add(SummaryEvent(step, TensorScalar("d", new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { f * Math.PI } }, metadata: false)).ToByteArray());
                records.Add(SummaryEvent(step, TensorScalar("d", new TensorProto { Dtype = DataType.DtDouble, TensorShape = new(), DoubleVal = { f } }, metadata: false)).ToByteArray());
            }
        }
        // An explicit step 0 (10 00), and a tag of 127 bytes in UTF-8 (its lengths take two bytes: the parser's path).
        records.Add([.. records[0][..9], 0x10, 0x00, .. records[0][9..]]);
        records.Add(SummaryEvent(5, Scalar(string.Concat(Enumerable.Repeat("é", 63)) + "x", 1f)).ToByteArray());
        // Tags of 100 to 127 bytes in every layout: the one-byte lengths end at 118 (simple_value) to 107 (a double
        // tensor with a shape), so these cross the limit of the byte-for-byte match on both sides.
        for (int length = 100; length <= 127; length++)
        {
            string tag = new('t', length);
            records.Add(SummaryEvent(3, Scalar(tag, 0.25f)).ToByteArray());
            records.Add(SummaryEvent(3, TensorScalar(tag, new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 0.25f } }, metadata: false)).ToByteArray());
            records.Add(SummaryEvent(3, TensorScalar(tag, new TensorProto { Dtype = DataType.DtFloat, TensorShape = new(), FloatVal = { 0.25f } }, metadata: false)).ToByteArray());
            records.Add(SummaryEvent(3, TensorScalar(tag, new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { 0.25 } }, metadata: false)).ToByteArray());
            records.Add(SummaryEvent(3, TensorScalar(tag, new TensorProto { Dtype = DataType.DtDouble, TensorShape = new(), DoubleVal = { 0.25 } }, metadata: false)).ToByteArray());
        }
        string path = temp.Combine("fast", "events.out.tfevents.1.x");
        var offsets = WriteRecords(path, records);
        Assert.AreEqual(records.Count, AssertSameAsProtobuf(path, offsets: offsets));
        Assert.AreNotEqual((byte)0x10, records[0][9], "the first record has no step field, the explicit one does");
    }

    [TestMethod]
    public void OneByteLengthsOf0x80AndAboveStartLongerVarintsAndAreNotTheScalarLayout()
    {
        // wall_time, then summary (2A L) / value (0A L-2) / tag (0A t) / simple_value, where L, one byte of 0x80 or
        // more, equals the bytes left: the parser reads "L 0A" as a two-byte length running far past the end and
        // rejects the record; the byte-for-byte match must not take L as a whole length.
        using var temp = new TempDirectory();
        for (int tagLength = 119; tagLength <= 127; tagLength++)
        {
            foreach (bool withStep in new[] { false, true })
            {
                byte[] head = withStep ? [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x10, 0x05] : [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F];
                int valueLength = 2 + tagLength + 5;
                byte[] record =
                [
                    .. head, 0x2A, (byte)(valueLength + 2), 0x0A, (byte)valueLength, 0x0A, (byte)tagLength,
                    .. Enumerable.Repeat((byte)'a', tagLength), 0x15, 0x00, 0x00, 0x80, 0x3F,
                ];
                Assert.IsGreaterThanOrEqualTo(0x80, valueLength + 2);
                Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(record));
                byte[] good = SummaryEvent(1, Scalar("ok", 1f)).ToByteArray();
                string path = temp.Combine($"long{tagLength}{withStep}", "events.out.tfevents.1.x");
                var offsets = WriteRecords(path, [good, record, good]);
                var skip = new TfRecordReaderOptions { SkipCorruptRecords = true };
                Assert.AreEqual(2, AssertSameAsProtobuf(path, skip, offsets: [offsets[0], offsets[2]]));
                using (var reader = new EventFileReader(path, skip))
                {
                    int read = 0;
                    while (reader.TryReadNext(out _))
                    {
                        read++;
                    }
                    Assert.AreEqual(2, read);
                    Assert.AreEqual(1L, reader.SkippedRecords);
                }
                Assert.AreEqual(1, AssertSameAsProtobuf(path));
            }
        }
    }

    [TestMethod]
    public void OneElementTensorsInUnusualLayoutsAreScalarsAsReadScalarsReadsThem()
    {
        // Tensors the in-place read does not take (an empty packed chunk beside the element, an empty field of
        // another type, an unpacked element after an empty packed chunk): TryGetScalar has the parser's last word,
        // as ReadScalars does.
        byte[][] tensors =
        [
            [0x08, 0x01, 0x2A, 0x00, 0x2A, 0x04, 0x00, 0x00, 0x80, 0x3F], // DT_FLOAT, float_val [] then [1]
            [0x08, 0x01, 0x32, 0x00, 0x2A, 0x04, 0x00, 0x00, 0x80, 0x3F], // DT_FLOAT, double_val [], float_val [1]
            [0x08, 0x01, 0x68, 0x00, 0x2A, 0x04, 0x00, 0x00, 0x80, 0x3F], // DT_FLOAT, half_val 0, float_val [1]
            [0x08, 0x03, 0x3A, 0x00, 0x38, 0x05], // DT_INT32, int_val [] then 5 unpacked
        ];
        using var temp = new TempDirectory();
        var records = new List<byte[]>();
        foreach (byte[] tensor in tensors)
        {
            byte[] value = [0x0A, 0x01, (byte)'t', 0x42, (byte)tensor.Length, .. tensor];
            byte[] summary = [0x0A, (byte)value.Length, .. value];
            records.Add([0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x10, 0x01, 0x2A, (byte)summary.Length, .. summary]);
        }
        string path = temp.Combine("unusual", "events.out.tfevents.1.x");
        WriteRecords(path, records);
        Assert.AreEqual(tensors.Length, AssertSameAsProtobuf(path));
        var scalars = new List<double>();
        using var reader = new EventFileReader(path);
        while (reader.TryReadView(out EventView view))
        {
            foreach (SummaryValueView v in view.Values)
            {
                Assert.IsTrue(v.TryGetScalar(out double scalar));
                scalars.Add(scalar);
            }
        }
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 1.0, 5.0 }, scalars);
    }

    [TestMethod]
    public void RecordsTheWireDecodersCannotTakeAsTheyAreAreReadThroughTheParser()
    {
        // Each record here is a valid Event the parser reads differently from a naive field walk, or one with parts
        // the view does not walk: the view must still show exactly what the parser shows.
        using var temp = new TempDirectory();
        byte[] first = SummaryEvent(1, Scalar("a", 1f, metadata: true)).ToByteArray();
        byte[] second = new Event { Summary = new Summary { Value = { Scalar("b", 2f) } } }.ToByteArray();
        List<byte[]> records =
        [
            // Two summary fields: the parser merges them (values a and b).
            [.. first, .. second],
            // An unknown field holding a group (field 20, start 0xA3 0x01, a varint, end 0xA4 0x01).
            [.. SummaryEvent(2, Scalar("g", 3f)).ToByteArray(), 0xA3, 0x01, 0x08, 0x01, 0xA4, 0x01],
            // wall_time sent as a varint: an unknown field to the parser, so the wall time stays 0.
            [0x08, 0x05, .. SummaryEvent(3, Scalar("w", 4f)).ToByteArray()[9..]],
            // A variant tensor and a resource handle.
            SummaryEvent(4, new Summary.Types.Value { Tag = "v", Tensor = new TensorProto { Dtype = DataType.DtVariant, VariantVal = { new VariantTensorDataProto { TypeName = "x", Tensors = { new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 1 } } } } } } }).ToByteArray(),
            SummaryEvent(5, new Summary.Types.Value { Tag = "r", Tensor = new TensorProto { Dtype = DataType.DtResource, ResourceHandleVal = { new ResourceHandleProto { Name = "h" } } } }).ToByteArray(),
            // The tensor of one value given twice: merged by the parser (float_val gets both elements: not a scalar).
            Concat(SummaryEvent(6, TensorScalar("m", new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 1 } }, metadata: false)), twiceTensor: true),
            // Unpacked float_val and a non-canonical (three-byte) step varint.
            [0x10, 0x88, 0x80, 0x00, 0x2A, 0x0E, 0x0A, 0x0C, 0x0A, 0x01, (byte)'u', 0x42, 0x07, 0x08, 0x01, 0x2D, 0x00, 0x00, 0x80, 0x3F],
        ];
        string path = temp.Combine("odd", "events.out.tfevents.1.x");
        var offsets = WriteRecords(path, records);
        for (int i = 0; i < records.Count; i++)
        {
            string single = temp.Combine("odd" + i, "events.out.tfevents.1.x");
            WriteRecords(single, [records[i]]);
            Assert.AreEqual(1, AssertSameAsProtobuf(single), $"record {i}");
        }
        Assert.AreEqual(records.Count, AssertSameAsProtobuf(path, offsets: offsets));
        using var reader = new EventFileReader(path);
        Assert.IsTrue(reader.TryReadView(out EventView merged));
        var tags = new List<string>();
        foreach (SummaryValueView v in merged.Values)
        {
            tags.Add(v.Tag);
        }
        CollectionAssert.AreEqual(new[] { "a", "b" }, tags);
    }

    private static byte[] Concat(Event e, bool twiceTensor)
    {
        // value { tag "m" tensor {...} tensor {...} }: the same singular message twice inside one value.
        var value = e.Summary.Value[0];
        byte[] tensor = value.Tensor.ToByteArray();
        byte[] tag = Encoding.UTF8.GetBytes(value.Tag);
        var valueBytes = new List<byte> { 0x0A, (byte)tag.Length };
        valueBytes.AddRange(tag);
        for (int i = 0; i < (twiceTensor ? 2 : 1); i++)
        {
            valueBytes.Add(0x42);
            valueBytes.Add((byte)tensor.Length);
            valueBytes.AddRange(tensor);
        }
        var summary = new List<byte> { 0x0A, (byte)valueBytes.Count };
        summary.AddRange(valueBytes);
        var record = new List<byte> { 0x10, (byte)e.Step, 0x2A, (byte)summary.Count };
        record.AddRange(summary);
        return [.. record];
    }

    private static byte[] ReplaceReplacementChar(byte[] record)
    {
        // U+FFFD is EF BF BD in UTF-8; make it an invalid sequence (a lone continuation byte and two more) of the same length.
        int at = record.AsSpan().IndexOf("\uFFFD"u8);
        record[at] = 0xFF;
        return record;
    }

    [TestMethod]
    public void HostileRecordsAreSkippedOrThrownExactlyAsByTheProtobufReader()
    {
        using var temp = new TempDirectory();
        byte[] good = SummaryEvent(1, Scalar("ok", 1f)).ToByteArray();
        byte[] truncatedProto = good[..^3];
        byte[] badWireType = [0x0F, 0x00];
        byte[] fieldZero = [0x00, 0x01];
        byte[] longVarint = [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        byte[] lengthPastEnd = [0x2A, 0x7F, 0x0A];
        // Over the decode budget: 3,000 empty values in 6,000 bytes (more than one value per 8 bytes).
        byte[] overBudget = [0x2A, 0xF0, 0x2E, .. Enumerable.Repeat(new byte[] { 0x0A, 0x00 }, 3000).SelectMany(b => b)];
        // A tag that is not valid UTF-8: the parser rejects it.
        byte[] invalidUtf8 = ReplaceReplacementChar(new Event { Step = 7, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "\uFFFD" } } } }.ToByteArray());
        byte[] invalidUtf8InScalarLayout = ReplaceReplacementChar(SummaryEvent(8, Scalar("\uFFFD", 1f)).ToByteArray());
        byte[][] records = [good, truncatedProto, good, badWireType, fieldZero, longVarint, lengthPastEnd, overBudget, invalidUtf8, invalidUtf8InScalarLayout, good];
        string path = temp.Combine("hostile", "events.out.tfevents.1.x");
        var offsets = WriteRecords(path, records);
        // A CRC failure as well: flip a byte inside the second good record's payload.
        byte[] file = File.ReadAllBytes(path);
        file[offsets[2] + 14] ^= 0x40;
        File.WriteAllBytes(path, file);

        var skip = new TfRecordReaderOptions { SkipCorruptRecords = true };
        Assert.AreEqual(2, AssertSameAsProtobuf(path, skip, offsets: [offsets[0], offsets[10]]));
        using (var reader = new EventFileReader(path, skip))
        {
            while (reader.TryReadView(out _))
            {
            }
            Assert.AreEqual(9L, reader.SkippedRecords);
        }

        // Strict mode: the first bad record throws, naming the file and its offset, the same as the parser's reader.
        Assert.AreEqual(1, AssertSameAsProtobuf(path));
        using var strict = new EventFileReader(path);
        Assert.IsTrue(strict.TryReadView(out _));
        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => strict.TryReadView(out _));
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, ex.Corruption);
        Assert.AreEqual(offsets[1], ex.Offset);
        Assert.AreEqual(path, ex.SourceName);
        StringAssert.Contains(ex.Message, $"{truncatedProto.Length} bytes are not an Event");

        // Each hostile record alone, strict: the same exception both ways.
        for (int i = 1; i < records.Length - 1; i++)
        {
            string single = temp.Combine("single" + i, "events.out.tfevents.1.x");
            WriteRecords(single, [records[i]]);
            AssertSameAsProtobuf(single);
        }
    }

    [TestMethod]
    public void MutatedRecordsAreReadSkippedAndThrownExactlyAsByTheProtobufReader()
    {
        // Valid framing around payloads with random byte flips, insertions and cuts, from seeds of every layout.
        using var temp = new TempDirectory();
        var seeds = new List<byte[]>
        {
            new Event { WallTime = 1, FileVersion = "brain.Event:2" }.ToByteArray(),
            SummaryEvent(1, Scalar("loss", 0.5f, metadata: true), Scalar("acc", 0.25f)).ToByteArray(),
            SummaryEvent(2, TensorScalar("t", new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { 0.5f } }, metadata: true)).ToByteArray(),
            SummaryEvent(3, TensorScalar("d", new TensorProto { Dtype = DataType.DtDouble, TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(0.1)) }, metadata: false)).ToByteArray(),
            SummaryEvent(4, new Summary.Types.Value { Tag = "h", Histo = new HistogramProto { Min = -1, Max = 1, Num = 2, BucketLimit = { 0, 1 }, Bucket = { 1, 1 } } }).ToByteArray(),
            new Event { WallTime = 2, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } }.ToByteArray(),
            // The one-value scalar layouts the view matches byte for byte.
            SummaryEvent(300, Scalar("train/loss", 0.5f)).ToByteArray(),
            SummaryEvent(301, TensorScalar("f", new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 0.5f } }, metadata: false)).ToByteArray(),
            SummaryEvent(302, TensorScalar("f", new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { 0.5f } }, metadata: false)).ToByteArray(),
            SummaryEvent(303, TensorScalar("d", new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { 0.1 } }, metadata: false)).ToByteArray(),
            SummaryEvent(304, TensorScalar("d", new TensorProto { Dtype = DataType.DtDouble, TensorShape = new TensorShapeProto(), DoubleVal = { 0.1 } }, metadata: false)).ToByteArray(),
        };
        var random = new Random(505);
        int compared = 0;
        for (int round = 0; round < 60; round++)
        {
            var records = new List<byte[]>();
            for (int i = 0; i < 30; i++)
            {
                records.Add(Mutate(seeds[random.Next(seeds.Count)], random));
            }
            string path = temp.Combine("m" + round, "events.out.tfevents.1.x");
            WriteRecords(path, records);
            compared += AssertSameAsProtobuf(path, new TfRecordReaderOptions { SkipCorruptRecords = true });
            AssertSameAsProtobuf(path);
        }
        Assert.IsGreaterThan(300, compared);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int changes = 1 + random.Next(3);
        for (int c = 0; c < changes && bytes.Count > 0; c++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(3)));
                    break;
            }
        }
        return [.. bytes];
    }

    [TestMethod]
    public void ScalarEventsAreReadWithoutAllocating()
    {
        using var temp = new TempDirectory();
        using (var writer = new SummaryWriter(temp.Path))
        {
            for (int step = 0; step < 2000; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
                writer.AddScalar("accuracy", step / 2000.0, step);
            }
        }
        string file = Fixtures.EventFileIn(temp.Path);
        double sum = 0;
        using var reader = new EventFileReader(file);
        // The first events fill the tag cache.
        for (int i = 0; i < 10 && reader.TryReadView(out EventView warm); i++)
        {
            foreach (SummaryValueView v in warm.Values)
            {
                _ = v.Tag;
            }
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int events = 0;
        while (reader.TryReadView(out EventView e))
        {
            events++;
            foreach (SummaryValueView v in e.Values)
            {
                if (v.TryGetScalar(out double value) && v.Tag.Length > 0)
                {
                    sum += value;
                }
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsGreaterThan(3900, events);
        Assert.AreEqual(0L, allocated, $"{allocated} bytes allocated reading {events} events");
        Assert.IsGreaterThan(1.0, sum);
    }
}
