using System.Globalization;
using System.Runtime.CompilerServices;
using TbLogger.Protos;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace TbLogger.TorchSharp;

/// <summary>
/// Traces one forward pass of a module into a <see cref="GraphBuilder"/>: every call of a leaf module (one without
/// children) becomes a node named by its module path (<c>Net/features/0</c>: the root's class name, then the path's
/// parts as name scopes) whose op is the module's class (<c>Conv2d</c>), with its output shape and dtype; an edge joins
/// the call that produced a tensor to each call that consumes it, found by tensor identity.
/// </summary>
/// <remarks>
/// Hooks fire for modules invoked through <c>call()</c> (as <c>Sequential</c> and PyTorch-style code do), not through a
/// direct <c>forward()</c>. A tensor made by code between module calls (a functional <c>relu</c>, a <c>flatten</c>) is
/// not a module output; such an input is joined to the previous call, in call order, and marked <c>via_functional</c>.
/// </remarks>
internal static class ModuleGraph
{
    public const string InputNode = "input/input";
    public const string OutputNode = "output/output";

    private sealed record Call(string Name, string Op, Tensor Output, long[] OutputShape, ScalarType OutputType, List<Tensor> Inputs, List<long[]> InputShapes);

    public static GraphBuilder Trace(nn.Module<Tensor, Tensor> module, Tensor exampleInput)
    {
        ArgumentNullException.ThrowIfNull(module);
        TensorRead.CheckUsable(exampleInput, nameof(exampleInput));
        string root = module.GetType().Name;
        var leaves = new List<(string Path, nn.Module<Tensor, Tensor> Module)>();
        foreach (var (path, child) in module.named_modules())
        {
            if (child.named_children().Any()) continue;
            if (child is nn.Module<Tensor, Tensor> hookable) leaves.Add((path, hookable));
        }
        if (leaves.Count == 0) leaves.Add(("", module));

        var calls = new List<Call>();
        var removers = new List<nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover>();
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        bool wasTraining = module.training;
        using var scope = torch.NewDisposeScope();
        using var guard = torch.no_grad();
        try
        {
            module.eval();
            foreach (var (path, leaf) in leaves)
            {
                string baseName = path.Length == 0 ? root : root + "/" + path.Replace('.', '/');
                string op = leaf.GetType().Name;
                removers.Add(leaf.register_forward_hook((m, input, output) =>
                {
                    int n = uses.TryGetValue(baseName, out int k) ? k + 1 : 1;
                    uses[baseName] = n;
                    // A module called again (weight sharing, recurrence) gets one node per call.
                    string name = n == 1 ? baseName : baseName + "_" + n.ToString(CultureInfo.InvariantCulture);
                    calls.Add(new Call(name, op, output, output.shape, output.dtype, [input], [input.shape]));
                    return output;
                }));
            }
            Tensor result;
            try
            {
                result = module.call(exampleInput);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // libtorch reports a shape mismatch deep inside some layer; say which input and shape led there.
                throw new ArgumentException(
                    $"The module's forward pass failed on 'exampleInput' of shape {TensorRead.Format(exampleInput.shape)} ({exampleInput.dtype}): {e.Message}",
                    nameof(exampleInput), e);
            }
            return Build(calls, exampleInput, result);
        }
        finally
        {
            foreach (var r in removers) r.remove();
            module.train(wasTraining);
        }
    }

    private static GraphBuilder Build(List<Call> calls, Tensor input, Tensor result)
    {
        var g = new GraphBuilder();
        g.AddNode(InputNode, "IO Node").OutputShape(input.shape).DType(DType(input.dtype));
        var producers = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance) { [input] = InputNode };
        string previous = InputNode;
        foreach (var call in calls)
        {
            var node = g.AddNode(call.Name, call.Op).OutputShape(call.OutputShape).DType(DType(call.OutputType));
            bool functional = false;
            foreach (var t in call.Inputs)
            {
                if (producers.TryGetValue(t, out var from))
                {
                    node.Input(from);
                }
                else
                {
                    node.Input(previous);
                    functional = true;
                }
            }
            node.Attr("input_shapes", string.Join(", ", call.InputShapes.Select(s => TensorRead.Format(s))));
            if (functional) node.Attr("via_functional", "true");
            producers[call.Output] = call.Name;
            previous = call.Name;
        }
        string last = producers.TryGetValue(result, out var producer) ? producer : previous;
        g.AddNode(OutputNode, "IO Node", last).OutputShape(result.shape).DType(DType(result.dtype));
        return g;
    }

    public static DataType DType(ScalarType type) => type switch
    {
        ScalarType.Float32 => DataType.DtFloat,
        ScalarType.Float64 => DataType.DtDouble,
        ScalarType.Float16 => DataType.DtHalf,
        ScalarType.BFloat16 => DataType.DtBfloat16,
        ScalarType.Int64 => DataType.DtInt64,
        ScalarType.Int32 => DataType.DtInt32,
        ScalarType.Int16 => DataType.DtInt16,
        ScalarType.Int8 => DataType.DtInt8,
        ScalarType.Byte => DataType.DtUint8,
        ScalarType.Bool => DataType.DtBool,
        _ => DataType.DtInvalid,
    };
}
