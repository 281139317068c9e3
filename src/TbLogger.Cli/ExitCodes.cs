namespace TbLogger.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Everything went well.</summary>
    public const int Ok = 0;

    /// <summary>Problems were found (verify), nothing matched, or an operation failed.</summary>
    public const int Problems = 1;

    /// <summary>The command line was wrong: unknown option, bad value, missing file or directory.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C or SIGTERM before it finished (128 + SIGINT, as shells report it).</summary>
    public const int Stopped = 130;
}

/// <summary>A bad argument found after parsing (e.g. a directory that does not exist); exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
