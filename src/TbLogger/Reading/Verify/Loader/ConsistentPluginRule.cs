using TbLogger.Protos;

namespace TbLogger.Reading.Verify.Loader;

/// <summary>
/// The first value of a tag fixes its plugin and data class for the run in TensorBoard's default loader; a later
/// value that names another plugin or data class is read as the first one said (or dropped). A tensor whose first
/// value carries no metadata cannot be classified at all.
/// </summary>
internal sealed class ConsistentPluginRule : VerifyRule
{
    private readonly Dictionary<string, (string Plugin, DataClass Class)> _first = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string Name => "loader-plugin";

    /// <inheritdoc />
    public override void OnRunStart(VerifyContext context) => _first.Clear();

    /// <inheritdoc />
    public override void OnEvent(VerifyContext context, Event value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (value.WhatCase != Event.WhatOneofCase.Summary)
        {
            return;
        }
        foreach (var v in value.Summary.Value)
        {
            string plugin = v.Metadata?.PluginData?.PluginName ?? "";
            DataClass dataClass = v.Metadata?.DataClass ?? DataClass.Unknown;
            if (!_first.TryGetValue(v.Tag, out var first))
            {
                _first[v.Tag] = (plugin, dataClass);
                if (v.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && plugin.Length == 0)
                {
                    context.Report(Name, VerifySeverity.Warning, $"tag '{v.Tag}' step {value.Step}: its first value is a tensor without plugin metadata, which TensorBoard cannot assign to a dashboard");
                }
                continue;
            }
            // Values without metadata inherit the first one's; only a contradiction matters.
            if (v.Metadata is null)
            {
                continue;
            }
            if ((plugin.Length > 0 && plugin != first.Plugin) || (dataClass != DataClass.Unknown && dataClass != first.Class))
            {
                context.Report(Name, VerifySeverity.Warning,
                    $"tag '{v.Tag}' step {value.Step}: metadata says plugin '{plugin}' ({dataClass}) but the tag's first value said '{first.Plugin}' ({first.Class}); TensorBoard keeps the first");
            }
        }
    }
}
