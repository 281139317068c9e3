using System.Diagnostics;
using TbLogger.Events;
using TbLogger.Reading.Verify;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Storage;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// Log directories with planted links, loops, FIFOs and device links (issue 18, items 1 and "hangs"): walks stay inside
/// the log directory, end, and skip what is not a regular file. Every read here would hang or escape before the fix.
/// </summary>
[TestClass]
public sealed class HostileDirectoryTests
{
    private const string EventName = "events.out.tfevents.1.h";

    private static bool CanMakeFifos => !OperatingSystem.IsWindows();

    private static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, "mkfifo");
    }

    /// <summary>A log directory with one good run and every trap next to it.</summary>
    private static (string LogDir, string Outside) Plant(TempDirectory temp)
    {
        string logDir = temp.Combine("logs");
        Write(Path.Combine(logDir, "good"), EventName, Version(), Scalar("loss", 1, 0.5f), Scalar("loss", 2, 0.25f));
        string outside = temp.Combine("outside");
        Write(Path.Combine(outside, "secret"), EventName, Version(), Scalar("secret", 1, 42f));
        Directory.CreateSymbolicLink(Path.Combine(logDir, "loop"), ".");                       // x -> .
        Directory.CreateSymbolicLink(Path.Combine(logDir, "good", "up"), "..");                // a loop one level down
        Directory.CreateSymbolicLink(Path.Combine(logDir, "root"), "/");                       // the whole file system
        Directory.CreateSymbolicLink(Path.Combine(logDir, "escape"), outside);                 // another directory
        Directory.CreateDirectory(Path.Combine(logDir, "dev"));
        File.CreateSymbolicLink(Path.Combine(logDir, "dev", "events.out.tfevents.2.zero"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(logDir, "dev", "events.out.tfevents.3.random"), "/dev/urandom");
        Directory.CreateDirectory(Path.Combine(logDir, "fifo"));
        MakeFifo(Path.Combine(logDir, "fifo", "events.out.tfevents.4.fifo"));
        return (logDir, outside);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Run_discovery_stays_inside_ends_on_loops_and_skips_fifos_and_devices()
    {
        if (!CanMakeFifos)
        {
            Assert.Inconclusive("FIFOs and /dev/zero are Unix-only.");
        }
        using var temp = new TempDirectory();
        var (logDir, _) = Plant(temp);
        var warnings = new List<string>();
        var walked = LogDirectoryWalk.Directories(logDir, EventFileNames.IsEventFile, warning: warnings.Add).ToList();
        // Each real directory once: the root, good, dev, fifo (loop and good/up lead back to visited directories).
        CollectionAssert.AreEqual(new[] { logDir, Path.Combine(logDir, "dev"), Path.Combine(logDir, "fifo"), Path.Combine(logDir, "good") }, walked.Select(d => d.Directory).ToArray());
        CollectionAssert.AreEqual(new[] { Path.Combine(logDir, "good", EventName) }, walked.SelectMany(d => d.Files).ToArray());
        Assert.HasCount(5, warnings, string.Join("\n", warnings));
        Assert.IsTrue(warnings.Any(w => w.Contains("events.out.tfevents.4.fifo': it is a FIFO", StringComparison.Ordinal)), string.Join("\n", warnings));
        Assert.IsTrue(warnings.Any(w => w.Contains("/root': it points outside the log directory", StringComparison.Ordinal)));
        Assert.IsTrue(warnings.Any(w => w.Contains("/escape': it points outside the log directory", StringComparison.Ordinal)));
        Assert.AreEqual(2, warnings.Count(w => w.Contains("/dev/events.out.tfevents.", StringComparison.Ordinal) && w.Contains("points outside", StringComparison.Ordinal)));

        var reader = new LogDirReader(logDir);
        CollectionAssert.AreEqual(new[] { "good" }, reader.GetRuns().Select(r => r.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 0.5, 0.25 }, reader.ReadScalars().Select(p => p.Value).ToArray());
        Assert.AreEqual(2, reader.Summarize().Single().Tags.Single().Count);
        Assert.IsTrue(LogVerifier.Verify(logDir).IsClean);
    }

    [TestMethod]
    public void Links_inside_the_log_directory_are_followed_once_and_real_directories_keep_their_names()
    {
        using var temp = new TempDirectory();
        string logDir = temp.Combine("logs");
        Write(Path.Combine(logDir, "run_2024"), EventName, Version(), Scalar("loss", 1, 0.5f));
        Write(Path.Combine(logDir, "nested", "deep"), EventName, Version(), Scalar("loss", 1, 0.75f));
        Directory.CreateSymbolicLink(Path.Combine(logDir, "latest"), "run_2024");
        Directory.CreateSymbolicLink(Path.Combine(logDir, "shortcut"), Path.Combine(logDir, "nested", "deep"));
        Directory.CreateSymbolicLink(Path.Combine(logDir, "other"), "nested");
        var warnings = new List<string>();
        var runs = LogDirectoryWalk.Directories(logDir, EventFileNames.IsEventFile, warning: warnings.Add).Where(d => d.Files.Count > 0).Select(d => Path.GetRelativePath(logDir, d.Directory)).ToArray();
        CollectionAssert.AreEqual(new[] { "nested/deep", "run_2024" }, runs);
        Assert.IsEmpty(warnings);
        // A link to a directory reachable only through it is followed (the log directory itself may be a link too).
        string linkedLogDir = temp.Combine("linked-logs");
        Directory.CreateSymbolicLink(linkedLogDir, logDir);
        CollectionAssert.AreEqual(new[] { "nested/deep", "run_2024" }, new LogDirReader(linkedLogDir).GetRuns().Select(r => r.Name).ToArray());
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Replay_and_export_of_a_trapped_directory_end_and_read_only_the_good_run()
    {
        if (!CanMakeFifos)
        {
            Assert.Inconclusive("FIFOs and /dev/zero are Unix-only.");
        }
        using var temp = new TempDirectory();
        var (logDir, _) = Plant(temp);
        var result = LogReplayer.Replay(logDir, temp.Combine("out"));
        Assert.AreEqual((1, 1, 2L), (result.RunsRead, result.RunsWritten, result.ValuesWritten));
        CollectionAssert.AreEqual(new[] { "good" }, new LogDirReader(temp.Combine("out")).GetRuns().Select(r => r.Name).ToArray());
        string csv = temp.Combine("all.csv");
        LogExporter.ExportToFile(logDir, csv, new ExportOptions { Format = ExportFormat.Csv });
        Assert.DoesNotContain("secret", File.ReadAllText(csv));
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Repair_never_follows_directory_links_nor_copies_link_targets()
    {
        if (!CanMakeFifos)
        {
            Assert.Inconclusive("FIFOs and /dev/zero are Unix-only.");
        }
        using var temp = new TempDirectory();
        var (logDir, outside) = Plant(temp);
        File.CreateSymbolicLink(Path.Combine(logDir, "good", "passwd"), "/etc/passwd");
        File.WriteAllText(Path.Combine(logDir, "good", "notes.txt"), "kept");
        // Damage the good file so the repair has work: a torn last record.
        string damaged = Path.Combine(logDir, "good", EventName);
        var bytes = File.ReadAllBytes(damaged);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(damaged, bytes);
        var report = LogVerifier.Verify(logDir);
        Assert.IsFalse(report.IsClean);
        string output = temp.Combine("repaired");
        Assert.AreEqual(1, LogRepair.Repair(report, output));
        var copied = Directory.GetFileSystemEntries(output, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(output, p)).Order(StringComparer.Ordinal).ToArray();
        // Only regular files (and their directories): no passwd, no secret from outside, no loop copies, no FIFO, no /dev/zero.
        CollectionAssert.AreEqual(new[] { "good", "good/" + EventName, "good/notes.txt" }, copied);
        Assert.IsTrue(File.Exists(Path.Combine(outside, "secret", EventName)));
        Assert.AreEqual(1, new LogDirReader(output).ReadScalars().Count());
    }
    [TestMethod]
    public void A_file_this_user_may_not_read_is_skipped_and_the_rest_read_and_verify_names_it()
    {
        // Before: the UnauthorizedAccessException of one file ended every read of the directory (tblog ls, export
        // and verify printed nothing for the good runs).
        const string Root = "mem://bucket/runs";
        string denied = $"{Root}/b/events.out.tfevents.2.h";
        var objects = new Dictionary<string, byte[]>
        {
            [$"{Root}/a/events.out.tfevents.1.h"] = FileBytes(Scalar("loss", 1, 0.5f)),
            [denied] = FileBytes(Scalar("loss", 1, 0.25f)),
            [$"{Root}/b/events.out.tfevents.3.h"] = FileBytes(Scalar("loss", 2, 0.75f)),
        };
        var storage = new MemoryLogStorage(objects, new HashSet<string> { denied });
        var reader = new LogDirReader(storage, Root);
        CollectionAssert.AreEqual(new[] { "a/loss@1=0.5", "b/loss@2=0.75" }, reader.ReadScalars().Select(p => $"{p.Run}/{p.Tag}@{p.Step}={p.Value}").ToArray());
        var report = LogVerifier.Verify(reader);
        var problem = report.Files.SelectMany(f => f.Problems).Single();
        Assert.AreEqual((denied, 0L, VerifySeverity.Error, "read"), (problem.File, problem.Offset, problem.Severity, problem.Rule));
        Assert.AreEqual($"the file cannot be read: Access to the path '{denied}' is denied.", problem.Message);
        Assert.IsFalse(report.IsClean);
    }

    [TestMethod]
    public void Repair_leaves_out_a_file_verify_could_not_read_and_copies_the_rest()
    {
        // As root (CI) no file is unreadable, so the report says it as verify does for one (rule "read"): the repair
        // used to open it, throw, and leave a half-made output behind.
        using var temp = new TempDirectory();
        string good = Write(temp.Combine("logs", "a"), EventName, Version(), Scalar("loss", 1, 0.5f));
        string locked = Write(temp.Combine("logs", "b"), EventName, Version(), Scalar("loss", 1, 0.25f));
        var report = LogVerifier.Verify(temp.Combine("logs"));
        report = report with
        {
            Files = [.. report.Files.Select(f => f.File == locked
                ? f with { Problems = [new VerifyProblem(locked, 0, VerifySeverity.Error, "read", "the file cannot be read: Access to the path is denied.")] }
                : f)],
        };
        Assert.AreEqual(0, LogRepair.Repair(report, temp.Combine("out")));
        CollectionAssert.AreEqual(File.ReadAllBytes(good), File.ReadAllBytes(temp.Combine("out", "a", EventName)));
        Assert.IsFalse(File.Exists(temp.Combine("out", "b", EventName)));
    }

    [TestMethod]
    public void Names_that_are_not_UTF8_are_skipped_with_a_warning_not_in_silence()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Makes names that are not UTF-8, which only Linux file systems take as they are.");
        }
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("good"));
        Write(temp.Combine("good"), EventName, Version(), Scalar("loss", 1, 0.5f));
        // .NET lists these names with U+FFFD in place of the byte FF, and cannot open them under that name.
        using (var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "mkdir \"$1/bad$(printf '\\377')\" && cp \"$1/good/$2\" \"$1/bad$(printf '\\377')/$2\" && cp \"$1/good/$2\" \"$1/good/$2$(printf '\\377')\"", "sh", temp.Path, EventName]) { UseShellExecute = false })!)
        {
            process.WaitForExit();
            Assert.AreEqual(0, process.ExitCode, "sh");
        }
        var warnings = new List<string>();
        var files = LogDirectoryWalk.Files(temp.Path, warning: warnings.Add).ToList();
        CollectionAssert.AreEqual(new[] { temp.Combine("good", EventName) }, files);
        CollectionAssert.AreEquivalent(new[]
        {
            $"skipped the directory '{temp.Combine("bad\uFFFD")}': Could not find a part of the path '{temp.Combine("bad\uFFFD")}'.",
            $"skipped '{temp.Combine("good", EventName + "\uFFFD")}': its name is not valid UTF-8, and .NET cannot open such a file.",
        }, warnings);
    }
}
