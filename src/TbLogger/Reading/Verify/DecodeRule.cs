using TbLogger.Protos;

namespace TbLogger.Reading.Verify;

/// <summary>
/// Checks that every summary value decodes as its plugin's data: scalars hold one number, tensors hold as many
/// elements as their shape says, images and audio have bytes, histograms have as many counts as limits or are [k, 3]
/// tensors of numbers, PR curves are [6, T].
/// </summary>
public sealed class DecodeRule : VerifyRule
{
    private readonly Dictionary<string, string> _plugins = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string Name => "decode";

    /// <inheritdoc />
    public override void OnRunStart(VerifyContext context) => _plugins.Clear();

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
            string? problem = Check(v);
            if (problem is not null)
            {
                context.Report(Name, VerifySeverity.Error, $"tag '{v.Tag}' step {value.Step}: {problem}");
            }
        }
    }

    private string? Check(Summary.Types.Value v)
    {
        if (!string.IsNullOrEmpty(v.Metadata?.PluginData?.PluginName))
        {
            _plugins.TryAdd(v.Tag, v.Metadata.PluginData.PluginName);
        }
        string plugin = _plugins.GetValueOrDefault(v.Tag, "");
        switch (v.ValueCase)
        {
            case Summary.Types.Value.ValueOneofCase.Image:
                return v.Image.EncodedImageString.IsEmpty ? "image has no encoded bytes" : null;
            case Summary.Types.Value.ValueOneofCase.Audio:
                return v.Audio.EncodedAudioString.IsEmpty ? "audio has no encoded bytes" : null;
            case Summary.Types.Value.ValueOneofCase.Histo:
                return v.Histo.Bucket.Count != v.Histo.BucketLimit.Count
                    ? $"histogram has {v.Histo.Bucket.Count} counts but {v.Histo.BucketLimit.Count} limits"
                    : null;
            case Summary.Types.Value.ValueOneofCase.Tensor:
                // ReadHistograms applies the same rule: a histogram tensor reported here is one it skips as malformed.
                return TensorValues.Problem(v.Tensor, plugin, out _);
            default:
                return null;
        }
    }
}
