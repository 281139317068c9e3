using ScottPlot;
using SkiaSharp;

namespace TbLogger.Training.Figures;

/// <summary>
/// Makes ScottPlot draw text with the DejaVu Sans fonts embedded in this assembly. The NoDependencies Skia build used
/// on Linux has no fontconfig and finds no system fonts, so without this every label would be blank on a bare machine.
/// </summary>
internal static class EmbeddedFonts
{
    public const string Family = "DejaVu Sans";
    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> Typefaces = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The embedded DejaVu Sans (regular), for drawing text without ScottPlot.</summary>
    public static SKTypeface Regular => Typefaces.Value.Regular;

    /// <summary>Installs the resolver once per process and makes DejaVu Sans ScottPlot's default font; every caller returns only after that.</summary>
    public static void EnsureInstalled() => _ = Installed.Value;

    /// <summary>
    /// The first character of <paramref name="text"/> the embedded fonts have no glyph for (it would be drawn as an
    /// empty box), or null when they can draw all of it. Control characters are ignored.
    /// </summary>
    /// <param name="text">Text a figure will draw.</param>
    /// <returns>The missing character, or null.</returns>
    public static System.Text.Rune? FirstMissingCharacter(string text)
    {
        var (regular, bold) = Typefaces.Value;
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            if (!System.Text.Rune.IsControl(rune) && (regular.GetGlyph(rune.Value) == 0 || bold.GetGlyph(rune.Value) == 0))
            {
                return rune;
            }
        }
        return null;
    }

    private static bool Install()
    {
        _ = Typefaces.Value;
        Fonts.FontResolvers.Insert(0, new Resolver());
        Fonts.Default = Family;
        Fonts.Sans = Family;
        return true;
    }

    private static (SKTypeface, SKTypeface) Load() => (FromResource("DejaVuSans.ttf"), FromResource("DejaVuSans-Bold.ttf"));

    private static SKTypeface FromResource(string file)
    {
        string name = "TbLogger.Training.Fonts." + file;
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded font '{name}' is missing.");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        using var data = SKData.CreateCopy(ms.ToArray());
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"Embedded font '{name}' could not be loaded.");
    }

    private sealed class Resolver : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic)
        {
            var (regular, boldFace) = Typefaces.Value;
            return bold ? boldFace : regular;
        }
    }
}
