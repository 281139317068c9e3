using TbLogger.Events;
using TbLogger.Reading.Verify.Loader;
using TbLogger.Reading.Verify;
using TbLogger.Storage;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Storage;

[TestClass]
public sealed class LocalLogStorageTests
{
    [TestMethod]
    public void Many_writers_starting_at_once_create_one_nested_run_directory_without_errors()
    {
        using var temp = new TempDirectory();
        string run = temp.Combine("a", "b", "c", "run");
        const int Writers = 32;
        using var start = new Barrier(Writers);
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var paths = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, Writers).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                using var writer = new SummaryWriter(run, new SummaryWriterOptions { Rank = 0, WorldSize = 1 });
                writer.AddScalar("x", 1, 0);
                paths.Add(writer.FilePath);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.IsEmpty(errors, string.Join("\n", errors));
        Assert.HasCount(Writers, paths.Distinct().ToList());
        Assert.HasCount(Writers, Directory.GetFiles(run));
    }

    [TestMethod]
    public void Creating_a_directory_where_a_file_stands_still_fails()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("file");
        File.WriteAllText(path, "x");
        var direct = Assert.ThrowsExactly<IOException>(() => LocalLogStorage.Instance.CreateDirectory(path));
        Assert.AreEqual($"The log directory '{path}' is a file, not a directory.", direct.Message);
    }

    [TestMethod]
    public void Local_storage_lists_and_opens_files_and_event_writer_uses_it_for_plain_paths()
    {
        using var temp = new TempDirectory();
        using (var writer = new EventFileWriter(LocalLogStorage.Instance, temp.Combine("run")))
        {
            StringAssert.StartsWith(writer.FilePath, temp.Combine("run", "events.out.tfevents."));
        }
        var files = LocalLogStorage.Instance.ListFiles(temp.Path, recursive: true);
        Assert.HasCount(1, files);
        Assert.IsEmpty(LocalLogStorage.Instance.ListFiles(temp.Path, recursive: false));
        Assert.IsEmpty(LocalLogStorage.Instance.ListFiles(temp.Combine("missing"), recursive: true));
        using var stream = LocalLogStorage.Instance.OpenRead(files[0]);
        Assert.IsGreaterThan(0L, stream.Length);
    }

    [TestMethod]
    public void A_missing_run_directory_is_created_with_its_parents_and_the_mode_Directory_CreateDirectory_gives()
    {
        using var temp = new TempDirectory();
        string run = temp.Combine("a", "b", "run");
        using (var writer = new SummaryWriter(run + "/"))
        {
            writer.AddScalar("x", 1, 0);
            Assert.AreEqual(run, Path.GetDirectoryName(writer.FilePath));
        }
        Assert.HasCount(1, Directory.GetFiles(run));
        if (!OperatingSystem.IsWindows())
        {
            // The writer's own mkdir (issue 19) asks for 0777 less the umask, as Directory.CreateDirectory does.
            string reference = Directory.CreateDirectory(temp.Combine("reference")).FullName;
            Assert.AreEqual(File.GetUnixFileMode(reference), File.GetUnixFileMode(run));
            Assert.AreEqual(File.GetUnixFileMode(reference), File.GetUnixFileMode(temp.Combine("a", "b")));
        }
    }

    [TestMethod]
    public void A_file_where_the_run_directory_or_its_parent_should_be_fails_with_an_error_that_says_so()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("taken");
        File.WriteAllText(file, "not a directory");
        foreach (string run in new[] { file, Path.Combine(file, "run"), Path.Combine(file, "run", "deeper") })
        {
            var expected = Assert.Throws<IOException>(() => Directory.CreateDirectory(run));
            var error = Assert.ThrowsExactly<IOException>(() => new SummaryWriter(run));
            // The runtime's own error ("The file '…' already exists.") is kept inside one that says a directory was wanted.
            Assert.AreEqual(run == file
                ? $"The log directory '{file}' is a file, not a directory."
                : $"The log directory '{run}' cannot be created: '{file}' is a file, not a directory.", error.Message, run);
            Assert.AreEqual(expected.Message, error.InnerException?.Message, run);
        }
        Assert.AreEqual("not a directory", File.ReadAllText(file));
        CollectionAssert.AreEqual(new[] { file }, Directory.GetFileSystemEntries(temp.Path));
    }

    [TestMethod]
    public void Unknown_schemes_are_reported_and_drive_letters_are_not_schemes()
    {
        Assert.IsNull(LogStorageRegistry.GetScheme(@"C:\runs"));
        Assert.IsNull(LogStorageRegistry.GetScheme("runs/exp://x"));
        Assert.AreEqual("s3", LogStorageRegistry.GetScheme("s3://bucket/run"));
        // The first "://" decides (a loop, not IndexOf: issue 19), at its edges too.
        Assert.AreEqual("ab", LogStorageRegistry.GetScheme("ab://"));
        Assert.AreEqual("az", LogStorageRegistry.GetScheme("az://c/x://y"));
        Assert.IsNull(LogStorageRegistry.GetScheme("a://x"));
        Assert.IsNull(LogStorageRegistry.GetScheme("://x"));
        Assert.IsNull(LogStorageRegistry.GetScheme("ab:/"));
        Assert.IsNull(LogStorageRegistry.GetScheme("ab:"));
        Assert.IsNull(LogStorageRegistry.GetScheme(""));
        Assert.IsNull(LogStorageRegistry.GetScheme("a:/b://c"));
        var error = Assert.ThrowsExactly<NotSupportedException>(() => new SummaryWriter("gs://bucket/run"));
        Assert.AreEqual("No log storage is registered for 'gs://' (path 'gs://bucket/run').", error.Message);
    }

    [TestMethod]
    public void Registered_storages_receive_the_writer_streams()
    {
        var memory = new MemoryStorage();
        LogStorageRegistry.Register("mem-test", memory);
        using (var writer = new SummaryWriter("mem-test://run", new SummaryWriterOptions { Rank = 0, WorldSize = 1 }))
        {
            writer.AddScalar("x", 2, 3);
            writer.AddScalars("g", new Dictionary<string, double> { ["k"] = 1 }, 0);
        }
        CollectionAssert.AreEqual(new[] { "mem-test://run", "mem-test://run/g_k" }, memory.Directories.Order(StringComparer.Ordinal).ToList());
        Assert.IsTrue(memory.Streams.All(s => s.ToArray().Length > 0));
    }

    [TestMethod]
    public void Every_reader_reads_a_store_through_the_same_source()
    {
        var memory = new MemoryStorage();
        LogStorageRegistry.Register("mem-read", memory);
        string path;
        using (var writer = new SummaryWriter("mem-read://logs/run", new SummaryWriterOptions { Rank = 0, WorldSize = 1, StepDiscipline = StepDiscipline.Silent }))
        {
            path = writer.FilePath;
            writer.AddScalar("loss", 0.5, 1);
            writer.AddScalar("loss", 0.25, 1); // a repeated step: the verifier's loader rule must see it
        }

        // The typed event reader, by URI (the registry picks the store) and with the store given.
        var events = EventFileReader.Read(path).ToList();
        Assert.HasCount(3, events);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        using (var reader = new EventFileReader(memory, path))
        {
            Assert.AreEqual(3, reader.ReadEvents().Count());
            Assert.IsFalse(reader.IsTruncated);
        }

        // The fast scalar path.
        var raw = TbLogger.Reading.LogDirReaderOptions.Default with { PurgeOrphanedData = false };
        var points = new TbLogger.Reading.LogDirReader(memory, "mem-read://logs", raw).ReadScalars().ToList();
        CollectionAssert.AreEqual(new[] { 0.5, 0.25 }, points.Select(p => p.Value).ToArray());
        // As TensorBoard's default loader shows it: the repeated step keeps its last point.
        CollectionAssert.AreEqual(new[] { 0.25 }, new TbLogger.Reading.LogDirReader(memory, "mem-read://logs").ReadScalars().Select(p => p.Value).ToArray());
        Assert.IsTrue(points.All(p => p is { Run: "run", Tag: "loss", Step: 1 }));

        // The verifier: framing clean, the repeated step reported by the loader model at the second value's offset.
        var report = LogVerifier.Verify(new TbLogger.Reading.LogDirReader(memory, "mem-read://logs"),
            new LogVerifierOptions { Rules = LoaderRules.All() });
        var problem = report.Problems.Single();
        Assert.AreEqual("loader-steps", problem.Rule);
        Assert.AreEqual(path, problem.File);
        Assert.AreEqual(memory.Bytes(path).Length - RecordLength(events[2]), problem.Offset);

        Assert.ThrowsExactly<FileNotFoundException>(() => new EventFileReader(memory, "mem-read://logs/run/missing.tfevents"));
    }

    private static long RecordLength(TbLogger.Protos.Event value) => Google.Protobuf.MessageExtensions.ToByteArray(value).Length + 16;

    private sealed class MemoryStorage : LogStorage
    {
        public List<string> Directories { get; } = [];

        public List<MemoryStream> Streams { get; } = [];

        public override bool IsLocal => false;

        public override string Combine(string directory, string name) => directory + "/" + name;

        public override void CreateDirectory(string directory)
        {
        }

        public override Stream CreateEventFile(string directory, string? suffix, out string path)
        {
            lock (Streams)
            {
                Directories.Add(directory);
                path = directory + "/" + EventFileNames.Next(DateTimeOffset.UtcNow, suffix);
                var stream = new KeepBytes();
                Streams.Add(stream);
                _paths.Add(path, stream);
                return stream;
            }
        }

        public override IReadOnlyList<string> ListFiles(string directory, bool recursive)
        {
            lock (Streams)
            {
                return [.. _paths.Keys.Where(p => p.StartsWith(directory + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
            }
        }

        public override Stream OpenRead(string path) =>
            _paths.ContainsKey(path) ? new MemoryStream(Bytes(path), writable: false) : throw new FileNotFoundException(path);

        public byte[] Bytes(string path)
        {
            lock (Streams)
            {
                return _paths[path].ToArray();
            }
        }

        private readonly Dictionary<string, MemoryStream> _paths = new(StringComparer.Ordinal);

        private sealed class KeepBytes : MemoryStream
        {
            // ToArray still works after the writer disposes the stream.
        }
    }
}
