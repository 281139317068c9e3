namespace TbLogger.Metrics.Losses;

/// <summary>
/// A batch laid out for a loss kernel: <see cref="Count"/> rows of <see cref="Length"/> contiguous predictions, each row
/// reducing to one per-sample value. When the loss reduces an inner axis the base class has already transposed that
/// axis to the end, so kernels only ever see contiguous rows.
/// </summary>
internal readonly ref struct LossRows
{
    public LossRows(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int count, int length,
                    ReadOnlySpan<nint> trueShape, ReadOnlySpan<nint> predShape)
    {
        YTrue = yTrue;
        YPred = yPred;
        Count = count;
        Length = length;
        TrueShape = trueShape;
        PredShape = predShape;
    }

    /// <summary>Labels: Count × Length values for dense labels, Count values for sparse ones.</summary>
    public ReadOnlySpan<float> YTrue { get; }

    /// <summary>Predictions, Count × Length values, row-major.</summary>
    public ReadOnlySpan<float> YPred { get; }

    /// <summary>Number of per-sample values.</summary>
    public int Count { get; }

    /// <summary>Number of predictions reduced into each per-sample value.</summary>
    public int Length { get; }

    /// <summary>The caller's yTrue shape (before any transposition); used by function losses.</summary>
    public ReadOnlySpan<nint> TrueShape { get; }

    /// <summary>The caller's yPred shape (before any transposition); used by function losses.</summary>
    public ReadOnlySpan<nint> PredShape { get; }

    /// <summary>The predictions of row <paramref name="r"/>.</summary>
    public ReadOnlySpan<float> PredRow(int r) => YPred.Slice(r * Length, Length);

    /// <summary>The dense labels of row <paramref name="r"/>.</summary>
    public ReadOnlySpan<float> TrueRow(int r) => YTrue.Slice(r * Length, Length);
}
