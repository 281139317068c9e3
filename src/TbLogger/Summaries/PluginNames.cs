namespace TbLogger;

/// <summary>The plugin names TensorBoard dispatches on (SummaryMetadata.plugin_data.plugin_name).</summary>
public static class PluginNames
{
    /// <summary>The scalars dashboard.</summary>
    public const string Scalars = "scalars";

    /// <summary>The text dashboard.</summary>
    public const string Text = "text";
}
