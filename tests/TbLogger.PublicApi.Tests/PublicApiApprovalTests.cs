using System.Reflection;
using PublicApiGenerator;

namespace TbLogger.PublicApi.Tests;

/// <summary>
/// Fails on any unreviewed change to the public surface of a TbLogger package. Each package's public API is generated
/// from its compiled assembly and compared with <c>PublicApi/&lt;Assembly&gt;.approved.txt</c>. After a reviewed
/// change, <c>TBLOGGER_APPROVE_API=1 dotnet test tests/TbLogger.PublicApi.Tests</c> rewrites the approved files.
/// </summary>
[TestClass]
public sealed class PublicApiApprovalTests
{
    /// <summary>The environment variable that turns a comparison into a rewrite of the approved file.</summary>
    public const string ApproveVariable = "TBLOGGER_APPROVE_API";

    /// <summary>The one command that regenerates every approved file.</summary>
    public const string ApproveCommand = ApproveVariable + "=1 dotnet test tests/TbLogger.PublicApi.Tests";

    /// <summary>Every packable assembly under src/ (the tblog CLI is an application, not an API).</summary>
    internal static readonly string[] PackableAssemblies =
    [
        "TbLogger",
        "TbLogger.Metrics",
        "TbLogger.Training",
        "TbLogger.Diagnostics",
        "TbLogger.S3",
        "TbLogger.Azure",
        "TbLogger.Parquet",
        "TbLogger.TorchSharp",
    ];

    [TestMethod]
    [DataRow("TbLogger")]
    [DataRow("TbLogger.Metrics")]
    [DataRow("TbLogger.Training")]
    [DataRow("TbLogger.Diagnostics")]
    [DataRow("TbLogger.S3")]
    [DataRow("TbLogger.Azure")]
    [DataRow("TbLogger.Parquet")]
    [DataRow("TbLogger.TorchSharp")]
    public void PublicApiMatchesApprovedFile(string assemblyName)
    {
        string actual = PublicApiText.Generate(Assembly.Load(new AssemblyName(assemblyName)));
        string approvedPath = Path.Combine(ApprovedApiDirectory(), assemblyName + ".approved.txt");
        string receivedPath = Path.Combine(ApprovedApiDirectory(), assemblyName + ".received.txt");

        if (Environment.GetEnvironmentVariable(ApproveVariable) == "1")
        {
            File.WriteAllText(approvedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(approvedPath))
        {
            File.WriteAllText(receivedPath, actual);
            Assert.Fail($"{approvedPath} does not exist. The generated API is in {receivedPath}; after review, run `{ApproveCommand}` and commit PublicApi/.");
        }

        string approved = PublicApiText.Normalize(File.ReadAllText(approvedPath));
        string? difference = PublicApiText.FirstDifference(approved, actual);
        if (difference is null)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail(
            $"The public API of {assemblyName} differs from {approvedPath}.{Environment.NewLine}" +
            difference + Environment.NewLine +
            $"The whole generated API is in {receivedPath} (diff it against the approved file). If the change is " +
            $"intended, run `{ApproveCommand}` and commit PublicApi/.");
    }

    [TestMethod]
    public void EveryPackableProjectUnderSrcHasAnApprovedApi()
    {
        string src = Path.GetFullPath(Path.Combine(ApprovedApiDirectory(), "..", "..", "..", "src"));
        Assert.IsTrue(Directory.Exists(src), $"Expected the source tree at {src}.");

        // tblog (TbLogger.Cli) is packed as a tool: an application, whose types are nobody's API.
        string[] libraries = Directory.GetDirectories(src)
            .Where(dir => Directory.GetFiles(dir, "*.csproj").Length == 1)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != "TbLogger.Cli")
            .Order(StringComparer.Ordinal)
            .ToArray();

        CollectionAssert.AreEquivalent(
            libraries,
            PackableAssemblies,
            $"Each library under {src} needs a [DataRow] in {nameof(PublicApiMatchesApprovedFile)} and an entry in {nameof(PackableAssemblies)}.");
    }

    [TestMethod]
    public void FirstDifferenceNamesTheLineAndBothTexts()
    {
        string approved = "namespace A\n{\n    public class B { }\n}\n";
        string actual = "namespace A\n{\n    public class B { }\n    public class C { }\n}\n";

        string? difference = PublicApiText.FirstDifference(approved, actual);

        Assert.IsNotNull(difference);
        StringAssert.StartsWith(difference, "First difference at line 4:");
        StringAssert.Contains(difference, "- }");
        StringAssert.Contains(difference, "+     public class C { }");
        Assert.IsNull(PublicApiText.FirstDifference(approved, approved));
    }

    [TestMethod]
    public void GenerationIsDeterministicAndCarriesNoVersion()
    {
        Assembly core = Assembly.Load(new AssemblyName("TbLogger"));

        string first = PublicApiText.Generate(core);
        string second = PublicApiText.Generate(core);

        Assert.AreEqual(first, second);
        Assert.DoesNotContain("AssemblyVersion", first);
        Assert.DoesNotContain("AssemblyInformationalVersion", first);
        Assert.DoesNotContain("\r", first);
        Assert.EndsWith("\n", first);
        StringAssert.Contains(first, "public sealed class SummaryWriter");
    }

    private static string ApprovedApiDirectory()
    {
        string? directory = typeof(PublicApiApprovalTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == "ApprovedApiDirectory")?.Value;
        Assert.IsNotNull(directory, "The test assembly lacks its ApprovedApiDirectory metadata (see the .csproj).");
        Assert.IsTrue(Directory.Exists(directory), $"The approved API directory {directory} does not exist.");
        return directory;
    }
}
