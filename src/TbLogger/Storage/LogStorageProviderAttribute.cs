namespace TbLogger.Storage;

/// <summary>
/// Marks an assembly that provides a <see cref="LogStorage"/> for a URI scheme. <see cref="LogStorageRegistry"/>
/// finds it when a path with that scheme is first used, so referencing the package is enough.
/// </summary>
/// <param name="scheme">The URI scheme without "://", e.g. "s3".</param>
/// <param name="storageType">A <see cref="LogStorage"/> type with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class LogStorageProviderAttribute(string scheme, Type storageType) : Attribute
{
    /// <summary>The URI scheme without "://", e.g. "s3".</summary>
    public string Scheme { get; } = scheme;

    /// <summary>The <see cref="LogStorage"/> type created for the scheme.</summary>
    public Type StorageType { get; } = storageType;
}
