using System.Net;
using System.Reflection;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TbLogger.Records;

namespace TbLogger.S3.Tests;

/// <summary>
/// Objects are read as a stream of ranged GETs (issue 18, item 2): an object over 2 GiB is read in constant memory,
/// and no length the store reports (Content-Length, Content-Range) sizes anything or cuts what it sends.
/// </summary>
[TestClass]
public sealed class S3StreamedReadTests
{
    /// <summary>A framed TFRecord of <paramref name="payload"/> bytes whose data is a deterministic pattern.</summary>
    private static byte[] FramedRecord(int payload, byte seed)
    {
        byte[] data = new byte[payload];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)((i * 31) + seed);
        }
        byte[] framed = new byte[payload + TfRecordWriter.FramingOverhead];
        TfRecordWriter.Frame(data, framed);
        return framed;
    }

    private static (long Records, long Bytes) ReadAll(Stream stream)
    {
        using var reader = new TfRecordReader(stream);
        long records = 0, bytes = 0;
        while (reader.TryReadNext(out ReadOnlyMemory<byte> record))
        {
            records++;
            bytes += record.Length + TfRecordWriter.FramingOverhead;
        }
        Assert.IsFalse(reader.IsTruncated);
        return (records, bytes);
    }

    [TestMethod]
    public void An_object_over_2_GiB_behind_a_lying_Content_Length_is_read_whole_in_constant_memory()
    {
        // 2,049 records of exactly 1 MiB framed: 2,148,532,224 bytes, more than int.MaxValue (what a MemoryStream or an
        // array can hold). The double produces them lazily, claims a Content-Length of 1 and an object of 1 byte in
        // every Content-Range, and honours ranges as S3 does.
        byte[] record = FramedRecord((1 << 20) - TfRecordWriter.FramingOverhead, 7);
        const long Count = 2049;
        long size = Count * record.Length;
        Assert.IsGreaterThan((long)int.MaxValue, size);
        var store = FakeS3.Create(record, size, serve: (start, end) => (start, end), claimedLength: 1);
        using var storage = new S3LogStorage(new S3LogStorageOptions { Client = store.Client });

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var stream = storage.OpenRead("s3://bucket/run/events.out.tfevents.1.huge"))
        {
            var (records, bytes) = ReadAll(stream);
            Assert.AreEqual(Count, records);
            Assert.AreEqual(size, bytes);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Everything ran on this thread (the double answers synchronously), so this counts every byte the read
        // allocated: the reader's record buffer and a few hundred ranged requests, not the object.
        Assert.IsLessThan(16L << 20, allocated, $"{allocated:N0} bytes allocated to read {size:N0}");
        Assert.AreEqual((size + (8 << 20) - 1) / (8 << 20), store.Gets, "one GET per 8 MiB chunk (the last, short with a total at or below its end, is the end)");
    }

    [TestMethod]
    public void A_store_that_sends_more_or_less_than_each_range_asked_is_read_exactly()
    {
        byte[] record = FramedRecord(1000, 3);
        long size = 57L * record.Length;
        var expected = Enumerable.Range(0, (int)size).Select(i => record[i % record.Length]).ToArray();

        // Sends from the range's start to the end of the object (ignoring where the range ends), claiming 10 bytes.
        var over = FakeS3.Create(record, size, serve: (start, _) => (start, long.MaxValue), claimedLength: 10);
        using (var storage = new S3LogStorage(new S3LogStorageOptions { Client = over.Client, ReadChunkBytes = 4096 }))
        using (var stream = storage.OpenRead("s3://bucket/run/over"))
        {
            CollectionAssert.AreEqual(expected, ReadToEnd(stream));
        }
        Assert.AreEqual((size + 4095) / 4096, over.Gets, "each range is cut at what was asked, then the next is asked for");

        // Sends at most 1,000 bytes of each 4,096 asked for, claiming 1 TiB.
        var under = FakeS3.Create(record, size, serve: (start, end) => (start, Math.Min(end, start + 999)), claimedLength: 1L << 40);
        using (var storage = new S3LogStorage(new S3LogStorageOptions { Client = under.Client, ReadChunkBytes = 4096 }))
        using (var stream = storage.OpenRead("s3://bucket/run/under"))
        {
            CollectionAssert.AreEqual(expected, ReadToEnd(stream));
        }
        Assert.AreEqual((size + 999) / 1000 + 1, under.Gets, "a short range is continued from where it stopped");

        // A store that ignores Range answers 200 with the whole object: streamed to its end in one GET.
        var ignoring = FakeS3.Create(record, size, serve: (_, _) => (0, long.MaxValue), claimedLength: 10, status: _ => HttpStatusCode.OK);
        using (var storage = new S3LogStorage(new S3LogStorageOptions { Client = ignoring.Client, ReadChunkBytes = 4096 }))
        using (var stream = storage.OpenRead("s3://bucket/run/ignoring"))
        {
            CollectionAssert.AreEqual(expected, ReadToEnd(stream));
        }
        Assert.AreEqual(1, ignoring.Gets);

        // One that honours the first range and then starts sending the object from its start: a clear error, not wrong bytes.
        var switching = FakeS3.Create(record, size, serve: (start, end) => start == 0 ? (start, end) : (0, long.MaxValue), claimedLength: size, status: start => start == 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK);
        using (var storage = new S3LogStorage(new S3LogStorageOptions { Client = switching.Client, ReadChunkBytes = 4096 }))
        using (var stream = storage.OpenRead("s3://bucket/run/switching"))
        {
            var ex = Assert.ThrowsExactly<IOException>(() => ReadToEnd(stream));
            Assert.AreEqual("GET s3://bucket/run/switching: the store ignored the byte range from 4096 (answered 200, not 206); the object cannot be read in ranges.", ex.Message);
        }
    }

    [TestMethod]
    public void Seeded_hostile_range_answers_never_give_wrong_bytes()
    {
        // 400 objects of random sizes behind stores that answer each range with a random amount (short, exact, or
        // past what was asked), a random Content-Length and a random Content-Range total (true, "*", larger, or
        // smaller than the truth). What is read is always a prefix of the object, and all of it unless the store
        // both ended a range short and claimed the object ends there.
        var random = new Random(1818);
        byte[] record = FramedRecord(997, 5);
        int whole = 0, prefix = 0;
        for (int i = 0; i < 400; i++)
        {
            long size = random.Next(0, 60_000);
            var expected = Enumerable.Range(0, (int)size).Select(k => record[k % record.Length]).ToArray();
            int mode = random.Next(3);
            int seed = random.Next();
            long claimed = random.Next(4) switch { 0 => size, 1 => size + random.Next(1, 1 << 20), 2 => random.Next(0, (int)size + 1), _ => -1 };
            var answers = new Random(seed);
            var store = FakeS3.Create(record, size, claimedLength: claimed, serve: (start, end) => mode switch
            {
                0 => (start, start + answers.Next(0, (int)(end - start) + 1)), // short (at least one byte)
                1 => (start, end + answers.Next(0, 10_000)),                     // past what was asked
                _ => (start, end),
            });
            using var storage = new S3LogStorage(new S3LogStorageOptions { Client = store.Client, ReadChunkBytes = 4096 + random.Next(0, 8192) });
            byte[] read;
            using (var stream = storage.OpenRead($"s3://bucket/fuzz/{i}"))
            {
                read = ReadToEnd(stream);
            }
            CollectionAssert.AreEqual(expected[..read.Length], read, $"case {i}: not a prefix");
            if (read.Length == size)
            {
                whole++;
            }
            else
            {
                Assert.IsTrue(claimed >= 0 && claimed <= read.Length, $"case {i}: stopped at {read.Length} of {size} with a claimed total of {claimed}");
                prefix++;
            }
        }
        Assert.AreEqual(400, whole + prefix);
        Assert.IsGreaterThan(300, whole);
    }

    [TestMethod]
    public void Moto_objects_are_read_in_ranged_gets_of_the_configured_chunk()
    {
        using var server = MotoServer.Start();
        const string Bucket = "ranges";
        using var admin = server.CreateClient();
        MotoServer.CreateBucket(admin, Bucket);
        byte[] record = FramedRecord(1000, 11);
        byte[] body = Enumerable.Repeat(record, 41).SelectMany(r => r).ToArray(); // 41,656 bytes: 11 chunks of 4 KiB, the last short
        admin.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "run/events.out.tfevents.1.h", InputStream = new MemoryStream(body) }).GetAwaiter().GetResult();
        admin.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "run/empty", InputStream = new MemoryStream() }).GetAwaiter().GetResult();

        var counter = new RequestCounter();
        using var storage = new S3LogStorage(new S3LogStorageOptions { Client = server.CreateClient(counter), ReadChunkBytes = 4096 });
        using (var stream = storage.OpenRead($"s3://{Bucket}/run/events.out.tfevents.1.h"))
        {
            CollectionAssert.AreEqual(body, ReadToEnd(stream));
        }
        // The last range comes back short with moto's Content-Range total: no request is spent on a 416.
        Assert.AreEqual(11L, counter.Gets);
        Assert.AreEqual(11L, counter.RangedGets);

        using (var stream = storage.OpenRead($"s3://{Bucket}/run/empty"))
        {
            Assert.IsEmpty(ReadToEnd(stream));
        }
        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => storage.OpenRead($"s3://{Bucket}/run/missing"));
        Assert.AreEqual($"No object at s3://{Bucket}/run/missing.", missing.Message);

        // Through the reading API: the records of the object, in order.
        using var events = new TfRecordReader(storage.OpenRead($"s3://{Bucket}/run/events.out.tfevents.1.h"));
        int count = 0;
        while (events.TryReadNext(out ReadOnlyMemory<byte> data))
        {
            CollectionAssert.AreEqual(record[12..^4], data.ToArray());
            count++;
        }
        Assert.AreEqual(41, count);
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 3000); // a buffer that is not a multiple of the chunk
        return copy.ToArray();
    }

    /// <summary>
    /// An <see cref="IAmazonS3"/> that answers GetObject only, over a virtual object made of one record repeated,
    /// produced lazily (never held), with the Content-Length and Content-Range the test chooses.
    /// </summary>
    public class FakeS3 : DispatchProxy
    {
        private byte[] _pattern = [];
        private long _size;
        private Func<long, long, (long Start, long End)> _serve = null!;
        private long _claimedLength;
        private Func<long, HttpStatusCode> _status = null!;

        public IAmazonS3 Client { get; private set; } = null!;

        public int Gets { get; private set; }

        public static FakeS3 Create(byte[] pattern, long size, Func<long, long, (long Start, long End)> serve, long claimedLength, Func<long, HttpStatusCode>? status = null)
        {
            IAmazonS3 client = DispatchProxy.Create<IAmazonS3, FakeS3>();
            var fake = (FakeS3)(object)client;
            fake._pattern = pattern;
            fake._size = size;
            fake._serve = serve;
            fake._claimedLength = claimedLength;
            fake._status = status ?? (_ => HttpStatusCode.PartialContent);
            fake.Client = client;
            return fake;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IAmazonS3.Dispose))
            {
                return null;
            }
            if (targetMethod?.Name != nameof(IAmazonS3.GetObjectAsync))
            {
                throw new NotSupportedException(targetMethod?.Name);
            }
            Gets++;
            var request = args![0] as GetObjectRequest ?? new GetObjectRequest { BucketName = (string)args[0]!, Key = (string)args[1]! };
            long start = request.ByteRange?.Start ?? 0;
            long end = request.ByteRange?.End ?? long.MaxValue;
            if (start >= _size)
            {
                return Task.FromException<GetObjectResponse>(new AmazonS3Exception("The requested range is not satisfiable", ErrorType.Sender, "InvalidRange", "request", HttpStatusCode.RequestedRangeNotSatisfiable));
            }
            var (from, to) = _serve(start, end);
            to = Math.Min(to, _size - 1);
            return Task.FromResult(new GetObjectResponse
            {
                HttpStatusCode = _status(start),
                ContentLength = _claimedLength,
                ContentRange = _claimedLength < 0 ? $"bytes {start}-{end}/*" : $"bytes {start}-{end}/{_claimedLength}",
                ResponseStream = new PatternStream(_pattern, from, to - from + 1),
            });
        }
    }

    /// <summary>Bytes [start, start + count) of an endless repetition of a pattern, produced as they are read.</summary>
    private sealed class PatternStream(byte[] pattern, long start, long count) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int total = (int)Math.Min(buffer.Length, count - _read);
            int done = 0;
            while (done < total)
            {
                int at = (int)((start + _read + done) % pattern.Length);
                int n = Math.Min(total - done, pattern.Length - at);
                pattern.AsSpan(at, n).CopyTo(buffer[done..]);
                done += n;
            }
            _read += total;
            return total;
        }

        // Synchronous on purpose: the test counts allocations on its own thread.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
