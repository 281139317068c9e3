using System.Collections.Concurrent;
using System.Reflection;

namespace TbLogger.Storage;

/// <summary>
/// Chooses the <see cref="LogStorage"/> of a log directory by its URI scheme (<c>scheme://…</c>); plain paths are
/// local. Stores register explicitly or are discovered through <see cref="LogStorageProviderAttribute"/> on a
/// loaded assembly or on a known package's assembly (TbLogger.S3 for "s3"; TbLogger.Azure for "az" and blob URLs).
/// </summary>
public static class LogStorageRegistry
{
    /// <summary>
    /// The registry's tables, in a class of their own: a local path never touches them, so a fresh process's first
    /// writer does not build them or load System.Collections.Concurrent for them (issue 19: a short run's start).
    /// </summary>
    private static class Tables
    {
        // Packages of this repository that provide a scheme: loaded by name on first use, so a reference is enough.
        public static readonly Dictionary<string, string> KnownProviders = new(StringComparer.OrdinalIgnoreCase)
        {
            ["s3"] = "TbLogger.S3",
            ["az"] = "TbLogger.Azure",
            ["https"] = "TbLogger.Azure",
            ["http"] = "TbLogger.Azure",
        };

        public static readonly ConcurrentDictionary<string, LogStorage> Storages = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Registers (or replaces) the store used for paths <c>{scheme}://…</c>.</summary>
    /// <param name="scheme">Letters, digits, '+', '-' or '.', starting with a letter, at least two characters (so "C:" stays a drive).</param>
    /// <param name="storage">The store.</param>
    /// <exception cref="ArgumentException">The scheme is not valid.</exception>
    public static void Register(string scheme, LogStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!IsValidScheme(scheme))
        {
            throw new ArgumentException($"'{scheme}' is not a URI scheme of at least two characters (letters, digits, '+', '-', '.').", nameof(scheme));
        }
        Tables.Storages[scheme] = storage;
    }

    /// <summary>The scheme of <paramref name="path"/> ("s3" for "s3://bucket/key"), or null for a local path.</summary>
    /// <param name="path">A log directory or file path.</param>
    /// <returns>The scheme, or null.</returns>
    public static string? GetScheme(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int colon = SchemeEnd(path);
        if (colon < 2)
        {
            return null;
        }
        string scheme = path[..colon];
        return IsValidScheme(scheme) ? scheme : null;
    }

    /// <summary>
    /// Where the first "://" of <paramref name="path"/> starts, or -1: <c>IndexOf("://", StringComparison.Ordinal)</c>
    /// written as a loop, since that call's first use cost a fresh process's first writer about 1.3 ms (issue 19: a
    /// short run's start) for a search over a few dozen characters.
    /// </summary>
    private static int SchemeEnd(string path)
    {
        for (int i = 0; i + 2 < path.Length; i++)
        {
            if (path[i] == ':' && path[i + 1] == '/' && path[i + 2] == '/')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The store of <paramref name="path"/>: <see cref="LocalLogStorage.Instance"/> for local paths.</summary>
    /// <param name="path">A log directory or file path.</param>
    /// <returns>The store.</returns>
    /// <exception cref="NotSupportedException">No store is registered or discoverable for the path's scheme.</exception>
    /// <exception cref="InvalidOperationException">A discovered provider is not a <see cref="LogStorage"/>, or its constructor failed (the cause is the inner exception).</exception>
    public static LogStorage Resolve(string path)
    {
        string? scheme = GetScheme(path);
        if (scheme is null)
        {
            return LocalLogStorage.Instance;
        }
        if (Tables.Storages.TryGetValue(scheme, out var storage))
        {
            return storage;
        }
        storage = Discover(scheme);
        if (storage is null)
        {
            string hint = Tables.KnownProviders.TryGetValue(scheme, out string? package) ? $" Reference the {package} package." : "";
            throw new NotSupportedException($"No log storage is registered for '{scheme}://' (path '{path}').{hint}");
        }
        return Tables.Storages.GetOrAdd(scheme, storage);
    }

    private static LogStorage? Discover(string scheme)
    {
        var candidates = AppDomain.CurrentDomain.GetAssemblies().ToList();
        if (Tables.KnownProviders.TryGetValue(scheme, out string? assemblyName) && !candidates.Any(a => a.GetName().Name == assemblyName))
        {
            try
            {
                candidates.Add(Assembly.Load(new AssemblyName(assemblyName)));
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // Not referenced: Resolve reports the missing package.
            }
        }
        foreach (var assembly in candidates)
        {
            foreach (var provider in assembly.GetCustomAttributes<LogStorageProviderAttribute>())
            {
                if (string.Equals(provider.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
                {
                    return Create(provider, scheme);
                }
            }
        }
        return null;
    }

    private static LogStorage Create(LogStorageProviderAttribute provider, string scheme)
    {
        Type type = provider.StorageType;
        if (type is null || !typeof(LogStorage).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new InvalidOperationException(
                $"The provider of '{scheme}://' names {type?.FullName ?? "no type"}, which is not a concrete LogStorage with a public parameterless constructor.");
        }
        try
        {
            return (LogStorage)Activator.CreateInstance(type)!;
        }
        catch (Exception ex) when (ex is TargetInvocationException or MissingMethodException or MemberAccessException)
        {
            // The constructor's own error (e.g. missing configuration) matters, not the reflection wrapper around it.
            Exception cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            throw new InvalidOperationException($"The log storage {type.FullName} for '{scheme}://' could not be created: {cause.Message}", cause);
        }
    }

    private static bool IsValidScheme(string? scheme) =>
        scheme is { Length: >= 2 } && char.IsAsciiLetter(scheme[0])
        && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
}
