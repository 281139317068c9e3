namespace TbLogger.Events;

/// <summary>A tag was written at a step that repeats or goes back.</summary>
/// <param name="FilePath">The event file (its directory is the run).</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step just written.</param>
/// <param name="PreviousStep">The highest step written before for this tag.</param>
public sealed record StepViolation(string FilePath, string Tag, long Step, long PreviousStep)
{
    /// <summary>True when the step equals the previous one, false when it is lower.</summary>
    public bool IsRepeat => Step == PreviousStep;

    /// <summary>A one-line description, as written to standard error by default.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => IsRepeat
        ? $"TbLogger: tag '{Tag}' written again at step {Step} in '{FilePath}'; TensorBoard keeps one point per step and shows only the last. (Reported once per tag.)"
        : $"TbLogger: tag '{Tag}' went back from step {PreviousStep} to {Step} in '{FilePath}'; TensorBoard's loader drops the earlier points at steps >= {Step}. (Reported once per tag.)";
}
