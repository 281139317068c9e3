using System.Text;
using TbLogger.Replay;

namespace TbLogger.Tests.Replay;

/// <summary>
/// The row writer's cache of the bytes each run and tag pair's rows start with: found by the pair, whatever order the
/// pairs come in, and bounded by pairs and bytes (not by tags: one reader hands every run the same tag strings).
/// </summary>
[TestClass]
public sealed class RowKeysTests
{
    [TestMethod]
    public void RunsSharingTagStringsAreKeptAsPairsAndAFullStoreStartsAgain()
    {
        int made = 0;
        var keys = new RowKeys((run, tag) =>
        {
            made++;
            return Encoding.UTF8.GetBytes($"{run}|{tag}");
        });
        string[] tags = [.. Enumerable.Range(0, 8).Select(t => $"tag_{t}")];
        string[] runs = [.. Enumerable.Range(0, RowKeys.MaxKept / tags.Length).Select(r => $"run_{r}")];
        foreach (string run in runs)
        {
            foreach (string tag in tags)
            {
                Assert.AreEqual($"{run}|{tag}", Encoding.UTF8.GetString(keys.Get(run, tag)));
            }
        }
        // MaxKept pairs of 8 tag strings are kept as pairs (not 8 tags' worth), and found again without being made.
        Assert.AreEqual(RowKeys.MaxKept, keys.KeptCount);
        Assert.AreEqual(RowKeys.MaxKept, made);
        Assert.AreEqual("run_0|tag_3", Encoding.UTF8.GetString(keys.Get(runs[0], tags[3])));
        Assert.AreEqual("run_1000|tag_7", Encoding.UTF8.GetString(keys.Get(runs[1_000], tags[7])));
        Assert.AreEqual(RowKeys.MaxKept, made);

        // One pair more empties the store and keeps the pairs in use from then on.
        string late = "run_late";
        Assert.AreEqual("run_late|tag_0", Encoding.UTF8.GetString(keys.Get(late, tags[0])));
        Assert.AreEqual(1, keys.KeptCount);
        Assert.AreEqual("run_0|tag_3", Encoding.UTF8.GetString(keys.Get(runs[0], tags[3])));
        Assert.AreEqual("run_late|tag_0", Encoding.UTF8.GetString(keys.Get(late, tags[0])));
        Assert.AreEqual("run_0|tag_3", Encoding.UTF8.GetString(keys.Get(runs[0], tags[3])));
        Assert.AreEqual(2, keys.KeptCount);
        Assert.AreEqual(RowKeys.MaxKept + 2, made);
    }

    [TestMethod]
    public void LongNamesAreBoundedByBytesAndAPairLongerThanTheBoundIsNeverKept()
    {
        int made = 0;
        string tag = "t";
        var keys = new RowKeys((run, _) =>
        {
            made++;
            return new byte[run.Length];
        });
        string[] runs = [.. Enumerable.Range(0, 5).Select(r => new string((char)('a' + r), RowKeys.MaxKeptBytes / 4))];
        for (int r = 0; r < 4; r++)
        {
            Assert.AreEqual(runs[r].Length, keys.Get(runs[r], tag).Length);
        }
        Assert.AreEqual(4, keys.KeptCount);
        // A fifth quarter of the bound empties the store first.
        Assert.AreEqual(runs[4].Length, keys.Get(runs[4], tag).Length);
        Assert.AreEqual(1, keys.KeptCount);
        // A pair longer than the bound alone is made each time it is asked for after another pair, and never kept.
        string huge = new('z', RowKeys.MaxKeptBytes + 1);
        made = 0;
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(huge.Length, keys.Get(huge, tag).Length);
            Assert.AreEqual(runs[4].Length, keys.Get(runs[4], tag).Length);
        }
        Assert.AreEqual(3, made);
        Assert.AreEqual(1, keys.KeptCount);
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
