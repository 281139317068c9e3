using TbLogger.Cli;

namespace TbLogger.Parquet.Tests;

/// <summary>Runs tblog in-process with captured, non-interactive output.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.RunAsync(args, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), interactive: false, CancellationToken.None).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }
}
