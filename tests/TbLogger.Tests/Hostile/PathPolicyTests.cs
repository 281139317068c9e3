using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Storage;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Hostile;

/// <summary>Names from data (object keys, history files) never choose where we write (issue 18, item 1).</summary>
[TestClass]
public sealed class PathPolicyTests
{
    private static readonly string[] s_hostileNames =
    [
        "../../x", "..", "a/../../x", "/abs", "/tmp/x", "a//b", "a/./b", "./a", "a/", "C:/x", "c:x", "a\\..\\..\\x",
        "\\\\server\\share", "a\0b", "tab\there", "esc\u001b[31m", "", "a/\u0085b",
    ];

    [TestMethod]
    public void Problem_refuses_every_escape_and_accepts_plain_relative_names()
    {
        foreach (string name in s_hostileNames)
        {
            Assert.IsNotNull(PathPolicy.Problem(name), $"'{name}' was accepted");
            var error = Assert.ThrowsExactly<UnsafePathException>(() => PathPolicy.Resolve("/tmp/dest", name, "test input"));
            Assert.AreEqual(name, error.Name);
            StringAssert.StartsWith(error.Message, "test input: the name '");
        }
        foreach (string name in new[] { ".", "run1", "a/b/c", "train_loss", "run:1", "ünïcode/ラン", "a b", "..a", "a..", ".hidden" })
        {
            Assert.IsNull(PathPolicy.Problem(name), name);
            string full = PathPolicy.Resolve("/tmp/dest", name, "test");
            Assert.IsTrue(full == "/tmp/dest" || full.StartsWith("/tmp/dest/", StringComparison.Ordinal), full);
        }
        Assert.AreEqual("/tmp/dest/a/b", PathPolicy.Resolve("/tmp/dest/", "a/b", "test"));
        Assert.AreEqual("it has a '..' segment", PathPolicy.Problem("../../x"));
        Assert.AreEqual("it is an absolute path", PathPolicy.Problem("/abs"));
        Assert.AreEqual("it contains a NUL character", PathPolicy.Problem("a\0b"));
    }

    [TestMethod]
    public void Printable_escapes_terminal_control_characters_only()
    {
        Assert.AreEqual("loss", PathPolicy.Printable("loss"));
        Assert.AreEqual("a\\e[2Jb\\n\\u0007\\u009b", PathPolicy.Printable("a\u001b[2Jb\n\u0007\u009b"));
        Assert.AreEqual("x\\u202ey", PathPolicy.Printable("x\u202Ey"));
        Assert.AreEqual("ünïcode/ラン", PathPolicy.Printable("ünïcode/ラン"));
    }

    [TestMethod]
    public void Replay_from_a_store_refuses_keys_that_leave_the_destination_and_writes_nothing()
    {
        foreach (string key in new[] { "runs/../../x", "runs//tmp/x", "runs/ok/../../../x", "runs/a\u001bb" })
        {
            using var temp = new TempDirectory();
            string scheme = "hostile" + Guid.NewGuid().ToString("N")[..8];
            var objects = new Dictionary<string, byte[]>
            {
                [$"{scheme}://bucket/runs/good/events.out.tfevents.1.h"] = FileBytes(Scalar("loss", 1, 0.5f)),
                [$"{scheme}://bucket/{key}/events.out.tfevents.1.h"] = FileBytes(Scalar("loss", 1, 0.25f)),
            };
            LogStorageRegistry.Register(scheme, new MemoryLogStorage(objects));
            Directory.CreateDirectory(temp.Combine("a", "b"));
            string destination = temp.Combine("a", "b", "out");
            var error = Assert.ThrowsExactly<UnsafePathException>(() => LogReplayer.Replay($"{scheme}://bucket/runs", destination), key);
            Assert.AreEqual(key["runs/".Length..], error.Name);
            StringAssert.Contains(error.Message, $"Source run '{scheme}://bucket/", key);
            // Nothing at all was written: not in the destination, not next to it, not at an absolute path.
            Assert.IsFalse(Directory.Exists(destination), key);
            CollectionAssert.AreEqual(new[] { temp.Combine("a"), temp.Combine("a", "b") }, Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Order().ToArray(), key);
            Assert.IsFalse(Directory.Exists("/tmp/x/events.out.tfevents.1.h"));
        }
    }

    [TestMethod]
    public void Replay_refuses_a_merge_run_that_leaves_the_destination()
    {
        using var temp = new TempDirectory();
        Write(temp.Combine("src", "run1"), "events.out.tfevents.1.h", Version(), Scalar("loss", 1, 0.5f));
        var error = Assert.ThrowsExactly<UnsafePathException>(() => LogReplayer.Replay(temp.Combine("src"), temp.Combine("out"), new ReplayOptions { MergeInto = "../escaped" }));
        Assert.AreEqual("../escaped", error.Name);
        Assert.IsFalse(Directory.Exists(temp.Combine("escaped")));
        Assert.IsFalse(Directory.Exists(temp.Combine("out")));
    }

    [TestMethod]
    public void Import_refuses_run_values_that_leave_the_destination_naming_file_and_line()
    {
        foreach (var (extension, badLine, line2) in new[]
        {
            (".csv", 3, "run,tag,step,value\nok,loss,0,1.5\n{0},loss,1,2.5\n"),
            (".jsonl", 2, "{{\"run\":\"ok\",\"tag\":\"loss\",\"step\":0,\"value\":1.5}}\n{{\"run\":\"{0}\",\"tag\":\"loss\",\"step\":1,\"value\":2.5}}\n"),
        })
        {
            foreach (string run in new[] { "../../x", "/abs", "a/../../x", "..", "C:/x" })
            {
                using var temp = new TempDirectory();
                string file = temp.Combine("history" + extension);
                File.WriteAllText(file, string.Format(System.Globalization.CultureInfo.InvariantCulture, line2, run));
                string destination = temp.Combine("d1", "d2", "out");
                var error = Assert.ThrowsExactly<UnsafePathException>(() => HistoryImporter.Import(file, destination), run);
                Assert.AreEqual(run, error.Name);
                StringAssert.StartsWith(error.Message, $"History file '{file}' line {badLine}: the name '{run}'", run);
                // Only the good run exists; nothing was created outside the destination.
                var outside = Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories)
                    .Where(p => !p.StartsWith(destination, StringComparison.Ordinal) && p != file).Order().ToArray();
                CollectionAssert.AreEqual(new[] { temp.Combine("d1"), temp.Combine("d1", "d2") }, outside, run);
                Assert.IsFalse(File.Exists("/abs") || Directory.Exists("/abs"));
            }
        }
    }

    [TestMethod]
    public void Import_refuses_an_unsafe_default_run()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("h.csv");
        File.WriteAllText(file, "step,loss\n0,1\n");
        var error = Assert.ThrowsExactly<UnsafePathException>(() => HistoryImporter.Import(file, temp.Combine("out"), new ImportOptions { DefaultRun = "../up" }));
        StringAssert.StartsWith(error.Message, "The default run (ImportOptions.DefaultRun): the name '../up'");
        Assert.IsFalse(Directory.Exists(temp.Combine("up")));
    }

    [TestMethod]
    public void Sub_run_names_are_sanitised_segment_by_segment_by_the_same_policy()
    {
        using var temp = new TempDirectory();
        foreach (var (tag, key) in new[] { ("loss", "../../x"), ("..", "."), ("a/b", "c\\d"), ("x", "\u001b[2J"), ("C:", "/abs"), ("x", "./.."), ("x", "a/../../..") })
        {
            string name = SummaryWriter.SubRunName(tag, key);
            Assert.IsNull(PathPolicy.Problem(name), name);
            StringAssert.StartsWith(PathPolicy.Resolve(temp.Path, name, "key"), temp.Path + Path.DirectorySeparatorChar);
            // Only a '/' of the key nests; the main tag's '/' and every '\' do not.
            Assert.AreEqual(key.Count(c => c == '/'), name.Count(c => c == '/'), name);
        }
    }

    [TestMethod]
    public void Names_too_long_for_one_directory_are_refused_naming_the_argument_before_anything_is_written()
    {
        // A file system takes 255 bytes of UTF-8 in one name. These were PathTooLongExceptions (an IOException) after
        // other directories were made: AddScalars had written the lines before the long one, AddEmbedding left its
        // step's directory.
        using var temp = new TempDirectory();
        string longKey = new('k', 300);
        string wide = new('日', 85); // 255 bytes: the longest name of these
        using (var writer = new SummaryWriter(temp.Path))
        {
            var lines = new Dictionary<string, double> { ["a"] = 1, [longKey] = 2, ["b"] = 3 };
            var error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("main", lines, 0));
            Assert.AreEqual("values", error.ParamName);
            StringAssert.StartsWith(error.Message, $"A key makes the directory name 'main_{new string('k', 35)}…' of 305 bytes of UTF-8; a file system takes at most 255 in one name.");
            error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars(new string('m', 300), new Dictionary<string, double> { ["a"] = 1 }, 0));
            Assert.AreEqual("mainTag", error.ParamName);
            error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new Dictionary<string, double> { ["x/" + longKey] = 1 }, 0));
            Assert.AreEqual("values", error.ParamName, "a nested segment of the key");
            error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.1 }, new Dictionary<string, double> { ["acc"] = 1 }, runName: wide + "x"));
            Assert.AreEqual("runName", error.ParamName);
            StringAssert.Contains(error.Message, "of 256 bytes of UTF-8");
            error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding(new string('e', 256), new float[4], 2, 0));
            Assert.AreEqual("tag", error.ParamName);
            Assert.AreEqual(1, Directory.GetFileSystemEntries(temp.Path).Length, "only the main run's event file: " + string.Join(", ", Directory.GetFileSystemEntries(temp.Path)));

            // At the limit, each is written.
            writer.AddScalars("m", new Dictionary<string, double> { [new string('k', 253)] = 1 }, 0);
            Assert.IsTrue(writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.1 }, new Dictionary<string, double> { ["acc"] = 1 }, runName: wide));
            writer.AddEmbedding(new string('e', 255), new float[4], 2, 0);
        }
        Assert.IsTrue(Directory.Exists(Path.Combine(temp.Path, "m_" + new string('k', 253))));
        Assert.IsTrue(Directory.Exists(Path.Combine(temp.Path, wide)));
        Assert.IsTrue(File.Exists(Path.Combine(temp.Path, "00000", new string('e', 255), "tensors.tsv")));
    }
}
