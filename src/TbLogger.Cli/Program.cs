using TbLogger.Cli;

// Never disposed: a Ctrl+C that arrives while the process returns from Main must find it usable (its Cancel on a
// disposed source threw on the signal's thread and ended the process with SIGABRT).
var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C ends tail/long operations cleanly; the process then exits with their code.
    e.Cancel = true;
    cancel.Cancel();
};
return await CliApp.RunAsync(args, Console.Out, Console.Error, interactive: null, cancel.Token).ConfigureAwait(false);
