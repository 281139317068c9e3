using System.Globalization;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Opens a new run named like PyTorch's <c>SummaryWriter()</c> with no directory:
    /// <c>runs/{Mon}{DD}_{HH-MM-SS}_{host}{comment}</c> in local time, relative to the working directory, with
    /// <see cref="SummaryWriterOptions.Comment"/> as the comment.
    /// </summary>
    /// <param name="options">Settings, including the comment; null for the defaults.</param>
    /// <exception cref="ArgumentException">The comment contains a directory separator or a character not allowed in a file name.</exception>
    public SummaryWriter(SummaryWriterOptions? options = null)
        : this(DefaultRunDirectory(options?.Comment ?? ""), options)
    {
    }

    /// <summary>
    /// The run directory PyTorch's <c>SummaryWriter()</c> would choose:
    /// <c>Path.Combine("runs", now.ToString("MMMdd_HH-mm-ss") + "_" + host + comment)</c> with English month
    /// abbreviations, e.g. "runs/Dec03_10-15-00_gpu1_lr0.01".
    /// </summary>
    /// <param name="comment">Appended after the host name; no directory separators.</param>
    /// <param name="localNow">The time; null for now (local time, as PyTorch's <c>datetime.now()</c>).</param>
    /// <param name="host">The host name; null for <see cref="System.Net.Dns.GetHostName"/> (Python's <c>socket.gethostname()</c>).</param>
    /// <returns>The relative directory.</returns>
    /// <exception cref="ArgumentException">The comment or host contains a directory separator or a character not allowed in a file name.</exception>
    public static string DefaultRunDirectory(string comment = "", DateTime? localNow = null, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(comment);
        host ??= System.Net.Dns.GetHostName();
        CheckNamePart(comment, nameof(comment));
        CheckNamePart(host, nameof(host));
        string time = (localNow ?? DateTime.Now).ToString("MMMdd_HH-mm-ss", CultureInfo.InvariantCulture);
        return Path.Combine("runs", time + "_" + host + comment);
    }

    private static void CheckNamePart(string part, string parameterName)
    {
        // The run name is one directory: a separator or "..", or a character the file system refuses, would put it elsewhere.
        int bad = part.AsSpan().IndexOfAny(['/', '\\', ':', '\0']);
        if (bad < 0)
        {
            bad = part.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars());
        }
        if (bad >= 0)
        {
            throw new ArgumentException($"The run name's {parameterName} '{part}' contains '{part[bad]}' at {bad}; it must stay one directory name.", parameterName);
        }
    }
}
