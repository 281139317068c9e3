using System.Buffers.Binary;
using TbLogger.Records;

namespace TbLogger.Tests.Records;

[TestClass]
public sealed class TfRecordRoundTripTests
{
    [TestMethod]
    public void FramesARecordAsLengthCrcDataCrc()
    {
        byte[] data = "abc"u8.ToArray();
        var framed = new byte[data.Length + 16];
        TfRecordWriter.Frame(data, framed);

        Assert.AreEqual(3UL, BinaryPrimitives.ReadUInt64LittleEndian(framed));
        Assert.AreEqual(MaskedCrc32C.Mask(MaskedCrc32C.Compute(framed.AsSpan(0, 8))), BinaryPrimitives.ReadUInt32LittleEndian(framed.AsSpan(8)));
        CollectionAssert.AreEqual(data, framed[12..15]);
        // CRC32C("abc") = 0x364B3FB7 (independently known value), masked.
        Assert.AreEqual(MaskedCrc32C.Mask(0x364B3FB7u), BinaryPrimitives.ReadUInt32LittleEndian(framed.AsSpan(15)));
    }

    [TestMethod]
    public void FrameRejectsAWrongDestinationLength()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => TfRecordWriter.Frame("abc"u8, new byte[10]));
        Assert.AreEqual("destination", ex.ParamName);
        StringAssert.Contains(ex.Message, "frames to 19 bytes, but the destination has 10");
    }

    [TestMethod]
    public void RecordsEncodedInPlaceFrameToTheSameBytesAsWrite()
    {
        // 64-byte buffer: the 20-byte reservations force the buffer out to the stream every third record.
        var random = new Random(7);
        var records = Enumerable.Range(0, 10).Select(i =>
        {
            var r = new byte[i % 5 * 4];
            random.NextBytes(r);
            return r;
        }).ToList();
        var viaWrite = new MemoryStream();
        using (var writer = new TfRecordWriter(viaWrite, leaveOpen: true, bufferSize: 64))
        {
            records.ForEach(r => writer.Write(r));
        }
        var inPlace = new MemoryStream();
        using (var writer = new TfRecordWriter(inPlace, leaveOpen: true, bufferSize: 64))
        {
            foreach (var r in records)
            {
                Assert.IsTrue(writer.TryReserve(20, out Span<byte> data));
                Assert.AreEqual(20, data.Length);
                data.Fill(0xEE); // bytes past the committed length must not reach the file
                r.CopyTo(data);
                writer.CommitRecord(r.Length);
            }
            Assert.AreEqual(records.Count, writer.RecordsWritten);
            Assert.AreEqual(records.Sum(r => r.Length + 16L), writer.BytesWritten);
            // 49 + 16 framed bytes cannot fit a 64-byte buffer even when it is empty: the caller falls back to Write.
            Assert.IsFalse(writer.TryReserve(49, out Span<byte> none));
            Assert.AreEqual(0, none.Length);
            Assert.IsTrue(writer.TryReserve(48, out _));
        }
        CollectionAssert.AreEqual(viaWrite.ToArray(), inPlace.ToArray());
    }

    [TestMethod]
    public void RecordsEncodedInPlaceGetTheirDeferredCrcsWhateverComesBetween()
    {
        // CommitRecord leaves the data CRC to a later pass over a few kilobytes of records. 600 records of 0-300 bytes:
        // the first 300 with every seventh framed by Write (which seals what waits), the rest committed in place only
        // (so the pass runs from CommitRecord every ~4 KiB), a Flush and a buffer growth while records wait for their
        // CRC, a record larger than the buffer (written past it) after some that wait, buffers pushed out to the
        // stream along the way: the file must equal what Write alone produces, byte for byte.
        var random = new Random(11);
        var records = Enumerable.Range(0, 600).Select(i =>
        {
            var r = new byte[i == 450 ? 70_000 : random.Next(0, 301)];
            random.NextBytes(r);
            return r;
        }).ToList();
        var viaWrite = new MemoryStream();
        using (var writer = new TfRecordWriter(viaWrite, leaveOpen: true))
        {
            records.ForEach(r => writer.Write(r));
        }
        var mixed = new MemoryStream();
        using (var writer = new TfRecordWriter(mixed, leaveOpen: true, bufferSize: 16 * 1024))
        {
            for (int i = 0; i < records.Count; i++)
            {
                if ((i < 300 && i % 7 == 3) || !writer.TryReserve(records[i].Length, out _))
                {
                    writer.Write(records[i]);
                }
                else
                {
                    Assert.IsTrue(writer.TryReserve(300, out Span<byte> data));
                    data.Fill(0xEE);
                    records[i].CopyTo(data);
                    writer.CommitRecord(records[i].Length);
                }
                if (i == 200)
                {
                    writer.Flush();
                }
                if (i == 401)
                {
                    writer.GrowBuffer(64 * 1024);
                }
            }
        }
        CollectionAssert.AreEqual(viaWrite.ToArray(), mixed.ToArray());
        // And each record's data CRC read back from the file is the masked CRC32C of its data.
        byte[] file = mixed.ToArray();
        int at = 0;
        foreach (byte[] r in records)
        {
            Assert.AreEqual(MaskedCrc32C.ComputeMasked(r), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + r.Length)));
            at += r.Length + 16;
        }
        Assert.AreEqual(file.Length, at);
    }

    [TestMethod]
    public void CommitRecordRefusesALengthBeyondTheRoomLeftAndFramesNothing()
    {
        // CommitRecord writes the framing by offset after one check: a length that does not fit what is left of the
        // buffer (or a negative one) is refused and nothing is counted or written.
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true, bufferSize: 64))
        {
            Assert.IsTrue(writer.TryReserve(48, out Span<byte> data));
            var tooLong = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.CommitRecord(49));
            Assert.AreEqual("length", tooLong.ParamName);
            Assert.AreEqual(49, tooLong.ActualValue);
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.CommitRecord(-1));
            Assert.AreEqual(0, writer.RecordsWritten);
            Assert.AreEqual(0, writer.BytesWritten);
            "abc"u8.CopyTo(data);
            writer.CommitRecord(3);
            Assert.AreEqual(19, writer.BytesWritten);
        }
        var expected = new MemoryStream();
        using (var writer = new TfRecordWriter(expected, leaveOpen: true))
        {
            writer.Write("abc"u8);
        }
        CollectionAssert.AreEqual(expected.ToArray(), stream.ToArray());
    }

    [TestMethod]
    public void WritesAndReadsRecordsOfManySizesIncludingLargerThanTheBuffer()
    {
        var random = new Random(42);
        var records = new List<byte[]>();
        foreach (int size in new[] { 0, 1, 7, 8, 9, 100, 4095, 65_536, 200_000, 3 })
        {
            var r = new byte[size];
            random.NextBytes(r);
            records.Add(r);
        }
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true, bufferSize: 1024))
        {
            foreach (var r in records)
            {
                writer.Write(r);
            }
            Assert.AreEqual(records.Count, writer.RecordsWritten);
            Assert.AreEqual(records.Sum(r => r.Length + 16L), writer.BytesWritten);
        }
        Assert.AreEqual(records.Sum(r => r.Length + 16L), stream.Length);

        stream.Position = 0;
        using var reader = new TfRecordReader(stream);
        var read = reader.ReadRecords().Select(m => m.ToArray()).ToList();
        Assert.AreEqual(records.Count, read.Count);
        for (int i = 0; i < records.Count; i++)
        {
            CollectionAssert.AreEqual(records[i], read[i], $"record {i}");
        }
        Assert.IsFalse(reader.IsTruncated);
        Assert.AreEqual(stream.Length, reader.Position);
    }

    [TestMethod]
    public void ReadsFromANonSeekableStreamThatDeliversOneByteAtATime()
    {
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            writer.Write("first"u8);
            writer.Write(new byte[70_000]);
            writer.Write("third"u8);
        }
        using var reader = new TfRecordReader(new TrickleStream(stream.ToArray()));
        var read = reader.ReadRecords().Select(m => m.ToArray()).ToList();
        Assert.AreEqual(3, read.Count);
        CollectionAssert.AreEqual("first"u8.ToArray(), read[0]);
        Assert.AreEqual(70_000, read[1].Length);
        CollectionAssert.AreEqual("third"u8.ToArray(), read[2]);
    }

    [TestMethod]
    public void TryReadNextRetriesATruncatedRecordOnceTheRestArrives()
    {
        var full = new MemoryStream();
        using (var writer = new TfRecordWriter(full, leaveOpen: true))
        {
            writer.Write("one"u8);
            writer.Write("two"u8);
        }
        byte[] bytes = full.ToArray();
        var growing = new MemoryStream();
        growing.Write(bytes, 0, 19 + 10); // record one and 10 bytes of record two
        growing.Position = 0;
        using var reader = new TfRecordReader(growing, leaveOpen: true);

        Assert.IsTrue(reader.TryReadNext(out var first));
        CollectionAssert.AreEqual("one"u8.ToArray(), first.ToArray());
        Assert.IsFalse(reader.TryReadNext(out _));
        Assert.IsTrue(reader.IsTruncated);
        Assert.AreEqual(19L, reader.TruncatedAt);

        long position = growing.Position;
        growing.Seek(0, SeekOrigin.End);
        growing.Write(bytes, 29, bytes.Length - 29);
        growing.Position = position;

        Assert.IsTrue(reader.TryReadNext(out var second));
        CollectionAssert.AreEqual("two"u8.ToArray(), second.ToArray());
        Assert.IsFalse(reader.IsTruncated);
        Assert.IsFalse(reader.TryReadNext(out _));
        Assert.IsFalse(reader.IsTruncated);
    }

    /// <summary>A non-seekable stream that returns one byte per Read.</summary>
    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _at;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at >= data.Length || count == 0)
            {
                return 0;
            }
            buffer[offset] = data[_at++];
            return 1;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
