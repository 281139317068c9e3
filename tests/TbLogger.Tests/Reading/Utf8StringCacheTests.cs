using System.Text;
using TbLogger.Reading;

namespace TbLogger.Tests.Reading;

/// <summary>
/// The reader's UTF-8 name cache: one string instance per byte sequence, found by following the order names came
/// in before hashing, and never a wrong string when a name breaks that order.
/// </summary>
[TestClass]
public sealed class Utf8StringCacheTests
{
    [TestMethod]
    public void NamesInACycleAndOutOfItAreTheRightStringsAndTheSameInstances()
    {
        var cache = new Utf8StringCache();
        byte[][] tags = [.. Enumerable.Range(0, 5).Select(t => Encoding.UTF8.GetBytes($"train/tag_{t}"))];
        var first = tags.Select(t => cache.Get(t)).ToArray();
        CollectionAssert.AreEqual(new[] { "train/tag_0", "train/tag_1", "train/tag_2", "train/tag_3", "train/tag_4" }, first);
        for (int round = 0; round < 3; round++)
        {
            for (int t = 0; t < tags.Length; t++)
            {
                Assert.AreSame(first[t], cache.Get(tags[t]), $"round {round}, tag {t}");
            }
        }
        // Out of the cycle: a repeat, a step back, a name one byte away from the one that usually follows, a new name.
        Assert.AreSame(first[4], cache.Get(tags[4]));
        Assert.AreSame(first[2], cache.Get(tags[2]));
        Assert.AreEqual("train/tag_7", cache.Get(Encoding.UTF8.GetBytes("train/tag_7")));
        Assert.AreSame(first[3], cache.Get(tags[3]));
        Assert.AreEqual("train/tag_", cache.Get(Encoding.UTF8.GetBytes("train/tag_")));
        Assert.AreSame(first[0], cache.Get(tags[0]));
        // Bytes that are not UTF-8 decode with the replacement character, as the protobuf parser's strings do.
        Assert.AreEqual("a\uFFFDb", cache.Get([(byte)'a', 0xFF, (byte)'b']));
        Assert.AreSame(first[1], cache.Get(tags[1]));
    }

    [TestMethod]
    public void PastItsLimitTheCacheStillGivesTheRightStrings()
    {
        var cache = new Utf8StringCache();
        string kept = cache.Get("kept"u8);
        for (int i = 0; i < 70_000; i++)
        {
            Assert.AreEqual($"n{i}", cache.Get(Encoding.UTF8.GetBytes($"n{i}")));
        }
        // Names met after the limit are right each time (a new string), names kept before it are the same instance.
        string late = cache.Get("n69999"u8);
        Assert.AreEqual("n69999", late);
        string again = cache.Get("n69999"u8);
        Assert.AreEqual("n69999", again);
        Assert.AreNotSame(late, again);
        Assert.AreSame(kept, cache.Get("kept"u8));
        Assert.AreEqual("n0", cache.Get("n0"u8));
    }
}
