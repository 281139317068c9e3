using TbLogger.Protos;

namespace TbLogger.Reading;

/// <summary>
/// TensorBoard's default loader keeps one point per step and a point at step s evicts every kept point of its tag at
/// step &gt;= s: a step that repeats or goes back within a tag loses data. A <c>SessionLog START</c> at step p purges
/// steps &gt;= p on purpose, so tracking restarts just below p.
/// </summary>
public sealed class StepOrderRule : VerifyRule
{
    private readonly Dictionary<string, long> _lastStep = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string Name => "loader-steps";

    /// <inheritdoc />
    public override void OnRunStart(VerifyContext context) => _lastStep.Clear();

    /// <inheritdoc />
    public override void OnEvent(VerifyContext context, Event value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (value.WhatCase == Event.WhatOneofCase.SessionLog && value.SessionLog.Status == SessionLog.Types.SessionStatus.Start)
        {
            foreach (var tag in _lastStep.Keys.ToList())
            {
                _lastStep[tag] = Math.Min(_lastStep[tag], value.Step - 1);
            }
            return;
        }
        if (value.WhatCase != Event.WhatOneofCase.Summary)
        {
            return;
        }
        foreach (var v in value.Summary.Value)
        {
            if (_lastStep.TryGetValue(v.Tag, out long last) && value.Step <= last)
            {
                context.Report(Name, VerifySeverity.Warning, value.Step == last
                    ? $"tag '{v.Tag}' step {value.Step} repeats: TensorBoard's default loader keeps only the last point of a step"
                    : $"tag '{v.Tag}' step {value.Step} after step {last}: TensorBoard's default loader evicts the points at steps >= {value.Step}");
            }
            // After a step goes back the loader has evicted everything at or above it, so this step is the new last.
            _lastStep[v.Tag] = value.Step;
        }
    }
}
