using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>
/// The scans' inlined fast paths (<see cref="TfRecordReader.TryTakeBuffered"/>, <see cref="EventWire.TryReadSummaryHeader"/>)
/// give exactly what the general paths give, and decline (consuming nothing) wherever they are not sure.
/// </summary>
[TestClass]
public sealed class RecordFastPathTests
{
    private static readonly long[] Steps = [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 1L << 40, long.MaxValue, -1];

    [TestMethod]
    public void The_summary_header_fast_path_equals_the_general_decoder_for_steps_below_two_to_the_21()
    {
        foreach (long step in Steps)
        {
            foreach (int tagLength in new[] { 1, 9, 200, 20_000 })
            {
                var e = new Event { WallTime = 1_700_000_000.25, Step = step, Summary = new Summary() };
                e.Summary.Value.Add(new Summary.Types.Value { Tag = new string('t', tagLength), SimpleValue = 0.5f });
                byte[] bytes = e.ToByteArray();
                Assert.IsTrue(EventWire.TryReadHeader(bytes, out EventHeader general));
                bool fast = EventWire.TryReadSummaryHeader(bytes, out EventHeader quick);
                // Steps of up to three varint bytes are taken; longer ones (negative steps take ten) and step 0, which
                // proto3 leaves out, are left to the general decoder.
                Assert.AreEqual(step is > 0 and < 1L << 21, fast, $"step {step}, tag of {tagLength} bytes");
                if (fast)
                {
                    Assert.AreEqual(general, quick, $"step {step}, tag of {tagLength} bytes");
                    Assert.AreEqual(step, quick.Step);
                    Assert.AreEqual(EventKind.Summary, quick.Kind);
                    Assert.AreEqual(bytes.Length - quick.PayloadLength, quick.PayloadStart);
                }
            }
        }
    }

    [TestMethod]
    public void The_summary_header_fast_path_declines_other_layouts_and_never_disagrees_on_damaged_bytes()
    {
        // No wall time (proto3 leaves out 0), no step, not a summary, a field after the summary: the general decoder's.
        Event[] others =
        [
            new Event { Step = 5, Summary = new Summary() },
            new Event { WallTime = 2, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "a", SimpleValue = 1 } } } },
            new Event { WallTime = 2, Step = 5, FileVersion = "brain.Event:2" },
        ];
        foreach (Event other in others)
        {
            byte[] bytes = other.ToByteArray();
            Assert.IsTrue(EventWire.TryReadHeader(bytes, out _));
            Assert.IsFalse(EventWire.TryReadSummaryHeader(bytes, out _), other.ToString());
        }
        byte[] trailing = [.. new Event { WallTime = 2, Step = 5, Summary = new Summary() }.ToByteArray(), 0x10, 0x07];
        Assert.IsFalse(EventWire.TryReadSummaryHeader(trailing, out _));

        // Every prefix and every one-byte change of a summary event: where the fast path answers, the general one agrees.
        var e = new Event { WallTime = 3.5, Step = 300_000, Summary = new Summary() };
        e.Summary.Value.Add(new Summary.Types.Value { Tag = "loss", SimpleValue = 2 });
        byte[] good = e.ToByteArray();
        int answered = 0;
        for (int length = 0; length <= good.Length; length++)
        {
            answered += Agrees(good.AsSpan(0, length).ToArray());
        }
        for (int at = 0; at < good.Length; at++)
        {
            foreach (byte value in new byte[] { 0x00, 0x7F, 0x80, 0xFF, (byte)(good[at] ^ 0x01) })
            {
                byte[] changed = (byte[])good.Clone();
                changed[at] = value;
                answered += Agrees(changed);
            }
        }
        // The untouched event, and changes inside the wall time, step bits and summary bytes that keep the layout.
        Assert.IsTrue(answered > good.Length, $"{answered} answers");

        static int Agrees(byte[] bytes)
        {
            if (!EventWire.TryReadSummaryHeader(bytes, out EventHeader quick))
            {
                return 0;
            }
            Assert.IsTrue(EventWire.TryReadHeader(bytes, out EventHeader general), Convert.ToHexString(bytes));
            Assert.AreEqual(general, quick, Convert.ToHexString(bytes));
            return 1;
        }
    }

    [TestMethod]
    public void The_buffered_fast_path_takes_whole_verified_records_and_otherwise_consumes_nothing()
    {
        byte[][] records = [[1, 2, 3], new byte[300], [9]];
        byte[] file = Framed(records);
        using var reader = new TfRecordReader(new MemoryStream(file));
        // Nothing is buffered before the first read: declined, nothing consumed.
        Assert.IsFalse(reader.TryTakeBuffered(out _, out _, out _));
        Assert.AreEqual(0, reader.Position);
        Assert.IsTrue(reader.TryReadNextInPlace(out _, out _, out _));
        // The whole file is in the buffer now: the next records come from the fast path, exactly as framed.
        long position = reader.Position;
        for (int i = 1; i < records.Length; i++)
        {
            Assert.IsTrue(reader.TryTakeBuffered(out byte[] buffer, out int start, out int length));
            CollectionAssert.AreEqual(records[i], buffer.AsSpan(start, length).ToArray());
            position += records[i].Length + TfRecordWriter.FramingOverhead;
            Assert.AreEqual(position, reader.Position);
            Assert.AreEqual(i + 1, reader.RecordsRead);
        }
        Assert.IsFalse(reader.TryTakeBuffered(out _, out _, out _));
        Assert.IsFalse(reader.TryReadNextInPlace(out _, out _, out _));
        Assert.IsFalse(reader.IsTruncated);
    }

    [TestMethod]
    public void Damaged_truncated_and_oversized_records_are_left_to_the_general_path_which_reports_them_where_they_are()
    {
        byte[][] records = [[1, 2, 3], [4, 5, 6, 7], [8]];
        int second = records[0].Length + TfRecordWriter.FramingOverhead;

        // A changed data byte, a changed length CRC, a record over the limit, a truncated tail.
        (string Name, Func<byte[], byte[]> Damage, TfRecordReaderOptions Options, TfRecordCorruption? Expected)[] cases =
        [
            ("data", f => Flip(f, second + TfRecordWriter.HeaderLength + 1), TfRecordReaderOptions.Default, TfRecordCorruption.DataCrcMismatch),
            ("length crc", f => Flip(f, second + 9), TfRecordReaderOptions.Default, TfRecordCorruption.LengthCrcMismatch),
            ("limit", f => f, TfRecordReaderOptions.Default with { MaxRecordLength = 3 }, TfRecordCorruption.LengthOverLimit),
            ("truncated", f => f[..(second + 6)], TfRecordReaderOptions.Default, null),
        ];
        foreach (var (name, damage, options, expected) in cases)
        {
            using var reader = new TfRecordReader(new MemoryStream(damage(Framed(records))), options);
            Assert.IsTrue(reader.TryReadNextInPlace(out _, out _, out _), name);
            Assert.IsFalse(reader.TryTakeBuffered(out _, out _, out _), name);
            Assert.AreEqual(second, reader.Position, name);
            Assert.AreEqual(1, reader.RecordsRead, name);
            if (expected is { } corruption)
            {
                var error = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.TryReadNextInPlace(out _, out _, out _), name);
                Assert.AreEqual(corruption, error.Corruption, name);
                Assert.AreEqual(second, error.Offset, name);
            }
            else
            {
                Assert.IsFalse(reader.TryReadNextInPlace(out _, out _, out _), name);
                Assert.IsTrue(reader.IsTruncated, name);
                Assert.AreEqual(second, reader.TruncatedAt, name);
                // Stopped at a truncated tail: the fast path stays out until the general path has read on.
                Assert.IsFalse(reader.TryTakeBuffered(out _, out _, out _), name);
            }
        }
    }

    [TestMethod]
    public void A_damaged_length_is_declined_and_the_general_path_resynchronises_to_the_next_record()
    {
        byte[][] records = [[1, 2, 3], [4, 5, 6, 7], [8, 9]];
        int second = records[0].Length + TfRecordWriter.FramingOverhead;
        // The second record's length is damaged: skipping resynchronises byte by byte up to the third record.
        byte[] file = Flip(Framed(records), second);
        var reports = new List<TfRecordCorruptException>();
        using var reader = new TfRecordReader(new MemoryStream(file), TfRecordReaderOptions.Default with { SkipCorruptRecords = true, OnCorruptRecord = reports.Add });
        Assert.IsTrue(reader.TryReadNextInPlace(out _, out _, out _));
        Assert.IsFalse(reader.TryTakeBuffered(out _, out _, out _));
        Assert.IsTrue(reader.TryReadNextInPlace(out byte[] buffer, out int start, out int length));
        CollectionAssert.AreEqual(records[2], buffer.AsSpan(start, length).ToArray());
        Assert.AreEqual(TfRecordCorruption.LengthCrcMismatch, reports[0].Corruption);
        Assert.AreEqual(second, reports[0].Offset);
    }

    [TestMethod]
    public void The_cursor_gives_every_record_its_file_offset_and_ordinal_across_undecodable_and_damaged_records()
    {
        // Two files of summary events (steps the inline header decoder takes and ones it leaves to the general decoder),
        // with a record that verifies but is not an Event (it takes an ordinal when skipped) and one whose data is
        // damaged (the framing reader skips it: no ordinal) in the first file, among enough records to refill the
        // framing reader's buffer many times.
        long[] steps = [1, 5, 0, 3_000_000, -7, 2_097_151, 1L << 40];
        byte[] EventAt(int i) => new Event { WallTime = 1_700_000_000 + i, Step = steps[i % steps.Length] + i, Summary = new Summary { Value = { new Summary.Types.Value { Tag = $"t{i % 3}", SimpleValue = i } } } }.ToByteArray();
        byte[] notAnEvent = [0xFF, 0xFF, 0xFF];
        List<byte[]> first = [new Event { WallTime = 1, FileVersion = "brain.Event:2" }.ToByteArray(), .. Enumerable.Range(0, 2_000).Select(EventAt)];
        first.Insert(700, notAnEvent);
        int damaged = 1_500;
        List<byte[]> second = [.. Enumerable.Range(2_000, 1_000).Select(EventAt)];

        using var directory = new TempDirectory();
        string firstPath = directory.Combine("events.out.tfevents.1.host");
        string secondPath = directory.Combine("events.out.tfevents.2.host");
        long damagedAt = first.Take(damaged).Sum(r => (long)r.Length + TfRecordWriter.FramingOverhead);
        File.WriteAllBytes(firstPath, Flip(Framed([.. first]), (int)damagedAt + TfRecordWriter.HeaderLength + 1));
        File.WriteAllBytes(secondPath, Framed([.. second]));

        // The reference: every record's file, offset and ordinal from the lists themselves.
        var expected = new List<(string File, long Offset, long Ordinal, long Step)>();
        long ordinal = 0;
        long notAnEventAt = -1;
        foreach (var (path, records, skip) in new[] { (firstPath, first, damaged), (secondPath, second, -1) })
        {
            long offset = 0;
            for (int i = 0; i < records.Count; i++)
            {
                if (i != skip)
                {
                    if (ReferenceEquals(records[i], notAnEvent))
                    {
                        notAnEventAt = offset;
                    }
                    else
                    {
                        expected.Add((path, offset, ordinal, Event.Parser.ParseFrom(records[i]).Step));
                    }
                    ordinal++;
                }
                offset += records[i].Length + TfRecordWriter.FramingOverhead;
            }
        }
        RunInfo run = new LogDirReader(directory.Path).GetRuns().Single();

        var skipped = new List<TfRecordCorruptException>();
        var framing = new List<TfRecordCorruptException>();
        var options = new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = framing.Add };
        var read = new List<(string, long, long, long)>();
        using (var cursor = new RunRecordCursor(run, options, skipped: skipped.Add))
        {
            while (cursor.MoveNext())
            {
                read.Add((cursor.File, cursor.Offset, cursor.Ordinal, cursor.Header.Step));
            }
        }
        CollectionAssert.AreEqual(expected, read);
        Assert.AreEqual(notAnEventAt, skipped.Single().Offset);
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, skipped.Single().Corruption);
        Assert.AreEqual(damagedAt, framing.Single().Offset);

        // Throwing instead: every record before the one that is not an Event, then its error.
        using var strict = new RunRecordCursor(run, TfRecordReaderOptions.Default);
        int count = 0;
        var error = Assert.ThrowsExactly<TfRecordCorruptException>(() =>
        {
            while (strict.MoveNext())
            {
                Assert.AreEqual(expected[count].Offset, strict.Offset);
                count++;
            }
        });
        Assert.AreEqual(700, count);
        Assert.AreEqual(notAnEventAt, error.Offset);
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, error.Corruption);
    }

    [TestMethod]
    public void EventFileReader_reads_across_buffer_refills_and_damage_exactly_the_records_the_parser_accepts()
    {
        // 3,000 events of mixed layouts (about 150 KB, so records straddle the framing reader's buffer refills), the
        // 1,000th record's data damaged, the file cut inside its last record.
        var events = new List<Event>();
        for (int i = 0; i < 3_000; i++)
        {
            var value = new Summary.Types.Value { Tag = $"tag/{i % 7}" };
            if (i % 3 == 0)
            {
                value.SimpleValue = i * 0.5f;
            }
            else
            {
                value.Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { i * 0.25f } };
            }
            events.Add(new Event { WallTime = 1_700_000_000 + i, Step = i % 5 == 0 ? 0 : i * 977L, Summary = new Summary { Value = { value } } });
        }
        events.Insert(0, new Event { WallTime = 1, FileVersion = "brain.Event:2" });
        byte[][] records = [.. events.Select(e => e.ToByteArray())];
        long damagedAt = records.Take(1_000).Sum(r => (long)r.Length + TfRecordWriter.FramingOverhead);
        byte[] file = Flip(Framed(records), (int)damagedAt + TfRecordWriter.HeaderLength + 2);
        int cutAt = file.Length - 3;
        using var directory = new TempDirectory();
        string path = directory.Combine("events.out.tfevents.1.host");
        File.WriteAllBytes(path, file[..cutAt]);
        long lastAt = cutAt - (records[^1].Length + TfRecordWriter.FramingOverhead - 3);

        var expected = events.Where((_, i) => i != 1_000 && i != events.Count - 1).ToList();
        var reports = new List<TfRecordCorruptException>();
        var options = TfRecordReaderOptions.Default with { SkipCorruptRecords = true, OnCorruptRecord = reports.Add };
        using (var reader = new EventFileReader(path, options))
        {
            var read = new List<Event>();
            while (reader.TryReadNext(out Event e))
            {
                read.Add(e);
            }
            CollectionAssert.AreEqual(expected, read);
            Assert.IsTrue(reader.IsTruncated);
            Assert.AreEqual(lastAt, reader.TruncatedAt);
            Assert.AreEqual(lastAt, reader.Position);
            Assert.AreEqual(1, reader.SkippedRecords);
        }
        Assert.AreEqual(1, reports.Count);
        Assert.AreEqual(TfRecordCorruption.DataCrcMismatch, reports[0].Corruption);
        Assert.AreEqual(damagedAt, reports[0].Offset);

        using (var reader = new EventFileReader(path, options))
        {
            long offset = 0;
            int i = 0;
            while (reader.TryReadView(out EventView view))
            {
                Assert.AreEqual(expected[i], view.ToEvent(), $"view {i}");
                if (i == 1_000)
                {
                    // The damaged record sat between the 999th and this one.
                    offset += records[1_000].Length + TfRecordWriter.FramingOverhead;
                }
                Assert.AreEqual(offset, view.Offset, $"view {i}");
                offset += records[i < 1_000 ? i : i + 1].Length + TfRecordWriter.FramingOverhead;
                i++;
            }
            Assert.AreEqual(expected.Count, i);
            Assert.IsTrue(reader.IsTruncated);
        }
    }

    [TestMethod]
    public void EventFileReader_throws_at_the_damaged_record_after_returning_every_record_before_it()
    {
        byte[][] records = [.. Enumerable.Range(0, 500).Select(i => new Event { WallTime = i + 1, Step = i + 1, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", SimpleValue = i } } } }.ToByteArray())];
        long damagedAt = records.Take(321).Sum(r => (long)r.Length + TfRecordWriter.FramingOverhead);
        using var directory = new TempDirectory();
        string path = directory.Combine("events.out.tfevents.1.host");
        File.WriteAllBytes(path, Flip(Framed(records), (int)damagedAt + TfRecordWriter.HeaderLength + 5));
        using var reader = new EventFileReader(path);
        for (int i = 0; i < 321; i++)
        {
            Assert.IsTrue(reader.TryReadNext(out Event e));
            Assert.AreEqual(i + 1, e.Step);
        }
        var error = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.TryReadNext(out _));
        Assert.AreEqual(TfRecordCorruption.DataCrcMismatch, error.Corruption);
        Assert.AreEqual(damagedAt, error.Offset);
        Assert.AreEqual(path, error.SourceName);
    }

    private static byte[] Framed(byte[][] records)
    {
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            foreach (byte[] record in records)
            {
                writer.Write(record);
            }
        }
        return stream.ToArray();
    }

    private static byte[] Flip(byte[] file, int at)
    {
        byte[] copy = (byte[])file.Clone();
        copy[at] ^= 0x40;
        return copy;
    }
}
