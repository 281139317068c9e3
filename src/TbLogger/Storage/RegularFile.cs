using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TbLogger.Storage;

/// <summary>
/// Opens a local file for reading only if it is a regular file, without ever blocking. A directory walk skips FIFOs
/// and devices, but a hostile user can swap a file for one between the walk and the open; open(2) of a FIFO blocks
/// until a writer appears (forever), and a device such as /dev/zero never ends. So the file is opened with
/// O_NONBLOCK (an open that cannot block; no effect on reads of a regular file) and checked with fstat(2) on the
/// opened descriptor (what is checked is what is read: no window between check and use). .NET has no way to pass
/// O_NONBLOCK, so open(2) is called from the C library on Linux and macOS; elsewhere, or if that fails to load, the
/// type is checked just before a plain open (a narrow window remains there).
/// </summary>
internal static class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading, shared with writers that append, rename or delete it.</summary>
    /// <param name="path">A local path; a final symbolic link is followed (the walk allows links inside the log directory).</param>
    /// <returns>An unbuffered stream at offset 0.</returns>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">A directory of <paramref name="path"/> is missing.</exception>
    /// <exception cref="NotRegularFileException">It is a FIFO, device, socket or directory.</exception>
    public static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Posix.Open(path) is { } handle)
        {
            try
            {
                if (!UnixFileStatus.FStat(handle, out UnixFileStatus status))
                {
                    throw new IOException($"Could not read the status of '{PathPolicy.Printable(path)}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                }
                if (status.KindName is { } kind)
                {
                    throw new NotRegularFileException(path, kind);
                }
                // No FileStream buffer: TfRecordReader buffers itself.
                return new FileStream(handle, FileAccess.Read, bufferSize: 0);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        if (!OperatingSystem.IsWindows() && KindFollowingLinks(path) is { } special)
        {
            throw new NotRegularFileException(path, special);
        }
        // Shared: writers may keep appending, renaming or deleting.
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    private static string? KindFollowingLinks(string path)
    {
        try
        {
            return UnixFileStatus.Stat(path, out UnixFileStatus status) ? status.KindName : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>open(2) from the C library with O_RDONLY | O_NONBLOCK | O_CLOEXEC, on Linux and macOS.</summary>
    private static class Posix
    {
        private const int ENOENT = 2;
        private const int ENOTDIR = 20;
        private const int EACCES = 13;

        private static readonly OpenFunction? s_open = Load();
        private static readonly int s_flags = OperatingSystem.IsMacOS()
            ? 0x0004 | 0x0100_0000 // O_NONBLOCK | O_CLOEXEC (Darwin)
            : 0x0800 | 0x0008_0000; // O_NONBLOCK | O_CLOEXEC (Linux: the same on every architecture .NET runs on)

        [UnmanagedFunctionPointer(CallingConvention.Cdecl, SetLastError = true)]
        private delegate int OpenFunction([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        /// <summary>The opened descriptor, or null when open(2) is not available here (then the caller falls back).</summary>
        public static SafeFileHandle? Open(string path)
        {
            if (s_open is null)
            {
                return null;
            }
            if (path.Contains('\0', StringComparison.Ordinal))
            {
                // The C call would open the part before the NUL, another file; .NET's file APIs reject such a path too.
                throw new ArgumentException($"The path '{PathPolicy.Printable(path)}' contains a NUL character.", nameof(path));
            }
            int fd = s_open(path, s_flags);
            if (fd >= 0)
            {
                return new SafeFileHandle(fd, ownsHandle: true);
            }
            int errno = Marshal.GetLastPInvokeError();
            string shown = PathPolicy.Printable(path);
            // The exception types (and messages) FileStream throws for the same errors.
            throw errno switch
            {
                ENOENT when Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))) => new FileNotFoundException($"Could not find file '{shown}'.", path),
                ENOENT or ENOTDIR => new DirectoryNotFoundException($"Could not find a part of the path '{shown}'."),
                EACCES => new UnauthorizedAccessException($"Access to the path '{shown}' is denied."),
                _ => new IOException($"Could not open '{shown}': {Marshal.GetPInvokeErrorMessage(errno)}", errno),
            };
        }

        private static OpenFunction? Load()
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                return null;
            }
            string[] candidates = OperatingSystem.IsMacOS() ? ["/usr/lib/libSystem.B.dylib"] : ["libc.so.6", "libc.so", "libc"];
            foreach (string name in candidates)
            {
                if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "open", out IntPtr open))
                {
                    return Marshal.GetDelegateForFunctionPointer<OpenFunction>(open);
                }
            }
            return null;
        }
    }
}
