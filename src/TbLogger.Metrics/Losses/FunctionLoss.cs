using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>A loss whose per-sample values come from a user function (<see cref="Loss.FromFunction"/>).</summary>
internal sealed class FunctionLoss : Loss
{
    private const int PerturbedSlot = LossScratch.FirstKernelSlot, PlusSlot = PerturbedSlot + 1, MinusSlot = PerturbedSlot + 2;

    // Central differences in float: truncation error ~h², rounding error ~ε/h; h ≈ ε^(1/3) balances them.
    private const float RelativeStep = 4e-3f;

    private readonly LossFunction _function;
    private readonly LossGradientFunction? _gradient;
    private readonly bool _elementwise;

    public FunctionLoss(string name, LossFunction function, Reduction reduction, LossGradientFunction? gradient, bool elementwise)
        : base(name, reduction)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _gradient = gradient;
        _elementwise = elementwise;
    }

    private protected override LabelLayout Labels => LabelLayout.Any;

    private protected override LossAxes GetAxes(int rank) => _elementwise ? LossAxes.Elementwise(rank) : LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
        => _function(new ReadOnlyTensorSpan<float>(rows.YTrue, rows.TrueShape), new ReadOnlyTensorSpan<float>(rows.YPred, rows.PredShape), values);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        var yTrue = new ReadOnlyTensorSpan<float>(rows.YTrue, rows.TrueShape);
        if (_gradient is not null)
        {
            _gradient(yTrue, new ReadOnlyTensorSpan<float>(rows.YPred, rows.PredShape), grad);
        }
        else
        {
            FiniteDifferences(rows, yTrue, grad);
        }
        for (int r = 0; r < rows.Count; r++)
        {
            var row = grad.Slice(r * rows.Length, rows.Length);
            TensorPrimitives.Multiply(row, upstream[r], row);
        }
    }

    // Every per-sample value depends only on its own row, so perturbing column k of all rows at once yields
    // ∂value[r]/∂pred[r, k] for every r from two evaluations: 2 × row-length evaluations in all, not 2 × elements.
    private void FiniteDifferences(in LossRows rows, ReadOnlyTensorSpan<float> yTrue, Span<float> grad)
    {
        ReadOnlySpan<float> p = rows.YPred;
        Span<float> perturbed = Scratch(PerturbedSlot, p.Length);
        Span<float> plus = Scratch(PlusSlot, rows.Count), minus = Scratch(MinusSlot, rows.Count);
        var perturbedTensor = new ReadOnlyTensorSpan<float>(perturbed, rows.PredShape);
        p.CopyTo(perturbed);
        for (int k = 0; k < rows.Length; k++)
        {
            for (int r = 0; r < rows.Count; r++)
            {
                int i = r * rows.Length + k;
                perturbed[i] = p[i] + Step(p[i]);
            }
            _function(yTrue, perturbedTensor, plus);
            for (int r = 0; r < rows.Count; r++)
            {
                int i = r * rows.Length + k;
                perturbed[i] = p[i] - Step(p[i]);
            }
            _function(yTrue, perturbedTensor, minus);
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
}
