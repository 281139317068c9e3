using System.Text;

namespace TbLogger.Storage;

/// <summary>
/// A path as the C calls of <see cref="UnixFileStatus"/> and <see cref="UnixDirectory"/> take it: UTF-8 ending in a NUL,
/// encoded here so those calls pass only pointers and need no marshalling stub (issue 19: the ReadyToRun image then
/// holds them precompiled). Encoded as the runtime's UTF-8 marshaller does (a lone surrogate becomes U+FFFD).
/// </summary>
internal static class NativePath
{
    /// <summary>A buffer this size on the stack holds every path of up to 340 UTF-16 characters.</summary>
    public const int StackBytes = 1024;

    /// <summary>The most bytes <paramref name="path"/> can need, its final NUL included.</summary>
    private static int MostBytes(string path) => Encoding.UTF8.GetMaxByteCount(path.Length) + 1;

    /// <summary>
    /// A buffer for <paramref name="path"/>: <paramref name="stack"/> (the caller's <see cref="StackBytes"/> on the
    /// stack) when the path surely fits, else a new array of <see cref="MostBytes"/>.
    /// </summary>
    public static Span<byte> BufferFor(string path, Span<byte> stack)
    {
        int most = MostBytes(path);
        return most <= stack.Length ? stack : new byte[most];
    }

    /// <summary>
    /// Writes <paramref name="path"/> and a NUL into <paramref name="bytes"/> (at least <see cref="MostBytes"/> long).
    /// False when the path holds a NUL itself: no file has such a name (.NET's own file APIs reject it), and passed on,
    /// the C call would see only the part before it, another path.
    /// </summary>
    public static bool TryEncode(string path, Span<byte> bytes)
    {
        int length = Encoding.UTF8.GetBytes(path, bytes);
        // A loop, not IndexOf: the vectorised search's first use costs a fresh process more than a path's length.
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] == 0)
            {
                return false;
            }
        }
        bytes[length] = 0;
        return true;
    }
}
