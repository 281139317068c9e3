using static TorchSharp.torch;

namespace TbLogger.TorchSharp;

/// <summary>
/// PyTorch's <c>dataformats</c> strings: every order of H, W (and C) for one image, of N, C, H, W for a batch. The
/// orders the core reads directly (CHW, HWC, HW; NCHW, NHWC) need no copy; any other order is permuted into one of them.
/// </summary>
internal static class ImageFormats
{
    public static string Normalize(string dataFormats, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(dataFormats, parameterName);
        // PyTorch upper-cases dataformats before reading it.
        return dataFormats.ToUpperInvariant();
    }

    /// <summary>Checks that <paramref name="format"/> is a permutation of <paramref name="letters"/> (optionally without <paramref name="optional"/>).</summary>
    public static void CheckLetters(string format, string letters, char optional, string parameterName)
    {
        bool ok = format.Length == letters.Length || (format.Length == letters.Length - 1 && !format.Contains(optional));
        ok = ok && format.Distinct().Count() == format.Length && format.All(letters.Contains);
        if (!ok)
        {
            throw new ArgumentException(
                $"dataFormats '{format}' is not an order of the letters {letters} (e.g. '{letters}'); {optional} may be left out.", parameterName);
        }
    }

    /// <summary>Throws when the tensor's rank is not the number of letters in the format.</summary>
    public static void CheckRank(long[] shape, string format, string tensorName)
    {
        if (shape.Length != format.Length)
        {
            throw new ArgumentException(
                $"The tensor '{tensorName}' has shape {TensorRead.Format(shape)} ({shape.Length} dimensions) but dataFormats '{format}' needs {format.Length}.",
                tensorName);
        }
    }

    /// <summary>The tensor permuted so its dimensions follow <paramref name="target"/> (a view; the caller disposes it).</summary>
    public static Tensor Permute(Tensor tensor, string format, string target)
    {
        var order = new long[target.Length];
        for (int i = 0; i < target.Length; i++) order[i] = format.IndexOf(target[i]);
        return tensor.permute(order);
    }
}
