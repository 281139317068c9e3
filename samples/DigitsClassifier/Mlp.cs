using System.Numerics.Tensors;
using TbLogger;
using TbLogger.Protos;
using TbLogger.Training;

namespace DigitsClassifier;

/// <summary>
/// A small multilayer perceptron, inputs → hidden (ReLU) → classes (logits; softmax gives probabilities), trained with
/// Adam. Plain arrays and System.Numerics.Tensors; exposes its weights to the callbacks as an <see cref="IParameterStore"/>.
/// </summary>
public sealed class Mlp : IParameterStore
{
    private readonly int _in, _hidden, _out;
    private readonly float[] _w1, _b1, _w2, _b2;            // w1: [in, hidden], w2: [hidden, out]
    private readonly float[] _gw1, _gb1, _gw2, _gb2;
    private readonly Adam _adam;
    private float[] _h = [], _logits = [], _dh = [];

    public Mlp(int inputs, int hidden, int outputs, float learningRate, int seed)
    {
        _in = inputs; _hidden = hidden; _out = outputs;
        var rng = new Random(seed);
        _w1 = HeInit(rng, inputs, hidden);
        _b1 = new float[hidden];
        _w2 = HeInit(rng, hidden, outputs);
        _b2 = new float[outputs];
        _gw1 = new float[_w1.Length]; _gb1 = new float[hidden]; _gw2 = new float[_w2.Length]; _gb2 = new float[outputs];
        _adam = new Adam(learningRate, [_w1, _b1, _w2, _b2]);
        ParameterNames = ["dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"];
    }

    public int Hidden => _hidden;
    public int Outputs => _out;

    /// <summary>The hidden activations of the last <see cref="Forward"/> ([batch, hidden]): the penultimate layer.</summary>
    public ReadOnlySpan<float> HiddenActivations => _h;

    public IReadOnlyList<string> ParameterNames { get; }

    public ReadOnlySpan<float> GetValues(string name) => name switch
    {
        "dense_1/kernel" => _w1, "dense_1/bias" => _b1, "dense_2/kernel" => _w2, "dense_2/bias" => _b2,
        _ => throw new KeyNotFoundException(name),
    };

    public ReadOnlySpan<int> GetShape(string name) => name switch
    {
        "dense_1/kernel" => new[] { _in, _hidden }, "dense_1/bias" => new[] { _hidden },
        "dense_2/kernel" => new[] { _hidden, _out }, "dense_2/bias" => new[] { _out },
        _ => throw new KeyNotFoundException(name),
    };

    public void SetValues(string name, ReadOnlySpan<float> values)
    {
        var target = name switch { "dense_1/kernel" => _w1, "dense_1/bias" => _b1, "dense_2/kernel" => _w2, "dense_2/bias" => _b2, _ => throw new KeyNotFoundException(name) };
        values.CopyTo(target);
    }

    /// <summary>
    /// The forward pass as a TensorBoard graph, laid out like PyTorch's <c>add_graph</c>: input and output "IO Node"s,
    /// one scope per layer holding its parameters and ops, and each op's output shape (-1 is the batch).
    /// </summary>
    public GraphBuilder Graph()
    {
        var g = new GraphBuilder();
        g.AddNode("input/pixels", "IO Node").OutputShape(-1, _in).DType(DataType.DtFloat);
        using (g.Scope("Mlp"))
        {
            Dense(g, "dense_1", "input/pixels", _in, _hidden);
            g.AddNode("relu", "aten::relu", "Mlp/dense_1/add").OutputShape(-1, _hidden).DType(DataType.DtFloat);
            Dense(g, "dense_2", "Mlp/relu", _hidden, _out);
            g.AddNode("softmax", "aten::softmax", "Mlp/dense_2/add").OutputShape(-1, _out).DType(DataType.DtFloat).Attr("attr", "{ dim : 1 }");
        }
        g.AddNode("output/probabilities", "IO Node", "Mlp/softmax").OutputShape(-1, _out).DType(DataType.DtFloat);
        return g;

        static void Dense(GraphBuilder g, string name, string input, int inputs, int outputs)
        {
            using var layer = g.Scope(name);
            string scope = g.CurrentScope;
            g.AddNode("kernel", "prim::GetAttr").OutputShape(inputs, outputs).DType(DataType.DtFloat);
            g.AddNode("bias", "prim::GetAttr").OutputShape(outputs).DType(DataType.DtFloat);
            g.AddNode("matmul", "aten::matmul", input, scope + "/kernel").OutputShape(-1, outputs).DType(DataType.DtFloat);
            g.AddNode("add", "aten::add", scope + "/matmul", scope + "/bias").OutputShape(-1, outputs).DType(DataType.DtFloat);
        }
    }

    /// <summary>Computes logits for a batch ([n, in] → [n, out]); the returned span is valid until the next call.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x, int n)
    {
        Ensure(ref _h, n * _hidden);
        Ensure(ref _logits, n * _out);
        for (int i = 0; i < n; i++)
        {
            var h = _h.AsSpan(i * _hidden, _hidden);
            _b1.CopyTo(h);
            var xi = x.Slice(i * _in, _in);
            for (int k = 0; k < _in; k++)
            {
                float v = xi[k];
                if (v != 0) TensorPrimitives.MultiplyAdd(_w1.AsSpan(k * _hidden, _hidden), v, h, h);
            }
            TensorPrimitives.Max(h, 0f, h); // ReLU
            var o = _logits.AsSpan(i * _out, _out);
            _b2.CopyTo(o);
            for (int k = 0; k < _hidden; k++)
            {
                float v = h[k];
                if (v != 0) TensorPrimitives.MultiplyAdd(_w2.AsSpan(k * _out, _out), v, o, o);
            }
        }
        return _logits.AsSpan(0, n * _out);
    }

    /// <summary>Back-propagates dLoss/dLogits of the last <see cref="Forward"/> and takes one Adam step.</summary>
    public void BackwardAndStep(ReadOnlySpan<float> x, ReadOnlySpan<float> dLogits, int n)
    {
        Array.Clear(_gw1); Array.Clear(_gb1); Array.Clear(_gw2); Array.Clear(_gb2);
        Ensure(ref _dh, _hidden);
        for (int i = 0; i < n; i++)
        {
            var h = _h.AsSpan(i * _hidden, _hidden);
            var d = dLogits.Slice(i * _out, _out);
            TensorPrimitives.Add(_gb2, d, _gb2);
            var dh = _dh.AsSpan(0, _hidden);
            for (int k = 0; k < _hidden; k++)
            {
                var wRow = _w2.AsSpan(k * _out, _out);
                if (h[k] != 0) TensorPrimitives.MultiplyAdd(d, h[k], _gw2.AsSpan(k * _out, _out), _gw2.AsSpan(k * _out, _out));
                dh[k] = h[k] > 0 ? TensorPrimitives.Dot(wRow, d) : 0f; // ReLU derivative
            }
            TensorPrimitives.Add(_gb1, dh, _gb1);
            var xi = x.Slice(i * _in, _in);
            for (int k = 0; k < _in; k++)
            {
                float v = xi[k];
                if (v != 0) TensorPrimitives.MultiplyAdd(dh, v, _gw1.AsSpan(k * _hidden, _hidden), _gw1.AsSpan(k * _hidden, _hidden));
            }
        }
        _adam.Step([_gw1, _gb1, _gw2, _gb2]);
    }

    /// <summary>Row-wise softmax of logits into probabilities.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int classes)
    {
        for (int i = 0; i < logits.Length; i += classes) TensorPrimitives.SoftMax(logits.Slice(i, classes), probabilities.Slice(i, classes));
    }

    private static float[] HeInit(Random rng, int fanIn, int fanOut)
    {
        var w = new float[fanIn * fanOut];
        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < w.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            w[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return w;
    }

    private static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }

    /// <summary>Adam (Kingma &amp; Ba) with Keras's defaults: β1 0.9, β2 0.999, ε 1e-7.</summary>
    private sealed class Adam
    {
        private readonly float _lr;
        private readonly float[][] _m, _v;
        private readonly float[][] _params;
        private long _t;

        public Adam(float learningRate, float[][] parameters)
        {
            _lr = learningRate;
            _params = parameters;
            _m = [.. parameters.Select(p => new float[p.Length])];
            _v = [.. parameters.Select(p => new float[p.Length])];
        }

        public void Step(float[][] grads)
        {
            _t++;
            const float b1 = 0.9f, b2 = 0.999f, eps = 1e-7f;
            float c1 = 1 - MathF.Pow(b1, _t), c2 = 1 - MathF.Pow(b2, _t);
            float alpha = _lr * MathF.Sqrt(c2) / c1;
            for (int p = 0; p < _params.Length; p++)
            {
                var w = _params[p]; var g = grads[p]; var m = _m[p]; var v = _v[p];
                for (int i = 0; i < w.Length; i++)
                {
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    w[i] -= alpha * m[i] / (MathF.Sqrt(v[i]) + eps);
                }
            }
        }
    }
}
