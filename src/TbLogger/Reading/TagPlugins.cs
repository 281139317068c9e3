namespace TbLogger.Reading;

/// <summary>
/// Which plugin each tag of a run belongs to. Like TensorBoard, the first value of a tag that names a plugin fixes
/// it (TensorFlow writes the metadata only with a tag's first value), and the legacy value fields (simple_value,
/// image, histo, audio) always mean their plugin.
/// </summary>
internal sealed class TagPlugins
{
    private readonly Dictionary<string, Decided> _tags = new(StringComparer.Ordinal);
    private readonly Utf8StringCache _names = new();

    // Tags come back in a cycle (a training loop logs the same tags every step) and the reader hands out one string
    // per tag: the decision asked for last remembers the one asked for after it, so most values find theirs by one
    // reference comparison instead of hashing the tag.
    private Decided? _last;

    public (string Name, PluginKind Kind) Resolve(string tag, ReadOnlySpan<byte> value, in ValueInfo info)
    {
        Decided? known = Find(tag);
        switch (info.ValueField)
        {
            case 2:
                return Remember(tag, known, (PluginNames.Scalars, PluginKind.Scalars));
            case 4:
                return Remember(tag, known, ("images", PluginKind.Images));
            case 5:
                return Remember(tag, known, ("histograms", PluginKind.Histograms));
            case 6:
                return Remember(tag, known, ("audio", PluginKind.Audio));
        }
        if (known is not null)
        {
            return known.Plugin;
        }
        if (info.PluginStart < 0 || info.PluginLength == 0)
        {
            // Not remembered: a later value of the tag may still name its plugin.
            return ("", PluginKind.Other);
        }
        string name = _names.Get(value.Slice(info.PluginStart, info.PluginLength));
        var resolved = (name, KindOf(name));
        Link(_tags[tag] = new Decided(tag, resolved));
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

    /// <summary>The decision already made for <paramref name="tag"/>, or null.</summary>
    private Decided? Find(string tag)
    {
        if (_last is { Next: { } next } && ReferenceEquals(next.Tag, tag))
        {
            _last = next;
            return next;
        }
        if (_last is { } last && ReferenceEquals(last.Tag, tag))
        {
            return last;
        }
        if (_tags.TryGetValue(tag, out Decided? decided))
        {
            Link(decided);
        }
        return decided;
    }

    private void Link(Decided decided)
    {
        if (_last is not null)
        {
            _last.Next = decided;
        }
        _last = decided;
    }

    /// <summary>A legacy field means its plugin; the tag keeps the first decision made for it.</summary>
    private (string, PluginKind) Remember(string tag, Decided? known, (string Name, PluginKind Kind) resolved)
    {
        if (known is null)
        {
            Link(_tags[tag] = new Decided(tag, resolved));
        }
        return resolved;
    }

    /// <summary>A tag's plugin, and the decision asked for after it last time.</summary>
    private sealed class Decided(string tag, (string Name, PluginKind Kind) plugin)
    {
        public string Tag { get; } = tag;

        public (string Name, PluginKind Kind) Plugin { get; } = plugin;

        public Decided? Next;
    }
}
