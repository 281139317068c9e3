namespace TbLogger;

/// <summary>How a scalar is stored in its Summary.Value.</summary>
public enum ScalarEncoding
{
    /// <summary>
    /// The TF2 form, like <c>tf.summary.scalar</c>: a rank-0 DT_FLOAT tensor with plugin "scalars" and data class
    /// SCALAR. Both of TensorBoard's loaders show it. The default.
    /// </summary>
    Float32Tensor,

    /// <summary>The legacy <c>simple_value</c> float field (TF1, tensorboardX, PyTorch). Both loaders show it.</summary>
    SimpleValue,

    /// <summary>
    /// A rank-0 DT_DOUBLE tensor, keeping full double precision. TensorBoard's default loader (its Rust data server,
    /// TensorBoard 2.5 and later) drops DT_DOUBLE scalars as data loss; only <c>tensorboard --load_fast=false</c>
    /// shows them. TbLogger's own reader reads them exactly.
    /// </summary>
    Float64Tensor,
}
