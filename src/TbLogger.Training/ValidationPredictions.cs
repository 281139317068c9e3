namespace TbLogger.Training;

/// <summary>
/// One epoch's predictions on the validation set, for the per-epoch performance figures of
/// <see cref="TensorBoardCallback"/> (per-class PR curves, a confusion matrix, ROC curves): a class index per sample
/// and a row of class probabilities per sample.
/// </summary>
public sealed class ValidationPredictions
{
    /// <summary>Creates the predictions; the arrays are used as given (not copied) until the figures are written.</summary>
    /// <param name="labels">The true class of each sample, 0..numClasses−1.</param>
    /// <param name="probabilities">Row-major [samples, numClasses] scores, e.g. softmax outputs.</param>
    /// <param name="numClasses">The number of classes (at least 2).</param>
    /// <exception cref="ArgumentException">The lengths do not match, a label is out of range, or a probability is NaN (the message gives its flat index).</exception>
    public ValidationPredictions(int[] labels, float[] probabilities, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        if ((long)labels.Length * numClasses != probabilities.Length)
            throw new ArgumentException(
                $"probabilities has {probabilities.Length} values; {labels.Length} samples × {numClasses} classes need {(long)labels.Length * numClasses}.",
                nameof(probabilities));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)numClasses)
                throw new ArgumentException($"labels[{i}] is {labels[i]}, outside 0..{numClasses - 1}.", nameof(labels));
        int nan = IndexOfNaN(probabilities);
        if (nan >= 0) throw new ArgumentException($"probabilities[{nan}] is NaN.", nameof(probabilities));
        Labels = labels;
        Probabilities = probabilities;
        NumClasses = numClasses;
    }

    /// <summary>The true classes.</summary>
    public int[] Labels { get; }

    /// <summary>The [samples, classes] scores, row-major.</summary>
    public float[] Probabilities { get; }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Predictions of a binary classifier: the probability of class 1 per sample, expanded to two columns.</summary>
    /// <param name="labels">0 or 1 per sample.</param>
    /// <param name="positiveProbability">P(class 1) per sample.</param>
    /// <returns>The predictions with two classes.</returns>
    /// <exception cref="ArgumentException">The lengths differ, a label is not 0 or 1, or a probability is NaN (the message gives its index).</exception>
    public static ValidationPredictions Binary(int[] labels, ReadOnlySpan<float> positiveProbability)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (positiveProbability.Length != labels.Length)
            throw new ArgumentException($"{positiveProbability.Length} probabilities for {labels.Length} labels.", nameof(positiveProbability));
        int nan = IndexOfNaN(positiveProbability);
        if (nan >= 0) throw new ArgumentException($"positiveProbability[{nan}] is NaN.", nameof(positiveProbability));
        var p = new float[labels.Length * 2];
        for (int i = 0; i < labels.Length; i++)
        {
            p[2 * i] = 1f - positiveProbability[i];
            p[2 * i + 1] = positiveProbability[i];
        }
        return new ValidationPredictions(labels, p, 2);
    }

    /// <summary>Wraps a delegate as an <see cref="IValidationPredictions"/>.</summary>
    /// <param name="provider">Returns the predictions for an epoch, or null to skip the figures that epoch.</param>
    /// <returns>The source.</returns>
    public static IValidationPredictions From(Func<int, ValidationPredictions?> provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new DelegateSource(provider);
    }

    private static int IndexOfNaN(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (float.IsNaN(values[i])) return i;
        return -1;
    }

    private sealed class DelegateSource(Func<int, ValidationPredictions?> provider) : IValidationPredictions
    {
        public ValidationPredictions? GetValidationPredictions(int epoch) => provider(epoch);
    }
}

/// <summary>Supplies validation predictions to <see cref="TensorBoardCallback"/> at the end of each epoch (implemented by the user's model or loop).</summary>
public interface IValidationPredictions
{
    /// <summary>The predictions of this epoch's model on the validation set.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>The predictions, or null to skip the figures for this epoch.</returns>
    ValidationPredictions? GetValidationPredictions(int epoch);
}
