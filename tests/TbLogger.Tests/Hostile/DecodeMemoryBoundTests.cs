using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>A record of millions of empty summary values costs a small multiple of its size, on every reading path.</summary>
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
    public void Eight_million_empty_values_in_16_MiB_are_read_by_every_path_under_a_192_MiB_heap()
    {
        using var dir = new TempDirectory();
        var good = new Protos.Event { Step = 2, WallTime = 1, Summary = new Protos.Summary { Value = { new Protos.Summary.Types.Value { Tag = "loss", SimpleValue = 0.25f } } } };
        WriteRun(dir.Combine("logs", "run"), EmptyValuesEvent(8 * 1024 * 1024), Google.Protobuf.MessageExtensions.ToByteArray(good));
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
