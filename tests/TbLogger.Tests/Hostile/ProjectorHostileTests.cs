using TbLogger.Projector;
using TbLogger.Protos.Plugins.Projector;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>Hostile projector configs and run directories (issue 18, items 1, 3 and 6).</summary>
[TestClass]
public sealed class ProjectorHostileTests
{
    private static readonly float[] s_matrix = [1, 2, 3, 4];

    [TestMethod]
    public void Deeply_nested_text_is_a_format_error_not_a_stack_overflow()
    {
        string nested = string.Concat(Enumerable.Repeat("x {", 100_000));
        var error = Assert.ThrowsExactly<FormatException>(() => ProjectorConfigText.Parse(nested));
        Assert.AreEqual("projector_config.pbtxt line 1: messages nested more than 100 deep.", error.Message);
        // Inside known messages too, and with the '<' form.
        string inEmbedding = "embeddings { sprite { " + string.Concat(Enumerable.Repeat("unknown < ", 100_000));
        StringAssert.EndsWith(Assert.ThrowsExactly<FormatException>(() => ProjectorConfigText.Parse(inEmbedding)).Message, "messages nested more than 100 deep.");
        // 100 levels are fine (unknown fields are skipped), 101 are not.
        string hundred = "embeddings { tensor_name: \"a\" " + string.Concat(Enumerable.Repeat("u { ", 99)) + string.Concat(Enumerable.Repeat("} ", 99)) + "}";
        Assert.AreEqual("a", ProjectorConfigText.Parse(hundred).Embeddings.Single().TensorName);
        string hundredOne = "embeddings { " + string.Concat(Enumerable.Repeat("u { ", 100)) + string.Concat(Enumerable.Repeat("} ", 100)) + "}";
        Assert.ThrowsExactly<FormatException>(() => ProjectorConfigText.Parse(hundredOne));
    }

    [TestMethod]
    public void Oversized_text_is_refused_before_parsing()
    {
        string huge = new(' ', ProjectorConfigText.MaxTextLength + 1);
        var error = Assert.ThrowsExactly<FormatException>(() => ProjectorConfigText.Parse(huge));
        Assert.AreEqual($"projector_config.pbtxt is {ProjectorConfigText.MaxTextLength + 1} characters; at most {ProjectorConfigText.MaxTextLength} are read.", error.Message);
    }

    [TestMethod]
    public void AddEmbedding_with_a_hostile_config_in_the_run_reports_it_and_leaves_it_unchanged()
    {
        using var dir = new TempDirectory();
        string config = dir.Combine("projector_config.pbtxt");
        string nested = string.Concat(Enumerable.Repeat("x {", 100_000));
        File.WriteAllText(config, nested);
        using var writer = new SummaryWriter(dir.Path);
        Assert.ThrowsExactly<FormatException>(() => writer.AddEmbedding("emb", s_matrix, 2, 0));
        Assert.AreEqual(nested, File.ReadAllText(config));
    }

    [TestMethod]
    public void AddEmbedding_never_writes_through_links_planted_in_the_run()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Symbolic links need privileges on Windows.");
        }
        using var dir = new TempDirectory();
        string victim = dir.Combine("victim.txt");
        File.WriteAllText(victim, "precious");
        string run = dir.Combine("run");
        Directory.CreateDirectory(Path.Combine(run, "00000", "emb"));
        // A link at a file's name: the file is replaced, the target untouched.
        File.CreateSymbolicLink(Path.Combine(run, "00000", "emb", "tensors.tsv"), victim);
        using (var writer = new SummaryWriter(run))
        {
            writer.AddEmbedding("emb", s_matrix, 2, 0);
        }
        Assert.AreEqual("precious", File.ReadAllText(victim));
        Assert.IsNull(new FileInfo(Path.Combine(run, "00000", "emb", "tensors.tsv")).LinkTarget);
        Assert.AreEqual("1.0\t2.0\n3.0\t4.0\n", File.ReadAllText(Path.Combine(run, "00000", "emb", "tensors.tsv")));

        // A link at a directory's name: refused, nothing written in the target directory.
        string elsewhere = dir.Combine("elsewhere");
        Directory.CreateDirectory(elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(run, "00001"), elsewhere);
        using (var writer = new SummaryWriter(run))
        {
            var error = Assert.ThrowsExactly<IOException>(() => writer.AddEmbedding("emb", s_matrix, 2, 1));
            StringAssert.Contains(error.Message, "00001' is a symbolic link");
        }
        Assert.IsEmpty(Directory.GetFileSystemEntries(elsewhere));

        // A link at the config's name: refused, its target neither read nor replaced.
        File.Delete(Path.Combine(run, "projector_config.pbtxt"));
        File.CreateSymbolicLink(Path.Combine(run, "projector_config.pbtxt"), victim);
        using (var writer = new SummaryWriter(run))
        {
            Assert.ThrowsExactly<IOException>(() => writer.AddEmbedding("other", s_matrix, 2, 0));
        }
        Assert.AreEqual("precious", File.ReadAllText(victim));
    }

    [TestMethod]
    public void AddEmbedding_on_a_rank_that_does_not_write_writes_nothing()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run");
        using (var writer = new SummaryWriter(run, new SummaryWriterOptions { Rank = 1, WorldSize = 2 }))
        {
            Assert.IsFalse(writer.IsWriting);
            string embedding = writer.AddEmbedding("emb", s_matrix, 2, 0);
            Assert.AreEqual(Path.Combine(Path.GetFullPath(run), "00000", "emb"), embedding);
        }
        Assert.IsFalse(Directory.Exists(run), "a non-writing rank created " + (Directory.Exists(run) ? string.Join(", ", Directory.GetFileSystemEntries(run, "*", SearchOption.AllDirectories)) : ""));
    }

    [TestMethod]
    public void Concurrent_writers_of_one_run_lose_no_projector_entries()
    {
        using var dir = new TempDirectory();
        const int PerWriter = 60;
        using var a = new SummaryWriter(dir.Path);
        using var b = new SummaryWriter(dir.Path);
        using var start = new Barrier(2);
        void Add(SummaryWriter writer, string prefix)
        {
            start.SignalAndWait();
            for (int i = 0; i < PerWriter; i++)
            {
                writer.AddEmbedding($"{prefix}{i}", s_matrix, 2, i);
            }
        }
        Parallel.Invoke(() => Add(a, "a"), () => Add(b, "b"));
        var config = ProjectorConfigText.Parse(File.ReadAllText(dir.Combine("projector_config.pbtxt")));
        var names = config.Embeddings.Select(e => e.TensorName).Order(StringComparer.Ordinal).ToArray();
        var expected = Enumerable.Range(0, PerWriter).SelectMany(i => new[] { $"a{i}:{i:D5}", $"b{i}:{i:D5}" }).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(expected, names);
        // No temporary file is left behind.
        Assert.IsEmpty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
