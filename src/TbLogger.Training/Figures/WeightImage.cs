namespace TbLogger.Training.Figures;

/// <summary>Keras's <c>write_images</c>: a weight as a grey image (bias: one row; kernel: rows × columns with the longer side horizontal).</summary>
internal static class WeightImage
{
    public static void Write(SummaryWriter writer, string tag, ReadOnlySpan<float> values, ReadOnlySpan<int> shape, long step)
    {
        if (values.IsEmpty) return;
        int h, w;
        bool transpose = false;
        var dims = new List<int>();
        foreach (int d in shape) if (d != 1) dims.Add(d);
        if (dims.Count == 0) { h = 1; w = values.Length; }
        else if (dims.Count == 1) { h = 1; w = dims[0]; }
        else if (dims.Count == 2)
        {
            h = dims[0];
            w = dims[1];
            if (h > w) { transpose = true; (h, w) = (w, h); }
        }
        else return; // like Keras: 3-D and higher weights are not drawn
        if ((long)h * w != values.Length) return;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        float range = max > min ? max - min : 1f;
        var pixels = new float[h * w];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                float v = transpose ? values[c * h + r] : values[r * w + c];
                pixels[r * w + c] = float.IsFinite(v) ? (v - min) / range : 0f;
            }
        writer.AddImage(tag, pixels, ImageShape.Hw(h, w), step);
    }
}
