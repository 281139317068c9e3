using System.Text.Json;
using Spectre.Console;

namespace TbLogger.Cli;

/// <summary>
/// Where a command writes. Interactive (a terminal, no --json): Spectre.Console tables and progress bars. Otherwise
/// plain text or JSON, stable for scripts and pipes.
/// </summary>
internal sealed class CliOutput
{
    public CliOutput(TextWriter stdout, TextWriter stderr, bool interactive, bool json)
    {
        Out = stdout;
        Error = stderr;
        Json = json;
        Interactive = interactive && !json;
        if (Interactive)
        {
            Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(stdout),
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
            });
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Json { get; }

    public bool Interactive { get; }

    /// <summary>The Spectre console, only when <see cref="Interactive"/>.</summary>
    public IAnsiConsole? Console { get; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>
    /// Runs <paramref name="work"/>; when interactive and it takes over a second, shows a progress bar fed by the
    /// work's progress reports (out of <paramref name="total"/>, or an indeterminate bar when 0).
    /// </summary>
    public async Task<T> WithProgressAsync<T>(string title, long total, Func<IProgress<long>, T> work)
    {
        long done = 0;
        var progress = new InlineProgress(v => Interlocked.Exchange(ref done, v));
        var task = Task.Run(() => work(progress));
        if (!Interactive || Console is null)
        {
            return await task.ConfigureAwait(false);
        }
        if (await Task.WhenAny(task, Task.Delay(1000)).ConfigureAwait(false) == task)
        {
            return await task.ConfigureAwait(false);
        }
        await Console.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var bar = ctx.AddTask(Markup.Escape(title), maxValue: total > 0 ? total : 100);
            bar.IsIndeterminate = total <= 0;
            while (!task.IsCompleted)
            {
                bar.Value = Math.Min(Interlocked.Read(ref done), bar.MaxValue);
                await Task.WhenAny(task, Task.Delay(100)).ConfigureAwait(false);
            }
            bar.Value = bar.MaxValue;
        }).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to a sync context and lag).</summary>
    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
