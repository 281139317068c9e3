using System.Collections.Concurrent;
using TbLogger.Protos;

namespace TbLogger;

/// <summary>
/// Appends <see cref="SummaryWriterOptions.TagSuffix"/> (e.g. "/rank1", set by the rank policy) to the tags a
/// summary writer writes. Each tag is suffixed once and remembered, so AddScalar stays free of allocations;
/// hparams and custom-scalars layout tags keep the fixed names TensorBoard looks up.
/// </summary>
internal sealed class TagSuffixPolicy
{
    private readonly string _suffix;
    private readonly ConcurrentDictionary<string, string> _suffixed = new(StringComparer.Ordinal);

    private TagSuffixPolicy(string suffix) => _suffix = suffix;

    /// <summary>The policy <paramref name="options"/> ask for, or null when they set no suffix.</summary>
    public static TagSuffixPolicy? For(SummaryWriterOptions options) =>
        string.IsNullOrEmpty(options.TagSuffix) ? null : new TagSuffixPolicy(options.TagSuffix);

    /// <summary>The tag as written. Thread-safe.</summary>
    public string Apply(string tag) =>
        _suffixed.TryGetValue(tag, out string? suffixed) ? suffixed : _suffixed.GetOrAdd(tag, static (t, s) => t + s, _suffix);

    /// <summary>Renames the tags of <paramref name="summary"/> in place (it must be the writer's own) and returns it.</summary>
    public Summary Apply(Summary summary)
    {
        foreach (var entry in summary.Value)
        {
            if (TakesSuffix(entry))
            {
                entry.Tag = Apply(entry.Tag);
            }
        }
        return summary;
    }

    // hparams and custom-scalars layout tags are fixed names TensorBoard looks up; a suffix would hide them.
    private static bool TakesSuffix(Summary.Types.Value entry) =>
        entry.Metadata?.PluginData?.PluginName is not (PluginNames.HParams or PluginNames.CustomScalars);
}
