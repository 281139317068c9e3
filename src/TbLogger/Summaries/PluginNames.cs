namespace TbLogger;

/// <summary>The plugin names TensorBoard dispatches on (SummaryMetadata.plugin_data.plugin_name).</summary>
public static class PluginNames
{
    /// <summary>The scalars dashboard.</summary>
    public const string Scalars = "scalars";

    /// <summary>The text dashboard.</summary>
    public const string Text = "text";

    /// <summary>The images dashboard.</summary>
    public const string Images = "images";

    /// <summary>The audio dashboard.</summary>
    public const string Audio = "audio";

    /// <summary>The embedding projector (files next to the event file, no events).</summary>
    public const string Projector = "projector";

    /// <summary>The histograms and distributions dashboards.</summary>
    public const string Histograms = "histograms";

    /// <summary>The PR curves dashboard.</summary>
    public const string PrCurves = "pr_curves";

    /// <summary>The hyperparameters (HPARAMS) dashboard.</summary>
    public const string HParams = "hparams";

    /// <summary>The custom scalars dashboard.</summary>
    public const string CustomScalars = "custom_scalars";
}
