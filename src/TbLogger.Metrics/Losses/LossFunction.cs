using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// A custom loss body for <see cref="Loss.FromFunction"/>: writes the unweighted per-sample values, one per row of
/// yPred's last axis (Keras's <c>mean(..., axis=-1)</c> convention), or one per element for element-wise losses.
/// </summary>
/// <param name="yTrue">Labels, as passed to the loss.</param>
/// <param name="yPred">Predictions (during finite differences, a perturbed dense copy of the same shape).</param>
/// <param name="perSample">Receives the per-sample values.</param>
public delegate void LossFunction(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> perSample);

/// <summary>
/// The analytic derivative of a <see cref="LossFunction"/>: writes ∂perSample[r]/∂yPred[r, k] for every element,
/// laid out as yPred. The loss multiplies it by the weights and the reduction's factor.
/// </summary>
/// <param name="yTrue">Labels.</param>
/// <param name="yPred">Predictions.</param>
/// <param name="dPerSampleDPred">Receives one derivative per element of yPred.</param>
public delegate void LossGradientFunction(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> dPerSampleDPred);
