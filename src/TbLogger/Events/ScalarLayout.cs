namespace TbLogger.Events;

/// <summary>The one-value scalar event layouts <see cref="EventShape.MatchScalar"/> recognises byte for byte.</summary>
internal enum ScalarLayout
{
    /// <summary>Not one of them.</summary>
    None,

    /// <summary>simple_value (TF1, tensorboardX, PyTorch).</summary>
    SimpleValue,

    /// <summary>A DT_FLOAT tensor of one packed float_val, no tensor_shape (TbLogger, TF2 after the first value).</summary>
    Float,

    /// <summary>The same with an empty tensor_shape.</summary>
    FloatWithShape,

    /// <summary>A DT_DOUBLE tensor of one packed double_val, no tensor_shape.</summary>
    Double,

    /// <summary>The same with an empty tensor_shape.</summary>
    DoubleWithShape,
}
