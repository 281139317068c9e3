using TbLogger.Protos;

namespace TbLogger.Reading.Verify;

/// <summary>What a <see cref="VerifyRule"/> sees: the run, the file and record being checked, and where to report.</summary>
public sealed class VerifyContext
{
    private readonly List<VerifyProblem> _problems;

    internal VerifyContext(List<VerifyProblem> problems, RunInfo run)
    {
        _problems = problems;
        Run = run;
    }

    /// <summary>The run being checked.</summary>
    public RunInfo Run { get; }

    /// <summary>The file being checked (empty at run start and end).</summary>
    public string File { get; internal set; } = "";

    /// <summary>Index of the current record within its file (0 = first).</summary>
    public long RecordIndex { get; internal set; }

    /// <summary>Byte offset of the current record.</summary>
    public long Offset { get; internal set; }

    /// <summary>Reports a problem at the current record.</summary>
    /// <param name="rule">The rule's name.</param>
    /// <param name="severity">How bad it is.</param>
    /// <param name="message">One line.</param>
    public void Report(string rule, VerifySeverity severity, string message) =>
        _problems.Add(new VerifyProblem(File, Offset, severity, rule, message));
}

/// <summary>
/// A check applied to every decoded event of every run. Rules are plain objects in
/// <see cref="LogVerifierOptions.Rules"/>; one instance checks one verification (it may keep state per run between
/// <see cref="OnRunStart"/> and <see cref="OnRunEnd"/>).
/// </summary>
public abstract class VerifyRule
{
    /// <summary>Short name shown with each problem, e.g. "decode".</summary>
    public abstract string Name { get; }

    /// <summary>Called before the first file of a run.</summary>
    /// <param name="context">The run.</param>
    public virtual void OnRunStart(VerifyContext context)
    {
    }

    /// <summary>Called for each event that framed, verified and parsed.</summary>
    /// <param name="context">Where the event is; report problems through it.</param>
    /// <param name="value">The event.</param>
    public abstract void OnEvent(VerifyContext context, Event value);

    /// <summary>Called after the last file of a run.</summary>
    /// <param name="context">The run.</param>
    public virtual void OnRunEnd(VerifyContext context)
    {
    }
}
