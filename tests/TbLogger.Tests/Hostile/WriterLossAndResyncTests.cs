using TbLogger.Events;
using TbLogger.Records;
using TbLogger.Storage;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>A writer whose file disappears says so; a failed constructor leaves nothing; resynchronisation is cheap.</summary>
[TestClass]
public sealed class WriterLossAndResyncTests
{
    [TestMethod]
    public void Deleting_the_run_directory_while_writing_is_reported_at_flush_naming_the_file()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run");
        var writer = new SummaryWriter(run);
        writer.AddScalar("loss", 1, 0);
        writer.Flush();
        string path = writer.FilePath;

        Directory.Delete(run, recursive: true);
        writer.AddScalar("loss", 2, 1);
        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Flush);

        Assert.AreEqual(path, ex.Path);
        StringAssert.Contains(ex.Message, $"'{path}' was deleted with its directory");
        StringAssert.Contains(ex.Message, "went to the deleted file");
        Assert.ThrowsExactly<EventFileWriteException>(() => writer.AddScalar("loss", 3, 2));
        writer.Dispose(); // already reported: disposing does not throw again
        Assert.IsFalse(Directory.Exists(run), "the writer must not recreate what the user deleted");
    }

    [TestMethod]
    public void Replacing_the_event_file_is_reported_at_dispose()
    {
        using var dir = new TempDirectory();
        var writer = new EventFileWriter(dir.Path);
        writer.Flush();
        string path = writer.FilePath;
        File.Delete(path);
        File.WriteAllBytes(path, new byte[10]);

        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);

        StringAssert.Contains(ex.Message, $"'{path}' was replaced");
    }

    [TestMethod]
    public void A_file_left_alone_passes_the_identity_check_at_every_flush()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int i = 0; i < 5; i++)
            {
                writer.AddScalar("x", i, i);
                writer.Flush();
                writer.Flush();
            }
        }
        var reader = new TbLogger.Reading.LogDirReader(dir.Path);
        Assert.AreEqual(5, reader.ReadScalars().Count());
    }

    [TestMethod]
    public void A_failed_constructor_closes_and_removes_the_file_it_created()
    {
        using var dir = new TempDirectory();
        var storage = new FullDiskStorage();

        var ex = Assert.ThrowsExactly<IOException>(() => new SummaryWriter(storage, dir.Path));

        StringAssert.Contains(ex.Message, "No space left");
        Assert.IsNotNull(storage.Created);
        Assert.IsTrue(storage.Created.Disposed, "the file handle must be closed");
        Assert.IsEmpty(Directory.GetFiles(dir.Path), "no 0-byte event file may stay behind");
    }

    [TestMethod]
    public void Resynchronising_over_8_MiB_of_garbage_allocates_a_constant_amount()
    {
        var random = new Random(7);
        var data = new MemoryStream();
        var garbage = new byte[8 * 1024 * 1024];
        random.NextBytes(garbage);
        data.Write(garbage);
        using (var writer = new TfRecordWriter(data, leaveOpen: true))
        {
            writer.Write("after the garbage"u8);
        }
        data.Position = 0;
        using var reader = new TfRecordReader(data, new TfRecordReaderOptions { SkipCorruptRecords = true }, "garbage", leaveOpen: true);
        Assert.IsTrue(reader.TryReadNext(out _)); // warm up: JIT and the first buffer
        data.Position = 0;
        using var measured = new TfRecordReader(data, new TfRecordReaderOptions { SkipCorruptRecords = true }, "garbage", leaveOpen: true);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.IsTrue(measured.TryReadNext(out ReadOnlyMemory<byte> record));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.AreEqual("after the garbage", System.Text.Encoding.UTF8.GetString(record.Span));
        Assert.AreEqual((long)garbage.Length, measured.SkippedBytes);
        Assert.IsLessThan(256 * 1024L, allocated, $"{allocated} bytes allocated to skip {garbage.Length} bytes");
    }

    /// <summary>A local store whose event files fail every write, as on a full disk.</summary>
    private sealed class FullDiskStorage : LogStorage
    {
        public FullDiskFileStream? Created { get; private set; }

        public override bool IsLocal => true;

        public override string Combine(string directory, string name) => Path.Combine(directory, name);

        public override void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

        public override Stream CreateEventFile(string directory, string? suffix, out string path)
        {
            path = Path.Combine(directory, EventFileNames.Next(DateTimeOffset.UtcNow, suffix));
            return Created = new FullDiskFileStream(path);
        }

        public override IReadOnlyList<string> ListFiles(string directory, bool recursive) => Directory.GetFiles(directory);

        public override Stream OpenRead(string path) => File.OpenRead(path);
    }

    private sealed class FullDiskFileStream(string path) : FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0)
    {
        public bool Disposed { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device (simulated)");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device (simulated)");

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
