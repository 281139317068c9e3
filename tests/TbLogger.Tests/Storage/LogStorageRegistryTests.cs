using TbLogger.Storage;
using TbLogger.Tests.Storage;

[assembly: LogStorageProvider("tbtest-throws", typeof(ThrowingStorage))]
[assembly: LogStorageProvider("tbtest-nostore", typeof(string))]

namespace TbLogger.Tests.Storage;

/// <summary>A provider whose constructor fails, as a store missing its configuration would.</summary>
public sealed class ThrowingStorage : LogStorage
{
    /// <summary>Always throws.</summary>
    public ThrowingStorage() => throw new InvalidOperationException("no endpoint configured");

    /// <inheritdoc/>
    public override bool IsLocal => false;

    /// <inheritdoc/>
    public override string Combine(string directory, string name) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void CreateDirectory(string directory) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override Stream CreateEventFile(string directory, string? suffix, out string path) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override IReadOnlyList<string> ListFiles(string directory, bool recursive) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override Stream OpenRead(string path) => throw new NotSupportedException();
}

[TestClass]
public sealed class LogStorageRegistryTests
{
    [TestMethod]
    public void A_provider_that_fails_to_construct_is_reported_with_its_scheme_and_cause_not_as_a_reflection_error()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => LogStorageRegistry.Resolve("tbtest-throws://bucket/run"));
        StringAssert.Contains(error.Message, "'tbtest-throws://'");
        StringAssert.Contains(error.Message, "no endpoint configured");
        Assert.IsInstanceOfType<InvalidOperationException>(error.InnerException);
    }

    [TestMethod]
    public void A_provider_type_that_is_not_a_log_storage_is_reported_clearly()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => LogStorageRegistry.Resolve("tbtest-nostore://bucket/run"));
        StringAssert.Contains(error.Message, "System.String");
        StringAssert.Contains(error.Message, "LogStorage");
    }
}
