using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Reading;
using TbLogger.Storage;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// Local files that change under us (issue 18, items 1 and 6): a file swapped for a FIFO or a device after the
/// directory walk is not read and does not block; a writer recognises its event file by device and inode, so a
/// byte-identical copy put in its place is noticed; <see cref="LocalLogStorage.ListFiles"/> walks as the readers do.
/// </summary>
[TestClass]
public sealed class LocalFileRaceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, "mkfifo");
    }

    /// <summary>
    /// Runs <paramref name="action"/> on another thread and fails if it has not finished in time; a reader blocked on
    /// the FIFO at <paramref name="fifo"/> is then released by opening it for writing, so a failure cannot hang the run.
    /// </summary>
    private static T WithinPatience<T>(Func<T> action, string fifo)
    {
        var task = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!task.Wait(Patience))
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
            Assert.Fail($"blocked for {Patience.TotalSeconds} s on the FIFO '{fifo}'");
        }
        return task.Result;
    }

    private static void WriteScalars(string directory, long step, string tag = "loss")
    {
        using var writer = new SummaryWriter(directory);
        writer.AddScalar(tag, step / 10.0, step);
    }

    [TestMethod]
    public void Opening_a_FIFO_for_reading_fails_at_once_naming_it()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are Unix-only.");
        }
        using var dir = new TempDirectory();
        string fifo = dir.Combine("events.out.tfevents.1.fifo");
        MakeFifo(fifo);

        var outcome = WithinPatience<Exception?>(() =>
        {
            try
            {
                LocalLogStorage.Instance.OpenRead(fifo).Dispose();
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }, fifo);

        var ex = Assert.IsInstanceOfType<NotRegularFileException>(outcome);
        Assert.AreEqual($"'{fifo}' is a FIFO, not a regular file: it is not read (it could block or never end).", ex.Message);
        Assert.AreEqual("character device", Assert.ThrowsExactly<NotRegularFileException>(() => LocalLogStorage.Instance.OpenRead("/dev/zero")).Kind);
        Assert.ThrowsExactly<FileNotFoundException>(() => LocalLogStorage.Instance.OpenRead(dir.Combine("missing")));
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => LocalLogStorage.Instance.OpenRead(dir.Combine("gone", "missing")));
    }

    [TestMethod]
    public void Files_swapped_for_a_FIFO_or_a_device_link_after_the_walk_are_skipped_and_the_rest_is_read()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are Unix-only.");
        }
        using var dir = new TempDirectory();
        string run = dir.Combine("run");
        WriteScalars(run, 1);
        WriteScalars(run, 2);
        WriteScalars(run, 3);
        var reader = new LogDirReader(dir.Path);
        RunInfo listed = reader.GetRuns().Single();
        Assert.HasCount(3, listed.Files);
        long kept = EventFileReader.Read(listed.Files[2]).Single(e => e.Summary is not null).Step;

        // After the walk: the first file becomes a FIFO, the second a link to /dev/zero.
        File.Delete(listed.Files[0]);
        MakeFifo(listed.Files[0]);
        File.Delete(listed.Files[1]);
        File.CreateSymbolicLink(listed.Files[1], "/dev/zero");

        var steps = WithinPatience(() => reader.ReadEvents(listed).Where(e => e.Event.Summary is not null).Select(e => e.Event.Step).ToList(), listed.Files[0]);

        CollectionAssert.AreEqual(new[] { kept }, steps);
    }

    [TestMethod]
    public void Readers_racing_a_swapper_between_file_FIFO_and_device_link_never_block_and_never_throw_outside_the_contract()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are Unix-only.");
        }
        using var dir = new TempDirectory();
        string run = dir.Combine("run");
        WriteScalars(run, 1);
        WriteScalars(dir.Combine("source"), 1, "victim");
        byte[] good = File.ReadAllBytes(Directory.GetFiles(dir.Combine("source")).Single());
        Directory.Delete(dir.Combine("source"), recursive: true);
        string victim = Path.Combine(run, "events.out.tfevents.2.victim");
        File.WriteAllBytes(victim, good);

        // A swapper flips the victim between a regular file, a FIFO and a link to /dev/zero as fast as it can, while
        // readers list and read the run: whatever they meet, they end, and only documented exceptions appear.
        using var stop = new CancellationTokenSource();
        // The swapper starts once the readers run: with the test classes in parallel, a reader queued on a busy thread
        // pool once started only after the swapper had made all its swaps, and read nothing.
        using var readersStarted = new ManualResetEventSlim();
        long swaps = 0;
        var swapper = Task.Factory.StartNew(() =>
        {
            readersStarted.Wait(TimeSpan.FromSeconds(60));
            while (!stop.IsCancellationRequested)
            {
                File.Delete(victim);
                switch (Interlocked.Increment(ref swaps) % 3)
                {
                    case 0:
                        MakeFifo(victim);
                        break;
                    case 1:
                        File.CreateSymbolicLink(victim, "/dev/zero");
                        break;
                    default:
                        File.WriteAllBytes(victim, good);
                        Thread.Sleep(10); // as long as a FIFO takes to make: readers meet all three
                        break;
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        const long Swaps = 150;
        int reads = 0, withVictim = 0;
        try
        {
            var readers = Task.Factory.StartNew(() =>
            {
                readersStarted.Set();
                var reader = new LogDirReader(dir.Path);
                for (; Interlocked.Read(ref swaps) < Swaps; reads++)
                {
                    // The good file's point, and the victim's when it was a regular file at both the walk and the open.
                    var tags = reader.ReadScalars().Select(p => $"{p.Tag}@{p.Step}").ToList();
                    Assert.IsTrue(tags is ["loss@1"] or ["loss@1", "victim@1"], string.Join(",", tags));
                    withVictim += tags.Count - 1;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Assert.IsTrue(readers.Wait(TimeSpan.FromSeconds(120)), $"readers blocked after {reads} reads");
            readers.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            if (!swapper.Wait(Patience) && File.Exists(victim))
            {
                using (new FileStream(victim, FileMode.Open, FileAccess.Read | FileAccess.Write))
                {
                }
            }
        }
        Console.WriteLine($"{reads} reads raced {swaps} swaps; {withVictim} met the victim as a regular file");
        Assert.IsGreaterThanOrEqualTo(Swaps, swaps);
        Assert.IsGreaterThan(Swaps, (long)reads, "the readers must have raced the swapper");
        Assert.IsGreaterThan(0, withVictim, "some reads met the victim as a regular file");
    }

    [TestMethod]
    public void The_writer_knows_its_file_by_device_and_inode_as_stat_reports_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Compared with GNU stat's output.");
        }
        using var dir = new TempDirectory();
        using var writer = new EventFileWriter(dir.Path);
        writer.Flush();
        string[] reference = GnuStat("-L", writer.FilePath).Split(' ');

        var identity = FileIdentity.OfPath(writer.FilePath, out bool missing);

        Assert.IsFalse(missing);
        Assert.AreEqual(new FileIdentity(ulong.Parse(reference[0], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(reference[1], System.Globalization.CultureInfo.InvariantCulture)), identity);
        using var handle = File.OpenHandle(writer.FilePath);
        Assert.AreEqual(identity, FileIdentity.Of(handle));
        Assert.IsNull(FileIdentity.OfPath(dir.Combine("missing"), out missing));
        Assert.IsTrue(missing);
    }

    [TestMethod]
    public void Stat_and_lstat_of_long_and_non_ASCII_paths_and_links_match_GNU_stat()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Compared with GNU stat's output.");
        }
        // The stat calls take the path as UTF-8 bytes the library encodes itself (issue 19: no marshalling stub):
        // on the stack for paths up to 340 UTF-16 characters, on the heap past that, as the runtime's marshaller did.
        using var dir = new TempDirectory();
        string deep = dir.Path;
        for (int i = 0; i < 6; i++)
        {
            deep = Path.Combine(deep, new string((char)('a' + i), 200));
        }
        Directory.CreateDirectory(deep);
        string[] files = [Path.Combine(dir.Path, "ré日本.v2"), Path.Combine(deep, "ré日本.v2")];
        Assert.IsGreaterThan(1024, System.Text.Encoding.UTF8.GetByteCount(files[1]));
        foreach (string file in files)
        {
            File.WriteAllText(file, "x");
            string link = file + ".link";
            File.CreateSymbolicLink(link, file);

            Assert.IsTrue(UnixFileStatus.Stat(link, out UnixFileStatus followed));
            Assert.IsTrue(UnixFileStatus.LStat(link, out UnixFileStatus itself));
            Assert.AreEqual(GnuStat("-L", link), $"{followed.Dev} {followed.Ino} regular file");
            Assert.AreEqual(GnuStat(null, link), $"{itself.Dev} {itself.Ino} symbolic link");
            Assert.AreEqual("symbolic link", itself.KindName);
            Assert.IsNull(followed.KindName);
            using var handle = File.OpenHandle(file);
            Assert.IsTrue(UnixFileStatus.FStatQuiet(handle, out UnixFileStatus open));
            Assert.AreEqual(followed.Identity, open.Identity);
            Assert.AreEqual(1L, open.Size);
        }
        Assert.IsFalse(UnixFileStatus.Stat(Path.Combine(deep, "missing"), out _));
        Assert.IsFalse(UnixFileStatus.LStat(Path.Combine(dir.Path, "missing"), out _));
    }

    [TestMethod]
    public void Quiet_fstat_gives_back_its_reference_so_disposing_the_handle_closes_the_file()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("fstat is the Unix path; Windows reads the file index.");
        }
        // FStatQuiet holds the handle by hand (DangerousAddRef); a reference not given back would keep the descriptor,
        // and with it the lock FileShare.None takes, open after Dispose.
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "events.out.tfevents.1");
        File.WriteAllText(file, "xy");
        var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.None);
        Assert.IsTrue(UnixFileStatus.FStatQuiet(handle, out UnixFileStatus status));
        Assert.AreEqual(2L, status.Size);
        Assert.AreEqual(status.Identity, FileIdentity.Of(handle));
        handle.Dispose();
        using (File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.None))
        {
        }
        Assert.ThrowsExactly<ObjectDisposedException>(() => UnixFileStatus.FStatQuiet(handle, out _));
        Assert.IsNull(FileIdentity.Of(handle));
    }

    [TestMethod]
    public void File_identities_are_equal_exactly_when_device_and_index_are()
    {
        // Equals and GetHashCode are written by hand (issue 19); a single device in the other tests cannot tell a
        // comparison that forgets the device.
        var identity = new FileIdentity(3, 7);
        Assert.IsTrue(identity == new FileIdentity(3, 7));
        Assert.AreEqual(identity.GetHashCode(), new FileIdentity(3, 7).GetHashCode());
        Assert.IsTrue(identity.Equals((object)new FileIdentity(3, 7)));
        Assert.IsFalse(identity == new FileIdentity(4, 7));
        Assert.IsFalse(identity == new FileIdentity(3, 8));
        Assert.IsFalse(identity == new FileIdentity(7, 3));
        Assert.IsFalse(identity.Equals((object)new FileIdentity(4, 7)));
        Assert.IsTrue(new FileIdentity(ulong.MaxValue, ulong.MaxValue) != new FileIdentity(ulong.MaxValue, 0));
        Assert.AreEqual(new FileIdentity(ulong.MaxValue, 1).GetHashCode(), new FileIdentity(ulong.MaxValue, 1).GetHashCode());
    }

    [TestMethod]
    public void A_path_with_a_NUL_names_no_file_and_creates_nothing()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("The stat, mkdir and open(2) calls are Unix only.");
        }
        // Passed to C as is, such a path would stop at the NUL and reach another file (issue 19 review).
        using var dir = new TempDirectory();
        string file = dir.Combine("events.out.tfevents.1.h.1.0");
        File.WriteAllText(file, "x");
        Assert.IsTrue(UnixFileStatus.Stat(file, out _));
        Assert.IsFalse(UnixFileStatus.Stat(file + "\0/../x", out _));
        Assert.IsFalse(UnixFileStatus.LStat(file + "\0", out _));
        Assert.IsFalse(UnixDirectory.TryCreate(dir.Combine("new\0er")));
        Assert.IsTrue(UnixDirectory.TryCreate(dir.Combine("new")));
        Assert.IsFalse(UnixDirectory.TryCreate(dir.Combine("new")), "mkdir of an existing directory is not 'created here'");
        CollectionAssert.AreEquivalent(new[] { file, dir.Combine("new") }, Directory.GetFileSystemEntries(dir.Path));
        var error = Assert.ThrowsExactly<ArgumentException>(() => LocalLogStorage.Instance.OpenRead(file + "\0/../x"));
        Assert.AreEqual("path", error.ParamName);
        Assert.AreEqual($"The path '{file}\\u0000/../x' contains a NUL character. (Parameter 'path')", error.Message);
    }

    /// <summary>GNU stat's "device inode type" of <paramref name="path"/> (with <paramref name="option"/>, e.g. "-L", or none).</summary>
    private static string GnuStat(string? option, string path)
    {
        string[] arguments = option is null ? ["-c", "%d %i %F", path] : [option, "-c", "%d %i %F", path];
        using var stat = Process.Start(new ProcessStartInfo("stat", arguments) { UseShellExecute = false, RedirectStandardOutput = true })!;
        string output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        Assert.AreEqual(0, stat.ExitCode, $"stat {path}");
        return output;
    }

    [TestMethod]
    public void A_byte_identical_copy_put_in_place_of_the_event_file_is_reported()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path);
        writer.AddScalar("loss", 1, 0);
        writer.Flush();
        string path = writer.FilePath;
        byte[] bytes = File.ReadAllBytes(path);

        // Same first record, same length: only the file's identity tells them apart.
        File.Delete(path);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Flush);

        Assert.AreEqual(path, ex.Path);
        StringAssert.Contains(ex.Message, $"'{path}' was replaced (another file is at that path now)");
        writer.Dispose();
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(path), "the copy is left as it is");
    }

    [TestMethod]
    public void A_FIFO_put_in_place_of_the_event_file_is_reported_without_blocking_the_flush()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("FIFOs are Unix-only.");
        }
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path);
        writer.AddScalar("loss", 1, 0);
        writer.Flush();
        string path = writer.FilePath;
        File.Delete(path);
        MakeFifo(path);

        var outcome = WithinPatience<Exception?>(() =>
        {
            try
            {
                writer.Flush();
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }, path);

        var ex = Assert.IsInstanceOfType<EventFileWriteException>(outcome);
        StringAssert.Contains(ex.Message, $"'{path}' was replaced");
        writer.Dispose();
    }

    [TestMethod]
    public void ListFiles_follows_the_walks_rules_for_links_loops_and_special_files()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Links and FIFOs as on Unix.");
        }
        using var dir = new TempDirectory();
        string logDir = dir.Combine("logs");
        string outside = dir.Combine("outside");
        Directory.CreateDirectory(Path.Combine(logDir, "run"));
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(logDir, "run", "a"), "a");
        File.WriteAllText(Path.Combine(outside, "secret"), "s");
        Directory.CreateSymbolicLink(Path.Combine(logDir, "loop"), ".");
        Directory.CreateSymbolicLink(Path.Combine(logDir, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(logDir, "zero"), "/dev/zero");
        MakeFifo(Path.Combine(logDir, "run", "fifo"));

        var recursive = LocalLogStorage.Instance.ListFiles(logDir, recursive: true);
        var flat = LocalLogStorage.Instance.ListFiles(Path.Combine(logDir, "run"), recursive: false);

        CollectionAssert.AreEqual(new[] { Path.Combine(logDir, "run", "a") }, recursive.ToArray());
        CollectionAssert.AreEqual(new[] { Path.Combine(logDir, "run", "a") }, flat.ToArray());
    }
}
