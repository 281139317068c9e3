using TbLogger.Protos;

namespace TbLogger.Reading.Verify;

/// <summary>
/// Checks that every summary value decodes as its plugin's data: scalars hold one number, tensors hold as many
/// elements as their shape says, images and audio have bytes, histograms have as many counts as limits, PR curves are
/// [6, T].
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
                return CheckTensor(v.Tensor, plugin);
            default:
                return null;
        }
    }

    private static string? CheckTensor(TensorProto tensor, string plugin)
    {
        long[] shape = TensorValues.Shape(tensor);
        if (shape.Any(d => d < 0))
        {
            return "tensor shape has a negative dimension";
        }
        long expected = shape.Aggregate(1L, (a, b) => a * b);
        long actual;
        if (tensor.Dtype == DataType.DtString)
        {
            actual = tensor.StringVal.Count;
        }
        else
        {
            try
            {
                actual = TensorValues.Doubles(tensor).Length;
            }
            catch (FormatException ex)
            {
                return plugin is PluginNames.Scalars or "pr_curves" or "histograms" ? ex.Message : null;
            }
            // TensorFlow may store one value for a tensor filled with it.
            if (actual == 1 && expected > 1)
            {
                actual = expected;
            }
        }
        if (actual != expected)
        {
            return $"{tensor.Dtype} tensor of shape [{string.Join(", ", shape)}] holds {actual} elements, not {expected}";
        }
        return plugin switch
        {
            PluginNames.Scalars when expected != 1 => $"scalar tensor holds {expected} elements",
            "pr_curves" when shape.Length != 2 || shape[0] != 6 => $"PR curve tensor has shape [{string.Join(", ", shape)}], not [6, T]",
            "histograms" when shape.Length != 2 || shape[1] != 3 => $"histogram tensor has shape [{string.Join(", ", shape)}], not [k, 3]",
            _ => null,
        };
    }
}
