using System.Numerics.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace TbLogger.TorchSharp;

/// <summary>Logs a TorchSharp module's parameters and gradients in one call.</summary>
public static class ModuleLoggingExtensions
{
    /// <summary>
    /// Logs every named parameter of <paramref name="module"/> (PyTorch's <c>named_parameters()</c> names, e.g.
    /// <c>conv1.weight</c>): histograms of values and gradients and their L2 norms, as <paramref name="options"/> says.
    /// Values are read in place for CPU float32 parameters; nothing here records autograd history.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="module">The model.</param>
    /// <param name="step">The global step.</param>
    /// <param name="options">What to log; null for <see cref="ParameterLogOptions.Default"/>.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>How many parameters were logged (after the filter).</returns>
    /// <exception cref="ArgumentException">A parameter or gradient holds a value the histogram rejects.</exception>
    public static int AddParameters(this SummaryWriter writer, nn.Module module, long step, ParameterLogOptions? options = null, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(module);
        options ??= ParameterLogOptions.Default;
        string prefix = options.Prefix ?? "";
        double sumSquares = 0, gradSumSquares = 0;
        bool anyGradient = false;
        int logged = 0;
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (options.Filter is { } filter && !filter(name)) continue;
            logged++;
            string tag = prefix + name;
            if (options.Values)
            {
                double norm = LogTensor(writer, tag, parameter, step, options.Histograms, options.Bins, wallTime);
                sumSquares += norm * norm;
                if (options.Norms) writer.AddScalar(tag + "/norm", norm, step, wallTime);
            }
            if (!options.Gradients) continue;
            using Tensor? grad = parameter.grad;
            if (grad is null || grad.IsInvalid) continue;
            anyGradient = true;
            double gradNorm = LogTensor(writer, tag + "/grad", grad, step, options.Histograms, options.Bins, wallTime);
            gradSumSquares += gradNorm * gradNorm;
            if (options.Norms) writer.AddScalar(tag + "/grad_norm", gradNorm, step, wallTime);
        }
        if (options.Norms && logged > 0)
        {
            if (options.Values) writer.AddScalar(prefix + "global_norm", Math.Sqrt(sumSquares), step, wallTime);
            if (anyGradient) writer.AddScalar(prefix + "global_grad_norm", Math.Sqrt(gradSumSquares), step, wallTime);
        }
        return logged;
    }

    /// <summary>
    /// Logs the module's structure for TensorBoard's GRAPHS dashboard (PyTorch's <c>add_graph</c>): runs one forward
    /// pass of <paramref name="exampleInput"/> in eval mode without gradients, records every leaf module call in order
    /// with its input and output shapes and dtypes, links calls by tensor identity, and writes the graph with module
    /// paths as name scopes. Hooks see modules invoked through <c>call()</c>, as <c>Sequential</c> invokes them.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="module">The model; its training mode is restored afterwards.</param>
    /// <param name="exampleInput">One input batch, e.g. <c>torch.zeros(1, 1, 8, 8)</c>.</param>
    /// <returns>The graph that was written, for inspection.</returns>
    /// <exception cref="ArgumentException"><paramref name="exampleInput"/> is disposed, or the forward pass fails on it (e.g. a wrong shape; the inner exception is libtorch's).</exception>
    public static GraphBuilder AddGraph(this SummaryWriter writer, nn.Module<Tensor, Tensor> module, Tensor exampleInput)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var graph = ModuleGraph.Trace(module, exampleInput);
        writer.AddGraph(graph);
        return graph;
    }

    // One read serves both the histogram and the norm.
    private static double LogTensor(SummaryWriter writer, string tag, Tensor tensor, long step, bool histogram, HistogramBins bins, DateTimeOffset? wallTime)
    {
        if (tensor.dtype == ScalarType.Float64)
        {
            using var d = TensorRead.Values<double>(tensor, ScalarType.Float64, tag);
            if (histogram) writer.AddHistogram(tag, d.Span, step, bins, wallTime);
            return TensorPrimitives.Norm(d.Span);
        }
        using var f = TensorRead.Values<float>(tensor, ScalarType.Float32, tag);
        if (histogram) writer.AddHistogram(tag, f.Span, step, bins, wallTime);
        return TensorPrimitives.Norm(f.Span);
    }
}
