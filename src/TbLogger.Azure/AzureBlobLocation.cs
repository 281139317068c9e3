using System.Net;

namespace TbLogger.Azure;

/// <summary>
/// A parsed Azure Blob location: <c>az://container/path</c> (the account comes from the store's options) or the
/// account-URL form <c>https://account.blob.core.windows.net/container/path</c> (path-style
/// <c>http://127.0.0.1:10000/account/container/path</c> for an emulator). Every part is checked here, once, so a path
/// can never reach outside its container or log directory: no "." or ".." segments, no empty segments, no
/// backslashes or control characters, no query string (a SAS token belongs in the options, not in a path that ends
/// up in file names and logs).
/// </summary>
public sealed record AzureBlobLocation
{
    /// <summary>The short URI scheme, as adlfs and TensorBoard spell it.</summary>
    public const string Scheme = "az";

    /// <summary>The longest blob name the service accepts.</summary>
    public const int MaxBlobNameLength = 1024;

    private const string Prefix = Scheme + "://";

    private AzureBlobLocation(string root, Uri? accountUrl, string container, string path)
    {
        Root = root;
        AccountUrl = accountUrl;
        Container = container;
        Path = path;
    }

    /// <summary>The URI up to and including the container, as the caller spelled it ("az://runs", "https://acct.blob.core.windows.net/runs").</summary>
    public string Root { get; }

    /// <summary>The account's endpoint for the https form; null for az:// (the store's default account).</summary>
    public Uri? AccountUrl { get; }

    /// <summary>The container name.</summary>
    public string Container { get; }

    /// <summary>The blob name or name prefix, without leading or trailing '/'; empty for the container's root.</summary>
    public string Path { get; }

    /// <summary>Parses an az:// or http(s):// location.</summary>
    /// <param name="uri">The location.</param>
    /// <returns>The parsed location.</returns>
    /// <exception cref="ArgumentException">Not an Azure Blob location, or a part of it is not allowed (the message says which).</exception>
    public static AzureBlobLocation Parse(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if (uri.Contains('?', StringComparison.Ordinal) || uri.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{Redact(uri)}' has a query string or fragment: give a SAS token through AzureBlobLogStorageOptions.SasToken, not in the path.", nameof(uri));
        }
        if (uri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            string rest = uri[Prefix.Length..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            string container = slash < 0 ? rest : rest[..slash];
            string path = slash < 0 ? "" : rest[(slash + 1)..];
            CheckContainer(container, uri);
            return new AzureBlobLocation(Prefix + container, null, container, CheckPath(path, uri, unescape: false));
        }
        if (!Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed) || parsed.Scheme is not ("https" or "http") || parsed.Host.Length == 0)
        {
            throw new ArgumentException($"'{uri}' is not an Azure Blob location (az://container/path or https://account.blob.core.windows.net/container/path).", nameof(uri));
        }
        // Uri normalises "a/../b" away; the raw text is what must be checked, so nothing is resolved behind the caller's back.
        int pathStart = uri.IndexOf('/', uri.IndexOf("://", StringComparison.Ordinal) + 3);
        string rawPath = pathStart < 0 ? "" : uri[(pathStart + 1)..];
        string[] parts = rawPath.Split('/', 2);
        bool pathStyle = IsPathStyleHost(parsed);
        if (!pathStyle && !parsed.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase))
        {
            // Every Azure cloud (and Azure Stack, and private endpoints) names blob endpoints ACCOUNT.blob.…; any other
            // https URL is not ours to send requests and credentials to.
            throw new ArgumentException($"'{uri}' is not an Azure Blob URL: the host must be ACCOUNT.blob.core.windows.net (or another cloud's ACCOUNT.blob.…), or an emulator's IP address.", nameof(uri));
        }
        if (parsed.Scheme == "http" && !pathStyle)
        {
            throw new ArgumentException($"'{uri}': plain http is only for an emulator on a loopback or IP address; use https for an account.", nameof(uri));
        }
        string authority = uri[..(pathStart < 0 ? uri.Length : pathStart)];
        string accountBase = authority;
        if (pathStyle)
        {
            // Emulator form: the first segment is the account.
            if (parts[0].Length == 0)
            {
                throw new ArgumentException($"'{uri}' names no account (path-style URLs are http://host:port/account/container/path).", nameof(uri));
            }
            accountBase = authority + "/" + parts[0];
            rawPath = parts.Length > 1 ? parts[1] : "";
            parts = rawPath.Split('/', 2);
        }
        string containerName = Uri.UnescapeDataString(parts[0]);
        CheckContainer(containerName, uri);
        string blobPath = CheckPath(parts.Length > 1 ? parts[1] : "", uri, unescape: true);
        return new AzureBlobLocation(accountBase + "/" + parts[0], new Uri(accountBase, UriKind.Absolute), containerName, blobPath);
    }

    /// <summary>The blob name of a child of this location.</summary>
    /// <param name="name">One segment, already checked.</param>
    /// <returns>"path/name", or "name" at the container's root.</returns>
    public string ChildName(string name) => Path.Length == 0 ? name : Path + "/" + name;

    /// <summary>The URI of a blob of this container, in the form the caller used.</summary>
    /// <param name="blobName">The blob name.</param>
    /// <returns>Root + "/" + blob name.</returns>
    public string UriOf(string blobName) => Root + "/" + (AccountUrl is null ? blobName : EscapePath(blobName));

    /// <summary>This location with another blob path in the same container.</summary>
    /// <param name="path">A checked blob path.</param>
    /// <returns>The location.</returns>
    internal AzureBlobLocation WithPath(string path) => new(Root, AccountUrl, Container, path);

    /// <summary>Checks a blob name met in a listing: it must stay inside the listed prefix the way a path would.</summary>
    /// <param name="relative">The part after the listed prefix.</param>
    /// <returns>Null when allowed, else why not.</returns>
    internal static string? WhyUnsafeName(string relative)
    {
        if (relative.Length == 0)
        {
            return "it is empty";
        }
        foreach (string segment in relative.Split('/'))
        {
            string? why = WhyUnsafeSegment(segment);
            if (why is not null)
            {
                return why;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? Root : UriOf(Path);

    /// <summary>Shows control characters of an untrusted name as \uXXXX, so a message cannot forge lines.</summary>
    internal static string Printable(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        foreach (char c in name.Length > 300 ? name[..300] + "…" : name)
        {
            if (char.IsControl(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static string Redact(string uri)
    {
        int query = uri.IndexOfAny(['?', '#']);
        return query < 0 ? uri : uri[..query] + "?…";
    }

    private static bool IsPathStyleHost(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.IsLoopback
        || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(uri.Host, out _);

    private static string EscapePath(string blobName) => string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));

    private static void CheckContainer(string container, string uri)
    {
        // The service's rule: 3-63 characters, lowercase letters, digits and single hyphens, starting and ending
        // with a letter or digit. "$root", "$logs" and "$web" are system containers, not log directories.
        bool valid = container.Length is >= 3 and <= 63
            && container.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-')
            && container[0] != '-' && container[^1] != '-' && !container.Contains("--", StringComparison.Ordinal);
        if (!valid)
        {
            throw new ArgumentException(
                $"'{Printable(uri)}': '{Printable(container)}' is not a container name (3-63 lowercase letters, digits and single hyphens).", nameof(uri));
        }
    }

    private static string CheckPath(string path, string uri, bool unescape)
    {
        string trimmed = path.TrimEnd('/');
        if (trimmed.Length == 0)
        {
            return "";
        }
        var segments = trimmed.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = unescape ? Uri.UnescapeDataString(segments[i]) : segments[i];
            if (segment.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{Printable(uri)}': segment '{Printable(segment)}' hides a '/' behind %2F.", nameof(uri));
            }
            string? why = WhyUnsafeSegment(segment);
            if (why is not null)
            {
                throw new ArgumentException($"'{Printable(uri)}' cannot be a log directory: {why}.", nameof(uri));
            }
            segments[i] = segment;
        }
        string result = string.Join('/', segments);
        if (result.Length > MaxBlobNameLength - 80)
        {
            throw new ArgumentException($"'{Printable(uri)}': the path is {result.Length} characters; with an event-file name it would pass the service's {MaxBlobNameLength}-character limit.", nameof(uri));
        }
        return result;
    }

    private static string? WhyUnsafeSegment(string segment)
    {
        if (segment.Length == 0)
        {
            return "it has an empty segment ('//')";
        }
        if (segment is "." or "..")
        {
            return $"it has a '{segment}' segment, which would leave the log directory";
        }
        if (segment.Contains('\\', StringComparison.Ordinal))
        {
            return $"segment '{Printable(segment)}' has a backslash, a path separator on Windows";
        }
        if (segment.Any(char.IsControl))
        {
            return $"segment '{Printable(segment)}' has a control character";
        }
        if (segment.EndsWith('.'))
        {
            return $"segment '{Printable(segment)}' ends with '.', which the service and Windows file systems drop";
        }
        return null;
    }
}
