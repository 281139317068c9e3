namespace TbLogger.Replay;

/// <summary>How <see cref="HistoryImporter"/> reads a history file.</summary>
public sealed record ImportOptions
{
    /// <summary>
    /// The run for rows that name none (default "." = the destination directory itself). With
    /// <see cref="SplitValidation"/>, Keras-style wide files go to "train" and "validation" instead.
    /// </summary>
    public string DefaultRun { get; init; } = ".";

    /// <summary>
    /// In a wide file (one column per metric), the column holding the step; null picks the first of "step",
    /// "global_step", "epoch", "iteration", "iter", else the row number.
    /// </summary>
    public string? StepColumn { get; init; }

    /// <summary>
    /// In a wide file, send "val_x" columns to run "validation" as tag "x" and the others to run "train" (as Keras's
    /// TensorBoard callback lays runs out), so TensorBoard overlays training and validation curves. Default true;
    /// applies only when the file has a "val_" column.
    /// </summary>
    public bool SplitValidation { get; init; } = true;

    /// <summary>How values are stored (default the TF2 float tensor, which both TensorBoard loaders show).</summary>
    public ScalarEncoding Encoding { get; init; } = ScalarEncoding.Float32Tensor;

    /// <summary>
    /// Wall time of rows without one, in Unix seconds; row i gets this + i. Null uses the input file's last-write time.
    /// </summary>
    public double? BaseWallTime { get; init; }

    /// <summary>Hears the bytes of the history file read so far (for a progress bar out of the file's size); may be null.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>What an import wrote.</summary>
/// <param name="Runs">Runs written.</param>
/// <param name="Values">Scalars written.</param>
/// <param name="Rows">Rows read.</param>
public sealed record ImportResult(int Runs, long Values, long Rows);
