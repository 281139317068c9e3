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

    /// <summary>fstat(2) of an open file.</summary>
    public static bool FStat(SafeFileHandle handle, out UnixFileStatus status)
    {
        status = default;
        return SystemNativeFStat(handle, ref status) == 0;
    }

    /// <summary>stat(2): follows a final symbolic link.</summary>
    public static bool Stat(string path, out UnixFileStatus status)
    {
        status = default;
        return SystemNativeStat(path, ref status) == 0;
    }

    /// <summary>lstat(2): a final symbolic link is described, not followed.</summary>
    public static bool LStat(string path, out UnixFileStatus status)
    {
        status = default;
        return SystemNativeLStat(path, ref status) == 0;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
    private static extern int SystemNativeFStat(SafeFileHandle fd, ref UnixFileStatus output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref UnixFileStatus output);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int SystemNativeLStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref UnixFileStatus output);
}
