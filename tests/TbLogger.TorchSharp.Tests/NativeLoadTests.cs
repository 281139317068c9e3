using System.Text;
using TorchSharp;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class NativeLoadTests
{
    [TestMethod]
    public void ATensorOpRunsOnThisMachine()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = (a * 2).sum();
        Assert.AreEqual(12f, b.item<float>());
    }

    // The build step rewrites only this output's copy of libLibTorchSharp.so, only one flag, only when needed.
    [TestMethod]
    public void OnlyTheOutputCopyIsPatchedAndOnlyItsVersionNeedFlag()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The libstdc++ version need only matters on Linux.");
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(output) || !File.Exists(cached)) Assert.Inconclusive($"No linux-x64 libLibTorchSharp.so at {output} and {cached}.");

        byte[] a = File.ReadAllBytes(cached), b = File.ReadAllBytes(output);
        Assert.AreEqual(a.Length, b.Length);
        var differences = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
        bool systemHasVersion = SystemLibStdCxxDefines("GLIBCXX_3.4.32");
        if (systemHasVersion)
        {
            Assert.AreEqual(0, differences.Count, "a new enough libstdc++ needs no patch");
            return;
        }
        // Exactly one byte: the low byte of vna_flags (0 → VER_FLG_WEAK = 2) of the Vernaux entry whose vna_name is
        // GLIBCXX_3.4.32. That entry starts 4 bytes earlier: vna_hash is the ELF hash of the name.
        Assert.AreEqual(1, differences.Count);
        int at = differences[0];
        Assert.AreEqual(0, a[at], "the NuGet cache's copy is untouched");
        Assert.AreEqual(2, b[at]);
        uint hash = BitConverter.ToUInt32(a, at - 4);
        Assert.AreEqual(ElfHash("GLIBCXX_3.4.32"), hash);
    }

    private static bool SystemLibStdCxxDefines(string version)
    {
        string? path = File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is int i and >= 0 ? l[i..] : null)
            .FirstOrDefault(l => l is not null && Path.GetFileName(l).StartsWith("libstdc++.so.6", StringComparison.Ordinal));
        if (path is null) return false;
        return Encoding.Latin1.GetString(File.ReadAllBytes(path)).Contains("\0" + version + "\0", StringComparison.Ordinal);
    }

    // The System V ABI's ELF hash (what vna_hash holds).
    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }
}
