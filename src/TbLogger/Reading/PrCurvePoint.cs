namespace TbLogger.Reading;

/// <summary>
/// One precision-recall curve: the plugin's [6, T] tensor as typed rows, column i for threshold i / (T - 1) (see <see cref="Threshold"/>).
/// </summary>
/// <param name="Run">The run name.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="NumThresholds">T, from PrCurvePluginData (or the tensor's width when absent).</param>
/// <param name="TruePositives">Row 0.</param>
/// <param name="FalsePositives">Row 1.</param>
/// <param name="TrueNegatives">Row 2.</param>
/// <param name="FalseNegatives">Row 3.</param>
/// <param name="Precision">Row 4.</param>
/// <param name="Recall">Row 5.</param>
public sealed record PrCurvePoint(string Run, string Tag, long Step, double WallTime, int NumThresholds,
    IReadOnlyList<float> TruePositives, IReadOnlyList<float> FalsePositives, IReadOnlyList<float> TrueNegatives,
    IReadOnlyList<float> FalseNegatives, IReadOnlyList<float> Precision, IReadOnlyList<float> Recall)
{
    /// <summary>The threshold of column <paramref name="index"/>, computed as TensorBoard serves it: index × (1 / (T - 1)), so column 3 of 11 is 0.30000000000000004.</summary>
    /// <param name="index">A column.</param>
    /// <returns>The threshold in [0, 1].</returns>
    public double Threshold(int index) => TruePositives.Count <= 1 ? 0 : index * (1.0 / (TruePositives.Count - 1));

    /// <summary>
    /// How many leading columns TensorBoard's PR curves plugin serves: it drops the trailing thresholds at which
    /// nothing is predicted positive (TP + FP == 0).
    /// </summary>
    public int ServedLength
    {
        get
        {
            int length = TruePositives.Count;
            while (length > 0 && TruePositives[length - 1] + FalsePositives[length - 1] == 0)
            {
                length--;
            }
            return length;
        }
    }
}
