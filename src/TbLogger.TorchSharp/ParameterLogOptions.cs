namespace TbLogger.TorchSharp;

/// <summary>What <see cref="ModuleLoggingExtensions.AddParameters"/> logs for each named parameter of a module.</summary>
public sealed record ParameterLogOptions
{
    /// <summary>The defaults: value and gradient histograms and L2 norms of every parameter.</summary>
    public static ParameterLogOptions Default { get; } = new();

    /// <summary>
    /// Log each parameter's values (histogram and norm, as <see cref="Histograms"/> and <see cref="Norms"/> say). Set it
    /// false to log only gradients, e.g. when <c>TensorBoardCallback</c> already logs the weights. Default true.
    /// </summary>
    public bool Values { get; init; } = true;

    /// <summary>Histograms of each parameter's values, tagged <c>{Prefix}{name}</c> (e.g. <c>conv1.weight</c>), and of its gradient. Default true.</summary>
    public bool Histograms { get; init; } = true;

    /// <summary>
    /// A histogram of each parameter's gradient when it has one (after <c>backward()</c>), tagged <c>{Prefix}{name}/grad</c>,
    /// and, with <see cref="Norms"/>, its L2 norm. Default true.
    /// </summary>
    public bool Gradients { get; init; } = true;

    /// <summary>
    /// L2 norms as scalars: <c>{Prefix}{name}/norm</c> per parameter, <c>{Prefix}{name}/grad_norm</c> per gradient, and
    /// over all logged parameters <c>{Prefix}global_norm</c> and <c>{Prefix}global_grad_norm</c> (the value
    /// <c>clip_grad_norm_</c> computes). Default true.
    /// </summary>
    public bool Norms { get; init; } = true;

    /// <summary>Which parameters to log, by name (e.g. <c>name =&gt; !name.EndsWith(".bias")</c>); null logs all.</summary>
    public Func<string, bool>? Filter { get; init; }

    /// <summary>Prepended to every tag (e.g. <c>"params/"</c> to group them in one dashboard section); empty by default.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>How histograms are binned; default TensorBoard's exponential buckets.</summary>
    public HistogramBins Bins { get; init; }
}
