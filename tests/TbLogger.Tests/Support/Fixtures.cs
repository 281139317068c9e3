namespace TbLogger.Tests.Support;

internal static class Fixtures
{
    /// <summary>The PyTorch-written golden log directory copied into the test output.</summary>
    public static string TorchRun1 => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch-writer", "run1");

    public static string EventFileIn(string directory) =>
        Directory.GetFiles(directory).Single(f => Path.GetFileName(f).Contains("tfevents", StringComparison.Ordinal));
}
