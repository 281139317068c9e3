using TbLogger.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C ends tail/long operations cleanly; the process then exits with their code.
    e.Cancel = true;
    cancel.Cancel();
};
return await CliApp.RunAsync(args, Console.Out, Console.Error, interactive: null, cancel.Token).ConfigureAwait(false);
