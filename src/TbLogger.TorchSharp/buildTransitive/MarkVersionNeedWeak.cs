// Build-time task (compiled by MSBuild's RoslynCodeTaskFactory, not part of the library): marks one symbol-version
// need of an ELF64 little-endian shared library weak, so the dynamic loader accepts the library when the needed
// library lacks that version. See TbLogger.TorchSharp.targets for why.
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class TbLoggerMarkVersionNeedWeak : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";
    [Required] public string NeededFile { get; set; } = "";

    public override bool Execute()
    {
        string? system = FindLoadedLibrary(NeededFile);
        if (system != null && DefinesVersion(system, VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "{0} defines {1}: libLibTorchSharp.so needs no patch.", system, VersionName);
            return true;
        }
        foreach (ITaskItem item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                byte[] elf = File.ReadAllBytes(path);
                int changed = MarkWeak(elf, NeededFile, VersionName, out string? problem);
                if (problem != null)
                {
                    Log.LogWarning("TbLogger.TorchSharp: {0} was not patched: {1}", path, problem);
                    continue;
                }
                if (changed == 0)
                {
                    continue; // already weak (an earlier build) or no such need
                }
                // Replace the file instead of writing through it: the output copy may be a hard link into the NuGet cache.
                DateTime stamp = File.GetLastWriteTimeUtc(path);
                string temp = path + ".tblogger-tmp";
                File.WriteAllBytes(temp, elf);
                File.Delete(path);
                File.Move(temp, path);
                // Keep the package's time stamp so incremental copies treat the output copy as up to date.
                File.SetLastWriteTimeUtc(path, stamp);
                Log.LogMessage(MessageImportance.Normal,
                    "TbLogger.TorchSharp: marked {0} of {1} weak in {2} (system {1}: {3}).",
                    VersionName, NeededFile, path, system ?? "not found");
            }
            catch (IOException e)
            {
                Log.LogWarning("TbLogger.TorchSharp: {0} was not patched: {1}", path, e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                Log.LogWarning("TbLogger.TorchSharp: {0} was not patched: {1}", path, e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    // The libstdc++ that this very process (the .NET runtime running MSBuild) loaded is the one the app will load too.
    static string? FindLoadedLibrary(string fileName)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && Path.GetFileName(line.Substring(slash)) is string name &&
                    name.StartsWith(fileName, StringComparison.Ordinal))
                {
                    return line.Substring(slash);
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        foreach (string dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/lib/aarch64-linux-gnu" })
        {
            string candidate = Path.Combine(dir, fileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    // A version a library defines appears NUL-terminated in its dynamic string table.
    static bool DefinesVersion(string library, string version)
    {
        byte[] bytes = File.ReadAllBytes(library);
        // Latin-1 maps bytes one to one, so a string search is a byte search (this task compiles against netstandard).
        return Encoding.GetEncoding("ISO-8859-1").GetString(bytes).IndexOf("\0" + version + "\0", StringComparison.Ordinal) >= 0;
    }

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry naming <paramref name="version"/> under the Verneed entry
    /// for <paramref name="file"/>; returns how many entries changed. Bounds-checked: a malformed file is reported,
    /// never written.</summary>
    public static int MarkWeak(byte[] elf, string file, string version, out string? problem)
    {
        problem = null;
        byte[] s = elf;
        if (s.Length < 64 || s[0] != 0x7f || s[1] != (byte)'E' || s[2] != (byte)'L' || s[3] != (byte)'F')
        {
            problem = "not an ELF file"; return 0;
        }
        if (s[4] != 2 || s[5] != 1)
        {
            problem = "not a 64-bit little-endian ELF file"; return 0;
        }
        ulong shoff = U64(s, 0x28);
        int shentsize = U16(s, 0x3A), shnum = U16(s, 0x3C);
        if (shentsize < 64 || shoff == 0 || shoff + (ulong)shentsize * (ulong)shnum > (ulong)s.Length)
        {
            problem = "section headers out of range"; return 0;
        }
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (U32(s, sh + 4) != ShtGnuVerneed) continue;
            ulong off = U64(s, sh + 24), size = U64(s, sh + 32);
            uint link = U32(s, sh + 40), count = U32(s, sh + 44);
            if (off + size > (ulong)s.Length || link >= shnum)
            {
                problem = ".gnu.version_r out of range"; return 0;
            }
            int strSh = checked((int)shoff + (int)link * shentsize);
            ulong strOff = U64(s, strSh + 24), strSize = U64(s, strSh + 32);
            if (strOff + strSize > (ulong)s.Length)
            {
                problem = ".dynstr out of range"; return 0;
            }
            int changed = 0;
            long vn = (long)off, end = (long)(off + size);
            for (uint n = 0; n < count; n++)
            {
                if (vn < (long)off || vn + 16 > end) { problem = "Verneed entry out of range"; return 0; }
                int vnCnt = U16(s, (int)vn + 2);
                bool isFile = Str(s, strOff, strSize, U32(s, (int)vn + 4)) == file;
                long aux = vn + U32(s, (int)vn + 8);
                for (int a = 0; a < vnCnt; a++)
                {
                    if (aux < (long)off || aux + 16 > end) { problem = "Vernaux entry out of range"; return 0; }
                    if (isFile && Str(s, strOff, strSize, U32(s, (int)aux + 8)) == version)
                    {
                        ushort flags = (ushort)U16(s, (int)aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            s[(int)aux + 4] = (byte)flags;
                            s[(int)aux + 5] = (byte)(flags >> 8);
                            changed++;
                        }
                    }
                    uint next = U32(s, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = U32(s, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
            return changed;
        }
        return 0;
    }

    static int U16(byte[] s, int at) => s[at] | s[at + 1] << 8;
    static uint U32(byte[] s, int at) => (uint)(U16(s, at) | U16(s, at + 2) << 16);
    static ulong U64(byte[] s, int at) => U32(s, at) | (ulong)U32(s, at + 4) << 32;

    static string? Str(byte[] s, ulong tableOffset, ulong tableSize, uint at)
    {
        if (at >= tableSize) return null;
        int start = (int)(tableOffset + at), end = (int)(tableOffset + tableSize);
        int nul = Array.IndexOf(s, (byte)0, start, end - start);
        return nul < 0 ? null : Encoding.ASCII.GetString(s, start, nul - start);
    }
}
