namespace TbLogger;

/// <summary>The order of a batch of images' dimensions in memory, outermost first (row-major).</summary>
public enum ImageBatchLayout
{
    /// <summary>Images, channels, height, width (PyTorch's order).</summary>
    NCHW,

    /// <summary>Images, height, width, channels (TensorFlow's order).</summary>
    NHWC,
}
