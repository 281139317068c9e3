namespace TbLogger;

/// <summary>
/// A validated copy of a video batch as interleaved bytes [clip][frame][row][column][channel], and its tiling into
/// one clip the way PyTorch's <c>_prepare_video</c> does: the clips are padded with black clips to a power of two,
/// laid out in 2^floor(log2(N)/2) rows, and frame t of the result shows frame t of every clip.
/// </summary>
internal sealed class VideoFrames
{
    private VideoFrames(byte[] data, VideoShape shape, int rows, int columns)
    {
        Data = data;
        Shape = shape;
        Rows = rows;
        Columns = columns;
    }

    public byte[] Data { get; }

    public VideoShape Shape { get; }

    /// <summary>Clips per column of the grid.</summary>
    public int Rows { get; }

    /// <summary>Clips per row of the grid.</summary>
    public int Columns { get; }

    public int GridHeight => Rows * Shape.Height;

    public int GridWidth => Columns * Shape.Width;

    public static VideoFrames From(ReadOnlySpan<byte> pixels, VideoShape shape, string parameterName)
    {
        var (rows, columns) = Validate(shape, pixels.Length, parameterName);
        var data = new byte[pixels.Length];
        PixelConversion.ToInterleaved(pixels, shape.Layout == VideoLayout.NTCHW, shape.Count * shape.Frames, shape.Height, shape.Width, shape.Channels, data);
        return new VideoFrames(data, shape, rows, columns);
    }

    public static VideoFrames From(ReadOnlySpan<float> pixels, VideoShape shape, string parameterName)
    {
        var (rows, columns) = Validate(shape, pixels.Length, parameterName);
        var data = new byte[pixels.Length];
        PixelConversion.ToInterleaved(pixels, shape.Layout == VideoLayout.NTCHW, shape.Count * shape.Frames, shape.Height, shape.Width, shape.Channels, data, parameterName);
        return new VideoFrames(data, shape, rows, columns);
    }

    /// <summary>The grid's frames, interleaved: Frames × GridHeight × GridWidth × Channels.</summary>
    public byte[] Tile()
    {
        var s = Shape;
        if (s.Count == 1)
        {
            return Data;
        }
        int rowBytes = s.Width * s.Channels;
        int frameBytes = s.Height * rowBytes;
        int gridStride = GridWidth * s.Channels;
        int gridFrame = GridHeight * gridStride;
        var grid = new byte[(long)s.Frames * gridFrame];
        for (int n = 0; n < s.Count; n++)
        {
            int top = n / Columns * s.Height;
            int left = n % Columns * rowBytes;
            for (int t = 0; t < s.Frames; t++)
            {
                var source = Data.AsSpan((n * s.Frames + t) * frameBytes, frameBytes);
                var target = grid.AsSpan(t * gridFrame);
                for (int y = 0; y < s.Height; y++)
                {
                    source.Slice(y * rowBytes, rowBytes).CopyTo(target.Slice((top + y) * gridStride + left, rowBytes));
                }
            }
        }
        return grid;
    }

    /// <summary>The checks of <see cref="From(ReadOnlySpan{byte}, VideoShape, string)"/> that do not read the values (shape, length, grid size).</summary>
    internal static (int Rows, int Columns) Validate(VideoShape shape, int length, string parameterName)
    {
        if (!Enum.IsDefined(shape.Layout))
        {
            throw new ArgumentException($"Unknown video layout {shape.Layout}.", parameterName);
        }
        if (shape.Count < 1 || shape.Frames < 1 || shape.Height < 1 || shape.Width < 1)
        {
            throw new ArgumentException($"A video needs at least one clip, one frame, one row and one column; got shape {shape}.", parameterName);
        }
        if (shape.Channels is not (1 or 3))
        {
            throw new ArgumentException($"Video frames have 1 (gray) or 3 (RGB) channels; got {shape.Channels} in shape {shape}.", parameterName);
        }
        long expected = shape.ElementCount;
        if (expected < 0)
        {
            throw new ArgumentException($"Shape {shape} has more values than an array can hold.", parameterName);
        }
        if (expected != length)
        {
            throw new ArgumentException($"Shape {shape} needs {expected} values; got {length}.", parameterName);
        }
        // PyTorch: pad N to the next power of two, rows = 2^((N.bit_length() - 1) // 2) of the original N.
        int padded = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)shape.Count);
        int bitLength = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)shape.Count);
        int rows = 1 << ((bitLength - 1) / 2);
        int columns = padded / rows;
        long gridHeight = (long)rows * shape.Height, gridWidth = (long)columns * shape.Width;
        if (gridHeight > ushort.MaxValue || gridWidth > ushort.MaxValue || (Int128)shape.Frames * gridHeight * gridWidth * 3 > Array.MaxLength)
        {
            throw new ArgumentException(
                $"The clips of shape {shape} tile into {rows}x{columns} frames of {gridHeight}x{gridWidth}: a GIF holds at most 65535x65535, and the frames must fit in memory.", parameterName);
        }
        return (rows, columns);
    }
}
