using System.Text.Json;
using Spectre.Console;
using TbLogger.Reading;

namespace TbLogger.Cli;

/// <summary>
/// Where a command writes. Interactive (a terminal, no --json): Spectre.Console tables and progress bars. Otherwise
/// plain text or JSON, stable for scripts and pipes.
/// </summary>
internal sealed class CliOutput
{
    public CliOutput(TextWriter stdout, TextWriter stderr, bool interactive, bool json, ProgressObserver? observer = null)
    {
        _observer = observer;
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

    private readonly ProgressObserver? _observer;

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
    /// work's progress reports (out of <paramref name="total"/>, or an indeterminate bar when 0). Reports are bytes
    /// read of <paramref name="total"/> bytes, so the bar moves with the input however it is shaped.
    /// </summary>
    public async Task<T> WithProgressAsync<T>(string title, long total, Func<IProgress<long>, T> work)
    {
        long done = 0;
        var observer = _observer;
        var progress = new InlineProgress(v =>
        {
            Interlocked.Exchange(ref done, v);
            observer?.Invoke(title, total, v);
        });
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

    /// <summary>
    /// The bytes of event files a command will read: the total of its progress bar. 0 (an indeterminate bar) for an
    /// object store, where sizes would cost a listing of their own.
    /// </summary>
    public static long EventFileBytes(LogDirReader reader, TagFilter? runs)
    {
        if (TbLogger.Storage.LogStorageRegistry.GetScheme(reader.LogDirectory) is not null)
        {
            return 0;
        }
        long total = 0;
        foreach (var run in reader.GetRuns(runs))
        {
            foreach (string file in run.Files)
            {
                try
                {
                    total += new FileInfo(file).Length;
                }
                catch (IOException)
                {
                    // Gone since the listing: it will not be read either.
                }
            }
        }
        return total;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to a sync context and lag).</summary>
    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

/// <summary>Hears every progress report of a command: its title, total and value (tests watch the bars this way).</summary>
/// <param name="title">The bar's title.</param>
/// <param name="total">Its total, 0 when unknown.</param>
/// <param name="done">The value reported.</param>
internal delegate void ProgressObserver(string title, long total, long done);
