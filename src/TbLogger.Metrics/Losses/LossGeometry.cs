using System.Text;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// How a yPred shape splits around the reduced axes: <see cref="Outer"/> × <see cref="AxisLength"/> × <see cref="Inner"/>
/// elements, giving <see cref="Count"/> = Outer × Inner per-sample values of <see cref="AxisLength"/> elements each.
/// </summary>
internal readonly struct LossGeometry
{
    private LossGeometry(int outer, int axisLength, int inner, LossAxes axes)
    {
        Outer = outer;
        AxisLength = axisLength;
        Inner = inner;
        Axes = axes;
    }

    public int Outer { get; }
    public int AxisLength { get; }
    public int Inner { get; }
    public LossAxes Axes { get; }

    /// <summary>Number of per-sample values.</summary>
    public int Count => Outer * Inner;

    /// <summary>Number of prediction elements.</summary>
    public int Total => Outer * AxisLength * Inner;

    /// <summary>True when the reduced axis is not the last one and has to be moved there for the kernels.</summary>
    public bool NeedsTranspose => Inner > 1 && AxisLength > 1;

    /// <summary>Splits <paramref name="shape"/> around <paramref name="axes"/>.</summary>
    /// <exception cref="ArgumentException">The batch is empty, or too large for span-based kernels.</exception>
    public static LossGeometry Resolve(ReadOnlySpan<nint> shape, LossAxes axes)
    {
        long outer = 1, axis = 1, inner = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (d < axes.Start) outer *= shape[d];
            else if (d < axes.End) axis *= shape[d];
            else inner *= shape[d];
        }
        long total = outer * axis * inner;
        if (shape.Length == 0 || total == 0)
            throw new ArgumentException($"The batch is empty: yPred has shape {Format(shape)}.", "yPred");
        if (total > Array.MaxLength)
            throw new ArgumentException($"yPred has shape {Format(shape)}, more elements than a span can hold.", "yPred");
        return new LossGeometry((int)outer, (int)axis, (int)inner, axes);
    }

    /// <summary>Writes the per-sample shape (yPred's shape without the reduced axes) and returns its rank.</summary>
    public int WriteValueShape(ReadOnlySpan<nint> shape, Span<nint> destination)
    {
        int r = 0;
        for (int d = 0; d < shape.Length; d++)
            if (d < Axes.Start || d >= Axes.End) destination[r++] = shape[d];
        return r;
    }

    /// <summary>(Outer, Axis, Inner) → (Outer, Inner, Axis): moves the reduced axis last.</summary>
    public void ToRows(ReadOnlySpan<float> source, Span<float> destination)
    {
        int a = AxisLength, n = Inner;
        for (int o = 0; o < Outer; o++)
        {
            var src = source.Slice(o * a * n, a * n);
            var dst = destination.Slice(o * a * n, a * n);
            for (int k = 0; k < a; k++)
                for (int i = 0; i < n; i++)
                    dst[i * a + k] = src[k * n + i];
        }
    }

    /// <summary>(Outer, Inner, Axis) → (Outer, Axis, Inner): the inverse of <see cref="ToRows"/>, for gradients.</summary>
    public void FromRows(ReadOnlySpan<float> source, Span<float> destination)
    {
        int a = AxisLength, n = Inner;
        for (int o = 0; o < Outer; o++)
        {
            var src = source.Slice(o * a * n, a * n);
            var dst = destination.Slice(o * a * n, a * n);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < a; k++)
                    dst[k * n + i] = src[i * a + k];
        }
    }

    /// <summary>Formats a shape for messages, e.g. <c>[4, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<nint> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>True when the shapes are equal or differ only by one trailing 1 on the longer (Keras's squeeze rule).</summary>
    public static bool SameUpToTrailingOne(ReadOnlySpan<nint> a, ReadOnlySpan<nint> b)
    {
        if (a.SequenceEqual(b)) return true;
        if (a.Length == b.Length + 1 && a[^1] == 1) return a[..^1].SequenceEqual(b);
        if (b.Length == a.Length + 1 && b[^1] == 1) return b[..^1].SequenceEqual(a);
        return false;
    }
}
