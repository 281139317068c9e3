namespace TbLogger;

/// <summary>Shape checks shared by every image entry point, so each one reports errors the same way.</summary>
internal static class ImageDimensions
{
    /// <summary>height × width × channels, or -1 when negative or larger than an array can hold.</summary>
    public static long Count(int height, int width, int channels)
    {
        if (height < 0 || width < 0 || channels < 0)
        {
            return -1;
        }
        long count = (long)height * width;
        return count > Array.MaxLength || count * channels > Array.MaxLength ? -1 : count * channels;
    }

    public static void Validate(ImageShape shape, int actualLength, string parameterName)
    {
        if (!Enum.IsDefined(shape.Layout))
        {
            throw new ArgumentException($"Unknown image layout {shape.Layout}.", parameterName);
        }
        if (shape.Layout is ImageLayout.HW or ImageLayout.WH && shape.Channels != 1)
        {
            throw new ArgumentException($"Layout {shape.Layout} has one channel; got {shape.Channels} channels. Use HWC or CHW for color.", parameterName);
        }
        ValidateDimensions(shape.Height, shape.Width, shape.Channels, shape.ToString(), parameterName);
        ValidateLength(shape.ElementCount, actualLength, shape.ToString(), parameterName);
    }

    public static void Validate(ImageBatchShape shape, int actualLength, string parameterName)
    {
        if (!Enum.IsDefined(shape.Layout))
        {
            throw new ArgumentException($"Unknown image batch layout {shape.Layout}.", parameterName);
        }
        if (shape.Count <= 0)
        {
            throw new ArgumentException($"A batch needs at least one image; got shape {shape}.", parameterName);
        }
        ValidateDimensions(shape.Height, shape.Width, shape.Channels, shape.ToString(), parameterName);
        ValidateLength(shape.ElementCount, actualLength, shape.ToString(), parameterName);
    }

    public static void ValidateChannels(int channels, string shape, string parameterName)
    {
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentException(
                $"Images have 1 (gray), 3 (RGB) or 4 (RGBA) channels; got {channels} in shape {shape}.", parameterName);
        }
    }

    private static void ValidateDimensions(int height, int width, int channels, string shape, string parameterName)
    {
        if (height <= 0 || width <= 0)
        {
            throw new ArgumentException($"Image height and width must be positive; got shape {shape}.", parameterName);
        }
        ValidateChannels(channels, shape, parameterName);
    }

    private static void ValidateLength(long expected, int actual, string shape, string parameterName)
    {
        if (expected < 0)
        {
            throw new ArgumentException($"Shape {shape} is too large for one image.", parameterName);
        }
        if (expected != actual)
        {
            throw new ArgumentException($"Shape {shape} needs {expected} values; got {actual}.", parameterName);
        }
    }
}
