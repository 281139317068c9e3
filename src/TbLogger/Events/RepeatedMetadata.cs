using TbLogger.Protos;

namespace TbLogger.Events;

/// <summary>
/// Leaves out a summary value's plugin metadata when this file already carried the same metadata for its tag, as
/// TensorFlow's own writers do. Both TensorBoard loaders take a tag's plugin and its configuration from its first
/// value in a run and ignore the metadata of later values, so a repeat only costs bytes on disk and memory in the
/// loader. Metadata that differs from the tag's first is written as given, hparams values always keep theirs (there
/// the metadata's content is the data), and so do legacy image/audio/histogram values (see <see cref="Repeats"/>).
/// Single-threaded: one instance per file (a writer's worker, or a replay's output run, which strips its events itself).
/// </summary>
internal sealed class RepeatedMetadata
{
    private readonly Dictionary<string, SummaryMetadata> _first = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns <paramref name="value"/> itself when none of its metadata repeats, otherwise a new event whose repeated
    /// metadata is left out; <paramref name="value"/> is never changed (it may belong to the caller).
    /// </summary>
    public Event WithoutRepeats(Event value)
    {
        if (value.WhatCase != Event.WhatOneofCase.Summary)
        {
            return value;
        }
        var values = value.Summary.Value;
        Summary? copy = null;
        for (int i = 0; i < values.Count; i++)
        {
            Summary.Types.Value v = values[i];
            if (Repeats(v))
            {
                if (copy is null)
                {
                    copy = new Summary();
                    for (int j = 0; j < i; j++)
                    {
                        copy.Value.Add(values[j]);
                    }
                }
                var stripped = v.Clone();
                stripped.Metadata = null;
                copy.Value.Add(stripped);
            }
            else
            {
                copy?.Value.Add(v);
            }
        }
        if (copy is null)
        {
            return value;
        }
        // Values that were not stripped are shared, not copied: the new event is only serialised, never changed.
        var result = new Event { WallTime = value.WallTime, Step = value.Step, Summary = copy };
        if (value.SourceMetadata is not null)
        {
            result.SourceMetadata = value.SourceMetadata;
        }
        return result;
    }

    /// <summary>
    /// Leaves out, in place, the metadata of <paramref name="owned"/> when it repeats its tag's first in this file, as
    /// <see cref="WithoutRepeats"/> would: for a value that belongs to the caller, who encodes it itself.
    /// </summary>
    public void StripRepeat(Summary.Types.Value owned)
    {
        if (Repeats(owned))
        {
            owned.Metadata = null;
        }
    }

    /// <summary>
    /// Whether a tensor value of <paramref name="tag"/> carrying <paramref name="metadata"/> would be written without it
    /// (<see cref="StripRepeat"/> would leave it out), without recording anything: false where the value would be
    /// written with it, which is also when it would be the tag's first in this file.
    /// </summary>
    public bool WouldStripTensor(string tag, SummaryMetadata metadata) =>
        !AlwaysWritten(tag, metadata) && _first.TryGetValue(tag, out var first) && first.Equals(metadata);

    private bool Repeats(Summary.Types.Value v)
    {
        // Only tensor values: a legacy image/audio/histo value without metadata is migrated by the loaders from its own
        // kind (plugin "image", not "images"), which differs from its tag's first plugin; tfcheck --strict flags that.
        if (v.ValueCase != Summary.Types.Value.ValueOneofCase.Tensor || v.Metadata is not { } metadata || AlwaysWritten(v.Tag, metadata))
        {
            return false;
        }
        if (!_first.TryGetValue(v.Tag, out var first))
        {
            _first.Add(v.Tag, metadata.Clone());
            return false;
        }
        return first.Equals(metadata);
    }

    /// <summary>Metadata written as given even when it repeats: an untagged value's, and hparams' (their metadata is their data).</summary>
    private static bool AlwaysWritten(string tag, SummaryMetadata metadata) =>
        tag.Length == 0 || metadata.PluginData?.PluginName == PluginNames.HParams;
}
