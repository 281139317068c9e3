using System.Runtime.CompilerServices;
using TbLogger.Events;
using TbLogger.Loading;

namespace TbLogger;

/// <summary>
/// A summary writer's step discipline for one event file (<see cref="SummaryWriterOptions.StepDiscipline"/>): spots a
/// tag whose step repeats or goes back, which TensorBoard's loader turns into lost points, and reports or refuses
/// it, by the rules of <see cref="LoaderModel"/>. It runs as the file queue's <see cref="EnqueueGate"/>, so it sees writes in the order of the file.
/// </summary>
internal sealed class StepPolicy : EnqueueGate
{
    private readonly LoaderModel _tracker;
    private readonly bool _throw;
    private readonly Action<StepViolation> _report;

    private StepPolicy(SummaryWriterOptions options)
    {
        _tracker = new LoaderModel(options.PurgeStep);
        _throw = options.StepDiscipline == StepDiscipline.Throw;
        _report = options.StepViolationHandler ?? (static v => Console.Error.WriteLine(v.ToString()));
    }

    /// <summary>The event file named in reports; set once the file exists.</summary>
    public string FilePath { get; set; } = "";

    /// <summary>Writes that repeated or went back, reported or not.</summary>
    public long Violations => _tracker.Violations;

    /// <summary>The policy <paramref name="options"/> ask for, or null under <see cref="StepDiscipline.Silent"/>.</summary>
    public static StepPolicy? For(SummaryWriterOptions options) =>
        options.StepDiscipline == StepDiscipline.Silent ? null : new StepPolicy(options);

    /// <inheritdoc />
    [MethodImpl(HotPath.Options)]
    public override object? Admit(string key, long step)
    {
        if (_throw)
        {
            // Only here: under Warn and Silent a scalar never calls Check (a fresh process compiles nothing more).
            Check(key, step);
        }
        return _tracker.Observe(key, step, out long previous, out bool first) && first ? new StepViolation(FilePath, key, step, previous) : null;
    }

    /// <inheritdoc />
    public override void Check(string key, long step)
    {
        if (_throw && _tracker.WouldEvict(key, step, out long last))
        {
            throw new ArgumentException(
                step == last
                    ? $"Tag '{key}' was already written at step {step}; TensorBoard keeps one point per step (StepDiscipline.Throw)."
                    : $"Tag '{key}' went back from step {last} to {step}; TensorBoard would drop the points at steps >= {step} (StepDiscipline.Throw).",
                nameof(step));
        }
    }

    /// <inheritdoc />
    public override void Notify(object notice) => _report((StepViolation)notice);

    /// <summary>This policy, refusing (with <see cref="AlreadyLogged"/>) a point whose tag the file already holds at a step &gt;= it.</summary>
    public EnqueueGate UnlessLogged() => new UnlessLoggedGate(this);

    /// <summary>Thrown under the queue's lock to refuse a point already logged; nothing is queued.</summary>
    internal sealed class AlreadyLogged : Exception
    {
        public static readonly AlreadyLogged Instance = new();
    }

    private sealed class UnlessLoggedGate(StepPolicy policy) : EnqueueGate
    {
        public override object? Admit(string key, long step) =>
            policy._tracker.HasPointAtOrAfter(key, step) ? throw AlreadyLogged.Instance : policy.Admit(key, step);

        public override void Notify(object notice) => policy.Notify(notice);
    }
}
