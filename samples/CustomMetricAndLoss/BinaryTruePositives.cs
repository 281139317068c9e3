using System.Numerics.Tensors;
using TbLogger.Metrics;

namespace CustomMetricAndLoss;

/// <summary>
/// A custom stateful metric, as in Keras's "writing your own metrics" guide: counts the (weighted) samples whose label
/// is 1 and whose prediction is positive (probability above 0.5). One state variable, summed across shards, so it can be
/// reset, merged and saved like every built-in metric.
/// </summary>
public sealed class BinaryTruePositives : Metric
{
    private readonly MetricStateVariable _truePositives;
    private float[]? _trueScratch, _predScratch, _weightScratch;

    public BinaryTruePositives(string? name = null) : base(name ?? "binary_true_positives")
    {
        _truePositives = AddState("true_positives", 1, StateMerge.Sum);
    }

    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        MetricGuard.RequireSameShape(yTrue, yPred);
        ReadOnlySpan<float> t = MetricGuard.Flatten(yTrue, ref _trueScratch);
        ReadOnlySpan<float> p = MetricGuard.Flatten(yPred, ref _predScratch);
        ReadOnlySpan<float> w = sampleWeight.IsEmpty ? default : MetricGuard.Flatten(sampleWeight, ref _weightScratch);
        if (!w.IsEmpty && w.Length != t.Length)
            throw new ArgumentException($"sampleWeight has {w.Length} values for {t.Length} predictions.", nameof(sampleWeight));
        double sum = 0;
        for (int i = 0; i < t.Length; i++)
            if (t[i] == 1f && p[i] > 0.5f) sum += w.IsEmpty ? 1 : w[i];
        _truePositives.Values[0] += sum;
    }

    protected override void ComputeResult(Span<double> destination) => destination[0] = _truePositives.Values[0];
}
