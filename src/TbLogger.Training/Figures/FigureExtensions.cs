using ScottPlot;
using SkiaSharp;

namespace TbLogger.Training.Figures;

/// <summary>Logs ScottPlot figures to TensorBoard's IMAGES dashboard, like PyTorch's <c>add_figure</c>.</summary>
public static class FigureExtensions
{
    /// <summary>
    /// Renders <paramref name="plot"/> (with the embedded DejaVu fonts, no system fonts needed) into pixels on this
    /// thread, then logs them as an image: the PNG is encoded by TbLogger's encoder on the writer's thread, not by
    /// SkiaSharp. The plot can be changed or disposed as soon as this returns.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="plot">The figure, e.g. from <see cref="Figures.PerformanceFigures"/>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="width">Width in pixels, 1 to 8192.</param>
    /// <param name="height">Height in pixels, 1 to 8192.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is outside 1 to 8192.</exception>
    public static bool AddFigure(this SummaryWriter writer, string tag, Plot plot, long step, int width = 640, int height = 480, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Summaries.ValidateTag(tag);
        byte[] rgb = RenderRgb(plot, width, height);
        return writer.AddImage(tag, rgb, ImageShape.Hwc(height, width, 3), step, wallTime);
    }

    /// <summary>Renders a plot to interleaved RGB bytes (height × width × 3), composited over white.</summary>
    /// <param name="plot">The figure.</param>
    /// <param name="width">Width in pixels, 1 to 8192.</param>
    /// <param name="height">Height in pixels, 1 to 8192.</param>
    /// <returns>The pixels, rows top to bottom.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is outside 1 to 8192.</exception>
    public static byte[] RenderRgb(Plot plot, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 8192);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 8192);
        Figures.EmbeddedFonts.EnsureInstalled();
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"Skia could not create a {width}x{height} surface.");
        surface.Canvas.Clear(SKColors.White);
        plot.Render(surface.Canvas, width, height);
        using var bitmap = new SKBitmap(info);
        if (!surface.ReadPixels(info, bitmap.GetPixels(), bitmap.RowBytes, 0, 0) || bitmap.RowBytes != width * 4)
        {
            throw new InvalidOperationException("Skia could not read the rendered pixels.");
        }
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        var rgb = new byte[width * height * 3];
        for (int i = 0, o = 0; i < rgba.Length; i += 4, o += 3)
        {
            // Over white: c·a + 255·(1 − a), so translucent figure backgrounds come out as they look on screen.
            int a = rgba[i + 3];
            rgb[o] = (byte)((rgba[i] * a + 255 * (255 - a) + 127) / 255);
            rgb[o + 1] = (byte)((rgba[i + 1] * a + 255 * (255 - a) + 127) / 255);
            rgb[o + 2] = (byte)((rgba[i + 2] * a + 255 * (255 - a) + 127) / 255);
        }
        return rgb;
    }
}
