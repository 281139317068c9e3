using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Tests.Events;

[TestClass]
public sealed class ScalarEventEncoderTests
{
    private static byte[] Fast(string tag, double value, long step, double wall, ScalarEncoding encoding)
    {
        var buffer = new byte[ScalarEventEncoder.MaxEncodedLength(tag)];
        int length = new ScalarEventEncoder().Encode(tag, value, step, wall, encoding, buffer);
        return buffer[..length];
    }

    private static byte[] ViaProtobuf(string tag, double value, long step, double wall, ScalarEncoding encoding) =>
        new Event { WallTime = wall, Step = step, Summary = TbLogger.Summaries.Scalar(tag, value, encoding) }.ToByteArray();

    [TestMethod]
    public void MatchesGoogleProtobufByteForByte()
    {
        string[] tags = ["a", "train/loss", new string('t', 127), new string('u', 128), new string('v', 20_000), "grüße/日本語"];
        double[] values = [0, -0.0, 1, 0.25, -3.5e38, 1e-45, double.NaN, double.PositiveInfinity, double.NegativeInfinity, Math.PI];
        long[] steps = [0, 1, 127, 128, 1L << 40, -1, long.MaxValue, long.MinValue];
        double[] walls = [0, 1_700_000_000.125, -5];
        int cases = 0;
        foreach (var encoding in Enum.GetValues<ScalarEncoding>())
        foreach (var tag in tags)
        foreach (var value in values)
        foreach (var step in steps)
        foreach (var wall in walls)
        {
            CollectionAssert.AreEqual(ViaProtobuf(tag, value, step, wall, encoding), Fast(tag, value, step, wall, encoding),
                $"{encoding} tag.Length={tag.Length} value={value} step={step} wall={wall}");
            cases++;
        }
        Assert.AreEqual(3 * 6 * 10 * 8 * 3, cases);
    }

    [TestMethod]
    public void LaterValuesOfTagsOfEveryShortLengthMatchGoogleProtobuf()
    {
        // A later value copies the tag's cached prefix: 16-32 bytes inline, others by memmove. Tags of 1-40 characters
        // give prefixes on both sides of both edges in every encoding; each must be what Google.Protobuf writes.
        var encoder = new ScalarEventEncoder();
        var buffer = new byte[256];
        int inline = 0;
        foreach (var encoding in Enum.GetValues<ScalarEncoding>())
        {
            for (int length = 1; length <= 40; length++)
            {
                string tag = new string((char)('a' + encoding), length);
                encoder.Encode(tag, 1, 1, 1, encoding, buffer);
                var expected = new Event { WallTime = 2.5, Step = 300, Summary = TbLogger.Summaries.Scalar(tag, -0.75, encoding) };
                expected.Summary.Value[0].Metadata = null;
                buffer.AsSpan().Fill(0xA5);
                int written = encoder.Encode(tag, -0.75, 300, 2.5, encoding, buffer);
                CollectionAssert.AreEqual(expected.ToByteArray(), buffer[..written], $"{encoding} tag.Length={length}");
                // Nothing written past the event (a copy that overran its prefix would land there).
                Assert.AreEqual(-1, buffer.AsSpan(written).IndexOfAnyExcept((byte)0xA5), $"{encoding} tag.Length={length}: bytes past the event");
                // wall time (9 bytes), step (3) and the value (4 or 8) around the prefix
                int prefix = written - 12 - (encoding == ScalarEncoding.Float64Tensor ? 8 : 4);
                inline += prefix is >= 16 and <= 32 ? 1 : 0;
            }
        }
        // Both paths ran, each for many lengths.
        Assert.IsTrue(inline is > 30 and < 90, $"{inline} of 120 prefixes were 16-32 bytes");
    }

    [TestMethod]
    public void LaterValuesMatchGoogleProtobufWithoutMetadataByteForByte()
    {
        // A tag's later values come from bytes cached per tag and encoding: every one must still be exactly what
        // Google.Protobuf writes for the event without metadata, whatever the tag, value, step, wall time and
        // encoding, including a tag whose encoding changes between values.
        string[] tags = ["a", "train/loss", new string('t', 127), new string('u', 128), new string('v', 20_000), "grüße/日本語"];
        double[] values = [0, -0.0, 1, 0.25, -3.5e38, 1e-45, double.NaN, double.PositiveInfinity, Math.PI];
        long[] steps = [0, 1, 127, 128, 1L << 40, -1, long.MinValue];
        double[] walls = [0, 1_700_000_000.125, -5];
        var encoder = new ScalarEventEncoder();
        var buffer = new byte[ScalarEventEncoder.MaxEncodedLength(tags[4])];
        int cases = 0;
        foreach (var tag in tags)
        {
            // The first value carries the metadata; a copy of the tag (another string instance) is the same tag.
            encoder.Encode(tag, 1, 1, 1, ScalarEncoding.Float32Tensor, buffer);
            foreach (var value in values)
            foreach (var step in steps)
            foreach (var wall in walls)
            foreach (var encoding in Enum.GetValues<ScalarEncoding>())
            foreach (var instance in new[] { tag, new string(tag.AsSpan()) })
            {
                var expected = new Event { WallTime = wall, Step = step, Summary = TbLogger.Summaries.Scalar(tag, value, encoding) };
                expected.Summary.Value[0].Metadata = null;
                int length = encoder.Encode(instance, value, step, wall, encoding, buffer);
                CollectionAssert.AreEqual(expected.ToByteArray(), buffer[..length],
                    $"{encoding} tag.Length={tag.Length} value={value} step={step} wall={wall}");
                cases++;
            }
        }
        Assert.AreEqual(6 * 9 * 7 * 3 * 3 * 2, cases);
    }

    [TestMethod]
    public void ManyTagsEachGetTheirMetadataOnceWhateverTheirIdentityCacheSlot()
    {
        // More tags than the identity cache has slots, interleaved: each tag's first value (and only that) has metadata.
        var encoder = new ScalarEventEncoder();
        var buffer = new byte[256];
        string[] tags = Enumerable.Range(0, 300).Select(i => $"tag/{i}").ToArray();
        for (int round = 0; round < 3; round++)
        {
            foreach (var tag in tags)
            {
                var decoded = Event.Parser.ParseFrom(buffer, 0, encoder.Encode(tag, round, round, 2.0, ScalarEncoding.Float32Tensor, buffer));
                Assert.AreEqual(tag, decoded.Summary.Value[0].Tag);
                Assert.AreEqual((float)round, decoded.Summary.Value[0].Tensor.FloatVal[0]);
                Assert.AreEqual(round == 0, decoded.Summary.Value[0].Metadata is not null, $"{tag} round {round}");
            }
        }
    }

    [TestMethod]
    public void WritesATagsMetadataOnlyWithItsFirstValue()
    {
        var encoder = new ScalarEventEncoder();
        var buffer = new byte[256];
        foreach (var encoding in Enum.GetValues<ScalarEncoding>())
        {
            string tag = "loss/" + encoding;
            var first = Event.Parser.ParseFrom(buffer, 0, encoder.Encode(tag, 0.5, 1, 3.0, encoding, buffer));
            Assert.AreEqual(PluginNames.Scalars, first.Summary.Value[0].Metadata.PluginData.PluginName);

            int length = encoder.Encode(tag, 0.75, 2, 4.0, encoding, buffer);
            var expected = new Event { WallTime = 4.0, Step = 2, Summary = TbLogger.Summaries.Scalar(tag, 0.75, encoding) };
            expected.Summary.Value[0].Metadata = null;
            CollectionAssert.AreEqual(expected.ToByteArray(), buffer[..length], encoding.ToString());
        }
        // Another tag still gets its own metadata once, and a new encoder (a new file) starts over.
        var other = Event.Parser.ParseFrom(buffer, 0, encoder.Encode("acc", 1, 3, 5.0, ScalarEncoding.Float32Tensor, buffer));
        Assert.IsNotNull(other.Summary.Value[0].Metadata);
        var fresh = Event.Parser.ParseFrom(buffer, 0, new ScalarEventEncoder().Encode("loss/Float32Tensor", 1, 3, 5.0, ScalarEncoding.Float32Tensor, buffer));
        Assert.AreEqual(DataClass.Scalar, fresh.Summary.Value[0].Metadata.DataClass);
        // 9-byte tag: the metadata costs 15 bytes, and without it a DT_FLOAT tensor event is 5 bytes longer than the
        // simple_value one PyTorch writes (a 10-byte tensor field against a 5-byte float field).
        int withMetadata = encoder.Encode("train/acc", 0.5, 1000, 1_700_000_000.5, ScalarEncoding.Float32Tensor, buffer);
        int plain = encoder.Encode("train/acc", 0.5, 1000, 1_700_000_000.5, ScalarEncoding.Float32Tensor, buffer);
        int simple = encoder.Encode("train/acc", 0.5, 1000, 1_700_000_000.5, ScalarEncoding.SimpleValue, buffer);
        Assert.AreEqual(15, withMetadata - plain);
        Assert.AreEqual(5, plain - simple);
    }

    [TestMethod]
    public void ALaterValueRefusesADestinationOneByteShortAndWritesNothing()
    {
        // A later value is written by offset after one length check: a destination one byte short of the event is
        // refused with the sizes named, before any byte of it is touched; the exact size works.
        var encoder = new ScalarEventEncoder();
        var buffer = new byte[256];
        encoder.Encode("train/loss", 0.5, 1, 3.0, ScalarEncoding.Float32Tensor, buffer); // the first value, with metadata
        int needed = encoder.Encode("train/loss", 0.75, 2, 4.0, ScalarEncoding.Float32Tensor, buffer);
        byte[] expected = buffer[..needed];
        Assert.AreEqual(9 + 2 + 2 + 2 + 12 + 10, needed); // wall, step, summary and value headers, tag field, tensor field
        var shortDestination = new byte[needed - 1];
        Array.Fill(shortDestination, (byte)0xEE);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => encoder.Encode("train/loss", 0.75, 2, 4.0, ScalarEncoding.Float32Tensor, shortDestination));
        Assert.AreEqual($"The event needs {needed} bytes; the destination has {needed - 1}. (Parameter 'destination')", ex.Message);
        Assert.IsTrue(shortDestination.All(b => b == 0xEE));
        var exact = new byte[needed];
        Assert.AreEqual(needed, encoder.Encode("train/loss", 0.75, 2, 4.0, ScalarEncoding.Float32Tensor, exact));
        CollectionAssert.AreEqual(expected, exact);
    }

    [TestMethod]
    public void EncodesAScalarEventAsTheHandBuiltWireBytes()
    {
        // Event{wall_time=2.0, step=10, summary{value{tag="loss", tensor{DT_FLOAT, no shape (rank 0), float_val 0.25},
        // metadata{plugin_data{plugin_name="scalars"}, data_class=SCALAR}}}}, assembled field by field.
        byte[] wall = [0x09, 0, 0, 0, 0, 0, 0, 0, 0x40];                 // field 1, fixed64: 2.0
        byte[] step = [0x10, 0x0A];                                      // field 2, varint 10
        byte[] tag = [0x0A, 0x04, (byte)'l', (byte)'o', (byte)'s', (byte)'s'];
        byte[] tensor = [0x42, 0x08, 0x08, 0x01, 0x2A, 0x04, 0x00, 0x00, 0x80, 0x3E]; // 0.25f = 0x3E800000
        byte[] metadata = [0x4A, 0x0D, 0x0A, 0x09, 0x0A, 0x07, .. "scalars"u8, 0x20, 0x01];
        byte[] value = [.. tag, .. tensor, .. metadata];
        byte[] summary = [0x0A, (byte)value.Length, .. value];
        byte[] expected = [.. wall, .. step, 0x2A, (byte)summary.Length, .. summary];

        CollectionAssert.AreEqual(expected, Fast("loss", 0.25, 10, 2.0, ScalarEncoding.Float32Tensor));
        var parsed = Event.Parser.ParseFrom(expected);
        Assert.AreEqual(0.25f, parsed.Summary.Value[0].Tensor.FloatVal[0]);
        Assert.AreEqual(10L, parsed.Step);
    }
}
