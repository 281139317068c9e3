namespace TbLogger.Reading;

/// <summary>
/// Which plugin each tag of a run belongs to. Like TensorBoard, the first value of a tag that names a plugin fixes
/// it (TensorFlow writes the metadata only with a tag's first value), and the legacy value fields (simple_value,
/// image, histo, audio) always mean their plugin.
/// </summary>
internal sealed class TagPlugins
{
    private readonly Dictionary<string, (string Name, PluginKind Kind)> _tags = new(StringComparer.Ordinal);
    private readonly Utf8StringCache _names = new();

    public (string Name, PluginKind Kind) Resolve(string tag, ReadOnlySpan<byte> value, in ValueInfo info)
    {
        switch (info.ValueField)
        {
            case 2:
                return Remember(tag, (PluginNames.Scalars, PluginKind.Scalars));
            case 4:
                return Remember(tag, ("images", PluginKind.Images));
            case 5:
                return Remember(tag, ("histograms", PluginKind.Histograms));
            case 6:
                return Remember(tag, ("audio", PluginKind.Audio));
        }
        if (_tags.TryGetValue(tag, out var known))
        {
            return known;
        }
        if (info.PluginStart < 0 || info.PluginLength == 0)
        {
            // Not remembered: a later value of the tag may still name its plugin.
            return ("", PluginKind.Other);
        }
        string name = _names.Get(value.Slice(info.PluginStart, info.PluginLength));
        var resolved = (name, KindOf(name));
        _tags[tag] = resolved;
        return resolved;
    }

    public static PluginKind KindOf(string pluginName) => pluginName switch
    {
        PluginNames.Scalars => PluginKind.Scalars,
        "images" => PluginKind.Images,
        "audio" => PluginKind.Audio,
        "histograms" => PluginKind.Histograms,
        PluginNames.Text => PluginKind.Text,
        "pr_curves" => PluginKind.PrCurves,
        "hparams" => PluginKind.HParams,
        "custom_scalars" => PluginKind.CustomScalars,
        _ => PluginKind.Other,
    };

    private (string, PluginKind) Remember(string tag, (string Name, PluginKind Kind) resolved)
    {
        _tags.TryAdd(tag, resolved);
        return resolved;
    }
}
