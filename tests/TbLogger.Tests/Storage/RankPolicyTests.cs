using TbLogger.Events;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Storage;

[TestClass]
public sealed class RankPolicyTests
{
    private static SummaryWriterOptions Ranked(int rank, int worldSize, RankPolicy policy = RankPolicy.RankZeroOnly, bool suffix = true, RankLayout layout = RankLayout.SharedRun) =>
        new() { Rank = rank, WorldSize = worldSize, RankPolicy = policy, SuffixTagsWithRank = suffix, RankLayout = layout, FlushInterval = Timeout.InfiniteTimeSpan };

    [TestMethod]
    public void By_default_only_rank_zero_writes()
    {
        using var temp = new TempDirectory();
        string run = temp.Combine("run");
        using (var writer = new SummaryWriter(run, Ranked(rank: 2, worldSize: 4)))
        {
            Assert.IsFalse(writer.IsWriting);
            Assert.AreEqual((2, 4), (writer.Rank, writer.WorldSize));
            Assert.IsTrue(writer.AddScalar("loss", 1.0, 0));
            writer.AddScalars("group", new Dictionary<string, double> { ["a"] = 1 }, 0);
            Assert.IsTrue(writer.AddText("t", "x", 0));
            writer.Flush();
        }
        Assert.IsFalse(Directory.Exists(run), "a non-writing rank creates nothing");

        using (var writer = new SummaryWriter(run, Ranked(rank: 0, worldSize: 4)))
        {
            Assert.IsTrue(writer.IsWriting);
            writer.AddScalar("loss", 1.0, 0);
        }
        var file = Directory.GetFiles(run).Single();
        Assert.DoesNotContain(".rank", Path.GetFileName(file));
        var tags = EventFileReader.Read(file).Where(e => e.Summary is not null).Select(e => e.Summary.Value[0].Tag).ToList();
        CollectionAssert.AreEqual(new[] { "loss" }, tags);
    }

    [TestMethod]
    public void Under_all_ranks_and_a_shared_run_every_rank_writes_its_own_file_with_rank_suffixed_tags()
    {
        using var temp = new TempDirectory();
        string run = temp.Combine("run");
        var writers = Enumerable.Range(0, 4).Select(r => new SummaryWriter(run, Ranked(r, 4, RankPolicy.AllRanks))).ToList();
        foreach (var writer in writers)
        {
            writer.AddScalar("train/loss", writer.Rank, step: 7);
            writer.AddText("note", $"rank {writer.Rank}", step: 7);
        }
        foreach (var writer in writers)
        {
            writer.Dispose();
        }
        var files = Directory.GetFiles(run).Order(StringComparer.Ordinal).ToList();
        Assert.HasCount(4, files);
        var byRank = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (int r = 0; r < 4; r++)
        {
            string file = files.Single(f => Path.GetFileName(f).EndsWith($".rank{r}", StringComparison.Ordinal));
            var values = EventFileReader.Read(file).Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).ToList();
            CollectionAssert.AreEqual(new[] { $"train/loss/rank{r}", $"note/rank{r}" }, values.Select(v => v.Tag).ToList());
            Assert.AreEqual((float)r, values[0].Tensor.FloatVal[0]);
        }
    }

    [TestMethod]
    public void Under_all_ranks_by_default_every_rank_writes_its_own_sub_run_with_tags_as_given()
    {
        using var temp = new TempDirectory();
        string run = temp.Combine("run");
        var options = new SummaryWriterOptions { RankPolicy = RankPolicy.AllRanks, WorldSize = 3, FlushInterval = Timeout.InfiniteTimeSpan };
        Assert.AreEqual(RankLayout.RunPerRank, options.RankLayout);
        var writers = Enumerable.Range(0, 3).Select(r => new SummaryWriter(run, options with { Rank = r })).ToList();
        // Rank 0 logs the all-rank metrics into the run itself, with a writer that only rank 0 opens.
        var global = new SummaryWriter(run, new SummaryWriterOptions { Rank = 0, WorldSize = 3, FlushInterval = Timeout.InfiniteTimeSpan });
        foreach (var writer in writers)
        {
            Assert.AreEqual(Path.Combine(run, $"rank{writer.Rank}"), writer.LogDirectory);
            writer.AddScalar("train/loss", writer.Rank, step: 7);
            writer.AddScalars("group", new Dictionary<string, double> { ["a"] = writer.Rank }, step: 7);
        }
        global.AddScalar("global/auc", 0.5, step: 0);
        global.Dispose();
        foreach (var writer in writers)
        {
            writer.Dispose();
        }
        var points = new TbLogger.Reading.LogDirReader(temp.Path).ReadScalars().Select(p => (p.Run, p.Tag, p.Value)).ToList();
        CollectionAssert.AreEqual(new List<(string, string, double)>
        {
            ("run", "global/auc", 0.5),
            ("run/rank0", "train/loss", 0), ("run/rank0/group_a", "group", 0),
            ("run/rank1", "train/loss", 1), ("run/rank1/group_a", "group", 1),
            ("run/rank2", "train/loss", 2), ("run/rank2/group_a", "group", 2),
        }, points);
        Assert.HasCount(1, Directory.GetFiles(temp.Combine("run", "rank1")));
        StringAssert.EndsWith(Directory.GetFiles(temp.Combine("run", "rank1")).Single(), ".rank1");
    }

    [TestMethod]
    public void A_single_process_under_all_ranks_writes_the_run_itself()
    {
        using var temp = new TempDirectory();
        using var writer = new SummaryWriter(temp.Path, new SummaryWriterOptions { RankPolicy = RankPolicy.AllRanks, Rank = 0, WorldSize = 1 });
        Assert.AreEqual(temp.Path, writer.LogDirectory);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new SummaryWriter(temp.Path, new SummaryWriterOptions { RankPolicy = RankPolicy.AllRanks, Rank = 0, WorldSize = 2, RankLayout = (RankLayout)7 }));
    }

    [TestMethod]
    public void Tag_suffix_can_be_turned_off_and_leaves_hparams_names_alone()
    {
        using var temp = new TempDirectory();
        using (var writer = new SummaryWriter(temp.Combine("plain"), Ranked(1, 2, RankPolicy.AllRanks, suffix: false)))
        {
            writer.AddScalar("rank1/loss", 1, 0);
        }
        var plain = EventFileReader.Read(Directory.GetFiles(temp.Combine("plain")).Single()).Where(e => e.Summary is not null).Single();
        Assert.AreEqual("rank1/loss", plain.Summary.Value[0].Tag);

        using (var writer = new SummaryWriter(temp.Combine("hp"), Ranked(1, 2, RankPolicy.AllRanks)))
        {
            writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.1 }, new Dictionary<string, double> { ["hparam/acc"] = 0.9 });
        }
        var tags = Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories)
            .SelectMany(f => EventFileReader.Read(f)).Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value).Select(v => v.Tag).ToList();
        CollectionAssert.Contains(tags, "_hparams_/session_start_info");
    }

    [TestMethod]
    public void Rank_settings_are_validated()
    {
        using var temp = new TempDirectory();
        var missing = Assert.ThrowsExactly<ArgumentException>(() => new SummaryWriter(temp.Path, new SummaryWriterOptions { Rank = 1 }));
        StringAssert.StartsWith(missing.Message, "Rank is set but WorldSize is not; set both, or neither to read them from the environment.");
        var outside = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SummaryWriter(temp.Path, Ranked(4, 4)));
        StringAssert.StartsWith(outside.Message, "Rank must be in [0, 4) (WorldSize 4).");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SummaryWriter(temp.Path, new SummaryWriterOptions { WorldSize = 0 }));
    }
}
