using System.Globalization;
using System.Net;

namespace TbLogger.Storage;

/// <summary>
/// Names event files the way TensorFlow's and PyTorch's writers do:
/// <c>events.out.tfevents.{unix seconds, 10 digits}.{hostname}.{pid}.{counter}{suffix}</c>. TensorBoard reads a
/// run's files in name order, so the zero-padded time keeps files of one run in creation order.
/// </summary>
public static class EventFileNames
{
    /// <summary>The part every event file name contains; TensorBoard finds runs by it.</summary>
    public const string Marker = "tfevents";

    private static readonly Lazy<string> s_host = new(() => SanitizeHost(SafeHostName()));
    private static int s_counter = -1;

    /// <summary>Returns a new file name; the counter is global to the process, so two writers never share a name.</summary>
    /// <param name="now">Creation time (its unix seconds go into the name).</param>
    /// <param name="suffix">Appended as is (e.g. ".profile"), or null.</param>
    /// <returns>The file name, without a directory.</returns>
    public static string Next(DateTimeOffset now, string? suffix = null)
    {
        int counter = Interlocked.Increment(ref s_counter);
        // Concatenated and formatted by hand, not interpolated or formatted with a culture: a fresh process's first
        // writer paid about 2.5 ms here for initialising the invariant culture's number formatting (issue 19: a short
        // run's start). Overloads of four, not a collection expression, whose inline-array helpers are compiled at run time.
        return string.Concat(
            string.Concat("events.out." + Marker + ".", Digits(now.ToUnixTimeSeconds(), 10), ".", s_host.Value),
            string.Concat(".", Digits(Environment.ProcessId, 1), ".", Digits(counter, 1)),
            suffix);
    }

    /// <summary>
    /// Like <see cref="Next(DateTimeOffset, string?)"/>, but the name sorts after every event file in
    /// <paramref name="existing"/> when it can: TensorBoard reads a run's files in name order (the Python loader never
    /// goes back to a file that sorts before the one it reads), so a resumed or late writer's file must come last.
    /// When a name at <paramref name="now"/> would not, the time in the name becomes one second after the latest
    /// 10-digit time among them; names no 10-digit time can beat (hostile or foreign ones) are left to sort first.
    /// </summary>
    /// <param name="now">Creation time.</param>
    /// <param name="suffix">Appended as is, or null.</param>
    /// <param name="existing">File names or paths already in the run's directory.</param>
    /// <returns>The file name, without a directory.</returns>
    public static string NextAfter(DateTimeOffset now, string? suffix, IEnumerable<string> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        string? last = null;
        foreach (string path in existing)
        {
            string name = Path.GetFileName(path);
            if (IsEventFile(name) && (last is null || string.CompareOrdinal(name, last) > 0))
            {
                last = name;
            }
        }
        string candidate = Next(now, suffix);
        if (last is null || string.CompareOrdinal(candidate, last) > 0)
        {
            return candidate;
        }
        const string prefix = "events.out." + Marker + ".";
        if (last.StartsWith(prefix, StringComparison.Ordinal) && last.Length >= prefix.Length + 10
            && long.TryParse(last.AsSpan(prefix.Length, 10), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            && seconds < 9_999_999_999)
        {
            return Next(DateTimeOffset.FromUnixTimeSeconds(seconds + 1), suffix);
        }
        return candidate;
    }

    /// <summary>
    /// <paramref name="value"/> as <c>ToString("D" + minimumDigits, CultureInfo.InvariantCulture)</c> writes it, for
    /// <paramref name="minimumDigits"/> from 1 to 20: written by hand for the non-negative values of a name (clock
    /// seconds, pid, counter), which need no culture.
    /// </summary>
    internal static string Digits(long value, int minimumDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumDigits, 20);
        if (value < 0)
        {
            // A time before 1970 (only a caller's explicit time, never the clock) or a counter past int.MaxValue writers.
            return value.ToString("D" + Digits(minimumDigits, 1), CultureInfo.InvariantCulture);
        }
        // An array, not stackalloc: a method with a loop and stackalloc cannot start as tier-0 code (no on-stack
        // replacement), so without the ReadyToRun image a fresh process's first writer compiled it fully optimised,
        // 1.6 ms of JIT for three calls (issue 19: a short run's start).
        char[] digits = new char[20];
        int at = digits.Length;
        ulong rest = (ulong)value;
        do
        {
            digits[--at] = (char)('0' + (int)(rest % 10));
            rest /= 10;
        }
        while (rest != 0);
        while (digits.Length - at < minimumDigits)
        {
            digits[--at] = '0';
        }
        return new string(digits, at, digits.Length - at);
    }

    /// <summary>True when <paramref name="fileName"/> is an event file name by TensorBoard's rule (it contains "tfevents").</summary>
    /// <param name="fileName">A file name or path.</param>
    /// <returns>Whether TensorBoard would read it as an event file.</returns>
    public static bool IsEventFile(string fileName) => Path.GetFileName(fileName).Contains(Marker, StringComparison.Ordinal);

    private static string SafeHostName()
    {
        // On Linux the kernel's host name (what gethostname() returns, so what Dns.GetHostName and Python's
        // socket.gethostname() give) is one small file. Reading it skips loading System.Net.NameResolution, which took
        // 16-64 ms of a fresh process's first writer on a loaded 2-core machine (issue 19: a short run's start).
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (ReadKernelHostName() is { Length: > 0 } name)
                {
                    return name;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Fall back to the resolver's view below.
            }
        }
        return ResolverHostName();
    }

    /// <summary>The resolver's host name, or the machine name when it fails.</summary>
    // Its own method: its catch clause names a System.Net type, and preparing a method loads the types its catch
    // clauses name, so SafeHostName would load System.Net.Primitives in every fresh process (issue 19).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string ResolverHostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return Environment.MachineName;
        }
    }

    /// <summary>
    /// The contents of /proc/sys/kernel/hostname without its line end, read through a handle into a small buffer:
    /// File.ReadAllText's reader and decoder stack cost a fresh process 2-3 ms more (issue 19), and a host name is at
    /// most 64 bytes (HOST_NAME_MAX), nearly always ASCII.
    /// </summary>
    internal static string ReadKernelHostName()
    {
        // Arrays, not stackalloc, for the reason Digits gives (2.5 ms of JIT without the ReadyToRun image).
        byte[] buffer = new byte[256];
        int length;
        using (var handle = File.OpenHandle("/proc/sys/kernel/hostname"))
        {
            length = RandomAccess.Read(handle, buffer, 0);
        }
        // A loop, not TrimEnd<byte>: that generic has no precompiled code in the framework (issue 19: a fresh process).
        while (length > 0 && buffer[length - 1] == (byte)'\n')
        {
            length--;
        }
        ReadOnlySpan<byte> bytes = buffer.AsSpan(0, length);
        if (!System.Text.Ascii.IsValid(bytes))
        {
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)buffer[i];
        }
        return new string(chars);
    }

    private static string SanitizeHost(string host)
    {
        // A host name with a path separator would put the file somewhere else.
        var chars = host.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] is '/' or '\\' || char.IsControl(chars[i]))
            {
                chars[i] = '_';
            }
        }
        return chars.Length == 0 ? "localhost" : new string(chars);
    }
}
