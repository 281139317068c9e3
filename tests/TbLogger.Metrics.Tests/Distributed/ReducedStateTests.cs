using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Data-parallel reduction: 4 ranks each see a shard, all-reduce their flat state vectors element-wise, and the
/// metric built from the reduced vector equals one pass over all the data. Values are multiples of 1/64 so that
/// every sum is exact in any order and the comparison can be exact.
/// </summary>
[TestClass]
public sealed class ReducedStateTests
{
    private const int Ranks = 4;
    private const int Samples = 400;

    private static (float[] Labels, float[] Scores) Data()
    {
        var random = new Random(1234);
        var labels = new float[Samples];
        var scores = new float[Samples];
        for (int i = 0; i < Samples; i++)
        {
            labels[i] = random.Next(2);
            // Scores in [0, 1] that correlate with labels, on a 1/64 grid.
            scores[i] = MathF.Round((random.Next(64) + (labels[i] * 24)) / 88f * 64) / 64;
        }
        return (labels, scores);
    }

    private static TMetric Reduced<TMetric>(Func<TMetric> create, float[] labels, float[] scores, out TMetric single) where TMetric : Metric
    {
        single = create();
        single.UpdateState(T(labels, Samples, 1), T(scores, Samples, 1));
        var vectors = new List<double[]>();
        TMetric? layout = null;
        int shard = Samples / Ranks;
        for (int r = 0; r < Ranks; r++)
        {
            var rank = create();
            // Two batches per rank, like a real loop.
            for (int b = 0; b < 2; b++)
            {
                int start = (r * shard) + (b * shard / 2);
                rank.UpdateState(T(labels[start..(start + (shard / 2))], shard / 2, 1), T(scores[start..(start + (shard / 2))], shard / 2, 1));
            }
            vectors.Add(rank.State.ToVector());
            layout ??= rank;
        }
        var reduced = StateReduction.Reduce(vectors, layout!.State.GetReductions());
        return MetricFactory.FromReducedState(layout, reduced);
    }

    [TestMethod]
    public void Reduced_auc_precision_and_mean_equal_one_pass_over_all_data()
    {
        var (labels, scores) = Data();

        var auc = Reduced(() => new AUC(), labels, scores, out var aucSingle);
        Assert.AreEqual(aucSingle.Result(), auc.Result());
        Assert.IsTrue(auc.Result() is > 0.6 and < 1.0, $"AUC {auc.Result()} should be informative");

        var precision = Reduced(() => new Precision(), labels, scores, out var precisionSingle);
        Assert.AreEqual(precisionSingle.Result(), precision.Result());

        var mean = Reduced(() => new Mean(), labels, scores, out var meanSingle);
        Assert.AreEqual(meanSingle.Result(), mean.Result());
        Assert.AreEqual(scores.Sum(s => (double)s) / Samples, mean.Result());
    }

    [TestMethod]
    public void Lazily_sized_states_reduce_once_every_rank_has_seen_a_batch()
    {
        var (labels, scores) = Data();
        var f1 = Reduced(() => new F1Score(threshold: 0.5f), labels, scores, out var single);
        CollectionAssert.AreEqual(single.ResultTensor().ToArray(), f1.ResultTensor().ToArray());
    }

    [TestMethod]
    public void State_vector_lists_every_state_in_registration_order_with_its_reduction()
    {
        var m = new MinMaxProbe();
        m.UpdateState(T([1f, 5f, -2f], 3), T([0f, 0f, 0f], 3));
        CollectionAssert.AreEqual(new[] { 4.0, 3.0, -2.0, 5.0 }, m.State.ToVector());
        CollectionAssert.AreEqual(new[] { StateMerge.Sum, StateMerge.Sum, StateMerge.Min, StateMerge.Max }, m.State.GetReductions());

        var other = new MinMaxProbe();
        other.UpdateState(T([-7f, 2f], 2), T([0f, 0f], 2));
        var reduced = m.State.ToVector();
        StateReduction.ReduceInto(reduced, other.State.ToVector(), m.State.GetReductions());
        CollectionAssert.AreEqual(new[] { -1.0, 5.0, -7.0, 5.0 }, reduced);

        var loaded = new MinMaxProbe();
        loaded.State.LoadVector(reduced);
        CollectionAssert.AreEqual(reduced, loaded.State.ToVector());
        Assert.AreEqual(-7.0, loaded.Result());
    }

    [TestMethod]
    public void Wrong_lengths_and_concatenated_states_are_rejected()
    {
        var mean = new Mean();
        var error = Assert.ThrowsExactly<ArgumentException>(() => mean.State.LoadVector([1.0]));
        StringAssert.StartsWith(error.Message, "Metric 'mean' has 2 state values; the reduced vector has 1.");
        var concat = Assert.ThrowsExactly<NotSupportedException>(() => new ConcatProbe().State.ToVector());
        Assert.AreEqual("State 'samples' concatenates records, which an element-wise all-reduce cannot combine; gather State.Save() blobs and Merge them instead.", concat.Message);
        var custom = Assert.ThrowsExactly<InvalidOperationException>(() => MetricFactory.FromReducedState(new MinMaxProbe(), [0, 0, 0, 0]));
        StringAssert.StartsWith(custom.Message, "MinMaxProbe cannot be created from its config");
    }

    private sealed class MinMaxProbe : Metric
    {
        private readonly MetricStateVariable _sum, _count, _min, _max;

        public MinMaxProbe() : base("probe")
        {
            _sum = AddState("sum", 1, StateMerge.Sum);
            _count = AddState("count", 1, StateMerge.Sum);
            _min = AddState("min", 1, StateMerge.Min);
            _max = AddState("max", 1, StateMerge.Max);
        }

        public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
        {
            var values = new float[yTrue.FlattenedLength];
            yTrue.FlattenTo(values);
            foreach (float v in values)
            {
                _sum.Values[0] += v;
                _count.Values[0] += 1;
                _min.Values[0] = Math.Min(_min.Values[0], v);
                _max.Values[0] = Math.Max(_max.Values[0], v);
            }
        }

        protected override void ComputeResult(Span<double> destination) => destination[0] = _min.Values[0];
    }

    private sealed class ConcatProbe : Metric
    {
        public ConcatProbe() : base("concat") => AddState("samples", 2, StateMerge.Concatenate);

        public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
        {
        }

        protected override void ComputeResult(Span<double> destination) => destination[0] = 0;
    }
}
