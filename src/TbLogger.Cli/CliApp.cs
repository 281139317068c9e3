using System.CommandLine;
using TbLogger.Cli.Commands;
using TbLogger.Records;

namespace TbLogger.Cli;

/// <summary>The tblog command line: parsing, dispatch, and the exit-code and one-line-error rules.</summary>
internal static class CliApp
{
    /// <summary>The command's name in help and messages, however the tool was started.</summary>
    public const string Name = "tblog";

    /// <summary>Runs the tool with the given streams (tests pass their own writers).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="interactive">Force interactive output on or off; null decides from whether stdout is redirected.</param>
    /// <param name="cancellationToken">Ends long operations (tail) cleanly.</param>
    /// <param name="progressObserver">Hears every progress report (tests); null for none.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool? interactive, CancellationToken cancellationToken, ProgressObserver? progressObserver = null)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of tables (implies plain output).", Recursive = true };
        // Named explicitly: a RootCommand takes the executable's name, which is "TbLogger.Cli" or "dotnet" under dotnet run.
        var root = new Command(Name, "tblog: read, export, rewrite, check, watch and plot TensorBoard logs.") { json, new System.CommandLine.Help.HelpOption(), new VersionOption() };
        Func<ParseResult, CliOutput> output = parse => new CliOutput(stdout, stderr, interactive ?? !Console.IsOutputRedirected, parse.GetValue(json), progressObserver);
        root.Subcommands.Add(LsCommand.Create(output));
        root.Subcommands.Add(ExportCommand.Create(output));
        root.Subcommands.Add(ReplayCommand.Create(output));
        root.Subcommands.Add(ImportCommand.Create(output));
        root.Subcommands.Add(VerifyCommand.Create(output));
        root.Subcommands.Add(TailCommand.Create(output));
        root.Subcommands.Add(PlotCommand.Create(output));

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // An unknown command also yields "Required command was not provided" first; the error naming the token helps more.
            var error = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                ?? parse.Errors[0];
            stderr.WriteLine($"tblog: {UserMessages.WithoutTypeNames(error.Message)} (see tblog --help)");
            return ExitCodes.Usage;
        }
        try
        {
            var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"tblog: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException ex) when (ex.InnerException is not TimeoutException)
        {
            // Ctrl+C or SIGTERM reached an operation that stops (a Parquet export): one line, not an unhandled exception.
            // Not only when this token is cancelled: System.CommandLine handles both signals with a token of its own.
            // A client's timeout (HttpClient's TaskCanceledException around a TimeoutException) is a failure, below.
            stderr.WriteLine("tblog: stopped before it finished.");
            return ExitCodes.Stopped;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine($"tblog: {OneLine(ex)}");
            return ex is FileNotFoundException or DirectoryNotFoundException ? ExitCodes.Usage : ExitCodes.Problems;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else (an object store's client error, an unknown URI scheme, a bug) still ends in one line
            // without .NET type names or a stack trace; TBLOG_DEBUG=1 adds the details for a bug report.
            return Unexpected(ex, stderr);
        }
    }

    private static int Unexpected(Exception ex, TextWriter stderr)
    {
        Exception shown = ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : ex;
        if (shown is UsageException or IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine($"tblog: {OneLine(shown)}");
            return shown is UsageException or FileNotFoundException or DirectoryNotFoundException ? ExitCodes.Usage : ExitCodes.Problems;
        }
        stderr.WriteLine($"tblog: {OneLine(shown)}");
        if (Environment.GetEnvironmentVariable("TBLOG_DEBUG") == "1")
        {
            stderr.WriteLine(ex.ToString());
        }
        // An unknown URI scheme is the user's to fix.
        return shown is NotSupportedException ? ExitCodes.Usage : ExitCodes.Problems;
    }

    private static string OneLine(Exception ex) => ex switch
    {
        TfRecordCorruptException corrupt => corrupt.Message + " Run 'tblog verify' for every problem.",
        // Messages may quote names from files (tags, runs, object keys): escaped, they cannot drive the terminal.
        ArgumentException argument => PathPolicy.Printable(ArgumentParsers.WithoutParameterName(argument).ReplaceLineEndings(" ")),
        _ => PathPolicy.Printable(UserMessages.WithoutTypeNames(ex.Message).ReplaceLineEndings(" ")),
    };
}
