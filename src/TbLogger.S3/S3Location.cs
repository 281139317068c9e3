namespace TbLogger.S3;

/// <summary>A parsed <c>s3://bucket/key</c> URI. The key has no leading or trailing '/'; empty for the bucket's root.</summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Key">The object key or key prefix.</param>
public sealed record S3Location(string Bucket, string Key)
{
    /// <summary>The URI scheme, without "://".</summary>
    public const string Scheme = "s3";

    private const string Prefix = Scheme + "://";

    /// <summary>Parses <c>s3://bucket[/key]</c>.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The location.</returns>
    /// <exception cref="ArgumentException">Not an s3:// URI, or no bucket.</exception>
    public static S3Location Parse(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if (!uri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{uri}' is not an s3:// URI.", nameof(uri));
        }
        string rest = uri[Prefix.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string bucket = slash < 0 ? rest : rest[..slash];
        string key = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length == 0)
        {
            throw new ArgumentException($"'{uri}' names no bucket.", nameof(uri));
        }
        return new S3Location(bucket, key);
    }

    /// <summary>The key of a child of this location.</summary>
    /// <param name="name">The child's name.</param>
    /// <returns>"key/name", or "name" at the bucket's root.</returns>
    public string ChildKey(string name) => Key.Length == 0 ? name : Key + "/" + name;

    /// <summary>The URI of an object of this bucket.</summary>
    /// <param name="key">The object key.</param>
    /// <returns>s3://bucket/key.</returns>
    public string UriOf(string key) => $"{Prefix}{Bucket}/{key}";

    /// <inheritdoc/>
    public override string ToString() => Key.Length == 0 ? Prefix + Bucket : UriOf(Key);
}
