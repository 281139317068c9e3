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
    // Packages of this repository that provide a scheme: loaded by name on first use, so a reference is enough.
    private static readonly Dictionary<string, string> s_knownProviders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s3"] = "TbLogger.S3",
        ["az"] = "TbLogger.Azure",
        ["https"] = "TbLogger.Azure",
        ["http"] = "TbLogger.Azure",
    };

    private static readonly ConcurrentDictionary<string, LogStorage> s_storages = new(StringComparer.OrdinalIgnoreCase);

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
        s_storages[scheme] = storage;
    }

    /// <summary>The scheme of <paramref name="path"/> ("s3" for "s3://bucket/key"), or null for a local path.</summary>
    /// <param name="path">A log directory or file path.</param>
    /// <returns>The scheme, or null.</returns>
    public static string? GetScheme(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int colon = path.IndexOf("://", StringComparison.Ordinal);
        if (colon < 2)
        {
            return null;
        }
        string scheme = path[..colon];
        return IsValidScheme(scheme) ? scheme : null;
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
        if (s_storages.TryGetValue(scheme, out var storage))
        {
            return storage;
        }
        storage = Discover(scheme);
        if (storage is null)
        {
            string hint = s_knownProviders.TryGetValue(scheme, out string? package) ? $" Reference the {package} package." : "";
            throw new NotSupportedException($"No log storage is registered for '{scheme}://' (path '{path}').{hint}");
        }
        return s_storages.GetOrAdd(scheme, storage);
    }

    private static LogStorage? Discover(string scheme)
    {
        var candidates = AppDomain.CurrentDomain.GetAssemblies().ToList();
        if (s_knownProviders.TryGetValue(scheme, out string? assemblyName) && !candidates.Any(a => a.GetName().Name == assemblyName))
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
