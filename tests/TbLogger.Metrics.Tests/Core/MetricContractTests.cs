using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Merge of k shards, save/load, allocation-free updates and config round trips, for every metric of part A.</summary>
[TestClass]
public sealed class MetricContractTests
{
    public static IEnumerable<object?[]> Catalogue => TestData.Catalogue;

    [TestMethod]
    [DynamicData(nameof(Catalogue))]
    public void MergingThreeShardsEqualsOnePass(string id, string? config, Kind kind, int classes)
    {
        foreach (bool weighted in new[] { false, true })
        {
            var all = Make(kind, 30, classes, seed: id.Length * 31 + classes);
            var single = MetricFactory.Create(id, config);
            Update(single, all, weighted);

            var shards = new[] { all.Slice(0, 7), all.Slice(7, 19), all.Slice(19, 30) };
            var workers = shards.Select(_ => MetricFactory.Create(id, config)).ToArray();
            for (int i = 0; i < shards.Length; i++) Update(workers[i], shards[i], weighted);

            bool perRow = id is "PearsonCorrelation" or "ConcordanceCorrelation" or "CosineSimilarity";
            // Per-batch vs per-shard updates are mathematically identical for these sufficient statistics.
            var sequential = MetricFactory.Create(id, config);
            foreach (var s in shards) Update(sequential, s, weighted);

            workers[0].Merge(workers[1]);
            workers[0].Merge(workers[2]);
            AssertTensorsClose(sequential.ResultTensor(), workers[0].ResultTensor(), 1e-9);
            AssertTensorsClose(single.ResultTensor(), workers[0].ResultTensor(), perRow ? 1e-5 : 1e-5);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Catalogue))]
    public void SaveLoadRoundTripRestoresTheResultAndContinuesIdentically(string id, string? config, Kind kind, int classes)
    {
        var data = Make(kind, 12, classes, seed: 7);
        var a = MetricFactory.Create(id, config);
        Update(a, data.Slice(0, 6), weighted: true);
        byte[] saved = a.State.Save();

        var b = MetricFactory.Create(id, config);
        b.State.Load(saved);
        AssertTensorsClose(a.ResultTensor(), b.ResultTensor(), 0);

        Update(a, data.Slice(6, 12), weighted: false);
        Update(b, data.Slice(6, 12), weighted: false);
        AssertTensorsClose(a.ResultTensor(), b.ResultTensor(), 0);
        CollectionAssert.AreEqual(a.State.Save(), b.State.Save());
    }

    [TestMethod]
    [DynamicData(nameof(Catalogue))]
    public void UpdateStateAllocatesNothingAfterWarmUp(string id, string? config, Kind kind, int classes)
    {
        var data = Make(kind, 64, classes, seed: 3);
        var m = MetricFactory.Create(id, config);
        var yt = Tensor.Create(data.YTrue, data.TrueShape);
        var yp = Tensor.Create(data.YPred, data.PredShape);
        var w = Tensor.Create(data.Weights, [data.N]);
        m.UpdateState(yt, yp);
        m.UpdateState(yt, yp, w);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            m.UpdateState(yt, yp);
            m.UpdateState(yt, yp, w);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0L, allocated, $"{id} allocated {allocated} bytes in 100 UpdateState calls");
    }

    [TestMethod]
    [DynamicData(nameof(Catalogue))]
    public void ResetStateReturnsToTheInitialState(string id, string? config, Kind kind, int classes)
    {
        var fresh = MetricFactory.Create(id, config);
        var m = MetricFactory.Create(id, config);
        Update(m, Make(kind, 10, classes, 1), weighted: true);
        m.ResetState();
        // Lazily sized states (R2Score) keep their size after a reset, like Keras's built variables; compare values.
        var s1 = fresh.State.Variables.Select(s => s.Values.ToArray().Sum()).ToArray();
        var s2 = m.State.Variables.Select(s => s.Values.ToArray().Sum()).ToArray();
        CollectionAssert.AreEqual(s1, s2);
    }

    [TestMethod]
    [DynamicData(nameof(Catalogue))]
    public void ConfigJsonRecreatesAnEqualMetric(string id, string? config, Kind kind, int classes)
    {
        var m = MetricFactory.Create(id, config);
        var again = MetricFactory.Create(id, m.GetConfigJson());
        Assert.AreEqual(m.GetConfigJson(), again.GetConfigJson());
        Assert.AreEqual(m.GetType(), again.GetType());
        StringAssert.StartsWith(m.GetConfigJson(), $"{{\"name\":\"{m.Name}\",\"dtype\":\"float32\"");
    }

    [TestMethod]
    [DynamicData(nameof(Catalogue))]
    public void ResultBeforeAnyUpdateIsZeroExceptR2Score(string id, string? config, Kind kind, int classes)
    {
        var m = MetricFactory.Create(id, config);
        if (m is R2Score)
        {
            Assert.ThrowsExactly<InvalidOperationException>(() => m.ResultTensor());
            return;
        }
        Assert.AreEqual(0.0, m.Result());
    }
}
