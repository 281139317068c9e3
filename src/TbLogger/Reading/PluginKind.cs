namespace TbLogger.Reading;

/// <summary>The TensorBoard plugins whose data <see cref="LogDirReader"/> decodes into typed records.</summary>
public enum PluginKind
{
    /// <summary>Any other plugin (or a tensor without plugin metadata); readable as raw values.</summary>
    Other,

    /// <summary>"scalars": simple_value or a one-element numeric tensor.</summary>
    Scalars,

    /// <summary>"images": Summary.Image or a TF2 string tensor [width, height, image...].</summary>
    Images,

    /// <summary>"audio": Summary.Audio or a TF2 string tensor [k, 2].</summary>
    Audio,

    /// <summary>"histograms": HistogramProto or a TF2 [k, 3] bucket tensor.</summary>
    Histograms,

    /// <summary>"text": a string tensor.</summary>
    Text,

    /// <summary>"pr_curves": a [6, T] float tensor.</summary>
    PrCurves,

    /// <summary>"hparams": experiment and session protos in the plugin content.</summary>
    HParams,

    /// <summary>"custom_scalars": a serialized Layout in a string tensor.</summary>
    CustomScalars,
}
