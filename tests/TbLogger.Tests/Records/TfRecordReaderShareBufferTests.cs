using TbLogger.Records;

namespace TbLogger.Tests.Records;

/// <summary>
/// <see cref="TfRecordReader.ShareBuffer"/>: records already taken from the buffer stay as they are while the reader
/// reads on (another thread may still decode them), and what that costs is what the reader's own move would have:
/// no copy of a buffer that one long record once made large.
/// </summary>
[TestClass]
public sealed class TfRecordReaderShareBufferTests
{
    [TestMethod]
    public void After_it_the_taken_records_stay_as_they_were_and_the_next_buffer_is_small_again()
    {
        // One record of 1 MB grows the buffer to hold it; then 60,000 records of 41-60 bytes, about 3 MB.
        byte[] large = new byte[1 << 20];
        new Random(3).NextBytes(large);
        byte[][] small = [.. Enumerable.Range(0, 60_000).Select(i => Enumerable.Range(0, 41 + i % 20).Select(b => (byte)(i + b)).ToArray())];
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            writer.Write(large);
            foreach (byte[] record in small)
            {
                writer.Write(record);
            }
        }
        stream.Position = 0;
        using var reader = new TfRecordReader(stream);
        Assert.IsTrue(reader.TryReadNextInPlace(out byte[] buffer, out int start, out int length));
        CollectionAssert.AreEqual(large, buffer.AsSpan(start, length).ToArray());
        // The next record moves what is left to the front and fills the large buffer with small records.
        Assert.IsTrue(reader.TryReadNextInPlace(out byte[] grown, out start, out length));
        CollectionAssert.AreEqual(small[0], grown.AsSpan(start, length).ToArray());
        Assert.IsTrue(grown.Length >= large.Length, $"a buffer of {grown.Length} bytes");
        // Records taken while the large buffer is shared; the rest read afterwards.
        int shared = 1;
        while (shared < 1_000 && reader.TryTakeBuffered(out buffer, out start, out length))
        {
            Assert.AreSame(grown, buffer);
            CollectionAssert.AreEqual(small[shared], buffer.AsSpan(start, length).ToArray(), $"record {shared}");
            shared++;
        }
        Assert.IsTrue(shared > 100, $"{shared} records in the buffer");
        byte[] before = (byte[])grown.Clone();
        reader.ShareBuffer();

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int next = shared;
        int wrong = -1;
        while (reader.TryReadNextInPlace(out buffer, out start, out length))
        {
            // Compared without allocating, so that the count below is the reader's.
            if (wrong < 0 && (next >= small.Length || !buffer.AsSpan(start, length).SequenceEqual(small[next])))
            {
                wrong = next;
            }
            next++;
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.AreEqual(-1, wrong, "the first record read wrong");
        Assert.AreEqual(small.Length, next);
        Assert.IsTrue(before.AsSpan().SequenceEqual(grown), "the shared buffer was written after ShareBuffer");
        // One new buffer of 64 KB (what is left to read is less than a record), not another of the large one's size.
        Assert.IsTrue(allocated is > 64 * 1024 and < 2 * 64 * 1024, $"{allocated} bytes allocated while reading on");
    }
}
