using System.Buffers;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// A loss function in the style of Keras 3 (<c>keras.losses.Loss</c>) and TF.js (<c>tf.losses</c>): a per-sample
/// value for each row of the batch, weighted by optional sample weights and reduced by <see cref="Reduction"/>, with an
/// analytic gradient with respect to the predictions.
/// </summary>
/// <remarks>
/// <para>
/// The reduction and the weighting are implemented once, here; each built-in only computes its per-sample values and
/// their derivatives. So every built-in supports every <see cref="Losses.Reduction"/> and every weight shape.
/// </para>
/// <para>
/// Inputs are <see cref="ReadOnlyTensorSpan{T}"/>s of any rank. Most losses reduce the last axis (Keras's <c>axis=-1</c>),
/// so <c>[N, C]</c> inputs give N per-sample values and <c>[N, T, C]</c> inputs give N × T. Sample weights are a single
/// value, one per sample (<c>[N]</c> or <c>[N, 1]</c>), or any shape that broadcasts onto the per-sample shape.
/// </para>
/// <para>
/// An instance keeps scratch buffers that grow to the largest batch it has seen, so calls allocate nothing after
/// warm-up. For the same reason an instance must not be used by several threads at once.
/// </para>
/// </remarks>
public abstract class Loss
{
    /// <summary>Keras's <c>backend.epsilon()</c>, used to clip probabilities and guard divisions.</summary>
    private protected const float Epsilon = MetricMath.Epsilon;

    private readonly LossScratch _scratch = new();

    /// <summary>
    /// Creates a loss. A user's loss derives from this class and overrides <see cref="Call"/> (one value per row of the
    /// last axis, as Keras's <c>Loss.call</c>) and optionally <see cref="CallGradient"/>; weighting, every reduction,
    /// masking of empty batches and the gradient's bookkeeping come from here.
    /// </summary>
    /// <param name="name">Display name (Keras's <c>name</c>).</param>
    /// <param name="reduction">How the weighted per-sample values are reduced.</param>
    protected Loss(string name, Reduction reduction = Reduction.SumOverBatchSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction.");
        Name = name;
        Reduction = reduction;
    }

    /// <summary>The loss's name, e.g. <c>"categorical_crossentropy"</c> (Keras's default names) or the user's.</summary>
    public string Name { get; }

    /// <summary>
    /// The Keras class name written in configs and accepted by <see cref="LossFactory.Create"/>: a built-in's class name
    /// without the <c>Loss</c> suffix that keeps it apart from the metric of the same name (<see cref="MeanSquaredErrorLoss"/>
    /// is Keras's <c>keras.losses.MeanSquaredError</c>); a user's loss keeps its own class name.
    /// </summary>
    public string ClassName
    {
        get
        {
            if (KerasClassName is { } keras) return keras;
            string name = GetType().Name;
            return GetType().Assembly == typeof(Loss).Assembly && name.EndsWith("Loss", StringComparison.Ordinal) && name != "FunctionLoss"
                ? name[..^4] : name;
        }
    }

    /// <summary>A built-in whose Keras class name is not its .NET name without <c>Loss</c> (e.g. <c>CTC</c>).</summary>
    private protected virtual string? KerasClassName => null;

    /// <summary>How <see cref="Compute"/> reduces the weighted per-sample values.</summary>
    public Reduction Reduction { get; }

    /// <summary>What shape yTrue must have relative to yPred.</summary>
    private protected virtual LabelLayout Labels => LabelLayout.Dense;

    /// <summary>The axes reduced into one per-sample value for yPred of the given rank.</summary>
    private protected virtual LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    /// <summary>Writes one unweighted per-sample value per row.</summary>
    private protected virtual void Forward(in LossRows rows, Span<float> values) => Call(rows.YTrue, rows.YPred, rows.Length, values);

    /// <summary>
    /// Writes dLoss/dyPred given <paramref name="upstream"/>[r] = dLoss/dvalue[r] (the weights and reduction already
    /// folded in): grad[r, k] = upstream[r] · ∂value[r]/∂yPred[r, k].
    /// </summary>
    private protected virtual void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        if (!CallGradient(rows.YTrue, rows.YPred, rows.Length, grad)) FiniteDifferences(rows, grad);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = grad.Slice(r * rows.Length, rows.Length);
            TensorPrimitives.Multiply(row, upstream[r], row);
        }
    }

    /// <summary>
    /// A user loss's per-sample values (Keras's <c>Loss.call</c>): <paramref name="yPred"/> holds rows of
    /// <paramref name="rowLength"/> predictions along the last axis (row-major, contiguous), <paramref name="yTrue"/> the
    /// matching labels; write one unweighted value per row into <paramref name="perSample"/>. Built-in losses do not use it.
    /// </summary>
    /// <param name="yTrue">Labels, as many as predictions.</param>
    /// <param name="yPred">Predictions, perSample.Length × rowLength.</param>
    /// <param name="rowLength">Values per row (the last dimension; 1 for rank-1 inputs treated as one row).</param>
    /// <param name="perSample">Receives one value per row.</param>
    /// <exception cref="NotSupportedException">A subclass that does not override this method.</exception>
    protected virtual void Call(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int rowLength, Span<float> perSample)
        => throw new NotSupportedException($"{GetType().Name} must override Loss.Call to compute its per-sample values.");

    /// <summary>
    /// Optional analytic derivative of <see cref="Call"/>: write ∂perSample[r]/∂yPred[r, k] for every prediction and
    /// return true. The default returns false, and the gradient comes from central differences of <see cref="Call"/>.
    /// </summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions, in rows as for <see cref="Call"/>.</param>
    /// <param name="rowLength">Values per row.</param>
    /// <param name="dPerSampleDPred">Receives one derivative per prediction.</param>
    /// <returns>True when the derivative was written.</returns>
    protected virtual bool CallGradient(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int rowLength, Span<float> dPerSampleDPred) => false;

    // Central differences in float: truncation error ~h², rounding error ~ε/h; h ≈ ε^(1/3) balances them.
    private const float RelativeStep = 4e-3f;

    /// <summary>
    /// ∂value[r]/∂pred[r, k] by central differences of <see cref="Forward"/>. Every per-sample value depends only on its
    /// own row, so perturbing column k of all rows at once gives the column for every row: 2 × row-length evaluations.
    /// </summary>
    private protected void FiniteDifferences(in LossRows rows, Span<float> grad)
    {
        ReadOnlySpan<float> p = rows.YPred;
        Span<float> perturbed = _scratch.Get(LossScratch.Perturbed, p.Length);
        Span<float> plus = _scratch.Get(LossScratch.Plus, rows.Count), minus = _scratch.Get(LossScratch.Minus, rows.Count);
        var shifted = new LossRows(rows.YTrue, perturbed, rows.Count, rows.Length, rows.TrueShape, rows.PredShape);
        p.CopyTo(perturbed);
        for (int k = 0; k < rows.Length; k++)
        {
            for (int r = 0; r < rows.Count; r++)
            {
                int i = r * rows.Length + k;
                perturbed[i] = p[i] + Step(p[i]);
            }
            Forward(shifted, plus);
            for (int r = 0; r < rows.Count; r++)
            {
                int i = r * rows.Length + k;
                perturbed[i] = p[i] - Step(p[i]);
            }
            Forward(shifted, minus);
            for (int r = 0; r < rows.Count; r++)
            {
                int i = r * rows.Length + k;
                float h = Step(p[i]);
                // Divide by the step actually taken after float rounding, not the nominal 2h.
                double taken = (double)(p[i] + h) - (p[i] - h);
                grad[i] = (float)((plus[r] - (double)minus[r]) / taken);
                perturbed[i] = p[i];
            }
        }
    }

    private static float Step(float x) => RelativeStep * MathF.Max(1f, MathF.Abs(x));

    /// <summary>Both at once; losses whose forward and backward passes share work (softmax) override this.</summary>
    private protected virtual void ForwardBackward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> values, Span<float> grad)
    {
        Forward(rows, values);
        Backward(rows, upstream, grad);
    }

    /// <summary>Writes 1 for rows that count and 0 for rows to ignore, and returns true, when the loss masks rows.</summary>
    private protected virtual bool WriteMask(in LossRows rows, Span<float> mask) => false;

    /// <summary>Writes the loss's own Keras config keys (after <c>name</c> and <c>reduction</c>).</summary>
    private protected virtual void WriteConfig(Utf8JsonWriter writer)
    {
    }

    /// <summary>A reusable buffer for kernels (slot ≥ <see cref="LossScratch.FirstKernelSlot"/>).</summary>
    private protected Span<float> Scratch(int slot, int length) => _scratch.Get(slot, length);

    /// <summary>Computes the reduced loss (Keras's <c>loss(y_true, y_pred, sample_weight)</c>).</summary>
    /// <param name="yTrue">Labels, shaped as yPred (class indices for sparse losses).</param>
    /// <param name="yPred">Predictions (probabilities or logits as configured).</param>
    /// <param name="sampleWeight">Optional weights: none (default), one value, or a shape that broadcasts onto the per-sample shape.</param>
    /// <returns>The reduced loss.</returns>
    /// <exception cref="InvalidOperationException">The reduction is <see cref="Reduction.None"/> (use <see cref="ComputeUnreduced"/> or <see cref="ComputePerSample"/>).</exception>
    /// <exception cref="ArgumentException">Shapes mismatch, the batch is empty, weights cannot broadcast or are negative where a weighted mean needs them, or labels are out of range.</exception>
    public float Compute(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        RequireReduced(nameof(Compute));
        return Run(in yTrue, in yPred, in sampleWeight, default, default, Mode.Value);
    }

    /// <summary>
    /// Keras's <c>loss(y_true, y_pred, sample_weight)</c> with <see cref="Reduction.None"/>: the weighted loss of every
    /// element of the per-sample shape, as a new tensor (with any other reduction, the same unreduced values).
    /// </summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights, as for <see cref="Compute"/>.</param>
    /// <returns>A tensor of <see cref="GetPerSampleShape"/> (shape [1] when that is a scalar) holding <c>w·v</c>.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Compute"/>.</exception>
    public Tensor<float> ComputeUnreduced(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        nint[] shape = GetPerSampleShape(yTrue, yPred);
        var values = new float[GetPerSampleLength(yTrue, yPred)];
        ComputePerSample(yTrue, yPred, values, sampleWeight);
        return Tensor.Create(values, shape.Length == 0 ? [1] : shape);
    }

    /// <summary>The reduced value, or for <see cref="Reduction.None"/> the sum of the weighted values (what Keras's fit tracks).</summary>
    internal float ComputeValueOrSum(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight)
        => Run(in yTrue, in yPred, in sampleWeight, default, default, Mode.Value);

    private void RequireReduced(string method)
    {
        if (Reduction == Reduction.None)
            throw new InvalidOperationException(
                $"Loss '{Name}' has Reduction.None: its result is one loss per element, not a single value; " +
                $"use ComputeUnreduced or ComputePerSample instead of {method} (Gradient and ComputeWithGradient use their sum).");
    }

    /// <summary>Computes the weighted per-sample values without reduction (Keras's <c>reduction=None</c>).</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="destination">Receives <see cref="GetPerSampleLength"/> values, in the row-major order of the per-sample shape.</param>
    /// <param name="sampleWeight">Optional weights, as for <see cref="Compute"/>.</param>
    /// <exception cref="ArgumentException">As for <see cref="Compute"/>, or <paramref name="destination"/> has the wrong length.</exception>
    public void ComputePerSample(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> destination,
                                 ReadOnlyTensorSpan<float> sampleWeight = default)
        => Run(in yTrue, in yPred, in sampleWeight, destination, default, Mode.PerSample);

    /// <summary>
    /// Computes the gradient of <see cref="Compute"/>'s result with respect to every prediction, with the weights and
    /// the reduction applied (for <see cref="Reduction.None"/>: the gradient of the sum of the weighted values).
    /// </summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="dLossDPred">Receives one value per prediction, laid out as yPred (row-major).</param>
    /// <param name="sampleWeight">Optional weights, as for <see cref="Compute"/>.</param>
    /// <exception cref="ArgumentException">As for <see cref="Compute"/>, or <paramref name="dLossDPred"/> has the wrong length.</exception>
    public void Gradient(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> dLossDPred,
                         ReadOnlyTensorSpan<float> sampleWeight = default)
        => Run(in yTrue, in yPred, in sampleWeight, default, dLossDPred, Mode.Gradient);

    /// <summary>Computes the loss and its gradient in one pass (sharing work such as the softmax), as a training step needs.</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="dLossDPred">Receives the gradient, as for <see cref="Gradient"/>.</param>
    /// <param name="sampleWeight">Optional weights, as for <see cref="Compute"/>.</param>
    /// <returns>The same value as <see cref="Compute"/>; for <see cref="Reduction.None"/>, the sum of the weighted values (the objective whose gradient this writes).</returns>
    /// <exception cref="ArgumentException">As for <see cref="Gradient"/>.</exception>
    public float ComputeWithGradient(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> dLossDPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => Run(in yTrue, in yPred, in sampleWeight, default, dLossDPred, Mode.ValueAndGradient);

    /// <summary>The number of per-sample values for these inputs (the length <see cref="ComputePerSample"/> needs).</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <returns>The product of <see cref="GetPerSampleShape"/>.</returns>
    /// <exception cref="ArgumentException">The shapes are invalid for this loss.</exception>
    public int GetPerSampleLength(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred)
        => Resolve(in yTrue, in yPred, out _).Count;

    /// <summary>The per-sample shape: yPred's shape without the reduced axes (empty when everything reduces to one value).</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <returns>A new array with the shape.</returns>
    /// <exception cref="ArgumentException">The shapes are invalid for this loss.</exception>
    public nint[] GetPerSampleShape(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred)
    {
        var g = Resolve(in yTrue, in yPred, out var shape);
        var result = new nint[shape.Length];
        return result[..g.WriteValueShape(shape, result)];
    }

    /// <summary>The Keras config as JSON: <c>name</c>, <c>reduction</c> (Keras's strings) and the loss's own snake_case keys, e.g. <c>{"name":"huber_loss","reduction":"sum_over_batch_size","delta":1}</c>.</summary>
    /// <returns>JSON text that <see cref="LossFactory.Create"/> accepts for this loss.</returns>
    public string GetConfigJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name", Name);
            writer.WriteString("reduction", ReductionNames.ToKeras(Reduction));
            WriteConfig(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ClassName}({Name}, {ReductionNames.ToKeras(Reduction)})";

    /// <summary>
    /// Wraps a user function as a loss, the way Keras and TF.js users write <c>(yTrue, yPred) =&gt; tensor</c>. The
    /// function writes one value per row of yPred's last axis into <c>perSample</c> (or one per element when
    /// <paramref name="elementwise"/>); this class applies weights and the reduction.
    /// </summary>
    /// <param name="name">The loss's name.</param>
    /// <param name="function">Writes the unweighted per-sample values. Each value must depend only on its own row of yPred.</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="gradient">
    /// Optional analytic derivative: writes ∂perSample[r]/∂yPred[r, k] for every element (laid out as yPred). When null,
    /// <see cref="Gradient"/> uses central finite differences (2 × last-axis-length evaluations of <paramref name="function"/>).
    /// </param>
    /// <param name="elementwise">True when the function writes one value per element of yPred instead of one per row.</param>
    /// <returns>The loss.</returns>
    public static Loss FromFunction(string name, LossFunction function, Reduction reduction = Reduction.SumOverBatchSize,
                                    LossGradientFunction? gradient = null, bool elementwise = false)
        => new FunctionLoss(name, function, reduction, gradient, elementwise);

    /// <summary>
    /// TF.js's <c>tf.losses.computeWeightedLoss</c>: weights and reduces already-computed losses of any shape.
    /// </summary>
    /// <param name="losses">The losses.</param>
    /// <param name="weights">Optional weights that broadcast onto the losses' shape.</param>
    /// <param name="reduction">The reduction (default TF.js's <see cref="Reduction.SumByNonzeroWeights"/>); <see cref="Reduction.None"/> returns the weighted sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <exception cref="ArgumentException">The losses are empty, or the weights cannot broadcast or are negative under a weighted mean.</exception>
    public static float ComputeWeightedLoss(ReadOnlyTensorSpan<float> losses, ReadOnlyTensorSpan<float> weights = default,
                                            Reduction reduction = Reduction.SumByNonzeroWeights)
    {
        if (losses.IsEmpty)
            throw new ArgumentException($"The batch is empty: losses has shape {LossGeometry.Format(losses.Lengths)}.", nameof(losses));
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction.");
        var scratch = new LossScratch();
        ReadOnlySpan<float> values = DenseSpan.Of(losses, scratch, LossScratch.PredFlat);
        Span<float> w = default;
        if (!weights.IsEmpty)
        {
            w = scratch.Get(LossScratch.Weights, values.Length);
            SampleWeights.Broadcast(DenseSpan.Of(weights, scratch, LossScratch.WeightFlat), weights.Lengths, losses.Lengths, w,
                                    "computeWeightedLoss");
            if (reduction is Reduction.SumOverBroadcastWeights or Reduction.SumOverGivenWeights)
                SampleWeights.RequireNonNegative(w, "computeWeightedLoss");
        }
        double given = weights.IsEmpty ? 0 : MetricKernels.Sum(DenseSpan.Of(weights, scratch, LossScratch.WeightFlat));
        double divisor = Divisor(reduction, values.Length, w, hasWeights: !weights.IsEmpty, maskedCount: -1, given);
        double sum = weights.IsEmpty ? TensorPrimitives.Sum(values) : TensorPrimitives.Dot(values, w);
        return divisor == 0 ? 0f : (float)(sum / divisor);
    }

    private enum Mode
    {
        Value,
        PerSample,
        Gradient,
        ValueAndGradient,
    }

    private LossGeometry Resolve(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, out ReadOnlySpan<nint> shape)
    {
        ReadOnlySpan<nint> t = yTrue.Lengths, p = yPred.Lengths;
        shape = p;
        if (Labels == LabelLayout.Dense)
        {
            if (!LossGeometry.SameUpToTrailingOne(t, p))
                throw new ArgumentException(
                    $"yTrue has shape {LossGeometry.Format(t)} but yPred has shape {LossGeometry.Format(p)}; loss '{Name}' needs the same shape.",
                    nameof(yTrue));
            // Keras expands the lower-rank side, so [N] labels with [N, 1] predictions give N values, not one.
            if (t.Length > p.Length) shape = t;
        }
        var g = LossGeometry.Resolve(shape, GetAxes(shape.Length));
        if (Labels == LabelLayout.Sparse) RequireSparseLabels(t, shape, g);
        else if (Labels == LabelLayout.Any && yTrue.IsEmpty)
            throw new ArgumentException($"The batch is empty: yTrue has shape {LossGeometry.Format(t)}.", nameof(yTrue));
        return g;
    }

    private void RequireSparseLabels(ReadOnlySpan<nint> t, ReadOnlySpan<nint> p, in LossGeometry g)
    {
        // Accept the per-sample shape itself, or yPred's shape with the class axis as 1 ([N, 1] labels for [N, C]).
        bool ok;
        if (t.Length == p.Length)
        {
            ok = true;
            for (int d = 0; d < p.Length && ok; d++)
                ok = d >= g.Axes.Start && d < g.Axes.End ? t[d] == 1 : t[d] == p[d];
        }
        else
        {
            Span<nint> values = stackalloc nint[p.Length];
            ok = t.SequenceEqual(values[..g.WriteValueShape(p, values)]);
        }
        if (!ok)
            throw new ArgumentException(
                $"yTrue has shape {LossGeometry.Format(t)} but yPred has shape {LossGeometry.Format(p)}; loss '{Name}' needs one class index " +
                "per prediction row (yPred's shape without the class axis, or with it as 1).", "yTrue");
    }

    private float Run(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight,
                      Span<float> perSample, Span<float> grad, Mode mode)
    {
        var g = Resolve(in yTrue, in yPred, out var shape);
        int count = g.Count, total = g.Total;
        if (mode == Mode.PerSample && perSample.Length != count)
            throw new ArgumentException(
                $"destination has length {perSample.Length} but loss '{Name}' gives {count} per-sample values for yPred of shape {LossGeometry.Format(shape)}.",
                "destination");
        if ((mode == Mode.Gradient || mode == Mode.ValueAndGradient) && grad.Length != total)
            throw new ArgumentException(
                $"dLossDPred has length {grad.Length} but yPred of shape {LossGeometry.Format(shape)} has {total} elements.", "dLossDPred");

        var rows = ToRows(in yTrue, in yPred, in g);

        bool hasWeights = !sampleWeight.IsEmpty;
        Span<float> w = default;
        if (hasWeights)
        {
            w = _scratch.Get(LossScratch.Weights, count);
            Span<nint> valueShape = stackalloc nint[shape.Length];
            SampleWeights.Broadcast(DenseSpan.Of(sampleWeight, _scratch, LossScratch.WeightFlat), sampleWeight.Lengths,
                                    valueShape[..g.WriteValueShape(shape, valueShape)], w, Name);
            if (Reduction is Reduction.SumOverBroadcastWeights or Reduction.SumOverGivenWeights) SampleWeights.RequireNonNegative(w, Name);
        }
        // Keras's mean_with_sample_weight divides by the weights as passed, before broadcasting.
        double given = hasWeights && Reduction == Reduction.SumOverGivenWeights
            ? MetricKernels.Sum(DenseSpan.Of(sampleWeight, _scratch, LossScratch.WeightFlat)) : 0;
        int maskedCount = -1;
        Span<float> mask = _scratch.Get(LossScratch.Mask, count);
        if (WriteMask(rows, mask))
        {
            maskedCount = (int)TensorPrimitives.Sum(mask);
            if (hasWeights) TensorPrimitives.Multiply(w, mask, w);
            else w = mask;
            hasWeights = true;
        }

        double divisor = Divisor(Reduction, count, w, hasWeights, maskedCount, given);
        float scale = divisor == 0 ? 0f : (float)(1.0 / divisor);

        if (mode == Mode.PerSample)
        {
            Forward(rows, perSample);
            if (hasWeights) TensorPrimitives.Multiply(perSample, w, perSample);
            return 0f;
        }

        Span<float> values = mode == Mode.Gradient ? default : _scratch.Get(LossScratch.Values, count);
        if (mode == Mode.Value)
        {
            Forward(rows, values);
        }
        else
        {
            Span<float> upstream = _scratch.Get(LossScratch.Upstream, count);
            if (hasWeights) TensorPrimitives.Multiply(w, scale, upstream);
            else upstream.Fill(scale);
            Span<float> g2 = g.NeedsTranspose ? _scratch.Get(LossScratch.Gradient, total) : grad;
            if (mode == Mode.Gradient) Backward(rows, upstream, g2);
            else ForwardBackward(rows, upstream, values, g2);
            if (g.NeedsTranspose) g.FromRows(g2, grad);
            if (mode == Mode.Gradient) return 0f;
        }
        double sum = hasWeights ? TensorPrimitives.Dot(values, w) : TensorPrimitives.Sum(values);
        return divisor == 0 ? 0f : (float)(sum / divisor);
    }

    /// <summary>Flattens both inputs (zero-copy when dense) and moves the reduced axis last when it is not already.</summary>
    private LossRows ToRows(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in LossGeometry g)
    {
        ReadOnlySpan<float> p = DenseSpan.Of(yPred, _scratch, LossScratch.PredFlat);
        ReadOnlySpan<float> t = DenseSpan.Of(yTrue, _scratch, LossScratch.TrueFlat);
        if (g.NeedsTranspose)
        {
            var pt = _scratch.Get(LossScratch.PredTransposed, g.Total);
            g.ToRows(p, pt);
            p = pt;
            if (Labels == LabelLayout.Dense)
            {
                var tt = _scratch.Get(LossScratch.TrueTransposed, g.Total);
                g.ToRows(t, tt);
                t = tt;
            }
        }
        return new LossRows(t, p, g.Count, g.AxisLength, yTrue.Lengths, yPred.Lengths);
    }

    /// <summary>
    /// The loss function itself, for the metrics that average it (Keras's metrics wrap the loss functions): writes the
    /// unweighted per-sample values into this instance's scratch and the per-sample shape into <paramref name="valueShape"/>.
    /// </summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions; must not be empty.</param>
    /// <param name="valueShape">Receives the per-sample shape (at least as long as the larger input rank).</param>
    /// <param name="valueRank">The per-sample rank.</param>
    /// <param name="mask">1 for values that count and 0 for ignored ones (e.g. <c>ignore_class</c>), or empty when nothing is masked.</param>
    /// <returns>The per-sample values (valid until the next call on this instance).</returns>
    internal ReadOnlySpan<float> ComputeUnweighted(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred,
                                                   Span<nint> valueShape, out int valueRank, out ReadOnlySpan<float> mask)
    {
        var g = Resolve(in yTrue, in yPred, out var shape);
        valueRank = g.WriteValueShape(shape, valueShape);
        var rows = ToRows(in yTrue, in yPred, in g);
        Span<float> m = _scratch.Get(LossScratch.Mask, g.Count);
        mask = WriteMask(rows, m) ? m : default;
        Span<float> values = _scratch.Get(LossScratch.Values, g.Count);
        Forward(rows, values);
        return values;
    }

    /// <summary>
    /// The sum of the unweighted per-sample values when the loss can compute it in one fused pass (no transposition, no
    /// mask); false otherwise. Used by the metrics' unweighted fast path.
    /// </summary>
    internal bool TrySumUnweighted(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, out double sum, out int count, out nint samples)
    {
        sum = 0;
        count = 0;
        samples = 0;
        if (!yTrue.IsDense || !yPred.IsDense || !HasFusedSum) return false;
        var g = Resolve(in yTrue, in yPred, out var shape);
        if (g.NeedsTranspose) return false;
        var rows = ToRows(in yTrue, in yPred, in g);
        if (!TryFusedSum(rows, out sum)) return false;
        count = g.Count;
        samples = g.Axes.Start == 0 ? 1 : shape[0];
        return true;
    }

    /// <summary>True when <see cref="TryFusedSum"/> is implemented (checked before any work).</summary>
    private protected virtual bool HasFusedSum => false;

    /// <summary>Σ over rows of the per-sample values, without materialising them.</summary>
    private protected virtual bool TryFusedSum(in LossRows rows, out double sum)
    {
        sum = 0;
        return false;
    }

    private static double Divisor(Reduction reduction, int count, ReadOnlySpan<float> w, bool hasWeights, int maskedCount, double givenWeightSum) => reduction switch
    {
        Reduction.None or Reduction.Sum => 1.0,
        // Keras rescales masked entries so that the mean runs over the valid ones only.
        Reduction.SumOverBatchSize => maskedCount >= 0 ? maskedCount : count,
        Reduction.SumOverBroadcastWeights => hasWeights ? TensorPrimitives.Sum(w) : count,
        // Keras: the sum of sample_weight as passed; a mask is multiplied into the weights first (then they are broadcast).
        Reduction.SumOverGivenWeights => maskedCount >= 0 ? TensorPrimitives.Sum(w) : hasWeights ? givenWeightSum : count,
        Reduction.SumByNonzeroWeights => hasWeights ? count - CountZeros(w) : count,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
    };

    private static int CountZeros(ReadOnlySpan<float> w)
    {
        int zeros = 0;
        foreach (float x in w) if (x == 0f) zeros++;
        return zeros;
    }
}
