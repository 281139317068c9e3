using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>The wire-level scalar decoder gives exactly what the protobuf parser gives.</summary>
[TestClass]
public sealed class ScalarFastPathTests
{
    [TestMethod]
    public void GoldenFilesDecodeTheSameBothWays()
    {
        int compared = 0;
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(Fixtures.TorchRun1)!, "*tfevents*", SearchOption.AllDirectories))
        {
            foreach (var e in EventFileReader.Read(file))
            {
                byte[] bytes = e.ToByteArray();
                Assert.IsTrue(EventWire.TryReadHeader(bytes, out EventHeader header));
                Assert.AreEqual(e.Step, header.Step);
                Assert.AreEqual(e.WallTime, header.WallTime);
                Assert.AreEqual((int)e.WhatCase, (int)header.Kind);
                if (e.WhatCase != Event.WhatOneofCase.Summary)
                {
                    continue;
                }
                var summary = bytes.AsSpan(header.PayloadStart, header.PayloadLength);
                int pos = 0;
                int index = 0;
                while (EventWire.TryNextValue(summary, ref pos, out int start, out int length))
                {
                    var expected = e.Summary.Value[index++];
                    Assert.IsTrue(EventWire.TryReadValue(summary.Slice(start, length), out ValueInfo info));
                    Assert.AreEqual(expected.Tag, System.Text.Encoding.UTF8.GetString(summary.Slice(start + info.TagStart, info.TagLength)));
                    if (expected.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
                    {
                        Assert.AreEqual(expected.SimpleValue, info.SimpleValue);
                        compared++;
                    }
                    else if (expected.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && expected.Metadata?.PluginData?.PluginName == "scalars")
                    {
                        Assert.IsTrue(EventWire.TryReadScalarTensor(summary.Slice(start, length).Slice(info.PayloadStart, info.PayloadLength), out double fast));
                        Assert.IsTrue(TensorValues.TryScalar(expected.Tensor, out double slow));
                        Assert.AreEqual(slow, fast);
                        compared++;
                    }
                }
                Assert.AreEqual(e.Summary.Value.Count, index);
            }
        }
        Assert.AreEqual(100 * 4 + 10 * 3 + 20 + 2, compared);
    }

    public static IEnumerable<object[]> Tensors()
    {
        TensorProto T(DataType dtype, Action<TensorProto> fill, params long[] shape)
        {
            var t = new TensorProto { Dtype = dtype };
            if (shape.Length > 0 || dtype != DataType.DtFloat)
            {
                t.TensorShape = new TensorShapeProto();
                foreach (long d in shape)
                {
                    t.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
                }
            }
            fill(t);
            return t;
        }
        yield return ["float", T(DataType.DtFloat, t => t.FloatVal.Add(0.1f)), (double)0.1f];
        yield return ["float shape [1]", T(DataType.DtFloat, t => t.FloatVal.Add(-2.5f), 1), -2.5];
        yield return ["float content", T(DataType.DtFloat, t => t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(3.25f))), 3.25];
        yield return ["double", T(DataType.DtDouble, t => t.DoubleVal.Add(0.1)), 0.1];
        yield return ["double content", T(DataType.DtDouble, t => t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(1e300))), 1e300];
        yield return ["half", T(DataType.DtHalf, t => t.HalfVal.Add(BitConverter.HalfToUInt16Bits((Half)1.5))), 1.5];
        yield return ["half content", T(DataType.DtHalf, t => t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes((Half)(-0.25)))), -0.25];
        yield return ["bfloat16", T(DataType.DtBfloat16, t => t.HalfVal.Add(0x3FC0)), 1.5];
        yield return ["int32", T(DataType.DtInt32, t => t.IntVal.Add(-7)), -7.0];
        yield return ["int64", T(DataType.DtInt64, t => t.Int64Val.Add(1L << 40)), (double)(1L << 40)];
        yield return ["int64 content", T(DataType.DtInt64, t => t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(-5L))), -5.0];
        yield return ["bool", T(DataType.DtBool, t => t.BoolVal.Add(true)), 1.0];
        yield return ["uint8", T(DataType.DtUint8, t => t.IntVal.Add(200)), 200.0];
    }

    [TestMethod]
    [DynamicData(nameof(Tensors))]
    public void EveryScalarEncodingDecodesTheSameBothWays(string name, TensorProto tensor, double expected)
    {
        Assert.IsTrue(TensorValues.TryScalar(tensor, out double slow), name);
        Assert.IsTrue(EventWire.TryReadScalarTensor(tensor.ToByteArray(), out double fast), name);
        Assert.AreEqual(expected, slow, name);
        Assert.AreEqual(expected, fast, name);
    }

    [TestMethod]
    public void TheCommonValueLayoutsAreReadAsTheGeneralWalkReadsThem()
    {
        var scalarTensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { 0.25f } };
        var longTensor = new TensorProto { Dtype = DataType.DtDouble, TensorContent = ByteString.CopyFrom(new byte[130]) };
        var metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars" } };
        // (value, expected field: 2 simple_value, 8 tensor, 0 not a common layout)
        var cases = new (string Name, Summary.Types.Value Value, int Field)[]
        {
            ("simple_value", new() { Tag = "loss", SimpleValue = 0.5f }, 2),
            ("tensor", new() { Tag = "loss", Tensor = scalarTensor }, 8),
            ("127-byte tag", new() { Tag = new string('t', 127), SimpleValue = -3 }, 2),
            ("128-byte tag (two-byte length)", new() { Tag = new string('t', 128), SimpleValue = -3 }, 0),
            ("metadata before the tensor", new() { Tag = "loss", Metadata = metadata, Tensor = scalarTensor }, 0),
            ("tensor of 130+ bytes (two-byte length)", new() { Tag = "loss", Tensor = longTensor }, 0),
            ("simple_value 0 (a one-of member: written)", new() { Tag = "loss", SimpleValue = 0 }, 2),
            ("a tag and no value", new() { Tag = "loss" }, 0),
            ("no tag", new() { SimpleValue = 1 }, 0),
            ("a field after the value", new() { Tag = "loss", SimpleValue = 1, NodeName = "n" }, 0),
            ("histogram", new() { Tag = "h", Histo = new HistogramProto { Num = 1 } }, 0),
        };
        foreach (var (name, message, field) in cases)
        {
            byte[] value = message.ToByteArray();
            Assert.AreEqual(field, EventWire.TryReadCommonScalar(value, out int tagLength, out int payloadStart, out int payloadLength), name);
            if (field == 0)
            {
                continue;
            }
            Assert.IsTrue(EventWire.TryReadValue(value, out ValueInfo info), name);
            Assert.AreEqual(2, info.TagStart, name);
            Assert.AreEqual(info.TagLength, tagLength, name);
            Assert.AreEqual(message.Tag, System.Text.Encoding.UTF8.GetString(value, 2, tagLength), name);
            Assert.IsFalse(info.HasMetadata, name);
            Assert.AreEqual(field, info.ValueField, name);
            if (field == 2)
            {
                Assert.AreEqual(4, payloadLength, name);
                Assert.AreEqual(message.SimpleValue, BitConverter.ToSingle(value, payloadStart), name);
            }
            else
            {
                Assert.AreEqual(info.PayloadStart, payloadStart, name);
                Assert.AreEqual(info.PayloadLength, payloadLength, name);
                CollectionAssert.AreEqual(message.Tensor.ToByteArray(), value[payloadStart..(payloadStart + payloadLength)], name);
            }
        }
        // Cut short anywhere, a common value is refused or read by the general walk alike (never read past its end).
        byte[] full = new Summary.Types.Value { Tag = "loss", Tensor = scalarTensor }.ToByteArray();
        for (int cut = 0; cut < full.Length; cut++)
        {
            Assert.AreEqual(0, EventWire.TryReadCommonScalar(full.AsSpan(0, cut), out _, out _, out _), $"cut at {cut}");
        }
    }

    [TestMethod]
    public void NonScalarTensorsAreRefusedBothWays()
    {
        var two = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 2 } } }, FloatVal = { 1, 2 } };
        var text = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto(), StringVal = { ByteString.CopyFromUtf8("x") } };
        Assert.IsFalse(EventWire.TryReadScalarTensor(two.ToByteArray(), out _));
        Assert.IsFalse(TensorValues.TryScalar(two, out _));
        Assert.IsFalse(EventWire.TryReadScalarTensor(text.ToByteArray(), out _));
        Assert.IsFalse(TensorValues.TryScalar(text, out _));
    }

    [TestMethod]
    public void OurWriterRoundTripsEveryEncoding()
    {
        using var temp = new TempDirectory();
        foreach (var encoding in Enum.GetValues<ScalarEncoding>())
        {
            using var writer = new SummaryWriter(temp.Combine(encoding.ToString()), new SummaryWriterOptions { ScalarEncoding = encoding });
            writer.AddScalar("x", 0.1, 3, DateTimeOffset.FromUnixTimeSeconds(1700000000));
        }
        var points = new LogDirReader(temp.Path).ReadScalars().ToDictionary(p => p.Run);
        Assert.AreEqual((double)0.1f, points["Float32Tensor"].Value);
        Assert.AreEqual((double)0.1f, points["SimpleValue"].Value);
        Assert.AreEqual(0.1, points["Float64Tensor"].Value);
        Assert.AreEqual(3L, points["Float64Tensor"].Step);
        Assert.AreEqual(1700000000.0, points["Float64Tensor"].WallTime);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void A_tag_that_is_not_UTF8_is_no_tag_its_record_is_reported_as_TensorBoard_skips_it(int threads)
    {
        // Tag bytes FF, then FE: the protobuf parser rejects both events (and TensorBoard's loaders skip them). Both
        // decode to U+FFFD; a tag that is U+FFFD itself (EF BF BD, valid UTF-8) is a tag like any other, apart from them.
        static byte[] Record(byte[] tag, byte step, float value) =>
        [
            0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x10, step, 0x2A, (byte)(tag.Length + 9), 0x0A, (byte)(tag.Length + 7), 0x0A, (byte)tag.Length, .. tag, 0x15,
            .. BitConverter.GetBytes(value),
        ];
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "events.out.tfevents.1.x");
        // Then tags of 8 to 16 bytes, which the record check reads as two words: one with the byte FF, and "grüße/ab",
        // UTF-8 but not ASCII.
        byte[][] records =
        [
            Record([0xEF, 0xBF, 0xBD], 4, 0f), Record([0xFF], 5, 1f), Record([0xFE], 3, 2f), Record([0xEF, 0xBF, 0xBD], 6, 3f),
            Record([.. "abcdefg"u8, 0xFF], 7, 4f), Record("grüße/ab"u8.ToArray(), 8, 5f),
        ];
        using (var stream = File.Create(file))
        using (var writer = new TbLogger.Records.TfRecordWriter(stream))
        {
            foreach (byte[] record in records)
            {
                writer.Write(record);
            }
        }
        long[] offsets = [.. records.Select((r, i) => records.Take(i).Sum(p => (long)p.Length + TbLogger.Records.TfRecordWriter.FramingOverhead))];
        var reported = new List<TbLogger.Records.TfRecordCorruptException>();
        var reader = new LogDirReader(temp.Path, new LogDirReaderOptions
        {
            MaxDegreeOfParallelism = threads,
            // With two threads, a run without damage would be read in stretches of 64 bytes.
            SegmentBytes = 64,
            SplitAfterScalars = 0,
            RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = reported.Add },
        });
        var points = reader.ReadScalars().ToList();
        Assert.AreEqual(0, reader.SegmentedReads, "a run with an event that does not decode is read on one thread (ScalarRuns.OneRun)");
        CollectionAssert.AreEqual(new[] { "\uFFFD@4=0", "\uFFFD@6=3", "grüße/ab@8=5" }, points.Select(p => $"{p.Tag}@{p.Step}={p.Value}").ToArray());
        CollectionAssert.AreEqual(new[] { offsets[1], offsets[2], offsets[4] }, reported.Select(r => r.Offset).ToArray());
        StringAssert.Contains(reported[0].Message, "String is invalid UTF-8");
        Assert.AreEqual(3L, reader.MalformedValues);
        // The value reads and the parser agree.
        reported.Clear();
        CollectionAssert.AreEqual(new[] { "\uFFFD@4", "\uFFFD@6", "grüße/ab@8" }, reader.Values(ReadFilter.All, kind: null).Select(v => $"{v.Tag}@{v.Step}").ToArray());
        CollectionAssert.AreEqual(new[] { offsets[1], offsets[2], offsets[4] }, reported.Select(r => r.Offset).ToArray());
        Assert.HasCount(3, TbLogger.Events.EventFileReader.Read(file, new() { SkipCorruptRecords = true }).ToList());
    }
}
