using TbLogger.Cli;

namespace TbLogger.Cli.Tests;

/// <summary>Runs tblog in-process with captured, non-interactive output.</summary>
internal static class Cli
{
    public static string Golden => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch-writer");

    public static async Task<(int Code, string Out, string Err)> Run(params string[] args) => await Run(CancellationToken.None, args);

    public static async Task<(int Code, string Out, string Err)> Run(CancellationToken cancellationToken, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = await CliApp.RunAsync(args, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), interactive: false, cancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tblog-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned by the OS later.
        }
    }
}
