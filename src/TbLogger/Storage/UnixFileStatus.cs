using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TbLogger.Storage;

/// <summary>
/// stat(2), lstat(2) and fstat(2) through the runtime's own shims (libSystem.Native, what FileStream and FileInfo
/// call), for what .NET does not expose: a file's type before it is read (a FIFO or device blocks or never ends) and
/// its device and inode. The layout is the runtime's FileStatus (src/native/libs/System.Native/pal_io.h, unchanged
/// since .NET 7); the shim writes into a 512-byte struct, so a longer future layout cannot write past ours, and
/// <see cref="FileIdentity"/> checks what it reads against what .NET itself reports.
/// </summary>
// Size = 512: the shim writes straight into this struct (no generic MemoryMarshal.Read<UnixFileStatus> copy, which has
// no precompiled code and cost a fresh process a compile: issue 19), and a longer future layout still fits.
[StructLayout(LayoutKind.Sequential, Size = 512)]
internal struct UnixFileStatus
{
    public int Flags;
    public int Mode;
    public uint Uid;
    public uint Gid;
    public long Size;
    public long ATime;
    public long ATimeNsec;
    public long MTime;
    public long MTimeNsec;
    public long CTime;
    public long CTimeNsec;
    public long BirthTime;
    public long BirthTimeNsec;
    public long Dev;
    public long RDev;
    public long Ino;
    public uint UserFlags;

    /// <summary>True for a regular file.</summary>
    public readonly bool IsRegular => (Mode & 0xF000) == 0x8000;

    /// <summary>Device and inode.</summary>
    public readonly FileIdentity Identity => new((ulong)Dev, (ulong)Ino);

    /// <summary>What the file is when it is not a regular file ("FIFO", "character device", ...), else null.</summary>
    public readonly string? KindName => (Mode & 0xF000) switch
    {
        0x8000 => null,
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x6000 => "block device",
        0xC000 => "socket",
        0x4000 => "directory",
        0xA000 => "symbolic link",
        _ => "special file",
    };

    // Except FStat (whose errno a caller reports), these calls pass only pointers and keep no errno, so they need no
    // marshalling stub: the ReadyToRun image holds them precompiled, where a stub is compiled at run time (issue 19:
    // the writer's start checks its file with fstat and stat, and their two stubs cost a fresh process about 1 ms).

    /// <summary>fstat(2) of an open file; when it fails, <see cref="Marshal.GetLastPInvokeError"/> says why.</summary>
    public static bool FStat(SafeFileHandle handle, out UnixFileStatus status)
    {
        status = default;
        return SystemNativeFStat(handle, ref status) == 0;
    }

    /// <summary>fstat(2) of an open file, when only whether it worked matters (no errno kept).</summary>
    public static bool FStatQuiet(SafeFileHandle handle, out UnixFileStatus status)
    {
        status = default;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            unsafe
            {
                fixed (UnixFileStatus* output = &status)
                {
                    return SystemNativeFStatQuiet(handle.DangerousGetHandle(), output) == 0;
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>stat(2): follows a final symbolic link (no errno kept).</summary>
    public static bool Stat(string path, out UnixFileStatus status) => StatPath(path, followLink: true, out status);

    /// <summary>lstat(2): a final symbolic link is described, not followed (no errno kept).</summary>
    public static bool LStat(string path, out UnixFileStatus status) => StatPath(path, followLink: false, out status);

    private static bool StatPath(string path, bool followLink, out UnixFileStatus status)
    {
        ArgumentNullException.ThrowIfNull(path);
        status = default;
        Span<byte> name = NativePath.BufferFor(path, stackalloc byte[NativePath.StackBytes]);
        if (!NativePath.TryEncode(path, name))
        {
            // No file is named with a NUL (the runtime's marshaller passed the part before it: another file's status).
            return false;
        }
        unsafe
        {
            fixed (byte* pathBytes = name)
            fixed (UnixFileStatus* output = &status)
            {
                return (followLink ? SystemNativeStat(pathBytes, output) : SystemNativeLStat(pathBytes, output)) == 0;
            }
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
    private static extern int SystemNativeFStat(SafeFileHandle fd, ref UnixFileStatus output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat")]
    private static extern unsafe int SystemNativeFStatQuiet(nint fd, UnixFileStatus* output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern unsafe int SystemNativeStat(byte* path, UnixFileStatus* output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat")]
    private static extern unsafe int SystemNativeLStat(byte* path, UnixFileStatus* output);
}
