using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// A record of millions of tiny elements (empty summary values, shape dimensions, unknown fields, groups, tensors)
/// costs a small multiple of its size, on every reading path.
/// </summary>
[TestClass]
public sealed class DecodeMemoryBoundTests
{
    /// <summary>An Event { step: 1, summary: { value {} × count } } record, as raw protobuf bytes.</summary>
    private static byte[] EmptyValuesEvent(int count)
    {
        var summary = new byte[2 * count];
        for (int i = 0; i < count; i++)
        {
            summary[2 * i] = 0x0A; // Summary.value, length-delimited
        }
        using var ms = new MemoryStream();
        ms.Write([0x10, 0x01]); // step = 1
        ms.WriteByte(0x2A); // Event.summary (field 5), length-delimited
        ulong length = (ulong)summary.Length;
        while (length >= 0x80)
        {
            ms.WriteByte((byte)(length | 0x80));
            length >>= 7;
        }
        ms.WriteByte((byte)length);
        ms.Write(summary);
        return ms.ToArray();
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7)
        {
            bytes.Add((byte)(value | 0x80));
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }

    /// <summary>Field <paramref name="field"/>, length-delimited, holding <paramref name="payload"/>.</summary>
    private static byte[] Field(int field, byte[] payload) => [.. Varint((ulong)(field << 3 | 2)), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Repeat(byte[] unit, int count)
    {
        var bytes = new byte[unit.Length * count];
        for (int i = 0; i < count; i++)
        {
            unit.CopyTo(bytes, i * unit.Length);
        }
        return bytes;
    }

    /// <summary>Event { step: 1, summary { value { tag: "t", tensor: <paramref name="tensor"/> } } }.</summary>
    private static byte[] TensorEvent(byte[] tensor) => [0x10, 0x01, .. Field(5, Field(1, [.. Field(1, "t"u8.ToArray()), .. Field(8, tensor)]))];

    /// <summary>
    /// Records of <paramref name="count"/> small elements each, by name: the hostile layouts (many elements the parser
    /// allocates for, from a few bytes each) and the densest real ones.
    /// </summary>
    private static byte[] Layout(string name, int count) => name switch
    {
        "empty shape dimensions" => TensorEvent([0x08, 0x01, .. Field(2, Repeat([0x12, 0x00], count))]),
        "unknown empty fields in the event" => [0x10, 0x01, .. Repeat([0x7A, 0x00], count)],
        "unknown empty fields in a value" => [0x10, 0x01, .. Field(5, Field(1, [.. Field(1, "t"u8.ToArray()), .. Repeat([0x7A, 0x00], count)]))],
        "empty groups" => [0x10, 0x01, .. Repeat([0x7B, 0x7C], count)],
        "empty tensors in a variant" => TensorEvent([0x08, 0x15, .. Field(15, Repeat([0x1A, 0x00], count))]),
        "empty resource handles" => TensorEvent([0x08, 0x14, .. Repeat([0x72, 0x00], count)]),
        "values of empty tensors" => [0x10, 0x01, .. Field(5, Repeat(Field(1, [.. Field(1, "abcd"u8.ToArray()), 0x42, 0x00]), count))],
        "empty strings" => TensorEvent([0x08, 0x07, .. Repeat([0x42, 0x00], count)]),
        "one-letter strings" => TensorEvent([0x08, 0x07, .. Repeat([0x42, 0x01, 0x41], count)]),
        "scalar tensors with short tags" => [0x10, 0x01, .. Field(5, Repeat(Field(1, [.. Field(1, "a/b"u8.ToArray()), .. Field(8, [0x08, 0x01, 0x12, 0x00, 0x2D, 0, 0, 0x80, 0x3F])]), count))],
        "packed one-byte int64s" => TensorEvent([0x08, 0x09, .. Field(10, Repeat([0x01], count))]),
        "packed one-byte int32s" => TensorEvent([0x08, 0x03, .. Field(7, Repeat([0x01], count))]),
        "unpacked floats" => TensorEvent([0x08, 0x01, .. Repeat([0x2D, 0, 0, 0x80, 0x3F], count)]),
        "254 shape dimensions" => TensorEvent([0x08, 0x01, .. Field(2, Repeat([0x12, 0x02, 0x08, 0x01], 254)), .. Repeat([0x2D, 0, 0, 0x80, 0x3F], count)]),
        "int64 scalar tensors with one-letter tags" => [0x10, 0x01, .. Field(5, Repeat(Field(1, [.. Field(1, "a"u8.ToArray()), .. Field(8, [0x08, 0x09, 0x12, 0x00, 0x52, 0x01, 0x05])]), count))],
        "distinct unknown fields" => [0x10, 0x01, .. Enumerable.Range(0, count).SelectMany(i => (byte[])[.. Varint((ulong)((16 + i) << 3 | 2)), 0x00])],
        "repeated summaries" => [0x10, 0x01, .. Repeat([0x2A, 0x02, 0x0A, 0x00], count)],
        // One value of a six-letter tag each: fewer values than the count allows, so the oneof rule is what refuses it.
        "repeated summaries of one named value" => [0x10, 0x01, .. Repeat([0x2A, 0x0A, 0x0A, 0x08, .. Field(1, "abcdef"u8.ToArray())], count)],
        "repeated tensors in a value" => [0x10, 0x01, .. Field(5, Field(1, [.. Field(1, "t"u8.ToArray()), .. Repeat(Field(8, [0x52, 0x04, 1, 2, 3, 4]), count)]))],
        "repeated experiments in hparams content" => [0x10, 0x01, .. Field(5, Field(1, [.. Field(1, "h"u8.ToArray()), .. Field(9, Field(1, [.. Field(1, "hparams"u8.ToArray()), .. Field(2, Repeat([0x12, 0x02, 0x22, 0x00], count))]))]))],
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [TestMethod]
    [DataRow("empty shape dimensions", "a tensor shape of more than 254 dimensions (TensorFlow's limit)")]
    [DataRow("repeated summaries", "a summary of more than 50000 values in 400002 bytes (at most one value per 8 bytes is decoded)")]
    [DataRow("repeated summaries of one named value", "field 5 of Event given more than once (a oneof member, which the parser would copy at every repeat)")]
    [DataRow("repeated tensors in a value", "field 8 of Value given more than once (a oneof member, which the parser would copy at every repeat)")]
    [DataRow("repeated experiments in hparams content", "field 2 of HParamsData given more than once (a oneof member, which the parser would copy at every repeat)")]
    [DataRow("unknown empty fields in the event", null)]
    [DataRow("unknown empty fields in a value", null)]
    [DataRow("empty groups", null)]
    [DataRow("empty tensors in a variant", null)]
    public void Records_of_many_tiny_elements_the_parser_allocates_for_are_over_the_budget(string layout, string? rule)
    {
        byte[] record = Layout(layout, 100_000);
        string? problem = TbLogger.Reading.EventBudget.Problem(record);
        Assert.AreEqual(rule ?? $"a record of {record.Length} bytes whose objects would cost more than 96 times its size (its elements are too many and too small: unknown fields, strings or shape dimensions)", problem);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void The_values_of_a_summary_beside_another_oneof_member_are_counted_too(bool summaryFirst)
    {
        // The parser keeps both (file_version, then the summary, or the other way round); the header names only one of
        // them, and the value count once looked only at the summary the header named.
        byte[] summary = Field(5, Repeat([0x0A, 0x00], 100_000));
        byte[] version = Field(3, "x"u8.ToArray());
        byte[] record = summaryFirst ? [0x10, 0x01, .. summary, .. version] : [0x10, 0x01, .. version, .. summary];
        Assert.AreEqual(
            $"a summary of more than {record.Length / TbLogger.Reading.EventBudget.MinBytesPerValue} values in {record.Length} bytes (at most one value per 8 bytes is decoded)",
            TbLogger.Reading.EventBudget.Problem(record));
    }

    [TestMethod]
    [DataRow("empty strings")]
    [DataRow("one-letter strings")]
    [DataRow("scalar tensors with short tags")]
    [DataRow("packed one-byte int64s")]
    [DataRow("packed one-byte int32s")]
    [DataRow("unpacked floats")]
    [DataRow("254 shape dimensions")]
    [DataRow("int64 scalar tensors with one-letter tags")]
    [DataRow("values of empty tensors")]
    [DataRow("empty resource handles")]
    [DataRow("distinct unknown fields")]
    public void The_densest_records_within_the_budget_cost_what_it_estimates_at_most(string layout)
    {
        byte[] record = Layout(layout, 100_000);
        Assert.IsNull(TbLogger.Reading.EventBudget.Problem(record));
        long estimate = TbLogger.Reading.EventCost.Of(record, long.MaxValue, out string? problem);
        Assert.IsNull(problem);
        long allocated = ParseAllocation(record);
        Assert.IsLessThanOrEqualTo(estimate, allocated, $"estimated {estimate}, allocated {allocated} for {record.Length} bytes");
        Assert.IsLessThanOrEqualTo(TbLogger.Reading.EventBudget.MaxCostPerByte * (long)record.Length, allocated);
    }

    [TestMethod]
    [DataRow("unknown empty fields in the event")]
    [DataRow("unknown empty fields in a value")]
    [DataRow("empty groups")]
    [DataRow("empty tensors in a variant")]
    [DataRow("empty resource handles")]
    [DataRow("values of empty tensors")]
    [DataRow("distinct unknown fields")]
    [DataRow("empty shape dimensions")]
    public void The_estimate_of_every_hostile_layout_is_no_lower_than_what_parsing_it_allocates(string layout)
    {
        byte[] record = Layout(layout, 20_000);
        long estimate = TbLogger.Reading.EventCost.Of(record, long.MaxValue, out _);
        if (layout == "empty shape dimensions")
        {
            Assert.AreEqual(-1L, estimate, "refused by the rank rule, not by cost");
            return;
        }
        long allocated = ParseAllocation(record);
        Assert.IsLessThanOrEqualTo(estimate, allocated, $"estimated {estimate}, allocated {allocated} for {record.Length} bytes");
    }

    /// <summary>Bytes the protobuf parser allocates to parse <paramref name="record"/> (after a warm-up parse).</summary>
    private static long ParseAllocation(byte[] record)
    {
        _ = Protos.Event.Parser.ParseFrom(record);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = Protos.Event.Parser.ParseFrom(record);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(parsed);
        return allocated;
    }

    private static void WriteRun(string directory, params byte[][] records)
    {
        Directory.CreateDirectory(directory);
        using var stream = File.Create(Path.Combine(directory, "events.out.tfevents.1.host"));
        using var writer = new TfRecordWriter(stream);
        foreach (byte[] record in records)
        {
            writer.Write(record);
        }
    }

    [TestMethod]
    [DataRow("empty values")]
    [DataRow("empty shape dimensions")]
    [DataRow("unknown empty fields in the event")]
    [DataRow("empty groups")]
    [DataRow("empty tensors in a variant")]
    [DataRow("repeated summaries")]
    public void Eight_million_tiny_elements_in_16_MiB_are_read_by_every_path_under_a_192_MiB_heap(string layout)
    {
        using var dir = new TempDirectory();
        var good = new Protos.Event { Step = 2, WallTime = 1, Summary = new Protos.Summary { Value = { new Protos.Summary.Types.Value { Tag = "loss", SimpleValue = 0.25f } } } };
        const int Elements = 8 * 1024 * 1024;
        byte[] hostile = layout == "empty values" ? EmptyValuesEvent(Elements) : Layout(layout, Elements);
        WriteRun(dir.Combine("logs", "run"), hostile, Google.Protobuf.MessageExtensions.ToByteArray(good));
        string child = Path.Combine(AppContext.BaseDirectory, "TbLogger.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { child, "read", dir.Combine("logs"), dir.Combine("replayed") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_GCHeapHardLimit"] = "0xC000000"; // 192 MiB: 12 times the record
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(120_000), "the reading child did not finish");

        Assert.AreEqual(0, process.ExitCode, $"stdout: {output}\nstderr: {stderr.Result}");
        // ReadEvents and EventFileReader each keep the good event (2) and skip the hostile one.
        StringAssert.Contains(output, "events 2\n");
        StringAssert.Contains(output, "scalars 1 text 0\n");
        StringAssert.Contains(output, "verify 1\n");
    }

    [TestMethod]
    public void A_record_over_the_value_budget_is_an_invalid_payload_naming_file_and_offset()
    {
        using var dir = new TempDirectory();
        byte[] hostile = EmptyValuesEvent(4096); // 8 KiB: 4096 values, budget max(1024, 8197 / 8) = 1024
        byte[] fine = EmptyValuesEvent(1000);
        WriteRun(dir.Path, fine, hostile);
        string file = Path.Combine(dir.Path, "events.out.tfevents.1.host");

        using var reader = new EventFileReader(file);
        Assert.IsTrue(reader.TryReadNext(out var first));
        Assert.HasCount(1000, first.Summary.Value);
        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.TryReadNext(out _));

        Assert.AreEqual(TfRecordCorruption.InvalidPayload, ex.Corruption);
        Assert.AreEqual((long)fine.Length + TfRecordWriter.FramingOverhead, ex.Offset);
        StringAssert.Contains(ex.Message, "a summary of more than 1024 values in 8197 bytes");
    }

    [TestMethod]
    public void Parsing_a_record_within_the_budget_allocates_at_most_16_times_its_size()
    {
        // The worst case the budget admits: exactly one tiny value per 8 bytes (a one-letter tag, no value).
        var summary = new Protos.Summary();
        for (int i = 0; i < 100_000; i++)
        {
            summary.Value.Add(new Protos.Summary.Types.Value { Tag = "abcd" });
        }
        byte[] record = Google.Protobuf.MessageExtensions.ToByteArray(new Protos.Event { Step = 1, Summary = summary });
        Assert.IsNull(TbLogger.Reading.EventBudget.Problem(record));
        _ = Protos.Event.Parser.ParseFrom(record); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = Protos.Event.Parser.ParseFrom(record);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.HasCount(100_000, parsed.Summary.Value);
        Assert.IsLessThan(16L * record.Length, allocated, $"{allocated} bytes for a record of {record.Length}");
    }
}
