namespace TbLogger;

/// <summary>
/// Reduces an RGB frame to at most 256 colours for GIF. A frame with 256 distinct colours or fewer keeps them
/// exactly. Otherwise Xiaolin Wu's quantiser (Graphics Gems II, 1991) runs: colour moments are accumulated in a
/// 32×32×32 histogram, and the box of largest variance is cut, at the plane that minimises the summed squared error,
/// until there are 256 boxes; each box's mean is a palette colour and maps the pixels whose 5-bit cell lies in it.
/// </summary>
internal sealed class ColorQuantizer
{
    private const int Side = 33;               // 32 cells per axis, plus a zero plane for the cumulative sums
    private const int Cells = Side * Side * Side;
    public const int MaxColors = 256;

    // Reused between frames (one quantiser per thread): moments per cell, then their 3-D prefix sums. One array of
    // structs, so the eight corners a box sum reads bring all four moments in together.
    private readonly Moment[] _moments = new Moment[Cells];
    private readonly byte[] _tag = new byte[Cells];
    private readonly Dictionary<int, byte> _exact = new(MaxColors + 1);

    [ThreadStatic]
    private static ColorQuantizer? t_shared;

    /// <summary>This thread's quantiser: its 1.5 MB of tables are allocated once per thread, not once per clip.</summary>
    public static ColorQuantizer ForThisThread => t_shared ??= new ColorQuantizer();

    /// <summary>Quantises one interleaved RGB frame.</summary>
    /// <param name="rgb">Pixels × 3 bytes.</param>
    /// <param name="palette">Receives up to 256 × 3 bytes; its used length is 3 × the returned count.</param>
    /// <param name="indices">Receives one palette index per pixel.</param>
    /// <returns>The number of palette colours, 1 to 256.</returns>
    public int Quantize(ReadOnlySpan<byte> rgb, Span<byte> palette, Span<byte> indices)
    {
        int count = TryExact(rgb, palette, indices);
        return count > 0 ? count : Wu(rgb, palette, indices);
    }

    private int TryExact(ReadOnlySpan<byte> rgb, Span<byte> palette, Span<byte> indices)
    {
        _exact.Clear();
        for (int p = 0, i = 0; i < rgb.Length; p++, i += 3)
        {
            int key = rgb[i] << 16 | rgb[i + 1] << 8 | rgb[i + 2];
            if (!_exact.TryGetValue(key, out byte index))
            {
                if (_exact.Count == MaxColors)
                {
                    return 0;
                }
                index = (byte)_exact.Count;
                _exact.Add(key, index);
                palette[index * 3] = rgb[i];
                palette[index * 3 + 1] = rgb[i + 1];
                palette[index * 3 + 2] = rgb[i + 2];
            }
            indices[p] = index;
        }
        return _exact.Count;
    }

    private static int Index(int r, int g, int b) => (r * Side + g) * Side + b;

    private int Wu(ReadOnlySpan<byte> rgb, Span<byte> palette, Span<byte> indices)
    {
        Histogram(rgb);
        Moments();
        Span<Box> boxes = stackalloc Box[MaxColors];
        Span<double> variance = stackalloc double[MaxColors];
        boxes[0] = new Box { R1 = 32, G1 = 32, B1 = 32 };
        int colors = MaxColors;
        int next = 0;
        for (int i = 1; i < MaxColors; i++)
        {
            if (Cut(ref boxes[next], ref boxes[i]))
            {
                variance[next] = boxes[next].Volume > 1 ? Variance(boxes[next]) : 0;
                variance[i] = boxes[i].Volume > 1 ? Variance(boxes[i]) : 0;
            }
            else
            {
                variance[next] = 0;
                i--;
            }
            next = 0;
            double largest = variance[0];
            for (int k = 1; k <= i; k++)
            {
                if (variance[k] > largest)
                {
                    largest = variance[k];
                    next = k;
                }
            }
            if (largest <= 0)
            {
                colors = i + 1;
                break;
            }
        }

        for (int k = 0; k < colors; k++)
        {
            ref readonly Box box = ref boxes[k];
            Moment sum = Volume(box);
            if (sum.W > 0)
            {
                palette[k * 3] = (byte)Math.Round((double)sum.R / sum.W);
                palette[k * 3 + 1] = (byte)Math.Round((double)sum.G / sum.W);
                palette[k * 3 + 2] = (byte)Math.Round((double)sum.B / sum.W);
            }
            else
            {
                palette.Slice(k * 3, 3).Clear();
            }
            for (int r = box.R0 + 1; r <= box.R1; r++)
            {
                for (int g = box.G0 + 1; g <= box.G1; g++)
                {
                    _tag.AsSpan(Index(r, g, box.B0 + 1), box.B1 - box.B0).Fill((byte)k);
                }
            }
        }
        for (int p = 0, i = 0; i < rgb.Length; p++, i += 3)
        {
            indices[p] = _tag[Index((rgb[i] >> 3) + 1, (rgb[i + 1] >> 3) + 1, (rgb[i + 2] >> 3) + 1)];
        }
        return colors;
    }

    private void Histogram(ReadOnlySpan<byte> rgb)
    {
        Array.Clear(_moments);
        for (int i = 0; i < rgb.Length; i += 3)
        {
            int r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
            ref Moment cell = ref _moments[Index((r >> 3) + 1, (g >> 3) + 1, (b >> 3) + 1)];
            cell.W++;
            cell.R += r;
            cell.G += g;
            cell.B += b;
            cell.S += r * r + g * g + b * b;
        }
    }

    /// <summary>Turns per-cell moments into prefix sums over the box [1..r]×[1..g]×[1..b], so any box's total takes 8 lookups.</summary>
    private void Moments()
    {
        Span<Moment> area = stackalloc Moment[Side];
        for (int r = 1; r < Side; r++)
        {
            area.Clear();
            for (int g = 1; g < Side; g++)
            {
                Moment line = default;
                for (int b = 1; b < Side; b++)
                {
                    int cell = Index(r, g, b);
                    line.Add(_moments[cell]);
                    area[b].Add(line);
                    Moment sum = _moments[cell - Side * Side];
                    sum.Add(area[b]);
                    _moments[cell] = sum;
                }
            }
        }
    }

    private Moment At(int r, int g, int b) => _moments[Index(r, g, b)];

    private Moment Volume(in Box x) =>
        At(x.R1, x.G1, x.B1) - At(x.R1, x.G1, x.B0) - At(x.R1, x.G0, x.B1) + At(x.R1, x.G0, x.B0)
        - At(x.R0, x.G1, x.B1) + At(x.R0, x.G1, x.B0) + At(x.R0, x.G0, x.B1) - At(x.R0, x.G0, x.B0);

    /// <summary>The part of <see cref="Volume"/> at the box's lower face along <paramref name="axis"/>.</summary>
    private Moment Bottom(in Box x, int axis) => axis switch
    {
        0 => At(x.R0, x.G1, x.B0) + At(x.R0, x.G0, x.B1) - At(x.R0, x.G1, x.B1) - At(x.R0, x.G0, x.B0),
        1 => At(x.R1, x.G0, x.B0) + At(x.R0, x.G0, x.B1) - At(x.R1, x.G0, x.B1) - At(x.R0, x.G0, x.B0),
        _ => At(x.R1, x.G0, x.B0) + At(x.R0, x.G1, x.B0) - At(x.R1, x.G1, x.B0) - At(x.R0, x.G0, x.B0),
    };

    /// <summary>The sum over the box's slab up to plane <paramref name="position"/> along <paramref name="axis"/>, without its lower face.</summary>
    private Moment Top(in Box x, int axis, int position) => axis switch
    {
        0 => At(position, x.G1, x.B1) - At(position, x.G1, x.B0) - At(position, x.G0, x.B1) + At(position, x.G0, x.B0),
        1 => At(x.R1, position, x.B1) - At(x.R1, position, x.B0) - At(x.R0, position, x.B1) + At(x.R0, position, x.B0),
        _ => At(x.R1, x.G1, position) - At(x.R1, x.G0, position) - At(x.R0, x.G1, position) + At(x.R0, x.G0, position),
    };

    private double Variance(in Box x)
    {
        Moment m = Volume(x);
        return m.S - m.SquaredNorm / m.W;
    }

    /// <summary>The best cut plane along one axis: the one maximising the sum over both halves of |moment|²/weight.</summary>
    private double Maximize(in Box x, int axis, int first, int last, out int cut, in Moment whole)
    {
        Moment bottom = Bottom(x, axis);
        double best = 0;
        cut = -1;
        for (int i = first; i < last; i++)
        {
            Moment half = bottom + Top(x, axis, i);
            if (half.W == 0)
            {
                continue;
            }
            double score = half.SquaredNorm / half.W;
            half = whole - half;
            if (half.W == 0)
            {
                continue;
            }
            score += half.SquaredNorm / half.W;
            if (score > best)
            {
                best = score;
                cut = i;
            }
        }
        return best;
    }

    private bool Cut(ref Box one, ref Box two)
    {
        Moment whole = Volume(one);
        double maxR = Maximize(one, 0, one.R0 + 1, one.R1, out int cutR, whole);
        double maxG = Maximize(one, 1, one.G0 + 1, one.G1, out int cutG, whole);
        double maxB = Maximize(one, 2, one.B0 + 1, one.B1, out int cutB, whole);
        int axis;
        if (maxR >= maxG && maxR >= maxB)
        {
            if (cutR < 0)
            {
                return false;   // no plane separates any pixels
            }
            axis = 0;
        }
        else
        {
            axis = maxG >= maxB ? 1 : 2;
        }
        two.R1 = one.R1; two.G1 = one.G1; two.B1 = one.B1;
        switch (axis)
        {
            case 0:
                two.R0 = one.R1 = cutR; two.G0 = one.G0; two.B0 = one.B0;
                break;
            case 1:
                two.G0 = one.G1 = cutG; two.R0 = one.R0; two.B0 = one.B0;
                break;
            default:
                two.B0 = one.B1 = cutB; two.R0 = one.R0; two.G0 = one.G0;
                break;
        }
        return true;
    }

    /// <summary>The moments of a set of pixels: count, sums of each channel, and the sum of squared channels.</summary>
    private struct Moment
    {
        public long W, R, G, B;
        public double S;

        public readonly double SquaredNorm => (double)R * R + (double)G * G + (double)B * B;

        public void Add(in Moment other)
        {
            W += other.W; R += other.R; G += other.G; B += other.B; S += other.S;
        }

        public static Moment operator +(in Moment a, in Moment b) => new() { W = a.W + b.W, R = a.R + b.R, G = a.G + b.G, B = a.B + b.B, S = a.S + b.S };

        public static Moment operator -(in Moment a, in Moment b) => new() { W = a.W - b.W, R = a.R - b.R, G = a.G - b.G, B = a.B - b.B, S = a.S - b.S };
    }

    /// <summary>A box of cells: exclusive lower bounds, inclusive upper bounds, in 1..32.</summary>
    private struct Box
    {
        public int R0, R1, G0, G1, B0, B1;

        public readonly int Volume => (R1 - R0) * (G1 - G0) * (B1 - B0);
    }
}
