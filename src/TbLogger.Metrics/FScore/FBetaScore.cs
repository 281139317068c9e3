using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The F-beta score, the weighted harmonic mean (1 + β²)·P·R / (β²·P + R) of precision and recall (Keras <c>keras.metrics.FBetaScore</c>), for multi-class and multi-label data of shape [batch, classes].
/// </summary>
/// <remarks>
/// <para>With a threshold, predictions strictly greater than it are positive; without one, the row maximum (every tied
/// maximum, unless it is 0) is. Denominators get ε = 1e-7 added as in Keras (not <c>divide_no_nan</c>), so scores are
/// slightly below the exact ratio. Sample weights of shape [batch] apply per row, [batch, classes] per element.</para>
/// <para>There is no result before the first update (the number of classes comes from the first batch):
/// <see cref="Metric.Result"/> and <see cref="Metric.ResultTensor"/> then throw <see cref="InvalidOperationException"/>.
/// With <see cref="FScoreAverage.None"/> the result is a vector [classes] (use <see cref="Metric.ResultTensor"/>).
/// Counts are accumulated in double.</para>
/// </remarks>
public sealed class FBetaScore : Metric, IRegisteredMetric
{
    private readonly FScoreCore _core;

    /// <summary>Creates the metric.</summary>
    /// <param name="average">Averaging across classes (default none: one score per class).</param>
    /// <param name="beta">Weight of recall relative to precision (default 1, must be &gt; 0).</param>
    /// <param name="threshold">Predictions above it are positive, 0 &lt; threshold ≤ 1; null (default) predicts the row maximum.</param>
    /// <param name="name">Metric name; default <c>"fbeta_score"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An undefined average, beta ≤ 0, or a threshold outside (0, 1].</exception>
    public FBetaScore(FScoreAverage average = FScoreAverage.None, double beta = 1.0, float? threshold = null, string? name = null)
        : base(name ?? "fbeta_score")
        => _core = new FScoreCore(average, beta, threshold, AddState);

    /// <summary>The averaging mode.</summary>
    public FScoreAverage Average => _core.Average;

    /// <summary>β: recall is weighted β times as much as precision.</summary>
    public double Beta => _core.Beta;

    /// <summary>The decision threshold, or null for the row maximum.</summary>
    public float? Threshold => _core.Threshold;

    /// <inheritdoc/>
    protected override ReadOnlySpan<nint> ResultShape => _core.ResultShape;

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => _core.Update(yTrue, yPred, sampleWeight);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => _core.ComputeResult(destination, Name);

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new FBetaScore(
            FScoreCore.ParseAverage(c.GetString("average", null)), c.GetDouble("beta", 1.0),
            c.Has("threshold") ? c.GetSingle("threshold", 0.5f) : null, c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => _core.WriteConfig(writer, includeBeta: true);
}
