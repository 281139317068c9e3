using System.Runtime.InteropServices;

namespace TbLogger.Storage;

/// <summary>mkdir(2) through the runtime's own shim (libSystem.Native, what Directory.CreateDirectory calls).</summary>
internal static class UnixDirectory
{
    /// <summary>
    /// Creates the directory <paramref name="path"/> (its parent must exist) with mode 0777 less the umask, as
    /// Directory.CreateDirectory does. True only when this call created it; false when it exists already or cannot be
    /// created here (no errno is kept, so the call needs no marshalling stub).
    /// </summary>
    public static bool TryCreate(string path)
    {
        Span<byte> name = NativePath.BufferFor(path, stackalloc byte[NativePath.StackBytes]);
        if (!NativePath.TryEncode(path, name))
        {
            return false;
        }
        unsafe
        {
            fixed (byte* pathBytes = name)
            {
                return SystemNativeMkDir(pathBytes, 0x1FF) == 0;
            }
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_MkDir")]
    private static extern unsafe int SystemNativeMkDir(byte* path, int mode);
}
