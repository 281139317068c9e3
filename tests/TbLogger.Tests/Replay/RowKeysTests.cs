using System.Text;
using TbLogger.Replay;

namespace TbLogger.Tests.Replay;

/// <summary>
/// The row writer's cache of the bytes each run and tag pair's rows start with: found by the pair, whatever order the
/// pairs come in, and bounded by pairs (not by tags: one reader hands every run the same tag strings).
/// </summary>
[TestClass]
public sealed class RowKeysTests
{
    [TestMethod]
    public void RunsSharingTagStringsAreKeptAsPairsUpToTheLimitAndLaterPairsAreStillRight()
    {
        int made = 0;
        var keys = new RowKeys((run, tag) =>
        {
            made++;
            return Encoding.UTF8.GetBytes($"{run}|{tag}");
        });
        string[] tags = [.. Enumerable.Range(0, 10).Select(t => $"tag_{t}")];
        string[] runs = [.. Enumerable.Range(0, 20_000).Select(r => $"run_{r}")];
        foreach (string run in runs)
        {
            foreach (string tag in tags)
            {
                Assert.AreEqual($"{run}|{tag}", Encoding.UTF8.GetString(keys.Get(run, tag)));
            }
        }
        // 200,000 pairs of 10 tag strings: the first MaxKept pairs are kept, not MaxKept tags' worth of pairs.
        Assert.AreEqual(RowKeys.MaxKept, keys.KeptCount);
        Assert.AreEqual(200_000, made);

        // A kept pair is found again, in order or not, without being made again; a pair past the limit is made each time.
        made = 0;
        Assert.AreEqual("run_0|tag_3", Encoding.UTF8.GetString(keys.Get(runs[0], tags[3])));
        Assert.AreEqual("run_1000|tag_9", Encoding.UTF8.GetString(keys.Get(runs[1_000], tags[9])));
        Assert.AreEqual("run_0|tag_3", Encoding.UTF8.GetString(keys.Get(runs[0], tags[3])));
        Assert.AreEqual(0, made);
        Assert.AreEqual("run_19999|tag_0", Encoding.UTF8.GetString(keys.Get(runs[19_999], tags[0])));
        Assert.AreEqual("run_19998|tag_5", Encoding.UTF8.GetString(keys.Get(runs[19_998], tags[5])));
        Assert.AreEqual("run_19999|tag_0", Encoding.UTF8.GetString(keys.Get(runs[19_999], tags[0])));
        Assert.AreEqual(3, made);
        Assert.AreEqual(RowKeys.MaxKept, keys.KeptCount);
    }

    [TestMethod]
    public void EqualTextInAnotherStringIsAnotherPairWithItsOwnBytes()
    {
        var keys = new RowKeys((run, tag) => Encoding.UTF8.GetBytes($"{run},{tag},"));
        string tag = "loss";
        string run = "run";
        string sameText = new(['r', 'u', 'n']);
        byte[] first = keys.Get(run, tag);
        byte[] second = keys.Get(sameText, tag);
        Assert.AreNotSame(first, second);
        CollectionAssert.AreEqual(first, second);
        Assert.AreSame(first, keys.Get(run, tag));
        Assert.AreSame(second, keys.Get(sameText, tag));
        Assert.AreEqual(2, keys.KeptCount);
    }
}
