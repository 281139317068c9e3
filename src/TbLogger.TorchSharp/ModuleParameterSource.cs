using System.Runtime.InteropServices;
using TbLogger.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp;

/// <summary>
/// A TorchSharp module's named parameters as a <see cref="IParameterStore"/>, so <see cref="TensorBoardCallback"/>'s
/// weight histograms and images, and <see cref="EarlyStopping"/>'s restore-best, read and write the module itself. Set
/// it as <see cref="TrainingContext.Parameters"/>. CPU float32 parameters are read in place; others (CUDA, float64,
/// float16) through a copy kept per parameter.
/// </summary>
public sealed class ModuleParameterSource : IParameterStore
{
    private readonly Dictionary<string, global::TorchSharp.Modules.Parameter> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _copies = new(StringComparer.Ordinal);

    /// <summary>Captures the module's parameter names (PyTorch's, e.g. <c>conv1.weight</c>) in <c>named_parameters()</c> order.</summary>
    /// <param name="module">The model.</param>
    /// <param name="filter">Which parameters to expose, by name; null for all.</param>
    public ModuleParameterSource(nn.Module module, Func<string, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var names = new List<string>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (filter is not null && !filter(name)) continue;
            names.Add(name);
            _parameters[name] = parameter;
            _shapes[name] = Array.ConvertAll(parameter.shape, d => checked((int)d));
        }
        ParameterNames = names;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<float> GetValues(string name)
    {
        var parameter = Get(name);
        if (parameter.device_type == DeviceType.CPU && parameter.dtype == ScalarType.Float32 && parameter.is_contiguous())
        {
            return MemoryMarshal.Cast<byte, float>(parameter.bytes);
        }
        using var values = TensorRead.Values<float>(parameter, ScalarType.Float32, nameof(name));
        if (!_copies.TryGetValue(name, out var copy) || copy.Length != values.Span.Length)
        {
            _copies[name] = copy = new float[values.Span.Length];
        }
        values.Span.CopyTo(copy);
        return copy;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<int> GetShape(string name)
    {
        Get(name);
        return _shapes[name];
    }

    /// <inheritdoc/>
    public void SetValues(string name, ReadOnlySpan<float> values)
    {
        var parameter = Get(name);
        long count = parameter.numel();
        if (values.Length != count)
        {
            throw new ArgumentException(
                $"Parameter '{name}' of shape {TensorRead.Format(parameter.shape)} has {count} values; {values.Length} were given.", nameof(values));
        }
        using var guard = torch.no_grad();
        if (parameter.device_type == DeviceType.CPU && parameter.dtype == ScalarType.Float32 && parameter.is_contiguous())
        {
            values.CopyTo(MemoryMarshal.Cast<byte, float>(parameter.bytes));
            return;
        }
        using var source = torch.tensor(values.ToArray(), parameter.shape);
        parameter.copy_(source);
    }

    private global::TorchSharp.Modules.Parameter Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_parameters.TryGetValue(name, out var parameter))
        {
            throw new ArgumentException($"The module has no parameter named '{name}'.", nameof(name));
        }
        if (parameter.IsInvalid)
        {
            throw new ArgumentException($"Parameter '{name}' has been disposed.", nameof(name));
        }
        return parameter;
    }
}
