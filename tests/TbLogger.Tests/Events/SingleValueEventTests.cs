using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Tests.Events;

/// <summary>The replay's encoding of a one-value event is byte for byte the generated code's encoding of that event.</summary>
[TestClass]
public sealed class SingleValueEventTests
{
    [TestMethod]
    public void EncodesWhatTheGeneratedCodeEncodesForEveryStepWallTimeAndValueKind()
    {
        long[] steps = [0, 1, -1, 127, 128, long.MaxValue, long.MinValue];
        double[] wallTimes = [0, -0.0, 1_700_000_000.25, double.NaN, double.PositiveInfinity, -5e-324];
        var metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars" } };
        var values = new Func<Summary.Types.Value>[]
        {
            () => new Summary.Types.Value { Tag = "loss", SimpleValue = 0.5f },
            () => new Summary.Types.Value { Tag = "", SimpleValue = 0 },
            () => new Summary.Types.Value { Tag = "acc", Metadata = metadata.Clone(), Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 0.25f } } },
            () => new Summary.Types.Value { Tag = "text/ü", Tensor = new TensorProto { Dtype = DataType.DtString, StringVal = { ByteString.CopyFromUtf8("hi") }, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } } } },
            // A value of 200 bytes: its length and the summary's take two bytes each.
            () => new Summary.Types.Value { Tag = new string('t', 190), SimpleValue = 1 },
            () => new Summary.Types.Value { Tag = "h", Histo = new HistogramProto { Min = -1, Max = 1, Num = 3, Bucket = { 1, 2 }, BucketLimit = { 0, 1 } } },
        };
        int cases = 0;
        foreach (long step in steps)
        {
            foreach (double wallTime in wallTimes)
            {
                foreach (var value in values)
                {
                    byte[] expected = new Event { Step = step, WallTime = wallTime, Summary = new Summary { Value = { value() } } }.ToByteArray();
                    byte[] actual = SingleValueEvent.Encode(step, wallTime, value());
                    CollectionAssert.AreEqual(expected, actual, $"step {step}, wall time {wallTime}, value {value()}");
                    cases++;
                }
            }
        }
        Assert.AreEqual(steps.Length * wallTimes.Length * values.Length, cases);
        // -0.0 is left out as 0 is, and a zero step too: the smallest event is the summary of one empty value.
        CollectionAssert.AreEqual(new byte[] { 42, 2, 10, 0 }, SingleValueEvent.Encode(0, -0.0, new Summary.Types.Value { Tag = "" }));
    }

    [TestMethod]
    public void EncodesATagAndAValueFieldAsTheGeneratedCodeEncodesTheValue()
    {
        // The fields after the tag that the scalar layouts hold (EventShape.MatchScalar), the field given as bytes.
        var fields = new Func<Summary.Types.Value>[]
        {
            () => new Summary.Types.Value { SimpleValue = -0.0f },
            () => new Summary.Types.Value { SimpleValue = float.NaN },
            () => new Summary.Types.Value { Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 0f } } },
            () => new Summary.Types.Value { Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 3.5f }, TensorShape = new TensorShapeProto() } },
            () => new Summary.Types.Value { Tensor = new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { double.MaxValue } } },
            () => new Summary.Types.Value { Tensor = new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { -1e-300 }, TensorShape = new TensorShapeProto() } },
        };
        // Empty (left out), ASCII, non-ASCII, a lone surrogate (encoded as U+FFFD by both), and 130 bytes (a two-byte length,
        // the value's and the summary's too).
        string[] tags = ["", "loss", "ü/größe", "bad\uD800", new string('t', 130)];
        long[] steps = [0, 1, -1, 300, long.MaxValue];
        double[] wallTimes = [0, -0.0, 1_700_000_000.25, double.NaN];
        int cases = 0;
        for (int f = 0; f < fields.Length; f++)
        {
            var field = fields[f];
            byte[] valueField = field().ToByteArray();
            foreach (string tag in tags)
            {
                foreach (long step in steps)
                {
                    foreach (double wallTime in wallTimes)
                    {
                        var value = field();
                        value.Tag = tag;
                        byte[] expected = new Event { Step = step, WallTime = wallTime, Summary = new Summary { Value = { value } } }.ToByteArray();
                        // (A value's ToString would throw on the lone surrogate: the message names the case instead.)
                        CollectionAssert.AreEqual(expected, SingleValueEvent.Encode(step, wallTime, tag, valueField), $"field {f}, tag of {tag.Length} chars, step {step}, wall time {wallTime}");
                        cases++;
                    }
                }
            }
        }
        Assert.AreEqual(fields.Length * tags.Length * steps.Length * wallTimes.Length, cases);
    }

    [TestMethod]
    public void ANullValueIsRefused()
    {
        var error = Assert.ThrowsExactly<ArgumentNullException>(() => SingleValueEvent.Encode(1, 2, null!));
        Assert.AreEqual("value", error.ParamName);
    }
}
