namespace TbLogger.Events;

/// <summary>
/// What a writer does when a tag's step repeats or goes back. TensorBoard's default loader keeps one point per step
/// and a point at step s evicts every kept point of that tag at step &gt;= s, so such writes lose data silently.
/// </summary>
public enum StepDiscipline
{
    /// <summary>Report the first violation of each tag (through <see cref="SummaryWriterOptions.StepViolationHandler"/>, or standard error) and count all. The default.</summary>
    Warn,

    /// <summary>Reject the event with an <see cref="ArgumentException"/> naming the tag and both steps; nothing is written.</summary>
    Throw,

    /// <summary>Neither track nor report.</summary>
    Silent,
}
