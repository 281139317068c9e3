using System.Text;
using TbLogger.Loading;

namespace TbLogger.Tests.Loading;

[TestClass]
public sealed class LoaderModelTests
{
    [TestMethod]
    public void APointAtOrBelowTheLastStepEvictsAndBecomesTheLast()
    {
        var model = new LoaderModel();
        Assert.IsFalse(model.Observe("a", 5, out _, out _));
        Assert.IsTrue(model.Observe("a", 5, out long previous, out bool first));
        Assert.AreEqual(5L, previous);
        Assert.IsTrue(first);
        Assert.IsTrue(model.Observe("a", 3, out previous, out first));
        Assert.AreEqual(5L, previous);
        Assert.IsFalse(first);                           // reported once per tag
        Assert.IsFalse(model.Observe("a", 4, out _, out _)); // 3 is now the last: 4 moves forward again
        Assert.IsFalse(model.Observe("b", 1, out _, out _)); // tags are independent
        Assert.AreEqual(2L, model.Violations);
    }

    [TestMethod]
    public void TheTagStepStateAnswersAsTheModelDoesForEveryPoint()
    {
        // The per-tag value the scans keep must give exactly the model's answers (a run read from its start): steps
        // that rise, repeat, go back, jump, including long.MinValue and long.MaxValue, over three tags.
        var model = new LoaderModel();
        var states = new LoaderModel.TagStepState[3];
        var random = new Random(19);
        long[] extremes = [long.MinValue, long.MinValue + 1, -1, 0, 1, long.MaxValue - 1, long.MaxValue];
        int evictions = 0;
        for (int i = 0; i < 20_000; i++)
        {
            int tag = random.Next(3);
            long step = random.Next(10) == 0 ? extremes[random.Next(extremes.Length)] : random.Next(-50, 200);
            bool expected = model.Observe($"t{tag}", step, out _, out _);
            Assert.AreEqual(expected, states[tag].Observe(step), $"point {i}: tag {tag} step {step}");
            evictions += expected ? 1 : 0;
        }
        Assert.AreEqual(model.Violations, evictions);
        Assert.IsGreaterThan(1000, evictions, "the sequence exercises evictions");
        var first = default(LoaderModel.TagStepState);
        Assert.IsFalse(first.Observe(long.MinValue), "a tag's first point evicts nothing, even at the lowest step");
        Assert.IsTrue(first.Observe(long.MinValue));
    }

    [TestMethod]
    public void ASessionStartLowersEveryTagBelowItsStepButLeavesUnseenTagsFree()
    {
        var model = new LoaderModel();
        model.Observe("a", 10, out _, out _);
        model.Observe("b", 3, out _, out _);
        model.OnSessionStart(5);
        Assert.IsFalse(model.WouldEvict("a", 5, out long previous));
        Assert.AreEqual(4L, previous);
        Assert.IsTrue(model.WouldEvict("b", 3, out previous));
        Assert.AreEqual(3L, previous);
        Assert.IsFalse(model.WouldEvict("new", -100, out _));
    }

    [TestMethod]
    public void AWriterResumingAtAPurgeStepStartsEveryTagJustBelowIt()
    {
        var model = new LoaderModel(purgeStep: 10);
        Assert.IsTrue(model.WouldEvict("any", 9, out long previous));
        Assert.AreEqual(9L, previous);
        Assert.IsTrue(model.Observe("any", 9, out previous, out bool first));
        Assert.AreEqual(9L, previous);
        Assert.IsTrue(first);
        Assert.IsFalse(model.Observe("other", 10, out _, out _));
        Assert.IsFalse(new LoaderModel(purgeStep: long.MinValue).WouldEvict("x", long.MinValue, out _));
    }

    [TestMethod]
    public void FileVersionsParseLikeTensorBoardAndOnlyVersion2PurgesOnStart()
    {
        Assert.AreEqual(2d, LoaderModel.ParseFileVersion(Encoding.UTF8.GetBytes("brain.Event:2")));
        Assert.AreEqual(1d, LoaderModel.ParseFileVersion(Encoding.UTF8.GetBytes("brain.Event:1")));
        Assert.IsNull(LoaderModel.ParseFileVersion(Encoding.UTF8.GetBytes("brain.Event:x")));
        Assert.IsNull(LoaderModel.ParseFileVersion(Encoding.UTF8.GetBytes("no version")));
        Assert.IsTrue(LoaderModel.PurgesOnSessionStart(2));
        Assert.IsFalse(LoaderModel.PurgesOnSessionStart(1));
        Assert.IsFalse(LoaderModel.PurgesOnSessionStart(null));
        Assert.IsTrue(LoaderModel.PurgesOutOfOrder(null, 3, 4));
        Assert.IsFalse(LoaderModel.PurgesOutOfOrder(null, 4, 4));
        Assert.IsFalse(LoaderModel.PurgesOutOfOrder(2, 3, 4));
    }
}
