using System.Numerics.Tensors;
using TbLogger.Metrics;
using TbLogger.Metrics.Losses;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace TbLogger.TorchSharp;

/// <summary>
/// <see cref="Metric"/> and <see cref="Loss"/> calls that take TorchSharp tensors. Every tensor is read as float32 with
/// its shape (contiguous CPU float32 tensors in place, anything else through one converted CPU copy), so these give
/// exactly what the span APIs give on the same numbers. Autograd history is never recorded.
/// </summary>
public static class MetricTensorExtensions
{
    /// <summary>Accumulates one batch (Keras's <c>update_state</c>).</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="yTrue">Labels, in the shape this metric expects (integer class ids are read as floats).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights, broadcast as in Keras.</param>
    /// <exception cref="ArgumentException">A disposed tensor, or as the span overload (shapes, label ranges).</exception>
    public static void UpdateState(this Metric metric, Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        using var t = TensorRead.Values<float>(yTrue, ScalarType.Float32, nameof(yTrue));
        using var p = TensorRead.Values<float>(yPred, ScalarType.Float32, nameof(yPred));
        using var w = sampleWeight is null ? default : TensorRead.Values<float>(sampleWeight, ScalarType.Float32, nameof(sampleWeight));
        metric.UpdateState(Span(t), Span(p), sampleWeight is null ? default : Span(w));
    }

    /// <summary>The loss over a batch, reduced as the loss's <see cref="Loss.Reduction"/> says.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <returns>The loss value.</returns>
    /// <exception cref="ArgumentException">A disposed tensor, or as the span overload.</exception>
    public static float Compute(this Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        using var t = TensorRead.Values<float>(yTrue, ScalarType.Float32, nameof(yTrue));
        using var p = TensorRead.Values<float>(yPred, ScalarType.Float32, nameof(yPred));
        using var w = sampleWeight is null ? default : TensorRead.Values<float>(sampleWeight, ScalarType.Float32, nameof(sampleWeight));
        return loss.Compute(Span(t), Span(p), sampleWeight is null ? default : Span(w));
    }

    /// <summary>The gradient of <see cref="Compute(Loss, Tensor, Tensor, Tensor?)"/> with respect to every prediction.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <returns>A new float32 CPU tensor shaped like <paramref name="yPred"/>; the caller owns it.</returns>
    /// <exception cref="ArgumentException">A disposed tensor, or as the span overload.</exception>
    public static Tensor Gradient(this Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        using var t = TensorRead.Values<float>(yTrue, ScalarType.Float32, nameof(yTrue));
        using var p = TensorRead.Values<float>(yPred, ScalarType.Float32, nameof(yPred));
        using var w = sampleWeight is null ? default : TensorRead.Values<float>(sampleWeight, ScalarType.Float32, nameof(sampleWeight));
        var gradient = new float[p.Span.Length];
        loss.Gradient(Span(t), Span(p), gradient, sampleWeight is null ? default : Span(w));
        return torch.tensor(gradient, p.Shape);
    }

    private static ReadOnlyTensorSpan<float> Span(in TensorValues<float> v) => new(v.Span, v.Lengths(), []);
}
