using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>A loss whose per-sample values come from a user function (<see cref="Loss.FromFunction"/>).</summary>
internal sealed class FunctionLoss : Loss
{
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
            FiniteDifferences(rows, grad);
        }
        for (int r = 0; r < rows.Count; r++)
        {
            var row = grad.Slice(r * rows.Length, rows.Length);
            TensorPrimitives.Multiply(row, upstream[r], row);
        }
    }
}
