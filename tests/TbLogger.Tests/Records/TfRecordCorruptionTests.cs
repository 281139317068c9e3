using TbLogger.Records;

namespace TbLogger.Tests.Records;

[TestClass]
public sealed class TfRecordCorruptionTests
{
    private static readonly byte[][] s_records = ["alpha"u8.ToArray(), new byte[40], "gamma-gamma"u8.ToArray(), [9]];

    private static byte[] File()
    {
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            foreach (var r in s_records)
            {
                writer.Write(r);
            }
        }
        return stream.ToArray();
    }

    private static long[] RecordOffsets()
    {
        var offsets = new long[s_records.Length];
        long at = 0;
        for (int i = 0; i < s_records.Length; i++)
        {
            offsets[i] = at;
            at += s_records[i].Length + 16;
        }
        return offsets;
    }

    private static TfRecordReader Reader(byte[] bytes, bool skip = false) =>
        new(new MemoryStream(bytes), new TfRecordReaderOptions { SkipCorruptRecords = skip }, "test.tfevents");

    [TestMethod]
    [DataRow(0, TfRecordCorruption.LengthCrcMismatch, DisplayName = "length byte")]
    [DataRow(9, TfRecordCorruption.LengthCrcMismatch, DisplayName = "length CRC byte")]
    [DataRow(13, TfRecordCorruption.DataCrcMismatch, DisplayName = "data byte")]
    [DataRow(12 + 40 + 2, TfRecordCorruption.DataCrcMismatch, DisplayName = "data CRC byte")]
    public void AFlippedByteInTheSecondRecordThrowsWithItsOffset(int offsetInRecord, TfRecordCorruption expected)
    {
        byte[] bytes = File();
        long second = RecordOffsets()[1];
        bytes[second + offsetInRecord] ^= 0x40;

        using var reader = Reader(bytes);
        Assert.IsTrue(reader.TryReadNext(out var first));
        CollectionAssert.AreEqual(s_records[0], first.ToArray());
        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.TryReadNext(out _));
        Assert.AreEqual(second, ex.Offset);
        Assert.AreEqual(expected, ex.Corruption);
        Assert.AreEqual("test.tfevents", ex.SourceName);
        StringAssert.Contains(ex.Message, $"'test.tfevents' at byte offset {second}");
        StringAssert.Contains(ex.Message, expected == TfRecordCorruption.LengthCrcMismatch ? "length CRC mismatch" : "data CRC mismatch");
    }

    [TestMethod]
    public void SkippingADataCorruptRecordKeepsTheOthersAndCountsIt()
    {
        byte[] bytes = File();
        bytes[RecordOffsets()[1] + 20] ^= 0x01;
        using var reader = Reader(bytes, skip: true);
        var read = reader.ReadRecords().Select(r => r.ToArray()).ToList();
        Assert.AreEqual(3, read.Count);
        CollectionAssert.AreEqual(s_records[0], read[0]);
        CollectionAssert.AreEqual(s_records[2], read[1]);
        CollectionAssert.AreEqual(s_records[3], read[2]);
        Assert.AreEqual(1, reader.SkippedRecords);
        Assert.AreEqual(40 + 16, reader.SkippedBytes);
        Assert.IsFalse(reader.IsTruncated);
    }

    [TestMethod]
    public void SkippingABadLengthResynchronisesOnTheNextGoodRecord()
    {
        byte[] bytes = File();
        bytes[RecordOffsets()[1] + 3] ^= 0xFF; // the length of record two is garbage now
        using var reader = Reader(bytes, skip: true);
        var read = reader.ReadRecords().Select(r => r.ToArray()).ToList();
        Assert.AreEqual(3, read.Count);
        CollectionAssert.AreEqual(s_records[2], read[1]);
        Assert.AreEqual(1, reader.SkippedRecords);
        Assert.AreEqual(40 + 16, reader.SkippedBytes);
    }

    [TestMethod]
    public void AGoodRecordStillBeingWrittenAfterACorruptStretchIsWaitedForNotSkipped()
    {
        var framedA = new byte[5 + 16];
        TfRecordWriter.Frame("alpha"u8, framedA);
        var framedC = new byte[5 + 16];
        TfRecordWriter.Frame("gamma"u8, framedC);
        var stream = new MemoryStream();
        stream.Write(framedA);
        stream.Write([0xEE, 0xEE, 0xEE]);  // garbage
        stream.Write(framedC, 0, 14);     // record C, still being written
        stream.Position = 0;
        using var reader = new TfRecordReader(stream, new TfRecordReaderOptions { SkipCorruptRecords = true }, leaveOpen: true);

        Assert.IsTrue(reader.TryReadNext(out var a));
        CollectionAssert.AreEqual("alpha"u8.ToArray(), a.ToArray());
        Assert.IsFalse(reader.TryReadNext(out _));
        Assert.IsTrue(reader.IsTruncated);
        Assert.AreEqual(3L, reader.SkippedBytes);
        Assert.AreEqual(24L, reader.TruncatedAt);

        long position = stream.Position;
        stream.Seek(0, SeekOrigin.End);
        stream.Write(framedC, 14, framedC.Length - 14);
        stream.Position = position;
        Assert.IsTrue(reader.TryReadNext(out var c));
        CollectionAssert.AreEqual("gamma"u8.ToArray(), c.ToArray());
        Assert.AreEqual(1L, reader.SkippedRecords);
        Assert.IsFalse(reader.IsTruncated);
    }

    [TestMethod]
    public void AMaxRecordLengthThatCannotFitInAnArrayIsRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TfRecordReader(new MemoryStream(), new TfRecordReaderOptions { MaxRecordLength = 3L << 30 }));
        Assert.AreEqual("options.MaxRecordLength", ex.ParamName);
    }

    [TestMethod]
    public void ALengthOverTheLimitIsCorruptionNotAnAllocation()
    {
        // A header claiming 2^40 bytes with a valid length CRC.
        var header = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(header, 1UL << 40);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), MaskedCrc32C.ComputeMasked(header.AsSpan(0, 8)));
        using var reader = Reader(header);
        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.TryReadNext(out _));
        Assert.AreEqual(TfRecordCorruption.LengthOverLimit, ex.Corruption);
        Assert.AreEqual(0L, ex.Offset);
        StringAssert.Contains(ex.Message, "length 1099511627776 > limit 268435456");
    }

    [TestMethod]
    public void AValidHeaderClaimingMoreThanTheFileHoldsIsATruncatedTailAndAllocatesLittle()
    {
        var header = new byte[12 + 100];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(header, 200_000_000UL);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), MaskedCrc32C.ComputeMasked(header.AsSpan(0, 8)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var reader = Reader(header);
        Assert.IsFalse(reader.TryReadNext(out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsTrue(reader.IsTruncated);
        Assert.AreEqual(0L, reader.TruncatedAt);
        Assert.IsTrue(allocated < 1_000_000, $"allocated {allocated} bytes for a 112-byte input claiming 200 MB");
    }

    [TestMethod]
    public void TruncatingAtEveryOffsetGivesAPrefixAndReportsTruncation()
    {
        byte[] bytes = File();
        long[] offsets = RecordOffsets();
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            using var reader = Reader(bytes[..cut]);
            var read = reader.ReadRecords().Select(r => r.ToArray()).ToList();
            int complete = offsets.Count(o => o < cut && cut >= o + s_records[Array.IndexOf(offsets, o)].Length + 16);
            Assert.AreEqual(complete, read.Count, $"cut at {cut}");
            for (int i = 0; i < complete; i++)
            {
                CollectionAssert.AreEqual(s_records[i], read[i], $"cut at {cut}, record {i}");
            }
            bool atBoundary = cut == 0 || offsets.Contains(cut) || cut == bytes.Length;
            Assert.AreEqual(!atBoundary, reader.IsTruncated, $"cut at {cut}");
            if (!atBoundary)
            {
                Assert.AreEqual(offsets[complete], reader.TruncatedAt, $"cut at {cut}");
            }
        }
    }

    [TestMethod]
    public void FlippingAnyByteEitherThrowsAtTheDamagedRecordOrNeverReturnsWrongData()
    {
        byte[] clean = File();
        long[] offsets = RecordOffsets();
        for (int at = 0; at < clean.Length; at++)
        {
            byte[] bytes = (byte[])clean.Clone();
            bytes[at] ^= 0x10;
            int damaged = Array.FindLastIndex(offsets, o => o <= at);
            using var reader = Reader(bytes);
            var read = new List<byte[]>();
            var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() =>
            {
                while (reader.TryReadNext(out var r))
                {
                    read.Add(r.ToArray());
                }
            }, $"flip at {at}");
            Assert.AreEqual(offsets[damaged], ex.Offset, $"flip at {at}");
            Assert.AreEqual(damaged, read.Count, $"flip at {at}");
        }
    }
}
