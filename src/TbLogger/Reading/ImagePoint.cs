namespace TbLogger.Reading;

/// <summary>One image.</summary>
/// <param name="Run">The run name.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Sample">Index of the image within its event (TF2 image tensors hold several).</param>
/// <param name="Width">Width in pixels, as stored.</param>
/// <param name="Height">Height in pixels, as stored.</param>
/// <param name="Colorspace">1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; 0 when not stored (TF2 tensors).</param>
/// <param name="Encoded">The encoded image (PNG, JPEG, GIF), a copy owned by this record.</param>
public sealed record ImagePoint(string Run, string Tag, long Step, double WallTime, int Sample, int Width, int Height, int Colorspace, ReadOnlyMemory<byte> Encoded)
{
    /// <summary>The MIME type recognised from the first bytes ("image/png", "image/jpeg", "image/gif"), else "application/octet-stream".</summary>
    public string ContentType => Encoded.Span switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', ..] => "image/gif",
        _ => "application/octet-stream",
    };
}
