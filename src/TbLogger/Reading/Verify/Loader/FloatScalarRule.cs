using TbLogger.Protos;

namespace TbLogger.Reading.Verify.Loader;

/// <summary>
/// TensorBoard's default loader takes a scalar only as <c>simple_value</c> or as a rank-0 DT_FLOAT tensor holding one
/// value; anything else (DT_DOUBLE included) is dropped as data loss. Only <c>--load_fast=false</c> shows those.
/// </summary>
internal sealed class FloatScalarRule : VerifyRule
{
    private readonly HashSet<string> _scalarTags = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override string Name => "loader-scalar";

    /// <inheritdoc />
    public override void OnRunStart(VerifyContext context) => _scalarTags.Clear();

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
            var metadata = v.Metadata;
            // A value's own metadata decides; without it the value inherits what its tag was first seen as.
            bool scalar = metadata is null
                ? _scalarTags.Contains(v.Tag)
                : metadata.PluginData?.PluginName == PluginNames.Scalars || metadata.DataClass == DataClass.Scalar;
            if (scalar && metadata is not null)
            {
                _scalarTags.Add(v.Tag);
            }
            if (v.ValueCase != Summary.Types.Value.ValueOneofCase.Tensor || !scalar)
            {
                continue;
            }
            var tensor = v.Tensor;
            bool rankZero = tensor.TensorShape is null || tensor.TensorShape.Dim.Count == 0;
            bool oneFloat = tensor.Dtype == DataType.DtFloat && (tensor.FloatVal.Count == 1 || (tensor.FloatVal.Count == 0 && tensor.TensorContent.Length == 4));
            if (!rankZero || !oneFloat)
            {
                context.Report(Name, VerifySeverity.Warning,
                    $"tag '{v.Tag}' step {value.Step}: scalar stored as {tensor.Dtype} with shape [{string.Join(", ", TensorValues.Shape(tensor))}] is dropped by TensorBoard's default loader (it needs a rank-0 DT_FLOAT; only --load_fast=false shows it)");
            }
        }
    }
}
