using System.Numerics.Tensors;
using System.Text.Json;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>The state mechanism of <see cref="Metric"/>: merge kinds, save format, validation.</summary>
[TestClass]
public sealed class MetricBaseTests
{
    /// <summary>A test metric with one state of every merge kind: keeps the samples, their min, max and count.</summary>
    private sealed class Samples : Metric
    {
        private readonly MetricStateVariable _kept, _min, _max, _n;
        private float[]? _scratch;

        public Samples(int tag = 0) : base("samples")
        {
            Tag = tag;
            _kept = AddState("kept", 1, StateMerge.Concatenate);
            _min = AddState("min", 1, StateMerge.Min);
            _max = AddState("max", 1, StateMerge.Max);
            _n = AddState("n", 1, StateMerge.Sum);
        }

        public int Tag { get; }

        public double[] Kept => _kept.Values.ToArray();

        public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
        {
            var p = MetricGuard.Flatten(yPred, ref _scratch);
            _kept.Append(p);
            foreach (var v in p)
            {
                _min.Values[0] = Math.Min(_min.Values[0], v);
                _max.Values[0] = Math.Max(_max.Values[0], v);
            }
            _n.Values[0] += p.Length;
        }

        private static readonly nint[] s_shape = [3];

        protected override ReadOnlySpan<nint> ResultShape => s_shape;

        protected override void ComputeResult(Span<double> destination)
        {
            destination[0] = _min.Values[0];
            destination[1] = _max.Values[0];
            destination[2] = _n.Values[0];
        }

        protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("tag", Tag);
    }

    [TestMethod]
    public void EveryMergeKindCombinesShards()
    {
        var a = new Samples(); var b = new Samples();
        a.UpdateState(default, T([3, 1], 2));
        b.UpdateState(default, T([7, -2, 5], 3));
        a.Merge(b);
        CollectionAssert.AreEqual(new double[] { 3, 1, 7, -2, 5 }, a.Kept);
        AssertTensorsClose(T([-2, 7, 5], 3), a.ResultTensor());
        var fresh = new Samples();
        CollectionAssert.AreEqual(new[] { double.PositiveInfinity, double.NegativeInfinity }, new[] { fresh.State.Variables[1].Values[0], fresh.State.Variables[2].Values[0] });
        Assert.ThrowsExactly<InvalidOperationException>(() => a.Result());
    }

    [TestMethod]
    public void ConcatenatedStatesSurviveSaveAndLoad()
    {
        var a = new Samples();
        for (int i = 0; i < 40; i++) a.UpdateState(default, T([i, -i], 2)); // grows the store several times
        var b = new Samples();
        b.State.Load(a.State.Save());
        CollectionAssert.AreEqual(a.Kept, b.Kept);
        a.ResetState();
        Assert.AreEqual(0, a.Kept.Length);
    }

    [TestMethod]
    public void MergeRejectsOtherTypesConfigsAndItself()
    {
        var acc = new BinaryAccuracy();
        var e = Assert.ThrowsExactly<ArgumentException>(() => acc.Merge(new MeanSquaredError()));
        StringAssert.Contains(e.Message, "Cannot merge a MeanSquaredError into a BinaryAccuracy");
        e = Assert.ThrowsExactly<ArgumentException>(() => acc.Merge(new BinaryAccuracy(0.7f)));
        StringAssert.Contains(e.Message, "different configs");
        Assert.ThrowsExactly<ArgumentException>(() => acc.Merge(acc));
        acc.Merge(new BinaryAccuracy(name: "other_name")); // the name is not part of the state's identity
    }

    [TestMethod]
    public void LoadStateValidatesTheBlob()
    {
        var a = new BinaryAccuracy();
        a.UpdateState(T([1, 0], 2), T([0.9f, 0.9f], 2));
        byte[] saved = a.State.Save();

        var e = Assert.ThrowsExactly<ArgumentException>(() => new MeanSquaredError().State.Load(saved));
        StringAssert.Contains(e.Message, "belongs to TbLogger.Metrics.BinaryAccuracy");
        e = Assert.ThrowsExactly<ArgumentException>(() => new BinaryAccuracy(0.7f).State.Load(saved));
        StringAssert.Contains(e.Message, "config");
        e = Assert.ThrowsExactly<ArgumentException>(() => new BinaryAccuracy().State.Load(saved.AsSpan(0, saved.Length - 3)));
        StringAssert.Contains(e.Message, "truncated");
        byte[] bad = (byte[])saved.Clone(); bad[0] ^= 0xFF;
        e = Assert.ThrowsExactly<ArgumentException>(() => new BinaryAccuracy().State.Load(bad));
        StringAssert.Contains(e.Message, "magic");
        byte[] v2 = (byte[])saved.Clone(); v2[4] = 2;
        e = Assert.ThrowsExactly<ArgumentException>(() => new BinaryAccuracy().State.Load(v2));
        StringAssert.Contains(e.Message, "format version 2");
        e = Assert.ThrowsExactly<ArgumentException>(() => new BinaryAccuracy().State.Load([.. saved, 0]));
        StringAssert.Contains(e.Message, "trailing");

        var target = new BinaryAccuracy();
        target.UpdateState(T([1], 1), T([0.9f], 1));
        Assert.ThrowsExactly<ArgumentException>(() => target.State.Load(bad));
        AssertClose(1.0, target.Result(), 0, "a failed load leaves the state unchanged");
        target.State.Load(saved);
        AssertClose(0.5, target.Result());
    }

    [TestMethod]
    public void ScalarResultTensorHasShapeOne()
    {
        var m = new BinaryAccuracy();
        m.UpdateState(T([1, 0], 2), T([0.9f, 0.9f], 2));
        var r = m.ResultTensor();
        CollectionAssert.AreEqual(new nint[] { 1 }, r.Lengths.ToArray());
        Assert.AreEqual(0.5f, r[[0]]);
    }

    [TestMethod]
    public void ConfigJsonUsesKerasKeys()
    {
        Assert.AreEqual("""{"name":"binary_accuracy","dtype":"float32","threshold":0.5}""", new BinaryAccuracy().GetConfigJson());
        Assert.AreEqual("""{"name":"top_k_categorical_accuracy","dtype":"float32","k":5}""", new TopKCategoricalAccuracy().GetConfigJson());
        Assert.AreEqual("""{"name":"sparse_top_k_categorical_accuracy","dtype":"float32","k":5,"from_sorted_ids":false}""", new SparseTopKCategoricalAccuracy().GetConfigJson());
        Assert.AreEqual("""{"name":"binary_crossentropy","dtype":"float32","from_logits":false,"label_smoothing":0}""", new BinaryCrossentropy().GetConfigJson());
        Assert.AreEqual("""{"name":"categorical_crossentropy","dtype":"float32","from_logits":false,"label_smoothing":0,"axis":-1}""", new CategoricalCrossentropy().GetConfigJson());
        Assert.AreEqual("""{"name":"sparse_categorical_crossentropy","dtype":"float32","from_logits":false,"ignore_class":null,"axis":-1}""", new SparseCategoricalCrossentropy().GetConfigJson());
        Assert.AreEqual("""{"name":"r2_score","dtype":"float32","class_aggregation":"uniform_average","num_regressors":0}""", new R2Score().GetConfigJson());
        Assert.AreEqual("""{"name":"cosine_similarity","dtype":"float32","axis":-1}""", new CosineSimilarity().GetConfigJson());
        Assert.AreEqual("""{"name":"pearson_correlation","dtype":"float32","axis":-1}""", new PearsonCorrelation().GetConfigJson());
        Assert.AreEqual("""{"name":"mean","dtype":"float32"}""", new Mean().GetConfigJson());
        Assert.AreEqual("""{"name":"mean_relative_error","dtype":"float32","normalizer":[1,2]}""", new MeanRelativeError([1, 2]).GetConfigJson());
    }

    [TestMethod]
    public void GuardFormatsShapes()
    {
        Assert.AreEqual("[4, 3]", MetricGuard.FormatShape([4, 3]));
        Assert.AreEqual("[]", MetricGuard.FormatShape([]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetricGuard.RequireSameShape(T(new float[12], 4, 3), T(new float[8], 4, 2)));
        StringAssert.StartsWith(e.Message, "yTrue has shape [4, 3] but yPred has shape [4, 2].");
    }

    [TestMethod]
    public void NonDenseInputsAreFlattenedCorrectly()
    {
        // A broadcast (stride 0) view: every row is [0.9, 0.1].
        var data = new float[] { 0.9f, 0.1f };
        var pred = new ReadOnlyTensorSpan<float>(data, [3, 2], [0, 1]);
        var m = new BinaryAccuracy();
        m.UpdateState(T([1, 0, 1, 1, 0, 0], 3, 2), pred);
        AssertClose((1 + 0.5 + 0.5) / 3, m.Result());
    }
}
