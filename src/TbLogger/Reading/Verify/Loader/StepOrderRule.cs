using TbLogger.Loading;
using TbLogger.Protos;

namespace TbLogger.Reading.Verify.Loader;

/// <summary>
/// TensorBoard's default loader keeps one point per step and a point at step s evicts every kept point of its tag at
/// step &gt;= s: a step that repeats or goes back within a tag loses data. A <c>SessionLog START</c> at step p purges
/// steps &gt;= p on purpose, so tracking restarts just below p.
/// </summary>
internal sealed class StepOrderRule : VerifyRule
{
    private LoaderModel _model = new();

    /// <inheritdoc />
    public override string Name => "loader-steps";

    /// <inheritdoc />
    public override void OnRunStart(VerifyContext context) => _model = new LoaderModel();

    /// <inheritdoc />
    public override void OnEvent(VerifyContext context, Event value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (value.WhatCase == Event.WhatOneofCase.SessionLog && value.SessionLog.Status == SessionLog.Types.SessionStatus.Start)
        {
            _model.OnSessionStart(value.Step);
            return;
        }
        if (value.WhatCase != Event.WhatOneofCase.Summary)
        {
            return;
        }
        foreach (var v in value.Summary.Value)
        {
            if (_model.Observe(v.Tag, value.Step, out long last, out _))
            {
                context.Report(Name, VerifySeverity.Warning, value.Step == last
                    ? $"tag '{v.Tag}' step {value.Step} repeats: TensorBoard's default loader keeps only the last point of a step"
                    : $"tag '{v.Tag}' step {value.Step} after step {last}: TensorBoard's default loader evicts the points at steps >= {value.Step}");
            }
        }
    }
}
