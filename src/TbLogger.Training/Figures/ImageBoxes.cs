using SkiaSharp;

namespace TbLogger.Training.Figures;

/// <summary>
/// Draws labelled boxes into an image, like PyTorch's <c>add_image_with_boxes</c>: a one-pixel red outline per box
/// (x1, y1, x2, y2 in pixels, corners included) and, for each label, black text on a red band just above the box (or
/// inside its top when there is no room above), in the embedded DejaVu Sans, so no system font is needed.
/// </summary>
public static class ImageBoxes
{
    private static readonly SKColor BoxColor = new(255, 0, 0);

    /// <summary>Logs an image with boxes drawn into it. See <see cref="Draw"/>; the PNG is encoded on the writer's thread.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="pixels">Values 0..255 laid out as <paramref name="shape"/> says (HW, HWC or CHW; 1, 3 or 4 channels).</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="boxes">N × 4 corners (x1, y1, x2, y2) in pixels.</param>
    /// <param name="labels">Null, or one label per box.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">See <see cref="Draw"/>.</exception>
    public static bool AddImageWithBoxes(this SummaryWriter writer, string tag, ReadOnlySpan<byte> pixels, ImageShape shape,
        ReadOnlySpan<float> boxes, IReadOnlyList<string>? labels, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Summaries.ValidateTag(tag);
        byte[] rgb = Draw(pixels, shape, boxes, labels);
        return writer.AddImage(tag, rgb, ImageShape.Hwc(shape.Height, shape.Width, 3), step, wallTime);
    }

    /// <summary>Draws the boxes and labels and returns the picture as interleaved RGB (height × width × 3).</summary>
    /// <param name="pixels">Values 0..255 laid out as <paramref name="shape"/> says; gray is expanded to RGB, alpha dropped.</param>
    /// <param name="shape">Layout and dimensions (HW, HWC or CHW; 1, 3 or 4 channels).</param>
    /// <param name="boxes">N × 4 corners (x1, y1, x2, y2) in pixels, finite, x1 ≤ x2 and y1 ≤ y2; boxes may extend past the image (clipped).</param>
    /// <param name="labels">Null, or exactly one label per box.</param>
    /// <returns>The RGB pixels.</returns>
    /// <exception cref="ArgumentException">The pixels do not match the shape, the boxes are not N × 4 finite ordered corners, or the labels do not match the boxes.</exception>
    public static byte[] Draw(ReadOnlySpan<byte> pixels, ImageShape shape, ReadOnlySpan<float> boxes, IReadOnlyList<string>? labels)
    {
        int h = shape.Height, w = shape.Width, c = shape.Channels;
        if (h < 1 || w < 1 || c is not (1 or 3 or 4) || (long)h * w * c != pixels.Length || (shape.Layout is ImageLayout.HW or ImageLayout.WH && c != 1))
        {
            throw new ArgumentException($"Shape {shape} does not describe {pixels.Length} values of a 1-, 3- or 4-channel image.", nameof(pixels));
        }
        if (boxes.Length % 4 != 0)
        {
            throw new ArgumentException($"boxes has {boxes.Length} values; it holds 4 per box (x1, y1, x2, y2).", nameof(boxes));
        }
        int count = boxes.Length / 4;
        for (int b = 0; b < count; b++)
        {
            float x1 = boxes[4 * b], y1 = boxes[4 * b + 1], x2 = boxes[4 * b + 2], y2 = boxes[4 * b + 3];
            if (!float.IsFinite(x1) || !float.IsFinite(y1) || !float.IsFinite(x2) || !float.IsFinite(y2) || x1 > x2 || y1 > y2)
            {
                throw new ArgumentException($"Box {b} is ({x1}, {y1}, {x2}, {y2}); corners must be finite with x1 <= x2 and y1 <= y2.", nameof(boxes));
            }
        }
        if (labels is not null && labels.Count != count)
        {
            throw new ArgumentException($"{labels.Count} labels for {count} boxes; give one per box or none.", nameof(labels));
        }

        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var rgba = new byte[w * h * 4];
        for (int y = 0, p = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++, p++)
            {
                for (int k = 0; k < 3; k++)
                {
                    int channel = c == 1 ? 0 : k;
                    rgba[4 * p + k] = shape.Layout switch
                    {
                        ImageLayout.CHW => pixels[channel * h * w + p],
                        ImageLayout.WH => pixels[x * h + y],
                        _ => pixels[p * c + channel],
                    };
                }
                rgba[4 * p + 3] = 255;
            }
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var stroke = new SKPaint { Color = BoxColor, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = false };
            using var band = new SKPaint { Color = BoxColor, Style = SKPaintStyle.Fill, IsAntialias = false };
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var font = new SKFont(Figures.EmbeddedFonts.Regular, 11);
            font.GetFontMetrics(out var metrics);
            float textHeight = MathF.Ceiling(metrics.Descent - metrics.Ascent);
            for (int b = 0; b < count; b++)
            {
                float x1 = MathF.Round(boxes[4 * b]), y1 = MathF.Round(boxes[4 * b + 1]), x2 = MathF.Round(boxes[4 * b + 2]), y2 = MathF.Round(boxes[4 * b + 3]);
                // Pixel centres: the outline covers columns x1 and x2 and rows y1 and y2, corners included.
                canvas.DrawRect(new SKRect(x1 + 0.5f, y1 + 0.5f, x2 + 0.5f, y2 + 0.5f), stroke);
                if (labels is not null && labels[b].Length > 0)
                {
                    float textWidth = font.MeasureText(labels[b]);
                    float top = y1 >= textHeight + 2 ? y1 - textHeight - 2 : y1;
                    canvas.DrawRect(new SKRect(x1, top, x1 + textWidth + 4, top + textHeight + 2), band);
                    canvas.DrawText(labels[b], x1 + 2, top + 1 - metrics.Ascent, font, ink);
                }
            }
        }
        ReadOnlySpan<byte> drawn = bitmap.GetPixelSpan();
        var rgb = new byte[w * h * 3];
        for (int i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            rgb[o] = drawn[i];
            rgb[o + 1] = drawn[i + 1];
            rgb[o + 2] = drawn[i + 2];
        }
        return rgb;
    }
}
